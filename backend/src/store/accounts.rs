//! Accounts in redb, keyed by `normalize(email)` (docs/accounts.md, "What the server stores").
//!
//! Only the pre-login part exists so far: the account id and the KDF inputs. The verifier, the
//! wrapped keys and the public key join the record with sign-up.

use coffer_shared::crypto::kdf::{KdfParams, SALT_LEN};
use coffer_shared::id::AccountId;
use redb::{Database, ReadableTable};
use serde::{Deserialize, Serialize};

use super::schema::ACCOUNTS;
use super::{Store, StoreError};

/// What pre-login tells about a known account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KdfRecord {
    /// The account's id.
    pub account_id: AccountId,
    /// Argon2id costs, within the accepted range.
    pub kdf: KdfParams,
    /// The account's `kdf_salt`.
    pub kdf_salt: [u8; SALT_LEN],
}

/// The stored form of an account. Fields are added (never renamed) as the account grows.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct AccountRecord {
    account_id: AccountId,
    m: u32,
    t: u32,
    p: u8,
    kdf_salt: [u8; SALT_LEN],
}

impl AccountRecord {
    fn kdf(self) -> Result<KdfRecord, StoreError> {
        let kdf = KdfParams::new(self.m, self.t, self.p)
            .map_err(|error| StoreError::Corrupt(format!("account kdf: {error}")))?;
        Ok(KdfRecord { account_id: self.account_id, kdf, kdf_salt: self.kdf_salt })
    }
}

impl Store {
    /// The KDF inputs of the account at `email_normalized`, if there is one.
    pub async fn account_kdf(&self, email_normalized: String) -> Result<Option<KdfRecord>, StoreError> {
        self.blocking(move |db: &Database| {
            let txn = db.begin_read()?;
            let Some(bytes) = txn.open_table(ACCOUNTS)?.get(email_normalized.as_str())? else {
                return Ok(None);
            };
            let record: AccountRecord = serde_json::from_slice(bytes.value())
                .map_err(|error| StoreError::Corrupt(error.to_string()))?;
            record.kdf().map(Some)
        })
        .await
    }

    /// Stores an account's KDF inputs at `email_normalized`. Returns `false`, storing nothing,
    /// when the address is taken. Sign-up will replace this with the whole account; for now
    /// tests use it to create known addresses.
    pub async fn insert_account_kdf(
        &self,
        email_normalized: String,
        record: KdfRecord,
    ) -> Result<bool, StoreError> {
        self.blocking(move |db: &Database| {
            let txn = db.begin_write()?;
            {
                let mut accounts = txn.open_table(ACCOUNTS)?;
                if accounts.get(email_normalized.as_str())?.is_some() {
                    return Ok(false);
                }
                let stored = AccountRecord {
                    account_id: record.account_id,
                    m: record.kdf.m_kib(),
                    t: record.kdf.t(),
                    p: record.kdf.p(),
                    kdf_salt: record.kdf_salt,
                };
                let bytes =
                    serde_json::to_vec(&stored).map_err(|error| StoreError::Corrupt(error.to_string()))?;
                accounts.insert(email_normalized.as_str(), bytes.as_slice())?;
            }
            txn.commit()?;
            Ok(true)
        })
        .await
    }
}
