//! Where `coffer send` keeps unfinished file shares: one JSON file a share in
//! `coffer/drafts/` of the platform's state directory (or `COFFER_STATE_DIR`), readable by the
//! user alone (0600), written whole to a temporary file and renamed over the old one, so a
//! process killed at any moment leaves the previous draft or the next, never half of one
//! (docs/cli.md, "Resuming").
//!
//! The draft ([`Draft`], the browser's format) holds the link's key until the share is created:
//! that is what lets `--resume` finish the share and print its link. It is deleted when the
//! share is created or replaced by a new send of the same files.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use coffer_shared::upload_draft::Draft;
use serde::{Deserialize, Serialize};

use crate::exit::{Failure, Kind, Outcome};

/// The version of the file's layout.
const VERSION: u32 = 1;

/// A draft as the CLI saves it: the browser's draft, the server it is for and the files' paths.
#[derive(Serialize, Deserialize)]
pub struct Saved {
    /// [`VERSION`].
    pub version: u32,
    /// The server's origin.
    pub server: String,
    /// Each file's absolute path, in the share's order.
    pub paths: Vec<PathBuf>,
    /// The plan and the progress.
    pub draft: Draft,
}

/// The drafts folder.
#[derive(Debug, Clone)]
pub struct Store {
    dir: PathBuf,
}

impl Store {
    /// The folder, created (0700) if missing.
    pub fn open() -> Outcome<Self> {
        let base = std::env::var_os("COFFER_STATE_DIR")
            .map(PathBuf::from)
            .or_else(|| dirs::state_dir().or_else(dirs::data_local_dir).map(|dir| dir.join("coffer")))
            .ok_or_else(|| Failure::new(Kind::LocalFile, "This system has no folder for program state."))?;
        let dir = base.join("drafts");
        create_private_dir(&dir).map_err(|error| Failure::file(&dir, error))?;
        Ok(Self { dir })
    }

    fn file(&self, id: &str) -> PathBuf {
        self.dir.join(format!("{id}.json"))
    }

    /// Writes the draft: when this returns, a chunk sealed before it may leave.
    pub fn save(&self, saved: &Saved) -> Outcome<()> {
        let id = saved.draft.request.id.as_str();
        let target = self.file(id);
        let text = serde_json::to_vec(saved).map_err(|error| Failure::new(Kind::Other, error.to_string()))?;
        let temporary = self.dir.join(format!(".{id}.json.tmp"));
        write_private(&temporary, &text).map_err(|error| Failure::file(&temporary, error))?;
        fs::rename(&temporary, &target).map_err(|error| Failure::file(&target, error))
    }

    /// The draft for these files (same paths in the same order) on `server`, if one is saved.
    pub fn find(&self, server: &str, paths: &[PathBuf]) -> Option<Saved> {
        let entries = fs::read_dir(&self.dir).ok()?;
        entries
            .filter_map(Result::ok)
            .filter(|entry| entry.path().extension().is_some_and(|ext| ext == "json"))
            .filter_map(|entry| serde_json::from_slice::<Saved>(&fs::read(entry.path()).ok()?).ok())
            .find(|saved| saved.version == VERSION && saved.server == server && saved.paths == paths)
    }

    /// Deletes the draft of share `id`.
    pub fn remove(&self, id: &str) {
        let _ = fs::remove_file(self.file(id));
        let _ = fs::remove_file(self.dir.join(format!("{id}.lock")));
    }

    /// Takes the exclusive lock of share `id`'s draft without waiting: no other process may
    /// seal, send or rewrite it while the lock is held (docs/envelope.md, "Resuming an upload").
    /// The system releases it when this process ends, however it ends.
    pub fn lock(&self, id: &str) -> Outcome<DraftLock> {
        let path = self.dir.join(format!("{id}.lock"));
        let file = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|error| Failure::file(&path, error))?;
        #[cfg(unix)]
        rustix::fs::flock(&file, rustix::fs::FlockOperation::NonBlockingLockExclusive).map_err(|_| {
            Failure::new(
                Kind::Other,
                "Another coffer process is sending this upload right now: nothing was done.",
            )
        })?;
        Ok(DraftLock { _file: file })
    }
}

/// A held draft lock; released on drop.
#[derive(Debug)]
pub struct DraftLock {
    _file: fs::File,
}

#[cfg(unix)]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    fs::DirBuilder::new().recursive(true).mode(0o700).create(dir)
}

#[cfg(not(unix))]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    fs::create_dir_all(dir)
}

fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(bytes)
}
