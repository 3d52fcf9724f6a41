//! Seals a file chunk by chunk in this browser and uploads the ciphertext (docs/api.md,
//! "Uploads"). The file is read a slice at a time (`File.slice`), so memory stays at a few
//! chunks whatever its size; a handful of chunks are in flight at once.
//!
//! A resumed upload first re-seals every chunk it sealed before and checks the hash chain it
//! recorded (docs/envelope.md, "Resuming an upload"); only then does it send anything. Nothing
//! is sealed without the upload's [`tab_lock`], so two tabs never seal one upload's chunks.

use coffer_shared::api::ErrorCode;
use coffer_shared::token::UploadToken;
use std::cell::Cell;
use std::fmt;
use std::rc::Rc;

use coffer_shared::api::{FinishUploadRequest, StartUploadRequest};
use coffer_shared::b64;
use coffer_shared::crypto::Key32;
use coffer_shared::crypto::envelope::PasswordParams;
use coffer_shared::crypto::file_meta::{FileId, FileMeta, seal_meta, upload_token};
use coffer_shared::crypto::resume::SealedChain;
use coffer_shared::crypto::stream::ChunkSize;
use coffer_shared::crypto::webcrypto::{self, ChunkKey};
use futures::stream::{FuturesUnordered, StreamExt};
use wasm_bindgen_futures::JsFuture;

use crate::api::{self, ApiError};
use crate::files::digest::PlainDigest;
use crate::files::pipeline::Pipeline;
use crate::files::tab_lock::{self, LockError};
use crate::perf;

/// Chunks sent at once: enough to keep a fast link busy while the next ones are sealed.
const IN_FLIGHT: usize = 4;
/// Chunks read and sealed ahead of the one being sent: WebCrypto seals and hashes them off the
/// page's thread while it hashes the plaintext.
const AHEAD: usize = 4;
/// Tries per chunk before the upload stops (it can be resumed later).
const TRIES: u32 = 5;
/// Waits per chunk that the server may ask for (its chunk rate limit, or busy) before the upload
/// stops.
const RATE_WAITS: u32 = 30;

/// What the upload is doing, for the progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Re-sealing the chunks of an earlier attempt to check that the file is the same.
    Checking,
    /// Sealing and sending.
    Sending,
}

/// What the caller must have stored durably before the upload goes on.
#[derive(Debug, Clone, Copy)]
pub enum Checkpoint<'a> {
    /// The chain after a newly sealed chunk, before that chunk leaves.
    Chain(&'a SealedChain),
    /// The sealed metadata envelope, before the upload is finished with it: a signed share
    /// signs exactly these bytes, even if the answer to the finish is lost.
    Metadata(&'a [u8]),
}

/// A request to stop, shared between the page's Cancel button and the upload loop.
pub type Cancel = Rc<Cell<bool>>;

/// What to upload and where.
pub struct UploadJob<'a> {
    /// The file the user selected.
    pub file: &'a web_sys::File,
    /// Its id: fresh for a new draft, the draft's for a resumed one.
    pub file_id: FileId,
    /// Its key.
    pub file_key: Key32,
    /// The chunk size the upload uses.
    pub chunk_size: ChunkSize,
    /// The share's password parameters, for the metadata's header.
    pub password: Option<PasswordParams>,
    /// Upload as a vault attachment of the signed-in account.
    pub vault: bool,
    /// The session's CSRF token when signed in.
    pub csrf: Option<String>,
    /// The chain recorded by an earlier attempt (empty for a new upload).
    pub recorded: SealedChain,
}

/// Why an upload stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UploadError {
    /// The user cancelled.
    Cancelled,
    /// The file could not be read (moved, deleted or changed since it was selected).
    Unreadable,
    /// The selected file is not the one the earlier attempt sealed: start over.
    NotTheSameFile,
    /// This browser's storage refused the resume record, so no chunk may be sent.
    Storage,
    /// The browser's crypto refused (should not happen).
    Crypto,
    /// Another tab of this browser is sending this upload: this one sealed nothing.
    OtherTab,
    /// The browser cannot keep two tabs from sealing the same upload (no Web Locks).
    NoTabLocks,
    /// The server refused or could not be reached.
    Api(ApiError),
}

