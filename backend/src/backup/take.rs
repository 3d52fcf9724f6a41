//! `coffer-server backup --to DIR`: asks the server on `<data-dir>/backup.sock` for a snapshot,
//! writes it into a new folder, checks it and writes its manifest last (`docs/backup.md`).
//! Whatever fails, the folder is left without a manifest: emptied, or removed if this made it.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufReader, ErrorKind, Write};
use std::os::unix::fs::{DirBuilderExt, FileExt, MetadataExt};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::time::Duration;

use coffer_shared::crypto::file_meta::FileId;
use redb::{Database, WriteTransaction};

use super::check::{Found, check};
use super::manifest::{self, Blobs, Entry, Manifest};
use super::tables::{Table, named};
use super::wire::{self, Frame, REQUEST, Summary};
use super::{BackupError, SOCKET, db, sync_dir};
use crate::audit::keyed;
use crate::blobs::disk::blob_file;
use crate::owner_only;
use crate::store::redb::schema::SCHEMA_VERSION;

/// How long the server may stay silent before the command gives up.
const SILENCE: Duration = Duration::from_secs(120);
/// Rows written to a table at once, at most.
const ROWS_AT_ONCE: usize = 4096;
/// Bytes of rows held before they are written, at most (a row may be up to 128 MiB).
const BYTES_AT_ONCE: usize = 16 << 20;

/// Takes a backup of the server on `data_dir` into `to`, which must not exist or be empty.
pub fn take(data_dir: &Path, to: &Path) -> Result<(Manifest, Found), BackupError> {
    let created = prepare(to)?;
    let taken = receive(data_dir, to).and_then(|summary| finish(to, &summary));
    if taken.is_err() {
        let _ = if created { std::fs::remove_dir_all(to) } else { empty(to) };
    }
    taken
}

/// Makes `to` (mode 0700), or checks that it is an empty folder of this user's that no one else
/// may enter; says whether it made it. Its parent must not let others rename it either.
fn prepare(to: &Path) -> Result<bool, BackupError> {
    let parent = match to.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    if !parent.exists() {
        owner_only::dir(parent)?;
    }
    let meta = std::fs::metadata(parent)?;
    let own = rustix::process::geteuid().as_raw();
    let shared = meta.mode() & 0o022 != 0 && meta.mode() & 0o1000 == 0;
    if (meta.uid() != own && meta.uid() != 0) || shared {
        return Err(BackupError::Refused(format!(
            "{} may be changed by other users: a backup holds the server secret, so it goes \
             into a folder only you (or root) can change",
            parent.display()
        )));
    }
    // Made here, or else one that was there must be this user's and closed to others (in a
    // sticky folder like /tmp, another user could have made it first).
    match std::fs::DirBuilder::new().mode(0o700).create(to) {
        Ok(()) => return Ok(true),
        Err(error) if error.kind() == ErrorKind::AlreadyExists => {}
        Err(error) => return Err(BackupError::Io(format!("{}: {error}", to.display()))),
    }
    let meta = std::fs::symlink_metadata(to)?;
    if !meta.is_dir() || meta.uid() != own || meta.mode() & 0o077 != 0 {
        return Err(BackupError::Refused(format!(
            "{} must be a new folder, or an empty one of yours that only you can enter (mode 0700)",
            to.display()
        )));
    }
    if std::fs::read_dir(to)?.next().is_some() {
        return Err(BackupError::Refused(format!(
            "{} is not empty: a backup goes into a new or empty folder",
            to.display()
        )));
    }
    Ok(false)
}

fn empty(dir: &Path) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() { std::fs::remove_dir_all(path)? } else { std::fs::remove_file(path)? }
    }
    Ok(())
}

