//! What the account's mail needs from the store, on PostgreSQL (docs/mail.md): all of it lives
//! in the account's record, changed under its row lock ([`PgStore::with_account`]). The digest
//! sweep finds due accounts by the `digest_from` column; taking a digest checks again under the
//! lock, so of several servers sweeping at once one sends it.

use super::rows::big;
use super::{PgStore, pg};
use crate::store::{Account, Novelty, SeenSignins, StoreError};
use coffer_shared::api::Notifications;
use coffer_shared::id::AccountId;

impl PgStore {
    pub(crate) async fn note_signin(
        &self,
        id: AccountId,
        device: String,
        country: Option<String>,
    ) -> Result<Novelty, StoreError> {
        let novelty = self
            .with_account(id, move |account| match &mut account.seen {
                Some(seen) => (seen.note(&device, country.as_deref()), true),
                None => {
                    account.seen = Some(SeenSignins::first(&device, country.as_deref()));
                    (Novelty::default(), true)
                }
            })
            .await?;
        Ok(novelty.unwrap_or_default())
    }

    pub(crate) async fn set_notifications(
        &self,
        id: AccountId,
        notifications: Notifications,
    ) -> Result<Option<Notifications>, StoreError> {
        self.with_account(id, move |account| {
            account.notifications = notifications;
            (notifications, true)
        })
        .await
    }

    pub(crate) async fn digests_due(&self, now: u64, period: u64) -> Result<Vec<AccountId>, StoreError> {
        let Some(since) = now.checked_sub(period) else { return Ok(Vec::new()) };
        let client = self.client().await?;
        let rows = client
            .query("SELECT id FROM accounts WHERE digest_from <= $1 ORDER BY id", &[&big(since)?])
            .await
            .map_err(pg)?;
        rows.iter()
            .map(|row| {
                let id: &str = row.get(0);
                id.parse().map_err(|_| StoreError::Corrupt(format!("account id {id}")))
            })
            .collect()
    }

    pub(crate) async fn take_digest(
        &self,
        id: AccountId,
        now: u64,
        period: u64,
    ) -> Result<Option<Account>, StoreError> {
        let taken = self
            .with_account(id, move |account| {
                if !is_due(account, now, period) {
                    return (None, false);
                }
                account.last_digest_at = Some(now);
                (Some(account.clone()), true)
            })
            .await?;
        Ok(taken.flatten())
    }
}

fn is_due(account: &Account, now: u64, period: u64) -> bool {
    now >= account.last_digest_at.unwrap_or(account.created_at).saturating_add(period)
}
