//! The signed-in account: enrolling an authenticator and signing in with it (replay refused,
//! recovery codes single use), changing the passphrase, deleting the account.

use coffer_shared::crypto::totp::{self, TotpSecret};
use reqwest::Method;
use serde_json::json;

use crate::helpers::{START, json, spawn_app};
use crate::users::{Browser, PASSPHRASE, Salt, TestUser, proof, upload};
use crate::vault::{create, note, open_first, post_record};

/// Enrols an authenticator for `user`; returns its secret and the recovery codes.
pub async fn enrol(app: &crate::helpers::TestApp, user: &TestUser) -> (TotpSecret, Vec<String>) {
    let secret = totp_setup(app, &user.browser).await;
    let body = json!({ "code": code_now(app, &secret), "auth_proof": proof(PASSPHRASE, user.salt) });
    let confirmed =
        app.send_as(Some(&user.browser), Method::POST, "/api/v1/account/totp/confirm", Some(&body)).await;
    assert_eq!(confirmed.status(), 200);
    (secret, codes_of(confirmed).await)
}

/// `POST /api/v1/account/totp/setup` as `browser`: the pending secret.
pub async fn totp_setup(app: &crate::helpers::TestApp, browser: &Browser) -> TotpSecret {
    let setup = app.send_as(Some(browser), Method::POST, "/api/v1/account/totp/setup", None).await;
    assert_eq!(setup.status(), 200);
    let setup = json(setup).await;
    assert!(setup["otpauth_uri"].as_str().unwrap().starts_with("otpauth://totp/"));
    TotpSecret::from_base32(setup["secret"].as_str().unwrap()).unwrap()
}

/// The code `secret` gives at the manual clock's time.
pub fn code_now(app: &crate::helpers::TestApp, secret: &TotpSecret) -> String {
    format!("{:06}", totp::code_at(secret, totp::step_at(app.clock_now())))
}

/// The recovery codes of a 200 answer.
pub async fn codes_of(response: reqwest::Response) -> Vec<String> {
    json(response).await["codes"].as_array().unwrap().iter().map(|c| c.as_str().unwrap().to_owned()).collect()
}

impl crate::helpers::TestApp {
    /// The manual clock's time.
    pub fn clock_now(&self) -> u64 {
        use coffer_backend::clock::Clock;
        self.clock.now()
    }
}

#[tokio::test]
async fn with_an_authenticator_sign_in_takes_its_code_once_or_a_recovery_code_once() {
    let app = spawn_app().await;
    let user = app.sign_up("alice@example.com").await;
    let (secret, recovery) = enrol(&app, &user).await;
    assert_eq!(recovery.len(), 10);
    let info = json(app.send_as(Some(&user.browser), Method::GET, "/api/v1/session", None).await).await;
    assert_eq!(info["totp_enabled"], true);

    let start = || async {
        let challenge = json(app.sign_in_start("alice@example.com", user.salt, PASSPHRASE).await).await;
        assert_eq!(challenge["second_factor"], "totp");
        challenge["signin_token"].as_str().unwrap().to_owned()
    };
    // The code used at enrolment is spent; the next step's code works, once.
    let token = start().await;
    let spent = format!("{:06}", totp::code_at(&secret, totp::step_at(START)));
    let replay = app.post("/api/v1/signin/verify", &json!({ "signin_token": token, "code": spent })).await;
    assert_eq!(replay.status(), 401);
    app.clock.advance(30);
    let fresh = format!("{:06}", totp::code_at(&secret, totp::step_at(app.clock_now())));
    app.finish_sign_in(&token, &fresh).await;
    let token = start().await;
    let again = app.post("/api/v1/signin/verify", &json!({ "signin_token": token, "code": fresh })).await;
    assert_eq!(again.status(), 401, "a code is never accepted twice");

    // A recovery code works once, typed in any case.
    app.finish_sign_in(&token, &recovery[3].to_uppercase()).await;
    let token = start().await;
    let reused =
        app.post("/api/v1/signin/verify", &json!({ "signin_token": token, "code": recovery[3] })).await;
    assert_eq!(reused.status(), 401);
}

#[tokio::test]
async fn turning_the_authenticator_off_needs_the_passphrase() {
    let app = spawn_app().await;
    let user = app.sign_up("alice@example.com").await;
    enrol(&app, &user).await;
    let wrong = json!({ "auth_proof": proof("wrong", user.salt) });
    let refused =
        app.send_as(Some(&user.browser), Method::POST, "/api/v1/account/totp/disable", Some(&wrong)).await;
    assert_eq!(refused.status(), 403);
    let right = json!({ "auth_proof": proof(PASSPHRASE, user.salt) });
    let done =
        app.send_as(Some(&user.browser), Method::POST, "/api/v1/account/totp/disable", Some(&right)).await;
    assert_eq!(done.status(), 204);
    app.sign_in(&user).await; // back to e-mailed codes
}

