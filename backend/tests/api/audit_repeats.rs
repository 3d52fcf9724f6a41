//! Repeats folded (`docs/audit.md`, "Repeats, folded"): a client that repeats a request which
//! succeeds and changes nothing (a one-byte range download, a share's status read) cannot grow
//! the log by an event per request: at most one event per key stays in the log while its
//! minute is open, and one aggregate carries the count of the rest. Failures, changes and
//! destructions in between are each recorded.

use coffer_backend::audit::repeats::REPEAT_WINDOW;
use coffer_backend::sweeper::sweep_once;
use coffer_shared::b64;
use coffer_shared::crypto::vault::seal_record;
use reqwest::Method;
use serde_json::{Value, json};

use crate::file_helpers::TestFile;
use crate::file_shares::{claim_json, create_with};
use crate::helpers::{TestShare, manage_token, spawn_app, spawn_app_with};
use crate::users::PASSPHRASE;
use crate::vault::{create, note};

/// Concurrent, then sequential requests of one kind.
const CONCURRENT: usize = 50;
const SEQUENTIAL: usize = 1000;

#[tokio::test]
async fn repeated_one_byte_downloads_are_folded_into_one_aggregate_with_the_true_count() {
    let app = spawn_app().await;
    let share = TestShare::new("see attached", 1);
    let file = TestFile::for_share(&share, 300, 128);
    app.upload(&file, None, false).await;
    assert_eq!(create_with(&app, &share, &[&file]).await.status(), 201);
    let claimed = claim_json(&app, &share).await;
    let token = claimed["download_token"].as_str().unwrap().to_owned();
    let last_byte = file.ciphertext().len() as u64 - 1;
    let before = app.export().await.len();

    let one_byte = || async {
        let response = app.download(&file.id, &token, Some(last_byte)).await;
        assert_eq!(response.status(), 206);
        assert_eq!(response.bytes().await.unwrap().len(), 1);
    };
    futures_util::future::join_all((0..CONCURRENT).map(|_| one_byte())).await;
    for _ in 0..SEQUENTIAL {
        one_byte().await;
    }
    let requests = (CONCURRENT + SEQUENTIAL) as u64;

    // While the minute is open: the first download only.
    let events = app.export().await;
    assert_eq!(events.len(), before + 1, "{} requests, one event", requests);
    let downloads: Vec<&Value> = events.iter().filter(|event| event["type"] == "file_downloaded").collect();
    assert_eq!(downloads.len(), 1);
    assert_eq!(downloads[0]["detail"].get("repeated"), None);

    // The minute closes; the sweep writes the aggregate: two events for all the requests.
    app.clock.advance(REPEAT_WINDOW);
    sweep_once(&app.state).await;
    let events = app.export().await;
    assert_eq!(events.len(), before + 2);
    let aggregate = events.last().unwrap();
    assert_eq!(aggregate["type"], "file_downloaded");
    assert_eq!(aggregate["detail"]["repeated"], requests - 1, "every request is counted");
    assert_eq!(aggregate["detail"]["from"], last_byte);
    assert_eq!(aggregate["detail"]["file"], file.id.as_str());
    assert_eq!(aggregate["detail"]["share"], share.id.as_str());
    assert_eq!(aggregate["ip"], "127.0.0.1");

    // A new minute starts with a recorded download again.
    one_byte().await;
    assert_eq!(app.export().await.len(), before + 3);
}

#[tokio::test]
async fn downloads_from_a_thousand_ipv6_networks_add_seventeen_events_and_their_aggregates() {
    let app = spawn_app_with(|settings| settings.trusted_proxy = vec!["127.0.0.1/32".parse().unwrap()]).await;
    let share = TestShare::new("see attached", 1);
    let file = TestFile::for_share(&share, 300, 128);
    app.upload(&file, None, false).await;
    assert_eq!(create_with(&app, &share, &[&file]).await.status(), 201);
    let claimed = claim_json(&app, &share).await;
    let token = claimed["download_token"].as_str().unwrap().to_owned();
    let before = app.export().await.len();
    let (app, token, file) = (&app, &token, &file);

    // 1,000 /64s (each address its own network), 50 at a time.
    let networks: Vec<String> =
        (0..1_000).map(|n| format!("2001:db8:{:x}:{:x}::1", n >> 8, n & 0xff)).collect();
    for batch in networks.chunks(CONCURRENT) {
        futures_util::future::join_all(batch.iter().map(|ip| async move {
            let url = format!("{}/api/v1/files/{}", app.address, file.id);
            let response = app
                .client
                .get(url)
                .header("x-coffer-download-token", token)
                .header("range", "bytes=0-")
                .header("x-forwarded-for", ip)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 206);
        }))
        .await;
    }
    let events = app.export().await;
    assert_eq!(events.len() - before, 17, "16 networks, then one for the file from any other");

    app.clock.advance(REPEAT_WINDOW);
    sweep_once(&app.state).await;
    let events = app.export().await;
    let written = &events[before..];
    let counted: u64 =
        written.iter().map(|event| 1 + event["detail"]["repeated"].as_u64().unwrap_or(0)).sum();
    let aggregates = written.iter().filter(|event| event["detail"].get("repeated").is_some()).count() as u64;
    assert_eq!(counted - aggregates, 1_000, "every request is counted once");
    assert!(written.len() <= 18, "{} events for 1,000 networks", written.len());
}

