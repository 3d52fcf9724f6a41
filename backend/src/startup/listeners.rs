//! The limits every listener keeps (the application's, over HTTP or HTTPS, and the redirect
//! and metrics listeners): a client that connects and stalls is dropped, and a stop
//! waits for requests in flight only so long.

use std::time::Duration;

use axum::Router;
use axum_server::{Address, Handle, Server};
use tokio::net::TcpListener;

/// A connection must send its first request within this, and each request's head within it.
pub const HEAD_TIMEOUT: Duration = Duration::from_secs(10);
/// HTTP/2: a ping after this much silence, and the connection dropped if it goes unanswered
/// for [`HEAD_TIMEOUT`].
const KEEP_ALIVE: Duration = Duration::from_secs(30);
/// How long a stop lets requests in flight finish (a download, say) before it drops them.
pub const GRACE: Duration = Duration::from_secs(30);

/// `server` with the timeouts above, stopping gracefully when `signal` completes.
pub fn bounded<A, Acc>(
    mut server: Server<A, Acc>,
    signal: impl Future<Output = ()> + Send + 'static,
) -> Server<A, Acc>
where
    A: Address + Send + 'static,
{
    let builder = server.http_builder();
    builder.http1().header_read_timeout(HEAD_TIMEOUT);
    builder.http2().keep_alive_interval(KEEP_ALIVE).keep_alive_timeout(HEAD_TIMEOUT);
    let handle = Handle::<A>::new();
    let stopper = handle.clone();
    tokio::spawn(async move {
        signal.await;
        stopper.graceful_shutdown(Some(GRACE));
    });
    server.first_request_timeout(HEAD_TIMEOUT).handle(handle)
}

/// Serves `router` over plain HTTP on `listener` with the same limits until `signal`.
pub async fn serve_plain(
    listener: TcpListener,
    router: Router,
    signal: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let server = axum_server::from_tcp(listener.into_std()?)?;
    bounded(server, signal).serve(router.into_make_service()).await
}
