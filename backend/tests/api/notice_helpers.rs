//! Helpers for the reports and alerts by mail: an app that finds places (the test MMDB) and
//! believes loopback's `X-Forwarded-For`, sign-ins from a chosen client, and waiting for a
//! message mailed in the background.

use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, json, spawn_app_in};
use crate::mmdb::test_places;
use crate::users::{Browser, PASSPHRASE, TestUser, last_code, mail_body, outbox, proof, session_cookie};

/// A desktop Chrome's `User-Agent`: "Chrome on Linux".
pub const CHROME: &str =
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";
/// A Firefox's `User-Agent`: "Firefox on Windows".
pub const FIREFOX: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:140.0) Gecko/20100101 Firefox/140.0";
/// In the test MMDB: Berlin, DE.
pub const BERLIN: &str = "203.0.113.9";
/// In the test MMDB: Osaka, JP.
pub const OSAKA: &str = "198.51.100.7";

/// An app with the test MMDB as its place database, trusting loopback as a proxy.
pub async fn spawn_app_with_places() -> TestApp {
    let data_root = tempfile::tempdir().unwrap();
    let path = data_root.path().join("places.mmdb");
    std::fs::write(&path, test_places()).unwrap();
    spawn_app_in(data_root, move |settings| {
        settings.geoip_db = Some(path);
        settings.trusted_proxy = vec!["127.0.0.1/32".parse().unwrap()];
    })
    .await
}

/// A message as subject and decoded body.
#[derive(Debug, Clone)]
pub struct Mail {
    pub subject: String,
    pub body: String,
}

/// Every message to `email`, oldest first.
pub fn mails_to(app: &TestApp, email: &str) -> Vec<Mail> {
    outbox(app)
        .into_iter()
        .filter(|raw| raw.lines().any(|line| line.starts_with("To:") && line.contains(email)))
        .map(|raw| {
            // A long subject is folded onto continuation lines that start with white space.
            let head = raw.replace("\r\n", "\n");
            let head = head.split("\n\n").next().unwrap_or("").replace("\n ", " ").replace("\n\t", " ");
            let subject =
                head.lines().find_map(|line| line.strip_prefix("Subject: ")).unwrap_or("").to_owned();
            Mail { subject, body: mail_body(&raw) }
        })
        .collect()
}

/// Messages to `email` whose subject starts with `prefix`.
pub fn mails_starting(app: &TestApp, email: &str, prefix: &str) -> Vec<Mail> {
    mails_to(app, email).into_iter().filter(|mail| mail.subject.starts_with(prefix)).collect()
}

/// Waits (up to 10 s) until `count` messages to `email` start with `prefix`, and returns them.
pub async fn wait_for(app: &TestApp, email: &str, prefix: &str, count: usize) -> Vec<Mail> {
    for _ in 0..500 {
        let found = mails_starting(app, email, prefix);
        if found.len() >= count {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("fewer than {count} mails to {email} starting {prefix:?}: {:#?}", mails_to(app, email));
}

impl TestApp {
    /// `POST path` from `ip` (through the trusted proxy) with `agent` as `User-Agent`.
    pub async fn post_from(&self, ip: &str, agent: &str, path: &str, body: &Value) -> reqwest::Response {
        let request = self.client.post(format!("{}{path}", self.address));
        request.header("x-forwarded-for", ip).header("user-agent", agent).json(body).send().await.unwrap()
    }

    /// `method path` as `browser`, from `ip` (through the trusted proxy) with `agent`.
    pub async fn send_from(
        &self,
        (ip, agent): (&str, &str),
        browser: &Browser,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> reqwest::Response {
        let mut request = self.client.request(method, format!("{}{path}", self.address));
        request = request.header("x-forwarded-for", ip).header("user-agent", agent);
        request = request.header("cookie", &browser.cookie).header("x-coffer-csrf", &browser.csrf);
        if let Some(body) = body {
            request = request.json(body);
        }
        request.send().await.unwrap()
    }

    /// A whole e-mail sign-in of `user` from `ip` with `agent`: the new session.
    pub async fn sign_in_from(&self, user: &TestUser, ip: &str, agent: &str) -> Browser {
        let body = json!({ "email": user.email, "auth_proof": proof(PASSPHRASE, user.salt) });
        let started = self.post_from(ip, agent, "/api/v1/signin", &body).await;
        assert_eq!(started.status(), 200);
        let token = json(started).await["signin_token"].as_str().unwrap().to_owned();
        let code = last_code(self, &user.email);
        let body = json!({ "signin_token": token, "code": code });
        let verified = self.post_from(ip, agent, "/api/v1/signin/verify", &body).await;
        assert_eq!(verified.status(), 200);
        let cookie = session_cookie(&verified);
        let info = json(verified).await;
        Browser {
            cookie,
            csrf: info["csrf_token"].as_str().unwrap().to_owned(),
            session_id: info["session_id"].as_str().unwrap().to_owned(),
        }
    }

    /// `POST /api/v1/session/signout` as `browser`; panics unless 204.
    pub async fn sign_out(&self, browser: &Browser) {
        let response = self.send_as(Some(browser), Method::POST, "/api/v1/session/signout", None).await;
        assert_eq!(response.status(), 204);
    }

    /// `PUT /api/v1/account/notifications` as `browser`: the raw answer.
    pub async fn set_notifications(
        &self,
        browser: &Browser,
        signout_report: bool,
        weekly_digest: bool,
    ) -> reqwest::Response {
        let body = json!({ "signout_report": signout_report, "weekly_digest": weekly_digest });
        self.send_as(Some(browser), Method::PUT, "/api/v1/account/notifications", Some(&body)).await
    }

    /// The `notifications` of `GET /api/v1/session` as `browser`.
    pub async fn notifications(&self, browser: &Browser) -> Value {
        let response = self.send_as(Some(browser), Method::GET, "/api/v1/session", None).await;
        assert_eq!(response.status(), 200);
        json(response).await["notifications"].clone()
    }
}
