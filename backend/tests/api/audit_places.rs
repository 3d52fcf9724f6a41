//! Where the security event log says a request came from: behind a trusted proxy, the client
//! that `X-Forwarded-For` names and that client's place; without one, the TCP peer and its place,
//! whatever the header claims. Checked in the account's Activity and in `audit export` alike.

use std::net::Ipv4Addr;

use coffer_shared::b64;
use coffer_shared::crypto::vault::seal_record;
use coffer_shared::id::RecordId;
use reqwest::Method;
use serde_json::{Value, json};

use crate::audit_helpers::Logged;
use crate::helpers::{AGENT, TestApp, spawn_app_in};
use crate::mmdb::{city, ipv4_database};
use crate::notice_helpers::{BERLIN, CHROME, OSAKA};
use crate::users::TestUser;
use crate::vault::note;

/// What the test database says of [`BERLIN`].
const BERLIN_PLACE: &str = "Berlin, DE";
/// What the test database says of [`OSAKA`].
const OSAKA_PLACE: &str = "Osaka, JP";
/// What the test database says of 127.0.0.1, the TCP peer of every test request.
const LOOPBACK_PLACE: &str = "Amsterdam, NL";

/// An app whose place database knows [`BERLIN`], [`OSAKA`] and loopback (so that the peer's own
/// place is a value, not a null that a broken lookup would give too), trusting `proxies`.
async fn spawn_app_placing(proxies: &[&str]) -> TestApp {
    let data_root = tempfile::tempdir().unwrap();
    let path = data_root.path().join("places.mmdb");
    let database = ipv4_database(vec![
        (Ipv4Addr::new(127, 0, 0, 0), 8, city("NL", "Netherlands", "Amsterdam")),
        (Ipv4Addr::new(203, 0, 113, 0), 24, city("DE", "Germany", "Berlin")),
        (Ipv4Addr::new(198, 51, 100, 0), 24, city("JP", "Japan", "Osaka")),
    ]);
    std::fs::write(&path, database).unwrap();
    let proxies = proxies.iter().map(|proxy| proxy.parse().unwrap()).collect();
    spawn_app_in(data_root, move |settings| {
        settings.geoip_db = Some(path);
        settings.trusted_proxy = proxies;
    })
    .await
}

/// Creates a vault record with `user`'s browser, the request carrying one `X-Forwarded-For`
/// line per entry of `forwarded_for` (in order); panics unless 201.
async fn create_record_forwarded(app: &TestApp, user: &TestUser, forwarded_for: &[&str]) -> RecordId {
    let id = RecordId::random();
    let body = json!({ "id": id, "envelope": b64::encode(seal_record(user.vault_key(), &id, &note("n"))) });
    let mut request = app
        .client
        .post(format!("{}/api/v1/vault/records", app.address))
        .header("cookie", &user.browser.cookie)
        .header("x-coffer-csrf", &user.browser.csrf);
    for line in forwarded_for {
        request = request.header("x-forwarded-for", *line);
    }
    let response = request.json(&body).send().await.unwrap();
    assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
    id
}

/// Checks `ip`, `user_agent` and `place` of one event in the Activity and in the export.
fn recorded_from(logged: &Logged, ip: &str, agent: &str, place: &str) {
    for (seen_in, event) in [("activity", &logged.api), ("export", &logged.export)] {
        assert_eq!(
            (&event["ip"], &event["user_agent"], &event["place"]),
            (&json!(ip), &json!(agent), &json!(place)),
            "{seen_in}: {event}"
        );
    }
}

#[tokio::test]
async fn behind_a_trusted_proxy_events_record_the_forwarded_client_and_its_place() {
    let app = spawn_app_placing(&["127.0.0.1/32"]).await;
    let mut user = app.sign_up("alice@example.com").await;
    // No header: the proxy itself is the client.
    recorded_from(&app.logged(&user, "signed_up").await, "127.0.0.1", AGENT, LOOPBACK_PLACE);

    user.browser = app.sign_in_from(&user, BERLIN, CHROME).await;
    let signed_in = app.logged(&user, "signin_succeeded").await;
    recorded_from(&signed_in, BERLIN, CHROME, BERLIN_PLACE);
    assert_eq!(signed_in.api["session"], user.browser.session_id);

    // The same session from elsewhere: each request is placed on its own.
    let record = create_record_forwarded(&app, &user, &[OSAKA]).await;
    let created = app.logged(&user, "record_created").await;
    assert_eq!(created.api["detail"]["record"], json!(record));
    recorded_from(&created, OSAKA, AGENT, OSAKA_PLACE);
}

