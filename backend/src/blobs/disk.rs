//! [`DiskBlobs`]: blobs as files under `<data-dir>/blobs/`, named `<file id>.blob`.
//!
//! One name for the whole life of a blob: whether it is finished is the database's word, not
//! the file's, so there is no rename that a crash could lose between commit and disk.

use std::io::{self, SeekFrom};
use std::path::{Path, PathBuf};

use futures_util::StreamExt;
use tokio::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};
use tokio_util::io::ReaderStream;

use super::{BlobFuture, BlobStore, ByteStream, ChunkBody};

const SUFFIX: &str = ".blob";

/// Blob files in one folder.
pub struct DiskBlobs {
    dir: PathBuf,
}

impl DiskBlobs {
    /// Uses (and creates) `dir`.
    pub fn open(dir: &Path) -> io::Result<Self> {
        std::fs::create_dir_all(dir)?;
        Ok(Self { dir: dir.to_owned() })
    }

    /// The path of blob `id`. Ids are canonical base64url (checked by the routes), so they
    /// cannot name anything outside the folder.
    fn path(&self, id: &str) -> PathBuf {
        self.dir.join(format!("{id}{SUFFIX}"))
    }

    async fn write(&self, id: &str, offset: u64, body: ChunkBody<'_>) -> io::Result<()> {
        let path = self.path(id);
        let created = !tokio::fs::try_exists(&path).await?;
        let mut file =
            tokio::fs::OpenOptions::new().create(true).write(true).truncate(false).open(&path).await?;
        if created {
            // The new name must survive a crash as well as the bytes.
            tokio::fs::File::open(&self.dir).await?.sync_all().await?;
        }
        file.seek(SeekFrom::Start(offset)).await?;
        while let Some(bytes) = body.next().await {
            file.write_all(&bytes?).await?;
        }
        file.flush().await?;
        file.sync_data().await
    }
}

impl BlobStore for DiskBlobs {
    fn write_at<'a>(&'a self, id: &'a str, offset: u64, body: ChunkBody<'a>) -> BlobFuture<'a, ()> {
        Box::pin(self.write(id, offset, body))
    }

    fn read(&self, id: &str, from: u64, len: u64) -> BlobFuture<'_, ByteStream> {
        let path = self.path(id);
        Box::pin(async move {
            let mut file = tokio::fs::File::open(path).await?;
            file.seek(SeekFrom::Start(from)).await?;
            let stream: ByteStream = Box::pin(ReaderStream::new(file.take(len)));
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
                if let Some(id) = entry.file_name().to_str().and_then(|name| name.strip_suffix(SUFFIX)) {
                    ids.push(id.to_owned());
                }
            }
            Ok(ids)
        })
    }

    fn free_bytes(&self) -> io::Result<u64> {
        let stats = rustix::fs::statvfs(&self.dir)?;
        Ok(stats.f_bavail.saturating_mul(stats.f_frsize))
    }
}
