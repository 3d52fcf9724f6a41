//! The tamper-evident security event log (`docs/audit.md`).
//!
//! - [`event`]: the typed events, one variant per type; no free text.
//! - [`record`]: the stored record, its canonical bytes and its hash.
//! - [`writer`]: the one writer thread, with group commit, and the hooks after each commit.
//! - [`request`]: the middleware that records refusals and the [`Audit`] extractor for handlers.
//! - [`refusal`]: what an error response tells the log.
//! - [`system`]: events the server makes itself (sweeps, expired sessions).
//! - [`query`]: the filters of the Activity API.
//! - [`verify`] and [`export`]: the checks and the NDJSON of `coffer-server audit`, run by [`cli`].
//! - [`when`]: the times of the export (`--since`, `timestamp`).

pub mod cli;
pub mod event;
pub mod export;
pub mod query;
pub mod record;
pub mod refusal;
pub mod request;
pub mod system;
pub mod verify;
pub mod when;
pub mod writer;

pub use event::Event;
pub use request::{Audit, RequestScope};
pub use writer::AuditLog;
