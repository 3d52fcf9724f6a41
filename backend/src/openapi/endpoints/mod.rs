//! Every endpoint the document describes, one file per group.

mod account;
mod accounts;
mod files;
mod server;
mod sessions;
mod shares;
mod vault;

use super::model::Endpoint;

/// All endpoints, in the document's order.
pub fn all() -> impl Iterator<Item = &'static Endpoint> {
    [
        shares::ENDPOINTS,
        files::ENDPOINTS,
        accounts::ENDPOINTS,
        sessions::ENDPOINTS,
        account::ENDPOINTS,
        vault::ENDPOINTS,
        server::ENDPOINTS,
    ]
    .into_iter()
    .flatten()
}
