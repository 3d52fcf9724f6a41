//! `coffer-server restore --from DIR --data-dir DATA` (`docs/backup.md`, "Restoring"): copies
//! a backup into `DATA/.restore/`, hashing every file against the manifest, checks the copy
//! as the backup was checked, then moves it into `DATA`, the database last.

use std::path::Path;

use sha2::{Digest, Sha256};

use super::check::{Found, check};
use super::manifest::{self, Manifest};
use super::{BackupError, private_dir, sync_dir};
use crate::audit::keyed;
use crate::blobs::disk::blob_id;
use crate::secret;
use crate::store::redb::schema::SCHEMA_VERSION;

/// The folder in the data folder a restore is assembled in.
const STAGING: &str = ".restore";
/// The database file, moved into place last.
const DATABASE: &str = "coffer.redb";

/// Restores the backup in `from` into `data_dir`.
pub fn restore(from: &Path, data_dir: &Path) -> Result<(Manifest, Found), BackupError> {
    let manifest = Manifest::read(from)?;
    if manifest.schema_version != SCHEMA_VERSION {
        return Err(BackupError::Refused(format!(
            "the backup's database has schema version {}, this build {SCHEMA_VERSION}: restore it \
             with the version that took it ({}), start that once, then upgrade",
            manifest.schema_version, manifest.coffer_version
        )));
    }
    for entry in &manifest.files {
        if !allowed(&entry.path) {
            return Err(BackupError::Mismatch(format!(
                "the manifest lists {:?}, which a backup does not hold",
                entry.path
            )));
        }
    }
    let mut listed: Vec<&str> = manifest.files.iter().map(|entry| entry.path.as_str()).collect();
    listed.sort_unstable();
    let present = manifest::list(from, None)?;
    if let Some(missing) = listed.iter().find(|path| !present.iter().any(|found| found == *path)) {
        return Err(BackupError::Mismatch(format!(
            "{missing} is in the manifest, not in {}",
            from.display()
        )));
    }
    if let Some(extra) = present.iter().find(|path| !listed.contains(&path.as_str())) {
        return Err(BackupError::Mismatch(format!("{extra} is in {}, not in its manifest", from.display())));
    }
    refuse_taken(data_dir, &manifest)?;
    let staging = data_dir.join(STAGING);
    if staging.exists() {
        std::fs::remove_dir_all(&staging)?;
    }
    private_dir(&staging.join("blobs"))?;
    for entry in &manifest.files {
        let (bytes, sha256) = manifest::hash_copy(&from.join(&entry.path), Some(&staging.join(&entry.path)))?;
        if (bytes, sha256.as_str()) != (entry.bytes, entry.sha256.as_str()) {
            return Err(BackupError::Mismatch(format!(
                "{} has {bytes} bytes and SHA-256 {sha256}, its manifest says {} and {}",
                entry.path, entry.bytes, entry.sha256
            )));
        }
    }
    let found = check(&staging)?;
    if found.tables != manifest.tables || found.blobs != manifest.blobs {
        return Err(BackupError::Mismatch(
            "the database does not hold the rows and chunks its manifest counts".into(),
        ));
    }
    sync_dir(&staging.join("blobs"))?;
    sync_dir(&staging)?;
    move_into_place(&staging, data_dir, &manifest)?;
    Ok((manifest, found))
}

/// The paths a backup holds: its database, its two small files and `blobs/<file id>.blob`.
fn allowed(path: &str) -> bool {
    match path.strip_prefix("blobs/") {
        Some(name) => {
            blob_id(name).is_some_and(|id| id.parse::<coffer_shared::crypto::file_meta::FileId>().is_ok())
        }
        None => [DATABASE, secret::FILE_NAME, keyed::FILE_NAME].contains(&path),
    }
}

/// Refuses a data folder that holds a database, or another installation's server secret.
fn refuse_taken(data_dir: &Path, manifest: &Manifest) -> Result<(), BackupError> {
    if data_dir.join(DATABASE).exists() {
        return Err(BackupError::Refused(format!(
            "{} already holds a database: restore into a new data folder, or stop its server and \
             move {DATABASE} away first",
            data_dir.display()
        )));
    }
    if let Ok(existing) = std::fs::read(data_dir.join(secret::FILE_NAME)) {
        let ours = manifest.entry(secret::FILE_NAME).map(|entry| entry.sha256.as_str());
        if Some(crate::audit::record::hex(&Sha256::digest(&existing)).as_str()) != ours {
            return Err(BackupError::Refused(format!(
                "{} holds another installation's server secret: restore into a new data folder",
                data_dir.display()
            )));
        }
    }
    private_dir(data_dir)?;
    Ok(())
}

/// Moves the checked copy into `data_dir`: blobs, small files, the database last; then gives
/// them the data folder's owner (a restore run as root for a service's own user).
fn move_into_place(staging: &Path, data_dir: &Path, manifest: &Manifest) -> Result<(), BackupError> {
    let blobs = data_dir.join("blobs");
    private_dir(&blobs)?;
    let owner = std::fs::metadata(data_dir).map(|meta| {
        use std::os::unix::fs::MetadataExt;
        (meta.uid(), meta.gid())
    })?;
    let root = rustix::process::geteuid().is_root();
    let mut order: Vec<&str> = manifest.files.iter().map(|entry| entry.path.as_str()).collect();
    order.sort_by_key(|path| (*path == DATABASE, !path.starts_with("blobs/")));
    for path in order {
        if path == DATABASE {
            sync_dir(&blobs)?;
            sync_dir(data_dir)?;
        }
        if root {
            std::os::unix::fs::chown(staging.join(path), Some(owner.0), Some(owner.1))?;
        }
        std::fs::rename(staging.join(path), data_dir.join(path))?;
    }
    if root {
        std::os::unix::fs::chown(&blobs, Some(owner.0), Some(owner.1))?;
    }
    sync_dir(data_dir)?;
    std::fs::remove_dir_all(staging)?;
    Ok(())
}
