//! The chunks the database records as held: where each lies in its file's blob and the
//! SHA-256 it must have. `migrate --from` and `backup` copy exactly these, and check each one.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use redb::{ReadTransaction, ReadableTable};
use sha2::{Digest, Sha256};

use super::files::FileRecord;
use super::schema::{FILE_CHUNKS, FILES};
use crate::blobs::disk::blob_file;
use crate::store::{StoreError, from_json};

/// One recorded chunk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    /// Its file's id (the blob's name).
    pub file: String,
    /// Its index in the file.
    pub index: u64,
    /// Where it starts in the blob: `index` whole chunks in.
    pub offset: u64,
    /// Its ciphertext length.
    pub len: u64,
    /// The SHA-256 recorded when it was written.
    pub sum: [u8; 32],
}

/// Every recorded chunk, file by file in id order, each file's in index order. Refuses a
/// checksum of the wrong length, a chunk past its file's last, and a finished file with a
/// chunk missing: a chunk recorded as held is never sent again, so none may be lost.
pub fn recorded(read: &ReadTransaction) -> Result<Vec<Chunk>, StoreError> {
    let files = read.open_table(FILES)?;
    let chunks = read.open_table(FILE_CHUNKS)?;
    let mut all = Vec::new();
    for row in files.iter()? {
        let (id, bytes) = row?;
        let id = id.value();
        let record: FileRecord = from_json(bytes.value())?;
        let corrupt = |what: &str| StoreError::Corrupt(format!("file {id} in the database: {what}"));
        let mut held = 0;
        for chunk in chunks.range((id, 0)..=(id, u64::MAX))? {
            let (key, sum) = chunk?;
            let index = key.value().1;
            let sum = sum.value().try_into().map_err(|_| corrupt("a checksum of the wrong length"))?;
            let len = record.chunk_len(index);
            if len == 0 {
                return Err(corrupt(&format!("chunk {index} is recorded, past its last chunk")));
            }
            all.push(Chunk { file: id.to_owned(), index, offset: record.stride() * index, len, sum });
            held += 1;
        }
        if record.finished && held != record.chunk_count {
            return Err(corrupt(&format!(
                "finished, with {held} of its {} chunks recorded",
                record.chunk_count
            )));
        }
    }
    Ok(all)
}

impl Chunk {
    /// Reads the chunk from its `blob` and checks it against its recorded SHA-256.
    pub fn read_checked(&self, blob: &mut File) -> io::Result<Vec<u8>> {
        let len = usize::try_from(self.len).map_err(io::Error::other)?;
        let mut body = vec![0; len];
        blob.seek(SeekFrom::Start(self.offset))?;
        blob.read_exact(&mut body).map_err(|error| match error.kind() {
            io::ErrorKind::UnexpectedEof => {
                io::Error::new(error.kind(), "the blob ends before the chunk does")
            }
            _ => error,
        })?;
        if Sha256::digest(&body)[..] != self.sum[..] {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "it does not match its recorded SHA-256 (the blob was changed on disk)",
            ));
        }
        Ok(body)
    }
}

/// The recorded chunks read from their blobs in a blob folder, each checked against its
/// SHA-256, in [`recorded`]'s order: what a copy or a backup sends, and what a check reads.
pub struct Checked {
    chunks: std::vec::IntoIter<Chunk>,
    dir: PathBuf,
    blob: Option<(String, File)>,
}

/// A chunk that could not be read whole and unchanged: why, naming the file and the blob.
#[derive(Debug)]
pub struct Unreadable {
    /// The file whose chunk it is.
    pub file: String,
    /// The blob's path, when the blob is missing (rather than short or changed).
    pub missing: Option<PathBuf>,
    /// What happened.
    pub message: String,
}

/// Every recorded chunk of `read`, read from `blob_dir`.
pub fn checked(read: &ReadTransaction, blob_dir: &Path) -> Result<Checked, StoreError> {
    Ok(Checked { chunks: recorded(read)?.into_iter(), dir: blob_dir.to_owned(), blob: None })
}

impl Iterator for Checked {
    /// The chunk and its bytes; `first` when it is its file's first chunk.
    type Item = Result<(Chunk, Vec<u8>, bool), Unreadable>;

    fn next(&mut self) -> Option<Self::Item> {
        let chunk = self.chunks.next()?;
        let path = blob_file(&self.dir, &chunk.file);
        let first = self.blob.as_ref().is_none_or(|(id, _)| *id != chunk.file);
        if first {
            match File::open(&path) {
                Ok(file) => self.blob = Some((chunk.file.clone(), file)),
                Err(error) => {
                    let message = format!("the blob of file {} ({}): {error}", chunk.file, path.display());
                    let missing = (error.kind() == io::ErrorKind::NotFound).then_some(path);
                    return Some(Err(Unreadable { file: chunk.file, missing, message }));
                }
            }
        }
        let (_, file) = self.blob.as_mut()?;
        Some(match chunk.read_checked(file) {
            Ok(body) => Ok((chunk, body, first)),
            Err(error) => Err(Unreadable {
                message: format!(
                    "chunk {} of file {} ({}): {error}",
                    chunk.index,
                    chunk.file,
                    path.display()
                ),
                file: chunk.file,
                missing: None,
            }),
        })
    }
}
