//! Per-client limits on uploads, under many concurrent requests from one client and from many
//! addresses: the start and chunk rate limits, and the cap on what unfinished uploads reserve
//! (per client network when not signed in, per account when signed in). On PostgreSQL, the
//! races also run across two servers of one database.

use std::time::Instant;

use coffer_backend::store::{CHUNK_OVERHEAD, FILE_OVERHEAD, Store};
use futures_util::future::join_all;
use serde_json::{Value, json};

use crate::file_helpers::{Announced, TestFile};
use crate::file_shares::create_with;
use crate::helpers::{TestApp, TestShare, cluster, json, on_disk_blobs, spawn_app, spawn_app_with};

/// 200 bytes in 64-byte chunks: 4 chunks, 264 bytes of ciphertext.
pub const SIZE: u64 = 200;
pub const CIPHERTEXT: u64 = 264;
/// What such a file is charged against the caps: its ciphertext and its cost beside it.
pub const CHARGED: u64 = CIPHERTEXT + FILE_OVERHEAD + 4 * CHUNK_OVERHEAD;

/// `POST /api/v1/uploads` as the client `from`, behind the trusted proxy on 127.0.0.1.
async fn start_from(app: &TestApp, from: &str, body: Value) -> reqwest::Response {
    let url = format!("{}/api/v1/uploads", app.address);
    app.client.post(url).header("x-forwarded-for", from).json(&body).send().await.unwrap()
}

/// `POST /api/v1/uploads/{id}/status` of an announced upload, as JSON (`null` for a 404).
pub async fn status_of(app: &TestApp, upload: &Announced) -> (u16, Value) {
    let body = json!({ "upload_token": upload.token });
    let answer = app.post(&format!("/api/v1/uploads/{}/status", upload.id), &body).await;
    let status = answer.status().as_u16();
    (status, if status == 200 { json(answer).await } else { Value::Null })
}

/// The most a bucket of `per_minute` may have let through `since` it was full.
fn bucket_allows(per_minute: u64, since: Instant) -> u64 {
    per_minute + (since.elapsed().as_secs_f64() * per_minute as f64 / 60.0) as u64
}

/// Status and code of each answer.
pub async fn outcomes(answers: Vec<reqwest::Response>) -> Vec<(u16, Value)> {
    join_all(answers.into_iter().map(|answer| async move {
        let status = answer.status().as_u16();
        let code =
            if status == 201 || status == 200 { Value::Null } else { json(answer).await["code"].clone() };
        (status, code)
    }))
    .await
}

/// Starts each of `uploads` from an IPv6 /64 of its own, 100 at a time; returns how many were
/// accepted, and asserts that every other one was refused 507 `storage_full`.
async fn start_from_many_networks(app: &TestApp, uploads: &[Announced]) -> u64 {
    let mut accepted = 0u64;
    for (batch, uploads) in uploads.chunks(100).enumerate() {
        let answers = join_all(uploads.iter().enumerate().map(|(n, upload)| {
            let from = format!("2001:db8:{batch:x}:{n:x}::1");
            async move { start_from(app, &from, upload.start_body()).await }
        }))
        .await;
        for (status, code) in outcomes(answers).await {
            match status {
                201 => accepted += 1,
                _ => assert_eq!((status, code), (507, json!("storage_full"))),
            }
        }
    }
    accepted
}

