//! Bad input gets a clear 4xx `{code, message}` and stores nothing.

use coffer_shared::b64;
use coffer_shared::id::AccountId;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestShare, spawn_app, spawn_app_with};
use crate::users::{PASSPHRASE, proof, upload};

/// Sends `body` as a create request; checks status, code and that nothing was stored.
async fn refused(app: &TestApp, body: &Value, status: u16, code: &str) {
    let response = app.post("/api/v1/shares", body).await;
    assert_eq!(response.status(), status, "{body}");
    let error: Value = response.json().await.unwrap();
    assert_eq!(error["code"], code, "{error}");
    assert!(!error["message"].as_str().unwrap().is_empty());
    assert_eq!(app.share_count().await, 0);
}

fn valid() -> Value {
    serde_json::to_value(&TestShare::new("s", 1).request).unwrap()
}

fn with(field: &str, value: Value) -> Value {
    let mut body = valid();
    body[field] = value;
    body
}

fn envelope_with_byte(index: usize, byte: u8) -> Value {
    let mut body = valid();
    let mut envelope = coffer_shared::b64::decode(body["envelope"].as_str().unwrap()).unwrap();
    envelope[index] = byte;
    body["envelope"] = json!(coffer_shared::b64::encode(envelope));
    body
}

#[tokio::test]
async fn malformed_and_mistyped_bodies_are_refused() {
    let app = spawn_app().await;
    let raw = |body: &'static str| {
        app.client
            .post(format!("{}/api/v1/shares", app.address))
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    let response = raw("{not json").await.unwrap();
    assert_eq!(response.status(), 400);
    assert_eq!(response.json::<Value>().await.unwrap()["code"], "malformed_json");
    let response = app.client.post(format!("{}/api/v1/shares", app.address)).body("{}").send().await.unwrap();
    assert_eq!(response.status(), 415);
    assert_eq!(response.json::<Value>().await.unwrap()["code"], "unsupported_media_type");

    refused(&app, &json!({}), 422, "invalid_field").await;
    refused(&app, &with("max_views", json!("three")), 422, "invalid_field").await;
    refused(&app, &with("expires_in", json!(-5)), 422, "invalid_field").await;
    let mut extra = valid();
    extra["surprise"] = json!(true);
    refused(&app, &extra, 422, "invalid_field").await;
}

#[tokio::test]
async fn bad_ids_tokens_and_base64_are_refused() {
    let app = spawn_app().await;
    refused(&app, &with("id", json!("not-an-id")), 422, "invalid_field").await;
    refused(&app, &with("envelope", json!("Q09GUg==")), 400, "invalid_envelope").await;
    refused(&app, &with("envelope", json!("Q09G$$$")), 400, "invalid_envelope").await;
    refused(&app, &with("access_token", json!("AAAA")), 422, "invalid_token").await;
    refused(&app, &with("status_token", json!("")), 422, "invalid_token").await;
    refused(&app, &with("manage_token", json!("A".repeat(44))), 422, "invalid_token").await;

    let response = app.claim_with(&coffer_shared::id::ShareId::random(), "AAAA", "AAAA").await;
    assert_eq!(response.status(), 422);
    assert_eq!(response.json::<Value>().await.unwrap()["code"], "invalid_token");
    let response = app
        .post("/api/v1/shares/short/claim", &json!({ "status_token": "AAAA", "access_token": "AAAA" }))
        .await;
    assert_eq!(response.status(), 400);
    assert_eq!(response.json::<Value>().await.unwrap()["code"], "invalid_id");
}