/// Reads the stream into `to` and checks what arrived against the server's summary.
fn receive(data_dir: &Path, to: &Path) -> Result<Summary, BackupError> {
    let socket = data_dir.join(SOCKET);
    let stream = UnixStream::connect(&socket).map_err(|error| {
        BackupError::Refused(format!(
            "cannot reach a server at {}: {error} (is one running with --data-dir {}? A server on \
             PostgreSQL or with --blob-store has no backup socket: see docs/backup.md)",
            socket.display(),
            data_dir.display()
        ))
    })?;
    check_peer(&stream, data_dir)?;
    stream.set_read_timeout(Some(SILENCE))?;
    (&stream).write_all(REQUEST)?;
    let mut input = BufReader::with_capacity(1 << 20, &stream);
    let mut writer = Writer::new(to)?;
    loop {
        let frame = wire::read(&mut input).map_err(|error| match error.kind() {
            ErrorKind::UnexpectedEof => {
                BackupError::Io("the stream ended before its end (did the server stop?)".into())
            }
            _ => BackupError::Io(format!("reading the stream: {error}")),
        })?;
        match frame {
            Frame::Table(name) => writer.table(&name)?,
            Frame::Row(key, value) => writer.row(key, value)?,
            Frame::File(name, bytes) => writer.file(&name, &bytes)?,
            Frame::Chunk { file, offset, body } => writer.chunk(&file, offset, &body)?,
            Frame::Failed(message) => {
                return Err(BackupError::Refused(format!("the server could not take the backup: {message}")));
            }
            Frame::End(summary) => {
                let got = writer.finish()?;
                if got != (summary.tables.clone(), summary.chunks, summary.bytes) {
                    return Err(BackupError::Mismatch(
                        "what arrived is not what the server says it sent".into(),
                    ));
                }
                return Ok(summary);
            }
        }
    }
}

/// Refuses a socket held by anyone but this user, root, or the data folder's owner (the
/// service's user): another user's process could hand over a made-up installation.
fn check_peer(stream: &UnixStream, data_dir: &Path) -> Result<(), BackupError> {
    let peer = rustix::net::sockopt::socket_peercred(stream).map_err(std::io::Error::from)?.uid.as_raw();
    let owner = std::fs::metadata(data_dir)?.uid();
    if peer == rustix::process::geteuid().as_raw() || peer == 0 || peer == owner {
        return Ok(());
    }
    Err(BackupError::Refused(format!(
        "the backup socket in {} is held by user {peer}, who owns neither the folder nor this command",
        data_dir.display()
    )))
}

/// Checks the written folder as a restore will, hashes its files and writes the manifest.
fn finish(to: &Path, summary: &Summary) -> Result<(Manifest, Found), BackupError> {
    let found = check(to)?;
    if found.tables != summary.tables
        || (found.blobs.chunks, found.blobs.bytes) != (summary.chunks, summary.bytes)
    {
        return Err(BackupError::Mismatch("the written database does not hold what the server sent".into()));
    }
    let mut files = Vec::new();
    for path in manifest::list(to, None)? {
        let (bytes, sha256) = manifest::hash_copy(&to.join(&path), None, None)?;
        files.push(Entry { path, bytes, sha256 });
    }
    let manifest = Manifest {
        format: manifest::FORMAT,
        coffer_version: env!("CARGO_PKG_VERSION").to_owned(),
        schema_version: SCHEMA_VERSION,
        taken_at: summary.taken_at,
        tables: found.tables.clone(),
        blobs: found.blobs,
        files,
    };
    manifest.write(to)?;
    sync_dir(to)?;
    Ok((manifest, found))
}

/// The backup's new database and its one write transaction.
struct Open {
    /// Declared first, so dropped first (a backup that fails before its commit): dropping a
    /// `Database` waits for its write transaction to end, which would wait for ever.
    write: WriteTransaction,
    database: Database,
}

/// Writes frames into the backup folder: rows into one write transaction, committed at the
/// first file or chunk; chunks into their blobs, each synced before the next blob is opened.
struct Writer<'a> {
    to: &'a Path,
    db: Option<Open>,
    table: Option<&'static dyn Table>,
    batch: Vec<(Vec<u8>, Vec<u8>)>,
    batch_bytes: usize,
    rows: BTreeMap<String, u64>,
    blob: Option<(String, File)>,
    chunks: u64,
    bytes: u64,
}

