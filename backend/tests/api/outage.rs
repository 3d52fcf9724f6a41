//! The database going away under a running server (PostgreSQL restarting, failing over, the
//! network dropping): requests are answered 503 with `Retry-After`, never 500, nothing half
//! done, and the server serves again by itself once the database is back. The outage is a
//! proxy between the server and PostgreSQL that drops every connection and refuses new ones, so
//! the other tests' database keeps running. On redb there is no database to lose: the test
//! checks nothing there.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Mutex;
use tokio::task::JoinSet;

use crate::helpers::{TestShare, spawn_app_with, test_database};

/// A TCP proxy to PostgreSQL that can be cut.
struct Proxy {
    address: SocketAddr,
    up: Arc<AtomicBool>,
    links: Arc<Mutex<JoinSet<()>>>,
}

impl Proxy {
    async fn to(upstream: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let up = Arc::new(AtomicBool::new(true));
        let links = Arc::new(Mutex::new(JoinSet::new()));
        let (accepting, tasks) = (up.clone(), links.clone());
        tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                if !accepting.load(Ordering::SeqCst) {
                    drop(client); // refused: closed before PostgreSQL's first byte
                    continue;
                }
                tasks.lock().await.spawn(async move {
                    if let Ok(mut server) = TcpStream::connect(upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                });
            }
        });
        Self { address, up, links }
    }

    /// Drops every connection and refuses new ones.
    async fn cut(&self) {
        self.up.store(false, Ordering::SeqCst);
        self.links.lock().await.abort_all();
    }

    fn restore(&self) {
        self.up.store(true, Ordering::SeqCst);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_lost_database_is_503_with_retry_after_and_the_server_recovers_by_itself() {
    let Some(direct) = test_database().await else { return };
    let url = url::Url::parse(direct.expose()).unwrap();
    let upstream: SocketAddr =
        format!("{}:{}", url.host_str().unwrap(), url.port().unwrap()).parse().unwrap();
    let proxy = Proxy::to(upstream).await;
    let mut through = url.clone();
    through.set_port(Some(proxy.address.port())).unwrap();
    let app =
        spawn_app_with(|settings| settings.database_url = Some(through.as_str().parse().unwrap())).await;
    let before = TestShare::new("stored before", 2);
    app.create(&before).await;

    proxy.cut().await;
    let during = TestShare::new("refused during", 1);
    let body = serde_json::to_value(&during.request).unwrap();
    for _ in 0..3 {
        let answers = [
            app.post("/api/v1/shares", &body).await,
            app.claim(&before, &before.request.access_token).await,
            app.client.get(format!("{}/healthz", app.address)).send().await.unwrap(),
        ];
        let ready = app.client.get(format!("{}/readyz", app.address)).send().await.unwrap();
        assert_eq!(ready.status(), 503);
        assert_eq!(ready.json::<serde_json::Value>().await.unwrap()["status"], "unready");
        for answer in answers {
            assert_eq!(answer.status(), 503, "{}", answer.url());
            assert_eq!(answer.headers()["retry-after"], "2");
            let body: serde_json::Value = answer.json().await.unwrap();
            assert_eq!(body["code"], "unavailable");
        }
    }

    proxy.restore();
    // The pool connects again on the next request: no restart, no request refused once it is up.
    app.create(&during).await;
    let claimed = app.claim(&before, &before.request.access_token).await;
    assert_eq!(claimed.status(), 200, "the claims refused during the outage spent no view");
    let second = app.claim(&before, &before.request.access_token).await;
    assert_eq!(second.status(), 200);
    assert_eq!(app.claim(&before, &before.request.access_token).await.status(), 404);
    assert_eq!(app.claim(&during, &during.request.access_token).await.status(), 200);
}
