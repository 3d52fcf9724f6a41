//! [`AuditLog`]: the writer of the security event log (`docs/audit.md`, "One writer, group
//! commit").
//!
//! Events are appended in the store's batched write transactions ([`crate::store::Store`]'s
//! batch writer), one after the other, so the chains have one writer and a batch of many
//! requests' events costs one commit and one `fsync`; an answered request's events are durable.
//! A change and the events that record it can share one transaction
//! ([`crate::store::Store::insert_share`], [`crate::store::Store::claim_share`]): then both are
//! stored or neither is. After the commit each event goes to [`AuditLog::subscribe`]rs (hooks
//! for alerts and reports), in commit order, and from its request to the server's log, with its
//! chain hash.
//! Before the queue, repeats are folded ([`super::repeats`]).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use coffer_shared::api::Severity;
use coffer_shared::crypto::audit_chain::ChainKey;
use redb::WriteTransaction;
use tokio::sync::broadcast;

use super::record::{Appended, NewEvent, hex};
use super::repeats::Repeats;
use crate::http::error::ApiError;
use crate::store::{Store, StoreError};

/// Most events one transaction takes from one request (the batch writer takes many requests).
pub const MAX_BATCH: usize = 1024;
/// Committed events a slow subscriber may fall behind by before it misses some.
const SUBSCRIBER_BACKLOG: usize = 4096;

/// An event as committed: where it went and what it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Committed {
    /// Its position in the chains and its hash.
    pub at: Appended,
    /// The event.
    pub event: NewEvent,
}

/// Why events were not recorded.
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    /// The log is closed (the server is shutting down).
    #[error("the audit log is closed")]
    Closed,
    /// The transaction failed.
    #[error("audit write failed: {0}")]
    Write(String),
}

impl From<AuditError> for ApiError {
    fn from(error: AuditError) -> Self {
        Self::Internal(error.to_string())
    }
}

/// What a write transaction needs to append events, and to announce them once committed.
#[derive(Clone)]
pub struct Sink {
    key: Arc<ChainKey>,
    committed: broadcast::Sender<Arc<Committed>>,
}

impl Sink {
    /// Appends events hashed with `key`; nobody is told of them but the server's log.
    pub fn new(key: ChainKey) -> Self {
        Self { key: Arc::new(key), committed: broadcast::channel(1).0 }
    }

    /// Appends `events` in `txn` to the server's chain and their accounts' chains, after the
    /// heads stored there.
    pub fn append(
        &self,
        txn: &WriteTransaction,
        events: Vec<NewEvent>,
    ) -> Result<Vec<Arc<Committed>>, StoreError> {
        let appended = crate::store::append_audit_in(txn, &events, &self.key)?;
        Ok(Self::committed(events, appended))
    }

    /// The key the events are hashed with, for a backend that links them itself.
    pub(crate) fn key(&self) -> &ChainKey {
        &self.key
    }

    /// `events` as they were appended, at `appended` (in the same order).
    pub fn committed(events: Vec<NewEvent>, appended: Vec<Appended>) -> Vec<Arc<Committed>> {
        events.into_iter().zip(appended).map(|(event, at)| Arc::new(Committed { at, event })).collect()
    }

    /// After the commit, on the writing thread (so in commit order): each event to the
    /// subscribers.
    pub fn announce(&self, committed: &[Arc<Committed>]) {
        for event in committed {
            // No subscriber is not an error.
            let _ = self.committed.send(Arc::clone(event));
        }
    }

    /// Each committed event to the server's log, from the request that recorded it (within its
    /// span, off the writing thread).
    pub fn log(committed: &[Arc<Committed>]) {
        committed.iter().for_each(|event| trace(event));
    }
}

/// The log's handle. Cheap to share behind an `Arc`.
pub struct AuditLog {
    store: Store,
    sink: Sink,
    closed: AtomicBool,
    repeats: Mutex<Repeats>,
}

impl AuditLog {
    /// Appends to `store`, hashing with `key`.
    pub fn start(store: Store, key: ChainKey) -> std::io::Result<Self> {
        let sink = Sink { key: Arc::new(key), committed: broadcast::channel(SUBSCRIBER_BACKLOG).0 };
        Ok(Self { store, sink, closed: AtomicBool::new(false), repeats: Mutex::default() })
    }

    fn repeats(&self) -> MutexGuard<'_, Repeats> {
        self.repeats.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Appends `events` (in this order, in one transaction) and waits until they are committed;
    /// returns what was committed. A repeat inside an open window is only counted (nothing is
    /// committed for it); the aggregates of windows closed by then go first.
    pub async fn append(&self, events: Vec<NewEvent>) -> Result<Vec<Arc<Committed>>, AuditError> {
        let events = self.repeats().take(events);
        self.write(events).await
    }

    /// Writes the aggregates of the windows closed at `now` (the sweeper calls it, so that a
    /// count does not wait for the next event).
    pub async fn close_windows(&self, now: u64) -> Result<Vec<Arc<Committed>>, AuditError> {
        let due = self.repeats().due(now);
        self.write(due).await
    }