#[tokio::test]
async fn without_a_trusted_proxy_x_forwarded_for_changes_neither_ip_nor_place() {
    let app = spawn_app_placing(&[]).await;
    let mut user = app.sign_up("alice@example.com").await;
    user.browser = app.sign_in_from(&user, BERLIN, CHROME).await;
    recorded_from(&app.logged(&user, "signin_succeeded").await, "127.0.0.1", CHROME, LOOPBACK_PLACE);

    let record = create_record_forwarded(&app, &user, &[BERLIN]).await;
    let created = app.logged(&user, "record_created").await;
    assert_eq!(created.api["detail"]["record"], json!(record));
    recorded_from(&created, "127.0.0.1", AGENT, LOOPBACK_PLACE);
    let everything = serde_json::to_string(&app.export().await).unwrap();
    assert!(!everything.contains(BERLIN) && !everything.contains(BERLIN_PLACE), "{everything}");
}

/// Beyond `client_ip.rs`'s unit tests, which hand the rule one iterator of values: here the
/// entries arrive as separate header lines, as each proxy of a chain appends its own, and the
/// extractor must read all of them. A client spoofs an Osaka address, the outer proxy (10.1.2.3)
/// appends the real client, loopback appends the outer proxy. Reading only the first line, or
/// the left-most entry, would record the spoofed Osaka; not skipping trusted hops, 10.1.2.3.
#[tokio::test]
async fn behind_a_chain_of_trusted_proxies_the_event_records_the_client_the_outer_proxy_saw() {
    let app = spawn_app_placing(&["127.0.0.1/32", "10.0.0.0/8"]).await;
    let user = app.sign_up("alice@example.com").await;
    create_record_forwarded(&app, &user, &[OSAKA, BERLIN, "10.1.2.3"]).await;
    recorded_from(&app.logged(&user, "record_created").await, BERLIN, AGENT, BERLIN_PLACE);
}

#[tokio::test]
async fn the_activity_search_finds_events_by_the_country_of_their_place() {
    let app = spawn_app_placing(&["127.0.0.1/32"]).await;
    let mut user = app.sign_up("alice@example.com").await;
    user.browser = app.sign_in_from(&user, BERLIN, CHROME).await;
    create_record_forwarded(&app, &user, &[OSAKA]).await;
    let types = |page: Value| -> Vec<String> {
        page["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|event| event["type"].as_str().unwrap().into())
            .collect()
    };
    // The page shows "Germany" and sends the codes of the countries so named along with the text.
    let germany = app.activity(&user.browser, "q=germany&country=DE").await;
    assert!(germany["events"].as_array().unwrap().iter().all(|event| event["place"] == BERLIN_PLACE));
    assert_eq!(types(germany), ["session_created", "signin_succeeded", "code_accepted", "code_sent"]);
    assert_eq!(
        types(app.activity(&user.browser, "q=germany").await),
        Vec::<String>::new(),
        "no code, no match"
    );
    let either = app.activity(&user.browser, "country=JP,DE&type=record_created,signin_succeeded").await;
    assert_eq!(types(either), ["record_created", "signin_succeeded"]);
    let bad = app.send_as(Some(&user.browser), Method::GET, "/api/v1/activity?country=Germany", None).await;
    assert_eq!(bad.status(), 422);
}

/// A client's unreadable `X-Forwarded-For` line, to which its proxy appended the real client
/// (as nginx's `$proxy_add_x_forwarded_for` does), still names the real client.
#[tokio::test]
async fn an_unreadable_forwarded_line_still_yields_the_client_its_proxy_appended() {
    let app = spawn_app_placing(&["127.0.0.1/32"]).await;
    let user = app.sign_up("alice@example.com").await;
    let line = reqwest::header::HeaderValue::from_bytes(&[b"\xff, ".as_slice(), BERLIN.as_bytes()].concat())
        .unwrap();
    let id = RecordId::random();
    let body = json!({ "id": id, "envelope": b64::encode(seal_record(user.vault_key(), &id, &note("n"))) });
    let response = app
        .client
        .post(format!("{}/api/v1/vault/records", app.address))
        .header("cookie", &user.browser.cookie)
        .header("x-coffer-csrf", &user.browser.csrf)
        .header("x-forwarded-for", line)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    recorded_from(&app.logged(&user, "record_created").await, BERLIN, AGENT, BERLIN_PLACE);
}