#[tokio::test]
async fn concurrent_upload_starts_stop_at_each_clients_rate_limit() {
    let app = spawn_app_with(|settings| {
        settings.rate_limit_upload = 10;
        settings.trusted_proxy = vec!["127.0.0.1/32".parse().unwrap()];
    })
    .await;
    let uploads: Vec<Announced> = (0..60).map(|_| Announced::new(SIZE, 64)).collect();
    let began = Instant::now();
    // 50 from one client, 10 from another, all at once.
    let answers = join_all(uploads.iter().enumerate().map(|(i, upload)| {
        let from = if i < 50 { "198.51.100.1" } else { "198.51.100.2" };
        start_from(&app, from, upload.start_body())
    }))
    .await;
    let outcomes = outcomes(answers).await;
    let (first, second) = outcomes.split_at(50);
    let accepted =
        |outcomes: &[(u16, Value)]| outcomes.iter().filter(|(status, _)| *status == 201).count() as u64;
    assert!((10..=bucket_allows(10, began)).contains(&accepted(first)), "{} accepted", accepted(first));
    assert_eq!(accepted(second), 10, "another client has its own bucket");
    assert!(first.iter().all(|outcome| outcome.0 == 201 || *outcome == (429, json!("rate_limited"))));
    for (upload, outcome) in uploads.iter().zip(&outcomes) {
        let expected = if outcome.0 == 201 { 200 } else { 404 };
        assert_eq!(status_of(&app, upload).await.0, expected, "a refused start stores nothing");
    }
}

#[tokio::test]
async fn concurrent_chunks_stop_at_the_clients_rate_limit_and_refused_ones_are_not_kept() {
    let app = spawn_app_with(|settings| settings.rate_limit_chunk = 20).await;
    let upload = Announced::new(60 * 64, 64);
    assert_eq!(app.announce(&upload).await.status(), 201);
    let began = Instant::now();
    let answers = join_all((0..60).map(|index| app.put_announced(&upload, index))).await;
    let outcomes = outcomes(answers).await;
    let accepted = outcomes.iter().filter(|(status, _)| *status == 200).count() as u64;
    assert!((20..=bucket_allows(20, began)).contains(&accepted), "{accepted} chunks accepted");
    assert!(outcomes.iter().all(|outcome| outcome.0 == 200 || *outcome == (429, json!("rate_limited"))));
    let (_, status) = status_of(&app, &upload).await;
    let ranges = status["received"].as_array().unwrap().iter();
    let held: u64 = ranges.map(|range| range[1].as_u64().unwrap() - range[0].as_u64().unwrap() + 1).sum();
    assert_eq!(held, accepted, "only the accepted chunks are held");
}

#[tokio::test]
async fn anonymous_reservations_stop_at_the_cap_of_each_client_network_under_concurrency() {
    let app = spawn_app_with(|settings| {
        settings.upload_reserve_anonymous = 3 * CHARGED;
        settings.trusted_proxy = vec!["127.0.0.1/32".parse().unwrap()];
    })
    .await;
    // Four IPv4 clients and twelve hosts of one IPv6 /64 (one network), twelve starts each.
    let networks: Vec<Vec<String>> = (1..=4)
        .map(|n| vec![format!("198.51.100.{n}"); 12])
        .chain([(1..=12).map(|host| format!("2001:db8:0:7::{host:x}")).collect()])
        .collect();
    let starts: Vec<(usize, &str, TestFile)> = networks
        .iter()
        .enumerate()
        .flat_map(|(network, hosts)| {
            hosts.iter().map(move |host| (network, host.as_str(), TestFile::vault(SIZE as usize, 64)))
        })
        .collect();
    let answers =
        join_all(starts.iter().map(|(_, from, file)| start_from(&app, from, file.start_body(false)))).await;
    let outcomes = outcomes(answers).await;
    for network in 0..networks.len() {
        let accepted =
            starts.iter().zip(&outcomes).filter(|((n, ..), outcome)| *n == network && outcome.0 == 201);
        assert_eq!(accepted.count(), 3, "network {network} reserves at most its cap");
    }
    assert!(outcomes.iter().all(|outcome| outcome.0 == 201 || *outcome == (429, json!("too_many_uploads"))));
    assert_eq!(outcomes.iter().filter(|outcome| outcome.0 == 429).count(), 60 - 15);

    // A finished file no longer counts against its network's cap, which then has room for one
    // more. A refused start stored nothing.
    let (first, refused) = {
        let of_first = starts.iter().zip(&outcomes).filter(|((n, ..), _)| *n == 0);
        let accepted = of_first.clone().find(|(_, outcome)| outcome.0 == 201).unwrap().0;
        let refused = of_first.clone().find(|(_, outcome)| outcome.0 == 429).unwrap().0;
        (&accepted.2, &refused.2)
    };
    assert_eq!(app.upload_call(refused, "status").await.status(), 404);
    for (index, chunk) in first.chunks.iter().enumerate() {
        assert_eq!(app.put_chunk(first, index as u64, chunk.clone()).await.status(), 200);
    }
    assert_eq!(app.finish_upload(first).await.status(), 200);
    assert_eq!(start_from(&app, "198.51.100.1", refused.start_body(false)).await.status(), 201);
    let over = start_from(&app, "198.51.100.1", TestFile::vault(SIZE as usize, 64).start_body(false)).await;
    assert_eq!(over.status(), 429);
    assert!(over.headers().get("retry-after").is_none(), "waiting alone does not help");
}

