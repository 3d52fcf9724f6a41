//! The blobs: every chunk the redb file records is read from `<data-dir>/blobs/<id>.blob` and
//! checked against its recorded SHA-256; with `--blobs` it is written to the bucket with
//! [`BlobStore::write_at`] at the offset the upload wrote it at (chunk `i` at `i` times the
//! whole chunk's ciphertext length), one object per chunk as the servers write them. Without
//! `--blobs` the blobs stay where they are, checked in place.
//!
//! A chunk the database records must be on disk, whole and unchanged, whether its file is
//! finished or still uploading: a chunk recorded as held is never sent again.

use std::io;
use std::path::Path;

use bytes::Bytes;
use futures_util::stream::FuturesUnordered;
use futures_util::{StreamExt, stream};
use redb::{ReadTransaction, ReadableTable};

use super::{CopyError, redb_error};
use crate::blobs::{BlobStore, S3Blobs};
use crate::store::from_json;
use crate::store::redb::files::FileRecord;
use crate::store::redb::recorded::checked;
use crate::store::redb::schema::{FILE_CHUNKS, FILES};

/// Chunk writes to the bucket under way at once.
const IN_FLIGHT: usize = 4;
/// The largest chunk's ciphertext: 16 MiB of plaintext and its tag.
const LARGEST_CHUNK: usize = (16 << 20) + 16;
/// The bucket's buffer for chunk bodies: room for every write under way.
pub const BUFFER_BYTES: usize = IN_FLIGHT * LARGEST_CHUNK;

/// What was read, checked and (with a bucket) copied.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Blobs {
    /// Files with at least one recorded chunk.
    pub files: u64,
    /// Chunks.
    pub chunks: u64,
    /// Their bytes.
    pub bytes: u64,
}

/// Reads and checks every recorded chunk and, with `bucket`, copies it there and checks that
/// the bucket holds each file's bytes. The id of each file written to is pushed on `written`
/// first, so that a failed copy can remove what it wrote.
pub async fn copy(
    read: &ReadTransaction,
    data_dir: &Path,
    bucket: Option<&S3Blobs>,
    written: &mut Vec<String>,
) -> Result<Blobs, CopyError> {
    let mut totals = Blobs::default();
    let mut writes = FuturesUnordered::new();
    for read_chunk in checked(read, &data_dir.join("blobs"))? {
        let (chunk, body, first) = read_chunk.map_err(|error| match error.missing {
            Some(path) => CopyError::Blob(format!(
                "the blob of file {} is missing ({} does not exist), yet chunks of it are recorded",
                error.file,
                path.display()
            )),
            None => CopyError::Blob(error.message),
        })?;
        if first {
            totals.files += 1;
            if bucket.is_some() {
                written.push(chunk.file.clone());
            }
        }
        totals.chunks += 1;
        totals.bytes += chunk.len;
        if let Some(bucket) = bucket {
            if writes.len() >= IN_FLIGHT {
                writes.next().await.unwrap_or(Ok(()))?;
            }
            writes.push(write_chunk(bucket, chunk.file, chunk.index, chunk.offset, Bytes::from(body)));
        }
    }
    while let Some(done) = writes.next().await {
        done?;
    }
    if let Some(bucket) = bucket {
        check_bucket(read, bucket).await?;
    }
    Ok(totals)
}

async fn write_chunk(
    bucket: &S3Blobs,
    id: String,
    index: u64,
    offset: u64,
    body: Bytes,
) -> Result<(), CopyError> {
    let len = body.len() as u64;
    let mut stream = stream::iter([Ok::<_, io::Error>(body)]);
    bucket.write_at(&id, offset, len, &mut stream).await.map_err(|error| {
        CopyError::Blob(format!("writing chunk {index} of file {id} to the bucket: {error}"))
    })
}

/// Checks that the bucket holds, for every file with recorded chunks, the bytes of those
/// chunks: a second read of the file's list of chunks, after every write has returned.
async fn check_bucket(read: &ReadTransaction, bucket: &S3Blobs) -> Result<(), CopyError> {
    let files = read.open_table(FILES).map_err(redb_error)?;
    let chunks = read.open_table(FILE_CHUNKS).map_err(redb_error)?;
    for row in files.iter().map_err(redb_error)? {
        let (id, bytes) = row.map_err(redb_error)?;
        let id = id.value();
        let record: FileRecord = from_json(bytes.value())?;
        let mut expected = 0;
        for chunk in chunks.range((id, 0)..=(id, u64::MAX)).map_err(redb_error)? {
            expected += record.chunk_len(chunk.map_err(redb_error)?.0.value().1);
        }
        if expected == 0 {
            continue;
        }
        let stored = bucket
            .stored_bytes(id)
            .await
            .map_err(|error| CopyError::Blob(format!("listing file {id} in the bucket: {error}")))?;
        if stored != expected {
            return Err(CopyError::Mismatch(format!(
                "the bucket holds {stored} bytes of file {id}, its recorded chunks {expected}"
            )));
        }
    }
    Ok(())
}

/// Removes the blobs a failed copy wrote to the bucket (what cannot be removed is only
/// unreferenced: no committed row names it).
pub async fn remove(bucket: &S3Blobs, written: &[String]) {
    for id in written {
        if let Err(error) = bucket.delete(id).await {
            eprintln!("could not remove the copied blob of file {id}: {error}");
        }
    }
}
