//! The security event log on PostgreSQL (`docs/audit.md`, "On PostgreSQL"): each server
//! appends to chains of its own (`<server-id>/<n>`, [`CHAINS_PER_SERVER`] of them, in turn), so
//! servers do not wait on each other's events and one server's appends do not all wait on one
//! head held through its commit; an account's chain is shared, and appends to it take turns on
//! its head's row lock. Heads are locked in one order (the server chain's, then accounts by id),
//! so appends never deadlock.

use std::collections::HashMap;
use std::sync::Arc;

use coffer_shared::crypto::audit_chain::ChainKey;
use coffer_shared::id::AccountId;
use tokio_postgres::Transaction;

use super::rows::{big, hash, unsigned};
use super::{PgStore, pg};
use crate::audit::record::{Appended, GENESIS, NewEvent, StoredEvent, decode};
use crate::audit::writer::{Committed, Sink};
use crate::store::StoreError;
use crate::store::audit::AuditPage;
use crate::store::chain::{Head, accounts_of, link};

/// The chains each server appends to, in turn. An append holds its chain's head from the
/// append to the commit (a WAL flush): with one chain a server's audited writes (every create
/// and claim) would commit one at a time.
pub const CHAINS_PER_SERVER: usize = 16;

/// `kind` of a server's chain in `audit_heads`.
pub(in crate::store) const SERVER: &str = "s";
/// `kind` of an account's chain.
pub(in crate::store) const ACCOUNT: &str = "a";

/// Locks the heads of the chains `kind`/`chains` (creating empty ones), in the order given.
async fn lock_heads(
    txn: &Transaction<'_>,
    kind: &str,
    chains: &[String],
) -> Result<HashMap<String, Head>, StoreError> {
    if chains.is_empty() {
        return Ok(HashMap::new());
    }
    // An upsert that changes nothing locks the row and returns it, in one round trip.
    let rows = txn
        .query(
            "INSERT INTO audit_heads (kind, chain, count, last_server, last_seq, hash)
             SELECT $1, chain, 0, '', 0, $3 FROM unnest($2::text[]) WITH ORDINALITY AS c(chain, n) ORDER BY n
             ON CONFLICT (kind, chain) DO UPDATE SET count = audit_heads.count
             RETURNING chain, count, last_seq, hash",
            &[&kind, &chains, &GENESIS.as_slice()],
        )
        .await
        .map_err(pg)?;
    rows.iter().map(chain_head).collect()
}

/// A row of `(chain, count, last_seq, hash)` as the chain's name and [`Head`].
pub(super) fn chain_head(row: &tokio_postgres::Row) -> Result<(String, Head), StoreError> {
    let head =
        Head { count: unsigned(row.get(1))?, last_seq: unsigned(row.get(2))?, hash: hash(row.get(3))? };
    Ok((row.get(0), head))
}

/// Writes the new heads of `kind`'s chains.
async fn write_heads(
    txn: &Transaction<'_>,
    kind: &str,
    server: &str,
    heads: &HashMap<String, Head>,
) -> Result<(), StoreError> {
    if heads.is_empty() {
        return Ok(());
    }
    let mut chains = Vec::with_capacity(heads.len());
    let (mut counts, mut seqs, mut hashes) = (Vec::new(), Vec::new(), Vec::new());
    for (chain, head) in heads {
        chains.push(chain.as_str());
        counts.push(big(head.count)?);
        seqs.push(big(head.last_seq)?);
        hashes.push(head.hash.as_slice());
    }
    txn.execute(
        "UPDATE audit_heads h SET count = n.count, last_server = $2, last_seq = n.seq, hash = n.hash
         FROM unnest($3::text[], $4::bigint[], $5::bigint[], $6::bytea[]) AS n(chain, count, seq, hash)
         WHERE h.kind = $1 AND h.chain = n.chain",
        &[&kind, &server, &chains, &counts, &seqs, &hashes],
    )
    .await
    .map_err(pg)?;
    Ok(())
}

