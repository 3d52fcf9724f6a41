//! [`ChunkKey`] over the `aes-gcm` crate, for native builds: the same bytes and the same API as
//! the browser's, so the code that uses it also compiles and runs in native tests.

use std::fmt;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use js_sys::Uint8Array;
use zeroize::Zeroizing;

use super::WebCryptoError;
use crate::crypto::OpenError;
use crate::crypto::file_meta::FileId;
use crate::crypto::secret::Key32;
use crate::crypto::stream::{ChunkSize, chunk_aad, chunk_nonce, payload_key};

/// A file's `payload_key` with the file's chunk `aad`: everything needed to seal or open any
/// chunk of the file by index.
pub struct ChunkKey {
    cipher: Aes256Gcm,
    aad: Vec<u8>,
    chunk_size: ChunkSize,
}

impl fmt::Debug for ChunkKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChunkKey").field("chunk_size", &self.chunk_size).finish_non_exhaustive()
    }
}

impl ChunkKey {
    /// Derives `payload_key = HKDF(file_key, salt = file_id, info = "coffer/v1/file/payload")`.
    pub async fn import(
        file_key: &Key32,
        file_id: &FileId,
        chunk_size: ChunkSize,
    ) -> Result<Self, WebCryptoError> {
        let cipher = Aes256Gcm::new(payload_key(file_key, file_id).expose().into());
        Ok(Self { cipher, aad: chunk_aad(file_id, chunk_size), chunk_size })
    }

    /// The chunk size bound into the `aad`.
    pub fn chunk_size(&self) -> ChunkSize {
        self.chunk_size
    }

    /// `chunk_i = AES-256-GCM(payload_key, nonce_i, aad, plaintext)`. Checks nothing about the
    /// position; the caller MUST never seal two plaintexts under one index and flag.
    pub async fn seal(&self, index: u32, last: bool, plaintext: &[u8]) -> Result<Vec<u8>, WebCryptoError> {
        let nonce = chunk_nonce(index, last);
        self.cipher
            .encrypt(Nonce::from_slice(&nonce), Payload { msg: plaintext, aad: &self.aad })
            .map_err(|_| WebCryptoError::Rejected("aes-gcm refused to seal".into()))
    }

    /// Opens the chunk sealed under `index` and `last`; every failure is the same [`OpenError`].
    pub async fn open(
        &self,
        index: u32,
        last: bool,
        ciphertext: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, OpenError> {
        self.start_open(index, last, ciphertext)?.plaintext().await
    }

    /// Opens a chunk now (the browser's version starts it and returns at once).
    pub fn start_open(&self, index: u32, last: bool, ciphertext: &[u8]) -> Result<Opening, OpenError> {
        let nonce = chunk_nonce(index, last);
        let opened = self
            .cipher
            .decrypt(Nonce::from_slice(&nonce), Payload { msg: ciphertext, aad: &self.aad })
            .map(Zeroizing::new)
            .map_err(|_| OpenError);
        Ok(Opening(opened))
    }
}

impl ChunkKey {
    /// The browser's [`ChunkKey::start_open`] for bytes in JavaScript memory. Native code has no
    /// JavaScript: this exists so that the app's code compiles for its native tests, and panics
    /// if called (as every `js_sys` call does off the browser).
    pub fn start_open_js(
        &self,
        index: u32,
        last: bool,
        ciphertext: &Uint8Array,
    ) -> Result<Opening, OpenError> {
        self.start_open(index, last, &ciphertext.to_vec())
    }
}

/// A chunk being opened ([`ChunkKey::start_open`]).
#[derive(Debug)]
pub struct Opening(Result<Zeroizing<Vec<u8>>, OpenError>);

impl Opening {
    /// The plaintext; every refusal is the same [`OpenError`].
    pub async fn plaintext(self) -> Result<Zeroizing<Vec<u8>>, OpenError> {
        self.0
    }

    /// The browser's plaintext in JavaScript memory; panics natively, as
    /// [`ChunkKey::start_open_js`] does.
    pub async fn plaintext_js(self) -> Result<Uint8Array, OpenError> {
        self.0.map(|plaintext| Uint8Array::from(plaintext.as_slice()))
    }
}

/// SHA-256 of `bytes` (the `sha2` crate): the browser's `crypto.subtle.digest` natively.
pub async fn sha256(bytes: &[u8]) -> Result<[u8; 32], WebCryptoError> {
    use sha2::Digest;
    Ok(sha2::Sha256::digest(bytes).into())
}
