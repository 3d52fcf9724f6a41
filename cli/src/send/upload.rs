//! Seals one file chunk by chunk and uploads the ciphertext (docs/api.md, "Uploads";
//! docs/envelope.md, "Chunk stream" and "Resuming an upload"). A thread reads and seals the
//! file a chunk at a time, a few chunks ahead; [`IN_FLIGHT`] chunks are sent at once. Memory
//! stays at a few chunks whatever the file's size.
//!
//! Every newly sealed chunk extends the hash chain, and the chain is recorded (the draft
//! saved) before that chunk leaves. A resumed upload first re-seals the chunks recorded before
//! and checks the chain; only a file that seals to the same ciphertext sends anything, so no
//! chunk index is ever sealed over two different plaintexts.

use coffer_shared::api::ErrorCode;
use coffer_shared::api::paths;
use std::fs::File;
use std::io::Read;
use std::path::PathBuf;
use std::time::Duration;

use coffer_shared::api::{
    CHUNK_SHA256_HEADER, FinishUploadRequest, FinishUploadResponse, StartUploadRequest, StartUploadResponse,
    UPLOAD_TOKEN_HEADER, UploadStatus, UploadTokenRequest,
};
use coffer_shared::b64;
use coffer_shared::crypto::Key32;
use coffer_shared::crypto::envelope::PasswordParams;
use coffer_shared::crypto::file_meta::{FileDigest, FileId, FileMeta, seal_meta, upload_token};
use coffer_shared::crypto::resume::{SealedChain, chunk_checksum};
use coffer_shared::crypto::stream::{ChunkSize, StreamSealer};
use coffer_shared::token::Token;
use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use indicatif::ProgressBar;
use reqwest::Method;
use tokio::sync::mpsc;
use zeroize::Zeroizing;

use crate::exit::{Failure, Kind, Outcome};
use crate::http::{self, Client, HttpError};

/// Chunks sent at once.
const IN_FLIGHT: usize = 4;
/// Chunks sealed ahead of the ones being sent.
const AHEAD: usize = 4;
/// New chunks recorded with one durable write of the draft before they leave: an fsync per
/// chunk would cost more than sealing it.
const BATCH: usize = 4;
/// Tries per chunk after a network failure or a server fault.
const TRIES: u32 = 5;
/// Waits per chunk that the server may ask for (429 or 503 with `Retry-After`).
const RATE_WAITS: u32 = 30;

/// What to upload.
pub struct Job {
    /// The file on disk.
    pub path: PathBuf,
    /// Its name as the reader will see it.
    pub name: String,
    /// Its MIME type.
    pub mime_type: String,
    /// Its size when the draft was made; a file that changed size is refused.
    pub size: u64,
    /// Its id.
    pub file_id: FileId,
    /// Its key.
    pub file_key: Key32,
    /// The chunk size.
    pub chunk_size: ChunkSize,
    /// The share's password parameters, for the metadata's header.
    pub password: Option<PasswordParams>,
    /// Upload as a vault attachment of the signed-in account.
    pub vault: bool,
    /// The chain an earlier attempt recorded (empty for a new upload).
    pub recorded: SealedChain,
}

/// Stores a checkpoint durably: the chain after a newly sealed chunk, or the sealed metadata.
pub type Recorder = Box<dyn FnMut(Checkpoint) -> Outcome<()> + Send>;

/// What must be stored before the upload goes on.
pub enum Checkpoint {
    /// The chain after a newly sealed chunk, before that chunk leaves.
    Chain(SealedChain),
    /// The sealed metadata envelope, before the upload is finished with it.
    Metadata(Vec<u8>),
}

/// A chunk sealed and ready to send.
struct Sealed {
    index: u64,
    ciphertext: Vec<u8>,
    checksum: [u8; 32],
    plain_len: u64,
}

/// Why the thread that seals stopped.
enum SealStop {
    Failure(Failure),
    /// The file does not seal to the recorded chain: it changed since the last attempt.
    NotTheSameFile,
}

/// Why an upload stopped.
pub enum UploadError {
    /// The file no longer seals to the chain recorded before: it changed since the upload began.
    Changed,
    /// Anything else; the draft stays for a resume.
    Failed(Failure),
}

