//! Sessions in redb, keyed by the SHA-256 of their token (docs/api.md, "Sessions"), indexed per
//! account for the sessions page, and by the hash of their "end this session" link.

use coffer_shared::id::AccountId;
use redb::{ReadableTable, WriteTransaction};
use serde::{Deserialize, Serialize};

use super::accounts::read_account;
use super::pending::Pending;
use super::schema::{ACCOUNT_SESSIONS, ACCOUNTS, END_LINKS, PENDING, SESSIONS};
use super::{Db, RedbStore, StoreError, from_json, to_json};

/// A stored session. The token itself is never stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionRecord {
    /// Public id, for listing and ending.
    pub session_id: String,
    /// Whose session.
    pub account_id: AccountId,
    /// Unix seconds.
    pub created_at: u64,
    /// Unix seconds, updated at most once a minute.
    pub last_seen_at: u64,
    /// Client IP at sign-in.
    pub ip: String,
    /// `User-Agent` at sign-in, cut short.
    pub user_agent: String,
    /// Approximate place, when known.
    pub place: Option<String>,
    /// SHA-256 of the "end this session" link token.
    pub end_link_hash: [u8; 32],
}

impl SessionRecord {
    /// Whether the session is still alive at `now` with the given timeouts.
    pub fn is_live(&self, now: u64, idle: u64, max: u64) -> bool {
        now < self.created_at.saturating_add(max) && now < self.last_seen_at.saturating_add(idle)
    }
}

/// A session to store, with the hash of its token.
#[derive(Debug, Clone)]
pub struct NewSession {
    /// SHA-256 of the session token.
    pub token_hash: [u8; 32],
    /// The session itself.
    pub record: SessionRecord,
}

/// How often `last_seen_at` is rewritten, in seconds: often enough for the idle timeout, rarely
/// enough that reading pages does not mean a disk write each time.
const TOUCH_EVERY: u64 = 60;

pub(super) fn insert_session(txn: &WriteTransaction, session: &NewSession) -> Result<(), StoreError> {
    let record = &session.record;
    txn.open_table(SESSIONS)?.insert(session.token_hash.as_slice(), to_json(record)?.as_slice())?;
    txn.open_table(ACCOUNT_SESSIONS)?
        .insert((record.account_id.as_str(), record.session_id.as_str()), session.token_hash.as_slice())?;
    txn.open_table(END_LINKS)?.insert(record.end_link_hash.as_slice(), session.token_hash.as_slice())?;
    Ok(())
}

fn remove_session(txn: &WriteTransaction, token_hash: &[u8]) -> Result<Option<SessionRecord>, StoreError> {
    let Some(bytes) = txn.open_table(SESSIONS)?.remove(token_hash)?.map(|value| value.value().to_vec())
    else {
        return Ok(None);
    };
    let record: SessionRecord = from_json(&bytes)?;
    txn.open_table(ACCOUNT_SESSIONS)?.remove((record.account_id.as_str(), record.session_id.as_str()))?;
    txn.open_table(END_LINKS)?.remove(record.end_link_hash.as_slice())?;
    Ok(Some(record))
}

/// Ends the sessions of `account_id` whose id passes `select`; returns their ids.
pub(super) fn end_sessions_where(
    txn: &WriteTransaction,
    account_id: &str,
    select: impl Fn(&str) -> bool,
) -> Result<Vec<String>, StoreError> {
    let chosen: Vec<Vec<u8>> = {
        let table = txn.open_table(ACCOUNT_SESSIONS)?;
        let mut chosen = Vec::new();
        for row in table.range((account_id, "")..(account_id, "~"))? {
            let (key, hash) = row?;
            if select(key.value().1) {
                chosen.push(hash.value().to_vec());
            }
        }
        chosen
    };
    let mut ended = Vec::new();
    for hash in chosen {
        if let Some(record) = remove_session(txn, &hash)? {
            ended.push(record.session_id);
        }
    }
    Ok(ended)
}

/// What a session cookie's token hash finds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionLookup {
    /// A live session, its last-seen time refreshed.
    Live(SessionRecord),
    /// A session past its idle or absolute timeout, deleted just now.
    Expired(SessionRecord),
    /// No session.
    Missing,
}

impl RedbStore {
    /// How many sessions are stored.
    pub(crate) async fn session_count(&self) -> Result<u64, StoreError> {
        self.blocking(|db: &Db| {
            use redb::ReadableTableMetadata;
            let txn = db.begin_read()?;
            Ok(txn.open_table(SESSIONS)?.len()?)
        })
        .await
    }

    pub(crate) async fn complete_signin(
        &self,
        pending_hash: [u8; 32],
        session: NewSession,
    ) -> Result<bool, StoreError> {
        self.blocking(move |db: &Db| {
            let txn = db.begin_write()?;
            let removed =
                txn.open_table(PENDING)?.remove(pending_hash.as_slice())?.map(|bytes| bytes.value().to_vec());
            let Some(bytes) = removed else { return Ok(false) };
            let Pending::Signin { account_id, verifier, .. } = from_json(&bytes)? else { return Ok(false) };
            let account = read_account(&txn.open_table(ACCOUNTS)?, account_id.as_str())?;
            // A passphrase changed (or an account deleted) since the passphrase was checked
            // voids the sign-in; the entry is removed all the same.
            let current = account.is_some_and(|account| Some(account.credentials.verifier) == verifier)
                && account_id == session.record.account_id;
            if current {
                insert_session(&txn, &session)?;
            }
            txn.commit()?;
            Ok(current)
        })
        .await
    }