impl fmt::Display for UploadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UploadError::Cancelled => f.write_str("Cancelled."),
            UploadError::Unreadable => f.write_str("The file could not be read. Was it moved or changed?"),
            UploadError::NotTheSameFile => f.write_str(
                "This is not the same file as before (its content differs), so the upload starts over.",
            ),
            UploadError::Storage => f.write_str("This browser refused to store the upload's progress."),
            UploadError::Crypto => f.write_str("This browser could not encrypt the file."),
            UploadError::OtherTab => f.write_str(
                "This upload continues in another tab of this browser. Follow it there; this tab \
                 sent nothing.",
            ),
            UploadError::NoTabLocks => f.write_str(
                "This browser is too old to upload files safely (it lacks Web Locks). Update it and \
                 try again.",
            ),
            UploadError::Api(error) if error.code() == ErrorCode::StorageFull => f.write_str(
                "The server is out of space for files. Try a smaller file or ask its administrator.",
            ),
            UploadError::Api(error) if error.code() == ErrorCode::TooManyUploads => f.write_str(
                "Your unfinished uploads already take all the room this server gives one person. \
                 Finish or cancel one, or try again later.",
            ),
            UploadError::Api(error) if error.code() == ErrorCode::FileTooLarge => {
                f.write_str("The file is larger than this server accepts.")
            }
            UploadError::Api(error) => error.fmt(f),
        }
    }
}

impl From<LockError> for UploadError {
    fn from(error: LockError) -> Self {
        match error {
            LockError::HeldElsewhere => UploadError::OtherTab,
            LockError::Unsupported => UploadError::NoTabLocks,
        }
    }
}

impl From<ApiError> for UploadError {
    fn from(error: ApiError) -> Self {
        UploadError::Api(error)
    }
}

