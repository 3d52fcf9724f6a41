//! Backups of a running single-machine installation (`docs/backup.md`).
//!
//! - [`serve`]: the server's side, a Unix socket in the data folder that streams one
//!   consistent snapshot: every table's rows from one read transaction, then the recorded
//!   chunks of the blobs, deleted by no sweep while it runs.
//! - [`take`]: `coffer-server backup --to DIR`, which writes that stream into a folder.
//! - [`restore`]: `coffer-server restore --from DIR --data-dir DIR`.
//! - [`check`]: what both check before they call a folder good; [`manifest`] what they agree on.
//! - [`tables`] and [`wire`]: the tables copied, and the stream's frames.

pub mod check;
pub mod cli;
pub mod manifest;
pub mod restore;
pub mod serve;
pub mod tables;
pub mod take;
pub mod wire;

use std::io;

use crate::store::StoreError;

/// The socket in the data folder the server answers backups on.
pub const SOCKET: &str = "backup.sock";

/// Why a backup or a restore did not happen.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// A folder, a server or a stream that this command does not take.
    #[error("{0}")]
    Refused(String),
    /// Reading or writing failed.
    #[error("{0}")]
    Io(String),
    /// A database failed.
    #[error("{0}")]
    Store(#[from] StoreError),
    /// What was copied is not what was recorded: a changed or missing byte, row or file.
    #[error("the backup does not check: {0}")]
    Mismatch(String),
}

impl From<io::Error> for BackupError {
    fn from(error: io::Error) -> Self {
        Self::Io(error.to_string())
    }
}

impl BackupError {
    /// Exit status 1 for what failed a check, 2 for any other trouble.
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::Mismatch(_) | Self::Store(StoreError::Corrupt(_)) => 1,
            _ => 2,
        }
    }
}

/// A redb error, as the stores report it.
fn db<E: Into<redb::Error>>(error: E) -> BackupError {
    BackupError::Store(StoreError::from(error))
}

/// Syncs folder `path`, so the names just made or moved in it survive a crash.
fn sync_dir(path: &std::path::Path) -> io::Result<()> {
    std::fs::File::open(path)?.sync_all()
}
