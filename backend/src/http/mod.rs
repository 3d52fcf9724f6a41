//! HTTP plumbing shared by every route: the error type, extractors and middleware.

pub mod client_ip;
pub mod error;
pub mod json;
pub mod rate_limit;
pub mod security_headers;
pub mod share_id;
pub mod trace;
