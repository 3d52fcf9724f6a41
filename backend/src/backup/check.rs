//! What a backup folder must pass before `backup` writes its manifest and before `restore`
//! moves it into place: its database opens with this build's schema, every recorded chunk is
//! in its blob with its SHA-256, no blob file is left that no chunk names, and its security
//! log verifies with its server secret.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use super::BackupError;
use super::manifest::Blobs;
use super::tables::all;
use crate::blobs::disk::blob_id;
use crate::store::copy::CopyError;
use crate::store::copy::source::Source;
use crate::store::redb::recorded::checked;

/// What a folder that passed holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// Rows, by table.
    pub tables: BTreeMap<String, u64>,
    /// The recorded chunks, all found whole.
    pub blobs: Blobs,
    /// Events in the security log, all verified.
    pub events: u64,
}

/// Checks the installation in `dir` (no server may be running on it).
pub fn check(dir: &Path) -> Result<Found, BackupError> {
    let source = Source::open(dir).map_err(|error| match error {
        CopyError::Store(error) => BackupError::Store(error),
        other => BackupError::Mismatch(other.to_string()),
    })?;
    let read = source.store.read()?;
    let mut tables = BTreeMap::new();
    for table in all() {
        tables.insert(table.name().to_owned(), table.rows(&read)?);
    }
    let blob_dir = dir.join("blobs");
    let mut blobs = Blobs::default();
    // Each blob's end: the end of its last recorded chunk (a backup holds no other bytes).
    let mut named = HashMap::new();
    for read_chunk in checked(&read, &blob_dir)? {
        let (chunk, _, first) = read_chunk.map_err(|error| BackupError::Mismatch(error.message))?;
        blobs.files += u64::from(first);
        blobs.chunks += 1;
        blobs.bytes += chunk.len;
        named.insert(chunk.file, chunk.offset + chunk.len);
    }
    drop(read);
    if blob_dir.exists() {
        for entry in std::fs::read_dir(&blob_dir)? {
            let entry = entry?;
            let name = entry.file_name();
            let name = name.to_string_lossy();
            let Some(end) = blob_id(&name).and_then(|id| named.get(id)) else {
                return Err(BackupError::Mismatch(format!(
                    "blobs/{name} is not a blob any recorded chunk is in"
                )));
            };
            if entry.metadata()?.len() != *end {
                return Err(BackupError::Mismatch(format!(
                    "blobs/{name} holds bytes past its last recorded chunk"
                )));
            }
        }
    }
    Ok(Found { tables, blobs, events: source.log.events })
}
