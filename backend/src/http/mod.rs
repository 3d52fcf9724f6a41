//! HTTP plumbing shared by every route: the error type, extractors and middleware.

pub mod client_ip;
pub mod error;
pub mod id_path;
pub mod json;
pub mod query;
pub mod rate_limit;
pub mod security_headers;
pub mod serde_field;
pub mod token;
pub mod trace;