/// Seals and uploads `job.file`, then finishes it with its sealed metadata. `record` must
/// store each [`Checkpoint`] durably before it returns `true`; it is called before each new
/// chunk leaves and before the finish. `progress(stage, bytes)` reports plaintext bytes checked
/// or confirmed by the server. Holds the upload's tab lock throughout; fails with
/// [`UploadError::OtherTab`], having done nothing, if another tab holds it.
pub async fn upload(
    job: UploadJob<'_>,
    record: impl Fn(Checkpoint<'_>) -> bool,
    progress: impl Fn(Stage, u64),
    cancel: &Cancel,
) -> Result<(), UploadError> {
    let _lock = tab_lock::try_lock(&tab_lock::upload_name(job.file_id.as_str())).await?;
    let size = file_size(job.file);
    let chunk = u64::from(job.chunk_size.get());
    let count = job.chunk_size.chunk_count(size).ok_or(UploadError::Unreadable)?;
    let token = upload_token(&job.file_key, &job.file_id).to_b64();
    let key = ChunkKey::import(&job.file_key, &job.file_id, job.chunk_size)
        .await
        .map_err(|_| UploadError::Crypto)?;
    let plaintext_len = |index: u64| if index + 1 == count { size - index * chunk } else { chunk };

    let request = StartUploadRequest {
        file_id: job.file_id.clone(),
        size,
        chunk_size: job.chunk_size.get(),
        upload_token: UploadToken::from_text(token.clone()),
        vault: job.vault,
    };
    // A browser that recorded no chunk starts the upload at once; one that did (or whose start
    // finds the id taken: an earlier start reached the server) asks how far it got. So a new
    // upload makes no request that is expected to fail.
    let fresh = job.recorded.count() == 0;
    let started = if fresh {
        match api::files::start(&request, job.csrf.as_deref()).await {
            Ok(_) => true,
            Err(error) if error.is_id_taken() => false,
            Err(error) => return Err(error.into()),
        }
    } else {
        false
    };
    let received = if started {
        Vec::new()
    } else {
        match api::files::status(&job.file_id, &token).await {
            Ok(status) if status.finished => return Ok(()),
            Ok(status) => status.received,
            Err(error) if error.is_not_found() => {
                api::files::start(&request, job.csrf.as_deref()).await?;
                Vec::new()
            }
            Err(error) => return Err(error.into()),
        }
    };
    // Only chunks this browser recorded can be on the server (each is recorded before it leaves):
    // a claim past them is not believed, so the chain below never skips an index.
    let recorded = job.recorded.count();
    let has = |index: u64| {
        index < recorded && received.iter().any(|[first, last]| (*first..=*last).contains(&index))
    };

    // 1. Re-seal what an earlier attempt sealed and check the chain before sending anything.
    let stages = perf::Stages::start("upload");
    let prepare = |index: u64| {
        let (stages, key, file) = (&stages, &key, job.file);
        async move {
            let plaintext = stages.wait("read", read(file, index * chunk, plaintext_len(index))).await?;
            let sealed = stages.wait("seal", seal(key, index, count, &plaintext)).await?;
            let checksum = stages.wait("checksum", checksum(&sealed)).await?;
            Ok::<_, UploadError>(Sealed { index, plaintext, sealed, checksum })
        }
    };
    let mut chain = SealedChain::new();
    let mut digest = PlainDigest::start(size).await;
    // The checksums the chain was checked with: a chunk sent again must seal to the same bytes,
    // or a file changed since would put a second plaintext under that chunk's nonce.
    let mut checked: Vec<[u8; 32]> = Vec::new();
    let mut ready = Pipeline::new(0..recorded, AHEAD, &prepare);
    while let Some(next) = stages.wait("ready", ready.next()).await {
        stop_if(cancel)?;
        let sealed = next?;
        stages
            .wait("digest", ready.meanwhile(digest.update(&sealed.plaintext)))
            .await
            .map_err(|_| UploadError::Crypto)?;
        chain.push(&sealed.checksum);
        checked.push(sealed.checksum);
        progress(Stage::Checking, (sealed.index + 1) * chunk);
    }
    drop(ready);
    if !chain.matches(&job.recorded) {
        return Err(UploadError::NotTheSameFile);
    }

    // 2. Send what the server lacks, in order; new chunks extend the chain first. Up to AHEAD
    // chunks are read and sealed ahead of the one being sent (none leaves before its chain is
    // recorded), and IN_FLIGHT are sent at once.
    let mut confirmed: u64 = (0..count).filter(|&index| has(index)).map(plaintext_len).sum();
    progress(Stage::Sending, confirmed);
    let mut in_flight = FuturesUnordered::new();
    let mut ready = Pipeline::new((0..count).filter(|&index| !has(index)), AHEAD, &prepare);
    while let Some(next) = stages.wait("ready", ready.next()).await {
        stop_if(cancel)?;
        let Sealed { index, plaintext, sealed, checksum } = next?;
        if let Some(expected) = checked.get(index as usize) {
            if *expected != checksum {
                return Err(UploadError::NotTheSameFile);
            }
        } else {
            debug_assert_eq!(index, chain.count(), "chunks extend the chain in order");
            stages
                .wait("digest", ready.meanwhile(digest.update(&plaintext)))
                .await
                .map_err(|_| UploadError::Crypto)?;
            chain.push(&checksum);
            if !stages.time("record", || record(Checkpoint::Chain(&chain))) {
                return Err(UploadError::Storage);
            }
        }
        drop(plaintext);
        let (file_id, token) = (job.file_id.clone(), token.clone());
        let bytes = plaintext_len(index);
        in_flight.push(async move {
            let began = crate::files::now_ms();
            send_chunk(&file_id, index, &sealed, &token, &checksum).await?;
            Ok((bytes, crate::files::now_ms() - began))
        });
        while in_flight.len() >= IN_FLIGHT {
            confirmed += ready.meanwhile(next_done(&mut in_flight, &stages)).await?;
            progress(Stage::Sending, confirmed);
        }
    }
    drop(ready);
    while !in_flight.is_empty() {
        confirmed += next_done(&mut in_flight, &stages).await?;
        progress(Stage::Sending, confirmed);
    }
    stop_if(cancel)?;

    let (_, sha256) = stages.wait("digest", digest.finish()).await.map_err(|_| UploadError::Crypto)?;
    let meta = FileMeta {
        name: job.file.name(),
        mime_type: mime_type(job.file),
        size,
        chunk_size: job.chunk_size.get(),
        sha256,
    };
    let metadata = seal_meta(&job.file_key, &job.file_id, &meta, job.password);
    if !record(Checkpoint::Metadata(&metadata)) {
        return Err(UploadError::Storage);
    }
    let metadata = b64::encode(metadata);
    let request = FinishUploadRequest { upload_token: UploadToken::from_text(token), metadata };
    stages.wait("finish", api::files::finish(&job.file_id, &request)).await?;
    stages.publish();
    Ok(())
}

/// The file's size in bytes.
pub fn file_size(file: &web_sys::File) -> u64 {
    file.size() as u64
}

/// The file's MIME type, `application/octet-stream` when the browser does not know it.
pub fn mime_type(file: &web_sys::File) -> String {
    let kind = file.type_();
    if kind.is_empty() { "application/octet-stream".to_owned() } else { kind }
}

fn stop_if(cancel: &Cancel) -> Result<(), UploadError> {
    if cancel.get() { Err(UploadError::Cancelled) } else { Ok(()) }
}

/// Waits for the next chunk the server confirms; returns its plaintext bytes. The wait is the
/// `network` stage, each chunk's request time the `put` stage.
async fn next_done<F>(in_flight: &mut FuturesUnordered<F>, stages: &perf::Stages) -> Result<u64, UploadError>
where
    F: std::future::Future<Output = Result<(u64, f64), UploadError>>,
{
    let (bytes, put_ms) = stages.wait("network", in_flight.next()).await.unwrap_or(Ok((0, 0.0)))?;
    stages.add("put", put_ms);
    Ok(bytes)
}

/// Reads `len` bytes at `offset` of the file.
async fn read(file: &web_sys::File, offset: u64, len: u64) -> Result<Vec<u8>, UploadError> {
    let slice = file
        .slice_with_f64_and_f64(offset as f64, (offset + len) as f64)
        .map_err(|_| UploadError::Unreadable)?;
    let buffer = JsFuture::from(slice.array_buffer()).await.map_err(|_| UploadError::Unreadable)?;
    let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
    if bytes.len() as u64 == len { Ok(bytes) } else { Err(UploadError::Unreadable) }
}

/// A chunk read and sealed, with the checksum of its ciphertext.
struct Sealed {
    index: u64,
    plaintext: Vec<u8>,
    sealed: Vec<u8>,
    checksum: [u8; 32],
}

/// SHA-256 of a sealed chunk (`resume::chunk_checksum`), by WebCrypto off the page's thread.
async fn checksum(sealed: &[u8]) -> Result<[u8; 32], UploadError> {
    webcrypto::sha256(sealed).await.map_err(|_| UploadError::Crypto)
}

async fn seal(key: &ChunkKey, index: u64, count: u64, plaintext: &[u8]) -> Result<Vec<u8>, UploadError> {
    let index32 = u32::try_from(index).map_err(|_| UploadError::Crypto)?;
    key.seal(index32, index + 1 == count, plaintext).await.map_err(|_| UploadError::Crypto)
}

/// Sends one chunk, trying again after a network failure or a server fault (0.5, 1, 2, 4 s), and
/// after the server's `Retry-After` when its chunk rate limit is reached or it is busy (503: its
/// room for chunks in flight is taken, or its database is restarting).
async fn send_chunk(
    file_id: &FileId,
    index: u64,
    sealed: &[u8],
    token: &str,
    checksum: &[u8; 32],
) -> Result<(), UploadError> {
    let checksum = b64::encode(checksum);
    let (mut attempt, mut wait_ms, mut rate_waits) = (1, 500, 0);
    loop {
        match api::files::put_chunk(file_id, index, sealed, token, &checksum).await {
            Ok(_) => return Ok(()),
            Err(ApiError::Server { status: 429 | 503, retry_after, .. }) if rate_waits < RATE_WAITS => {
                let seconds = retry_after.unwrap_or(1).clamp(1, 60) as u32;
                crate::files::sleep_ms(seconds * 1000).await;
                rate_waits += 1;
            }
            Err(error) if attempt < TRIES && is_transient(&error) => {
                crate::files::sleep_ms(wait_ms).await;
                attempt += 1;
                wait_ms *= 2;
            }
            Err(error) => return Err(error.into()),
        }
    }
}

/// Worth trying again: no answer, a body the server stopped waiting for (408), or a server
/// fault other than a full disk.
fn is_transient(error: &ApiError) -> bool {
    match error {
        ApiError::Network => true,
        ApiError::Server { status: 408, .. } => true,
        ApiError::Server { status, code, .. } => *status >= 500 && *code != ErrorCode::StorageFull,
        _ => false,
    }
}
