//! KDF versions (docs/accounts.md, "KDF versions" and "Migration from version 1"): a version-1
//! account keeps signing in and pre-login answers its version until a passphrase change with
//! the same passphrase moves it to version 2; the server stores no new version-1 inputs.

use coffer_shared::b64;
use coffer_shared::crypto::account::{AccountSecrets, WrappedKeys};
use futures_util::future::join_all;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, json, spawn_app, spawn_app_with};
use crate::users::{PASSPHRASE, Salt, TestUser, proof, upload};

async fn prelogin(app: &TestApp, email: &str) -> Value {
    json(app.post("/api/v1/accounts/prelogin", &json!({ "email": email })).await).await
}

/// A server that, for tests only, lets a sign-up store version-1 inputs.
async fn spawn_accepting_v1() -> TestApp {
    spawn_app_with(|settings| settings.test_accept_v1_kdf = true).await
}

/// The body of a passphrase change of `user` (proven with `old`) to `passphrase` under `next`.
fn rekey(user: &TestUser, old: Salt, passphrase: &str, next: Salt) -> Value {
    json!({
        "auth_proof": proof(PASSPHRASE, old),
        "keys": upload(passphrase, next, &user.account_id, &user.secrets),
    })
}

async fn change(app: &TestApp, user: &TestUser, body: &Value) -> reqwest::Response {
    app.send_as(Some(&user.browser), Method::POST, "/api/v1/account/passphrase", Some(body)).await
}

#[tokio::test]
async fn a_version_1_account_signs_in_as_before_and_pre_login_answers_version_1() {
    let app = spawn_accepting_v1().await;
    let user = app.sign_up_v1("old@example.com").await;
    let answer = prelogin(&app, "Old@Example.com").await;
    assert_eq!(answer["version"], 1);
    assert_eq!(answer["kdf_salt"], b64::encode(user.salt.kdf_salt));
    assert_eq!(prelogin(&app, "new@example.com").await["version"], 2, "an unknown address answers 2");
    let browser = app.sign_in(&user).await;
    let info = json(app.send_as(Some(&browser), Method::GET, "/api/v1/session", None).await).await;
    assert_eq!(info["kdf"]["version"], 1);
}

#[tokio::test]
async fn a_passphrase_change_with_the_same_passphrase_moves_a_version_1_account_to_version_2() {
    let app = spawn_accepting_v1().await;
    let user = app.sign_up_v1("old@example.com").await;
    let next = Salt::v2("old@example.com", [9; 16]);
    let response = change(&app, &user, &rekey(&user, user.salt, PASSPHRASE, next)).await;
    assert_eq!(response.status(), 204);

    let answer = prelogin(&app, "old@example.com").await;
    assert_eq!((&answer["version"], &answer["kdf_salt"]), (&json!(2), &json!(b64::encode([9; 16]))));
    assert_eq!(app.sign_in_start("old@example.com", user.salt, PASSPHRASE).await.status(), 401);
    assert_eq!(app.sign_in_start("old@example.com", next, PASSPHRASE).await.status(), 200);
    let info = json(app.send_as(Some(&user.browser), Method::GET, "/api/v1/session", None).await).await;
    assert_eq!(info["kdf"], serde_json::to_value(next.kdf()).unwrap());
    let wrapped = WrappedKeys {
        vault_key: b64::decode(info["wrapped_vault_key"].as_str().unwrap()).unwrap(),
        identity_key: b64::decode(info["wrapped_identity_key"].as_str().unwrap()).unwrap(),
    };
    let public_key = user.secrets.identity.public_key();
    let opened =
        AccountSecrets::unwrap(&user.account_id, &next.keys(PASSPHRASE), &wrapped, &public_key).unwrap();
    assert_eq!(opened.vault_key, user.secrets.vault_key, "the same vault key, re-wrapped");
}

#[tokio::test]
async fn version_1_inputs_are_refused_at_a_passphrase_change_even_with_the_test_switch() {
    let app = spawn_accepting_v1().await;
    let user = app.sign_up("alice@example.com").await;
    for next in [Salt::v1([9; 16]), Salt::v2("alice@example.com", [9; 16])] {
        let mut body = rekey(&user, user.salt, "a brand new passphrase", next);
        body["keys"]["kdf"]["version"] = json!(1);
        let response = change(&app, &user, &body).await;
        assert_eq!(response.status(), 422);
        assert_eq!(json(response).await["code"], "invalid_kdf");
    }
    assert_eq!(prelogin(&app, "alice@example.com").await["version"], 2);
    assert_eq!(app.sign_in_start("alice@example.com", user.salt, PASSPHRASE).await.status(), 200);
}