#[tokio::test]
async fn a_signed_in_client_reserves_against_its_account_not_its_network() {
    let app = spawn_app_with(|settings| {
        settings.upload_reserve_anonymous = CHARGED;
        settings.upload_reserve_account = 5 * CHARGED;
    })
    .await;
    let user = app.sign_up("uploader@example.com").await;
    let anonymous = TestFile::vault(SIZE as usize, 64);
    assert_eq!(app.start_upload(&anonymous, None, false).await.status(), 201);
    assert_eq!(app.start_upload(&TestFile::vault(SIZE as usize, 64), None, false).await.status(), 429);

    // Twelve at once from the same address, signed in: exactly the account's five.
    let files: Vec<TestFile> = (0..12).map(|_| TestFile::vault(SIZE as usize, 64)).collect();
    let answers = join_all(
        files.iter().enumerate().map(|(i, file)| app.start_upload(file, Some(&user.browser), i % 2 == 0)),
    )
    .await;
    let outcomes = outcomes(answers).await;
    assert_eq!(outcomes.iter().filter(|outcome| outcome.0 == 201).count(), 5);
    assert!(outcomes.iter().all(|outcome| outcome.0 == 201 || *outcome == (429, json!("too_many_uploads"))));
    // Cancelling one gives the account its room back.
    let cancelled = files.iter().zip(&outcomes).find(|(_, outcome)| outcome.0 == 201).unwrap().0;
    assert_eq!(app.upload_call(cancelled, "cancel").await.status(), 204);
    let refused = files.iter().zip(&outcomes).find(|(_, outcome)| outcome.0 == 429).unwrap().0;
    assert_eq!(app.start_upload(refused, Some(&user.browser), false).await.status(), 201);
}

#[tokio::test]
async fn a_swept_abandoned_upload_gives_its_reservation_back() {
    let app = spawn_app_with(|settings| settings.upload_reserve_anonymous = CHARGED).await;
    let abandoned = TestFile::vault(SIZE as usize, 64);
    assert_eq!(app.start_upload(&abandoned, None, false).await.status(), 201);
    assert_eq!(app.put_chunk(&abandoned, 0, abandoned.chunks[0].clone()).await.status(), 200);
    assert_eq!(app.state.store.reserved_bytes().await.unwrap(), CIPHERTEXT - 80, "the written chunk is off");
    let next = TestFile::vault(SIZE as usize, 64);
    assert_eq!(app.start_upload(&next, None, false).await.status(), 429);
    app.clock.advance(86_401);
    coffer_backend::sweeper::sweep_once(&app.state).await;
    assert_eq!(app.state.store.reserved_bytes().await.unwrap(), 0);
    assert_eq!(app.start_upload(&next, None, false).await.status(), 201);
}

