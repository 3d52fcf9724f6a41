//! `manifest.json`, written last into a backup: what it holds, with every file's size and
//! SHA-256 (`docs/backup.md`, "Manifest").

use std::collections::BTreeMap;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::BackupError;
use crate::owner_only;

/// The manifest's file name.
pub const FILE_NAME: &str = "manifest.json";
/// The layout this build writes and reads.
pub const FORMAT: u32 = 1;
/// The largest manifest read: room for millions of files.
const MAX_BYTES: u64 = 1 << 30;

/// What a backup holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// [`FORMAT`].
    pub format: u32,
    /// The version of the `coffer-server` that wrote it.
    pub coffer_version: String,
    /// The database's schema version.
    pub schema_version: u64,
    /// When the snapshot's read transaction began, Unix seconds.
    pub taken_at: u64,
    /// Rows, by table.
    pub tables: BTreeMap<String, u64>,
    /// The blobs' recorded chunks.
    pub blobs: Blobs,
    /// Every other file of the backup.
    pub files: Vec<Entry>,
}

/// The recorded chunks a backup holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Blobs {
    /// Files with at least one chunk.
    pub files: u64,
    /// Chunks.
    pub chunks: u64,
    /// Their bytes.
    pub bytes: u64,
}

/// One file of a backup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Its path in the backup, `/`-separated.
    pub path: String,
    /// Its size.
    pub bytes: u64,
    /// Its SHA-256, hex.
    pub sha256: String,
}

impl Manifest {
    /// Reads `<dir>/manifest.json`, refusing another format.
    pub fn read(dir: &Path) -> Result<Self, BackupError> {
        let path = dir.join(FILE_NAME);
        let mut bytes = Vec::new();
        open_plain(&path).and_then(|file| file.take(MAX_BYTES).read_to_end(&mut bytes)).map_err(|error| {
            BackupError::Refused(format!(
                "{}: {error} (a backup without its manifest is unfinished)",
                path.display()
            ))
        })?;
        let manifest: Self = serde_json::from_slice(&bytes)
            .map_err(|error| BackupError::Mismatch(format!("{}: {error}", path.display())))?;
        if manifest.format != FORMAT {
            return Err(BackupError::Refused(format!(
                "{}: format {}, this build reads {FORMAT}",
                path.display(),
                manifest.format
            )));
        }
        Ok(manifest)
    }

    /// Writes it into `dir` whole or not at all, synced.
    pub fn write(&self, dir: &Path) -> Result<(), BackupError> {
        let bytes = serde_json::to_vec_pretty(self).map_err(io::Error::other)?;
        crate::secret::write_atomically(&dir.join(FILE_NAME), &bytes)?;
        Ok(())
    }

    /// The entry of `path`.
    pub fn entry(&self, path: &str) -> Option<&Entry> {
        self.files.iter().find(|entry| entry.path == path)
    }
}

/// Every file under `dir` but the manifest (and, when `skip` names one, that folder), as
/// `/`-separated paths relative to `dir`, sorted.
pub fn list(dir: &Path, skip: Option<&str>) -> io::Result<Vec<String>> {
    let mut found = Vec::new();
    let mut folders = vec![PathBuf::new()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(dir.join(&folder))? {
            let entry = entry?;
            let relative = folder.join(entry.file_name());
            let name = relative.to_str().ok_or_else(|| io::Error::other("a file name that is not UTF-8"))?;
            let kind = entry.file_type()?;
            if kind.is_dir() {
                if Some(name) != skip {
                    folders.push(relative);
                }
            } else if !kind.is_file() {
                return Err(io::Error::other(format!("{name} is neither a file nor a folder")));
            } else if name != FILE_NAME {
                found.push(name.replace(std::path::MAIN_SEPARATOR, "/"));
            }
        }
    }
    found.sort();
    Ok(found)
}

/// Copies `from` to `to` (when given) while hashing it; returns its size and SHA-256 in hex.
/// Follows no link; with `expected`, reads at most one byte more than that. The copy is
/// synced before this returns.
pub fn hash_copy(from: &Path, to: Option<&Path>, expected: Option<u64>) -> io::Result<(u64, String)> {
    let file = open_plain(from)?;
    let mut input = file.take(expected.map_or(u64::MAX, |bytes| bytes.saturating_add(1)));
    let mut output = to.map(owner_only::file).transpose()?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0; 1 << 20];
    let mut total = 0;
    loop {
        let read = input.read(&mut buffer)?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
        if let Some(output) = &mut output {
            output.write_all(&buffer[..read])?;
        }
        total += read as u64;
    }
    if let Some(output) = output {
        output.sync_all()?;
    }
    Ok((total, crate::audit::record::hex(&hasher.finalize())))
}

/// Opens plain file `path` for reading: no link is followed, no pipe waited on.
fn open_plain(path: &Path) -> io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    let nonblocking = rustix::fs::OFlags::NONBLOCK.bits() as i32;
    let file =
        std::fs::OpenOptions::new().read(true).custom_flags(owner_only::NOFOLLOW | nonblocking).open(path)?;
    if !file.metadata()?.is_file() {
        return Err(io::Error::other(format!("{} is not a plain file", path.display())));
    }
    Ok(file)
}
