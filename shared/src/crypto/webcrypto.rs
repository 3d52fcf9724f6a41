//! A file's chunks sealed and opened with the browser's WebCrypto AES-GCM (docs/envelope.md,
//! "Files (streamed)"). The bytes are exactly those of [`super::stream`]: the same
//! `payload_key`, `nonce_i` and `aad`, the same AES-256-GCM with a 16-byte tag, and the
//! committed vectors prove that each side opens what the other seals. WebCrypto is about ten
//! times faster than the `aes-gcm` crate compiled to WASM ("Chunk size" has the numbers), so the
//! browser uses this for file chunks; the `aes-gcm` crate stays for native code and as the
//! reference.
//!
//! Works in a window and in a dedicated worker alike: `crypto` comes from the global object.
//! Only built for `wasm32`.

use std::fmt;

use js_sys::{Array, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AesGcmParams, CryptoKey, SubtleCrypto};
use zeroize::Zeroizing;

use super::OpenError;
use super::file_meta::FileId;
use super::secret::Key32;
use super::stream::{ChunkSize, OpenPosition, SealError, SealPosition, chunk_aad, chunk_nonce, payload_key};

/// The WebCrypto algorithm name.
const AES_GCM: &str = "AES-GCM";
/// The tag length in bits: 16 bytes, as `envelope::TAG_LEN`.
const TAG_BITS: u8 = 128;

/// WebCrypto could not import a key or seal a chunk. Not an attack: the page runs without
/// `crypto.subtle` (an insecure context) or the browser refused the operation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebCryptoError {
    /// There is no `crypto.subtle` in this global scope.
    #[error("WebCrypto (crypto.subtle) is not available here")]
    Unavailable,
    /// WebCrypto rejected the operation; the text is the browser's error.
    #[error("WebCrypto refused the operation: {0}")]
    Rejected(String),
}

impl WebCryptoError {
    fn rejected(error: JsValue) -> Self {
        let text = match error.dyn_ref::<js_sys::Error>() {
            Some(error) => format!("{}: {}", String::from(error.name()), String::from(error.message())),
            None => error.as_string().unwrap_or_else(|| "unknown error".into()),
        };
        Self::Rejected(text)
    }
}

/// Sealing with a [`WebStreamSealer`] failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebSealError {
    /// The chunk does not fit its position in the stream (as with [`super::stream::StreamSealer`]).
    #[error(transparent)]
    Stream(#[from] SealError),
    /// WebCrypto failed.
    #[error(transparent)]
    WebCrypto(#[from] WebCryptoError),
}

/// `crypto.subtle` of the global scope, a window's or a worker's.
fn subtle() -> Result<SubtleCrypto, WebCryptoError> {
    let crypto = Reflect::get(&js_sys::global(), &JsValue::from_str("crypto"))
        .map_err(|_| WebCryptoError::Unavailable)?;
    let subtle =
        Reflect::get(&crypto, &JsValue::from_str("subtle")).map_err(|_| WebCryptoError::Unavailable)?;
    subtle.dyn_into::<SubtleCrypto>().map_err(|_| WebCryptoError::Unavailable)
}

/// A file's `payload_key` as a non-extractable WebCrypto AES-GCM key, with the file's chunk
/// `aad`: everything needed to seal or open any chunk of the file by index.
pub struct ChunkKey {
    subtle: SubtleCrypto,
    key: CryptoKey,
    aad: Uint8Array,
    chunk_size: ChunkSize,
}

impl fmt::Debug for ChunkKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChunkKey").field("chunk_size", &self.chunk_size).finish_non_exhaustive()
    }
}

impl ChunkKey {
    /// Derives `payload_key = HKDF(file_key, salt = file_id, info = "coffer/v1/file/payload")`
    /// and imports it into WebCrypto for encryption and decryption, not extractable. The raw
    /// key bytes are zeroized once WebCrypto holds its copy.
    pub async fn import(
        file_key: &Key32,
        file_id: &FileId,
        chunk_size: ChunkSize,
    ) -> Result<Self, WebCryptoError> {
        let subtle = subtle()?;
        let raw = payload_key(file_key, file_id);
        let bytes = Uint8Array::new_with_length(32);
        bytes.copy_from(raw.expose());
        let usages = Array::of2(&JsValue::from_str("encrypt"), &JsValue::from_str("decrypt"));
        let imported = subtle.import_key_with_str("raw", &bytes, AES_GCM, false, &usages);
        // importKey copies the key bytes before it returns, so both copies can go now.
        bytes.fill(0, 0, 32);
        drop(raw);
        let key = JsFuture::from(imported.map_err(WebCryptoError::rejected)?)
            .await
            .map_err(WebCryptoError::rejected)?;
        let key = key.dyn_into::<CryptoKey>().map_err(WebCryptoError::rejected)?;
        let aad = Uint8Array::from(chunk_aad(file_id, chunk_size).as_slice());
        Ok(Self { subtle, key, aad, chunk_size })
    }

    /// The chunk size bound into the `aad`.
    pub fn chunk_size(&self) -> ChunkSize {
        self.chunk_size
    }

