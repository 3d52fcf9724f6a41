//! Streamed files: round trips at the edges of the chunk size, and every attack on the chunk
//! stream the spec says a decoder MUST detect (bit flips, reordering, dropping, truncating,
//! extending, a forged last flag, chunks moved to another file). Each fails with the one coarse
//! error. Runs natively and inside Chromium.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use coffer_shared::crypto::envelope::{Envelope, FormatError, Header, Kind, PasswordParams, seal};
use coffer_shared::crypto::file_meta::{FileDigest, FileId, FileMeta, open_meta, seal_meta};
use coffer_shared::crypto::kdf::KdfParams;
use coffer_shared::crypto::stream::{ChunkSize, SealError, StreamOpener, StreamSealer};
use coffer_shared::crypto::{Key32, OpenError};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

const C: usize = 64;

fn size() -> ChunkSize {
    ChunkSize::new(C as u32).unwrap()
}

fn key() -> Key32 {
    Key32::from_bytes([0x11; 32])
}

fn id() -> FileId {
    FileId::from_bytes([0x22; 16])
}

fn plaintext(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 31 + 7) as u8).collect()
}

/// Seals `plaintext` the way an uploader does: full chunks, then the last.
fn seal_file(key: &Key32, id: &FileId, size: ChunkSize, plaintext: &[u8]) -> Vec<Vec<u8>> {
    let count = size.chunk_count(plaintext.len() as u64).unwrap() as usize;
    let mut pieces = plaintext.chunks(size.get() as usize);
    let mut sealer = StreamSealer::new(key, id, size);
    let mut chunks: Vec<Vec<u8>> =
        (1..count).map(|_| sealer.seal_chunk(pieces.next().unwrap()).unwrap()).collect();
    chunks.push(sealer.finish(pieces.next().unwrap_or_default()).unwrap());
    chunks
}

/// Opens the chunks as a reader does that expects `count` chunks (from the metadata's size).
fn open_counted(
    key: &Key32,
    id: &FileId,
    size: ChunkSize,
    chunks: &[Vec<u8>],
    count: usize,
) -> Result<Vec<u8>, OpenError> {
    let mut opener = StreamOpener::new(key, id, size);
    let mut out = Vec::new();
    for (index, chunk) in chunks.iter().enumerate() {
        out.extend_from_slice(&opener.open_chunk(chunk, index + 1 == count)?);
    }
    opener.finish()?;
    Ok(out)
}

/// A tampered stream must fail for a reader that trusts the metadata's chunk count and for one
/// that takes the last chunk of whatever list it was given as the last.
fn assert_refused(chunks: &[Vec<u8>], honest_count: usize, what: &str) {
    assert_eq!(open_counted(&key(), &id(), size(), chunks, honest_count), Err(OpenError), "{what}, counted");
    assert_eq!(
        open_counted(&key(), &id(), size(), chunks, chunks.len()),
        Err(OpenError),
        "{what}, as listed"
    );
}

#[test]
fn files_at_the_edges_of_the_chunk_size_round_trip() {
    for size in [size(), ChunkSize::DEFAULT] {
        let c = size.get() as usize;
        for len in [0, 1, c - 1, c, c + 1, 3 * c] {
            let plaintext = plaintext(len);
            let chunks = seal_file(&key(), &id(), size, &plaintext);
            assert_eq!(chunks.len(), len.div_ceil(c).max(1), "{len}");
            assert!(chunks[..chunks.len() - 1].iter().all(|chunk| chunk.len() == c + 16));
            assert_eq!(chunks.iter().map(Vec::len).sum::<usize>(), len + 16 * chunks.len());
            let opened = open_counted(&key(), &id(), size, &chunks, chunks.len()).unwrap();
            assert!(opened == plaintext, "{len} bytes at chunk size {c}");
        }
    }
}

#[test]
fn flipping_any_bit_of_any_chunk_fails() {
    let chunks = seal_file(&key(), &id(), size(), &plaintext(3 * C + 5));
    for index in 0..chunks.len() {
        for bit in 0..chunks[index].len() * 8 {
            let mut tampered = chunks.clone();
            tampered[index][bit / 8] ^= 1 << (bit % 8);
            assert_refused(&tampered, chunks.len(), &format!("chunk {index} bit {bit}"));
        }
    }
}

