//! [`AuditLog`]: the one writer of the security event log, with group commit (`docs/audit.md`,
//! "One writer, group commit").
//!
//! Requests hand their events to a dedicated thread and wait. The thread takes every event
//! waiting (up to [`MAX_BATCH`]), appends them in one redb transaction, commits, then answers
//! each request. One commit, one `fsync`, serves every event of the batch, so throughput rises
//! with concurrency, and an answered request's events are durable. After the commit each event
//! also goes to the server's log, with its chain hash, and to [`AuditLog::subscribe`]rs (hooks
//! for alerts and reports). Before the queue, repeats are folded ([`super::repeats`]).

use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;

use coffer_shared::api::Severity;
use coffer_shared::crypto::audit_chain::ChainKey;
use tokio::sync::{broadcast, mpsc, oneshot};

use super::record::{Appended, NewEvent, hex};
use super::repeats::Repeats;
use crate::http::error::ApiError;
use crate::store::Store;

/// Most events one transaction takes.
pub const MAX_BATCH: usize = 1024;
/// Requests that may wait for the writer before new ones wait to be queued.
const QUEUE: usize = 16_384;
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

type Reply = oneshot::Sender<Result<Vec<Arc<Committed>>, String>>;

enum Job {
    Append(Vec<NewEvent>, Reply),
    Stop(oneshot::Sender<()>),
}

/// Why events were not recorded.
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    /// The writer has stopped (the server is shutting down).
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

/// The handle of the writer thread. Cheap to share behind an `Arc`.
pub struct AuditLog {
    jobs: mpsc::Sender<Job>,
    worker: Mutex<Option<JoinHandle<()>>>,
    committed: broadcast::Sender<Arc<Committed>>,
    repeats: Mutex<Repeats>,
}

impl AuditLog {
    /// Starts the writer thread over `store`, hashing with `key`.
    pub fn start(store: Store, key: ChainKey) -> std::io::Result<Self> {
        let (jobs, queue) = mpsc::channel(QUEUE);
        let (committed, _) = broadcast::channel(SUBSCRIBER_BACKLOG);
        let notify = committed.clone();
        let worker = std::thread::Builder::new()
            .name("coffer-audit".into())
            .spawn(move || run(store, key, queue, notify))?;
        Ok(Self { jobs, worker: Mutex::new(Some(worker)), committed, repeats: Mutex::default() })
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

    async fn write(&self, events: Vec<NewEvent>) -> Result<Vec<Arc<Committed>>, AuditError> {
        if events.is_empty() {
            return Ok(Vec::new());
        }
        let (reply, answer) = oneshot::channel();
        self.jobs.send(Job::Append(events, reply)).await.map_err(|_| AuditError::Closed)?;
        let committed = answer.await.map_err(|_| AuditError::Closed)?.map_err(AuditError::Write)?;
        committed.iter().for_each(|event| trace(event));
        Ok(committed)
    }

    /// Every event from now on, after its commit, in `seq` order. A subscriber that falls more
    /// than 4096 events behind misses some (it is told so by the channel).
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Committed>> {
        self.committed.subscribe()
    }

    /// Writes the aggregates of every open window, commits what is queued, stops the thread and
    /// waits for it, so the database can close. Later appends fail with [`AuditError::Closed`].
    pub async fn stop(&self) {
        let open = self.repeats().drain();
        if let Err(error) = self.write(open).await {
            tracing::error!(event = "audit_write_failed", %error);
        }
        let (reply, done) = oneshot::channel();
        if self.jobs.send(Job::Stop(reply)).await.is_ok() {
            // The writer answers after it has let go of the database.
            let _ = done.await;
        }
        let worker = self.worker.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).take();
        if let Some(worker) = worker {
            // A writer that panicked has stopped too; there is nothing more to do with it.
            let _ = tokio::task::spawn_blocking(move || worker.join()).await;
        }
    }
}

/// The writer thread: batches jobs until told to stop or every handle is gone.
fn run(
    store: Store,
    key: ChainKey,
    mut queue: mpsc::Receiver<Job>,
    notify: broadcast::Sender<Arc<Committed>>,
) {
    let mut stop = None;
    while let Some(first) = queue.blocking_recv() {
        let mut batch: Vec<(Vec<NewEvent>, Reply)> = Vec::new();
        let mut size = 0;
        let mut next = Some(first);
        while let Some(job) = next.take() {
            match job {
                Job::Append(events, reply) => {
                    size += events.len();
                    batch.push((events, reply));
                }
                Job::Stop(reply) => {
                    stop = Some(reply);
                    break;
                }
            }
            if size < MAX_BATCH {
                next = queue.try_recv().ok();
            }
        }
        commit(&store, &key, batch, &notify);
        if stop.is_some() {
            break;
        }
    }
    drop(store);
    if let Some(reply) = stop {
        let _ = reply.send(());
    }
}

/// Appends a batch in one transaction and answers each job with its own events.
fn commit(
    store: &Store,
    key: &ChainKey,
    batch: Vec<(Vec<NewEvent>, Reply)>,
    notify: &broadcast::Sender<Arc<Committed>>,
) {
    if batch.is_empty() {
        return;
    }
    let (lists, replies): (Vec<Vec<NewEvent>>, Vec<Reply>) = batch.into_iter().unzip();
    let counts: Vec<usize> = lists.iter().map(Vec::len).collect();
    let events: Vec<NewEvent> = lists.into_iter().flatten().collect();
    match store.append_audit(&events, key) {
        Ok(appended) => {
            let mut committed =
                events.into_iter().zip(appended).map(|(event, at)| Arc::new(Committed { at, event }));
            for (reply, count) in replies.into_iter().zip(counts) {
                let mine: Vec<Arc<Committed>> = committed.by_ref().take(count).collect();
                for event in &mine {
                    // No subscriber is not an error.
                    let _ = notify.send(Arc::clone(event));
                }
                let _ = reply.send(Ok(mine));
            }
        }
        Err(error) => {
            let error = error.to_string();
            for reply in replies {
                let _ = reply.send(Err(error.clone()));
            }
        }
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
