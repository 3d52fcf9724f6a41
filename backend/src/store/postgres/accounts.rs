//! Accounts on PostgreSQL, as in redb (`Account`, JSON): by id, with the normalized address a
//! unique column (so two sign-ups of one address cannot both win) and `digest_from` a column
//! for the digest sweep. Every change reads the account under its row lock, so changes from
//! any number of servers take turns. Locks are taken account first, then its sessions, shares
//! and attempt states, in every method that takes more than one.

use tokio_postgres::Transaction;

use super::rows::big;
use super::sessions::{end_sessions, insert_session};
use super::{PgStore, pg};
use crate::store::{
    Account, CreateRefused, Credentials, KdfRecord, NewSession, StoreError, from_json, to_json,
};
use coffer_shared::id::AccountId;

/// Account `id`, its row locked until the transaction ends.
pub(super) async fn lock_account(txn: &Transaction<'_>, id: &str) -> Result<Option<Account>, StoreError> {
    let row =
        txn.query_opt("SELECT record FROM accounts WHERE id = $1 FOR UPDATE", &[&id]).await.map_err(pg)?;
    row.map(|row| from_json(row.get(0))).transpose()
}

/// Holds account `id` in place until the transaction ends, against its deletion, for a write
/// that adds rows it owns; `AccountGone` if it was deleted. Taken before any other row lock, as
/// the deletion takes the account's first: the deletion then finds those rows, or the write
/// finds no account.
pub(super) async fn hold_account(txn: &Transaction<'_>, id: &str) -> Result<Account, StoreError> {
    let row = txn
        .query_opt("SELECT record FROM accounts WHERE id = $1 FOR KEY SHARE", &[&id])
        .await
        .map_err(pg)?
        .ok_or(StoreError::AccountGone)?;
    from_json(row.get(0))
}

/// Stores a changed account (its row locked by [`lock_account`]). The address never changes.
pub(super) async fn write_account(txn: &Transaction<'_>, account: &Account) -> Result<(), StoreError> {
    txn.execute(
        "UPDATE accounts SET record = $2, digest_from = $3 WHERE id = $1",
        &[&account.account_id.as_str(), &to_json(account)?, &digest_from(account)?],
    )
    .await
    .map_err(pg)?;
    Ok(())
}

/// When the account's last digest was handled (its creation before the first).
pub(in crate::store) fn digest_from(account: &Account) -> Result<i64, StoreError> {
    big(account.last_digest_at.unwrap_or(account.created_at))
}

/// The caller's change, taken to run once the rows it works on are locked. A transaction is
/// rerun only when it conflicts while locking (a deadlock), which is before this; after, it
/// writes only rows it holds.
pub(super) fn take_once<F>(change: &mut Option<F>) -> Result<F, StoreError> {
    change.take().ok_or_else(|| StoreError::Database("a conflict after the change was applied".into()))
}

impl PgStore {
    pub(crate) async fn account(&self, id: AccountId) -> Result<Option<Account>, StoreError> {
        let client = self.client().await?;
        let row = client
            .query_opt("SELECT record FROM accounts WHERE id = $1", &[&id.as_str()])
            .await
            .map_err(pg)?;
        row.map(|row| from_json(row.get(0))).transpose()
    }

