//! Downloads a file's ciphertext as a stream and opens it chunk by chunk as it arrives
//! (docs/envelope.md, "Chunk stream" and "Integrity"), into a writer. The caller keeps nothing
//! unless this returns `Ok`: the last chunk opened and the whole plaintext hashed to the value
//! sealed at upload. A broken stream continues from the byte it stopped at (`Range`).

use coffer_shared::api::ErrorCode;
use coffer_shared::api::paths;
use std::io::Write;
use std::time::Duration;

use coffer_shared::api::StoredFile;
use coffer_shared::b64;
use coffer_shared::crypto::Key32;
use coffer_shared::crypto::envelope::{Envelope, TAG_LEN};
use coffer_shared::crypto::file_meta::{FileDigest, FileMeta, open_meta};
use coffer_shared::crypto::stream::StreamOpener;
use futures_util::StreamExt;
use indicatif::ProgressBar;
use reqwest::Method;
use tokio::sync::mpsc;

use crate::exit::{Failure, Kind, Outcome};
use crate::http::{self, Client, HttpError};

/// Tries to continue a broken download before giving up.
const TRIES: u32 = 5;
/// Sealed chunks queued for the opening thread.
const QUEUED: usize = 4;

/// Where the ciphertext comes from.
pub enum Source<'a> {
    /// A share's file, with the claim's download token.
    Share(&'a str),
    /// A vault attachment (the session authorises it).
    Vault,
}

/// Opens a stored file's metadata with its key; the server's size and chunk size must be the
/// sealed ones.
pub fn open_metadata(file: &StoredFile, file_key: &Key32) -> Outcome<FileMeta> {
    let tampered =
        || Failure::new(Kind::Tampered, "A file's sealed description does not open: the share was altered.");
    let bytes = b64::decode(&file.metadata).map_err(|_| tampered())?;
    let envelope = Envelope::parse(&bytes).map_err(|_| tampered())?;
    let meta = open_meta(file_key, &file.id, &envelope).map_err(|_| tampered())?;
    if meta.size != file.size || meta.chunk_size != file.chunk_size {
        return Err(tampered());
    }
    Ok(meta)
}

/// A tampered file: nothing of it is kept.
fn corrupt() -> Failure {
    Failure::new(
        Kind::Tampered,
        "A file failed its integrity check: it was damaged or altered. Nothing of it was saved.",
    )
}

/// Downloads, opens and checks the file into `out`; `bar` counts plaintext bytes written.
pub async fn download<W: Write + Send + 'static>(
    client: &Client,
    file: &StoredFile,
    file_key: &Key32,
    meta: &FileMeta,
    source: Source<'_>,
    out: W,
    bar: &ProgressBar,
) -> Outcome<W> {
    let chunk_size = meta.chunk_size().map_err(|_| corrupt())?;
    let count = meta.chunk_count().map_err(|_| corrupt())?;
    let (sender, chunks) = mpsc::channel::<Vec<u8>>(QUEUED);
    let opener = StreamOpener::new(file_key, &file.id, chunk_size);
    let (expected, progress) = (meta.clone(), bar.clone());
    let sealed_chunk = chunk_size.get() as usize + TAG_LEN;
    let opening =
        tokio::task::spawn_blocking(move || open_all(opener, chunks, count, &expected, out, &progress));

    let path = match source {
        Source::Share(_) => paths::file(&file.id),
        Source::Vault => paths::vault_file(&file.id),
    };
    let token = match source {
        Source::Share(token) => Some(token.to_owned()),
        Source::Vault => None,
    };
    let fetched = fetch(client, &path, token.as_deref(), sealed_chunk, sender).await;
    let opened = opening.await.map_err(|_| Failure::new(Kind::Other, "Opening the file failed."))?;
    match (fetched, opened) {
        (_, Ok(out)) => Ok(out),
        // The opening side stopped first: its reason is the real one.
        (_, Err(Some(failure))) => Err(failure),
        (Err(error), Err(None)) => Err(match error.code() {
            ErrorCode::NotFound => Failure::new(
                Kind::NotFound,
                "The file is no longer available (the link expired or was used up).",
            ),
            _ => error.into(),
        }),
        (Ok(()), Err(None)) => Err(corrupt()),
    }
}

