//! [`DiskBlobs`]: blobs as files under `<data-dir>/blobs/`, named `<file id>.blob`.
//!
//! One name for the whole life of a blob: whether it is finished is the database's word, not
//! the file's, so there is no rename that a crash could lose between commit and disk.
//!
//! Every write first claims its length against the free-space floor (see [`DiskBlobs::write_at`]),
//! so uploads never eat the room the database needs to grow, even when something else filled the
//! disk after the upload's start reserved its bytes.

use std::io::{self, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use futures_util::StreamExt;
use tokio::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};
use tokio_util::io::ReaderStream;

use super::{BlobFuture, BlobStore, ByteStream, ChunkBody, MARK};

const SUFFIX: &str = ".blob";

/// The file in blob folder `dir` that holds the blob of file `id` (a canonical base64url id,
/// which cannot name anything outside the folder).
pub fn blob_file(dir: &Path, id: &str) -> PathBuf {
    dir.join(format!("{id}{SUFFIX}"))
}

/// The file id whose blob a file of the blob folder holds, if `name` is a blob's.
pub fn blob_id(name: &str) -> Option<&str> {
    name.strip_suffix(SUFFIX)
}
/// Bytes read from disk at a time when streaming a blob. Each read is a trip to tokio's
/// blocking pool: at `ReaderStream`'s default of 4 KiB a download was capped near 170 MB/s.
/// Each download holds about two of these (the stream's buffer and tokio's).
const READ_PIECE: usize = 64 << 10;

/// Blob files in one folder.
pub struct DiskBlobs {
    dir: PathBuf,
    /// Bytes the file system must keep free after any write.
    min_free: u64,
    /// For tests and benchmarks: the data folder (`dir`'s parent) behaves as a file system of
    /// this many bytes, less what its files occupy.
    capacity: Option<u64>,
    /// Bytes of writes that have claimed room and are not synced yet.
    writing: Mutex<u64>,
}

/// Room claimed by one write, given back when the write ends (its bytes are then in the free
/// space the file system reports, or were never written).
struct Claim<'a> {
    writing: &'a Mutex<u64>,
    len: u64,
}

impl Drop for Claim<'_> {
    fn drop(&mut self) {
        *self.writing.lock().unwrap_or_else(PoisonError::into_inner) -= self.len;
    }
}

impl DiskBlobs {
    /// Uses (and creates) `dir`; writes keep `min_free` bytes of its file system free.
    pub fn open(dir: &Path, min_free: u64) -> io::Result<Self> {
        crate::owner_only::dir(dir)?;
        Ok(Self { dir: dir.to_owned(), min_free, capacity: None, writing: Mutex::new(0) })
    }

    /// The same store, seeing the data folder as a file system of `capacity` bytes (tests and
    /// benchmarks of a full disk without mounting one).
    pub fn with_capacity(mut self, capacity: Option<u64>) -> Self {
        self.capacity = capacity;
        self
    }

    /// The path of blob `id`. Ids are canonical base64url (checked by the routes), so they
    /// cannot name anything outside the folder.
    fn path(&self, id: &str) -> PathBuf {
        blob_file(&self.dir, id)
    }

    /// Claims `len` bytes of room, or fails with `StorageFull` if the file system would keep
    /// less than the floor once they and every other write in progress are on disk.
    fn claim(&self, len: u64) -> io::Result<Claim<'_>> {
        let mut writing = self.writing.lock().unwrap_or_else(PoisonError::into_inner);
        let free = self.free_bytes()?;
        if u128::from(free) < u128::from(*writing) + u128::from(len) + u128::from(self.min_free) {
            return Err(io::Error::new(io::ErrorKind::StorageFull, "the free-space floor is reached"));
        }
        *writing += len;
        Ok(Claim { writing: &self.writing, len })
    }

    async fn write(&self, id: &str, offset: u64, len: u64, body: ChunkBody<'_>) -> io::Result<()> {
        let _claim = self.claim(len)?;
        let path = self.path(id);
        let created = !tokio::fs::try_exists(&path).await?;
        let mut file =
            tokio::fs::OpenOptions::new().create(true).write(true).truncate(false).open(&path).await?;
        if created {
            // The new name must survive a crash as well as the bytes.
            tokio::fs::File::open(&self.dir).await?.sync_all().await?;
        }
        let mut written = 0;
        let result = async {
            file.seek(SeekFrom::Start(offset)).await?;
            while let Some(bytes) = body.next().await {
                let bytes = bytes?;
                file.write_all(&bytes).await?;
                written += bytes.len() as u64;
            }
            file.flush().await?;
            file.sync_data().await
        }
        .await;
        if result.is_err() && written > 0 {
            // The range belongs to this chunk alone (its lock is held and no chunk is counted
            // there): give its blocks back rather than keep a partial chunk on disk.
            punch_hole(&file, offset, written);
        }
        result
    }

    /// What the files under the data folder occupy, for [`DiskBlobs::with_capacity`].
    fn occupied(&self) -> io::Result<u64> {
        use std::os::unix::fs::MetadataExt;
        let root = self.dir.parent().unwrap_or(&self.dir);
        let mut total = 0u64;
        let mut folders = vec![root.to_owned()];
        while let Some(folder) = folders.pop() {
            for entry in std::fs::read_dir(folder)? {
                let entry = entry?;
                let metadata = entry.metadata()?;
                if metadata.is_dir() {
                    folders.push(entry.path());
                } else {
                    total = total.saturating_add(metadata.blocks().saturating_mul(512));
                }
            }
        }
        Ok(total)
    }
}

