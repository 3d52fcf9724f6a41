//! `coffer-server restore --from DIR --data-dir DATA` (`docs/backup.md`, "Restoring"): copies
//! a backup into a staging folder in `DATA`, hashing every file against the manifest, checks
//! the copy as the backup was checked, then moves it into `DATA`, the database last.
//!
//! `DATA` may belong to the service's user while root restores into it. So everything in it is
//! reached through descriptors opened without following links: the staging folder is made by
//! root, closed to that user, and used through its descriptor (`/proc/self/fd/N`), so swapping
//! names in `DATA` cannot make the moved files differ from the checked ones, and a `blobs` that
//! is a link is refused rather than followed.

use std::fs::File;
use std::os::fd::{AsRawFd, OwnedFd};
use std::path::{Path, PathBuf};

use rustix::fs::{AtFlags, Mode, OFlags, RenameFlags};
use sha2::{Digest, Sha256};

use super::BackupError;
use super::check::{Found, check};
use super::manifest::{self, Manifest};
use crate::audit::keyed;
use crate::blobs::disk::blob_id;
use crate::owner_only;
use crate::secret;
use crate::store::redb::schema::SCHEMA_VERSION;

/// The start of the name of the folder a restore is assembled in, in the data folder: while
/// one is there, a server refuses to start on the folder ([`under_way`]).
const STAGING: &str = ".restore-";
/// The database file, moved into place last.
const DATABASE: &str = "coffer.redb";

/// A staging folder in `data_dir`, left by a restore under way or interrupted.
pub fn under_way(data_dir: &Path) -> Option<PathBuf> {
    let entries = std::fs::read_dir(data_dir).ok()?;
    entries
        .flatten()
        .find(|entry| entry.file_name().to_string_lossy().starts_with(STAGING))
        .map(|entry| entry.path())
}

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
    check_listing(from, &manifest)?;
    // "data/" would follow a link named data: name the folder itself.
    let data_dir: PathBuf = data_dir.components().collect();
    let data_dir = data_dir.as_path();
    owner_only::dir(data_dir)?;
    let data = open_dir(&Dir::Path(data_dir), data_dir)?;
    for leftover in std::iter::from_fn(|| under_way(data_dir)) {
        std::fs::remove_dir_all(&leftover)?;
    }
    // The staging folder first: from here on a server refuses the folder.
    let name = format!(
        "{STAGING}{}",
        crate::audit::record::hex(&coffer_shared::crypto::secret::random_array::<8>())
    );
    rustix::fs::mkdirat(&data, name.as_str(), Mode::from_raw_mode(0o700)).map_err(std::io::Error::from)?;
    let staging = open_dir(&Dir::At(&data, &name), data_dir)?;
    let remove_staging = || {
        let _ = std::fs::remove_dir_all(fd_path(&staging).join("blobs"));
        let _ = remove_files(&staging);
        let _ = rustix::fs::unlinkat(&data, name.as_str(), AtFlags::REMOVEDIR);
    };
    let prepared = refuse_taken(&data, data_dir, &manifest)
        .and_then(|()| blobs_folder(&data, data_dir))
        .and_then(|blobs| Ok((blobs, fill(from, &staging, &manifest)?)));
    let (data_blobs, found) = match prepared {
        Ok(prepared) => prepared,
        Err(error) => {
            remove_staging();
            return Err(error);
        }
    };
    // Once files move, the staging folder stays until all of them have: a restore that fails
    // half-way leaves a folder no server starts on, and running it again finishes it.
    move_into_place(&staging, &data, &data_blobs, data_dir, &manifest).map_err(|error| {
        BackupError::Io(format!(
            "{error}; the restore stopped half-way: run it again to finish it (no server starts on {} meanwhile)",
            data_dir.display()
        ))
    })?;
    remove_staging();
    Ok((manifest, found))
}

/// Refuses a manifest that lists a path a backup does not hold, and a folder whose files are
/// not the manifest's (one missing, one more, or anything but a plain file or folder).
fn check_listing(from: &Path, manifest: &Manifest) -> Result<(), BackupError> {
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
    let present = manifest::list(from, None)
        .map_err(|error| BackupError::Mismatch(format!("{}: {error}", from.display())))?;
    if let Some(missing) = listed.iter().find(|path| !present.iter().any(|found| found == *path)) {
        return Err(BackupError::Mismatch(format!(
            "{missing} is in the manifest, not in {}",
            from.display()
        )));
    }
    if let Some(extra) = present.iter().find(|path| !listed.contains(&path.as_str())) {
        return Err(BackupError::Mismatch(format!("{extra} is in {}, not in its manifest", from.display())));
    }
    Ok(())
}

