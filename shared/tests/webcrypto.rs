//! WebCrypto file chunks (`crypto::webcrypto`) in Chromium: they reproduce the committed
//! stream vectors byte for byte, open them, interoperate with the `aes-gcm` crate both ways, and
//! refuse every tampered stream the `aes-gcm` opener refuses.

#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use coffer_shared::b64;
use coffer_shared::crypto::file_meta::FileId;
use coffer_shared::crypto::resume::chunk_checksum;
use coffer_shared::crypto::stream::{ChunkSize, SealError, StreamOpener, StreamSealer};
use coffer_shared::crypto::webcrypto::{self, ChunkKey, WebSealError, WebStreamOpener, WebStreamSealer};
use coffer_shared::crypto::{Key32, OpenError, random_array};
use serde::Deserialize;
use wasm_bindgen_test::wasm_bindgen_test;

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

/// The committed vectors (`stream_vectors.rs` checks the rest of each entry).
const STREAM_VECTORS_JSON: &str = include_str!("vectors/stream-v1.json");

/// The part of the vector file the chunks need.
#[derive(Deserialize)]
struct StreamVectorFile {
    files: Vec<FileVector>,
}

/// One sealed file: inputs and chunks.
#[derive(Deserialize)]
struct FileVector {
    name: String,
    file_key: String,
    file_id: String,
    chunk_size: u32,
    plaintext: String,
    chunks: Vec<String>,
}

impl FileVector {
    fn inputs(&self) -> (Key32, FileId, ChunkSize, Vec<u8>) {
        (
            Key32::from_b64(&self.file_key).unwrap(),
            self.file_id.parse().unwrap(),
            ChunkSize::new(self.chunk_size).unwrap(),
            b64::decode(&self.plaintext).unwrap(),
        )
    }
}

fn vectors() -> Vec<FileVector> {
    let files = serde_json::from_str::<StreamVectorFile>(STREAM_VECTORS_JSON).unwrap().files;
    assert_eq!(files.len(), 6);
    files
}

const C: usize = 64;

fn size() -> ChunkSize {
    ChunkSize::new(C as u32).unwrap()
}

fn plaintext(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 31 + 7) as u8).collect()
}

async fn chunk_key(key: &Key32, id: &FileId, size: ChunkSize) -> ChunkKey {
    ChunkKey::import(key, id, size).await.unwrap()
}

/// Seals with WebCrypto the way an uploader does: full chunks, then the last.
async fn web_seal(key: &Key32, id: &FileId, size: ChunkSize, plaintext: &[u8]) -> Vec<Vec<u8>> {
    let count = size.chunk_count(plaintext.len() as u64).unwrap() as usize;
    let mut pieces = plaintext.chunks(size.get() as usize);
    let mut sealer = WebStreamSealer::new(chunk_key(key, id, size).await);
    let mut chunks = Vec::new();
    for index in 1..count {
        chunks.push(sealer.seal_chunk(pieces.next().unwrap()).await.unwrap());
        assert_eq!(sealer.next_index(), index as u64);
    }
    chunks.push(sealer.finish(pieces.next().unwrap_or_default()).await.unwrap());
    chunks
}

/// Opens with WebCrypto as a reader does that expects `count` chunks.
async fn web_open(
    key: &Key32,
    id: &FileId,
    size: ChunkSize,
    chunks: &[Vec<u8>],
    count: usize,
) -> Result<Vec<u8>, OpenError> {
    let mut opener = WebStreamOpener::new(chunk_key(key, id, size).await);
    let mut out = Vec::new();
    for (index, chunk) in chunks.iter().enumerate() {
        out.extend_from_slice(&opener.open_chunk(chunk, index + 1 == count).await?);
    }
    opener.finish()?;
    Ok(out)
}

/// Seals with the `aes-gcm` crate.
fn crate_seal(key: &Key32, id: &FileId, size: ChunkSize, plaintext: &[u8]) -> Vec<Vec<u8>> {
    let count = size.chunk_count(plaintext.len() as u64).unwrap() as usize;
    let mut pieces = plaintext.chunks(size.get() as usize);
    let mut sealer = StreamSealer::new(key, id, size);
    let mut chunks: Vec<Vec<u8>> =
        (1..count).map(|_| sealer.seal_chunk(pieces.next().unwrap()).unwrap()).collect();
    chunks.push(sealer.finish(pieces.next().unwrap_or_default()).unwrap());
    chunks
}

