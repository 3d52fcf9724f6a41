//! Load benchmark: creates and claims per second against a running server on loopback.
//!
//! ```text
//! cargo run --release -p coffer-backend --example load -- http://127.0.0.1:8080[,http://...] [seconds] [concurrency] [shares]
//! ```
//!
//! Start the server with the rate limits off (`--rate-limit-create 0 --rate-limit-claim 0`).
//! Several servers of one cluster, comma-separated, take the requests in turn. Only loopback
//! addresses are accepted, and each phase stops after `seconds`, creating stops early once
//! `shares` (default 50,000) are created.

#![allow(clippy::print_stdout, clippy::unwrap_used)] // a benchmark prints its numbers

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use coffer_shared::api::{ClaimRequest, CreateShareRequest};
use coffer_shared::b64;
use coffer_shared::crypto::Key32;
use coffer_shared::crypto::envelope::{Header, Kind};
use coffer_shared::crypto::share::{SharePayload, seal_with_header};
use coffer_shared::id::ShareId;
use coffer_shared::token::{AccessToken, ManageToken, StatusToken};

/// One sealed share ready to send, with the body that claims it.
fn share(max_views: u32) -> (CreateShareRequest, ClaimRequest) {
    let id = ShareId::random();
    let key = Key32::random();
    let payload = SharePayload {
        text: "a typical secret: an API key of about forty characters".into(),
        blur: false,
        files: Vec::new(),
    };
    let sealed = seal_with_header(&key, &id, &payload, Header::new(Kind::ShareText, None), None);
    let claim = ClaimRequest {
        status_token: StatusToken::from_key(&sealed.status_token),
        access_token: AccessToken::from_key(&sealed.access_token),
    };
    let request = CreateShareRequest {
        id,
        envelope: b64::encode(&sealed.envelope),
        access_token: claim.access_token.clone(),
        status_token: StatusToken::from_key(&sealed.status_token),
        manage_token: ManageToken::from_key(&Key32::random()),
        expires_in: 3600,
        max_views,
        read_receipt: false,
        files: Vec::new(),
        note: None,
        link: None,
    };
    (request, claim)
}

struct Phase {
    done: AtomicUsize,
    failed: AtomicUsize,
    latencies: std::sync::Mutex<Vec<Duration>>,
}

async fn run_phase<F, Fut>(name: &str, seconds: u64, concurrency: usize, work: F)
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = Option<bool>> + Send,
{
    let phase = Arc::new(Phase {
        done: AtomicUsize::new(0),
        failed: AtomicUsize::new(0),
        latencies: Default::default(),
    });
    let work = Arc::new(work);
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let workers: Vec<_> = (0..concurrency)
        .map(|worker| {
            let (phase, work) = (Arc::clone(&phase), Arc::clone(&work));
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                let mut round = 0;
                while Instant::now() < deadline {
                    let begun = Instant::now();
                    // `None`: nothing left to send (the pool of prepared shares ran out).
                    let Some(ok) = work(worker * 1_000_000 + round).await else { break };
                    latencies.push(begun.elapsed());
                    let counter = if ok { &phase.done } else { &phase.failed };
                    counter.fetch_add(1, Ordering::Relaxed);
                    round += 1;
                }
                phase.latencies.lock().unwrap_or_else(|e| e.into_inner()).extend(latencies);
            })
        })
        .collect();
    for worker in workers {
        let _ = worker.await;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let mut latencies = std::mem::take(&mut *phase.latencies.lock().unwrap_or_else(|e| e.into_inner()));
    latencies.sort();
    let percentile =
        |p: f64| latencies.get(((latencies.len() as f64 - 1.0) * p) as usize).copied().unwrap_or_default();
    let done = phase.done.load(Ordering::Relaxed);
    println!(
        "{name}: {done} ok, {} failed in {elapsed:.1} s = {:.0} req/s (p50 {:.1} ms, p99 {:.1} ms, {concurrency} concurrent)",
        phase.failed.load(Ordering::Relaxed),
        done as f64 / elapsed,
        percentile(0.5).as_secs_f64() * 1000.0,
        percentile(0.99).as_secs_f64() * 1000.0,
    );
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let bases: Vec<String> =
        args.get(1).map_or("http://127.0.0.1:8080", String::as_str).split(',').map(Into::into).collect();
    for base in &bases {
        let host = base.trim_start_matches("http://").split([':', '/']).next().unwrap_or_default();
        assert!(
            host == "127.0.0.1" || host == "localhost" || host == "[::1]",
            "load tests only target loopback"
        );
    }
    let bases = Arc::new(bases);
    let seconds: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(10);
    let concurrency: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(32);
    let shares: usize = args.get(4).and_then(|s| s.parse().ok()).unwrap_or(50_000);
    let client = reqwest::Client::new();

    let pool: Arc<Vec<(CreateShareRequest, ClaimRequest)>> =
        Arc::new((0..shares).map(|_| share(100)).collect());
    let (b, c, p) = (Arc::clone(&bases), client.clone(), Arc::clone(&pool));
    let next = Arc::new(AtomicUsize::new(0));
    let n = Arc::clone(&next);
    run_phase("create", seconds, concurrency, move |_| {
        let (b, c, p, n) = (Arc::clone(&b), c.clone(), Arc::clone(&p), Arc::clone(&n));
        async move {
            let index = n.fetch_add(1, Ordering::Relaxed);
            let (request, _) = p.get(index)?;
            let url = format!("{}/api/v1/shares", b[index % b.len()]);
            Some(c.post(&url).json(request).send().await.is_ok_and(|r| r.status() == 201))
        }
    })
    .await;

    let created = next.load(Ordering::Relaxed).min(pool.len());
    assert!(created > 0, "no share was created");
    let next_claim = Arc::new(AtomicUsize::new(0));
    let (c, p) = (client.clone(), Arc::clone(&pool));
    run_phase("claim", seconds, concurrency, move |_| {
        let (c, p, next_claim, b) = (c.clone(), Arc::clone(&p), Arc::clone(&next_claim), Arc::clone(&bases));
        async move {
            // Round-robin over the created shares, 100 views each, and over the servers.
            let turn = next_claim.fetch_add(1, Ordering::Relaxed);
            let (request, claim) = &p[turn % created];
            let url = format!("{}/api/v1/shares/{}/claim", b[turn % b.len()], request.id);
            Some(c.post(&url).json(claim).send().await.is_ok_and(|r| r.status() == 200))
        }
    })
    .await;
}
