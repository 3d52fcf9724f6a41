//! What the account's mail needs from the store (docs/mail.md): the devices and countries its
//! sign-ins came from (for the new-device and new-country alert), its mail preferences, and when
//! its weekly digest was last handled. All of it lives in the account's record.

use coffer_shared::api::Notifications;
use coffer_shared::id::AccountId;
use redb::ReadableTable;
use serde::{Deserialize, Serialize};

use super::accounts::Account;
use super::schema::ACCOUNTS;
use super::{Db, RedbStore, StoreError, from_json};

/// Most devices, and most countries, remembered per account; the oldest go first.
pub const SEEN_MAX: usize = 20;

/// The devices ("Chrome on Linux") and countries ("DE") of an account's sign-up and sign-ins,
/// oldest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeenSignins {
    /// Short device descriptions.
    pub devices: Vec<String>,
    /// Two-letter country codes.
    pub countries: Vec<String>,
}

/// What was new about a sign-in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Novelty {
    /// Its device was not among the account's.
    pub new_device: bool,
    /// Its country (known) was not among the account's.
    pub new_country: bool,
}

impl SeenSignins {
    /// The list of a sign-up from `device` in `country`.
    pub fn first(device: &str, country: Option<&str>) -> Self {
        let mut seen = Self::default();
        seen.note(device, country);
        seen
    }

    /// Adds `device` and `country` (when known) and tells which were new.
    pub fn note(&mut self, device: &str, country: Option<&str>) -> Novelty {
        Novelty {
            new_device: remember(&mut self.devices, device),
            new_country: country.is_some_and(|country| remember(&mut self.countries, country)),
        }
    }
}

/// Moves `item` to the newest place of `list` (dropping the oldest past [`SEEN_MAX`]); `true`
/// if it was not there.
fn remember(list: &mut Vec<String>, item: &str) -> bool {
    let known = list.iter().position(|seen| seen == item).map(|at| list.remove(at)).is_some();
    list.push(item.to_owned());
    if list.len() > SEEN_MAX {
        list.remove(0);
    }
    !known
}

impl RedbStore {
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
        self.blocking(move |db: &Db| {
            let txn = db.begin_read()?;
            let table = txn.open_table(ACCOUNTS)?;
            let mut due = Vec::new();
            for row in table.iter()? {
                let (_, bytes) = row?;
                let account: Account = from_json(bytes.value())?;
                if is_due(&account, now, period) {
                    due.push(account.account_id);
                }
            }
            Ok(due)
        })
        .await
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sign_in_is_new_only_for_what_was_not_seen() {
        let mut seen = SeenSignins::first("Chrome on Linux", Some("DE"));
        assert_eq!(seen.note("Chrome on Linux", Some("DE")), Novelty::default());
        assert_eq!(
            seen.note("Firefox on Windows", Some("DE")),
            Novelty { new_device: true, new_country: false }
        );
        assert_eq!(
            seen.note("Chrome on Linux", Some("JP")),
            Novelty { new_device: false, new_country: true }
        );
        assert_eq!(seen.note("Chrome on Linux", None), Novelty::default());
        assert_eq!(seen.countries, ["DE", "JP"]);
    }

    #[test]
    fn the_oldest_is_forgotten_past_the_limit_and_a_repeat_moves_to_the_end() {
        let mut seen = SeenSignins::default();
        for n in 0..=SEEN_MAX {
            seen.note(&format!("device {n}"), None);
        }
        assert_eq!(seen.devices.len(), SEEN_MAX);
        assert_eq!(seen.devices[0], "device 1");
        assert!(!seen.note("device 1", None).new_device);
        assert_eq!(seen.devices.last().map(String::as_str), Some("device 1"));
        assert!(seen.note("device 0", None).new_device);
    }
}
