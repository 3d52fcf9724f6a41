//! Several servers on one PostgreSQL database (`docs/scaling.md`): what one server counts, every
//! server counts. On redb the cluster is the one server a file has, and the same limits hold.

use futures_util::future::join_all;
use reqwest::Method;

use coffer_backend::audit::verify::{Checks, Failure, Report};

use crate::file_helpers::TestFile;
use crate::file_shares::{claim_json, create_with};
use coffer_backend::settings::Settings;
use coffer_backend::startup::Application;
use coffer_shared::crypto::Key32;

use crate::helpers::{TestApp, TestShare, cluster, json, spawn_app_with, test_blob_store, test_database};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn claims_racing_over_three_servers_open_each_share_exactly_its_views() {
    let servers = cluster(3, |_| {}).await;
    let shares: Vec<TestShare> = (0..25).map(|i| TestShare::new("contended", 1 + i % 8)).collect();
    for (i, share) in shares.iter().enumerate() {
        servers[i % servers.len()].create(share).await;
    }
    // 2,000 claims at once, each share's spread over every server.
    let claims = shares.iter().enumerate().flat_map(|(i, share)| {
        let servers = &servers;
        (0..80).map(move |n| async move {
            (i, servers[n % servers.len()].claim(share, &share.request.access_token).await.status().as_u16())
        })
    });
    let answers = join_all(claims).await;
    assert_eq!(answers.len(), 2_000);
    for (i, share) in shares.iter().enumerate() {
        let statuses: Vec<u16> =
            answers.iter().filter(|(of, _)| *of == i).map(|(_, status)| *status).collect();
        let opened = statuses.iter().filter(|&&status| status == 200).count();
        assert_eq!(opened, share.request.max_views as usize, "share {i}: {statuses:?}");
        assert!(statuses.iter().all(|&status| status == 200 || status == 404), "share {i}: {statuses:?}");
    }
    assert_eq!(servers[1 % servers.len()].share_count().await, 0, "each last view deleted its share");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_session_made_on_one_server_works_on_every_server_and_ends_on_all() {
    let servers = cluster(3, |_| {}).await;
    let user = servers[0].sign_up("cluster@example.com").await;
    let browser = servers[0].sign_in(&user).await;
    for server in &servers {
        let answer = server.send_as(Some(&browser), Method::GET, "/api/v1/session", None).await;
        assert_eq!(answer.status(), 200, "{}", server.address);
    }
    let last = &servers[servers.len() - 1];
    let ended = last.send_as(Some(&browser), Method::POST, "/api/v1/session/signout", None).await;
    assert!(ended.status().is_success(), "{}", ended.status());
    for server in &servers {
        let answer = server.send_as(Some(&browser), Method::GET, "/api/v1/session", None).await;
        assert_eq!(answer.status(), 401, "{}", server.address);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_client_spreading_its_creates_over_three_servers_gets_one_allowance() {
    let per_minute = 12;
    let servers = cluster(3, |settings| settings.rate_limit_create = per_minute).await;
    let started = std::time::Instant::now();
    let shares: Vec<TestShare> = (0..36).map(|_| TestShare::new("limited", 1)).collect();
    let creates = shares.iter().enumerate().map(|(i, share)| {
        let body = serde_json::to_value(&share.request).unwrap();
        let server = &servers[i % servers.len()];
        async move { server.post("/api/v1/shares", &body).await.status().as_u16() }
    });
    let statuses = join_all(creates).await;
    let created = statuses.iter().filter(|&&status| status == 201).count() as u64;
    // The bucket starts full and refills at per_minute / 60 a second while the requests run.
    let refill = (started.elapsed().as_secs_f64() * f64::from(per_minute) / 60.0) as u64;
    assert!((u64::from(per_minute)..=u64::from(per_minute) + refill).contains(&created), "{statuses:?}");
    assert!(statuses.iter().all(|&status| status == 201 || status == 429), "{statuses:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn verify_checks_every_servers_chain_and_names_the_one_broken() {
    let servers = cluster(3, |_| {}).await;
    // One account whose events go through every server, and shares opened on each.
    let user = servers[0].sign_up("chains@example.com").await;
    for (i, server) in servers.iter().enumerate() {
        let browser = server.sign_in(&user).await;
        let share = TestShare::new("logged", 1);
        server.create(&share).await;
        servers[(i + 1) % servers.len()].claim(&share, &share.request.access_token).await;
        server.send_as(Some(&browser), Method::POST, "/api/v1/session/signout", None).await;
    }
    let events = servers[0].export().await.len() as u64;
    let report = verified(&servers[servers.len() - 1]).await.unwrap();
    assert_eq!(report.events, events);
    // Each server appends to chains of its own, `<server-id>/<n>` (one on redb: "").
    let named =
        |name: &str| servers.iter().enumerate().any(|(n, _)| name.starts_with(&format!("server-{}/", n + 1)));
    assert!(report.chains.iter().all(|(name, _)| name.is_empty() || named(name)), "{:?}", report.chains);
    assert_eq!(report.accounts, 1);
    let Some(url) = servers[0].state.settings.database_url.clone() else { return };
    assert!(report.chains.len() >= servers.len(), "{:?}", report.chains);
    // Flip a byte of one of server-2's events, as someone with the database could.
    let (client, connection) = tokio_postgres::connect(url.expose(), tokio_postgres::NoTls).await.unwrap();
    tokio::spawn(connection);
    let changed = client
        .query_one(
            "UPDATE audit_events SET record = overlay(record PLACING '\\x7e'::bytea FROM 30 FOR 1)
             WHERE (server, seq) = (SELECT server, seq FROM audit_events WHERE server LIKE 'server-2/%'
                                    ORDER BY server, seq LIMIT 1)
             RETURNING server, seq",
            &[],
        )
        .await
        .unwrap();
    let (chain, seq): (String, i64) = (changed.get(0), changed.get(1));
    let Err(Failure::Broken(found)) = verified(&servers[0]).await else { panic!("the change went unseen") };
    assert_eq!(found.chain, chain, "{found}");
    assert!(found.at <= seq as u64 + 1, "{found}");
}

/// `audit verify` of the cluster's log, in process.
async fn verified(app: &crate::helpers::TestApp) -> Result<Report, Failure> {
    let store = app.state.store.clone();
    let key = app.chain_key();
    tokio::task::spawn_blocking(move || {
        let checks =
            Checks { key: &key, keyed_from: Some(1), keyed_from_chains: Vec::new(), anchors: Vec::new() };
        coffer_backend::audit::verify::verify(&store, &checks)
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_file_sent_in_chunks_to_three_servers_is_downloaded_byte_for_byte_from_another() {
    let servers = cluster(3, |_| {}).await;
    let at = |n: usize| &servers[n % servers.len()];
    let share = TestShare::new("the report", 2);
    let file = TestFile::for_share(&share, 5 * (64 << 10) + 777, 64 << 10);
    assert_eq!(at(0).start_upload(&file, None, false).await.status(), 201);
    // Chunk i goes to server i % 3, all at once; the second server is sent one chunk twice.
    let sends = (0..file.chunks.len()).map(|index| {
        let server = at(index);
        server.put_chunk(&file, index as u64, file.chunks[index].clone())
    });
    let again = at(1).put_chunk(&file, 0, file.chunks[0].clone());
    let (sent, again) = tokio::join!(join_all(sends), again);
    assert!(sent.iter().chain([&again]).all(|response| response.status() == 200));
    assert_eq!(at(2).finish_upload(&file).await.status(), 200);
    assert_eq!(create_with(at(2), &share, &[&file]).await.status(), 201);

    let claimed = claim_json(at(0), &share).await;
    let token = claimed["download_token"].as_str().unwrap();
    let whole = at(1).download(&file.id, token, None).await;
    assert_eq!(whole.status(), 200);
    let bytes = whole.bytes().await.unwrap();
    assert_eq!(bytes.as_ref(), file.ciphertext().as_slice());
    assert_eq!(file.open(&bytes, claimed["files"][0]["metadata"].as_str().unwrap()), file.plaintext);
    // A download resumed on the third server from inside the second chunk.
    let from = (64 << 10) + 100;
    let rest = at(2).download(&file.id, token, Some(from)).await;
    assert_eq!(rest.status(), 206);
    assert_eq!(rest.bytes().await.unwrap().as_ref(), &file.ciphertext()[from as usize..]);
}

/// The settings of one more server of `first`'s cluster, with a data folder of its own.
fn another_server(first: &TestApp, folder: &tempfile::TempDir, name: &str) -> Settings {
    let mut settings = Settings::for_tests(folder.path().join("data"));
    settings.database_url = first.state.settings.database_url.clone();
    settings.blob_store = first.state.settings.blob_store.clone();
    settings.server_secret_file = Some(first.data_dir().join("server-secret"));
    settings.server_id = Some(name.into());
    settings
}

#[tokio::test]
async fn a_server_keeping_its_blobs_elsewhere_than_the_cluster_is_refused_at_start() {
    let servers = cluster(1, |_| {}).await;
    let first = &servers[0];
    if first.state.settings.database_url.is_none() {
        return println!("skipped: one server has one store on redb");
    }
    let folder = tempfile::tempdir().unwrap();
    // Its own data folder's blobs, and (with a bucket) another folder of the bucket.
    let mut elsewhere = vec![another_server(first, &folder, "own-disk")];
    elsewhere[0].blob_store = None;
    if let Some(bucket) = test_blob_store() {
        let mut settings = another_server(first, &folder, "own-folder");
        settings.blob_store = Some(bucket);
        elsewhere.push(settings);
    }
    for settings in elsewhere {
        let refused = Application::build(settings).await.err().expect("the server must not start");
        assert!(refused.to_string().contains("--blob-store"), "{refused}");
    }
    let same = Application::build(another_server(first, &folder, "same")).await;
    assert!(same.is_ok(), "the cluster's own store is accepted: {:?}", same.err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn servers_starting_at_once_on_a_new_database_agree_on_one_blob_store() {
    let Some(database) = test_database().await else {
        return println!("skipped: needs PostgreSQL");
    };
    let blob_store = test_blob_store();
    let secret = tempfile::tempdir().unwrap();
    std::fs::write(secret.path().join("secret"), Key32::random().expose()).unwrap();
    let folders: Vec<tempfile::TempDir> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let starts = folders.iter().enumerate().map(|(n, folder)| {
        let mut settings = Settings::for_tests(folder.path().join("data"));
        settings.database_url = Some(database.clone());
        settings.blob_store = blob_store.clone();
        settings.server_secret_file = Some(secret.path().join("secret"));
        settings.server_id = Some(format!("racer-{n}"));
        Application::build(settings)
    });
    let started = join_all(starts).await;
    match blob_store {
        // One bucket: every server is accepted.
        Some(_) => assert!(
            started.iter().all(Result::is_ok),
            "{:?}",
            started.iter().map(|s| s.as_ref().err()).collect::<Vec<_>>()
        ),
        // Three data folders: exactly one server keeps the files.
        None => assert_eq!(started.iter().filter(|started| started.is_ok()).count(), 1),
    }
}

#[tokio::test]
async fn a_second_installation_given_the_same_bucket_folder_is_refused_and_deletes_nothing() {
    let Some(bucket) = test_blob_store() else {
        return println!("skipped: needs a bucket (COFFER_TEST_S3_URL)");
    };
    // The first installation, on the run's metadata store, has part of a file in the bucket.
    let first = spawn_app_with(|settings| settings.blob_store = Some(bucket.clone())).await;
    let file = TestFile::vault(3 * (64 << 10), 64 << 10);
    assert_eq!(first.start_upload(&file, None, false).await.status(), 201);
    assert_eq!(first.put_chunk(&file, 0, file.chunks[0].clone()).await.status(), 200);

    // Another installation (a new database, or a redb file of its own) on the same folder.
    let folder = tempfile::tempdir().unwrap();
    let mut others = vec![Settings::for_tests(folder.path().join("redb"))];
    if let Some(database) = test_database().await {
        let mut settings = Settings::for_tests(folder.path().join("postgres"));
        settings.database_url = Some(database);
        others.push(settings);
    }
    for mut settings in others {
        settings.blob_store = Some(bucket.clone());
        let refused = Application::build(settings).await.err().expect("the server must not start");
        assert!(refused.to_string().contains("another installation"), "{refused}");
    }
    assert_eq!(first.blob_ids().await, vec![file.id.to_string()], "the first one's chunk is still there");
    assert_eq!(json(first.upload_call(&file, "status").await).await["received"], serde_json::json!([[0, 0]]));
}
