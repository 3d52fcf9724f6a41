//! Refusals in the security event log: 401 and 403 as `access_denied`, rejected input as
//! `input_rejected` (field and rule, never the value), 429 as `rate_limited`, all recorded in
//! one place and capped per client; 404s and successes untouched by the cap.

use coffer_shared::b64;
use reqwest::Method;
use serde_json::{Value, json};

use crate::audit_helpers::from_test_client;
use crate::helpers::{TestShare, spawn_app, spawn_app_with};
use crate::users::proof;

#[tokio::test]
async fn requests_without_a_session_or_its_csrf_token_or_passphrase_are_access_denied() {
    let app = spawn_app().await;
    assert_eq!(app.send_as(None, Method::GET, "/api/v1/vault/records", None).await.status(), 401);
    let anonymous = app.exported("access_denied").await;
    assert_eq!(anonymous[0]["detail"], json!({ "status": 401, "code": "unauthenticated" }));
    assert_eq!((&anonymous[0]["account"], &anonymous[0]["severity"]), (&Value::Null, &json!("warning")));
    from_test_client(&anonymous[0]);

    let user = app.sign_up("alice@example.com").await;
    let mut forged = user.browser.clone();
    forged.csrf = "AAAA".into();
    let body = json!({ "id": "AAAAAAAAAAAAAAAAAAAAAA", "envelope": "AAAA" });
    assert_eq!(
        app.send_as(Some(&forged), Method::POST, "/api/v1/vault/records", Some(&body)).await.status(),
        403
    );
    let csrf = app.logged(&user, "access_denied").await;
    assert_eq!(csrf.api["detail"], json!({ "status": 403, "code": "csrf" }));
    assert_eq!(csrf.api["session"], user.browser.session_id);
    from_test_client(&csrf.api);

    let wrong = json!({ "auth_proof": proof("not it", user.salt) });
    let refused =
        app.send_as(Some(&user.browser), Method::POST, "/api/v1/account/delete", Some(&wrong)).await;
    assert_eq!(refused.status(), 403);
    let passphrase = app.logged(&user, "access_denied").await;
    assert_eq!(passphrase.api["detail"], json!({ "status": 403, "code": "wrong_passphrase" }));
    assert!(
        !serde_json::to_string(&app.export().await).unwrap().contains(wrong["auth_proof"].as_str().unwrap())
    );
}

#[tokio::test]
async fn rejected_input_names_the_field_and_the_rule_never_the_value() {
    let app = spawn_app().await;
    let user = app.sign_up("alice@example.com").await;
    let secret = "hunter2-the-password-nobody-may-log";
    let record = json!({ "id": "AAAAAAAAAAAAAAAAAAAAAA", "envelope": b64::encode(secret) });
    let response =
        app.send_as(Some(&user.browser), Method::POST, "/api/v1/vault/records", Some(&record)).await;
    assert_eq!(response.status(), 422);
    let rejected = app.logged(&user, "input_rejected").await;
    assert_eq!(
        rejected.api["detail"],
        json!({ "status": 422, "code": "invalid_envelope", "field": "envelope" })
    );
    assert_eq!(
        (&rejected.api["severity"], &rejected.api["session"]),
        (&json!("info"), &json!(user.browser.session_id))
    );
    from_test_client(&rejected.api);

    let mut share = serde_json::to_value(&TestShare::new("s", 1).request).unwrap();
    share["access_token"] = json!(secret);
    assert_eq!(app.post("/api/v1/shares", &share).await.status(), 422);
    share["access_token"] = json!(TestShare::new("t", 1).request.access_token);
    share["max_views"] = json!(secret);
    assert_eq!(app.post("/api/v1/shares", &share).await.status(), 422);
    share["max_views"] = json!(1);
    share[secret] = json!(1);
    assert_eq!(app.post("/api/v1/shares", &share).await.status(), 422);
    let raw =
        app.client.post(format!("{}/api/v1/shares", app.address)).header("content-type", "application/json");
    assert_eq!(raw.body(format!("{{\"envelope\": \"{secret}\" x}}")).send().await.unwrap().status(), 400);
    let plain = app.client.post(format!("{}/api/v1/shares", app.address)).body(secret);
    assert_eq!(plain.send().await.unwrap().status(), 415);
    let anonymous: Vec<Value> = app
        .exported("input_rejected")
        .await
        .into_iter()
        .filter(|e| e["account"].is_null())
        .map(|e| e["detail"].clone())
        .collect();
    assert_eq!(
        anonymous,
        [
            json!({ "status": 422, "code": "invalid_token", "field": "access_token" }),
            json!({ "status": 422, "code": "invalid_field", "field": "max_views" }),
            json!({ "status": 422, "code": "invalid_field" }),
            json!({ "status": 400, "code": "malformed_json" }),
            json!({ "status": 415, "code": "unsupported_media_type" }),
        ]
    );
    let everything = serde_json::to_string(&app.export().await).unwrap();
    assert!(!everything.contains("hunter2"), "a value reached the log");
    assert!(!everything.contains(&b64::encode(secret)));
}

#[tokio::test]
async fn rate_limit_hits_name_the_limit() {
    let app = spawn_app_with(|settings| settings.rate_limit_create = 1).await;
    let user = app.sign_up("alice@example.com").await;
    let identity = &user.secrets.identity;
    for (share, status) in
        [(TestShare::signed("1", 1, identity), 201), (TestShare::signed("2", 1, identity), 429)]
    {
        let body = serde_json::to_value(&share.request).unwrap();
        assert_eq!(
            app.send_as(Some(&user.browser), Method::POST, "/api/v1/shares", Some(&body)).await.status(),
            status
        );
    }
    let limited = app.logged(&user, "rate_limited").await;
    assert_eq!(limited.api["detail"], json!({ "limit": "create", "retry_after": 60 }));
    assert_eq!(
        (&limited.api["severity"], &limited.api["session"]),
        (&json!("warning"), &json!(user.browser.session_id))
    );
    from_test_client(&limited.api);
}

#[tokio::test]
async fn refusals_are_capped_per_client_but_other_events_are_not_and_404s_are_not_refusals() {
    let app = spawn_app().await;
    let bad = json!({ "email": "not an address" });
    let started = std::time::Instant::now();
    for _ in 0..100 {
        assert_eq!(app.post("/api/v1/accounts/prelogin", &bad).await.status(), 422);
    }
    // A full bucket of 60, refilled at one a second while the loop ran.
    let recorded = app.exported("input_rejected").await.len() as u64;
    let refilled = started.elapsed().as_secs() + 1;
    assert!((60..=60 + refilled).contains(&recorded) && recorded < 100, "{recorded} recorded");
    let share = TestShare::new("still recorded", 1);
    app.create(&share).await;
    assert_eq!(app.exported("share_created").await.len(), 1);

    let before = app.export().await.len();
    let nothing = app.client.get(format!("{}/api/v1/nothing-here", app.address)).send().await.unwrap();
    assert_eq!(nothing.status(), 404);
    let other = TestShare::new("other", 1);
    assert_eq!(app.status(&share.id, &other.request.status_token).await.status(), 404);
    assert_eq!(
        app.claim_with(&other.id, &other.request.status_token, &other.request.access_token).await.status(),
        404
    );
    assert_eq!(app.export().await.len(), before, "the uniform 404 records nothing");
}
