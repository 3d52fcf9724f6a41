//! [`ServerSecret`]: the server's 32-byte `server_secret` (docs/accounts.md, "What the server
//! stores"), kept in `<data_dir>/server-secret`, apart from the database.
//!
//! Created on the first start (random, mode 0600, written to a temporary file and renamed into
//! place so a crash never leaves a short file), loaded unchanged on every later start: a new
//! secret would invalidate every verifier and change every pre-login answer. A file of any other
//! length is refused. The bytes are never logged.

use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

use coffer_shared::crypto::Key32;

/// The file name of the secret inside the data folder.
pub const FILE_NAME: &str = "server-secret";

/// The server's secret key; zeroized on drop, printed as `[redacted]`.
pub struct ServerSecret(Key32);

/// The secret file could not be read or written, or has the wrong length.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    /// Reading, creating or renaming the file failed.
    #[error("server secret {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        source: std::io::Error,
    },
    /// The file exists but does not hold exactly 32 bytes.
    #[error("server secret {path}: expected 32 bytes, found {found}")]
    WrongLength {
        /// The file.
        path: PathBuf,
        /// Its length.
        found: usize,
    },
}

impl ServerSecret {
    /// Loads `<data_dir>/server-secret`, creating it (and `data_dir`) when missing.
    pub fn load_or_create(data_dir: &Path) -> Result<Self, SecretError> {
        let path = data_dir.join(FILE_NAME);
        let io = |source| SecretError::Io { path: path.clone(), source };
        match std::fs::read(&path) {
            Ok(bytes) => {
                let bytes: [u8; 32] = bytes
                    .as_slice()
                    .try_into()
                    .map_err(|_| SecretError::WrongLength { path: path.clone(), found: bytes.len() })?;
                Ok(Self(Key32::from_bytes(bytes)))
            }
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                crate::owner_only::data_dir(data_dir).map_err(io)?;
                let key = Key32::random();
                write_atomically(&path, key.expose()).map_err(io)?;
                tracing::info!(event = "server_secret_created", path = %path.display());
                Ok(Self(key))
            }
            Err(error) => Err(io(error)),
        }
    }

    /// Loads `<data_dir>/server-secret` (or the file at `path`) without ever creating it: for
    /// the operator's commands, which must not make up a secret the log was never keyed with.
    pub fn load_existing(path: &Path) -> Result<Self, SecretError> {
        let bytes =
            std::fs::read(path).map_err(|source| SecretError::Io { path: path.to_owned(), source })?;
        let bytes: [u8; 32] = bytes
            .as_slice()
            .try_into()
            .map_err(|_| SecretError::WrongLength { path: path.to_owned(), found: bytes.len() })?;
        Ok(Self(Key32::from_bytes(bytes)))
    }

    /// The key, for the keyed hashes in `coffer_shared::crypto::server`.
    pub fn key(&self) -> &Key32 {
        &self.0
    }

    /// A hash that tells secrets apart and reveals nothing of them: servers sharing a database
    /// compare it there, so one given another secret refuses to start.
    pub fn fingerprint(&self) -> [u8; 32] {
        use sha2::{Digest, Sha256};
        let mut hash = Sha256::new();
        hash.update(b"coffer/v1/server-secret/fingerprint");
        hash.update(self.0.expose());
        hash.finalize().into()
    }
}

impl fmt::Debug for ServerSecret {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("ServerSecret([redacted])")
    }
}

/// Writes `bytes` to a fresh temporary file beside `path` (0600 on unix), syncs it, then renames
/// it over `path`. `create_new` refuses to follow a planted file or link.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let temp = path.with_extension(format!("tmp-{}", std::process::id()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let result = options.open(&temp).and_then(|mut file| {
        file.write_all(bytes)?;
        file.sync_all()
    });
    let result = result.and_then(|()| std::fs::rename(&temp, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_secret_is_created_once_then_loaded_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let first = ServerSecret::load_or_create(dir.path()).unwrap();
        let second = ServerSecret::load_or_create(dir.path()).unwrap();
        assert_eq!(first.key(), second.key());
        assert_eq!(format!("{first:?}"), "ServerSecret([redacted])");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "no temporary file left");
    }

    #[test]
    fn loading_an_existing_secret_never_creates_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        assert!(matches!(ServerSecret::load_existing(&path), Err(SecretError::Io { .. })));
        assert!(!path.exists());
        let created = ServerSecret::load_or_create(dir.path()).unwrap();
        assert_eq!(ServerSecret::load_existing(&path).unwrap().key(), created.key());
    }

    #[test]
    fn a_file_of_the_wrong_length_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(FILE_NAME), [1u8; 31]).unwrap();
        let error = ServerSecret::load_or_create(dir.path()).unwrap_err();
        assert!(matches!(error, SecretError::WrongLength { found: 31, .. }), "{error}");
    }
}