#[tokio::test]
async fn a_chunk_sent_again_does_not_keep_an_upload_alive_and_no_upload_lives_past_a_week() {
    let app = spawn_app().await;
    let upload = Announced::new(10 * 64, 64);
    assert_eq!(app.announce(&upload).await.status(), 201);
    let started = app.clock_now();
    assert_eq!(app.put_announced(&upload, 0).await.status(), 200);
    let (_, status) = status_of(&app, &upload).await;
    let expires_at = status["expires_at"].as_u64().unwrap();
    assert_eq!(expires_at, started + 86_400);
    // The held chunk again, just before the expiry: accepted, the expiry stays.
    app.clock.advance(86_000);
    assert_eq!(app.put_announced(&upload, 0).await.status(), 200);
    assert_eq!(status_of(&app, &upload).await.1["expires_at"].as_u64().unwrap(), expires_at);
    app.clock.advance(401);
    coffer_backend::sweeper::sweep_once(&app.state).await;
    assert_eq!(status_of(&app, &upload).await.0, 404, "the upload expired");

    // A new chunk each day moves the expiry on, but never past a week after the start.
    let slow = Announced::new(10 * 64, 64);
    assert_eq!(app.announce(&slow).await.status(), 201);
    let started = app.clock_now();
    for index in 0..9 {
        assert_eq!(app.put_announced(&slow, index).await.status(), 200);
        app.clock.advance(80_000);
        coffer_backend::sweeper::sweep_once(&app.state).await;
        let (status, body) = status_of(&app, &slow).await;
        if app.clock_now() < started + 7 * 86_400 {
            assert_eq!(status, 200, "day {index}");
            assert!(body["expires_at"].as_u64().unwrap() <= started + 7 * 86_400);
        } else {
            assert_eq!(status, 404, "past a week, at {}", app.clock_now() - started);
            return;
        }
    }
    panic!("the upload outlived a week");
}

#[tokio::test]
async fn clients_of_a_thousand_networks_take_at_most_half_the_room_and_an_account_still_uploads() {
    const FLOOR: u64 = 16 << 20;
    const MIB: u64 = 1 << 20;
    let app = spawn_app_with(|settings| {
        on_disk_blobs(settings);
        settings.disk_capacity = Some(160 * MIB);
        settings.min_free_disk = FLOOR;
        settings.trusted_proxy = vec!["127.0.0.1/32".parse().unwrap()];
    })
    .await;
    let user = app.sign_up("room@example.com").await;
    let room = app.state.blobs.free_bytes().unwrap() - FLOOR;
    // One 1 MiB upload from each of 1,000 IPv6 /64s, 100 at a time.
    let uploads: Vec<Announced> = (0..1_000).map(|_| Announced::new(MIB, 1 << 20)).collect();
    let charged = MIB + 16 + FILE_OVERHEAD + CHUNK_OVERHEAD;
    let accepted = start_from_many_networks(&app, &uploads).await;
    let taken = accepted * charged;
    println!("{accepted} of 1,000 anonymous 1 MiB starts accepted with {room} bytes above the floor");
    assert!(taken <= room / 2, "{taken} bytes taken of {room}");
    assert!(room / 2 - taken < 2 * charged + 4 * MIB, "they may take about half: {taken} of {room}");
    // The other half is there for an account.
    let big = TestFile::vault((room / 2 - 8 * MIB) as usize, 1 << 20);
    assert_eq!(app.start_upload(&big, Some(&user.browser), false).await.status(), 201);
}

#[tokio::test]
async fn a_finished_file_leaves_its_networks_cap_so_two_files_larger_than_half_of_it_share_together() {
    let app = spawn_app_with(|settings| settings.upload_reserve_anonymous = CHARGED).await;
    let (first, second) = (TestFile::vault(SIZE as usize, 64), TestFile::vault(SIZE as usize, 64));
    app.upload(&first, None, false).await;
    app.upload(&second, None, false).await;
    let share = create_with(&app, &TestShare::new("files", 1), &[&first, &second]).await;
    assert_eq!(share.status(), 201);
}

