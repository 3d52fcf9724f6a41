//! Downloads a file's ciphertext as a stream and opens it chunk by chunk as it arrives
//! (docs/envelope.md, "Chunk stream" and "Integrity"). Nothing is handed to the user before the
//! last chunk has opened and the whole plaintext hashed to the value sealed at upload: the last
//! piece is held back until then, and a stream that fails is aborted.
//!
//! The bytes stay in JavaScript memory all the way: the fetched pieces are cut into chunks there,
//! WebCrypto opens them from there, and each plaintext goes from there to the file-hash worker
//! (a copy) and to the sink (its buffer handed over). A download is CPU-bound on a small machine,
//! and the copies into WASM memory and back out cost about a sixth of it (docs/storage.md).

use std::collections::VecDeque;
use std::fmt;

use coffer_shared::api::StoredFile;
use coffer_shared::b64;
use coffer_shared::crypto::Key32;
use coffer_shared::crypto::envelope::Envelope;
use coffer_shared::crypto::file_meta::{FileId, FileMeta, open_meta, verify_digest};
use coffer_shared::crypto::stream::ChunkSize;
use coffer_shared::crypto::webcrypto::{ChunkKey, StartedChunk, WebStreamOpener};
use js_sys::{Reflect, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{ReadableStreamDefaultReader, Response};

use super::digest::PlainDigest;
use super::pieces::Pieces;
use super::sink::Sink;
use super::upload::Cancel;
use crate::api::{self, ApiError};
use crate::perf;

/// Tries to continue a broken download (from the last whole chunk) before giving up.
const TRIES: u32 = 5;
/// Chunks opening at once while the page hashes and saves the ones before them.
const AHEAD: usize = 4;

/// Where the ciphertext comes from.
#[derive(Clone)]
pub enum Source {
    /// A share's file, with the claim's download token.
    Share(String),
    /// A vault attachment (the session cookie authorises it); `preview` when the page shows it
    /// rather than saving it (the security log then says "previewed").
    Vault {
        /// Fetched to be shown in the page.
        preview: bool,
    },
}

/// Why a download stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DownloadError {
    /// The user cancelled.
    Cancelled,
    /// A chunk or the metadata did not open, or the hash did not match: the file was altered.
    Corrupt,
    /// The browser stopped taking the file (the user cancelled the download there).
    Sink,
    /// The file-hash worker stopped, so the file cannot be checked (should not happen).
    Unchecked,
    /// The server refused or could not be reached.
    Api(ApiError),
}

impl fmt::Display for DownloadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DownloadError::Cancelled => f.write_str("Cancelled."),
            DownloadError::Corrupt => f.write_str(
                "The file failed its integrity check: it was damaged or altered. Nothing was saved.",
            ),
            DownloadError::Sink => f.write_str("The browser stopped saving the file."),
            DownloadError::Unchecked => {
                f.write_str("This browser stopped checking the file, so nothing was saved. Try again.")
            }
            DownloadError::Api(error) if error.is_not_found() => {
                f.write_str("The file is no longer available (the link expired or was used up).")
            }
            DownloadError::Api(error) => error.fmt(f),
        }
    }
}

/// Opens a stored file's metadata with its key.
pub fn open_metadata(file: &StoredFile, file_key: &Key32) -> Result<FileMeta, DownloadError> {
    let bytes = b64::decode(&file.metadata).map_err(|_| DownloadError::Corrupt)?;
    let envelope = Envelope::parse(&bytes).map_err(|_| DownloadError::Corrupt)?;
    let meta = open_meta(file_key, &file.id, &envelope).map_err(|_| DownloadError::Corrupt)?;
    // The server's size and chunk size must be the sealed ones.
    if meta.size != file.size || meta.chunk_size != file.chunk_size {
        return Err(DownloadError::Corrupt);
    }
    Ok(meta)
}

/// Downloads, opens and checks the file into `sink`; `progress(bytes)` reports plaintext bytes
/// written. Returns the sink's result (a Blob for a memory sink). On any failure the sink is
/// aborted.
pub async fn download(
    file_id: &FileId,
    file_key: &Key32,
    meta: &FileMeta,
    source: &Source,
    mut sink: Sink,
    progress: impl Fn(u64),
    cancel: &Cancel,
) -> Result<Option<web_sys::Blob>, DownloadError> {
    match fetch_and_open(file_id, file_key, meta, source, &mut sink, progress, cancel).await {
        Ok(last) => {
            sink.write(last).await.map_err(|_| DownloadError::Sink)?;
            sink.close().map_err(|_| DownloadError::Sink)
        }
        Err(error) => {
            sink.abort();
            Err(error)
        }
    }
}