impl From<Failure> for UploadError {
    fn from(failure: Failure) -> Self {
        UploadError::Failed(failure)
    }
}

impl From<UploadError> for Failure {
    fn from(error: UploadError) -> Self {
        match error {
            UploadError::Changed => Failure::new(
                Kind::LocalFile,
                "The file changed since the upload began, so it cannot continue: send it again without --resume.",
            ),
            UploadError::Failed(failure) => failure,
        }
    }
}

/// Seals and uploads the file, then finishes it with its sealed metadata. Returns the metadata
/// envelope's bytes (a signed share signs them), empty if the server had it finished already.
/// `bar` counts plaintext bytes the server holds.
pub async fn upload(
    client: &Client,
    job: Job,
    mut record: Recorder,
    bar: &ProgressBar,
) -> Result<Vec<u8>, UploadError> {
    let token = Token::from_key(&upload_token(&job.file_key, &job.file_id));
    let count = job
        .chunk_size
        .chunk_count(job.size)
        .ok_or_else(|| Failure::new(Kind::LocalFile, "The file is too large for its chunk size."))?;
    let request = StartUploadRequest {
        file_id: job.file_id.clone(),
        size: job.size,
        chunk_size: job.chunk_size.get(),
        upload_token: token.clone(),
        vault: job.vault,
    };
    // Nothing recorded: start at once. Something recorded (or the id is taken: an earlier
    // start got through): ask the server what it holds.
    let mut received: Vec<[u64; 2]> = Vec::new();
    let fresh = job.recorded.count() == 0
        && match client.post::<_, StartUploadResponse>(paths::UPLOADS, &request).await {
            Ok(_) => true,
            Err(error) if error.code() == ErrorCode::IdTaken => false,
            Err(error) => return Err(upload_failure(error).into()),
        };
    if !fresh {
        match client
            .post::<_, UploadStatus>(
                &paths::upload_status(&job.file_id),
                &UploadTokenRequest { upload_token: token.clone() },
            )
            .await
        {
            Ok(status) if status.finished => {
                bar.set_position(job.size);
                return Ok(Vec::new());
            }
            Ok(status) => received = status.received,
            Err(error) if error.code() == ErrorCode::NotFound => {
                client
                    .post::<_, StartUploadResponse>(paths::UPLOADS, &request)
                    .await
                    .map_err(upload_failure)?;
            }
            Err(error) => return Err(upload_failure(error).into()),
        }
    }
    let recorded = job.recorded.count();
    // Only chunks recorded here can be on the server (each is recorded before it leaves): a claim
    // past them is not believed.
    let has = move |index: u64| {
        index < recorded && received.iter().any(|[first, last]| (*first..=*last).contains(&index))
    };

    let (sender, mut ready) = mpsc::channel::<Sealed>(AHEAD);
    let (name, mime_type, size, chunk_size, password) =
        (job.name.clone(), job.mime_type.clone(), job.size, job.chunk_size, job.password);
    let (file_id, file_key) = (job.file_id.clone(), job.file_key.clone());
    let file_id_of_chunks = job.file_id.clone();
    let checking = bar.clone();
    let sealer = tokio::task::spawn_blocking(move || {
        let sha256 = seal_all(&job, count, &has, &mut record, &sender, &checking)?;
        drop(sender);
        let meta = FileMeta { name, mime_type, size, chunk_size: chunk_size.get(), sha256 };
        let metadata = seal_meta(&file_key, &file_id, &meta, password);
        record(Checkpoint::Metadata(metadata.clone())).map_err(SealStop::Failure)?;
        Ok::<_, SealStop>(metadata)
    });

    let mut in_flight = FuturesUnordered::new();
    let mut open = true;
    let mut sent_error = None;
    while open || !in_flight.is_empty() {
        tokio::select! {
            next = ready.recv(), if open && in_flight.len() < IN_FLIGHT => match next {
                Some(chunk) => in_flight.push(send_chunk(client, paths::upload_chunk(&file_id_of_chunks, chunk.index), token.as_str(), chunk)),
                None => open = false,
            },
            Some(done) = in_flight.next(), if !in_flight.is_empty() => match done {
                Ok(bytes) => bar.inc(bytes),
                Err(error) => { sent_error = Some(error); break; }
            },
        }
    }
    drop(in_flight);
    if let Some(error) = sent_error {
        // Dropping the receiver stops the sealing thread at its next chunk.
        drop(ready);
        let _ = sealer.await;
        return Err(upload_failure(error).into());
    }
    let metadata = match sealer.await {
        Ok(Ok(metadata)) => metadata,
        Ok(Err(SealStop::Failure(failure))) => return Err(failure.into()),
        Ok(Err(SealStop::NotTheSameFile)) => return Err(UploadError::Changed),
        Err(_) => return Err(Failure::new(Kind::Other, "Sealing the file failed.").into()),
    };
    let finish = FinishUploadRequest { upload_token: token, metadata: b64::encode(&metadata) };
    client
        .post::<_, FinishUploadResponse>(&paths::upload_finish(&file_id_of_chunks), &finish)
        .await
        .map_err(upload_failure)?;
    Ok(metadata)
}