#[wasm_bindgen_test]
async fn webcrypto_sealing_reproduces_every_committed_chunk() {
    for vector in vectors() {
        let (key, id, size, plaintext) = vector.inputs();
        let chunks: Vec<String> =
            web_seal(&key, &id, size, &plaintext).await.iter().map(b64::encode).collect();
        assert_eq!(chunks, vector.chunks, "{}", vector.name);
        // The bare key seals the same bytes by index and flag.
        let chunk_key = chunk_key(&key, &id, size).await;
        let last = vector.chunks.len() - 1;
        let piece = plaintext.chunks(size.get() as usize).nth(last).unwrap_or_default();
        let sealed = chunk_key.seal(last as u32, true, piece).await.unwrap();
        assert_eq!(b64::encode(sealed), vector.chunks[last], "{}, last chunk by index", vector.name);
    }
}

#[wasm_bindgen_test]
async fn webcrypto_opens_every_committed_vector() {
    for vector in vectors() {
        let (key, id, size, plaintext) = vector.inputs();
        let chunks: Vec<Vec<u8>> = vector.chunks.iter().map(|chunk| b64::decode(chunk).unwrap()).collect();
        let opened = web_open(&key, &id, size, &chunks, chunks.len()).await.unwrap();
        assert_eq!(opened, plaintext, "{}", vector.name);
        // The wrong file id does not open.
        let other = FileId::from_bytes([0x01; 16]);
        assert_eq!(
            web_open(&key, &other, size, &chunks, chunks.len()).await,
            Err(OpenError),
            "{}",
            vector.name
        );
    }
}

#[wasm_bindgen_test]
async fn the_aes_gcm_crate_opens_a_stream_webcrypto_sealed() {
    let (key, id) = (Key32::random(), FileId::from_bytes(random_array()));
    let data = plaintext(5 * C + 37);
    let chunks = web_seal(&key, &id, size(), &data).await;
    assert_eq!(chunks.len(), 6);
    assert_eq!(chunks, crate_seal(&key, &id, size(), &data));
    let mut opener = StreamOpener::new(&key, &id, size());
    let mut opened = Vec::new();
    for (index, chunk) in chunks.iter().enumerate() {
        opened.extend_from_slice(&opener.open_chunk(chunk, index + 1 == chunks.len()).unwrap());
    }
    opener.finish().unwrap();
    assert_eq!(opened, data);
}

#[wasm_bindgen_test]
async fn webcrypto_opens_a_stream_the_aes_gcm_crate_sealed() {
    let (key, id) = (Key32::random(), FileId::from_bytes(random_array()));
    let data = plaintext(5 * C + 37);
    let chunks = crate_seal(&key, &id, size(), &data);
    assert_eq!(chunks.len(), 6);
    let mut opener = WebStreamOpener::new(chunk_key(&key, &id, size()).await);
    let mut opened = Vec::new();
    for (index, chunk) in chunks.iter().enumerate() {
        assert_eq!(opener.next_index(), index as u64);
        assert!(!opener.is_finished());
        opened.extend_from_slice(&opener.open_chunk(chunk, index + 1 == chunks.len()).await.unwrap());
    }
    assert!(opener.is_finished());
    opener.finish().unwrap();
    assert_eq!(opened, data);
}

fn key() -> Key32 {
    Key32::from_bytes([0x11; 32])
}

fn id() -> FileId {
    FileId::from_bytes([0x22; 16])
}

/// A tampered stream must fail for a reader that trusts the metadata's chunk count and for one
/// that takes the last chunk of whatever list it was given as the last.
async fn assert_refused(chunks: &[Vec<u8>], honest_count: usize, what: &str) {
    let counted = web_open(&key(), &id(), size(), chunks, honest_count).await;
    assert_eq!(counted, Err(OpenError), "{what}, counted");
    let listed = web_open(&key(), &id(), size(), chunks, chunks.len()).await;
    assert_eq!(listed, Err(OpenError), "{what}, as listed");
}

#[wasm_bindgen_test]
async fn the_web_opener_refuses_any_flipped_bit() {
    let chunks = web_seal(&key(), &id(), size(), &plaintext(3 * C + 5)).await;
    assert_eq!(web_open(&key(), &id(), size(), &chunks, 4).await.unwrap(), plaintext(3 * C + 5));
    for index in 0..chunks.len() {
        for bit in 0..chunks[index].len() * 8 {
            let mut tampered = chunks.clone();
            tampered[index][bit / 8] ^= 1 << (bit % 8);
            assert_refused(&tampered, chunks.len(), &format!("chunk {index} bit {bit}")).await;
        }
    }
}

