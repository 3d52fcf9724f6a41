//! Authorization across every account route: no session means 401 everywhere; user B can never
//! read, change or end user A's records or sessions, even with A's ids and A's CSRF token.

use coffer_shared::b64;
use coffer_shared::crypto::vault::seal_record;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{json, spawn_app};
use crate::users::{Browser, PASSPHRASE, proof};
use crate::vault::{create, note};

/// Every route that needs a session, with a body of the right shape where it takes one.
fn signed_in_routes(record: &str, session: &str) -> Vec<(Method, String, Option<Value>)> {
    let proof = json!({ "auth_proof": proof(PASSPHRASE, [1; 16]) });
    vec![
        (Method::GET, "/api/v1/session".into(), None),
        (Method::POST, "/api/v1/session/signout".into(), None),
        (Method::GET, "/api/v1/sessions".into(), None),
        (Method::DELETE, format!("/api/v1/sessions/{session}"), None),
        (Method::POST, "/api/v1/sessions/end-others".into(), None),
        (Method::GET, "/api/v1/vault/records".into(), None),
        (Method::POST, "/api/v1/vault/records".into(), Some(json!({ "id": record, "envelope": "AAAA" }))),
        (
            Method::PUT,
            format!("/api/v1/vault/records/{record}"),
            Some(json!({ "revision": 1, "envelope": "AAAA" })),
        ),
        (Method::DELETE, format!("/api/v1/vault/records/{record}"), None),
        (Method::POST, "/api/v1/account/totp/setup".into(), None),
        (
            Method::POST,
            "/api/v1/account/totp/confirm".into(),
            Some(json!({ "code": "123456", "auth_proof": proof["auth_proof"] })),
        ),
        (Method::POST, "/api/v1/account/totp/disable".into(), Some(proof.clone())),
        (Method::POST, "/api/v1/account/totp/recovery-codes".into(), Some(proof.clone())),
        (
            Method::POST,
            "/api/v1/account/passphrase".into(),
            Some(json!({ "auth_proof": proof["auth_proof"], "keys": {} })),
        ),
        (Method::POST, "/api/v1/account/delete".into(), Some(proof)),
        (Method::GET, "/api/v1/my/shares".into(), None),
        (Method::POST, format!("/api/v1/my/shares/{record}/destroy"), None),
    ]
}

#[tokio::test]
async fn every_account_route_refuses_a_request_without_a_live_session() {
    let app = spawn_app().await;
    let user = app.sign_up("alice@example.com").await;
    let (record, _) = create(&app, &user, &note("kept")).await;
    let forged = Browser {
        cookie: format!("__Host-coffer_session={}", coffer_shared::crypto::Key32::random().to_b64()),
        ..user.browser.clone()
    };
    for (method, path, body) in signed_in_routes(record.as_str(), &user.browser.session_id) {
        for browser in [None, Some(&forged)] {
            let response = app.send_as(browser, method.clone(), &path, body.as_ref()).await;
            assert_eq!(response.status(), 401, "{method} {path}");
            assert_eq!(json(response).await["code"], "unauthenticated", "{method} {path}");
        }
    }
    assert_eq!(app.state.store.record_count().await.unwrap(), 1);
}

#[tokio::test]
async fn user_b_can_never_read_change_or_end_what_belongs_to_user_a() {
    let app = spawn_app().await;
    let alice = app.sign_up("alice@example.com").await;
    let bob = app.sign_up("bob@example.com").await;
    let (record, _) = create(&app, &alice, &note("alice's")).await;
    let record_path = format!("/api/v1/vault/records/{record}");

    // Bob's list holds none of Alice's records.
    let listed =
        json(app.send_as(Some(&bob.browser), Method::GET, "/api/v1/vault/records", None).await).await;
    assert_eq!(listed["records"], json!([]));
    // Bob cannot edit or delete Alice's record by its id, even with a valid envelope for that id.
    let envelope = b64::encode(seal_record(bob.vault_key(), &record, &note("bob's")));
    let edit = json!({ "revision": 1, "envelope": envelope });
    let put = app.send_as(Some(&bob.browser), Method::PUT, &record_path, Some(&edit)).await;
    assert_eq!(put.status(), 404);
    assert_eq!(app.send_as(Some(&bob.browser), Method::DELETE, &record_path, None).await.status(), 404);
    // Creating a record with Alice's id makes Bob's own record, leaving hers alone.
    let own = json!({ "id": record, "envelope": envelope });
    let created = app.send_as(Some(&bob.browser), Method::POST, "/api/v1/vault/records", Some(&own)).await;
    assert_eq!(created.status(), 201);
    let alices =
        json(app.send_as(Some(&alice.browser), Method::GET, "/api/v1/vault/records", None).await).await;
    assert_eq!(alices["records"][0]["revision"], 1);
    let opened = crate::vault::open_first(&alice, &alices);
    assert_eq!(opened, "alice's");

    // Bob cannot end Alice's session, nor see it.
    let alice_session = format!("/api/v1/sessions/{}", alice.browser.session_id);
    assert_eq!(app.send_as(Some(&bob.browser), Method::DELETE, &alice_session, None).await.status(), 404);
    let bobs = json(app.send_as(Some(&bob.browser), Method::GET, "/api/v1/sessions", None).await).await;
    assert_eq!(bobs["sessions"].as_array().unwrap().len(), 1);
    assert_eq!(bobs["sessions"][0]["id"], bob.browser.session_id.as_str());
    // Alice's CSRF token does not work with Bob's cookie.
    let mixed = Browser { csrf: alice.browser.csrf.clone(), ..bob.browser.clone() };
    assert_eq!(app.send_as(Some(&mixed), Method::DELETE, &record_path, None).await.status(), 403);
    // Bob cannot delete Alice's account with his own session and her passphrase proof.
    let delete = json!({ "auth_proof": proof(PASSPHRASE, alice.salt) });
    let refused =
        app.send_as(Some(&bob.browser), Method::POST, "/api/v1/account/delete", Some(&delete)).await;
    assert_eq!(refused.status(), 403);
    let session = app.send_as(Some(&alice.browser), Method::GET, "/api/v1/session", None).await;
    assert_eq!(session.status(), 200, "Alice's session lives on");
}