    /// `chunk_i = AES-256-GCM(payload_key, nonce_i, aad, plaintext)` with `nonce_i` of `index`
    /// and `last`: `plaintext.len() + 16` bytes. Checks nothing about the position; the caller
    /// MUST never seal two plaintexts under one index and flag ([`WebStreamSealer`] does this).
    pub async fn seal(&self, index: u32, last: bool, plaintext: &[u8]) -> Result<Vec<u8>, WebCryptoError> {
        let sealing =
            self.subtle.encrypt_with_object_and_u8_array(&self.params(index, last), &self.key, plaintext);
        let sealed = JsFuture::from(sealing.map_err(WebCryptoError::rejected)?)
            .await
            .map_err(WebCryptoError::rejected)?;
        Ok(Uint8Array::new(&sealed).to_vec())
    }

    /// Opens the chunk sealed under `index` and `last`. Any refusal (a wrong key, index, flag or
    /// file, an altered byte) is the same [`OpenError`]. Checks nothing about the position
    /// ([`WebStreamOpener`] does).
    pub async fn open(
        &self,
        index: u32,
        last: bool,
        ciphertext: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, OpenError> {
        let opening =
            self.subtle.decrypt_with_object_and_u8_array(&self.params(index, last), &self.key, ciphertext);
        let opened = JsFuture::from(opening.map_err(|_| OpenError)?).await.map_err(|_| OpenError)?;
        let view = Uint8Array::new(&opened);
        let plaintext = Zeroizing::new(view.to_vec());
        // The JS copy of the plaintext would wait for the garbage collector: empty it now.
        view.fill(0, 0, view.length());
        Ok(plaintext)
    }

    fn params(&self, index: u32, last: bool) -> AesGcmParams {
        let iv = Uint8Array::from(chunk_nonce(index, last).as_slice());
        let params = AesGcmParams::new(AES_GCM, &iv);
        params.set_additional_data(&self.aad);
        params.set_tag_length(TAG_BITS);
        params
    }
}

/// Seals a file chunk by chunk, in order, with WebCrypto: the same rules as
/// [`super::stream::StreamSealer`] (it shares their code), awaiting each chunk. `finish` takes
/// the sealer by value, so nothing can be sealed after the last chunk.
#[derive(Debug)]
pub struct WebStreamSealer {
    key: ChunkKey,
    position: SealPosition,
}

impl WebStreamSealer {
    /// Starts a stream. The key's `file_id` MUST be fresh for every sealing under its `file_key`
    /// (the nonces repeat across sealings with the same key and id).
    pub fn new(key: ChunkKey) -> Self {
        let position = SealPosition::new(key.chunk_size);
        Self { key, position }
    }

    /// The chunk size this stream uses.
    pub fn chunk_size(&self) -> ChunkSize {
        self.position.chunk_size()
    }

    /// How many chunks have been sealed so far: the index of the next one.
    pub fn next_index(&self) -> u64 {
        self.position.next_index()
    }

    /// Seals a chunk that is not the last: `plaintext` MUST be exactly `chunk_size` bytes.
    /// Returns `plaintext.len() + 16` bytes.
    pub async fn seal_chunk(&mut self, plaintext: &[u8]) -> Result<Vec<u8>, WebSealError> {
        let index = self.position.check_chunk(plaintext.len())?;
        let sealed = self.key.seal(index, false, plaintext).await?;
        // Only a chunk that was handed out takes its index.
        self.position.advance();
        Ok(sealed)
    }

    /// Seals the last chunk, `1..=chunk_size` bytes (`0` only if no chunk came before), and ends
    /// the stream.
    pub async fn finish(self, plaintext: &[u8]) -> Result<Vec<u8>, WebSealError> {
        let index = self.position.check_last(plaintext.len())?;
        Ok(self.key.seal(index, true, plaintext).await?)
    }
}

/// Opens a file's chunks in order with WebCrypto and refuses what
/// [`super::stream::StreamOpener`] refuses (it shares their code): a chunk out of order, a
/// middle chunk carrying the last flag, a last chunk without it, anything after the last chunk,
/// and (in `finish`) a stream that ends before its last chunk. After the first failure every
/// call fails.
#[derive(Debug)]
pub struct WebStreamOpener {
    key: ChunkKey,
    position: OpenPosition,
}

impl WebStreamOpener {
    /// Starts reading a stream; the key holds the `chunk_size` from the file's metadata.
    pub fn new(key: ChunkKey) -> Self {
        let position = OpenPosition::new(key.chunk_size);
        Self { key, position }
    }

    /// The index of the chunk [`WebStreamOpener::open_chunk`] expects next.
    pub fn next_index(&self) -> u64 {
        self.position.next_index()
    }

    /// Whether the last chunk has been opened.
    pub fn is_finished(&self) -> bool {
        self.position.is_finished()
    }

    /// Opens the next chunk. `is_last` says whether the reader expects it to be the final one
    /// (from the chunk count `max(1, ceil(size / chunk_size))` of the metadata); a chunk whose
    /// flag differs does not open. Every failure is the same [`OpenError`].
    pub async fn open_chunk(
        &mut self,
        ciphertext: &[u8],
        is_last: bool,
    ) -> Result<Zeroizing<Vec<u8>>, OpenError> {
        let result = match self.position.check(ciphertext.len(), is_last) {
            Ok(index) => self.key.open(index, is_last, ciphertext).await,
            Err(error) => Err(error),
        };
        self.position.record(result, is_last)
    }

    /// Ends the stream: fails unless the last chunk was opened (a missing last chunk is a
    /// truncation) and nothing failed.
    pub fn finish(self) -> Result<(), OpenError> {
        self.position.finish()
    }
}