/// Frees `len` bytes at `offset` of `file`, keeping its length. Best effort: a file system
/// without hole punching keeps the bytes, which no chunk counts and a retry overwrites.
fn punch_hole(file: &tokio::fs::File, offset: u64, len: u64) {
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::FallocateFlags;
        let flags = FallocateFlags::PUNCH_HOLE | FallocateFlags::KEEP_SIZE;
        if let Err(error) = rustix::fs::fallocate(file, flags, offset, len) {
            tracing::warn!(event = "punch_hole_failed", %error);
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (file, offset, len);
}

impl BlobStore for DiskBlobs {
    fn write_at<'a>(&'a self, id: &'a str, offset: u64, len: u64, body: ChunkBody<'a>) -> BlobFuture<'a, ()> {
        Box::pin(self.write(id, offset, len, body))
    }

    fn read(&self, id: &str, from: u64, len: u64) -> BlobFuture<'_, ByteStream> {
        let path = self.path(id);
        Box::pin(async move {
            let mut file = tokio::fs::File::open(path).await?;
            file.seek(SeekFrom::Start(from)).await?;
            let stream: ByteStream = Box::pin(ReaderStream::with_capacity(file.take(len), READ_PIECE));
            Ok(stream)
        })
    }

    fn delete<'a>(&'a self, id: &'a str) -> BlobFuture<'a, ()> {
        Box::pin(async move {
            match tokio::fs::remove_file(self.path(id)).await {
                Err(error) if error.kind() != io::ErrorKind::NotFound => Err(error),
                _ => Ok(()),
            }
        })
    }

    fn list(&self) -> BlobFuture<'_, Vec<String>> {
        Box::pin(async move {
            let mut ids = Vec::new();
            let mut entries = tokio::fs::read_dir(&self.dir).await?;
            while let Some(entry) = entries.next_entry().await? {
                if let Some(id) = entry.file_name().to_str().and_then(blob_id) {
                    ids.push(id.to_owned());
                }
            }
            Ok(ids)
        })
    }

    fn mark(&self) -> BlobFuture<'_, Option<String>> {
        Box::pin(async move {
            match tokio::fs::read_to_string(self.dir.join(MARK)).await {
                Ok(mark) => Ok(Some(mark)),
                Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(None),
                Err(error) => Err(error),
            }
        })
    }

    fn set_mark<'a>(&'a self, mark: &'a str) -> BlobFuture<'a, ()> {
        Box::pin(async move {
            // Whole or not at all: a crash leaves the old mark or none, never half of one.
            let fresh = self.dir.join(format!("{MARK}.new"));
            let mut file = tokio::fs::File::create(&fresh).await?;
            file.write_all(mark.as_bytes()).await?;
            file.sync_all().await?;
            tokio::fs::rename(&fresh, self.dir.join(MARK)).await?;
            tokio::fs::File::open(&self.dir).await?.sync_all().await
        })
    }

    fn free_bytes(&self) -> io::Result<u64> {
        let stats = rustix::fs::statvfs(&self.dir)?;
        let free = stats.f_bavail.saturating_mul(stats.f_frsize);
        match self.capacity {
            Some(capacity) => Ok(free.min(capacity.saturating_sub(self.occupied()?))),
            None => Ok(free),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::MetadataExt;

    use bytes::Bytes;
    use futures_util::stream;

    use super::*;

    #[tokio::test]
    async fn a_write_that_fails_midway_keeps_none_of_its_bytes_on_disk() {
        let root = tempfile::tempdir().unwrap();
        let blobs = DiskBlobs::open(&root.path().join("blobs"), 0).unwrap();
        let pieces = vec![Ok(Bytes::from(vec![7u8; 256 << 10])), Err(io::Error::other("the client left"))];
        let mut body = stream::iter(pieces);
        assert!(blobs.write_at("AAAAAAAAAAAAAAAAAAAAAA", 1 << 20, 512 << 10, &mut body).await.is_err());
        let written = std::fs::metadata(blobs.path("AAAAAAAAAAAAAAAAAAAAAA")).unwrap();
        assert_eq!(written.blocks(), 0, "the partial chunk's blocks are given back");
    }

    #[tokio::test]
    async fn writes_in_progress_count_against_the_floor() {
        let root = tempfile::tempdir().unwrap();
        let blobs =
            DiskBlobs::open(&root.path().join("blobs"), 1 << 20).unwrap().with_capacity(Some(5 << 19));
        let first = blobs.claim(1 << 20).unwrap();
        let second = blobs.claim(1 << 20);
        assert_eq!(second.err().map(|error| error.kind()), Some(io::ErrorKind::StorageFull));
        drop(first);
        assert!(blobs.claim(1 << 20).is_ok(), "the room is back once the first write ends");
    }
}
