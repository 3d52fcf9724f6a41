//! The installation being copied: its redb file (opened only if no server holds it), its
//! server secret, and its security log, verified before anything is copied.

use std::path::{Path, PathBuf};

use coffer_shared::crypto::audit_chain::ChainKey;

use super::CopyError;
use crate::audit::keyed;
use crate::audit::verify::{Checks, Failure, Report, verify};
use crate::secret::{self, ServerSecret};
use crate::store::{RedbStore, Store};

/// A stopped single-machine installation.
pub struct Source {
    /// Its data folder.
    pub dir: PathBuf,
    /// Its database, opened read-only.
    pub store: RedbStore,
    /// Its server secret: the copied database records the secret's fingerprint.
    pub secret: ServerSecret,
    /// What verifying its log found.
    pub log: Report,
}

impl Source {
    /// Opens `dir` and verifies its log. Refuses a folder without a database or a secret, a
    /// database a running server holds, a broken log, and a log that begins with unkeyed
    /// events (written before the chain was keyed), which PostgreSQL's log cannot hold.
    pub fn open(dir: &Path) -> Result<Self, CopyError> {
        let secret_path = dir.join(secret::FILE_NAME);
        let secret = ServerSecret::load_existing(&secret_path)
            .map_err(|error| CopyError::Refused(format!("cannot read the server secret: {error}")))?;
        let store = RedbStore::open_existing(dir).map_err(|error| {
            CopyError::Refused(format!(
                "cannot open the database in {}: {error} (stop the server first: it locks the file \
                 while it runs)",
                dir.display()
            ))
        })?;
        let key = ChainKey::derive(secret.key());
        let keyed_from = keyed::read(&dir.join(keyed::FILE_NAME))
            .map_err(|error| CopyError::Refused(format!("cannot read where the chain was keyed: {error}")))?;
        let checks = Checks { key: &key, keyed_from, anchors: Vec::new() };
        let log = match verify(&Store::Redb(store.clone()), &checks) {
            Ok(report) => report,
            Err(Failure::Broken(found)) => {
                return Err(CopyError::Refused(format!(
                    "the security log in {} does not verify ({found}): a copy would carry the break \
                     into the new database; `coffer-server audit verify --data-dir {}` shows it",
                    dir.display(),
                    dir.display()
                )));
            }
            Err(Failure::Store(error)) => return Err(error.into()),
        };
        if log.events > 0 && log.first_keyed != Some(1) {
            let unkeyed = log.first_keyed.map_or(log.events, |first| first - 1);
            return Err(CopyError::Refused(format!(
                "the security log in {} begins with {unkeyed} unkeyed events (written before its hashes \
                 were keyed with the server secret); a log on PostgreSQL holds keyed events only, and \
                 re-hashing them would forge the evidence the chain is kept for, so this installation \
                 cannot be copied (docs/scaling.md, \"Moving a single-machine installation\")",
                dir.display()
            )));
        }
        Ok(Self { dir: dir.to_owned(), store, secret, log })
    }
}
