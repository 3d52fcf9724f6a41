//! Vault records: sealed in the "browser" (the test) and stored as opaque envelopes; edits
//! against a stale revision are conflicts that change nothing; bad envelopes are refused.

use coffer_shared::b64;
use coffer_shared::crypto::envelope::Envelope;
use coffer_shared::crypto::vault::{RecordFields, VaultRecord, open_record, seal_record};
use coffer_shared::id::RecordId;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, cluster, json, spawn_app};
use crate::users::TestUser;

/// A secure note named `name`.
pub fn note(name: &str) -> VaultRecord {
    let mut record = VaultRecord::new(RecordFields::Note);
    record.name = name.into();
    record.notes = format!("{name} body");
    record
}

/// `POST /api/v1/vault/records` of `record` sealed under a fresh id; the id and the response.
pub async fn post_record(
    app: &TestApp,
    user: &TestUser,
    record: &VaultRecord,
) -> (RecordId, reqwest::Response) {
    let id = RecordId::random();
    let body = json!({ "id": id, "envelope": b64::encode(seal_record(user.vault_key(), &id, record)) });
    (id, app.send_as(Some(&user.browser), Method::POST, "/api/v1/vault/records", Some(&body)).await)
}

/// Creates `record` under a fresh id in `user`'s vault; returns the id and the server's answer.
pub async fn create(app: &TestApp, user: &TestUser, record: &VaultRecord) -> (RecordId, Value) {
    let (id, response) = post_record(app, user, record).await;
    assert_eq!(response.status(), 201);
    (id, json(response).await)
}

/// Opens a listed or returned record with `user`'s vault key.
pub fn open(user: &TestUser, stored: &Value) -> VaultRecord {
    let id: RecordId = stored["id"].as_str().unwrap().parse().unwrap();
    let envelope = Envelope::parse(&b64::decode(stored["envelope"].as_str().unwrap()).unwrap()).unwrap();
    open_record(user.vault_key(), &id, &envelope).unwrap()
}

/// Every record of `user`'s vault, following `next` from page to page.
pub async fn list(app: &TestApp, user: &TestUser) -> Vec<Value> {
    let mut records = Vec::new();
    let mut path = "/api/v1/vault/records".to_owned();
    loop {
        let response = app.send_as(Some(&user.browser), Method::GET, &path, None).await;
        assert_eq!(response.status(), 200);
        let page = json(response).await;
        records.extend(page["records"].as_array().unwrap().iter().cloned());
        match page["next"].as_str() {
            Some(next) => path = format!("/api/v1/vault/records?after={next}"),
            None => return records,
        }
    }
}

#[tokio::test]
async fn records_are_stored_as_envelopes_and_open_only_in_the_owners_browser() {
    let app = spawn_app().await;
    let user = app.sign_up("alice@example.com").await;
    let (id, created) = create(&app, &user, &note("Bank")).await;
    assert_eq!(created["revision"], 1);
    assert_eq!(created["created_at"], created["updated_at"]);
    let records = list(&app, &user).await;
    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["id"], id.as_str());
    assert_eq!(open(&user, &records[0]).notes, "Bank body");
    let raw = b64::decode(records[0]["envelope"].as_str().unwrap()).unwrap();
    assert!(!raw.windows(4).any(|w| w == b"Bank"), "the server holds ciphertext only");
}

#[tokio::test]
async fn an_edit_from_a_stale_revision_is_a_conflict_that_changes_nothing() {
    let app = spawn_app().await;
    let user = app.sign_up("alice@example.com").await;
    let (id, _) = create(&app, &user, &note("v1")).await;
    let path = format!("/api/v1/vault/records/{id}");
    let edit = |name: &str, revision: u64| json!({ "revision": revision, "envelope": b64::encode(seal_record(user.vault_key(), &id, &note(name))) });
    app.clock.advance(5);
    let first = app.send_as(Some(&user.browser), Method::PUT, &path, Some(&edit("laptop", 1))).await;
    assert_eq!(first.status(), 200);
    let first = json(first).await;
    assert_eq!(first["revision"], 2);
    assert_ne!(first["updated_at"], first["created_at"]);

    let stale = app.send_as(Some(&user.browser), Method::PUT, &path, Some(&edit("phone", 1))).await;
    assert_eq!(stale.status(), 409);
    let conflict = json(stale).await;
    assert_eq!(conflict["code"], "conflict");
    assert_eq!(conflict["current"]["revision"], 2);
    assert_eq!(open(&user, &conflict["current"]).name, "laptop");
    assert_eq!(open(&user, &list(&app, &user).await[0]).name, "laptop");

    let retried = app.send_as(Some(&user.browser), Method::PUT, &path, Some(&edit("phone", 2))).await;
    assert_eq!(json(retried).await["revision"], 3);
}