/// Everything but the last piece goes to the sink; the last is returned once the integrity
/// check passed. Up to [`AHEAD`] chunks open at once (off the page's thread) while the page
/// fetches, hashes and saves the ones before them, in order.
async fn fetch_and_open(
    file_id: &FileId,
    file_key: &Key32,
    meta: &FileMeta,
    source: &Source,
    sink: &mut Sink,
    progress: impl Fn(u64),
    cancel: &Cancel,
) -> Result<Uint8Array, DownloadError> {
    let chunk_size = ChunkSize::new(meta.chunk_size).map_err(|_| DownloadError::Corrupt)?;
    let count = chunk_size.chunk_count(meta.size).ok_or(DownloadError::Corrupt)?;
    let chunk = u64::from(chunk_size.get());
    let sealed_len = |index: u64| (if index + 1 == count { meta.size - index * chunk } else { chunk }) + 16;
    let key = ChunkKey::import(file_key, file_id, chunk_size).await.map_err(|_| DownloadError::Corrupt)?;
    let stages = perf::Stages::start("download");
    let mut opener = WebStreamOpener::new(key);
    let mut out = Output { digest: PlainDigest::start(meta.size).await, held: Held::default(), written: 0 };
    let mut opening: VecDeque<StartedChunk> = VecDeque::new();
    let (mut index, mut offset) = (0u64, 0u64);
    let mut pieces = Pieces::default();
    let mut failures = 0;

    while index < count {
        let reader = match open_stream(file_id, source, offset).await {
            Ok(reader) => reader,
            Err(error) if is_transient(&error) && failures + 1 < TRIES => {
                failures += 1;
                super::sleep_ms(1_000 << failures).await;
                continue;
            }
            Err(error) => return Err(DownloadError::Api(error)),
        };
        pieces.clear();
        loop {
            if cancel.get() {
                let _ = reader.cancel();
                return Err(DownloadError::Cancelled);
            }
            let Some(bytes) = stages.wait("fetch", read(&reader)).await else { break };
            pieces.push(bytes);
            while index < count && pieces.len() >= sealed_len(index) {
                let sealed = stages.time("copy", || pieces.take(sealed_len(index) as u32));
                let started = stages
                    .time("start", || opener.start_chunk_js(&sealed, index + 1 == count))
                    .map_err(|_| DownloadError::Corrupt)?;
                opening.push_back(started);
                index += 1;
                offset += u64::from(sealed.length());
                failures = 0;
                if opening.len() >= AHEAD
                    && let Some(oldest) = opening.pop_front()
                {
                    out.take(oldest, &stages, sink, &progress).await?;
                }
            }
            if index == count && !pieces.is_empty() {
                return Err(DownloadError::Corrupt); // bytes after the last chunk: an extension
            }
        }
        if index < count {
            // The connection broke (or ended early): continue from the last whole chunk.
            failures += 1;
            if failures >= TRIES {
                return Err(DownloadError::Api(ApiError::Network));
            }
            super::sleep_ms(1_000 << failures).await;
        }
    }
    while let Some(oldest) = opening.pop_front() {
        out.take(oldest, &stages, sink, &progress).await?;
    }
    opener.finish().map_err(|_| DownloadError::Corrupt)?;
    let (size, sha256) =
        stages.wait("hash", out.digest.finish()).await.map_err(|_| DownloadError::Unchecked)?;
    verify_digest(size, &sha256, meta).map_err(|_| DownloadError::Corrupt)?;
    let last = out.held.0.take().unwrap_or_else(|| Uint8Array::new_with_length(0));
    progress(out.written + u64::from(last.length()));
    stages.publish();
    Ok(last)
}

/// Where opened chunks go, in order: into the file's digest, then to the sink one chunk late.
struct Output {
    digest: PlainDigest,
    /// The latest piece, held back: the final one is released only after the check.
    held: Held,
    written: u64,
}

/// A piece held back. One still held when the download fails is emptied: it never reaches
/// the user.
#[derive(Default)]
struct Held(Option<Uint8Array>);

impl Drop for Held {
    fn drop(&mut self) {
        if let Some(held) = self.0.take() {
            held.fill(0, 0, held.length());
        }
    }
}

impl Output {
    /// Waits for a chunk still opening (the oldest), hashes it and saves the one before it.
    async fn take(
        &mut self,
        started: StartedChunk,
        stages: &perf::Stages,
        sink: &mut Sink,
        progress: &impl Fn(u64),
    ) -> Result<(), DownloadError> {
        let plaintext =
            stages.wait("open", started.plaintext_js()).await.map_err(|_| DownloadError::Corrupt)?;
        if stages.wait("hash", self.digest.update_js(&plaintext)).await.is_err() {
            plaintext.fill(0, 0, plaintext.length());
            return Err(DownloadError::Unchecked);
        }
        if let Some(previous) = self.held.0.replace(plaintext) {
            let len = u64::from(previous.length());
            stages.wait("write", sink.write(previous)).await.map_err(|_| DownloadError::Sink)?;
            self.written += len;
            stages.time("progress", || progress(self.written));
        }
        Ok(())
    }
}

async fn open_stream(
    file_id: &FileId,
    source: &Source,
    from: u64,
) -> Result<ReadableStreamDefaultReader, ApiError> {
    let response: Response = match source {
        Source::Share(token) => api::files::download_shared(file_id, token, from).await?,
        Source::Vault { preview } => api::files::download_attachment(file_id, from, *preview).await?,
    };
    let body = response.body().ok_or(ApiError::BadResponse)?;
    body.get_reader().dyn_into().map_err(|_| ApiError::BadResponse)
}

/// The next piece of the body, or `None` at its end or on a network failure.
async fn read(reader: &ReadableStreamDefaultReader) -> Option<Uint8Array> {
    let result = JsFuture::from(reader.read()).await.ok()?;
    if Reflect::get(&result, &"done".into()).ok()?.as_bool().unwrap_or(true) {
        return None;
    }
    Reflect::get(&result, &"value".into()).ok()?.dyn_into().ok()
}

fn is_transient(error: &ApiError) -> bool {
    matches!(error, ApiError::Network) || matches!(error, ApiError::Server { status, .. } if *status >= 500)
}