/// Reads and seals every chunk in order on this (blocking) thread: first, on a resume, the
/// recorded ones to check the chain; then every chunk, handing the ones the server lacks to the
/// sender. Returns the plaintext's SHA-256 (hex).
fn seal_all(
    job: &Job,
    count: u64,
    has: &dyn Fn(u64) -> bool,
    record: &mut Recorder,
    sender: &mpsc::Sender<Sealed>,
    bar: &ProgressBar,
) -> Result<String, SealStop> {
    let recorded = job.recorded.count();
    let mut digest = FileDigest::new();
    let mut checked = Vec::with_capacity(usize::try_from(recorded).unwrap_or(0));
    let mut chain = SealedChain::new();
    if recorded > 0 {
        bar.set_message("checking");
        let mut reader = ChunkReader::open(job, count)?;
        let mut sealer = Some(StreamSealer::new(&job.file_key, &job.file_id, job.chunk_size));
        for index in 0..recorded.min(count) {
            let plaintext = reader.next(index)?;
            let ciphertext = seal(&mut sealer, index, count, &plaintext)?;
            let checksum = chunk_checksum(&ciphertext);
            digest.update(&plaintext);
            chain.push(&checksum);
            checked.push(checksum);
        }
        if !chain.matches(&job.recorded) {
            return Err(SealStop::NotTheSameFile);
        }
        bar.set_message("");
    }
    let mut reader = ChunkReader::open(job, count)?;
    let mut sealer = Some(StreamSealer::new(&job.file_key, &job.file_id, job.chunk_size));
    // Newly sealed chunks wait here until the chain covering them is recorded (one durable
    // write for a batch), then leave together.
    let mut batch: Vec<Sealed> = Vec::with_capacity(BATCH);
    for index in 0..count {
        let plaintext = reader.next(index)?;
        let plain_len = plaintext.len() as u64;
        let ciphertext = seal(&mut sealer, index, count, &plaintext)?;
        let checksum = chunk_checksum(&ciphertext);
        let sealed = Sealed { index, ciphertext, checksum, plain_len };
        match checked.get(index as usize) {
            Some(expected) if *expected != checksum => return Err(SealStop::NotTheSameFile),
            Some(_) if has(index) => bar.inc(plain_len),
            // Sealed before, recorded, and byte for byte the same: it may leave at once.
            Some(_) => hand_over(sender, vec![sealed])?,
            None => {
                digest.update(&plaintext);
                chain.push(&checksum);
                batch.push(sealed);
                if batch.len() == BATCH || index + 1 == count {
                    record(Checkpoint::Chain(chain.clone())).map_err(SealStop::Failure)?;
                    hand_over(sender, std::mem::take(&mut batch))?;
                }
            }
        }
    }
    if digest.size() != job.size {
        return Err(SealStop::NotTheSameFile);
    }
    Ok(digest.finish_hex())
}

/// Passes sealed chunks to the sending side.
fn hand_over(sender: &mpsc::Sender<Sealed>, chunks: Vec<Sealed>) -> Result<(), SealStop> {
    for chunk in chunks {
        if sender.blocking_send(chunk).is_err() {
            // The sending side stopped (and says why).
            return Err(SealStop::Failure(Failure::new(Kind::Network, "The upload stopped.")));
        }
    }
    Ok(())
}

