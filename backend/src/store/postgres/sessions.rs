//! Sessions on PostgreSQL, as in redb (`SessionRecord`, JSON), keyed by the hash of their
//! token, unique per (account, session id), with their times as columns for the sweeper. An
//! "end this session" link row references its session and is deleted with it, however the
//! session ends. Every server reads sessions from the database at each request, so a session
//! stored by one is seen by all and, once its row is deleted, refused by all.

use tokio_postgres::Transaction;

use super::rows::big;
use super::{PgStore, SWEEP_BATCH, pg};
use crate::store::{
    Account, NewSession, Pending, SessionLookup, SessionRecord, StoreError, from_json, to_json,
};
use coffer_shared::id::AccountId;

/// How often `last_seen_at` is rewritten, in seconds (as in redb).
const TOUCH_EVERY: u64 = 60;

/// Stores a new session and its end link.
pub(super) async fn insert_session(txn: &Transaction<'_>, session: &NewSession) -> Result<(), StoreError> {
    let record = &session.record;
    txn.execute(
        "WITH s AS (
             INSERT INTO sessions (token_hash, account, session_id, record, created_at, last_seen_at)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING token_hash)
         INSERT INTO end_links (link_hash, token_hash) SELECT $7::bytea, token_hash FROM s",
        &[
            &session.token_hash.as_slice(),
            &record.account_id.as_str(),
            &record.session_id,
            &to_json(record)?,
            &big(record.created_at)?,
            &big(record.last_seen_at)?,
            &record.end_link_hash.as_slice(),
        ],
    )
    .await
    .map_err(pg)?;
    Ok(())
}

/// Ends every session of `account` but `keep`; returns the ids of those ended, in order.
pub(super) async fn end_sessions(
    txn: &Transaction<'_>,
    account: &str,
    keep: Option<&str>,
) -> Result<Vec<String>, StoreError> {
    let rows = txn
        .query(
            "DELETE FROM sessions WHERE account = $1 AND session_id IS DISTINCT FROM $2 RETURNING session_id",
            &[&account, &keep],
        )
        .await
        .map_err(pg)?;
    let mut ended: Vec<String> = rows.iter().map(|row| row.get(0)).collect();
    ended.sort_unstable();
    Ok(ended)
}

/// `now - span` as a bound on a stored time (`-1` when nothing is that old).
fn cutoff(now: u64, span: u64) -> Result<i64, StoreError> {
    now.checked_sub(span).map_or(Ok(-1), big)
}

impl PgStore {
    /// How many sessions are stored.
    pub(crate) async fn session_count(&self) -> Result<u64, StoreError> {
        let client = self.client().await?;
        let row = client.query_one("SELECT count(*) FROM sessions", &[]).await.map_err(pg)?;
        super::rows::unsigned(row.get(0))
    }

    pub(crate) async fn complete_signin(
        &self,
        pending_hash: [u8; 32],
        session: NewSession,
    ) -> Result<bool, StoreError> {
        let hash = pending_hash.as_slice();
        transaction!(self, txn => {
            // Locked, so that of two racing completions one finds the token gone.
            let row = txn
                .query_opt("SELECT record FROM pending WHERE hash = $1 FOR UPDATE", &[&hash])
                .await
                .map_err(pg)?;
            let Some(row) = row else { return Ok(false) };
            let Pending::Signin { account_id, verifier, .. } = from_json(row.get(0))? else {
                return Ok(false);
            };
            txn.execute("DELETE FROM pending WHERE hash = $1", &[&hash]).await.map_err(pg)?;
            // Held shared until the session is stored: a passphrase change or a deletion of
            // the account either comes first (and voids the sign-in) or waits, and then ends
            // this session with the others.
            let account = txn
                .query_opt("SELECT record FROM accounts WHERE id = $1 FOR SHARE", &[&account_id.as_str()])
                .await
                .map_err(pg)?
                .map(|row| from_json::<Account>(row.get(0)))
                .transpose()?;
            // A passphrase changed (or an account deleted) since the passphrase was checked
            // voids the sign-in; the entry is removed all the same.
            let current = account.is_some_and(|account| Some(account.credentials.verifier) == verifier)
                && account_id == session.record.account_id;
            if current {
                insert_session(&txn, &session).await?;
            }
            Ok(current)
        })
    }