    pub(crate) async fn session(
        &self,
        token_hash: [u8; 32],
        now: u64,
        idle: u64,
        max: u64,
    ) -> Result<SessionLookup, StoreError> {
        let found = self
            .blocking(move |db: &Db| {
                let txn = db.begin_read()?;
                let Some(bytes) = txn.open_table(SESSIONS)?.get(token_hash.as_slice())? else {
                    return Ok(None);
                };
                from_json::<SessionRecord>(bytes.value()).map(Some)
            })
            .await?;
        let Some(mut record) = found else { return Ok(SessionLookup::Missing) };
        let live = record.is_live(now, idle, max);
        if live && now < record.last_seen_at + TOUCH_EVERY {
            return Ok(SessionLookup::Live(record));
        }
        self.blocking(move |db: &Db| {
            let txn = db.begin_write()?;
            // Read again inside the write: the session may have ended since.
            let still_there = txn.open_table(SESSIONS)?.get(token_hash.as_slice())?.is_some();
            let answer = if !still_there {
                SessionLookup::Missing
            } else if live {
                record.last_seen_at = now;
                txn.open_table(SESSIONS)?.insert(token_hash.as_slice(), to_json(&record)?.as_slice())?;
                SessionLookup::Live(record)
            } else {
                match remove_session(&txn, &token_hash)? {
                    Some(removed) => SessionLookup::Expired(removed),
                    None => SessionLookup::Missing,
                }
            };
            txn.commit()?;
            Ok(answer)
        })
        .await
    }

    pub(crate) async fn account_sessions(
        &self,
        account_id: AccountId,
        now: u64,
        idle: u64,
        max: u64,
    ) -> Result<Vec<SessionRecord>, StoreError> {
        self.blocking(move |db: &Db| {
            let txn = db.begin_read()?;
            let index = txn.open_table(ACCOUNT_SESSIONS)?;
            let sessions = txn.open_table(SESSIONS)?;
            let id = account_id.as_str();
            let mut found = Vec::new();
            for row in index.range((id, "")..(id, "~"))? {
                let (_, hash) = row?;
                if let Some(bytes) = sessions.get(hash.value())? {
                    let record: SessionRecord = from_json(bytes.value())?;
                    if record.is_live(now, idle, max) {
                        found.push(record);
                    }
                }
            }
            found.sort_by(|a, b| {
                b.created_at.cmp(&a.created_at).then_with(|| a.session_id.cmp(&b.session_id))
            });
            Ok(found)
        })
        .await
    }

    pub(crate) async fn end_session(&self, token_hash: [u8; 32]) -> Result<bool, StoreError> {
        self.blocking(move |db: &Db| {
            let txn = db.begin_write()?;
            let ended = remove_session(&txn, &token_hash)?.is_some();
            txn.commit()?;
            Ok(ended)
        })
        .await
    }

    pub(crate) async fn end_session_by_id(
        &self,
        account_id: AccountId,
        session_id: String,
    ) -> Result<bool, StoreError> {
        self.blocking(move |db: &Db| {
            let txn = db.begin_write()?;
            let ended = end_sessions_where(&txn, account_id.as_str(), |id| id == session_id)?;
            txn.commit()?;
            Ok(!ended.is_empty())
        })
        .await
    }

    pub(crate) async fn end_other_sessions(
        &self,
        account_id: AccountId,
        keep: String,
    ) -> Result<Vec<String>, StoreError> {
        self.blocking(move |db: &Db| {
            let txn = db.begin_write()?;
            let ended = end_sessions_where(&txn, account_id.as_str(), |id| id != keep)?;
            txn.commit()?;
            Ok(ended)
        })
        .await
    }

    pub(crate) async fn end_session_by_link(
        &self,
        link_hash: [u8; 32],
    ) -> Result<Option<SessionRecord>, StoreError> {
        self.blocking(move |db: &Db| {
            let txn = db.begin_write()?;
            let token_hash =
                txn.open_table(END_LINKS)?.get(link_hash.as_slice())?.map(|v| v.value().to_vec());
            let ended = match token_hash {
                Some(hash) => remove_session(&txn, &hash)?,
                None => None,
            };
            txn.commit()?;
            Ok(ended)
        })
        .await
    }

    pub(crate) async fn sweep_sessions(
        &self,
        now: u64,
        idle: u64,
        max: u64,
    ) -> Result<Vec<SessionRecord>, StoreError> {
        self.blocking(move |db: &Db| {
            let txn = db.begin_write()?;
            let dead: Vec<Vec<u8>> = {
                let table = txn.open_table(SESSIONS)?;
                let mut dead = Vec::new();
                for row in table.iter()? {
                    let (hash, bytes) = row?;
                    let record: SessionRecord = from_json(bytes.value())?;
                    if !record.is_live(now, idle, max) {
                        dead.push(hash.value().to_vec());
                    }
                }
                dead
            };
            let mut ended = Vec::with_capacity(dead.len());
            for hash in &dead {
                ended.extend(remove_session(&txn, hash)?);
            }
            txn.commit()?;
            Ok(ended)
        })
        .await
    }
}
