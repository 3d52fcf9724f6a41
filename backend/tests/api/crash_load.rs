//! SIGKILL in the middle of concurrent creates and claims: after a restart every create that
//! was answered 201 is there, and every claim that was answered 200 was counted; and with three
//! servers on one PostgreSQL database, one killed under load, the others hold every answered
//! write of all three. Group commit
//! (backend/src/store/group_commit.rs) answers a write only once it is on disk; this is the test
//! that would catch an answer sent before that.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::crash::Process;
use crate::helpers::{TestShare, test_blob_store, test_database};

/// Shares the load claims, and the views each one has.
const SEEDED: usize = 64;
const SEEDED_VIEWS: u32 = coffer_shared::api::MAX_VIEWS;
/// Concurrent clients, each alternating a create and a claim.
const CLIENTS: usize = 48;

async fn post(client: &reqwest::Client, url: String, body: &Value) -> Option<u16> {
    let response = client.post(url).json(body).timeout(Duration::from_secs(10)).send().await.ok()?;
    let status = response.status().as_u16();
    // The answer counts only once its body has arrived whole.
    response.bytes().await.ok()?;
    Some(status)
}

async fn views_left(client: &reqwest::Client, address: &str, share: &TestShare) -> Option<u64> {
    let body = json!({ "token": share.request.status_token });
    let response =
        client.post(format!("{address}/api/v1/shares/{}/status", share.id)).json(&body).send().await.unwrap();
    if response.status() != 200 {
        return None;
    }
    response.json::<Value>().await.unwrap()["views_left"].as_u64()
}

/// What the load got answered: the shares created, and the claims counted of each seeded share.
struct Answered {
    created: Vec<TestShare>,
    claimed: Vec<u32>,
}