#[tokio::test]
async fn files_of_clients_not_signed_in_keep_their_room_while_in_a_share_and_give_it_back_when_deleted() {
    const MIB: u64 = 1 << 20;
    let settings = |settings: &mut coffer_backend::settings::Settings| {
        on_disk_blobs(settings);
        settings.disk_capacity = Some(48 * MIB);
        settings.min_free_disk = 16 * MIB;
        settings.upload_reserve_anonymous = 0;
    };
    let app = spawn_app_with(settings).await;
    // 32 MiB above the floor, half of it for clients not signed in: three files of 4 MiB fit.
    let files: Vec<TestFile> = (0..4).map(|_| TestFile::vault(4 * MIB as usize, 1 << 20)).collect();
    for file in &files[..3] {
        app.upload(file, None, false).await;
        assert_eq!(create_with(&app, &TestShare::new("files", 1), &[file]).await.status(), 201);
    }
    let refused = app.start_upload(&files[3], None, false).await;
    assert_eq!(refused.status(), 507, "files in a share still take the room");
    assert_eq!(json(refused).await["code"], "storage_full");
    // A redb file counted otherwise (an older version: here, with no count at all) is counted
    // again from its files when the server opens it.
    let on_redb = matches!(app.state.store, Store::Redb(_));
    let database = app.state.settings.database_url.clone();
    let root = app.stop().await;
    if on_redb {
        let meta: redb::TableDefinition<&str, u64> = redb::TableDefinition::new("meta");
        let db = redb::Database::open(root.path().join("data/coffer.redb")).unwrap();
        let txn = db.begin_write().unwrap();
        for key in ["counts_version", "anonymous_held", "anonymous_ciphertext", "reserved_bytes"] {
            txn.open_table(meta).unwrap().remove(key).unwrap();
        }
        txn.commit().unwrap();
    }
    let app = crate::helpers::spawn_app_in(root, |config| {
        settings(config);
        config.database_url = database;
    })
    .await;
    assert_eq!(app.start_upload(&files[3], None, false).await.status(), 507);
    // The shares expire and their files are deleted: the room is theirs again.
    app.clock.advance(3_601);
    coffer_backend::sweeper::sweep_once(&app.state).await;
    assert_eq!(app.start_upload(&files[3], None, false).await.status(), 201);
}

#[tokio::test]
async fn tiny_files_are_charged_what_they_cost_beside_their_bytes_so_they_cannot_pass_the_room() {
    const MIB: u64 = 1 << 20;
    let app = spawn_app_with(|settings| {
        on_disk_blobs(settings);
        settings.disk_capacity = Some(48 * MIB);
        settings.min_free_disk = 16 * MIB;
        settings.trusted_proxy = vec!["127.0.0.1/32".parse().unwrap()];
    })
    .await;
    // 800 one-byte uploads from 800 IPv6 /64s, 100 at a time. Half of the 32 MiB above the
    // floor holds at most 16 MiB / 33 KiB of them, not 16 MiB / 17 bytes (a little less: the
    // database file grows with them and takes part of the room).
    let uploads: Vec<Announced> = (0..800).map(|_| Announced::new(1, 64)).collect();
    let accepted = start_from_many_networks(&app, &uploads).await;
    let charged = 17 + FILE_OVERHEAD + CHUNK_OVERHEAD;
    println!("{accepted} of 800 one-byte uploads accepted, charged {charged} bytes each");
    assert!(accepted * charged <= 16 * MIB, "{accepted} accepted");
    assert!(accepted * charged > 13 * MIB, "{accepted} accepted");
}

/// Starts `uploads` at once, the `i`th on server `i % servers` from `from(i)`.
async fn start_all(
    servers: &[TestApp],
    uploads: &[Announced],
    from: impl Fn(usize) -> String,
) -> Vec<(u16, Value)> {
    let answers = join_all(uploads.iter().enumerate().map(|(i, upload)| {
        let (server, from) = (&servers[i % servers.len()], from(i));
        async move { start_from(server, &from, upload.start_body()).await }
    }))
    .await;
    outcomes(answers).await
}

