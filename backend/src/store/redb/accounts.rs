//! Accounts in redb (docs/accounts.md, "What the server stores"): by id in `ACCOUNTS`, by
//! normalized address in `ACCOUNT_EMAILS`.

use coffer_shared::api::Notifications;
use coffer_shared::crypto::account_kdf::{AccountKdf, KdfVersion};
use coffer_shared::crypto::kdf::{KdfParams, SALT_LEN};
use coffer_shared::crypto::totp::SECRET_LEN;
use coffer_shared::id::AccountId;
use redb::{ReadableTable, WriteTransaction};
use serde::{Deserialize, Serialize};

use super::notices::SeenSignins;
use super::schema::{ACCOUNT_EMAILS, ACCOUNT_SHARES, ACCOUNTS, ATTEMPTS};
use super::sessions::{NewSession, end_sessions_where, insert_session};
use super::{Db, RedbStore, StoreError, from_json, to_json};

/// What pre-login tells about a known account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KdfRecord {
    /// The account's id.
    pub account_id: AccountId,
    /// Its version, Argon2id costs (within the accepted range) and `kdf_salt`.
    pub kdf: AccountKdf,
}

/// The credentials an account is created or re-keyed with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credentials {
    /// `kdf_version`: version 1 for an account stored before versions existed.
    #[serde(default = "KdfVersion::unversioned")]
    pub version: KdfVersion,
    /// Argon2id memory cost in KiB.
    pub m: u32,
    /// Argon2id passes.
    pub t: u32,
    /// Argon2id parallelism.
    pub p: u8,
    /// The account's `kdf_salt`.
    pub kdf_salt: [u8; SALT_LEN],
    /// `HMAC-SHA256(server_secret, "coffer/v1/account/verifier" || auth_proof)`.
    pub verifier: [u8; 32],
    /// The `wrapped-vault-key` envelope.
    pub wrapped_vault_key: Vec<u8>,
    /// The `wrapped-identity-key` envelope.
    pub wrapped_identity_key: Vec<u8>,
}

/// An enrolled authenticator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totp {
    /// The RFC 6238 secret.
    pub secret: [u8; SECRET_LEN],
    /// The last time step accepted; no step up to it is accepted again.
    pub last_step: Option<u64>,
    /// Keyed hashes of the recovery codes not used yet.
    pub recovery: Vec<[u8; 32]>,
}

/// A stored account. Fields are added (never renamed) as the account grows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    /// The account's id.
    pub account_id: AccountId,
    /// `normalize(email)`.
    pub email: String,
    /// KDF inputs, verifier and wrapped keys.
    pub credentials: Credentials,
    /// The Ed25519 public key.
    pub public_key: [u8; 32],
    /// Unix seconds.
    pub created_at: u64,
    /// The enrolled authenticator.
    #[serde(default)]
    pub totp: Option<Totp>,
    /// A secret shown by setup and not yet confirmed with a code.
    #[serde(default)]
    pub totp_pending: Option<[u8; SECRET_LEN]>,
    /// The mail preferences (both on for accounts stored before they existed).
    #[serde(default)]
    pub notifications: Notifications,
    /// When the account's last weekly digest was handled (sent or skipped), Unix seconds.
    #[serde(default)]
    pub last_digest_at: Option<u64>,
    /// Devices and countries of its sign-up and sign-ins; `None` for an account stored before
    /// they were kept.
    #[serde(default)]
    pub seen: Option<SeenSignins>,
    /// Raised to retire every device cookie made before (`docs/accounts.md`, "Device cookies"):
    /// by a passphrase change, an authenticator change and "end other sessions".
    #[serde(default)]
    pub device_epoch: u64,
}

impl Account {
    /// Retires every device cookie made so far.
    pub fn retire_devices(&mut self) {
        self.device_epoch = self.device_epoch.wrapping_add(1);
    }
}

impl Account {
    /// The pre-login view of the account.
    pub fn kdf(&self) -> Result<KdfRecord, StoreError> {
        let c = &self.credentials;
        let kdf = KdfParams::new(c.m, c.t, c.p)
            .map_err(|error| StoreError::Corrupt(format!("account kdf: {error}")))?;
        Ok(KdfRecord {
            account_id: self.account_id.clone(),
            kdf: AccountKdf { version: c.version, params: kdf, kdf_salt: c.kdf_salt },
        })
    }
}

/// Why an account was not created. Nothing was stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreateRefused {
    /// The address has an account.
    EmailTaken,
    /// The id is in use.
    IdTaken,
}

pub(super) fn read_account(
    txn_table: &impl ReadableTable<&'static str, &'static [u8]>,
    id: &str,
) -> Result<Option<Account>, StoreError> {
    match txn_table.get(id)? {
        Some(bytes) => from_json(bytes.value()).map(Some),
        None => Ok(None),
    }
}

/// Account `id`, for a write that adds rows it owns: `AccountGone` if it was deleted after the
/// request's session was checked (writes take turns, so it cannot go before this one commits).
pub(super) fn existing_account(txn: &WriteTransaction, id: &str) -> Result<Account, StoreError> {
    read_account(&txn.open_table(ACCOUNTS)?, id)?.ok_or(StoreError::AccountGone)
}

pub(super) fn write_account(txn: &WriteTransaction, account: &Account) -> Result<(), StoreError> {
    txn.open_table(ACCOUNTS)?.insert(account.account_id.as_str(), to_json(account)?.as_slice())?;
    Ok(())
}

impl RedbStore {
    pub(crate) async fn account(&self, id: AccountId) -> Result<Option<Account>, StoreError> {
        self.blocking(move |db: &Db| {
            let txn = db.begin_read()?;
            read_account(&txn.open_table(ACCOUNTS)?, id.as_str())
        })
        .await
    }

