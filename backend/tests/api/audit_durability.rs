//! An event is written whenever its change is: a client that sends a request and goes away at
//! once (a stolen session switching reports off, say) cannot stop the request between the
//! change's commit and its event's.

use std::time::Duration;

use coffer_shared::b64;
use coffer_shared::crypto::vault::seal_record;
use coffer_shared::id::RecordId;
use reqwest::Method;
use serde_json::json;
use tokio::io::AsyncWriteExt;

use crate::helpers::{TestApp, json, spawn_app};
use crate::users::TestUser;
use crate::vault::note;

/// Sends a vault record's creation as `user` over a raw connection and closes it at once,
/// without reading the answer.
async fn create_and_hang_up(app: &TestApp, user: &TestUser, id: &RecordId) {
    let body = json!({ "id": id, "envelope": b64::encode(seal_record(user.vault_key(), id, &note("n"))) })
        .to_string();
    let request = format!(
        "POST /api/v1/vault/records HTTP/1.1\r\nHost: localhost\r\nCookie: {}\r\nX-Coffer-CSRF: {}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        user.browser.cookie,
        user.browser.csrf,
        body.len()
    );
    let mut stream = tokio::net::TcpStream::connect(app.address.trim_start_matches("http://")).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    stream.shutdown().await.unwrap();
    drop(stream);
}

/// The ids of `user`'s stored records and of its `record_created` events, each sorted.
async fn stored_and_logged(app: &TestApp, user: &TestUser) -> (Vec<String>, Vec<String>) {
    let response = app.send_as(Some(&user.browser), Method::GET, "/api/v1/vault/records", None).await;
    let records = json(response).await;
    let mut stored: Vec<String> =
        records["records"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap().to_owned()).collect();
    let page = app.activity(&user.browser, "type=record_created").await;
    let mut logged: Vec<String> = page["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|event| event["detail"]["record"].as_str().unwrap().to_owned())
        .collect();
    stored.sort();
    logged.sort();
    (stored, logged)
}

#[tokio::test]
async fn a_change_whose_client_hung_up_still_has_its_event() {
    let app = spawn_app().await;
    let user = app.sign_up("alice@example.com").await;
    for _ in 0..5 {
        create_and_hang_up(&app, &user, &RecordId::random()).await;
    }
    // A request whose body the server could no longer read stores nothing and is no change; every
    // record that was stored has its event, however soon its client left.
    let mut seen = (Vec::new(), Vec::new());
    for _ in 0..200 {
        seen = stored_and_logged(&app, &user).await;
        if !seen.0.is_empty() && seen.0 == seen.1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert!(!seen.0.is_empty(), "no request got through");
    assert_eq!(seen.0, seen.1, "stored records, then their events");
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (stored, logged) = stored_and_logged(&app, &user).await;
    assert_eq!(stored, logged);
}
