//! Prometheus metrics (docs/deploy.md, "Metrics"), served only on `--metrics-listen`: requests
//! by route template and status, their latency, the database's commits and syncs, file bytes in
//! and out, the sweeper, mail, and what the store holds. Labels are route templates, methods,
//! statuses and outcomes: never an id, a token or an address.
//!
//! One registry per process, as client libraries keep by default: the database's commit path
//! records into it without being handed anything.

mod exporter;
mod requests;

use std::sync::LazyLock;
use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::{Registry, Unit};

pub use exporter::router;
pub use requests::record as record_request;

/// A request's method, route template and status.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    /// `GET`, `POST`, …; `OTHER` for methods the server does not serve.
    pub method: &'static str,
    /// The route template (`/api/v1/shares/{id}/claim`), `static` for the app's files, or
    /// `unmatched`.
    pub route: String,
    /// The status code.
    pub status: u16,
}

/// A request's method and route template.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteLabels {
    /// As in [`RequestLabels`].
    pub method: &'static str,
    /// As in [`RequestLabels`].
    pub route: String,
}

/// How a mail ended.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct OutcomeLabels {
    /// `sent` or `failed`.
    pub outcome: &'static str,
}

/// Every metric of the process.
pub struct Metrics {
    registry: Registry,
    /// Requests answered.
    pub requests: Family<RequestLabels, Counter>,
    /// Seconds from a request's arrival to its response's head.
    pub request_seconds: Family<RouteLabels, Histogram>,
    /// Seconds a database write takes to commit, waiting for its sync included (redb).
    pub commit_seconds: Histogram,
    /// Seconds of each durable commit: the write and `fsync` that many commits share (redb).
    pub sync_seconds: Histogram,
    /// File ciphertext bytes received in chunks that were stored.
    pub bytes_uploaded: Counter,
    /// File ciphertext bytes sent to readers.
    pub bytes_downloaded: Counter,
    /// Sweeper passes finished.
    pub sweeper_runs: Counter,
    /// Seconds each sweeper pass took.
    pub sweeper_seconds: Histogram,
    /// Mails being handed to the relay (or written to the outbox) now.
    pub mail_in_flight: Gauge,
    /// Mails by outcome.
    pub mails: Family<OutcomeLabels, Counter>,
    /// Shares stored, live or expired and not swept yet (read at each scrape).
    pub shares: Gauge,
    /// Sessions stored (read at each scrape).
    pub sessions: Gauge,
    /// Bytes unfinished uploads have reserved and not written yet (read at each scrape).
    pub upload_reserved_bytes: Gauge,
}

/// 100 µs to about 54 s, doubling.
fn seconds_buckets() -> impl Iterator<Item = f64> {
    exponential_buckets(0.0001, 2.0, 20)
}

fn timing_histogram() -> Histogram {
    Histogram::new(seconds_buckets())
}

impl Metrics {
    fn new() -> Self {
        let mut metrics = Self {
            registry: Registry::with_prefix("coffer"),
            requests: Family::default(),
            request_seconds: Family::new_with_constructor(timing_histogram),
            commit_seconds: timing_histogram(),
            sync_seconds: timing_histogram(),
            bytes_uploaded: Counter::default(),
            bytes_downloaded: Counter::default(),
            sweeper_runs: Counter::default(),
            sweeper_seconds: timing_histogram(),
            mail_in_flight: Gauge::default(),
            mails: Family::default(),
            shares: Gauge::default(),
            sessions: Gauge::default(),
            upload_reserved_bytes: Gauge::default(),
        };
        let registry = &mut metrics.registry;
        let seconds = || Unit::Seconds;
        let bytes = || Unit::Bytes;
        registry.register("http_requests", "Requests answered", metrics.requests.clone());
        registry.register_with_unit(
            "http_request_duration",
            "Time to the response head",
            seconds(),
            metrics.request_seconds.clone(),
        );
        registry.register_with_unit(
            "store_commit_duration",
            "Database write commits, the wait for their sync included (redb)",
            seconds(),
            metrics.commit_seconds.clone(),
        );
        registry.register_with_unit(
            "store_sync_duration",
            "Durable commits: the write and fsync shared by the commits before them (redb)",
            seconds(),
            metrics.sync_seconds.clone(),
        );
        registry.register_with_unit(
            "uploaded",
            "File ciphertext received in stored chunks",
            bytes(),
            metrics.bytes_uploaded.clone(),
        );
        registry.register_with_unit(
            "downloaded",
            "File ciphertext sent to readers",
            bytes(),
            metrics.bytes_downloaded.clone(),
        );
        registry.register("sweeper_runs", "Sweeper passes finished", metrics.sweeper_runs.clone());
        registry.register_with_unit(
            "sweeper_duration",
            "Sweeper passes",
            seconds(),
            metrics.sweeper_seconds.clone(),
        );
        registry.register("mail_in_flight", "Mails being sent now", metrics.mail_in_flight.clone());
        registry.register("mails", "Mails by outcome", metrics.mails.clone());
        registry.register(
            "shares",
            "Shares stored (live, or expired and not swept yet)",
            metrics.shares.clone(),
        );
        registry.register("sessions", "Sessions stored", metrics.sessions.clone());
        registry.register_with_unit(
            "upload_reserved",
            "Bytes unfinished uploads have reserved and not written",
            bytes(),
            metrics.upload_reserved_bytes.clone(),
        );
        metrics
    }

    /// Records one mail's end.
    pub fn mail(&self, sent: bool) {
        let outcome = if sent { "sent" } else { "failed" };
        self.mails.get_or_create(&OutcomeLabels { outcome }).inc();
    }
}

/// The process's metrics.
pub fn global() -> &'static Metrics {
    static METRICS: LazyLock<Metrics> = LazyLock::new(Metrics::new);
    &METRICS
}

/// `elapsed` in seconds, for a histogram.
pub fn seconds(elapsed: Duration) -> f64 {
    elapsed.as_secs_f64()
}
