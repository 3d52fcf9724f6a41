//! WebCrypto file chunks inside a dedicated worker (where uploads seal their chunks): no
//! `window` there, so this checks that `crypto` is found on the worker's global scope and that
//! the chunks are the `aes-gcm` crate's bytes.

#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use coffer_shared::crypto::file_meta::FileId;
use coffer_shared::crypto::stream::{ChunkSize, StreamSealer};
use coffer_shared::crypto::webcrypto::{ChunkKey, WebStreamOpener, WebStreamSealer};
use coffer_shared::crypto::{Key32, OpenError, random_array};
use wasm_bindgen_test::wasm_bindgen_test;

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_dedicated_worker);

#[wasm_bindgen_test]
async fn a_worker_seals_the_crate_bytes_and_opens_them() {
    assert!(js_sys::Reflect::has(&js_sys::global(), &"window".into()).map(|has| !has).unwrap());
    let (key, id, size) = (Key32::random(), FileId::from_bytes(random_array()), ChunkSize::MIN);
    let data: Vec<u8> = (0..2 * 64 + 9).map(|i| i as u8).collect();
    let mut pieces = data.chunks(64);

    let mut reference = StreamSealer::new(&key, &id, size);
    let mut sealer = WebStreamSealer::new(ChunkKey::import(&key, &id, size).await.unwrap());
    let mut chunks = Vec::new();
    for piece in pieces.by_ref().take(2) {
        let chunk = sealer.seal_chunk(piece).await.unwrap();
        assert_eq!(chunk, reference.seal_chunk(piece).unwrap());
        chunks.push(chunk);
    }
    let tail = pieces.next().unwrap();
    let chunk = sealer.finish(tail).await.unwrap();
    assert_eq!(chunk, reference.finish(tail).unwrap());
    chunks.push(chunk);

    let mut opener = WebStreamOpener::new(ChunkKey::import(&key, &id, size).await.unwrap());
    let mut opened = Vec::new();
    for (index, chunk) in chunks.iter().enumerate() {
        opened.extend_from_slice(&opener.open_chunk(chunk, index == 2).await.unwrap());
    }
    opener.finish().unwrap();
    assert_eq!(opened, data);

    let mut opener = WebStreamOpener::new(ChunkKey::import(&key, &id, size).await.unwrap());
    assert_eq!(opener.open_chunk(&chunks[1], false).await, Err(OpenError));
}