#[wasm_bindgen_test]
async fn the_web_opener_refuses_swapped_truncated_and_extended_streams() {
    let chunks = web_seal(&key(), &id(), size(), &plaintext(3 * C + 5)).await;
    let n = chunks.len();
    let mut swapped = chunks.clone();
    swapped.swap(0, 1);
    assert_refused(&swapped, n, "first two swapped").await;
    let mut swapped = chunks.clone();
    swapped.swap(2, 3);
    assert_refused(&swapped, n, "last two swapped").await;
    let mut dropped = chunks.clone();
    dropped.remove(1);
    assert_refused(&dropped, n, "middle chunk dropped").await;
    assert_refused(&chunks[..n - 1], n, "last chunk dropped").await;
    assert_refused(&[], n, "no chunk at all").await;
    let mut extended = chunks.clone();
    extended.push(chunks[n - 1].clone());
    assert_refused(&extended, n, "last chunk repeated").await;
    let mut extended = chunks.clone();
    extended.push(web_seal(&key(), &id(), size(), &plaintext(5)).await[0].clone());
    assert_refused(&extended, n, "another stream's last chunk appended").await;
}

#[wasm_bindgen_test]
async fn the_web_opener_refuses_a_middle_chunk_flagged_last() {
    let chunks = web_seal(&key(), &id(), size(), &plaintext(3 * C)).await;
    for cut in 1..chunks.len() {
        // The reader is told the file ends after `cut` chunks (a forged size in the list).
        assert_eq!(
            web_open(&key(), &id(), size(), &chunks[..cut], cut).await,
            Err(OpenError),
            "cut at {cut}"
        );
    }
    let mut opener = WebStreamOpener::new(chunk_key(&key(), &id(), size()).await);
    assert!(opener.open_chunk(&chunks[0], false).await.is_ok());
    assert_eq!(opener.open_chunk(&chunks[1], true).await, Err(OpenError));
    // After a failure the opener refuses everything, even the right chunk.
    assert_eq!(opener.open_chunk(&chunks[1], false).await, Err(OpenError));
    assert_eq!(opener.finish(), Err(OpenError));
}

#[wasm_bindgen_test]
async fn the_web_sealer_refuses_chunks_of_the_wrong_length() {
    let mut sealer = WebStreamSealer::new(chunk_key(&key(), &id(), size()).await);
    let wrong_length = Err(WebSealError::Stream(SealError::ChunkLength));
    assert_eq!(sealer.seal_chunk(&[0; C - 1]).await, wrong_length);
    assert_eq!(sealer.seal_chunk(&[0; C + 1]).await, wrong_length);
    assert_eq!(sealer.next_index(), 0);
    sealer.seal_chunk(&[0; C]).await.unwrap();
    assert_eq!(sealer.next_index(), 1);
    let sealer_again = WebStreamSealer::new(chunk_key(&key(), &id(), size()).await);
    assert_eq!(sealer_again.finish(&[0; C + 1]).await, wrong_length);
    assert_eq!(sealer.finish(&[]).await, Err(WebSealError::Stream(SealError::EmptyLastChunk)));
}

#[wasm_bindgen_test]
async fn web_sha256_gives_the_chunk_checksum_of_the_sha2_crate() {
    // The empty input, a known vector, and sealed-chunk sizes around a block boundary.
    assert_eq!(
        b64::encode(webcrypto::sha256(b"abc").await.unwrap()),
        "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0"
    );
    for len in [0, 1, 55, 56, 64, 1000, (1 << 20) + 16] {
        let bytes: Vec<u8> = (0..len).map(|i| (i * 7 % 256) as u8).collect();
        assert_eq!(webcrypto::sha256(&bytes).await.unwrap(), chunk_checksum(&bytes), "{len} bytes");
    }
}

/// Starts every chunk before taking any plaintext, as a reader opening several at once does.
async fn web_open_all_started(key: &Key32, id: &FileId, chunks: &[Vec<u8>]) -> Result<Vec<u8>, OpenError> {
    let mut opener = WebStreamOpener::new(chunk_key(key, id, size()).await);
    let started: Vec<_> = chunks
        .iter()
        .enumerate()
        .map(|(index, chunk)| opener.start_chunk(chunk, index + 1 == chunks.len()))
        .collect::<Result<_, _>>()?;
    let mut out = Vec::new();
    for chunk in started {
        out.extend_from_slice(&chunk.plaintext().await?);
    }
    opener.finish()?;
    Ok(out)
}

