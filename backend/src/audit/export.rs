//! `audit export`: every event as one JSON line, for a SIEM (`docs/audit.md`,
//! "`coffer-server audit export`"). Each line holds the record's members, `timestamp` and `hash`.

use std::io::Write;

use coffer_shared::crypto::audit_chain::ChainKey;
use serde::Serialize;

use super::record::{Detail, StoredEvent, decode, hash, hex};
use super::when::rfc3339;
use crate::store::{Store, StoreError};

/// One exported line.
#[derive(Serialize)]
struct Line<'a> {
    /// The server chain, on a database several servers share (absent for a redb file's one).
    #[serde(skip_serializing_if = "str::is_empty")]
    server: &'a str,
    v: u32,
    seq: u64,
    time: u64,
    timestamp: String,
    #[serde(rename = "type")]
    kind: &'a str,
    severity: &'a str,
    account: &'a Option<String>,
    account_seq: Option<u64>,
    session: &'a Option<String>,
    ip: &'a Option<String>,
    user_agent: &'a Option<String>,
    place: &'a Option<String>,
    detail: &'a Detail,
    prev: &'a str,
    account_prev: &'a Option<String>,
    hash: String,
}

/// Why the export stopped.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The database failed.
    #[error("{0}")]
    Store(#[from] StoreError),
    /// A stored record does not decode (run `audit verify`).
    #[error("event {seq} does not decode: {reason}")]
    Undecodable {
        /// The event.
        seq: u64,
        /// Why.
        reason: String,
    },
    /// Writing failed.
    #[error("write: {0}")]
    Io(#[from] std::io::Error),
}

/// The NDJSON line of a record with its hash (no newline).
pub fn line(server: &str, record: &StoredEvent, digest: &[u8; 32]) -> Vec<u8> {
    let line = Line {
        server,
        v: record.v,
        seq: record.seq,
        time: record.time,
        timestamp: rfc3339(record.time),
        kind: &record.kind,
        severity: &record.severity,
        account: &record.account,
        account_seq: record.account_seq,
        session: &record.session,
        ip: &record.ip,
        user_agent: &record.user_agent,
        place: &record.place,
        detail: &record.detail,
        prev: &record.prev,
        account_prev: &record.account_prev,
        hash: hex(digest),
    };
    // Strings, numbers and maps with string keys always serialize.
    serde_json::to_vec(&line).unwrap_or_default()
}

/// Writes every event whose `time` is at or after `since` (all, without it) to `out`, one line
/// each, in the order they were written (`seq` order on one chain), with its hash under `key`;
/// returns how many. Blocking.
pub fn export(
    store: &Store,
    key: &ChainKey,
    since: Option<u64>,
    out: &mut impl Write,
) -> Result<u64, ExportError> {
    let since = since.unwrap_or(0);
    store.audit_snapshot(|view| {
        let mut written = 0;
        let mut failure = None;
        view.written(&mut |server, seq, bytes| {
            let result = match decode(bytes) {
                Ok(record) if record.time < since => Ok(()),
                Ok(record) => {
                    written += 1;
                    let mut text = line(server, &record, &hash(&record, bytes, key));
                    text.push(b'\n');
                    out.write_all(&text).map_err(ExportError::from)
                }
                Err(error) => Err(ExportError::Undecodable { seq, reason: error.0 }),
            };
            result.map_err(|error| failure = Some(error)).is_ok()
        })?;
        Ok(match failure {
            Some(failure) => Err(failure),
            None => Ok(written),
        })
    })?
}
