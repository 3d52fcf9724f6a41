//! Accounts on the test server ([`Server`]): signed up through the API as a browser does
//! (version-2 KDF inputs at the floor costs, to keep tests fast), their mailed codes read from
//! the server's outbox, and `coffer` run with or without their session.

use std::io::Write;
use std::path::PathBuf;
use std::process::Child;
use std::time::{Duration, Instant};

use coffer_shared::api::{AccountKeysUpload, KdfInputs};
use coffer_shared::b64;
use coffer_shared::crypto::account::{AccountKeys, AccountSecrets};
use coffer_shared::crypto::account_kdf::{AccountKdf, KdfVersion};
use coffer_shared::crypto::kdf::KdfParams;
use coffer_shared::crypto::random_array;
use coffer_shared::id::AccountId;
use coffer_shared::token::AuthProof;
use serde_json::{Value, json};

pub use crate::harness::{Run, Server};

/// Every test account's passphrase unless a test says otherwise.
pub const PASSPHRASE: &str = "correct horse battery staple";

/// An account and what its browser holds.
pub struct User {
    pub email: String,
    pub secrets: AccountSecrets,
    /// `cookie: name=value` and the CSRF token of the browser's session.
    pub cookie: String,
    pub csrf: String,
}

/// Starts the real application with rate limits off.
pub async fn spawn() -> Server {
    Server::start().await
}

impl Server {
    /// The codes mailed to `email`, oldest first.
    pub fn codes_to(&self, email: &str) -> Vec<String> {
        let mut files: Vec<PathBuf> = match std::fs::read_dir(self.outbox()) {
            Ok(entries) => entries.map(|entry| entry.unwrap().path()).collect(),
            Err(_) => Vec::new(),
        };
        files.retain(|path| path.extension().is_some_and(|ext| ext == "eml"));
        files.sort();
        files
            .iter()
            .filter_map(|path| std::fs::read_to_string(path).ok())
            .filter(|raw| raw.lines().any(|line| line.starts_with("To:") && line.contains(email)))
            .filter_map(|raw| {
                let subject =
                    raw.lines().find(|line| line.starts_with("Subject:") && line.contains(" code: "))?;
                Some(subject.rsplit(' ').next()?.trim().to_owned())
            })
            .collect()
    }

    /// Waits for the `count`-th code to `email`.
    pub fn wait_for_code(&self, email: &str, count: usize) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let codes = self.codes_to(email);
            if codes.len() >= count {
                return codes[count - 1].clone();
            }
            assert!(Instant::now() < deadline, "no code mailed to {email}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// `POST` a JSON body as `user`'s browser (or anonymously).
    pub async fn post(&self, user: Option<&User>, path: &str, body: &Value) -> reqwest::Response {
        let mut request = reqwest::Client::new().post(format!("{}{path}", self.address)).json(body);
        if let Some(user) = user {
            request = request.header("cookie", &user.cookie).header("x-coffer-csrf", &user.csrf);
        }
        request.send().await.unwrap()
    }

    /// `GET` as `user`'s browser.
    pub async fn get(&self, user: &User, path: &str) -> Value {
        let response = reqwest::Client::new()
            .get(format!("{}{path}", self.address))
            .header("cookie", &user.cookie)
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success(), "{}", response.status());
        response.json().await.unwrap()
    }

    /// Signs `email` up with [`PASSPHRASE`] as a browser does, reading the code from the outbox.
    pub async fn sign_up(&self, email: &str) -> User {
        let sent = self.post(None, "/api/v1/signup/code", &json!({ "email": email })).await;
        assert_eq!(sent.status(), 202);
        let code = self.wait_for_code(email, 1);
        let verified =
            self.post(None, "/api/v1/signup/verify", &json!({ "email": email, "code": code })).await;
        assert_eq!(verified.status(), 200);
        let token = verified.json::<Value>().await.unwrap()["signup_token"].as_str().unwrap().to_owned();
        let account_id = AccountId::random();
        let secrets = AccountSecrets::generate();
        let kdf = AccountKdf { version: KdfVersion::V2, params: KdfParams::FLOOR, kdf_salt: random_array() };
        let keys = AccountKeys::derive(&kdf.master_key(PASSPHRASE, email));
        let wrapped = secrets.wrap(&account_id, &keys);
        let upload = AccountKeysUpload {
            kdf: KdfInputs::of(&kdf),
            auth_proof: AuthProof::from_key(&keys.auth_proof()),
            wrapped_vault_key: b64::encode(&wrapped.vault_key),
            wrapped_identity_key: b64::encode(&wrapped.identity_key),
        };
        let body = json!({
            "signup_token": token,
            "account_id": account_id,
            "keys": upload,
            "public_key": b64::encode(secrets.identity.public_key()),
        });
        let created = self.post(None, "/api/v1/signup", &body).await;
        assert_eq!(created.status(), 201);
        let set_cookie = created.headers()["set-cookie"].to_str().unwrap();
        let cookie = set_cookie.split(';').next().unwrap().to_owned();
        let info: Value = created.json().await.unwrap();
        User {
            email: email.to_owned(),
            secrets,
            cookie,
            csrf: info["csrf_token"].as_str().unwrap().to_owned(),
        }
    }

    /// `coffer` with `args`, with `session` as `COFFER_SESSION` when given.
    pub fn command_as(&self, session: Option<&str>, args: &[&str]) -> std::process::Command {
        let mut command = self.std_command(args);
        if let Some(session) = session {
            command.env("COFFER_SESSION", session);
        }
        command
    }

    /// Runs `coffer` with `stdin` (and `session`) and waits for it.
    pub fn run_as(&self, session: Option<&str>, args: &[&str], stdin: &str) -> Run {
        let mut child = self.command_as(session, args).spawn().unwrap();
        child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
        finish(child)
    }

    /// `coffer login --json` with the passphrase on stdin and, once the server has mailed it,
    /// the code on the next line: the session's text.
    pub fn login(&self, email: &str) -> String {
        let run = self.login_run(email, &["--json"]).expect(0);
        run.json()["session"].as_str().unwrap().to_owned()
    }

    /// `coffer login --email … --passphrase-stdin` plus `extra`, answering the e-mailed code
    /// once it is mailed (unless the command ends first).
    pub fn login_run(&self, email: &str, extra: &[&str]) -> Run {
        let mailed = self.codes_to(email).len();
        let mut args = vec!["login", "--email", email, "--passphrase-stdin"];
        args.extend_from_slice(extra);
        let mut child = self.command_as(None, &args).spawn().unwrap();
        let mut stdin = child.stdin.take().unwrap();
        writeln!(stdin, "{PASSPHRASE}").unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(code) = self.codes_to(email).get(mailed) {
                // The command may have ended meanwhile; then nobody reads the code.
                let _ = writeln!(stdin, "{code}");
                break;
            }
            if child.try_wait().unwrap().is_some() {
                break;
            }
            assert!(Instant::now() < deadline, "no code mailed to {email}");
            std::thread::sleep(Duration::from_millis(50));
        }
        drop(stdin);
        finish(child)
    }
}

fn finish(child: Child) -> Run {
    let output = child.wait_with_output().unwrap();
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}
