//! [`Outbox`]: the transport used when no SMTP relay is configured. Each message becomes one
//! RFC 5322 `.eml` file in `<data_dir>/outbox/`, for the operator to read or hand to a mail tool.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// A folder that receives one `.eml` file per message.
#[derive(Debug)]
pub struct Outbox {
    dir: PathBuf,
    sequence: AtomicU64,
}

impl Outbox {
    /// An outbox in `dir` (created on the first message).
    pub fn new(dir: PathBuf) -> Self {
        Self { dir, sequence: AtomicU64::new(0) }
    }

    /// The folder the files go to.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Writes `formatted` (a whole RFC 5322 message) to a new file and returns its path.
    ///
    /// Names are `<unix nanoseconds, 20 digits>-<sequence, 6 digits>.eml`, so sorting them by name
    /// sorts them by time, and two messages in the same nanosecond still get distinct names. The
    /// file is written under a `.tmp` name and renamed, so a reader never sees half a message.
    pub async fn write(&self, formatted: Vec<u8>) -> std::io::Result<PathBuf> {
        let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|since| since.as_nanos()).unwrap_or(0);
        let sequence = self.sequence.fetch_add(1, Ordering::Relaxed) % 1_000_000;
        let name = format!("{nanos:020}-{sequence:06}.eml");
        let dir = self.dir.clone();
        tokio::task::spawn_blocking(move || write_new(&dir, &name, &formatted))
            .await
            .map_err(std::io::Error::other)?
    }
}

fn write_new(dir: &Path, name: &str, contents: &[u8]) -> std::io::Result<PathBuf> {
    // Sign-in codes: for this user's eyes only.
    crate::owner_only::dir(dir)?;
    let temporary = dir.join(format!("{name}.tmp"));
    let path = dir.join(name);
    // An existing file is an error, never overwritten.
    let mut file = crate::owner_only::file(&temporary)?;
    file.write_all(contents)?;
    file.sync_all()?;
    std::fs::rename(&temporary, &path)?;
    Ok(path)
}