impl PgStore {
    /// Appends `events` in `txn` to this server's chain and their accounts' chains, hashed
    /// with `key`.
    pub(super) async fn append_in(
        &self,
        txn: &Transaction<'_>,
        events: &[NewEvent],
        key: &ChainKey,
    ) -> Result<Vec<Appended>, StoreError> {
        if events.is_empty() {
            return Ok(Vec::new());
        }
        let chain = self.next_chain();
        let server = chain.as_str();
        let mut servers = lock_heads(txn, SERVER, std::slice::from_ref(&chain)).await?;
        let mut accounts = lock_heads(txn, ACCOUNT, &accounts_of(events)).await?;
        let head = servers.get_mut(server).ok_or_else(|| StoreError::Database("no server head".into()))?;
        let linked = link(events, head, &mut accounts, key);
        let (seqs, records): (Vec<i64>, Vec<&[u8]>) = linked
            .records
            .iter()
            .map(|(seq, bytes)| Ok((big(*seq)?, bytes.as_slice())))
            .collect::<Result<Vec<_>, StoreError>>()?
            .into_iter()
            .unzip();
        txn.execute(
            "INSERT INTO audit_events (server, seq, record) SELECT $1, * FROM unnest($2::bigint[], $3::bytea[])",
            &[&server, &seqs, &records],
        )
        .await
        .map_err(pg)?;
        if !linked.index.is_empty() {
            let mut names = Vec::new();
            let (mut account_seqs, mut index_seqs) = (Vec::new(), Vec::new());
            for (account, account_seq, seq) in &linked.index {
                names.push(account.as_str());
                account_seqs.push(big(*account_seq)?);
                index_seqs.push(big(*seq)?);
            }
            txn.execute(
                "INSERT INTO audit_account_events (account, account_seq, server, seq)
                 SELECT a, s, $1, q FROM unnest($2::text[], $3::bigint[], $4::bigint[]) AS n(a, s, q)",
                &[&server, &names, &account_seqs, &index_seqs],
            )
            .await
            .map_err(pg)?;
        }
        write_heads(txn, SERVER, server, &servers).await?;
        write_heads(txn, ACCOUNT, server, &accounts).await?;
        Ok(linked.appended)
    }

    /// After the commit of a change that recorded `events` at `appended`: they go to the
    /// subscribers and to the server's log.
    pub(super) fn announce(sink: &Sink, events: Vec<NewEvent>, appended: Vec<Appended>) {
        let committed = Sink::committed(events, appended);
        sink.announce(&committed);
        Sink::log(&committed);
    }

    pub(crate) async fn append_audit(
        &self,
        events: Vec<NewEvent>,
        sink: Sink,
    ) -> Result<Vec<Arc<Committed>>, StoreError> {
        let appended = transaction!(self, txn => self.append_in(&txn, &events, sink.key()).await)?;
        let committed = Sink::committed(events, appended);
        sink.announce(&committed);
        Ok(committed)
    }

    pub(crate) async fn audit_page<F>(
        &self,
        account: AccountId,
        before: Option<u64>,
        limit: usize,
        budget: usize,
        keep: F,
    ) -> Result<AuditPage, StoreError>
    where
        F: Fn(&StoredEvent) -> bool + Send + 'static,
    {
        let below = before.map_or(Ok(i64::MAX), big)?;
        let rows = self.account_events(&account, below, budget).await?;
        let mut events = Vec::new();
        let mut last_examined = None;
        for (account_seq, record) in rows {
            if events.len() >= limit {
                break;
            }
            last_examined = Some(account_seq);
            if keep(&record) {
                events.push((account_seq, record));
            }
        }
        let next = last_examined.filter(|&account_seq| account_seq > 1);
        Ok(AuditPage { events, next })
    }

    pub(crate) async fn audit_recent<F>(
        &self,
        account: AccountId,
        budget: usize,
        within: F,
    ) -> Result<(Vec<StoredEvent>, bool), StoreError>
    where
        F: Fn(&StoredEvent) -> bool + Send + 'static,
    {
        let rows = self.account_events(&account, i64::MAX, budget.saturating_add(1)).await?;
        let mut events = Vec::new();
        for (_, record) in rows {
            if events.len() >= budget {
                return Ok((events, true));
            }
            if !within(&record) {
                break;
            }
            events.push(record);
        }
        Ok((events, false))
    }

    /// Up to `count` of `account`'s events below `account_seq` `below`, newest first.
    async fn account_events(
        &self,
        account: &AccountId,
        below: i64,
        count: usize,
    ) -> Result<Vec<(u64, StoredEvent)>, StoreError> {
        let limit = i64::try_from(count).unwrap_or(i64::MAX);
        let client = self.client().await?;
        let rows = client
            .query(
                "SELECT i.account_seq, e.record FROM audit_account_events i
                     JOIN audit_events e ON e.server = i.server AND e.seq = i.seq
                     WHERE i.account = $1 AND i.account_seq < $2
                     ORDER BY i.account_seq DESC LIMIT $3",
                &[&account.as_str(), &below, &limit],
            )
            .await
            .map_err(pg)?;
        rows.iter()
            .map(|row| {
                let record = decode(row.get(1)).map_err(|error| StoreError::Corrupt(error.0))?;
                Ok((unsigned(row.get(0))?, record))
            })
            .collect()
    }
}
