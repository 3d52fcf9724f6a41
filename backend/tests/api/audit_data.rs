//! The security event log of data: vault records, shares (the owner learns what happened to
//! them, never the reader's address), and file uploads, downloads and deletions.

use coffer_backend::sweeper::sweep_once;
use coffer_shared::b64;
use coffer_shared::crypto::vault::seal_record;
use reqwest::Method;
use serde_json::{Value, json};

use crate::audit_helpers::from_test_client;
use crate::file_helpers::TestFile;
use crate::helpers::{START, TestApp, TestShare, json, manage_token, spawn_app};
use crate::users::TestUser;
use crate::vault::{create, note};

/// Creates `share` as `user`; panics unless 201.
async fn create_as(app: &TestApp, user: &TestUser, share: &TestShare) {
    let body = serde_json::to_value(&share.request).unwrap();
    let response = app.send_as(Some(&user.browser), Method::POST, "/api/v1/shares", Some(&body)).await;
    assert_eq!(response.status(), 201);
}

/// Checks that an Activity event hides its client (a share's reader) and the export keeps it.
fn reader_hidden(logged: &crate::audit_helpers::Logged) {
    for member in ["ip", "user_agent", "place"] {
        assert_eq!(logged.api[member], Value::Null, "{member}");
    }
    from_test_client(&logged.export);
    assert_eq!(logged.api["session"], Value::Null);
}

#[tokio::test]
async fn vault_records_are_recorded_by_id_and_revision_never_by_content() {
    let app = spawn_app().await;
    let user = app.sign_up("alice@example.com").await;
    let (id, stored) = create(&app, &user, &note("my bank")).await;
    let created = app.logged(&user, "record_created").await;
    assert_eq!(created.api["detail"], json!({ "record": id, "revision": 1 }));
    assert_eq!(created.api["session"], user.browser.session_id);
    from_test_client(&created.api);

    let path = format!("/api/v1/vault/records/{id}");
    let envelope = b64::encode(seal_record(user.vault_key(), &id, &note("my other bank")));
    let body = json!({ "revision": 1, "envelope": envelope });
    assert_eq!(app.send_as(Some(&user.browser), Method::PUT, &path, Some(&body)).await.status(), 200);
    let changed = app.logged(&user, "record_changed").await;
    assert_eq!(changed.api["detail"], json!({ "record": id, "revision": 2 }));

    assert_eq!(app.send_as(Some(&user.browser), Method::DELETE, &path, None).await.status(), 204);
    let deleted = app.logged(&user, "record_deleted").await;
    assert_eq!(
        (&deleted.api["detail"], &deleted.api["severity"]),
        (&json!({ "record": id }), &json!("info"))
    );
    from_test_client(&deleted.export);

    let everything = serde_json::to_string(&app.export().await).unwrap();
    assert!(!everything.contains(stored["envelope"].as_str().unwrap()));
    assert!(!everything.contains(&envelope));
}

#[tokio::test]
async fn a_shares_life_reaches_its_owner_without_the_readers_address() {
    let app = spawn_app().await;
    let user = app.sign_up("alice@example.com").await;
    let share = TestShare::signed("two views", 2, &user.secrets.identity);
    create_as(&app, &user, &share).await;
    let created = app.logged(&user, "share_created").await;
    let detail = json!({
        "share": share.id, "expires_at": START + 3600, "max_views": 2, "files": 0, "read_receipt": false,
    });
    assert_eq!(created.api["detail"], detail);
    assert_eq!(created.api["session"], user.browser.session_id);
    from_test_client(&created.api);

    assert_eq!(app.status(&share.id, &share.request.status_token).await.status(), 200);
    let opened = app.logged(&user, "share_opened").await;
    assert_eq!(opened.api["detail"], json!({ "share": share.id, "views_left": 2 }));
    reader_hidden(&opened);
    assert_eq!(app.status(&share.id, &manage_token(&share.id)).await.status(), 200);
    assert_eq!(app.exported("share_opened").await.len(), 1, "the management page's read is no opening");

    let wrong = TestShare::new("other", 1).request.access_token;
    assert_eq!(app.claim(&share, &wrong).await.status(), 403);
    let wrong_token = app.logged(&user, "share_wrong_token").await;
    assert_eq!(wrong_token.api["detail"], json!({ "share": share.id, "wrong_claims_left": 4 }));
    assert_eq!(wrong_token.api["severity"], "warning");
    reader_hidden(&wrong_token);

    for views_left in [1, 0] {
        assert_eq!(app.claim(&share, &share.request.access_token).await.status(), 200);
        let claimed = app.logged(&user, "share_claimed").await;
        assert_eq!(claimed.api["detail"], json!({ "share": share.id, "views_left": views_left, "files": 0 }));
        reader_hidden(&claimed);
    }
    let used_up = app.logged(&user, "share_used_up").await;
    assert_eq!(used_up.api["detail"], json!({ "share": share.id }));
    reader_hidden(&used_up);

    let everything = serde_json::to_string(&app.export().await).unwrap();
    for token in [
        share.request.access_token.as_str(),
        share.request.status_token.as_str(),
        share.request.manage_token.as_str(),
        wrong.as_str(),
    ] {
        assert!(!everything.contains(token), "the log holds a token");
    }
    assert!(!everything.contains(&share.request.envelope));

    // An anonymous share's events are the server's only.
    let anonymous = TestShare::new("nobody's", 1);
    app.create(&anonymous).await;
    let created = app.exported("share_created").await;
    let last = created.last().unwrap();
    assert_eq!((&last["account"], &last["detail"]["share"]), (&Value::Null, &json!(anonymous.id)));
}