    /// For a change that records its events in its own transaction: where they go. Its events
    /// are never folded (only downloads and share openings are).
    pub fn sink(&self) -> Result<Sink, AuditError> {
        if self.closed.load(Ordering::SeqCst) {
            return Err(AuditError::Closed);
        }
        Ok(self.sink.clone())
    }

    async fn write(&self, events: Vec<NewEvent>) -> Result<Vec<Arc<Committed>>, AuditError> {
        let sink = self.sink()?;
        if events.is_empty() {
            return Ok(Vec::new());
        }
        let committed = self
            .store
            .append_audit(events, sink)
            .await
            .map_err(|error| AuditError::Write(error.to_string()))?;
        Sink::log(&committed);
        Ok(committed)
    }

    /// Every event from now on, after its commit, in `seq` order. A subscriber that falls more
    /// than 4096 events behind misses some (it is told so by the channel).
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Committed>> {
        self.sink.committed.subscribe()
    }

    /// Writes the aggregates of every open window and closes the log: later appends fail with
    /// [`AuditError::Closed`].
    pub async fn stop(&self) {
        let open = self.repeats().drain();
        if let Err(error) = self.write(open).await {
            tracing::error!(event = "audit_write_failed", %error);
        }
        self.closed.store(true, Ordering::SeqCst);
    }
}

/// The event in the server's log: `event = "<type>"`, INFO or WARN by severity, with `chain`,
/// the head of the server's chain at this event as `SEQ:HASH` (`verify --log` reads it). `event`
/// and `seq` come before `chain`, and are the server's own words and numbers.
fn trace(committed: &Committed) {
    let event = &committed.event;
    let detail = serde_json::to_string(&event.detail).unwrap_or_default();
    let account = event.account.as_ref().map(|account| account.as_str());
    let (session, ip) = (event.session.as_deref(), event.origin.ip.as_deref());
    let seq = committed.at.seq;
    let chain = format!("{seq}:{}", hex(&committed.at.hash));
    match event.kind.severity() {
        Severity::Info => {
            tracing::info!(event = event.kind.as_str(), seq, %chain, account, session, ip, %detail);
        }
        Severity::Warning => {
            tracing::warn!(event = event.kind.as_str(), seq, %chain, account, session, ip, %detail);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    use coffer_shared::id::AccountId;

    use super::*;
    use crate::audit::event::{Event, SigninFailure};
    use crate::audit::record::Origin;

    /// A log sink the test can read back.
    #[derive(Clone, Default)]
    struct Sink(Arc<Mutex<Vec<u8>>>);

    impl Write for Sink {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_committed_event_is_a_log_line_with_its_type_as_event() {
        let sink = Sink::default();
        let writer = sink.clone();
        let subscriber = tracing_subscriber::fmt().json().with_writer(move || writer.clone()).finish();
        let event = Event::SigninFailed(SigninFailure::WrongPassphrase { tries_left: 2 });
        let origin = Origin { ip: Some("192.0.2.1".into()), user_agent: Some("agent".into()), place: None };
        let account = AccountId::from_bytes([1; 16]);
        let new = NewEvent::new(5, &event, Some(account), None, origin);
        let committed =
            Committed { at: Appended { seq: 41, account_seq: Some(2), hash: [0xab; 32] }, event: new };
        tracing::subscriber::with_default(subscriber, || trace(&committed));
        let line: serde_json::Value = serde_json::from_slice(&sink.0.lock().unwrap()).unwrap();
        assert_eq!(line["level"], "WARN");
        let fields = &line["fields"];
        assert_eq!(fields["event"], "signin_failed");
        assert_eq!(fields["seq"], 41);
        assert_eq!(fields["chain"], format!("41:{}", "ab".repeat(32)));
        assert_eq!(line["target"], crate::audit::log_head::TARGET);
        assert_eq!(fields["account"], "AQEBAQEBAQEBAQEBAQEBAQ");
        assert_eq!(fields["ip"], "192.0.2.1");
        assert_eq!(fields["detail"], r#"{"reason":"wrong_passphrase","tries_left":2}"#);
        assert!(fields.get("user_agent").is_none(), "the user agent stays in the database");
    }

    #[test]
    fn verify_finds_the_head_in_the_text_log_with_or_without_colours() {
        for ansi in [false, true] {
            let sink = Sink::default();
            let writer = sink.clone();
            let subscriber =
                tracing_subscriber::fmt().with_ansi(ansi).with_writer(move || writer.clone()).finish();
            let event = Event::SignedOut;
            let new = NewEvent::new(5, &event, None, Some("session".into()), Origin::default());
            let committed =
                Committed { at: Appended { seq: 7, account_seq: None, hash: [0xcd; 32] }, event: new };
            tracing::subscriber::with_default(subscriber, || trace(&committed));
            let text = sink.0.lock().unwrap().clone();
            let head = crate::audit::log_head::last_head(text.as_slice()).unwrap();
            assert_eq!(
                head.map(|head| (head.seq, head.hash)),
                Some((7, [0xcd; 32])),
                "{}",
                String::from_utf8_lossy(&text)
            );
        }
    }
}