    pub(crate) async fn account_by_email(
        &self,
        email_normalized: String,
    ) -> Result<Option<Account>, StoreError> {
        let client = self.client().await?;
        let row = client
            .query_opt("SELECT record FROM accounts WHERE email = $1", &[&email_normalized])
            .await
            .map_err(pg)?;
        row.map(|row| from_json(row.get(0))).transpose()
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
        let record = to_json(&account)?;
        let from = digest_from(&account)?;
        let (id, email) = (account.account_id.as_str(), account.email.as_str());
        transaction!(self, txn => {
            // Waits for a racing sign-up of the same address or id to end; refused if it won.
            let inserted = txn
                .execute(
                    "INSERT INTO accounts (id, email, record, digest_from) VALUES ($1, $2, $3, $4)
                     ON CONFLICT DO NOTHING",
                    &[&id, &email, &record, &from],
                )
                .await
                .map_err(pg)?;
            if inserted == 0 {
                let taken = txn
                    .query_one("SELECT EXISTS (SELECT 1 FROM accounts WHERE email = $1)", &[&email])
                    .await
                    .map_err(pg)?;
                return Ok(Err(match taken.get::<_, bool>(0) {
                    true => CreateRefused::EmailTaken,
                    false => CreateRefused::IdTaken,
                }));
            }
            txn.execute("DELETE FROM pending WHERE hash = $1", &[&signup_hash.as_slice()]).await.map_err(pg)?;
            let purpose = format!("signup:{email}");
            txn.execute("DELETE FROM attempts WHERE purpose = $1", &[&purpose]).await.map_err(pg)?;
            insert_session(&txn, &session).await?;
            Ok(Ok(()))
        })
    }

    pub(crate) async fn save_account(&self, account: Account) -> Result<(), StoreError> {
        // An update, never an insert: a save racing the account's deletion does not bring it back.
        let client = self.client().await?;
        client
            .execute(
                "UPDATE accounts SET record = $2, digest_from = $3 WHERE id = $1",
                &[&account.account_id.as_str(), &to_json(&account)?, &digest_from(&account)?],
            )
            .await
            .map_err(pg)?;
        Ok(())
    }

    pub(crate) async fn change_credentials(
        &self,
        id: AccountId,
        proven: [u8; 32],
        credentials: Credentials,
        keep_session: String,
    ) -> Result<Option<Vec<String>>, StoreError> {
        transaction!(self, txn => {
            let account = lock_account(&txn, id.as_str()).await?;
            let Some(mut account) = account.filter(|account| account.credentials.verifier == proven) else {
                return Ok(None);
            };
            account.credentials = credentials.clone();
            account.retire_devices();
            write_account(&txn, &account).await?;
            // The account's lock orders this after any sign-in completing now (it holds the
            // account shared): that session is ended here, or its sign-in sees the new verifier.
            end_sessions(&txn, id.as_str(), Some(keep_session.as_str())).await.map(Some)
        })
    }

    pub(crate) async fn delete_account(&self, id: AccountId) -> Result<(), StoreError> {
        let id = id.as_str();
        transaction!(self, txn => {
            if lock_account(&txn, id).await?.is_none() {
                return Ok(());
            }
            end_sessions(&txn, id, None).await?;
            let shares = txn
                .query("SELECT share FROM owned_shares WHERE owner = $1 ORDER BY share", &[&id])
                .await
                .map_err(pg)?;
            for row in &shares {
                super::shares::delete_share(&txn, row.get(0)).await?;
            }
            txn.execute("DELETE FROM owned_shares WHERE owner = $1", &[&id]).await.map_err(pg)?;
            super::downloads::remove_account_files(&txn, id).await?;
            super::vault::remove_vault(&txn, id).await?;
            let purposes = [format!("signin:{id}"), format!("factor:{id}")];
            txn.execute("DELETE FROM attempts WHERE purpose = ANY($1)", &[&purposes.as_slice()])
                .await
                .map_err(pg)?;
            txn.execute("DELETE FROM accounts WHERE id = $1", &[&id]).await.map_err(pg)?;
            Ok(())
        })
    }

    pub(crate) async fn with_account<R, F>(&self, id: AccountId, change: F) -> Result<Option<R>, StoreError>
    where
        R: Send + 'static,
        F: FnOnce(&mut Account) -> (R, bool) + Send + 'static,
    {
        let mut change = Some(change);
        transaction!(self, txn => {
            let Some(mut account) = lock_account(&txn, id.as_str()).await? else { return Ok(None) };
            let (result, changed) = take_once(&mut change)?(&mut account);
            if changed {
                write_account(&txn, &account).await?;
            }
            Ok(Some(result))
        })
    }
}
