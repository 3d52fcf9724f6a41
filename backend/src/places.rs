//! [`Places`]: an approximate place for a client IP, for sessions and security events. Today
//! the server has no IP database and every answer is unknown ([`UnknownPlaces`]); a lookup over
//! an MMDB file can implement the same trait later without touching its callers.

use std::net::IpAddr;

/// Looks up an approximate place ("Berlin, Germany") for an IP address.
pub trait Places: Send + Sync + 'static {
    /// The place of `ip`, or `None` when unknown. Must be fast: it runs inside requests.
    fn place(&self, ip: IpAddr) -> Option<String>;
}

/// The lookup without a database: every place is unknown.
#[derive(Debug, Default, Clone, Copy)]
pub struct UnknownPlaces;

impl Places for UnknownPlaces {
    fn place(&self, _ip: IpAddr) -> Option<String> {
        None
    }
}
