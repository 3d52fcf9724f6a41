//! Credentials need the passphrase proof (issue 11): enrolling or replacing an authenticator and
//! making new recovery codes are refused without it or with a wrong one, and a refusal changes
//! nothing; new recovery codes replace the old ones at once.

use std::collections::BTreeSet;

use coffer_backend::auth::codes::tidy;
use coffer_backend::auth::second_factor::recovery_purpose;
use coffer_shared::crypto::server::code_mac;
use reqwest::Method;
use serde_json::{Value, json};

use crate::account::{code_now, codes_of, enrol, totp_setup};
use crate::helpers::{TestApp, json, spawn_app};
use crate::users::{PASSPHRASE, TestUser, proof};

const CONFIRM: &str = "/api/v1/account/totp/confirm";
const RENEW: &str = "/api/v1/account/totp/recovery-codes";

async fn post(app: &TestApp, user: &TestUser, path: &str, body: &Value) -> reqwest::Response {
    app.send_as(Some(&user.browser), Method::POST, path, Some(body)).await
}

fn right(user: &TestUser) -> String {
    proof(PASSPHRASE, user.salt)
}

fn wrong(user: &TestUser) -> String {
    proof("not the passphrase", user.salt)
}

/// Starts a sign-in and tries `code` as its second factor: the answer's status.
async fn second_factor(app: &TestApp, user: &TestUser, code: &str) -> u16 {
    let challenge = json(app.sign_in_start(&user.email, user.salt, PASSPHRASE).await).await;
    assert_eq!(challenge["second_factor"], "totp");
    let body = json!({ "signin_token": challenge["signin_token"], "code": code });
    app.post("/api/v1/signin/verify", &body).await.status().as_u16()
}

async fn totp_enabled(app: &TestApp, user: &TestUser) -> bool {
    let info = json(app.send_as(Some(&user.browser), Method::GET, "/api/v1/session", None).await).await;
    info["totp_enabled"].as_bool().unwrap()
}

#[tokio::test]
async fn an_authenticator_is_turned_on_only_with_the_passphrase_proof() {
    let app = spawn_app().await;
    let user = app.sign_up("alice@example.com").await;
    let secret = totp_setup(&app, &user.browser).await;
    let code = code_now(&app, &secret);

    let bare = post(&app, &user, CONFIRM, &json!({ "code": code })).await;
    assert_eq!((bare.status().as_u16(), json(bare).await["code"].clone()), (422, json!("invalid_field")));
    let wrong = post(&app, &user, CONFIRM, &json!({ "code": code, "auth_proof": wrong(&user) })).await;
    assert_eq!(
        (wrong.status().as_u16(), json(wrong).await["code"].clone()),
        (403, json!("wrong_passphrase"))
    );
    assert!(!totp_enabled(&app, &user).await, "a refused confirmation turns nothing on");
    app.sign_in(&user).await; // still the e-mailed code

    let done = post(&app, &user, CONFIRM, &json!({ "code": code, "auth_proof": right(&user) })).await;
    assert_eq!(done.status(), 200, "the pending secret survived the refusals");
    assert_eq!(codes_of(done).await.len(), 10);
    assert!(totp_enabled(&app, &user).await);
}

