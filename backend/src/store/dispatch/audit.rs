//! The store's audit methods, answered by either backend.

use crate::audit::record::{NewEvent, StoredEvent};
use crate::audit::writer::{Committed, Sink};
use crate::store::audit::AuditPage;
use crate::store::{Store, StoreError};
use coffer_shared::id::AccountId;
use std::sync::Arc;

impl Store {
    /// Appends `events` to the server's chain and their accounts' chains in the transaction of
    /// the next batch of writes ([`super::batch`]); returns them once durably committed, after
    /// `sink` has announced them.
    pub async fn append_audit(
        &self,
        events: Vec<NewEvent>,
        sink: Sink,
    ) -> Result<Vec<Arc<Committed>>, StoreError> {
        dispatch!(self.append_audit(events, sink))
    }

    /// A page of `account`'s events below `before` (all, without it), newest first: at most
    /// `limit` that pass `keep`, examining at most `budget` events.
    pub async fn audit_page<F>(
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
        dispatch!(self.audit_page(account, before, limit, budget, keep))
    }

    /// `account`'s newest events, newest first, up to (not including) the first for which
    /// `within` is false, reading at most `budget`; `true` in the second place when the budget
    /// ended the read before `within` did (the result is then only the newest `budget`).
    pub async fn audit_recent<F>(
        &self,
        account: AccountId,
        budget: usize,
        within: F,
    ) -> Result<(Vec<StoredEvent>, bool), StoreError>
    where
        F: Fn(&StoredEvent) -> bool + Send + 'static,
    {
        dispatch!(self.audit_recent(account, budget, within))
    }
}

impl Store {
    /// Runs `work` over a consistent read-only view of the whole log. Blocking; on PostgreSQL it
    /// must run on a thread that may block on the runtime (a blocking task).
    pub fn audit_snapshot<R>(
        &self,
        work: impl FnOnce(&dyn crate::store::audit_view::AuditView) -> Result<R, StoreError>,
    ) -> Result<R, StoreError> {
        match self {
            Self::Redb(backend) => backend.audit_snapshot(|snapshot| work(snapshot)),
            Self::Postgres(backend) => work(&backend.audit_view()?),
        }
    }
}