#[tokio::test]
async fn a_wrong_enrolment_code_enables_nothing() {
    let app = spawn_app().await;
    let user = app.sign_up("alice@example.com").await;
    app.send_as(Some(&user.browser), Method::POST, "/api/v1/account/totp/setup", None).await;
    let body = json!({ "code": "000000", "auth_proof": proof(PASSPHRASE, user.salt) });
    let refused =
        app.send_as(Some(&user.browser), Method::POST, "/api/v1/account/totp/confirm", Some(&body)).await;
    assert_eq!(refused.status(), 422);
    let info = json(app.send_as(Some(&user.browser), Method::GET, "/api/v1/session", None).await).await;
    assert_eq!(info["totp_enabled"], false);
}

#[tokio::test]
async fn changing_the_passphrase_rewraps_the_keys_and_ends_every_other_session() {
    let app = spawn_app().await;
    let user = app.sign_up("alice@example.com").await;
    create(&app, &user, &note("survives")).await;
    let other = app.sign_in(&user).await;
    let new_salt = Salt::v2("alice@example.com", [8; 16]);
    let body = json!({
        "auth_proof": proof(PASSPHRASE, user.salt),
        "keys": upload("a brand new passphrase", new_salt, &user.account_id, &user.secrets),
    });
    let wrong = json!({ "auth_proof": proof("wrong", user.salt), "keys": body["keys"] });
    let refused =
        app.send_as(Some(&user.browser), Method::POST, "/api/v1/account/passphrase", Some(&wrong)).await;
    assert_eq!(refused.status(), 403);
    let changed =
        app.send_as(Some(&user.browser), Method::POST, "/api/v1/account/passphrase", Some(&body)).await;
    assert_eq!(changed.status(), 204);
    assert_eq!(app.send_as(Some(&other), Method::GET, "/api/v1/session", None).await.status(), 401);
    assert_eq!(app.send_as(Some(&user.browser), Method::GET, "/api/v1/session", None).await.status(), 200);
    assert_eq!(app.sign_in_start("alice@example.com", user.salt, PASSPHRASE).await.status(), 401);
    assert_eq!(
        app.sign_in_start("alice@example.com", new_salt, "a brand new passphrase").await.status(),
        200
    );
    let listed =
        json(app.send_as(Some(&user.browser), Method::GET, "/api/v1/vault/records", None).await).await;
    assert_eq!(open_first(&user, &listed), "survives", "records are not re-encrypted and still open");
}

#[tokio::test]
async fn deleting_the_account_removes_its_records_shares_sessions_and_address() {
    let app = spawn_app().await;
    let user = app.sign_up("alice@example.com").await;
    create(&app, &user, &note("one")).await;
    let share = crate::helpers::TestShare::signed("owned", 1, &user.secrets.identity);
    let share_body = serde_json::to_value(&share.request).unwrap();
    let made = app.send_as(Some(&user.browser), Method::POST, "/api/v1/shares", Some(&share_body)).await;
    assert_eq!(made.status(), 201);
    let other = app.sign_in(&user).await;
    let body = json!({ "auth_proof": proof(PASSPHRASE, user.salt) });
    let deleted = app.send_as(Some(&user.browser), Method::POST, "/api/v1/account/delete", Some(&body)).await;
    assert_eq!(deleted.status(), 204);
    assert!(deleted.headers()["set-cookie"].to_str().unwrap().contains("Max-Age=0"));
    assert_eq!(app.state.store.record_count().await.unwrap(), 0);
    assert_eq!(app.share_count().await, 0, "the account's shares go with it");
    assert_eq!(app.claim(&share, &share.access_token_for(None)).await.status(), 404);
    for browser in [&user.browser, &other] {
        assert_eq!(app.send_as(Some(browser), Method::GET, "/api/v1/session", None).await.status(), 401);
    }
    assert!(app.state.store.account_by_email("alice@example.com".into()).await.unwrap().is_none());
    app.clock.advance(60);
    app.sign_up("alice@example.com").await; // the address is free again
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn records_and_shares_racing_the_accounts_deletion_go_with_it_or_are_refused() {
    let app = spawn_app().await;
    let user = app.sign_up("racer@example.com").await;
    let (app, user) = (&app, &user);
    let records = (0..30).map(|n| async move {
        let (_, response) = post_record(app, user, &note(&format!("record {n}"))).await;
        response.status().as_u16()
    });
    let shares = (0..10).map(|n| async move {
        let share = crate::helpers::TestShare::signed(&format!("owned {n}"), 1, &user.secrets.identity);
        let body = serde_json::to_value(&share.request).unwrap();
        app.send_as(Some(&user.browser), Method::POST, "/api/v1/shares", Some(&body)).await.status().as_u16()
    });
    let delete = async {
        tokio::task::yield_now().await;
        let body = json!({ "auth_proof": proof(PASSPHRASE, user.salt) });
        app.send_as(Some(&user.browser), Method::POST, "/api/v1/account/delete", Some(&body)).await.status()
    };
    let (records, shares, deleted) =
        tokio::join!(futures_util::future::join_all(records), futures_util::future::join_all(shares), delete);
    assert_eq!(deleted, 204);
    assert!(records.iter().all(|status| [201, 401].contains(status)), "{records:?}");
    // Once the session has ended the request is anonymous, and an anonymous share is not signed.
    assert!(shares.iter().all(|status| [201, 401, 422].contains(status)), "{shares:?}");
    assert_eq!(app.state.store.record_count().await.unwrap(), 0, "no record outlives its account");
    assert_eq!(app.share_count().await, 0, "no share outlives its owner");
}