/// Copies every listed file into `staging`, hashing it, and checks the copy.
fn fill(from: &Path, staging: &OwnedFd, manifest: &Manifest) -> Result<Found, BackupError> {
    let root = fd_path(staging);
    owner_only::dir(&root.join("blobs"))?;
    for entry in &manifest.files {
        let (bytes, sha256) =
            manifest::hash_copy(&from.join(&entry.path), Some(&root.join(&entry.path)), Some(entry.bytes))?;
        if (bytes, sha256.as_str()) != (entry.bytes, entry.sha256.as_str()) {
            return Err(BackupError::Mismatch(format!(
                "{} has {bytes} bytes and SHA-256 {sha256}, its manifest says {} and {}",
                entry.path, entry.bytes, entry.sha256
            )));
        }
    }
    let found = check(&root)?;
    if found.tables != manifest.tables || found.blobs != manifest.blobs {
        return Err(BackupError::Mismatch(
            "the database does not hold the rows and chunks its manifest counts".into(),
        ));
    }
    Ok(found)
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
fn refuse_taken(data: &OwnedFd, data_dir: &Path, manifest: &Manifest) -> Result<(), BackupError> {
    if rustix::fs::statat(data, DATABASE, AtFlags::SYMLINK_NOFOLLOW).is_ok() {
        return Err(BackupError::Refused(format!(
            "{} already holds a database: restore into a new data folder, or stop its server and \
             move {DATABASE} away first",
            data_dir.display()
        )));
    }
    if let Some(existing) = read_small(data, secret::FILE_NAME)? {
        let ours = manifest.entry(secret::FILE_NAME).map(|entry| entry.sha256.as_str());
        if Some(crate::audit::record::hex(&Sha256::digest(&existing)).as_str()) != ours {
            return Err(BackupError::Refused(format!(
                "{} holds another installation's server secret: restore into a new data folder",
                data_dir.display()
            )));
        }
    }
    if manifest.entry(keyed::FILE_NAME).is_none() && read_small(data, keyed::FILE_NAME)?.is_some() {
        return Err(BackupError::Refused(format!(
            "{} holds an {} the backup does not have (another installation's): restore into a new data folder",
            data_dir.display(),
            keyed::FILE_NAME
        )));
    }
    Ok(())
}

/// The first bytes (at most 64) of plain file `name` in `dir`, if there is one; follows no
/// link and waits on no pipe.
fn read_small(dir: &OwnedFd, name: &str) -> Result<Option<Vec<u8>>, BackupError> {
    let flags = OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC;
    let file = match rustix::fs::openat(dir, name, flags, Mode::empty()) {
        Ok(file) => File::from(file),
        Err(rustix::io::Errno::NOENT) => return Ok(None),
        Err(error) => return Err(std::io::Error::from(error).into()),
    };
    if !file.metadata()?.is_file() {
        return Err(BackupError::Refused(format!("{name} in the data folder is not a plain file")));
    }
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut std::io::Read::take(file, 64), &mut bytes)?;
    Ok(Some(bytes))
}