#[tokio::test]
async fn a_version_1_sign_up_is_refused_without_the_test_switch() {
    let app = spawn_app().await;
    let sent = app.post("/api/v1/signup/code", &json!({ "email": "old@example.com" })).await;
    assert_eq!(sent.status(), 202);
    let code = crate::users::last_code(&app, "old@example.com");
    let verified =
        json(app.post("/api/v1/signup/verify", &json!({ "email": "old@example.com", "code": code })).await)
            .await;
    let id = coffer_shared::id::AccountId::random();
    let secrets = AccountSecrets::generate();
    let body = json!({
        "signup_token": verified["signup_token"],
        "account_id": id,
        "keys": upload(PASSPHRASE, Salt::v1([5; 16]), &id, &secrets),
        "public_key": b64::encode(secrets.identity.public_key()),
    });
    let response = app.post("/api/v1/signup", &body).await;
    assert_eq!(response.status(), 422);
    let error = json(response).await;
    assert_eq!(error["code"], "invalid_kdf");
    assert!(error["message"].as_str().unwrap().contains("kdf.version"), "{error}");
    assert!(app.state.store.account_by_email("old@example.com".into()).await.unwrap().is_none());
}

#[tokio::test]
async fn concurrent_migrations_of_one_account_leave_one_whole_set_of_credentials() {
    let app = spawn_accepting_v1().await;
    let user = app.sign_up_v1("old@example.com").await;
    let salts: Vec<Salt> = (0..8u8).map(|n| Salt::v2("old@example.com", [n; 16])).collect();
    let bodies: Vec<Value> = salts.iter().map(|next| rekey(&user, user.salt, PASSPHRASE, *next)).collect();
    let answers = join_all(bodies.iter().map(|body| change(&app, &user, body))).await;
    let statuses: Vec<u16> = answers.iter().map(|answer| answer.status().as_u16()).collect();
    // The losers' proofs are of the replaced passphrase: wrong, counted against the session
    // (429 once it is throttled).
    assert!(statuses.iter().all(|status| [204, 403, 429].contains(status)), "{statuses:?}");
    assert_eq!(statuses.iter().filter(|&&status| status == 204).count(), 1, "{statuses:?}");
    assert!(statuses.contains(&204), "{statuses:?}");

    // Whichever won, its salt, verifier and wrapped keys came together.
    let answer = prelogin(&app, "old@example.com").await;
    assert_eq!(answer["version"], 2);
    let stored = salts.iter().find(|salt| json!(b64::encode(salt.kdf_salt)) == answer["kdf_salt"]).unwrap();
    assert_eq!(app.sign_in_start("old@example.com", *stored, PASSPHRASE).await.status(), 200);
    let info = json(app.send_as(Some(&user.browser), Method::GET, "/api/v1/session", None).await).await;
    let wrapped = WrappedKeys {
        vault_key: b64::decode(info["wrapped_vault_key"].as_str().unwrap()).unwrap(),
        identity_key: b64::decode(info["wrapped_identity_key"].as_str().unwrap()).unwrap(),
    };
    let public_key = user.secrets.identity.public_key();
    assert!(
        AccountSecrets::unwrap(&user.account_id, &stored.keys(PASSPHRASE), &wrapped, &public_key).is_ok()
    );
}

#[tokio::test]
async fn moving_to_version_2_mails_an_upgrade_alert_rather_than_a_changed_passphrase_one() {
    let app = spawn_accepting_v1().await;
    let user = app.sign_up_v1("old@example.com").await;
    let next = Salt::v2("old@example.com", [7; 16]);
    assert_eq!(change(&app, &user, &rekey(&user, user.salt, PASSPHRASE, next)).await.status(), 204);
    let subject = "Coffer security alert: passphrase protection upgraded";
    let mails = crate::notice_helpers::wait_for(&app, "old@example.com", subject, 1).await;
    assert_eq!(mails.len(), 1);
    assert!(mails[0].body.contains("Your browser does this by itself once"), "{}", mails[0].body);
}
