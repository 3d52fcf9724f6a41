//! [`AuditView`]: a consistent, read-only view of the whole security log, for `audit verify`
//! and `audit export`. redb's has one server chain (`""`); PostgreSQL's one per server
//! (`--server-id`), each numbered from 1, with account chains that cross them.

use super::StoreError;
use super::chain::Head;

/// The security log as of one moment.
pub trait AuditView {
    /// Every server chain's name and head, by name.
    fn server_heads(&self) -> Result<Vec<(String, Head)>, StoreError>;

    /// Every account chain's account id and head, by account.
    fn account_heads(&self) -> Result<Vec<(String, Head)>, StoreError>;

    /// Calls `visit(seq, stored record)` for the events of `server`'s chain from `from_seq` on,
    /// in order, until it answers `false`.
    fn events(
        &self,
        server: &str,
        from_seq: u64,
        visit: &mut dyn FnMut(u64, &[u8]) -> bool,
    ) -> Result<(), StoreError>;

    /// Calls `visit(server, seq, stored record)` for every event of every chain, in the order
    /// they were written, until it answers `false`.
    fn written(&self, visit: &mut dyn FnMut(&str, u64, &[u8]) -> bool) -> Result<(), StoreError>;

    /// The stored record of event `seq` of `server`'s chain, if it is stored.
    fn event(&self, server: &str, seq: u64) -> Result<Option<Vec<u8>>, StoreError>;

    /// Calls `visit(account, account_seq, server, seq)` for every entry of the account index,
    /// by account (bytewise) and `account_seq`, until it answers `false`.
    fn account_index(&self, visit: &mut dyn FnMut(&str, u64, &str, u64) -> bool) -> Result<(), StoreError>;
}
