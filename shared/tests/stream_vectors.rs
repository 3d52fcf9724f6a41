//! The committed streamed-file vectors (`tests/vectors/stream-v1.json`), checked byte for byte.
//! Natively, `COFFER_WRITE_VECTORS=1` writes the file from the fixed inputs below; without it the
//! committed file must equal what the inputs give. This binary also runs inside Chromium.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use coffer_shared::b64;
use coffer_shared::crypto::Key32;
use coffer_shared::crypto::envelope::{Envelope, PasswordParams};
use coffer_shared::crypto::file_meta::{
    FileDigest, FileId, FileMeta, metadata_key, open_meta, seal_meta_with_nonce, share_file_key,
};
use coffer_shared::crypto::kdf::KdfParams;
use coffer_shared::crypto::stream::{ChunkSize, StreamOpener, StreamSealer, payload_key};
use coffer_shared::crypto::vault::attachment_key;
use coffer_shared::id::ShareId;
use serde::{Deserialize, Serialize};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

/// The committed vectors, embedded so the browser build can read them too.
const STREAM_VECTORS_JSON: &str = include_str!("vectors/stream-v1.json");

/// The vector file's shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct StreamVectorFile {
    comment: String,
    files: Vec<FileVector>,
    share_file_keys: Vec<ShareFileKeyVector>,
    vault_file_keys: Vec<VaultFileKeyVector>,
}

/// One sealed file: its chunks and its metadata envelope. Inputs first, then outputs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct FileVector {
    name: String,
    file_key: String,
    file_id: String,
    chunk_size: u32,
    file_name: String,
    mime_type: String,
    plaintext: String,
    /// `[m_kib, t, p]` of the share's password, when it has one (sets the `PASSWORD` flag).
    kdf: Option<(u32, u32, u8)>,
    salt: Option<String>,
    metadata_nonce: String,
    payload_key: String,
    metadata_key: String,
    sha256: String,
    chunks: Vec<String>,
    metadata: String,
}

/// `file_key` of a share's file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct ShareFileKeyVector {
    name: String,
    share_key: String,
    share_id: String,
    password_key: Option<String>,
    file_id: String,
    file_key: String,
}

/// `file_key` of a vault attachment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct VaultFileKeyVector {
    vault_key: String,
    file_id: String,
    file_key: String,
}

fn key(text: &str) -> Key32 {
    Key32::from_b64(text).unwrap()
}

impl FileVector {
    fn meta(&self) -> FileMeta {
        let plaintext = b64::decode(&self.plaintext).unwrap();
        let mut digest = FileDigest::new();
        digest.update(&plaintext);
        FileMeta {
            name: self.file_name.clone(),
            mime_type: self.mime_type.clone(),
            size: plaintext.len() as u64,
            chunk_size: self.chunk_size,
            sha256: digest.finish_hex(),
        }
    }

    fn password(&self) -> Option<PasswordParams> {
        self.kdf.map(|(m, t, p)| PasswordParams {
            kdf: KdfParams::new(m, t, p).unwrap(),
            salt: b64::decode_array(self.salt.as_deref().unwrap()).unwrap(),
        })
    }

    /// Fills the outputs from the inputs.
    fn computed(&self) -> Self {
        let (file_key, file_id) = (key(&self.file_key), self.file_id.parse::<FileId>().unwrap());
        let size = ChunkSize::new(self.chunk_size).unwrap();
        let plaintext = b64::decode(&self.plaintext).unwrap();
        let mut sealer = StreamSealer::new(&file_key, &file_id, size);
        let count = size.chunk_count(plaintext.len() as u64).unwrap() as usize;
        let mut pieces = plaintext.chunks(size.get() as usize);
        let mut chunks: Vec<String> =
            (1..count).map(|_| b64::encode(sealer.seal_chunk(pieces.next().unwrap()).unwrap())).collect();
        chunks.push(b64::encode(sealer.finish(pieces.next().unwrap_or_default()).unwrap()));
        let meta = self.meta();
        let nonce = b64::decode_array(&self.metadata_nonce).unwrap();
        let metadata = seal_meta_with_nonce(&file_key, &file_id, &meta, self.password(), nonce);
        Self {
            payload_key: payload_key(&file_key, &file_id).to_b64(),
            metadata_key: metadata_key(&file_key, &file_id).to_b64(),
            sha256: meta.sha256.clone(),
            chunks,
            metadata: b64::encode(metadata),
            ..self.clone()
        }
    }
}

fn file(name: &str, n: u8, chunk_size: u32, len: usize, kdf: Option<(u32, u32, u8)>) -> FileVector {
    FileVector {
        name: name.into(),
        file_key: b64::encode(std::array::from_fn::<u8, 32, _>(|i| i as u8 ^ n)),
        file_id: b64::encode([0xf0 | n; 16]),
        chunk_size,
        file_name: format!("file {n} – ünïcödé.bin"),
        mime_type: "application/octet-stream".into(),
        plaintext: b64::encode((0..len).map(|i| (i * 7 + usize::from(n)) as u8).collect::<Vec<_>>()),
        kdf,
        salt: kdf.map(|_| b64::encode([0x5a; 16])),
        metadata_nonce: b64::encode([n ^ 0xa5; 12]),
        payload_key: String::new(),
        metadata_key: String::new(),
        sha256: String::new(),
        chunks: Vec::new(),
        metadata: String::new(),
    }
}