/// Moves the checked copy into `data`: blobs, small files, the database last (refused if a
/// database appeared meanwhile); run as root, gives them the data folder's owner first.
fn move_into_place(
    staging: &OwnedFd,
    data: &OwnedFd,
    data_blobs: &OwnedFd,
    data_dir: &Path,
    manifest: &Manifest,
) -> Result<(), BackupError> {
    let owner = rustix::fs::fstat(data).map_err(std::io::Error::from)?;
    let owner = (rustix::fs::Uid::from_raw(owner.st_uid), rustix::fs::Gid::from_raw(owner.st_gid));
    let give = |dir: &OwnedFd, name: &str| -> Result<(), BackupError> {
        if rustix::process::geteuid().is_root() {
            rustix::fs::chownat(dir, name, Some(owner.0), Some(owner.1), AtFlags::SYMLINK_NOFOLLOW)
                .map_err(std::io::Error::from)?;
        }
        Ok(())
    };
    let staging_blobs = open_dir(&Dir::At(staging, "blobs"), &data_dir.join("blobs"))?;
    let mut order: Vec<&str> = manifest.files.iter().map(|entry| entry.path.as_str()).collect();
    order.sort_by_key(|path| (*path == DATABASE, !path.starts_with("blobs/")));
    for path in order {
        let (from, to, name) = match path.strip_prefix("blobs/") {
            Some(name) => (&staging_blobs, data_blobs, name),
            None => (staging, data, path),
        };
        give(from, name)?;
        if path == DATABASE {
            rustix::fs::fsync(data_blobs).map_err(std::io::Error::from)?;
            rustix::fs::fsync(data).map_err(std::io::Error::from)?;
            move_new(from, name, to).map_err(|error| match error {
                rustix::io::Errno::EXIST => BackupError::Refused(format!(
                    "a database appeared in {} during the restore (was a server started on it?): it was not replaced",
                    data_dir.display()
                )),
                other => std::io::Error::from(other).into(),
            })?;
        } else {
            rustix::fs::renameat(from, name, to, name).map_err(std::io::Error::from)?;
        }
    }
    rustix::fs::fsync(data).map_err(std::io::Error::from)?;
    Ok(())
}

/// `DATA/blobs`, made (for the data folder's owner) if missing; a link there is refused.
fn blobs_folder(data: &OwnedFd, data_dir: &Path) -> Result<OwnedFd, BackupError> {
    let made = match rustix::fs::mkdirat(data, "blobs", Mode::from_raw_mode(0o700)) {
        Ok(()) => true,
        Err(rustix::io::Errno::EXIST) => false,
        Err(error) => return Err(std::io::Error::from(error).into()),
    };
    let blobs = open_dir(&Dir::At(data, "blobs"), &data_dir.join("blobs"))?;
    if made && rustix::process::geteuid().is_root() {
        let owner = rustix::fs::fstat(data).map_err(std::io::Error::from)?;
        let (uid, gid) = (rustix::fs::Uid::from_raw(owner.st_uid), rustix::fs::Gid::from_raw(owner.st_gid));
        rustix::fs::fchown(&blobs, Some(uid), Some(gid)).map_err(std::io::Error::from)?;
    }
    Ok(blobs)
}

/// Moves `name` from `from` to `to`, failing with `EEXIST` if `to` has it: by `renameat2`'s
/// no-replace, or where the file system lacks it (ZFS before 2.2, NFS, FUSE) by a hard link,
/// which never replaces either, and an unlink.
fn move_new(from: &OwnedFd, name: &str, to: &OwnedFd) -> rustix::io::Result<()> {
    match rustix::fs::renameat_with(from, name, to, name, RenameFlags::NOREPLACE) {
        Err(rustix::io::Errno::INVAL | rustix::io::Errno::NOSYS) => {
            rustix::fs::linkat(from, name, to, name, AtFlags::empty())?;
            rustix::fs::unlinkat(from, name, AtFlags::empty())
        }
        done => done,
    }
}

/// A folder to open: a path, or a name in an open folder.
enum Dir<'a> {
    Path(&'a Path),
    At(&'a OwnedFd, &'a str),
}

/// Opens a folder without following a link, refusing anything else.
fn open_dir(dir: &Dir<'_>, shown: &Path) -> Result<OwnedFd, BackupError> {
    let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
    let opened = match dir {
        Dir::Path(path) => rustix::fs::open(*path, flags, Mode::empty()),
        Dir::At(parent, name) => rustix::fs::openat(*parent, *name, flags, Mode::empty()),
    };
    opened.map_err(|error| {
        BackupError::Refused(format!(
            "{}: {} (a restore follows no link in the data folder)",
            shown.display(),
            std::io::Error::from(error)
        ))
    })
}

/// The path that names an open folder itself, whatever is later renamed around it.
fn fd_path(dir: &OwnedFd) -> PathBuf {
    PathBuf::from(format!("/proc/self/fd/{}", dir.as_raw_fd()))
}

/// Removes the plain files left in `dir`.
fn remove_files(dir: &OwnedFd) -> std::io::Result<()> {
    for entry in std::fs::read_dir(fd_path(dir))? {
        let entry = entry?;
        if entry.file_type()?.is_file() {
            rustix::fs::unlinkat(dir, entry.file_name().as_os_str(), AtFlags::empty())?;
        }
    }
    Ok(())
}