#[wasm_bindgen_test]
async fn chunks_opening_together_give_the_file_and_any_flipped_bit_fails_the_stream() {
    let (key, id, plain) = (key(), id(), plaintext(5 * C + 9));
    let chunks = web_seal(&key, &id, size(), &plain).await;
    assert_eq!(web_open_all_started(&key, &id, &chunks).await.unwrap(), plain);
    for (at, bit) in [(0, 0), (2 * (C + 16) + 40, 3), (5 * (C + 16) + 3, 7)] {
        let mut tampered = chunks.clone();
        tampered[at / (C + 16)][at % (C + 16)] ^= 1 << bit;
        assert_eq!(web_open_all_started(&key, &id, &tampered).await, Err(OpenError), "byte {at}");
    }
}

#[wasm_bindgen_test]
async fn a_stream_whose_started_chunk_was_never_opened_or_failed_is_not_whole() {
    let (key, id, plain) = (key(), id(), plaintext(3 * C));
    let chunks = web_seal(&key, &id, size(), &plain).await;
    // Every chunk started, one never taken: the stream is not whole.
    let mut opener = WebStreamOpener::new(chunk_key(&key, &id, size()).await);
    let first = opener.start_chunk(&chunks[0], false).unwrap();
    let _second = opener.start_chunk(&chunks[1], false).unwrap();
    let third = opener.start_chunk(&chunks[2], true).unwrap();
    first.plaintext().await.unwrap();
    third.plaintext().await.unwrap();
    assert!(!opener.is_finished());
    assert_eq!(opener.finish(), Err(OpenError));
    // A failed chunk fails every later start, even of the right bytes.
    let mut opener = WebStreamOpener::new(chunk_key(&key, &id, size()).await);
    let mut bad = chunks[0].clone();
    bad[0] ^= 1;
    let failed = opener.start_chunk(&bad, false).unwrap();
    assert_eq!(failed.plaintext().await, Err(OpenError));
    assert_eq!(opener.start_chunk(&chunks[1], false).err(), Some(OpenError));
    assert_eq!(opener.finish(), Err(OpenError));
}

/// Opens `chunks` from JavaScript memory, each a view into one larger buffer (as a chunk cut
/// from a fetched body is), and takes each plaintext as JavaScript bytes.
async fn web_open_js(key: &Key32, id: &FileId, chunks: &[Vec<u8>]) -> Result<Vec<u8>, OpenError> {
    let body = js_sys::Uint8Array::from(chunks.concat().as_slice());
    let mut opener = WebStreamOpener::new(chunk_key(key, id, size()).await);
    let (mut at, mut started) = (0u32, Vec::new());
    for (index, chunk) in chunks.iter().enumerate() {
        let view = body.subarray(at, at + chunk.len() as u32);
        started.push(opener.start_chunk_js(&view, index + 1 == chunks.len())?);
        at += chunk.len() as u32;
    }
    // WebCrypto copied each chunk when it started: changing the body now changes nothing.
    body.fill(0, 0, body.length());
    let mut out = Vec::new();
    for chunk in started {
        out.extend_from_slice(&chunk.plaintext_js().await?.to_vec());
    }
    opener.finish()?;
    Ok(out)
}

#[wasm_bindgen_test]
async fn chunks_opened_from_and_into_javascript_memory_give_the_file_and_refuse_the_same_tampering() {
    let (key, id, plain) = (key(), id(), plaintext(4 * C + 5));
    let chunks = web_seal(&key, &id, size(), &plain).await;
    assert_eq!(web_open_js(&key, &id, &chunks).await.unwrap(), plain);
    let mut tampered = chunks.clone();
    tampered[2][7] ^= 0x10;
    assert_eq!(web_open_js(&key, &id, &tampered).await, Err(OpenError));
    // A short last chunk, a missing one, and two swapped are refused too.
    assert_eq!(web_open_js(&key, &id, &chunks[..4]).await, Err(OpenError));
    let mut swapped = chunks.clone();
    swapped.swap(0, 1);
    assert_eq!(web_open_js(&key, &id, &swapped).await, Err(OpenError));
}
