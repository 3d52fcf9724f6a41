//! The installation being copied: its redb file (opened only if no server holds it), its
//! server secret, and its security log, verified before anything is copied.

use std::path::{Path, PathBuf};

use coffer_shared::crypto::audit_chain::ChainKey;

use super::CopyError;
use super::IMPORTED_CHAIN;
use crate::audit::keyed;
use crate::audit::verify::{Checks, Failure, KeyedFrom, Report, verify};
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
    /// For a log begun before its hashes were keyed: the record that the imported chain is
    /// keyed from its first keyed event on (no keyed event at all: one past the last), tagged
    /// with the server's key.
    pub fn keyed_from(&self) -> Option<KeyedFrom> {
        let first = self.log.first_keyed.unwrap_or(self.log.events + 1);
        (self.log.events > 0 && first != 1).then(|| {
            let tag = ChainKey::derive(self.secret.key()).keyed_from_tag(IMPORTED_CHAIN, first);
            KeyedFrom { chain: IMPORTED_CHAIN.to_owned(), seq: first, tag }
        })
    }
}

impl Source {
    /// Opens `dir` and verifies its log. Refuses a folder without a database or a secret, a
    /// database a running server holds, and a broken log.
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
        let checks = Checks { key: &key, keyed_from, keyed_from_chains: Vec::new(), anchors: Vec::new() };
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
        Ok(Self { dir: dir.to_owned(), store, secret, log })
    }
}
