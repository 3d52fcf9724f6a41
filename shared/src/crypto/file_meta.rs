//! A streamed file's identity, keys and metadata (docs/envelope.md, "Files (streamed)"):
//!
//! ```text
//! file_key     = HKDF(ikm, salt = share_id, info = "coffer/v1/file/share" || file_id)   ; a share's file
//! file_key     = 32 random bytes, stored inside the vault record                       ; an attachment
//! metadata_key = HKDF(file_key, salt = file_id, info = "coffer/v1/file/metadata")
//! metadata     = seal(file-metadata, metadata_key, file_id, pad(json))
//! json         = {"name": ..., "type": ..., "size": ..., "chunk_size": ..., "sha256": ...}
//! ```
//!
//! The content itself is the chunk stream of [`super::stream`]; [`FileDigest`] hashes it as it
//! is opened so the reader can confirm the whole file against the sealed `sha256`.

use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use super::OpenError;
use super::envelope::{self, Envelope, Header, Kind, NONCE_LEN, PasswordParams};
use super::kdf::hkdf;
use super::padding::{padded_json, parse_padded_json};
use super::secret::{Key32, random_array};
use super::stream::ChunkSize;
use crate::id::{Id, IdKind, ShareId};

/// HKDF info prefix of a share's `file_key`; the file id follows it.
pub const SHARE_FILE_LABEL: &[u8] = b"coffer/v1/file/share";
/// HKDF info of `metadata_key`.
pub const METADATA_LABEL: &[u8] = b"coffer/v1/file/metadata";
/// HKDF info of `upload_token`.
pub const UPLOAD_LABEL: &[u8] = b"coffer/v1/file/upload";
/// JSON numbers are exact in every parser only below 2^53 (RFC 7493, I-JSON).
pub const MAX_FILE_SIZE: u64 = (1 << 53) - 1;

/// Marker for [`FileId`].
pub enum FileMarker {}

impl IdKind for FileMarker {
    const NAME: &'static str = "FileId";
}

/// A file's id: 16 random bytes as base64url. The uploading browser MUST choose a fresh one
/// every time it seals a file, because the chunk nonces are deterministic.
pub type FileId = Id<FileMarker>;

/// `file_key = HKDF(ikm, salt = share_id, info = "coffer/v1/file/share" || file_id)`, where `ikm`
/// is the share's (`K`, or `K || password_key` when the share has a password).
pub fn share_file_key(
    share_key: &Key32,
    share_id: &ShareId,
    password_key: Option<&Key32>,
    file_id: &FileId,
) -> Key32 {
    let mut ikm = Zeroizing::new(Vec::with_capacity(64));
    ikm.extend_from_slice(share_key.expose());
    if let Some(password_key) = password_key {
        ikm.extend_from_slice(password_key.expose());
    }
    let mut info = Vec::with_capacity(SHARE_FILE_LABEL.len() + 22);
    info.extend_from_slice(SHARE_FILE_LABEL);
    info.extend_from_slice(file_id.as_str().as_bytes());
    hkdf(&ikm, share_id.as_str().as_bytes(), &info)
}

/// `metadata_key = HKDF(file_key, salt = file_id, info = "coffer/v1/file/metadata")`.
pub fn metadata_key(file_key: &Key32, file_id: &FileId) -> Key32 {
    hkdf(file_key.expose(), file_id.as_str().as_bytes(), METADATA_LABEL)
}

/// `upload_token = HKDF(file_key, salt = file_id, info = "coffer/v1/file/upload")`: authorises
/// the chunk uploads of this file; the server keeps only its SHA-256.
pub fn upload_token(file_key: &Key32, file_id: &FileId) -> Key32 {
    hkdf(file_key.expose(), file_id.as_str().as_bytes(), UPLOAD_LABEL)
}

/// The plaintext of a `file-metadata` envelope. Unknown members are ignored.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, Zeroize, ZeroizeOnDrop)]
pub struct FileMeta {
    /// The file's name, as the uploader's system gave it.
    pub name: String,
    /// The MIME type (`application/octet-stream` when unknown).
    #[serde(rename = "type")]
    pub mime_type: String,
    /// The plaintext size in bytes.
    pub size: u64,
    /// The plaintext size of every chunk but the last.
    pub chunk_size: u32,
    /// Lower-case hex of SHA-256 over the whole plaintext.
    pub sha256: String,
}

impl fmt::Debug for FileMeta {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FileMeta")
            .field("name", &"[redacted]")
            .field("size", &self.size)
            .field("chunk_size", &self.chunk_size)
            .finish_non_exhaustive()
    }
}

impl FileMeta {
    /// The chunk size, checked against the allowed set.
    pub fn chunk_size(&self) -> Result<ChunkSize, OpenError> {
        ChunkSize::new(self.chunk_size).map_err(|_| OpenError)
    }

    /// `n = max(1, ceil(size / chunk_size))`: chunk `n - 1` is the one with the last flag.
    pub fn chunk_count(&self) -> Result<u64, OpenError> {
        self.chunk_size()?.chunk_count(self.size).ok_or(OpenError)
    }