#[tokio::test]
async fn malformed_account_tokens_and_proofs_are_invalid_token_naming_the_field() {
    let app = spawn_app().await;
    let user = app.sign_up("alice@example.com").await;
    let browser = Some(&user.browser);
    let id = AccountId::random();
    let keys = upload(PASSPHRASE, user.salt, &id, &user.secrets);
    let mut short_proof = serde_json::to_value(&keys).unwrap();
    short_proof["auth_proof"] = json!("short");
    let signup = json!({
        "signup_token": "AAAA",
        "account_id": id,
        "keys": keys,
        "public_key": b64::encode(user.secrets.identity.public_key()),
    });
    let cases = [
        (None, "/api/v1/signup", signup, "signup_token"),
        (None, "/api/v1/signin", json!({ "email": user.email, "auth_proof": "A".repeat(44) }), "auth_proof"),
        (
            None,
            "/api/v1/signin/verify",
            json!({ "signin_token": "AAAA", "code": "12345678" }),
            "signin_token",
        ),
        (None, "/api/v1/signin/resend", json!({ "signin_token": "" }), "signin_token"),
        (None, "/api/v1/sessions/end-by-link", json!({ "token": "not base64!" }), "token"),
        (browser, "/api/v1/account/totp/disable", json!({ "auth_proof": "AAAA" }), "auth_proof"),
        (
            browser,
            "/api/v1/account/passphrase",
            json!({ "auth_proof": proof(PASSPHRASE, user.salt), "keys": short_proof }),
            "keys.auth_proof",
        ),
    ];
    for (as_browser, path, body, field) in cases {
        let response = app.send_as(as_browser, Method::POST, path, Some(&body)).await;
        assert_eq!(response.status(), 422, "{path}");
        let error: Value = response.json().await.unwrap();
        assert_eq!(error["code"], "invalid_token", "{path}: {error}");
        assert_eq!(error["field"], field, "{path}: {error}");
        assert!(error["message"].as_str().unwrap().starts_with(field), "{path}: {error}");
    }
    // A token that is not a string is a body that does not fit.
    let mistyped = json!({ "email": user.email, "auth_proof": 5 });
    let response = app.post("/api/v1/signin", &mistyped).await;
    assert_eq!(response.status(), 422);
    assert_eq!(response.json::<Value>().await.unwrap()["code"], "invalid_field");
}

#[tokio::test]
async fn unknown_or_non_canonical_envelopes_are_refused_with_the_reason() {
    let app = spawn_app().await;
    let response = app.post("/api/v1/shares", &envelope_with_byte(4, 9)).await;
    assert_eq!(response.status(), 422);
    let error: Value = response.json().await.unwrap();
    assert_eq!(error["code"], "invalid_envelope");
    assert!(error["message"].as_str().unwrap().contains("unsupported envelope version 9"), "{error}");
    refused(&app, &envelope_with_byte(0, b'X'), 422, "invalid_envelope").await;
    refused(&app, &envelope_with_byte(5, 2), 422, "invalid_envelope").await;
    refused(&app, &envelope_with_byte(6, 0x80), 422, "invalid_envelope").await;
    refused(
        &app,
        &with("envelope", json!(coffer_shared::b64::encode(b"COFR\x01\x01\x00short"))),
        422,
        "invalid_envelope",
    )
    .await;
}

#[tokio::test]
async fn password_parameters_below_the_floor_are_refused() {
    let app = spawn_app().await;
    let mut body = serde_json::to_value(&TestShare::with_password("s", "pw").request).unwrap();
    let mut envelope = coffer_shared::b64::decode(body["envelope"].as_str().unwrap()).unwrap();
    envelope[7..11].copy_from_slice(&1024u32.to_be_bytes());
    body["envelope"] = json!(coffer_shared::b64::encode(envelope));
    refused(&app, &body, 422, "invalid_envelope").await;
}

#[tokio::test]
async fn view_limits_and_expiry_outside_the_rules_are_refused() {
    let app = spawn_app().await;
    refused(&app, &with("max_views", json!(0)), 422, "invalid_views").await;
    refused(&app, &with("max_views", json!(101)), 422, "invalid_views").await;
    refused(&app, &with("expires_in", json!(1234)), 422, "invalid_expiry").await;
    refused(&app, &with("expires_in", json!(31 * 86_400)), 422, "invalid_expiry").await;
}

#[tokio::test]
async fn oversize_envelopes_and_bodies_get_413_as_json() {
    let app = spawn_app_with(|settings| settings.max_envelope_bytes = 1024).await;
    let big = coffer_shared::b64::encode(vec![0u8; 1025]);
    refused(&app, &with("envelope", json!(big)), 413, "too_large").await;
    let huge = "A".repeat(10_000);
    refused(&app, &with("envelope", json!(huge)), 413, "too_large").await;
}

#[tokio::test]
async fn unknown_endpoints_and_methods_get_json_errors() {
    let app = spawn_app().await;
    let response = app.client.get(format!("{}/api/v1/nothing", app.address)).send().await.unwrap();
    assert_eq!(response.status(), 404);
    assert_eq!(response.json::<Value>().await.unwrap()["code"], "no_such_endpoint");
    let response = app.client.get(format!("{}/api/v1/shares", app.address)).send().await.unwrap();
    assert_eq!(response.status(), 405);
    assert_eq!(response.json::<Value>().await.unwrap()["code"], "method_not_allowed");
}

#[tokio::test]
async fn ids_that_are_not_even_utf8_get_a_json_400() {
    let app = spawn_app().await;
    let body = json!({ "status_token": "AAAA", "access_token": "AAAA" });
    let response = app.post("/api/v1/shares/%FF%FE/claim", &body).await;
    assert_eq!(response.status(), 400);
    assert_eq!(response.json::<Value>().await.unwrap()["code"], "invalid_id");
}
