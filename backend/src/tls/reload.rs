//! Reading the certificate again: when either file's modification time or size changes (checked
//! every [`POLL`]), and on SIGHUP. A pair that does not load (a renewal half written, a key of
//! another certificate) is logged and the certificate served before stays.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use super::{CurrentCertificate, TlsFiles, load};

/// How often the files are looked at.
pub const POLL: Duration = Duration::from_secs(2);

type Stamp = Option<(SystemTime, u64)>;

fn stamp(path: &std::path::Path) -> Stamp {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.modified().ok()?, meta.len()))
}

fn stamps(files: &TlsFiles) -> (Stamp, Stamp) {
    (stamp(&files.cert), stamp(&files.key))
}

/// Waits for SIGHUP; never, where there are no such signals.
struct Hangup(#[cfg(unix)] Option<tokio::signal::unix::Signal>);

impl Hangup {
    fn new() -> Self {
        #[cfg(unix)]
        return Self(tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()).ok());
        #[cfg(not(unix))]
        Self()
    }

    async fn recv(&mut self) {
        #[cfg(unix)]
        if let Some(signal) = &mut self.0 {
            signal.recv().await;
            return;
        }
        std::future::pending::<()>().await;
    }
}

/// Runs until the task is aborted, replacing `current` whenever the files change.
pub async fn watch(files: TlsFiles, current: Arc<CurrentCertificate>) {
    let mut hangup = Hangup::new();
    let mut seen = stamps(&files);
    let mut tick = tokio::time::interval(POLL);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        let cause = tokio::select! {
            _ = tick.tick() => {
                let now = stamps(&files);
                if now == seen {
                    continue;
                }
                seen = now;
                "changed"
            }
            () = hangup.recv() => "sighup",
        };
        let read = files.clone();
        match tokio::task::spawn_blocking(move || load(&read)).await {
            Ok(Ok(certified)) => {
                current.replace(certified);
                tracing::info!(event = "tls_reloaded", cause, "the TLS certificate was read again");
            }
            Ok(Err(error)) => {
                tracing::warn!(event = "tls_reload_failed", cause, %error, "the TLS certificate served before stays");
            }
            Err(error) => tracing::warn!(event = "tls_reload_failed", cause, %error),
        }
    }
}