#[tokio::test]
async fn deleting_a_record_removes_it_once() {
    let app = spawn_app().await;
    let user = app.sign_up("alice@example.com").await;
    let (id, _) = create(&app, &user, &note("gone")).await;
    let path = format!("/api/v1/vault/records/{id}");
    assert_eq!(app.send_as(Some(&user.browser), Method::DELETE, &path, None).await.status(), 204);
    assert_eq!(app.send_as(Some(&user.browser), Method::DELETE, &path, None).await.status(), 404);
    assert!(list(&app, &user).await.is_empty());
}

#[tokio::test]
async fn bad_records_are_refused_and_nothing_is_stored() {
    let app = spawn_app().await;
    let user = app.sign_up("alice@example.com").await;
    let id = RecordId::random();
    let share = crate::helpers::TestShare::new("not a record", 1).request.envelope;
    let huge = b64::encode(vec![0u8; 70 * 1024]);
    let cases = [
        (json!({ "id": id, "envelope": share }), 422, "invalid_envelope"),
        (json!({ "id": id, "envelope": "AAAA" }), 422, "invalid_envelope"),
        (json!({ "id": id, "envelope": "not base64!" }), 400, "invalid_envelope"),
        (json!({ "id": id, "envelope": huge }), 413, "too_large"),
        (json!({ "id": "short", "envelope": share }), 422, "invalid_field"),
    ];
    for (body, status, code) in cases {
        let response =
            app.send_as(Some(&user.browser), Method::POST, "/api/v1/vault/records", Some(&body)).await;
        assert_eq!(response.status(), status, "{code}");
        assert_eq!(json(response).await["code"], code);
    }
    assert_eq!(app.state.store.record_count().await.unwrap(), 0);
    let bad_path = app.send_as(Some(&user.browser), Method::DELETE, "/api/v1/vault/records/x", None).await;
    assert_eq!(json(bad_path).await["code"], "invalid_id");
}

#[tokio::test]
async fn a_reused_record_id_is_refused() {
    let app = spawn_app().await;
    let user = app.sign_up("alice@example.com").await;
    let (id, _) = create(&app, &user, &note("one")).await;
    let body = json!({ "id": id, "envelope": b64::encode(seal_record(user.vault_key(), &id, &note("two"))) });
    let again = app.send_as(Some(&user.browser), Method::POST, "/api/v1/vault/records", Some(&body)).await;
    assert_eq!(again.status(), 409);
    assert_eq!(open(&user, &list(&app, &user).await[0]).name, "one");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn of_edits_racing_from_one_revision_over_three_servers_exactly_one_is_stored() {
    let servers = cluster(3, |_| {}).await;
    let user = servers[0].sign_up("alice@example.com").await;
    let (id, _) = create(&servers[0], &user, &note("v1")).await;
    let path = format!("/api/v1/vault/records/{id}");
    for revision in 1..=3_u64 {
        let (servers, user, path, id) = (&servers, &user, &path, &id);
        let edits = (0..24).map(|i| async move {
            let name = format!("r{revision}-e{i}");
            let body = json!({ "revision": revision, "envelope": b64::encode(seal_record(user.vault_key(), id, &note(&name))) });
            let server = &servers[i % servers.len()];
            let answer = server.send_as(Some(&user.browser), Method::PUT, path, Some(&body)).await;
            (name, answer.status().as_u16(), json(answer).await)
        });
        let answers = futures_util::future::join_all(edits).await;
        let won: Vec<_> = answers.iter().filter(|(_, status, _)| *status == 200).collect();
        assert_eq!(won.len(), 1, "{:?}", answers.iter().map(|(_, status, _)| status).collect::<Vec<_>>());
        let (winner, _, stored) = won[0];
        assert_eq!(stored["revision"], revision + 1);
        for (_, status, body) in answers.iter().filter(|(_, status, _)| *status != 200) {
            assert_eq!((*status, body["code"].as_str()), (409, Some("conflict")));
            assert_eq!(body["current"]["revision"], revision + 1);
            assert_eq!(&open(user, &body["current"]).name, winner, "every loser sees the one stored edit");
        }
        let listed = list(&servers[revision as usize % servers.len()], user).await;
        assert_eq!((listed.len(), &listed[0]["revision"]), (1, &json!(revision + 1)));
        assert_eq!(&open(user, &listed[0]).name, winner);
    }
    let usage = servers[0].state.store.vault_usage(user.account_id.clone()).await.unwrap();
    assert_eq!((usage.records, usage.version), (1, 4), "one create and three edits");
}

/// The name of the first record of a `GET /vault/records` answer, opened with `user`'s key.
pub fn open_first(user: &TestUser, listed: &Value) -> String {
    open(user, &listed["records"][0]).name.clone()
}