#[tokio::test]
async fn a_share_made_with_an_expired_sessions_cookie_is_anonymous_in_the_log_too() {
    let app = spawn_app().await;
    let user = app.sign_up("alice@example.com").await;
    app.clock.advance(1801);
    create_as(&app, &user, &TestShare::new("late", 1)).await;
    let created = app.exported("share_created").await;
    assert_eq!((&created[0]["account"], &created[0]["session"]), (&Value::Null, &Value::Null));
    let expired = app.exported("session_expired").await;
    assert_eq!(expired[0]["account"], user.account_id.as_str(), "the session's expiry is its account's");
    assert!(app.exported("access_denied").await.is_empty());
}

#[tokio::test]
async fn every_way_a_share_ends_is_recorded_for_its_owner() {
    let app = spawn_app().await;
    let user = app.sign_up("alice@example.com").await;
    let by_link = TestShare::signed("a", 1, &user.secrets.identity);
    let by_owner = TestShare::signed("b", 1, &user.secrets.identity);
    let by_guesses = TestShare::signed("c", 1, &user.secrets.identity);
    for share in [&by_link, &by_owner, &by_guesses] {
        create_as(&app, &user, share).await;
    }
    let ended = |share: &TestShare, by: &str| json!({ "share": share.id, "by": by });
    assert_eq!(app.destroy(&by_link.id, &manage_token(&by_link.id)).await.status(), 204);
    let destroyed = app.logged(&user, "share_destroyed").await;
    assert_eq!(destroyed.api["detail"], ended(&by_link, "manage_link"));
    reader_hidden(&destroyed);

    let path = format!("/api/v1/my/shares/{}/destroy", by_owner.id);
    assert_eq!(app.send_as(Some(&user.browser), Method::POST, &path, None).await.status(), 204);
    let destroyed = app.logged(&user, "share_destroyed").await;
    assert_eq!(destroyed.api["detail"], ended(&by_owner, "owner"));
    assert_eq!(destroyed.export["session"], user.browser.session_id, "the owner's session");

    let wrong = TestShare::new("other", 1).request.access_token;
    for _ in 0..5 {
        assert_eq!(app.claim(&by_guesses, &wrong).await.status(), 403);
    }
    let destroyed = app.logged(&user, "share_destroyed").await;
    assert_eq!(destroyed.api["detail"], ended(&by_guesses, "wrong_tokens"));
    let last_guess = app.logged(&user, "share_wrong_token").await;
    assert_eq!(last_guess.api["detail"]["wrong_claims_left"], 0);

    // Expired: found by the sweeper, or by a claim that comes before it.
    let swept = TestShare::signed("d", 1, &user.secrets.identity);
    let claimed_late = TestShare::signed("e", 1, &user.secrets.identity);
    create_as(&app, &user, &swept).await;
    create_as(&app, &user, &claimed_late).await;
    app.clock.advance(3600);
    assert_eq!(app.claim(&claimed_late, &claimed_late.request.access_token).await.status(), 404);
    sweep_once(&app.state).await;
    let reader = app.sign_in(&user).await;
    let page = app.activity(&reader, "type=share_expired").await;
    let expired: Vec<&Value> = page["events"].as_array().unwrap().iter().collect();
    assert_eq!(expired.len(), 2);
    assert_eq!(expired[0]["detail"], json!({ "share": swept.id }), "the sweeper came second");
    assert_eq!(expired[1]["detail"], json!({ "share": claimed_late.id }));
    let exported = app.exported("share_expired").await;
    assert_eq!(
        (&exported[0]["ip"], &exported[1]["ip"]),
        (&json!("127.0.0.1"), &Value::Null),
        "the sweeper has no client"
    );
}

