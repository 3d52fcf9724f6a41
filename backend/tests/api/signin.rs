//! Sign-in: the passphrase proof, then the mailed code; the same refusal for a wrong passphrase
//! and an unknown address; throttling; the "new sign-in" mail and its single-use end link.

use futures_util::future::join_all;
use reqwest::Method;
use serde_json::json;

use crate::helpers::{cluster, json, spawn_app};
use crate::users::{Browser, PASSPHRASE, last_code, last_mail_to, proof};

#[tokio::test]
async fn signing_in_needs_the_passphrase_and_the_mailed_code_and_makes_a_new_session() {
    let app = spawn_app().await;
    let user = app.sign_up("alice@example.com").await;
    let second = app.sign_in(&user).await;
    assert_ne!(second.cookie, user.browser.cookie);
    assert_ne!(second.session_id, user.browser.session_id);
    for browser in [&user.browser, &second] {
        let response = app.send_as(Some(browser), Method::GET, "/api/v1/session", None).await;
        assert_eq!(response.status(), 200);
    }
    let mail = last_mail_to(&app, "alice@example.com");
    assert!(mail.contains("Subject: New sign-in to Coffer from"), "{mail}");
    assert!(mail.contains("/session/end#"), "{mail}");
}

#[tokio::test]
async fn a_wrong_passphrase_and_an_unknown_address_get_the_same_answer() {
    let app = spawn_app().await;
    let user = app.sign_up("alice@example.com").await;
    let wrong = app.sign_in_start("alice@example.com", user.salt, "wrong passphrase").await;
    let unknown = app.sign_in_start("nobody@example.com", user.salt, PASSPHRASE).await;
    assert_eq!(wrong.status(), 401);
    assert_eq!(unknown.status(), 401);
    let (wrong, unknown) = (json(wrong).await, json(unknown).await);
    assert_eq!(wrong, unknown);
    assert_eq!(wrong["code"], "invalid_credentials");
}

