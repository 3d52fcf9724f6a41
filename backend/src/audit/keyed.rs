//! The switch to keyed hashes (`docs/audit.md`, "The switch to keyed hashes"): the `seq` of the
//! first keyed event, kept in `<data-dir>/audit-keyed-from`, outside the database, so that whoever
//! holds only the database cannot pass unkeyed events they made off as events from before the
//! switch.

use std::path::{Path, PathBuf};

use super::record::{UNKEYED_VERSION, decode};
use crate::secret::write_atomically;
use crate::store::audit::SERVER_CHAIN;
use crate::store::{Store, StoreError};

/// The file name inside the data folder.
pub const FILE_NAME: &str = "audit-keyed-from";

/// The file could not be read or written, says something else than a `seq`, or the database
/// could not tell where the keyed events begin.
#[derive(Debug, thiserror::Error)]
pub enum KeyedFromError {
    /// Reading or writing the file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        source: std::io::Error,
    },
    /// The file does not hold a `seq` in ASCII decimal followed by a newline.
    #[error("{path}: not a seq in ASCII decimal followed by a newline")]
    Malformed {
        /// The file.
        path: PathBuf,
    },
    /// The database failed, or an event needed to find the switch does not decode.
    #[error("finding the first keyed event: {0}")]
    Store(#[from] StoreError),
}

/// The recorded `seq` of the first keyed event in the file at `path`; `None` without the file.
pub fn read(path: &Path) -> Result<Option<u64>, KeyedFromError> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(KeyedFromError::Io { path: path.to_owned(), source }),
    };
    parse(&bytes).map(Some).ok_or_else(|| KeyedFromError::Malformed { path: path.to_owned() })
}

/// `seq` from `"<decimal>\n"`, refusing anything else (a sign, a leading zero, white space, 0).
fn parse(bytes: &[u8]) -> Option<u64> {
    let digits = bytes.strip_suffix(b"\n")?;
    if digits.is_empty() || digits.first() == Some(&b'0') || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(digits).ok()?.parse().ok()
}

/// At the server's start: the recorded switch, or, when the file is missing, the switch found
/// in the database (the next `seq`, or the first keyed event when some are stored), written to
/// the file before any event. Blocking.
pub fn ensure(data_dir: &Path, store: &Store) -> Result<u64, KeyedFromError> {
    let path = data_dir.join(FILE_NAME);
    if let Some(from) = read(&path)? {
        return Ok(from);
    }
    let from = first_keyed(store)?;
    write_atomically(&path, format!("{from}\n").as_bytes())
        .map_err(|source| KeyedFromError::Io { path: path.clone(), source })?;
    tracing::info!(event = "audit_chain_keyed", from_seq = from);
    Ok(from)
}

/// The `seq` of the first keyed event, or the next `seq` if none is keyed. Keyed events only
/// ever follow unkeyed ones, so a binary search finds it in a few reads.
fn first_keyed(store: &Store) -> Result<u64, StoreError> {
    store.audit_snapshot(|snapshot| {
        let last = snapshot
            .server_heads()?
            .into_iter()
            .find(|(chain, _)| chain == SERVER_CHAIN)
            .map_or(0, |(_, head)| head.last_seq);
        let keyed = |seq: u64| -> Result<bool, StoreError> {
            let bytes = snapshot
                .event(SERVER_CHAIN, seq)?
                .ok_or_else(|| StoreError::Corrupt(format!("audit event {seq} is missing")))?;
            let record = decode(&bytes).map_err(|error| StoreError::Corrupt(error.0))?;
            Ok(record.v != UNKEYED_VERSION)
        };
        if last == 0 || !keyed(last)? {
            return Ok(last + 1);
        }
        let (mut unkeyed_below, mut keyed_at) = (0, last);
        while keyed_at - unkeyed_below > 1 {
            let middle = unkeyed_below + (keyed_at - unkeyed_below) / 2;
            if keyed(middle)? { keyed_at = middle } else { unkeyed_below = middle }
        }
        Ok(keyed_at)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_plain_decimal_and_a_newline_parse() {
        assert_eq!(parse(b"1\n"), Some(1));
        assert_eq!(parse(b"1234\n"), Some(1234));
        for bad in [&b"0\n"[..], b"01\n", b"12", b" 12\n", b"12\n\n", b"-1\n", b"\n", b"1x\n"] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
    }
}