/// Seals chunk `index` of `count`; the last one ends the stream (the sealer is taken).
fn seal(
    sealer: &mut Option<StreamSealer>,
    index: u64,
    count: u64,
    plaintext: &[u8],
) -> Result<Vec<u8>, SealStop> {
    let sealed = match sealer.as_mut() {
        Some(_) if index + 1 == count => sealer.take().map(|last| last.finish(plaintext)),
        Some(open) => Some(open.seal_chunk(plaintext)),
        None => None,
    };
    // A chunk of the wrong length: the file changed under the reader.
    sealed.and_then(Result::ok).ok_or(SealStop::NotTheSameFile)
}

/// Reads a file a chunk at a time, checking it is still the size the draft recorded.
struct ChunkReader {
    file: File,
    size: u64,
    chunk: u64,
    count: u64,
    path: PathBuf,
}

impl ChunkReader {
    fn open(job: &Job, count: u64) -> Result<Self, SealStop> {
        let file =
            File::open(&job.path).map_err(|error| SealStop::Failure(Failure::file(&job.path, error)))?;
        let size = file.metadata().map_err(|error| SealStop::Failure(Failure::file(&job.path, error)))?.len();
        if size != job.size {
            return Err(SealStop::NotTheSameFile);
        }
        Ok(Self { file, size, chunk: u64::from(job.chunk_size.get()), count, path: job.path.clone() })
    }

    /// Chunk `index`'s plaintext (chunks are read in order).
    fn next(&mut self, index: u64) -> Result<Zeroizing<Vec<u8>>, SealStop> {
        let len = if index + 1 == self.count { self.size - index * self.chunk } else { self.chunk };
        let mut buffer = Zeroizing::new(vec![0u8; usize::try_from(len).unwrap_or(0)]);
        self.file
            .read_exact(&mut buffer)
            .map_err(|error| SealStop::Failure(Failure::file(&self.path, error)))?;
        Ok(buffer)
    }
}

/// Sends one chunk, trying again after a network failure or a server fault (0.5, 1, 2, 4 s),
/// and after the server's `Retry-After` when it is busy or rate-limits chunks. Returns the
/// chunk's plaintext bytes.
async fn send_chunk(client: &Client, path: String, token: &str, chunk: Sealed) -> Result<u64, HttpError> {
    let checksum = b64::encode(chunk.checksum);
    let body = bytes::Bytes::from(chunk.ciphertext);
    let (mut attempt, mut wait, mut rate_waits) = (1, Duration::from_millis(500), 0);
    loop {
        let request = client
            .request(Method::PUT, &path)
            .header(UPLOAD_TOKEN_HEADER, token)
            .header(CHUNK_SHA256_HEADER, &checksum)
            .header(reqwest::header::CONTENT_TYPE, "application/octet-stream")
            .body(body.clone());
        match http::send(request).await {
            Ok(_) => return Ok(chunk.plain_len),
            Err(HttpError::Server { status: 429 | 503, retry_after, .. }) if rate_waits < RATE_WAITS => {
                tokio::time::sleep(Duration::from_secs(retry_after.unwrap_or(1).clamp(1, 60))).await;
                rate_waits += 1;
            }
            Err(error) if attempt < TRIES && error.is_transient() => {
                tokio::time::sleep(wait).await;
                attempt += 1;
                wait *= 2;
            }
            Err(error) => return Err(error),
        }
    }
}

/// An upload's refusal, in words for the codes a user can act on.
pub fn upload_failure(error: HttpError) -> Failure {
    let message = match error.code() {
        ErrorCode::StorageFull => {
            "The server is out of space for files. Try a smaller file or ask its administrator."
        }
        ErrorCode::TooManyUploads => {
            "Your unfinished uploads already take all the room this server gives one person. Finish or cancel one, or try again later."
        }
        ErrorCode::FileTooLarge => "The file is larger than this server accepts.",
        _ => return error.into(),
    };
    Failure::new(Kind::Refused, message)
}