#[test]
fn reordered_dropped_truncated_or_extended_streams_fail() {
    let chunks = seal_file(&key(), &id(), size(), &plaintext(3 * C + 5));
    let n = chunks.len();
    assert_eq!(open_counted(&key(), &id(), size(), &chunks, n).unwrap(), plaintext(3 * C + 5));

    let mut swapped = chunks.clone();
    swapped.swap(0, 1);
    assert_refused(&swapped, n, "first two swapped");
    let mut swapped = chunks.clone();
    swapped.swap(2, 3);
    assert_refused(&swapped, n, "last two swapped");

    let mut dropped = chunks.clone();
    dropped.remove(1);
    assert_refused(&dropped, n, "middle chunk dropped");
    assert_refused(&chunks[..n - 1], n, "last chunk dropped");
    assert_refused(&chunks[..1], n, "only the first chunk");
    assert_refused(&[], n, "no chunk at all");

    let mut extended = chunks.clone();
    extended.push(chunks[n - 1].clone());
    assert_refused(&extended, n, "last chunk repeated");
    let mut extended = chunks.clone();
    extended.push(chunks[0].clone());
    assert_refused(&extended, n, "first chunk appended");
    let other = seal_file(&key(), &id(), size(), &plaintext(5));
    let mut extended = chunks.clone();
    extended.push(other[0].clone());
    assert_refused(&extended, n, "another stream's last chunk appended");
}

#[test]
fn a_middle_chunk_cannot_be_taken_for_the_last() {
    let chunks = seal_file(&key(), &id(), size(), &plaintext(3 * C));
    for cut in 1..chunks.len() {
        // The reader is told the file ends after `cut` chunks (a forged size in the list).
        assert_eq!(open_counted(&key(), &id(), size(), &chunks[..cut], cut), Err(OpenError), "cut at {cut}");
    }
    let mut opener = StreamOpener::new(&key(), &id(), size());
    assert!(opener.open_chunk(&chunks[0], false).is_ok());
    assert_eq!(opener.open_chunk(&chunks[1], true), Err(OpenError));
    // After a failure the opener refuses everything, even the right chunk.
    assert_eq!(opener.open_chunk(&chunks[1], false), Err(OpenError));
    assert_eq!(opener.finish(), Err(OpenError));
}

#[test]
fn nothing_opens_after_the_last_chunk() {
    let chunks = seal_file(&key(), &id(), size(), &plaintext(C + 1));
    let mut opener = StreamOpener::new(&key(), &id(), size());
    opener.open_chunk(&chunks[0], false).unwrap();
    opener.open_chunk(&chunks[1], true).unwrap();
    assert!(opener.is_finished());
    assert_eq!(opener.open_chunk(&chunks[1], true), Err(OpenError));
    assert_eq!(opener.open_chunk(&chunks[1], false), Err(OpenError));
}

#[test]
fn chunks_moved_to_another_file_or_key_or_chunk_size_fail() {
    let chunks = seal_file(&key(), &id(), size(), &plaintext(2 * C + 3));
    let n = chunks.len();
    let other_id = FileId::from_bytes([0x23; 16]);
    assert_eq!(open_counted(&key(), &other_id, size(), &chunks, n), Err(OpenError));
    assert_eq!(open_counted(&Key32::from_bytes([0x12; 32]), &id(), size(), &chunks, n), Err(OpenError));
    // The same bytes read as 128-byte chunks: the chunk size is bound into the additional data.
    let bigger = ChunkSize::new(128).unwrap();
    let joined: Vec<u8> = chunks.concat();
    let resplit: Vec<Vec<u8>> = joined.chunks(128 + 16).map(<[u8]>::to_vec).collect();
    assert_eq!(open_counted(&key(), &id(), bigger, &resplit, resplit.len()), Err(OpenError));
    assert_eq!(open_counted(&key(), &id(), bigger, &chunks[n - 1..], 1), Err(OpenError));

    // A chunk of another file under the same key, spliced in at the same index.
    let mut spliced = chunks.clone();
    spliced[1] = seal_file(&key(), &other_id, size(), &plaintext(2 * C + 3))[1].clone();
    assert_refused(&spliced, n, "chunk from another file id");
}