#[tokio::test]
async fn wrong_passphrases_slow_the_account_down_but_do_not_lock_it_out_for_good() {
    let app = spawn_app().await;
    let user = app.sign_up("alice@example.com").await;
    for _ in 0..5 {
        assert_eq!(app.sign_in_start("alice@example.com", user.salt, "guess").await.status(), 401);
    }
    assert_eq!(app.sign_in_start("alice@example.com", user.salt, PASSPHRASE).await.status(), 429);
    app.clock.advance(900);
    assert_eq!(app.sign_in_start("alice@example.com", user.salt, PASSPHRASE).await.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixty_racing_wrong_passphrases_over_three_servers_get_exactly_five_tries() {
    let servers = cluster(3, |_| {}).await;
    let user = servers[0].sign_up("alice@example.com").await;
    let wrong = json!({ "email": user.email, "auth_proof": proof("a guess", user.salt) });
    let tries = (0..60).map(|n| {
        let (server, wrong) = (&servers[n % servers.len()], &wrong);
        async move { server.post("/api/v1/signin", wrong).await.status().as_u16() }
    });
    let statuses = join_all(tries).await;
    let count = |status| statuses.iter().filter(|&&s| s == status).count();
    assert_eq!((count(401), count(429)), (5, 55), "{statuses:?}");
    for server in &servers {
        let right = server.sign_in_start(&user.email, user.salt, PASSPHRASE).await;
        assert_eq!(right.status(), 429, "even the right passphrase");
    }
}

#[tokio::test]
async fn a_signin_token_and_its_code_work_once_and_wrong_codes_are_counted() {
    let app = spawn_app().await;
    let user = app.sign_up("alice@example.com").await;
    let challenge = json(app.sign_in_start("alice@example.com", user.salt, PASSPHRASE).await).await;
    let token = challenge["signin_token"].as_str().unwrap().to_owned();
    let code = last_code(&app, "alice@example.com");
    let wrong_code = if code == "00000000" { "11111111" } else { "00000000" };
    let body = |code: &str| json!({ "signin_token": token, "code": code });
    let wrong = app.post("/api/v1/signin/verify", &body(wrong_code)).await;
    assert_eq!(wrong.status(), 401);
    assert_eq!(json(wrong).await["code"], "wrong_code");
    app.finish_sign_in(&token, &code).await;
    let again = app.post("/api/v1/signin/verify", &body(&code)).await;
    assert_eq!(again.status(), 401);
    assert_eq!(json(again).await["code"], "signin_expired");
}

#[tokio::test]
async fn a_signin_left_open_for_ten_minutes_expires() {
    let app = spawn_app().await;
    let user = app.sign_up("alice@example.com").await;
    let challenge = json(app.sign_in_start("alice@example.com", user.salt, PASSPHRASE).await).await;
    let code = last_code(&app, "alice@example.com");
    app.clock.advance(600);
    let late = app
        .post("/api/v1/signin/verify", &json!({ "signin_token": challenge["signin_token"], "code": code }))
        .await;
    assert_eq!(json(late).await["code"], "signin_expired");
}

#[tokio::test]
async fn resending_replaces_the_code_and_is_throttled() {
    let app = spawn_app().await;
    let user = app.sign_up("alice@example.com").await;
    let challenge = json(app.sign_in_start("alice@example.com", user.salt, PASSPHRASE).await).await;
    let token = challenge["signin_token"].as_str().unwrap().to_owned();
    let first = last_code(&app, "alice@example.com");
    let body = json!({ "signin_token": token });
    assert_eq!(app.post("/api/v1/signin/resend", &body).await.status(), 429);
    app.clock.advance(30);
    assert_eq!(app.post("/api/v1/signin/resend", &body).await.status(), 202);
    let second = last_code(&app, "alice@example.com");
    if first != second {
        let old = app.post("/api/v1/signin/verify", &json!({ "signin_token": token, "code": first })).await;
        assert_eq!(old.status(), 401);
    }
    app.finish_sign_in(&token, &second).await;
}

/// The token of the "end this session" link in the latest mail to `email`.
pub fn end_link_token(mail: &str) -> String {
    let body = crate::users::mail_body(mail);
    let line = body.lines().find(|line| line.contains("/session/end#")).unwrap();
    line.rsplit('#').next().unwrap().trim().to_owned()
}

#[tokio::test]
async fn the_link_in_the_new_signin_mail_ends_exactly_that_session_once() {
    let app = spawn_app().await;
    let user = app.sign_up("alice@example.com").await;
    let intruder: Browser = app.sign_in(&user).await;
    let token = end_link_token(&last_mail_to(&app, "alice@example.com"));
    let end = app.post("/api/v1/sessions/end-by-link", &json!({ "token": token })).await;
    assert_eq!(end.status(), 204);
    let ended = app.send_as(Some(&intruder), Method::GET, "/api/v1/session", None).await;
    assert_eq!(ended.status(), 401);
    let kept = app.send_as(Some(&user.browser), Method::GET, "/api/v1/session", None).await;
    assert_eq!(kept.status(), 200);
    let again = app.post("/api/v1/sessions/end-by-link", &json!({ "token": token })).await;
    assert_eq!(again.status(), 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn of_twenty_racing_uses_of_one_code_and_one_end_link_over_three_servers_one_wins() {
    let servers = cluster(3, |_| {}).await;
    let user = servers[0].sign_up("alice@example.com").await;
    let started = json(servers[0].sign_in_start(&user.email, user.salt, PASSPHRASE).await).await;
    let body =
        json!({ "signin_token": started["signin_token"], "code": last_code(&servers[0], &user.email) });
    let verifies = (0..20).map(|n| servers[n % servers.len()].post("/api/v1/signin/verify", &body));
    let statuses: Vec<u16> = join_all(verifies).await.iter().map(|r| r.status().as_u16()).collect();
    assert_eq!(statuses.iter().filter(|&&s| s == 200).count(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|&s| s == 200 || s == 401), "{statuses:?}");
    // The winner's server mailed the link.
    let mails: Vec<String> = servers.iter().flat_map(crate::users::outbox).collect();
    let mail = mails.iter().find(|mail| crate::users::mail_body(mail).contains("/session/end#"));
    let mail = mail.expect("the new sign-in mail");
    let body = json!({ "token": end_link_token(mail) });
    let ends = (0..20).map(|n| servers[n % servers.len()].post("/api/v1/sessions/end-by-link", &body));
    let statuses: Vec<u16> = join_all(ends).await.iter().map(|r| r.status().as_u16()).collect();
    assert_eq!(statuses.iter().filter(|&&s| s == 204).count(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|&s| s == 204 || s == 404), "{statuses:?}");
}
