//! [`Batcher`]: the busiest writes (creating and claiming shares) share one write transaction
//! and one durable commit (`docs/storage.md`, "Group commit").
//!
//! A redb write transaction costs far more than the few rows a request writes (about 190 µs
//! without an `fsync`, 330 µs with one, on the machines this project is measured on), and only
//! one can be open at a time. So requests hand their write to one thread, which takes every
//! write waiting (up to [`MAX_BATCH`]), runs them one after the other in one transaction,
//! commits it durably and then answers each. An answered write is on disk.
//!
//! Each write must leave the transaction as it found it unless it succeeds: it checks first and
//! writes only once nothing can refuse it. A write that fails with a storage error is answered
//! with it; the transaction is dropped and the others of its batch run again, without it, in a
//! new one, so one failing write cannot store another's half or fail the rest.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use redb::WriteTransaction;
use tokio::sync::{mpsc, oneshot};

use super::StoreError;
use super::group_commit::Db;

/// Most writes one transaction takes.
pub const MAX_BATCH: usize = 256;
/// Writes that may wait for the thread before new ones wait to be queued.
const QUEUE: usize = 4096;

/// A write as the thread sees it: run (again, if its batch is retried), then answered once.
trait Job: Send {
    /// Runs the write in `txn`; false if it failed (it is then answered at once).
    fn run(&mut self, txn: &WriteTransaction) -> bool;
    /// Answers with the write's result, or `failed` if its transaction was not committed.
    fn answer(self: Box<Self>, failed: Option<String>);
}

/// Runs on the writing thread after the commit of a write that succeeded, before its answer:
/// in commit order.
pub type AfterCommit<T> = Box<dyn FnOnce(&T) + Send>;

struct Work<T, F> {
    work: F,
    result: Option<Result<T, StoreError>>,
    after: Option<AfterCommit<T>>,
    reply: Option<oneshot::Sender<Result<T, StoreError>>>,
}

impl<T: Send, F: FnMut(&WriteTransaction) -> Result<T, StoreError> + Send> Job for Work<T, F> {
    fn run(&mut self, txn: &WriteTransaction) -> bool {
        let result = catch_unwind(AssertUnwindSafe(|| (self.work)(txn)))
            .unwrap_or_else(|_| Err(StoreError::Database("a write panicked".into())));
        let ok = result.is_ok();
        self.result = Some(result);
        if !ok {
            self.send(None);
        }
        ok
    }

    fn answer(mut self: Box<Self>, failed: Option<String>) {
        self.send(failed);
    }
}

impl<T, F> Work<T, F> {
    fn send(&mut self, failed: Option<String>) {
        let Some(reply) = self.reply.take() else { return };
        let answer = match (self.result.take(), failed) {
            (Some(Err(error)), _) => Err(error),
            (_, Some(error)) => Err(StoreError::Database(error)),
            (Some(Ok(value)), None) => {
                if let Some(after) = self.after.take() {
                    after(&value);
                }
                Ok(value)
            }
            (None, None) => Err(StoreError::Database("the write did not run".into())),
        };
        // A request that gave up waiting is not an error.
        let _ = reply.send(answer);
    }
}

/// The handle of the writing thread. Dropping it lets the thread finish what is queued and
/// waits for it, so that the database is closed once the last handle is gone.
pub struct Batcher {
    jobs: Option<mpsc::Sender<Box<dyn Job>>>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl Batcher {
    /// Starts the thread writing to `db`.
    pub fn start(db: Arc<Db>) -> Result<Self, StoreError> {
        let (jobs, queue) = mpsc::channel(QUEUE);
        let thread = std::thread::Builder::new()
            .name("coffer-writes".into())
            .spawn(move || run(&db, queue))
            .map_err(|error| StoreError::Database(format!("write thread: {error}")))?;
        Ok(Self { jobs: Some(jobs), thread: Mutex::new(Some(thread)) })
    }

    /// Runs `work` in the next batch's transaction and returns its result once that transaction
    /// is durably committed. `work` may run more than once (see the module's documentation):
    /// it must do the same each time and write nothing unless it returns `Ok`.
    /// `after`, if any, runs with the result once it is committed (on the writing thread, in
    /// commit order).
    pub async fn write<T, F>(&self, work: F, after: Option<AfterCommit<T>>) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnMut(&WriteTransaction) -> Result<T, StoreError> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let job: Box<dyn Job> = Box::new(Work { work, result: None, after, reply: Some(reply) });
        let closed = || StoreError::Database("the database is closed".into());
        let jobs = self.jobs.as_ref().ok_or_else(closed)?;
        jobs.send(job).await.map_err(|_| closed())?;
        answer.await.map_err(|_| closed())?
    }
}

impl Drop for Batcher {
    fn drop(&mut self) {
        drop(self.jobs.take());
        let thread = self.thread.get_mut().unwrap_or_else(|poisoned| poisoned.into_inner()).take();
        if let Some(thread) = thread {
            // A thread that panicked has stopped too; there is nothing more to do with it.
            let _ = thread.join();
        }
    }
}

/// The thread: one transaction for every write waiting, until every handle is gone.
fn run(db: &Db, mut queue: mpsc::Receiver<Box<dyn Job>>) {
    while let Some(first) = queue.blocking_recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        // A panic outside the writes themselves (in redb's commit, say) fails this batch's
        // requests (their answers are dropped) but not the thread: later writes still run.
        if catch_unwind(AssertUnwindSafe(|| commit(db, batch))).is_err() {
            tracing::error!(event = "write_batch_panicked");
        }
    }
}

/// Runs `batch` in one transaction and commits it; a write that fails is answered and left out
/// of the next try.
fn commit(db: &Db, mut batch: Vec<Box<dyn Job>>) {
    while !batch.is_empty() {
        let txn = match db.begin_durable() {
            Ok(txn) => txn,
            Err(error) => return answer_all(batch, &error.to_string()),
        };
        if let Some(failed) = batch.iter_mut().position(|job| !job.run(&txn)) {
            // Answered by `run`; the transaction is dropped with whatever the others wrote.
            drop(txn);
            batch.remove(failed);
            continue;
        }
        let started = std::time::Instant::now();
        let committed = txn.commit();
        let elapsed = crate::metrics::seconds(started.elapsed());
        crate::metrics::global().sync_seconds.observe(elapsed);
        return match committed {
            Ok(()) => {
                // Each request of the batch waited for this one commit.
                batch.iter().for_each(|_| crate::metrics::global().commit_seconds.observe(elapsed));
                batch.into_iter().for_each(|job| job.answer(None))
            }
            Err(error) => answer_all(batch, &StoreError::from(error).to_string()),
        };
    }
}

fn answer_all(batch: Vec<Box<dyn Job>>, error: &str) {
    batch.into_iter().for_each(|job| job.answer(Some(error.to_owned())));
}