#[test]
fn an_empty_file_is_one_empty_last_chunk_and_cannot_be_stretched() {
    let chunks = seal_file(&key(), &id(), size(), &[]);
    assert_eq!(chunks.len(), 1);
    assert_eq!(chunks[0].len(), 16);
    assert_eq!(open_counted(&key(), &id(), size(), &chunks, 1).unwrap(), Vec::<u8>::new());
    assert_refused(&[], 1, "empty file without its chunk");
    let mut opener = StreamOpener::new(&key(), &id(), size());
    assert_eq!(opener.open_chunk(&chunks[0], false), Err(OpenError));
    let mut twice = chunks.clone();
    twice.push(chunks[0].clone());
    assert_refused(&twice, 1, "empty chunk repeated");
}

#[test]
fn the_sealer_refuses_chunks_of_the_wrong_length() {
    let mut sealer = StreamSealer::new(&key(), &id(), size());
    assert_eq!(sealer.seal_chunk(&[0; C - 1]), Err(SealError::ChunkLength));
    assert_eq!(sealer.seal_chunk(&[0; C + 1]), Err(SealError::ChunkLength));
    sealer.seal_chunk(&[0; C]).unwrap();
    assert_eq!(sealer.next_index(), 1);
    let sealer_again = StreamSealer::new(&key(), &id(), size());
    assert_eq!(sealer_again.finish(&[0; C + 1]), Err(SealError::ChunkLength));
    assert_eq!(sealer.finish(&[]), Err(SealError::EmptyLastChunk));
}

fn meta_of(plaintext: &[u8]) -> FileMeta {
    let mut digest = FileDigest::new();
    digest.update(plaintext);
    FileMeta {
        name: "notes.txt".into(),
        mime_type: "text/plain".into(),
        size: plaintext.len() as u64,
        chunk_size: C as u32,
        sha256: digest.finish_hex(),
    }
}

#[test]
fn the_digest_confirms_the_whole_file_and_nothing_else() {
    let data = plaintext(2 * C + 1);
    let meta = meta_of(&data);
    let mut digest = FileDigest::new();
    for piece in data.chunks(C) {
        digest.update(piece);
    }
    assert_eq!(digest.size(), data.len() as u64);
    assert_eq!(digest.clone().verify(&meta), Ok(()));
    let mut shorter = FileDigest::new();
    shorter.update(&data[..C]);
    assert_eq!(shorter.verify(&meta), Err(OpenError));
    let mut changed = data.clone();
    changed[0] ^= 1;
    let mut other = FileDigest::new();
    other.update(&changed);
    assert_eq!(other.verify(&meta), Err(OpenError));
}

#[test]
fn metadata_is_bound_to_its_file_and_kind() {
    let meta = meta_of(&plaintext(10));
    let bytes = seal_meta(&key(), &id(), &meta, None);
    let envelope = Envelope::parse(&bytes).unwrap();
    assert_eq!(envelope.header.kind, Kind::FileMetadata);
    assert_eq!(bytes[5], 6);
    assert_eq!(bytes.len(), 19 + 256 + 16);
    assert_eq!(open_meta(&key(), &id(), &envelope).unwrap(), meta);
    assert_eq!(open_meta(&key(), &FileId::from_bytes([0x23; 16]), &envelope), Err(OpenError));
    assert_eq!(open_meta(&Key32::from_bytes([0x12; 32]), &id(), &envelope), Err(OpenError));
    for bit in 0..bytes.len() * 8 {
        let mut tampered = bytes.clone();
        tampered[bit / 8] ^= 1 << (bit % 8);
        let opened =
            Envelope::parse(&tampered).map_err(|_| OpenError).and_then(|e| open_meta(&key(), &id(), &e));
        assert!(opened.is_err(), "bit {bit} flipped still opens");
    }

    // Another kind sealed under the metadata key is refused before decryption.
    let header = Header::new(Kind::VaultRecord, None);
    let wrong_kind = seal(&Key32::random(), id().as_str(), header, b"{}");
    assert_eq!(open_meta(&key(), &id(), &wrong_kind), Err(OpenError));

    // PASSWORD is allowed (a password share's file), SIGNED is not.
    let password = PasswordParams { kdf: KdfParams::FLOOR, salt: [9; 16] };
    let with_password = seal_meta(&key(), &id(), &meta, Some(password));
    assert_eq!(Envelope::parse(&with_password).unwrap().header.password, Some(password));
    let mut signed = bytes.clone();
    signed[6] |= 0b10;
    signed.extend_from_slice(&[0; 96]);
    assert_eq!(Envelope::parse(&signed), Err(FormatError::FlagsForKind));
}
