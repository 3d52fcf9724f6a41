//! The security log on PostgreSQL as one consistent view ([`AuditView`]): a connection of its
//! own in a read-only, repeatable-read transaction, so that what `audit verify` and
//! `audit export` read is one moment of the log however long they take. The view's methods
//! are blocking; it must be used from a thread that may block on the runtime (a blocking task).

use tokio::runtime::Handle;
use tokio_postgres::{Client, NoTls};

use super::audit::chain_head;
use super::rows::unsigned;
use super::{PgStore, pg};
use crate::audit::record::unhex;
use crate::audit::verify::KeyedFrom;
use crate::store::StoreError;
use crate::store::audit_view::AuditView;
use crate::store::chain::Head;

/// Rows read at a time.
const PAGE: i64 = 5000;

/// A snapshot of the log on PostgreSQL.
pub struct PgAuditView {
    client: Client,
    handle: Handle,
}

/// The `cluster` rows naming a server chain whose first keyed event is not its first
/// (`<prefix><chain>`, valued `<seq>:<hex of the server's tag>`): a chain moved from a redb file
/// whose log began before its hashes were keyed. No server appends to such a chain.
pub const KEYED_FROM_PREFIX: &str = "audit_keyed_from:";

impl PgStore {
    /// The chains whose first keyed event is not their first ([`KEYED_FROM_PREFIX`]).
    pub async fn keyed_from_chains(&self) -> Result<Vec<KeyedFrom>, StoreError> {
        let client = self.client().await?;
        let rows = client
            .query(
                "SELECT name, value FROM cluster WHERE starts_with(name, $1) ORDER BY name",
                &[&KEYED_FROM_PREFIX],
            )
            .await
            .map_err(pg)?;
        rows.iter()
            .map(|row| {
                let chain = row.get::<_, &str>(0).trim_start_matches(KEYED_FROM_PREFIX).to_owned();
                let value = std::str::from_utf8(row.get::<_, &[u8]>(1)).unwrap_or_default();
                let parsed =
                    value.split_once(':').and_then(|(seq, tag)| Some((seq.parse().ok()?, unhex(tag)?)));
                let (seq, tag) = parsed.ok_or_else(|| {
                    StoreError::Corrupt(format!("{KEYED_FROM_PREFIX}{chain}: not <seq>:<tag>"))
                })?;
                Ok(KeyedFrom { chain, seq, tag })
            })
            .collect()
    }

    /// Opens a view of the log as of now. Blocking.
    pub fn audit_view(&self) -> Result<PgAuditView, StoreError> {
        let handle = Handle::try_current()
            .map_err(|_| StoreError::Database("the audit view needs a runtime to block on".into()))?;
        let config = self.config.clone();
        let client = handle.block_on(async move {
            let (client, connection) = config.connect(NoTls).await.map_err(pg)?;
            tokio::spawn(connection);
            client.batch_execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY").await.map_err(pg)?;
            Ok::<_, StoreError>(client)
        })?;
        Ok(PgAuditView { client, handle })
    }
}

impl PgAuditView {
    /// A view through `client`, inside the transaction it has open: what that transaction
    /// wrote is seen before it commits (`coffer-server migrate --from` verifies its copy so).
    /// Blocking, as [`PgStore::audit_view`]'s.
    pub(in crate::store) fn within(client: Client, handle: Handle) -> Self {
        Self { client, handle }
    }

    /// The connection back, its transaction still open.
    pub(in crate::store) fn into_client(self) -> Client {
        self.client
    }

    fn heads(&self, kind: &str) -> Result<Vec<(String, Head)>, StoreError> {
        self.handle.block_on(async {
            let rows = self
                .client
                .query(
                    "SELECT chain, count, last_seq, hash FROM audit_heads WHERE kind = $1 ORDER BY chain COLLATE \"C\"",
                    &[&kind],
                )
                .await
                .map_err(pg)?;
            rows.iter().map(chain_head).collect()
        })
    }
}

