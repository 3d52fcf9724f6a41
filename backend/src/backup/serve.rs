//! The server's side of a backup: `<data-dir>/backup.sock`, a Unix socket only the server's
//! own user and root may use, which answers a backup request with one consistent snapshot
//! (`docs/backup.md`). The rows come from one read transaction; the chunks are those it
//! records, read back and checked against their SHA-256. While a backup runs the sweep
//! deletes no blob ([`AppState::blob_deletions`]), so every chunk the snapshot names is there.

use std::future::Future;
use std::io::{BufWriter, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{UnixListener, UnixStream};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::tables::all;
use super::wire::{self, REQUEST, Summary};
use super::{BackupError, SOCKET};
use crate::audit::keyed;
use crate::state::AppState;
use crate::store::redb::recorded::checked;
use crate::store::{RedbStore, Store};

/// How long a command may take to send its request.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a command may leave the stream unread before the server gives up on it: a backup
/// stops blob deletions, so a stalled one must not stop them for good.
const STALL_TIMEOUT: Duration = Duration::from_secs(60);
/// What a command must read in every [`STALL_TIMEOUT`]: one that reads a byte a minute would
/// otherwise hold the blobs (and an old read transaction) for ever.
const MIN_PACE: u64 = 1 << 20;

/// Binds `<data_dir>/backup.sock` with mode 0600, replacing the socket a killed server left
/// (the caller holds the database's lock: no other server uses this folder).
pub fn bind(data_dir: &Path) -> std::io::Result<UnixListener> {
    let path = data_dir.join(SOCKET);
    match std::fs::remove_file(&path) {
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => return Err(error),
        _ => {}
    }
    let listener = UnixListener::bind(&path)?;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
    Ok(listener)
}

/// Answers backup requests until `until` completes; then stops the backups under way, waits
/// for them and removes the socket.
pub async fn serve(listener: UnixListener, state: AppState, until: impl Future<Output = ()>) {
    let Store::Redb(store) = state.store.clone() else { return };
    let (stop, stopping) = tokio::sync::watch::channel(false);
    let one_at_a_time = Arc::new(Semaphore::new(1));
    let mut running = JoinSet::new();
    tokio::pin!(until);
    loop {
        let accepted = tokio::select! {
            () = &mut until => break,
            accepted = listener.accept() => accepted,
        };
        match accepted {
            Ok((stream, _)) => {
                let job = Job { store: store.clone(), state: state.clone(), stopping: stopping.clone() };
                running.spawn(answer(stream, job, Arc::clone(&one_at_a_time)));
            }
            Err(error) => tracing::warn!(event = "backup_accept_failed", %error),
        }
        while running.try_join_next().is_some() {}
    }
    let _ = stop.send(true);
    while running.join_next().await.is_some() {}
    let _ = std::fs::remove_file(state.settings.data_dir.join(SOCKET));
}

/// What a backup reads from.
struct Job {
    store: RedbStore,
    state: AppState,
    /// Turns true when the server stops: the backup ends at its next row or chunk, and a
    /// write it is blocked in fails at once (its socket is shut).
    stopping: tokio::sync::watch::Receiver<bool>,
}

async fn answer(mut stream: UnixStream, job: Job, one_at_a_time: Arc<Semaphore>) {
    let peer = stream.peer_cred().map(|peer| peer.uid());
    let own = rustix::process::geteuid().as_raw();
    match peer {
        Ok(uid) if uid == own || uid == 0 => {}
        Ok(uid) => {
            return tracing::warn!(event = "backup_refused", uid, "a backup was asked by another user");
        }
        Err(error) => return tracing::warn!(event = "backup_refused", %error),
    }
    let mut request = [0; REQUEST.len()];
    let read = tokio::time::timeout(REQUEST_TIMEOUT, stream.read_exact(&mut request)).await;
    if !matches!(read, Ok(Ok(_))) || request != REQUEST {
        return refuse(stream, "not a backup request (this socket answers `coffer-server backup`)").await;
    }
    let Ok(permit) = one_at_a_time.try_acquire_owned() else {
        return refuse(stream, "another backup is being taken: try again when it is done").await;
    };
    let hold = Arc::clone(&job.state.blob_deletions).read_owned().await;
    let stream = match stream.into_std().and_then(|stream| {
        stream.set_nonblocking(false)?;
        stream.set_write_timeout(Some(STALL_TIMEOUT))?;
        Ok(stream)
    }) {
        Ok(stream) => stream,
        Err(error) => return tracing::warn!(event = "backup_failed", %error),
    };
    let (shutter, mut stopping) = (stream.try_clone(), job.stopping.clone());
    let started = Instant::now();
    let mut sending = tokio::task::spawn_blocking(move || {
        let _held = (permit, hold);
        send(&job, stream)
    });
    let sent = tokio::select! {
        sent = &mut sending => sent,
        () = async move {
            let _ = stopping.wait_for(|stop| *stop).await;
        } => {
            if let Ok(shutter) = shutter {
                let _ = shutter.shutdown(std::net::Shutdown::Both);
            }
            sending.await
        }
    };
    let elapsed_ms = started.elapsed().as_millis() as u64;
    match sent {
        Ok(Ok(summary)) => tracing::info!(
            event = "backup_sent",
            rows = summary.tables.values().sum::<u64>(),
            chunks = summary.chunks,
            bytes = summary.bytes,
            elapsed_ms,
        ),
        Ok(Err(error)) => tracing::warn!(event = "backup_failed", %error, elapsed_ms),
        Err(error) => tracing::error!(event = "backup_failed", %error, elapsed_ms),
    }
}

async fn refuse(mut stream: UnixStream, message: &str) {
    let mut frame = Vec::new();
    if wire::failed(&mut frame, message).is_ok() {
        let _ = stream.write_all(&frame).await;
    }
}

/// Streams the snapshot, ending with `E`, or with `X` when it cannot finish.
fn send(job: &Job, stream: std::os::unix::net::UnixStream) -> Result<Summary, BackupError> {
    let mut out = BufWriter::with_capacity(1 << 20, Paced { stream, since: Instant::now(), written: 0 });
    let sent = snapshot(job, &mut out).and_then(|summary| {
        wire::end(&mut out, &summary)?;
        out.flush()?;
        Ok(summary)
    });
    if let Err(error) = &sent {
        let _ = wire::failed(&mut out, &error.to_string());
        let _ = out.flush();
    }
    sent
}

fn snapshot(job: &Job, out: &mut impl Write) -> Result<Summary, BackupError> {
    let stopped = || {
        if *job.stopping.borrow() {
            Err(BackupError::Refused("the server is stopping".into()))
        } else {
            Ok(())
        }
    };
    let read = job.store.read()?;
    let mut summary = Summary { taken_at: job.state.clock.now(), ..Summary::default() };
    for table in all() {
        stopped()?;
        wire::table(out, table.name())?;
        let mut rows = 0;
        table.each_row(&read, &mut |key, value| {
            stopped()?;
            rows += 1;
            Ok(wire::row(out, key, value)?)
        })?;
        summary.tables.insert(table.name().to_owned(), rows);
    }
    let settings = &job.state.settings;
    let chunks = checked(&read, &settings.blob_dir())?;
    drop(read);
    let secret = settings
        .server_secret_file
        .clone()
        .unwrap_or_else(|| settings.data_dir.join(crate::secret::FILE_NAME));
    wire::file(out, crate::secret::FILE_NAME, &std::fs::read(&secret)?)?;
    match std::fs::read(settings.data_dir.join(keyed::FILE_NAME)) {
        Ok(bytes) => wire::file(out, keyed::FILE_NAME, &bytes)?,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
        Err(error) => return Err(error.into()),
    }
    for read_chunk in chunks {
        stopped()?;
        let (chunk, body, _) = read_chunk.map_err(|error| BackupError::Mismatch(error.message))?;
        wire::chunk(out, &chunk.file, chunk.offset, &body)?;
        summary.chunks += 1;
        summary.bytes += chunk.len;
    }
    Ok(summary)
}

/// The socket, failing once a whole [`STALL_TIMEOUT`] went by with less than [`MIN_PACE`]
/// read from it.
struct Paced {
    stream: std::os::unix::net::UnixStream,
    since: Instant,
    written: u64,
}

impl Write for Paced {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        if self.since.elapsed() >= STALL_TIMEOUT {
            if self.written < MIN_PACE {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    "the command reads the backup too slowly: given up",
                ));
            }
            (self.since, self.written) = (Instant::now(), 0);
        }
        let written = self.stream.write(bytes)?;
        self.written += written as u64;
        Ok(written)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.stream.flush()
    }
}
