//! The tamper-evident security event log (`docs/audit.md`).
//!
//! - [`event`]: the typed events, one variant per type; no free text.
//! - [`record`]: the stored record, its canonical bytes and its hash.
//! - [`writer`]: appending through the store's batch writer (group commit), and the hooks after
//!   each commit.
//! - [`repeats`]: folding the repeats of downloads and share openings into aggregates.
//! - [`keyed`]: where the keyed part of the chain begins (`audit-keyed-from`).
//! - [`request`]: the middleware that records refusals and the [`Audit`] extractor for handlers.
//! - [`refusal`]: what an error response tells the log.
//! - [`system`]: events the server makes itself (sweeps, expired sessions).
//! - [`query`]: the filters of the Activity API.
//! - [`verify`] and [`export`]: the checks and the NDJSON of `coffer-server audit`, run by [`cli`];
//!   [`log_head`]: the last head of the chain in a log file of the server.
//! - [`when`]: the times of the export (`--since`, `timestamp`).

pub mod cli;
pub mod event;
pub mod export;
pub mod keyed;
pub mod log_head;
pub mod query;
pub mod record;
pub mod refusal;
pub mod repeats;
pub mod request;
pub mod system;
pub mod verify;
pub mod when;
pub mod writer;

pub use event::Event;
pub use request::{Audit, RequestScope};
pub use writer::AuditLog;