    /// The checks a decoder MUST make on a metadata plaintext: an allowed chunk size, a size the
    /// chunk size can carry and below 2^53, and 64 lower-case hex digits of SHA-256.
    fn validate(&self) -> Result<(), OpenError> {
        self.chunk_count()?;
        let hex_ok =
            self.sha256.len() == 64 && self.sha256.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        if self.size > MAX_FILE_SIZE || !hex_ok {
            return Err(OpenError);
        }
        Ok(())
    }
}

/// Seals the metadata with a fresh nonce. `password` is the share's Argon2id parameters and salt
/// when the share has a password (the `PASSWORD` flag), `None` otherwise.
pub fn seal_meta(
    file_key: &Key32,
    file_id: &FileId,
    meta: &FileMeta,
    password: Option<PasswordParams>,
) -> Vec<u8> {
    seal_meta_with_nonce(file_key, file_id, meta, password, random_array())
}

/// [`seal_meta`] with the caller's nonce (test vectors fix it). The nonce MUST be fresh.
pub fn seal_meta_with_nonce(
    file_key: &Key32,
    file_id: &FileId,
    meta: &FileMeta,
    password: Option<PasswordParams>,
    nonce: [u8; NONCE_LEN],
) -> Vec<u8> {
    let header = Header { kind: Kind::FileMetadata, password, signed: false, nonce };
    let plaintext = padded_json(meta);
    envelope::seal(&metadata_key(file_key, file_id), file_id.as_str(), header, &plaintext).to_bytes()
}

/// Checks the kind, decrypts, unpads, decodes and validates the metadata. Every failure is the
/// same [`OpenError`].
pub fn open_meta(file_key: &Key32, file_id: &FileId, envelope: &Envelope) -> Result<FileMeta, OpenError> {
    if envelope.header.kind != Kind::FileMetadata {
        return Err(OpenError);
    }
    let plaintext = envelope::open(&metadata_key(file_key, file_id), file_id.as_str(), envelope)?;
    let meta: FileMeta = parse_padded_json(&plaintext)?;
    meta.validate()?;
    Ok(meta)
}

/// SHA-256 and length of a file's plaintext, fed chunk by chunk as it is sealed or opened.
#[derive(Clone, Default)]
pub struct FileDigest {
    hasher: Sha256,
    size: u64,
}

impl fmt::Debug for FileDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FileDigest").field("size", &self.size).finish_non_exhaustive()
    }
}

impl FileDigest {
    /// An empty digest.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds the next plaintext bytes.
    pub fn update(&mut self, plaintext: &[u8]) {
        self.hasher.update(plaintext);
        self.size += plaintext.len() as u64;
    }

    /// The number of bytes seen so far.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Lower-case hex of the SHA-256 of everything seen, for [`FileMeta::sha256`].
    pub fn finish_hex(self) -> String {
        self.hasher.finalize().iter().map(|byte| format!("{byte:02x}")).collect()
    }

    /// Confirms the whole file: the bytes seen have the metadata's size and hash to its
    /// `sha256` (compared in constant time).
    pub fn verify(self, meta: &FileMeta) -> Result<(), OpenError> {
        let size = self.size;
        verify_digest(size, &self.finish_hex(), meta)
    }
}

/// Confirms a whole file from a digest computed elsewhere (a worker running [`FileDigest`]):
/// `size` bytes whose lower-case hex SHA-256 is `sha256_hex` are the metadata's file (the hash
/// compared in constant time).
pub fn verify_digest(size: u64, sha256_hex: &str, meta: &FileMeta) -> Result<(), OpenError> {
    let size_ok = size == meta.size;
    if size_ok && bool::from(sha256_hex.as_bytes().ct_eq(meta.sha256.as_bytes())) {
        Ok(())
    } else {
        Err(OpenError)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta() -> FileMeta {
        FileMeta {
            name: "report.pdf".into(),
            mime_type: "application/pdf".into(),
            size: 3,
            chunk_size: ChunkSize::DEFAULT.get(),
            sha256: FileDigest::new().finish_hex(),
        }
    }

    #[test]
    fn the_digest_of_nothing_is_the_sha256_of_the_empty_string() {
        assert_eq!(
            FileDigest::new().finish_hex(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn the_json_uses_type_and_debug_hides_the_name() {
        let json = serde_json::to_string(&meta()).unwrap();
        assert!(json.starts_with(r#"{"name":"report.pdf","type":"application/pdf","size":3,"#), "{json}");
        assert!(!format!("{:?}", meta()).contains("report"));
    }

    #[test]
    fn metadata_round_trips_and_refuses_bad_values() {
        let (key, id) = (Key32::random(), FileId::random());
        let open = |meta: &FileMeta| {
            open_meta(&key, &id, &Envelope::parse(&seal_meta(&key, &id, meta, None)).unwrap())
        };
        assert_eq!(open(&meta()).unwrap(), meta());
        let with = |change: fn(&mut FileMeta)| {
            let mut changed = meta();
            change(&mut changed);
            open(&changed)
        };
        assert_eq!(with(|m| m.chunk_size = 1000), Err(OpenError));
        assert_eq!(with(|m| m.sha256 = "AB".repeat(32)), Err(OpenError));
        assert_eq!(with(|m| m.size = 1 << 53), Err(OpenError));
        assert_eq!(with(|m| (m.size, m.chunk_size) = ((1 << 32) * 64 + 1, 64)), Err(OpenError));
    }
}