    pub(crate) async fn session(
        &self,
        token_hash: [u8; 32],
        now: u64,
        idle: u64,
        max: u64,
    ) -> Result<SessionLookup, StoreError> {
        let hash = token_hash.as_slice();
        let found = {
            let client = self.client().await?;
            let row = client
                .query_opt("SELECT record FROM sessions WHERE token_hash = $1", &[&hash])
                .await
                .map_err(pg)?;
            row.map(|row| from_json::<SessionRecord>(row.get(0))).transpose()?
        };
        let Some(record) = found else { return Ok(SessionLookup::Missing) };
        if record.is_live(now, idle, max) && now < record.last_seen_at + TOUCH_EVERY {
            return Ok(SessionLookup::Live(record));
        }
        transaction!(self, txn => {
            // Read again under the lock: the session may have ended or been touched since.
            let row = txn
                .query_opt("SELECT record FROM sessions WHERE token_hash = $1 FOR UPDATE", &[&hash])
                .await
                .map_err(pg)?;
            let Some(row) = row else { return Ok(SessionLookup::Missing) };
            let mut record: SessionRecord = from_json(row.get(0))?;
            if !record.is_live(now, idle, max) {
                txn.execute("DELETE FROM sessions WHERE token_hash = $1", &[&hash]).await.map_err(pg)?;
                return Ok(SessionLookup::Expired(record));
            }
            if now > record.last_seen_at {
                record.last_seen_at = now;
                txn.execute(
                    "UPDATE sessions SET record = $2, last_seen_at = $3 WHERE token_hash = $1",
                    &[&hash, &to_json(&record)?, &big(now)?],
                )
                .await
                .map_err(pg)?;
            }
            Ok(SessionLookup::Live(record))
        })
    }

    pub(crate) async fn account_sessions(
        &self,
        account_id: AccountId,
        now: u64,
        idle: u64,
        max: u64,
    ) -> Result<Vec<SessionRecord>, StoreError> {
        let client = self.client().await?;
        let rows = client
            .query("SELECT record FROM sessions WHERE account = $1", &[&account_id.as_str()])
            .await
            .map_err(pg)?;
        let mut found = Vec::with_capacity(rows.len());
        for row in &rows {
            let record: SessionRecord = from_json(row.get(0))?;
            if record.is_live(now, idle, max) {
                found.push(record);
            }
        }
        found.sort_by(|a, b| b.created_at.cmp(&a.created_at).then_with(|| a.session_id.cmp(&b.session_id)));
        Ok(found)
    }

    pub(crate) async fn end_session(&self, token_hash: [u8; 32]) -> Result<bool, StoreError> {
        let client = self.client().await?;
        let ended = client
            .execute("DELETE FROM sessions WHERE token_hash = $1", &[&token_hash.as_slice()])
            .await
            .map_err(pg)?;
        Ok(ended > 0)
    }

    pub(crate) async fn end_session_by_id(
        &self,
        account_id: AccountId,
        session_id: String,
    ) -> Result<bool, StoreError> {
        let client = self.client().await?;
        let ended = client
            .execute(
                "DELETE FROM sessions WHERE account = $1 AND session_id = $2",
                &[&account_id.as_str(), &session_id],
            )
            .await
            .map_err(pg)?;
        Ok(ended > 0)
    }

    pub(crate) async fn end_other_sessions(
        &self,
        account_id: AccountId,
        keep: String,
    ) -> Result<Vec<String>, StoreError> {
        transaction!(self, txn => end_sessions(&txn, account_id.as_str(), Some(keep.as_str())).await)
    }

    pub(crate) async fn end_session_by_link(
        &self,
        link_hash: [u8; 32],
    ) -> Result<Option<SessionRecord>, StoreError> {
        let client = self.client().await?;
        // Of two racing uses of one link, the second waits on the first's delete and then
        // finds nothing: the link works once.
        let row = client
            .query_opt(
                "DELETE FROM sessions
                 WHERE token_hash = (SELECT token_hash FROM end_links WHERE link_hash = $1)
                 RETURNING record",
                &[&link_hash.as_slice()],
            )
            .await
            .map_err(pg)?;
        row.map(|row| from_json(row.get(0))).transpose()
    }

    pub(crate) async fn sweep_sessions(
        &self,
        now: u64,
        idle: u64,
        max: u64,
    ) -> Result<Vec<SessionRecord>, StoreError> {
        let client = self.client().await?;
        let (born_before, seen_before) = (cutoff(now, max)?, cutoff(now, idle)?);
        let mut ended = Vec::new();
        loop {
            // Each dead session is deleted, and so returned, by one sweep only: rows another
            // server's sweep (or a request) holds are skipped.
            let rows = client
                .query(
                    "DELETE FROM sessions WHERE token_hash IN (
                         SELECT token_hash FROM sessions WHERE created_at <= $1 OR last_seen_at <= $2
                         LIMIT $3 FOR UPDATE SKIP LOCKED)
                     RETURNING record",
                    &[&born_before, &seen_before, &SWEEP_BATCH],
                )
                .await
                .map_err(pg)?;
            for row in &rows {
                ended.push(from_json(row.get(0))?);
            }
            if rows.len() < SWEEP_BATCH as usize {
                return Ok(ended);
            }
        }
    }
}