fn fixed_inputs() -> StreamVectorFile {
    let share = |name: &str, n: u8, password_key: Option<[u8; 32]>| ShareFileKeyVector {
        name: name.into(),
        share_key: b64::encode(std::array::from_fn::<u8, 32, _>(|i| i as u8 + n)),
        share_id: b64::encode([n; 16]),
        password_key: password_key.map(b64::encode),
        file_id: b64::encode([0xf0 | n; 16]),
        file_key: String::new(),
    };
    StreamVectorFile {
        comment: "Coffer streamed-file v1 vectors: see docs/envelope.md, \"Files (streamed)\". Byte strings are base64url without padding; sha256 is lower-case hex; kdf is [m_kib, t, p]. Vectors use 64-byte chunks so they stay small.".into(),
        files: vec![
            file("empty file", 1, 64, 0, None),
            file("one byte", 2, 64, 1, None),
            file("exactly one chunk", 3, 64, 64, None),
            file("one chunk and one byte", 4, 64, 65, None),
            file("three chunks and a short last one", 5, 64, 200, None),
            file("128-byte chunks, metadata of a password share", 6, 128, 300, Some((19456, 2, 1))),
        ],
        share_file_keys: vec![
            share("share without a password", 1, None),
            share("share with a password", 2, Some([0x33; 32])),
        ],
        vault_file_keys: vec![VaultFileKeyVector {
            vault_key: b64::encode([0x40; 32]),
            file_id: b64::encode([0xa7; 16]),
            file_key: String::new(),
        }],
    }
}

impl StreamVectorFile {
    fn computed(&self) -> Self {
        let share_file_keys = self
            .share_file_keys
            .iter()
            .map(|v| {
                let password_key = v.password_key.as_deref().map(key);
                let file_key = share_file_key(
                    &key(&v.share_key),
                    &v.share_id.parse::<ShareId>().unwrap(),
                    password_key.as_ref(),
                    &v.file_id.parse().unwrap(),
                );
                ShareFileKeyVector { file_key: file_key.to_b64(), ..v.clone() }
            })
            .collect();
        let vault_file_keys = self
            .vault_file_keys
            .iter()
            .map(|v| {
                let file_key = attachment_key(&key(&v.vault_key), &v.file_id.parse().unwrap());
                VaultFileKeyVector { file_key: file_key.to_b64(), ..v.clone() }
            })
            .collect();
        Self {
            files: self.files.iter().map(FileVector::computed).collect(),
            share_file_keys,
            vault_file_keys,
            ..self.clone()
        }
    }
}

fn committed() -> StreamVectorFile {
    serde_json::from_str(STREAM_VECTORS_JSON).unwrap()
}

#[cfg(not(target_arch = "wasm32"))]
#[test]
fn committed_stream_vectors_match_their_fixed_inputs() {
    let json = serde_json::to_string_pretty(&fixed_inputs().computed()).unwrap() + "\n";
    if std::env::var("COFFER_WRITE_VECTORS").as_deref() == Ok("1") {
        std::fs::write(format!("{}/tests/vectors/stream-v1.json", env!("CARGO_MANIFEST_DIR")), &json)
            .unwrap();
    } else {
        assert_eq!(
            STREAM_VECTORS_JSON, json,
            "run with COFFER_WRITE_VECTORS=1 to regenerate, then review the diff"
        );
    }
}

#[test]
fn sealing_the_inputs_gives_the_committed_bytes() {
    let committed = committed();
    assert_eq!(committed.files.len(), 6);
    assert_eq!(committed.computed(), committed);
    assert_eq!(fixed_inputs().computed(), committed);
}

#[test]
fn the_committed_files_open_and_match_their_sha256() {
    for vector in committed().files {
        let (file_key, file_id) = (key(&vector.file_key), vector.file_id.parse::<FileId>().unwrap());
        let bytes = b64::decode(&vector.metadata).unwrap();
        let envelope = Envelope::parse(&bytes).unwrap();
        assert_eq!(envelope.to_bytes(), bytes, "{}", vector.name);
        assert_eq!(envelope.header.password, vector.password(), "{}", vector.name);
        let meta = open_meta(&file_key, &file_id, &envelope).unwrap();
        assert_eq!(meta, vector.meta(), "{}", vector.name);
        assert_eq!(meta.sha256, vector.sha256);
        assert_eq!(meta.chunk_count().unwrap(), vector.chunks.len() as u64, "{}", vector.name);

        let mut opener = StreamOpener::new(&file_key, &file_id, meta.chunk_size().unwrap());
        let (mut digest, mut plaintext) = (FileDigest::new(), Vec::new());
        for (index, chunk) in vector.chunks.iter().enumerate() {
            let opened =
                opener.open_chunk(&b64::decode(chunk).unwrap(), index + 1 == vector.chunks.len()).unwrap();
            digest.update(&opened);
            plaintext.extend_from_slice(&opened);
        }
        opener.finish().unwrap();
        digest.verify(&meta).unwrap();
        assert_eq!(b64::encode(plaintext), vector.plaintext, "{}", vector.name);
    }
}