/// Seeds [`SEEDED`] shares through the first of `addresses`, then runs [`CLIENTS`] clients, each
/// alternating a create and a claim against the servers in turn, until about 3,000 writes were
/// answered (or 20 s); then calls `kill` under that load and returns what was answered.
async fn load_until_killed(
    addresses: &[String],
    kill: impl FnOnce() + Send + 'static,
) -> (Arc<Vec<TestShare>>, Answered) {
    let client = reqwest::Client::new();
    let seeded: Arc<Vec<TestShare>> =
        Arc::new((0..SEEDED).map(|_| TestShare::new("seed", SEEDED_VIEWS)).collect());
    for share in seeded.iter() {
        let body = serde_json::to_value(&share.request).unwrap();
        assert_eq!(post(&client, format!("{}/api/v1/shares", addresses[0]), &body).await, Some(201));
    }
    let stop = Arc::new(AtomicBool::new(false));
    let claims: Arc<Vec<AtomicU32>> = Arc::new((0..SEEDED).map(|_| AtomicU32::new(0)).collect());
    let answered = Arc::new(AtomicU32::new(0));
    let mut clients = Vec::new();
    for number in 0..CLIENTS {
        let (stop, claims, answered, seeded) =
            (Arc::clone(&stop), Arc::clone(&claims), Arc::clone(&answered), Arc::clone(&seeded));
        let (client, addresses) = (client.clone(), addresses.to_vec());
        clients.push(tokio::spawn(async move {
            let mut created = Vec::new();
            let mut unanswered = 0;
            let mut turn = number;
            while !stop.load(Ordering::SeqCst) {
                turn += 1;
                let address = &addresses[turn % addresses.len()];
                let share = TestShare::new("load", 2);
                let body = serde_json::to_value(&share.request).unwrap();
                match post(&client, format!("{address}/api/v1/shares"), &body).await {
                    Some(201) => {
                        created.push(share);
                        answered.fetch_add(1, Ordering::SeqCst);
                    }
                    Some(status) => panic!("create answered {status}"),
                    None => unanswered += 1,
                }
                let target = &seeded[turn % SEEDED];
                let body = json!({ "status_token": target.request.status_token,
                                   "access_token": target.request.access_token });
                match post(&client, format!("{address}/api/v1/shares/{}/claim", target.id), &body).await {
                    Some(200) => {
                        claims[turn % SEEDED].fetch_add(1, Ordering::SeqCst);
                        answered.fetch_add(1, Ordering::SeqCst);
                    }
                    Some(status) => panic!("claim answered {status}"),
                    None => unanswered += 1,
                }
            }
            (created, unanswered)
        }));
    }
    // Bounded: about 3,000 answered writes or 20 s, whichever comes first.
    let started = Instant::now();
    while answered.load(Ordering::SeqCst) < 3_000 && started.elapsed() < Duration::from_secs(20) {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    tokio::task::spawn_blocking(kill).await.unwrap();
    // A little more load on the servers left, then stop.
    tokio::time::sleep(Duration::from_millis(200)).await;
    stop.store(true, Ordering::SeqCst);
    let mut created = Vec::new();
    let mut unanswered = 0;
    for client in clients {
        let (shares, lost) = client.await.unwrap();
        created.extend(shares);
        unanswered += lost;
    }
    let claimed: Vec<u32> = claims.iter().map(|count| count.load(Ordering::SeqCst)).collect();
    eprintln!(
        "killed after {} answered creates and {} answered claims ({} requests cut off)",
        created.len(),
        claimed.iter().sum::<u32>(),
        unanswered
    );
    assert!(created.len() > 100 && claimed.iter().sum::<u32>() > 100, "the load ran");
    (seeded, Answered { created, claimed })
}

/// Every answered create is there with its views, every answered claim was counted.
async fn all_there(address: &str, seeded: &[TestShare], answered: &Answered) {
    let client = reqwest::Client::new();
    for share in &answered.created {
        assert_eq!(views_left(&client, address, share).await, Some(2), "an answered create was lost");
    }
    for (share, claimed) in seeded.iter().zip(&answered.claimed) {
        let left = views_left(&client, address, share).await.unwrap();
        assert!(
            left <= u64::from(SEEDED_VIEWS - claimed),
            "{claimed} claims were answered but only {} counted",
            u64::from(SEEDED_VIEWS) - left
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn creates_and_claims_answered_before_a_kill_9_under_load_are_all_there_after_a_restart() {
    let root = tempfile::tempdir().unwrap();
    let unlimited = ["--rate-limit-create", "0", "--rate-limit-claim", "0"];
    let server = Process::start_with(root.path(), &unlimited);
    let address = server.address.clone();
    let (seeded, answered) = load_until_killed(&[address], move || server.kill()).await;
    let server = Process::start_with(root.path(), &unlimited);
    all_there(&server.address, &seeded, &answered).await;
    server.kill();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_of_three_servers_killed_under_load_loses_no_answered_write() {
    // Three processes on one PostgreSQL database; on redb there is one server, tested above.
    let Some(url) = test_database().await else { return };
    let bucket = test_blob_store().expect("servers of one database share a bucket: COFFER_TEST_S3_URL");
    let roots: Vec<tempfile::TempDir> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let secret = roots[0].path().join("server-secret");
    std::fs::write(&secret, coffer_shared::crypto::Key32::random().expose()).unwrap();
    let servers: Vec<Process> = roots
        .iter()
        .enumerate()
        .map(|(n, root)| {
            let id = format!("server-{n}");
            let args = [
                "--rate-limit-create",
                "0",
                "--rate-limit-claim",
                "0",
                "--database-url",
                url.expose(),
                "--server-id",
                &id,
                "--server-secret-file",
                secret.to_str().unwrap(),
                "--blob-store",
                bucket.expose(),
            ];
            Process::start_with(root.path(), &args)
        })
        .collect();
    let addresses: Vec<String> = servers.iter().map(|server| server.address.clone()).collect();
    let mut servers = servers.into_iter();
    let killed = servers.next().unwrap();
    let (seeded, answered) = load_until_killed(&addresses, move || killed.kill()).await;
    all_there(&addresses[2], &seeded, &answered).await;
    for server in servers {
        server.kill();
    }
}