impl<'a> Writer<'a> {
    fn new(to: &'a Path) -> Result<Self, BackupError> {
        let path = to.join("coffer.redb");
        drop(owner_only::file(&path)?);
        let database = Database::create(&path).map_err(db)?;
        let write = database.begin_write().map_err(db)?;
        Ok(Self {
            to,
            db: Some(Open { write, database }),
            table: None,
            batch: Vec::new(),
            batch_bytes: 0,
            rows: BTreeMap::new(),
            blob: None,
            chunks: 0,
            bytes: 0,
        })
    }

    fn table(&mut self, name: &str) -> Result<(), BackupError> {
        self.flush()?;
        if self.db.is_none() || self.rows.contains_key(name) {
            return Err(BackupError::Mismatch(format!("table {name} came out of turn")));
        }
        let table = named(name)
            .ok_or_else(|| BackupError::Mismatch(format!("table {name} is not one this build knows")))?;
        self.table = Some(table);
        self.rows.insert(name.to_owned(), 0);
        Ok(())
    }

    fn row(&mut self, key: Vec<u8>, value: Vec<u8>) -> Result<(), BackupError> {
        let Some(table) = self.table.filter(|_| self.db.is_some()) else {
            return Err(BackupError::Mismatch("a row outside any table".into()));
        };
        *self.rows.entry(table.name().to_owned()).or_default() += 1;
        self.batch_bytes += key.len() + value.len();
        self.batch.push((key, value));
        if self.batch.len() >= ROWS_AT_ONCE || self.batch_bytes >= BYTES_AT_ONCE {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), BackupError> {
        if let (Some(table), Some(open)) = (self.table, &self.db) {
            table.insert(&open.write, &self.batch)?;
        }
        self.batch.clear();
        self.batch_bytes = 0;
        Ok(())
    }

    /// Commits the rows and closes the database: no row may follow.
    fn commit(&mut self) -> Result<(), BackupError> {
        self.flush()?;
        if let Some(Open { write, database }) = self.db.take() {
            write.commit().map_err(db)?;
            drop(database);
        }
        Ok(())
    }

    fn file(&mut self, name: &str, bytes: &[u8]) -> Result<(), BackupError> {
        self.commit()?;
        if name != crate::secret::FILE_NAME && name != keyed::FILE_NAME {
            return Err(BackupError::Mismatch(format!("a file {name:?}, which a backup does not hold")));
        }
        let mut file = owner_only::file(&self.to.join(name))?;
        file.write_all(bytes)?;
        file.sync_all()?;
        Ok(())
    }

    fn chunk(&mut self, id: &str, offset: u64, body: &[u8]) -> Result<(), BackupError> {
        self.commit()?;
        let file = match &mut self.blob {
            Some((current, file)) if current == id => file,
            _ => {
                self.sync_blob()?;
                // A canonical id: it names no path outside the folder.
                id.parse::<FileId>().map_err(|_| {
                    BackupError::Mismatch(format!("a chunk of {id:?}, which is not a file id"))
                })?;
                let blobs = self.to.join("blobs");
                owner_only::dir(&blobs)?;
                &mut self.blob.insert((id.to_owned(), owner_only::file(&blob_file(&blobs, id))?)).1
            }
        };
        file.write_all_at(body, offset)?;
        self.chunks += 1;
        self.bytes += body.len() as u64;
        Ok(())
    }

    fn sync_blob(&mut self) -> Result<(), BackupError> {
        if let Some((_, file)) = self.blob.take() {
            file.sync_all()?;
        }
        Ok(())
    }

    /// Ends the stream: the rows by table, the chunks and their bytes.
    fn finish(mut self) -> Result<(BTreeMap<String, u64>, u64, u64), BackupError> {
        self.commit()?;
        self.sync_blob()?;
        let blobs = self.to.join("blobs");
        if blobs.exists() {
            sync_dir(&blobs)?;
        }
        sync_dir(self.to)?;
        Ok((self.rows, self.chunks, self.bytes))
    }
}

/// The blobs a manifest says a backup holds (for the report).
pub fn describe(blobs: &Blobs) -> String {
    format!("{} chunks of {} files, {} bytes", blobs.chunks, blobs.files, blobs.bytes)
}