#[tokio::test]
async fn replacing_the_authenticator_needs_the_proof_and_a_refusal_keeps_the_old_one_and_its_codes() {
    let app = spawn_app().await;
    let user = app.sign_up("alice@example.com").await;
    let (old, old_codes) = enrol(&app, &user).await;
    let new = totp_setup(&app, &user.browser).await;
    let new_code = code_now(&app, &new);
    for (body, status) in
        [(json!({ "code": new_code }), 422), (json!({ "code": new_code, "auth_proof": wrong(&user) }), 403)]
    {
        assert_eq!(post(&app, &user, CONFIRM, &body).await.status(), status);
    }
    app.clock.advance(30);
    assert_eq!(second_factor(&app, &user, &code_now(&app, &new)).await, 401, "the new app is not on");
    assert_eq!(second_factor(&app, &user, &code_now(&app, &old)).await, 200, "the old app still is");
    assert_eq!(second_factor(&app, &user, &old_codes[0]).await, 200, "and so are its recovery codes");

    let replaced = post(&app, &user, CONFIRM, &json!({ "code": new_code, "auth_proof": right(&user) })).await;
    assert_eq!(replaced.status(), 200);
    let new_codes = codes_of(replaced).await;
    assert_eq!(app.logged(&user, "totp_enrolled").await.api["detail"], json!({ "replaced": true }));
    app.clock.advance(30);
    assert_eq!(second_factor(&app, &user, &code_now(&app, &old)).await, 401, "the old app is off");
    assert_eq!(second_factor(&app, &user, &old_codes[1]).await, 401, "with its recovery codes");
    assert_eq!(second_factor(&app, &user, &code_now(&app, &new)).await, 200);
    assert_eq!(second_factor(&app, &user, &new_codes[0]).await, 200);
}

#[tokio::test]
async fn new_recovery_codes_need_the_proof_and_the_old_ones_stop_working_at_once() {
    let app = spawn_app().await;
    let user = app.sign_up("alice@example.com").await;
    let (_, old_codes) = enrol(&app, &user).await;
    for (body, status, code) in
        [(json!({}), 422, "invalid_field"), (json!({ "auth_proof": wrong(&user) }), 403, "wrong_passphrase")]
    {
        let refused = post(&app, &user, RENEW, &body).await;
        assert_eq!((refused.status().as_u16(), json(refused).await["code"].clone()), (status, json!(code)));
    }
    assert_eq!(second_factor(&app, &user, &old_codes[0]).await, 200, "a refusal keeps the old codes");

    let renewed = post(&app, &user, RENEW, &json!({ "auth_proof": right(&user) })).await;
    assert_eq!(renewed.status(), 200);
    let new_codes = codes_of(renewed).await;
    assert_eq!(new_codes.len(), 10);
    assert!(new_codes.iter().all(|code| !old_codes.contains(code)));
    let logged = app.logged(&user, "recovery_codes_renewed").await;
    assert_eq!((&logged.api["severity"], &logged.api["detail"]), (&json!("warning"), &json!({})));
    assert_eq!(second_factor(&app, &user, &old_codes[1]).await, 401, "the old set stopped working");
    assert_eq!(second_factor(&app, &user, &new_codes[0]).await, 200);
    assert_eq!(second_factor(&app, &user, &new_codes[0]).await, 401, "each new code works once");
    assert!(totp_enabled(&app, &user).await, "the authenticator itself is kept");
}

#[tokio::test]
async fn without_an_authenticator_there_are_no_recovery_codes_to_renew() {
    let app = spawn_app().await;
    let user = app.sign_up("alice@example.com").await;
    let refused = post(&app, &user, RENEW, &json!({ "auth_proof": right(&user) })).await;
    assert_eq!(refused.status(), 422);
    assert_eq!(json(refused).await["code"], "no_authenticator");
    assert!(!totp_enabled(&app, &user).await);
}

#[tokio::test]
async fn concurrent_renewals_leave_exactly_one_answered_set_stored() {
    let app = spawn_app().await;
    let user = app.sign_up("alice@example.com").await;
    enrol(&app, &user).await;
    let body = json!({ "auth_proof": right(&user) });
    let answers = futures_util::future::join_all(
        (0..8).map(|_| async { codes_of(post(&app, &user, RENEW, &body).await).await }),
    )
    .await;
    let purpose = recovery_purpose(&user.account_id);
    let key = app.state.server_secret.key();
    let hashes = |codes: &Vec<String>| -> BTreeSet<[u8; 32]> {
        codes.iter().map(|code| code_mac(key, &purpose, &tidy(code))).collect()
    };
    let account = app.state.store.account(user.account_id.clone()).await.unwrap().unwrap();
    let stored: BTreeSet<[u8; 32]> = account.totp.unwrap().recovery.into_iter().collect();
    assert_eq!(stored.len(), 10);
    assert_eq!(answers.iter().filter(|codes| hashes(codes) == stored).count(), 1);
}