#[tokio::test]
async fn repeated_status_reads_fold_and_the_next_event_writes_their_aggregate_first() {
    let app = spawn_app().await;
    let share = TestShare::new("read me", 3);
    app.create(&share).await;
    let reads = futures_util::future::join_all(
        (0..CONCURRENT).map(|_| app.status(&share.id, &share.request.status_token)),
    )
    .await;
    assert!(reads.iter().all(|read| read.status() == 200));
    for _ in 0..100 {
        assert_eq!(app.status(&share.id, &share.request.status_token).await.status(), 200);
    }
    assert_eq!(app.exported("share_opened").await.len(), 1);

    app.clock.advance(REPEAT_WINDOW + 5);
    app.create(&TestShare::new("another", 1)).await;
    let events = app.export().await;
    let types: Vec<&str> = events.iter().map(|event| event["type"].as_str().unwrap()).collect();
    assert_eq!(types, ["share_created", "share_opened", "share_opened", "share_created"]);
    assert_eq!(events[2]["detail"]["repeated"], CONCURRENT as u64 + 99);
    assert_eq!(events[2]["detail"]["views_left"], 3);
}

#[tokio::test]
async fn an_orderly_stop_writes_the_open_aggregates() {
    let app = spawn_app().await;
    let share = TestShare::new("read me", 1);
    app.create(&share).await;
    for _ in 0..3 {
        assert_eq!(app.status(&share.id, &share.request.status_token).await.status(), 200);
    }
    let app = app.restart(|_| {}).await;
    let opened = app.exported("share_opened").await;
    assert_eq!(opened.len(), 2);
    assert_eq!(opened[1]["detail"]["repeated"], 2);
}

#[tokio::test]
async fn failures_changes_and_destructions_between_folded_downloads_are_each_recorded() {
    let app = spawn_app().await;
    let user = app.sign_up("alice@example.com").await;
    let (record, _) = create(&app, &user, &note("v1")).await;
    let share = TestShare::new("see attached", 1);
    let file = TestFile::for_share(&share, 300, 128);
    app.upload(&file, None, false).await;
    assert_eq!(create_with(&app, &share, &[&file]).await.status(), 201);
    let token = claim_json(&app, &share).await["download_token"].as_str().unwrap().to_owned();
    let guarded = TestShare::new("guarded", 1);
    app.create(&guarded).await;
    let wrong = TestShare::new("other", 1).request.access_token;

    // All from one client, inside one minute, each kind between two foldable downloads.
    const ROUNDS: u64 = 3;
    for round in 0..ROUNDS {
        assert_eq!(app.download(&file.id, &token, Some(1)).await.status(), 206);
        assert_eq!(app.sign_in_start("nobody@example.com", user.salt, PASSPHRASE).await.status(), 401);
        assert_eq!(app.download(&file.id, &token, Some(1)).await.status(), 206);
        assert_eq!(app.claim(&guarded, &wrong).await.status(), 403);
        assert_eq!(app.download(&file.id, &token, Some(1)).await.status(), 206);
        let envelope = b64::encode(seal_record(user.vault_key(), &record, &note(&round.to_string())));
        let edit = json!({ "revision": round + 1, "envelope": envelope });
        let path = format!("/api/v1/vault/records/{record}");
        assert_eq!(app.send_as(Some(&user.browser), Method::PUT, &path, Some(&edit)).await.status(), 200);
        let doomed = TestShare::new(&format!("doomed {round}"), 1);
        app.create(&doomed).await;
        assert_eq!(app.destroy(&doomed.id, &manage_token(&doomed.id)).await.status(), 204);
    }

    let count = |events: &[Value], kind: &str| events.iter().filter(|event| event["type"] == kind).count();
    let events = app.export().await;
    assert_eq!(count(&events, "file_downloaded"), 1, "the downloads are folded");
    for kind in ["signin_failed", "share_wrong_token", "record_changed", "share_destroyed"] {
        assert_eq!(count(&events, kind), ROUNDS as usize, "every {kind} is recorded");
    }
    assert!(events.iter().all(|event| event["detail"].get("repeated").is_none()));
    app.clock.advance(REPEAT_WINDOW);
    sweep_once(&app.state).await;
    let events = app.export().await;
    assert_eq!(events.last().unwrap()["detail"]["repeated"], 3 * ROUNDS - 1);
}