    pub(crate) async fn account_by_email(
        &self,
        email_normalized: String,
    ) -> Result<Option<Account>, StoreError> {
        self.blocking(move |db: &Db| {
            let txn = db.begin_read()?;
            let Some(id) =
                txn.open_table(ACCOUNT_EMAILS)?.get(email_normalized.as_str())?.map(|v| v.value().to_owned())
            else {
                return Ok(None);
            };
            read_account(&txn.open_table(ACCOUNTS)?, &id)
        })
        .await
    }

    pub(crate) async fn account_kdf(
        &self,
        email_normalized: String,
    ) -> Result<Option<KdfRecord>, StoreError> {
        self.account_by_email(email_normalized).await?.map(|account| account.kdf()).transpose()
    }

    pub(crate) async fn create_account(
        &self,
        signup_hash: [u8; 32],
        account: Account,
        session: NewSession,
    ) -> Result<Result<(), CreateRefused>, StoreError> {
        self.blocking(move |db: &Db| {
            let txn = db.begin_write()?;
            {
                let mut emails = txn.open_table(ACCOUNT_EMAILS)?;
                if emails.get(account.email.as_str())?.is_some() {
                    return Ok(Err(CreateRefused::EmailTaken));
                }
                if txn.open_table(ACCOUNTS)?.get(account.account_id.as_str())?.is_some() {
                    return Ok(Err(CreateRefused::IdTaken));
                }
                emails.insert(account.email.as_str(), account.account_id.as_str())?;
            }
            super::pending::remove(&txn, &signup_hash)?;
            write_account(&txn, &account)?;
            txn.open_table(ATTEMPTS)?.remove(format!("signup:{}", account.email).as_str())?;
            insert_session(&txn, &session)?;
            txn.commit()?;
            Ok(Ok(()))
        })
        .await
    }

    pub(crate) async fn save_account(&self, account: Account) -> Result<(), StoreError> {
        self.blocking(move |db: &Db| {
            let txn = db.begin_write()?;
            write_account(&txn, &account)?;
            txn.commit()?;
            Ok(())
        })
        .await
    }

    pub(crate) async fn change_credentials(
        &self,
        id: AccountId,
        proven: [u8; 32],
        credentials: Credentials,
        keep_session: String,
    ) -> Result<Option<Vec<String>>, StoreError> {
        self.blocking(move |db: &Db| {
            let txn = db.begin_write()?;
            let account = read_account(&txn.open_table(ACCOUNTS)?, id.as_str())?;
            let Some(mut account) = account.filter(|account| account.credentials.verifier == proven) else {
                return Ok(None);
            };
            account.credentials = credentials;
            account.retire_devices();
            write_account(&txn, &account)?;
            let ended = end_sessions_where(&txn, id.as_str(), |session_id| session_id != keep_session)?;
            txn.commit()?;
            Ok(Some(ended))
        })
        .await
    }

    pub(crate) async fn delete_account(&self, id: AccountId) -> Result<(), StoreError> {
        self.blocking(move |db: &Db| {
            let txn = db.begin_write()?;
            let account = read_account(&txn.open_table(ACCOUNTS)?, id.as_str())?;
            let Some(account) = account else { return Ok(()) };
            let id = id.as_str();
            end_sessions_where(&txn, id, |_| true)?;
            let shares: Vec<String> = {
                let table = txn.open_table(ACCOUNT_SHARES)?;
                let rows = table.range((id, "")..(id, "~"))?;
                rows.map(|row| row.map(|(key, _)| key.value().1.to_owned())).collect::<Result<_, _>>()?
            };
            for share in &shares {
                super::shares::delete_share(&txn, share)?;
                txn.open_table(ACCOUNT_SHARES)?.remove((id, share.as_str()))?;
            }
            super::downloads::remove_account_files(&txn, id)?;
            super::vault::remove_vault(&txn, id)?;
            {
                let mut attempts = txn.open_table(ATTEMPTS)?;
                for purpose in ["signin", "factor"] {
                    attempts.remove(format!("{purpose}:{id}").as_str())?;
                }
            }
            txn.open_table(ACCOUNT_EMAILS)?.remove(account.email.as_str())?;
            txn.open_table(ACCOUNTS)?.remove(id)?;
            txn.commit()?;
            Ok(())
        })
        .await
    }
}

impl RedbStore {
    pub(crate) async fn with_account<R, F>(&self, id: AccountId, change: F) -> Result<Option<R>, StoreError>
    where
        R: Send + 'static,
        F: FnOnce(&mut Account) -> (R, bool) + Send + 'static,
    {
        self.blocking(move |db: &Db| {
            let txn = db.begin_write()?;
            let account = read_account(&txn.open_table(ACCOUNTS)?, id.as_str())?;
            let Some(mut account) = account else { return Ok(None) };
            let (result, changed) = change(&mut account);
            if changed {
                write_account(&txn, &account)?;
            }
            txn.commit()?;
            Ok(Some(result))
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_stored_before_versions_existed_are_version_1() {
        let stored = serde_json::json!({
            "m": 65536, "t": 3, "p": 4, "kdf_salt": vec![7u8; 16], "verifier": vec![1u8; 32],
            "wrapped_vault_key": [], "wrapped_identity_key": [],
        });
        let read: Credentials = serde_json::from_value(stored).unwrap();
        assert_eq!(read.version, KdfVersion::V1);
        let written = serde_json::to_value(Credentials { version: KdfVersion::V2, ..read }).unwrap();
        assert_eq!(written["version"], 2);
    }
}
