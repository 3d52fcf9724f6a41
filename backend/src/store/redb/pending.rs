//! Half-finished sign-ups and sign-ins, keyed by the SHA-256 of their token: a proven address
//! waiting for its passphrase, or a right passphrase waiting for its second factor.

use coffer_shared::id::AccountId;
use redb::WriteTransaction;
use serde::{Deserialize, Serialize};

use super::schema::PENDING;
use super::{Db, RedbStore, StoreError, from_json, to_json};

/// What a token stands for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Pending {
    /// The address proved by a sign-up code.
    Signup {
        /// `normalize(email)`.
        email: String,
        /// Unix seconds.
        expires_at: u64,
    },
    /// A sign-in whose passphrase was right.
    Signin {
        /// The account signing in.
        account_id: AccountId,
        /// The account's verifier when the passphrase was checked: a passphrase change since
        /// makes the sign-in void. (`None` in entries stored before it was kept: void too.)
        #[serde(default)]
        verifier: Option<[u8; 32]>,
        /// Unix seconds.
        expires_at: u64,
    },
}

impl Pending {
    fn expires_at(&self) -> u64 {
        match self {
            Self::Signup { expires_at, .. } | Self::Signin { expires_at, .. } => *expires_at,
        }
    }
}

pub(super) fn remove(txn: &WriteTransaction, hash: &[u8; 32]) -> Result<(), StoreError> {
    txn.open_table(PENDING)?.remove(hash.as_slice())?;
    Ok(())
}

impl RedbStore {
    pub(crate) async fn insert_pending(&self, hash: [u8; 32], pending: Pending) -> Result<(), StoreError> {
        self.blocking(move |db: &Db| {
            let txn = db.begin_write()?;
            txn.open_table(PENDING)?.insert(hash.as_slice(), to_json(&pending)?.as_slice())?;
            txn.commit()?;
            Ok(())
        })
        .await
    }

    pub(crate) async fn pending(&self, hash: [u8; 32], now: u64) -> Result<Option<Pending>, StoreError> {
        self.blocking(move |db: &Db| {
            let txn = db.begin_read()?;
            let Some(bytes) = txn.open_table(PENDING)?.get(hash.as_slice())? else { return Ok(None) };
            let pending: Pending = from_json(bytes.value())?;
            Ok((pending.expires_at() > now).then_some(pending))
        })
        .await
    }

    pub(crate) async fn remove_pending(&self, hash: [u8; 32]) -> Result<(), StoreError> {
        self.blocking(move |db: &Db| {
            let txn = db.begin_write()?;
            remove(&txn, &hash)?;
            txn.commit()?;
            Ok(())
        })
        .await
    }

    pub(crate) async fn sweep_pending(&self, now: u64) -> Result<usize, StoreError> {
        self.blocking(move |db: &Db| {
            let txn = db.begin_write()?;
            let mut removed = 0;
            {
                let mut table = txn.open_table(PENDING)?;
                table.retain(|_, bytes| {
                    let live = from_json::<Pending>(bytes).map(|p| p.expires_at() > now).unwrap_or(false);
                    removed += usize::from(!live);
                    live
                })?;
            }
            txn.commit()?;
            Ok(removed)
        })
        .await
    }
}