impl AuditView for PgAuditView {
    fn server_heads(&self) -> Result<Vec<(String, Head)>, StoreError> {
        // A chain with events and no head is listed with an empty head, so that its events are
        // walked and named (not covered by their head) rather than left unseen.
        let mut heads = self.heads("s")?;
        let stored = self.handle.block_on(self.client.query("SELECT DISTINCT server FROM audit_events", &[]));
        for row in stored.map_err(pg)? {
            let chain: String = row.get(0);
            if !heads.iter().any(|(name, _)| *name == chain) {
                heads.push((chain, Head::default()));
            }
        }
        heads.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
        Ok(heads)
    }

    fn account_heads(&self) -> Result<Vec<(String, Head)>, StoreError> {
        self.heads("a")
    }

    fn events(
        &self,
        server: &str,
        from_seq: u64,
        visit: &mut dyn FnMut(u64, &[u8]) -> bool,
    ) -> Result<(), StoreError> {
        let mut from = i64::try_from(from_seq).unwrap_or(i64::MAX);
        loop {
            let rows = self.handle.block_on(self.client.query(
                "SELECT seq, record FROM audit_events WHERE server = $1 AND seq >= $2 ORDER BY seq LIMIT $3",
                &[&server, &from, &PAGE],
            ));
            let rows = rows.map_err(pg)?;
            for row in &rows {
                let seq: i64 = row.get(0);
                if !visit(unsigned(seq)?, row.get(1)) {
                    return Ok(());
                }
                from = seq + 1;
            }
            if (rows.len() as i64) < PAGE {
                return Ok(());
            }
        }
    }

    fn written(&self, visit: &mut dyn FnMut(&str, u64, &[u8]) -> bool) -> Result<(), StoreError> {
        let mut after = 0_i64;
        loop {
            let rows = self.handle.block_on(self.client.query(
                "SELECT position, server, seq, record FROM audit_events WHERE position > $1 ORDER BY position LIMIT $2",
                &[&after, &PAGE],
            ));
            let rows = rows.map_err(pg)?;
            for row in &rows {
                if !visit(row.get(1), unsigned(row.get(2))?, row.get(3)) {
                    return Ok(());
                }
                after = row.get(0);
            }
            if (rows.len() as i64) < PAGE {
                return Ok(());
            }
        }
    }

    fn event(&self, server: &str, seq: u64) -> Result<Option<Vec<u8>>, StoreError> {
        let seq = i64::try_from(seq).unwrap_or(i64::MAX);
        let row =
            self.handle.block_on(self.client.query_opt(
                "SELECT record FROM audit_events WHERE server = $1 AND seq = $2",
                &[&server, &seq],
            ));
        Ok(row.map_err(pg)?.map(|row| row.get(0)))
    }

    fn account_index(&self, visit: &mut dyn FnMut(&str, u64, &str, u64) -> bool) -> Result<(), StoreError> {
        let (mut after_account, mut after_seq) = (String::new(), 0_i64);
        loop {
            let rows = self.handle.block_on(self.client.query(
                "SELECT account, account_seq, server, seq FROM audit_account_events
                 WHERE (account COLLATE \"C\", account_seq) > ($1 COLLATE \"C\", $2)
                 ORDER BY account COLLATE \"C\", account_seq LIMIT $3",
                &[&after_account, &after_seq, &PAGE],
            ));
            let rows = rows.map_err(pg)?;
            for row in &rows {
                let (account, account_seq): (&str, i64) = (row.get(0), row.get(1));
                if !visit(account, unsigned(account_seq)?, row.get(2), unsigned(row.get(3))?) {
                    return Ok(());
                }
                (after_account, after_seq) = (account.to_owned(), account_seq);
            }
            if (rows.len() as i64) < PAGE {
                return Ok(());
            }
        }
    }
}