/// The uploads of `uploads` that `outcomes` says were started.
fn started<'a>(uploads: &'a [Announced], outcomes: &[(u16, Value)]) -> Vec<&'a Announced> {
    uploads.iter().zip(outcomes).filter(|(_, outcome)| outcome.0 == 201).map(|(upload, _)| upload).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn starts_racing_on_every_server_stop_at_the_cap_and_the_quota_and_cancels_give_every_byte_back() {
    let servers = &cluster(2, |settings| {
        settings.upload_reserve_anonymous = 3 * CHARGED;
        settings.storage_quota = 5 * CIPHERTEXT;
        settings.trusted_proxy = vec!["127.0.0.1/32".parse().unwrap()];
    })
    .await;
    let store = &servers[0].state.store;
    for round in 0..3 {
        // 24 starts from one client at once: its cap takes 3.
        let mine: Vec<Announced> = (0..24).map(|_| Announced::new(SIZE, 64)).collect();
        let outcomes = start_all(servers, &mine, |_| "198.51.100.7".into()).await;
        assert!(
            outcomes.iter().all(|outcome| outcome.0 == 201 || *outcome == (429, json!("too_many_uploads")))
        );
        let mut held = started(&mine, &outcomes);
        assert_eq!(held.len(), 3, "round {round}: the client's cap");
        // 24 from as many networks at once: the quota takes 2 more.
        let theirs: Vec<Announced> = (0..24).map(|_| Announced::new(SIZE, 64)).collect();
        let outcomes = start_all(servers, &theirs, |i| format!("2001:db8:{round}:{i:x}::1")).await;
        assert!(outcomes.iter().all(|outcome| outcome.0 == 201 || *outcome == (507, json!("storage_full"))));
        held.extend(started(&theirs, &outcomes));
        assert_eq!(held.len(), 5, "round {round}: the quota");
        assert_eq!(store.reserved_bytes().await.unwrap(), 5 * CIPHERTEXT);
        // Each cancelled on one server while a chunk of it (the last, shorter, one for some)
        // arrives on another: whichever comes first, every byte is given back.
        let cancels = join_all(held.iter().enumerate().map(|(i, upload)| async move {
            let (here, there) = (&servers[i % servers.len()], &servers[(i + 1) % servers.len()]);
            let body = json!({ "upload_token": upload.token });
            let path = format!("/api/v1/uploads/{}/cancel", upload.id);
            let (cancelled, chunk) =
                tokio::join!(here.post(&path, &body), there.put_announced(upload, (i % 2 * 3) as u64));
            assert!([200, 404].contains(&chunk.status().as_u16()), "{}", chunk.status());
            cancelled.status().as_u16()
        }))
        .await;
        assert!(cancels.iter().all(|status| *status == 204));
        assert_eq!(store.reserved_bytes().await.unwrap(), 0, "round {round}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn servers_sweeping_at_once_delete_each_abandoned_upload_once_and_give_its_bytes_back() {
    let servers = &cluster(2, |settings| {
        settings.upload_reserve_anonymous = 40 * CHARGED;
        settings.trusted_proxy = vec!["127.0.0.1/32".parse().unwrap()];
    })
    .await;
    let uploads: Vec<Announced> = (0..40).map(|_| Announced::new(SIZE, 64)).collect();
    let outcomes = start_all(servers, &uploads, |_| "198.51.100.9".into()).await;
    assert!(outcomes.iter().all(|outcome| outcome.0 == 201));
    join_all(uploads.iter().enumerate().map(|(i, upload)| servers[0].put_announced(upload, i as u64 % 4)))
        .await;
    for server in servers {
        server.clock.advance(86_401);
    }
    let now = servers[0].clock_now();
    let sweeps = join_all(
        servers.iter().flat_map(|server| [server, server]).map(|server| server.state.store.sweep_files(now)),
    )
    .await;
    let swept: usize = sweeps.into_iter().map(|swept| swept.unwrap()).sum();
    assert_eq!(swept, 40, "each upload deleted once");
    assert_eq!(servers[0].state.store.reserved_bytes().await.unwrap(), 0);
    // The client's cap is whole again.
    let again: Vec<Announced> = (0..40).map(|_| Announced::new(SIZE, 64)).collect();
    let outcomes = start_all(servers, &again, |_| "198.51.100.9".into()).await;
    assert!(outcomes.iter().all(|outcome| outcome.0 == 201));
}