#[tokio::test]
async fn vault_files_are_recorded_when_uploaded_downloaded_and_deleted() {
    let app = spawn_app().await;
    let user = app.sign_up("alice@example.com").await;
    let file = TestFile::vault(500, 128);
    app.upload(&file, Some(&user.browser), true).await;
    let uploaded = app.logged(&user, "file_uploaded").await;
    assert_eq!(uploaded.api["detail"], json!({ "file": file.id, "size": 500, "chunks": 4, "vault": true }));
    // The finish is made with the upload token, not the session.
    assert_eq!(uploaded.api["session"], Value::Null);
    from_test_client(&uploaded.api);

    let path = format!("/api/v1/vault/files/{}", file.id);
    assert_eq!(app.send_as(Some(&user.browser), Method::GET, &path, None).await.status(), 200);
    let downloaded = app.logged(&user, "file_downloaded").await;
    assert_eq!(downloaded.api["detail"], json!({ "file": file.id, "from": 0 }));
    assert_eq!(downloaded.api["session"], user.browser.session_id);
    // A repeat within the minute would be folded (docs/audit.md, "Repeats, folded").
    app.clock.advance(coffer_backend::audit::repeats::REPEAT_WINDOW);
    let ranged = app
        .client
        .get(format!("{}{path}", app.address))
        .header("cookie", &user.browser.cookie)
        .header("range", "bytes=100-")
        .send()
        .await
        .unwrap();
    assert_eq!(ranged.status(), 206);
    assert_eq!(
        app.logged(&user, "file_downloaded").await.api["detail"],
        json!({ "file": file.id, "from": 100 })
    );

    assert_eq!(app.send_as(Some(&user.browser), Method::DELETE, &path, None).await.status(), 204);
    let deleted = app.logged(&user, "file_deleted").await;
    assert_eq!(
        (&deleted.api["detail"], &deleted.api["session"]),
        (&json!({ "file": file.id }), &json!(user.browser.session_id))
    );
    let everything = serde_json::to_string(&app.export().await).unwrap();
    assert!(!everything.contains(&file.token), "the upload token");
}

#[tokio::test]
async fn share_files_are_recorded_with_their_share() {
    let app = spawn_app().await;
    let share = TestShare::new("see attached", 1);
    let file = TestFile::for_share(&share, 300, 128);
    app.upload(&file, None, false).await;
    let uploaded = app.exported("file_uploaded").await;
    assert_eq!(uploaded[0]["detail"], json!({ "file": file.id, "size": 300, "chunks": 3, "vault": false }));
    assert_eq!(uploaded[0]["account"], Value::Null);
    let mut body = serde_json::to_value(&share.request).unwrap();
    body["files"] = json!([file.share_ref()]);
    assert_eq!(app.post("/api/v1/shares", &body).await.status(), 201);
    assert_eq!(app.exported("share_created").await[0]["detail"]["files"], 1);
    let claimed = json(app.claim(&share, &share.request.access_token).await).await;
    assert_eq!(app.exported("share_claimed").await[0]["detail"]["files"], 1);
    let token = claimed["download_token"].as_str().unwrap();
    assert_eq!(app.download(&file.id, token, Some(16)).await.status(), 206);
    let downloaded = app.exported("file_downloaded").await;
    assert_eq!(downloaded[0]["detail"], json!({ "file": file.id, "share": share.id, "from": 16 }));
    from_test_client(&downloaded[0]);
    let everything = serde_json::to_string(&app.export().await).unwrap();
    assert!(!everything.contains(token), "the download token");
}