/// Streams the body, cut into sealed chunks of `sealed_chunk` bytes (the last one shorter), into
/// `sender`, continuing a broken stream from the byte it stopped at.
async fn fetch(
    client: &Client,
    path: &str,
    token: Option<&str>,
    sealed_chunk: usize,
    sender: mpsc::Sender<Vec<u8>>,
) -> Result<(), HttpError> {
    let mut from: u64 = 0;
    let mut tries = 0;
    let mut pending: Vec<u8> = Vec::with_capacity(sealed_chunk);
    loop {
        let mut request = client.request(Method::GET, path);
        if let Some(token) = token {
            request = request.header(coffer_shared::api::DOWNLOAD_TOKEN_HEADER, token);
        }
        if from > 0 {
            request = request.header(reqwest::header::RANGE, format!("bytes={from}-"));
        }
        let broken = match http::send(request).await {
            Ok(response) if from > 0 && !continues_at(&response, from) => {
                return Err(HttpError::BadResponse(
                    "the server did not continue the download where it broke off".into(),
                ));
            }
            Ok(response) => {
                let mut body = response.bytes_stream();
                loop {
                    match body.next().await {
                        None => {
                            if !pending.is_empty() {
                                let _ = sender.send(pending).await;
                            }
                            return Ok(());
                        }
                        Some(Ok(piece)) => {
                            from += piece.len() as u64;
                            let mut piece: &[u8] = &piece;
                            while !piece.is_empty() {
                                let take = (sealed_chunk - pending.len()).min(piece.len());
                                pending.extend_from_slice(&piece[..take]);
                                piece = &piece[take..];
                                if pending.len() == sealed_chunk {
                                    let full =
                                        std::mem::replace(&mut pending, Vec::with_capacity(sealed_chunk));
                                    if sender.send(full).await.is_err() {
                                        // The opening side stopped (tampered data or a full disk).
                                        return Ok(());
                                    }
                                }
                            }
                        }
                        Some(Err(error)) => break http::network(error),
                    }
                }
            }
            Err(error) if error.is_transient() => error,
            Err(error) => return Err(error),
        };
        tries += 1;
        if tries >= TRIES {
            return Err(broken);
        }
        tokio::time::sleep(Duration::from_millis(500 << tries)).await;
    }
}

/// Whether an answer to `Range: bytes=<from>-` is that range: 206 with a `Content-Range` that
/// starts at `from` (a 200 would repeat the whole file).
fn continues_at(response: &reqwest::Response, from: u64) -> bool {
    response.status() == reqwest::StatusCode::PARTIAL_CONTENT
        && response
            .headers()
            .get(reqwest::header::CONTENT_RANGE)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|range| range.starts_with(&format!("bytes {from}-")))
}

/// Opens the sealed chunks in order, hashes and writes the plaintext. `Err(None)` when the
/// stream ended early (the fetch says why); `Err(Some)` for a failure here.
fn open_all<W: Write>(
    mut opener: StreamOpener,
    mut chunks: mpsc::Receiver<Vec<u8>>,
    count: u64,
    meta: &FileMeta,
    mut out: W,
    bar: &ProgressBar,
) -> Result<W, Option<Failure>> {
    let mut digest = FileDigest::new();
    let write_failed = |error: std::io::Error| {
        Some(Failure::new(Kind::LocalFile, format!("Writing the file failed: {error}")))
    };
    while let Some(sealed) = chunks.blocking_recv() {
        if opener.is_finished() {
            // Bytes past the last chunk.
            return Err(Some(corrupt()));
        }
        let last = opener.next_index() + 1 == count;
        let plaintext = opener.open_chunk(&sealed, last).map_err(|_| Some(corrupt()))?;
        digest.update(&plaintext);
        out.write_all(&plaintext).map_err(write_failed)?;
        bar.inc(plaintext.len() as u64);
    }
    if !opener.is_finished() {
        return Err(None);
    }
    opener.finish().map_err(|_| Some(corrupt()))?;
    digest.verify(meta).map_err(|_| Some(corrupt()))?;
    out.flush().map_err(write_failed)?;
    Ok(out)
}
