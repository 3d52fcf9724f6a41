//! [`ChunkKey`] over the browser's `crypto.subtle` (wasm32).

use std::fmt;

use js_sys::{Array, Promise, Reflect, Uint8Array};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AesGcmParams, CryptoKey, SubtleCrypto};
use zeroize::Zeroizing;

use super::WebCryptoError;
use crate::crypto::OpenError;
use crate::crypto::file_meta::FileId;
use crate::crypto::secret::Key32;
use crate::crypto::stream::{ChunkSize, chunk_aad, chunk_nonce, payload_key};

/// The WebCrypto algorithm name.
const AES_GCM: &str = "AES-GCM";
/// The tag length in bits: 16 bytes, as `envelope::TAG_LEN`.
const TAG_BITS: u8 = 128;

/// The browser's error, as text.
fn rejected(error: JsValue) -> WebCryptoError {
    let text = match error.dyn_ref::<js_sys::Error>() {
        Some(error) => format!("{}: {}", String::from(error.name()), String::from(error.message())),
        None => error.as_string().unwrap_or_else(|| "unknown error".into()),
    };
    WebCryptoError::Rejected(text)
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
        let key = JsFuture::from(imported.map_err(rejected)?).await.map_err(rejected)?;
        let key = key.dyn_into::<CryptoKey>().map_err(rejected)?;
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
        let sealed = JsFuture::from(sealing.map_err(rejected)?).await.map_err(rejected)?;
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
        self.start_open(index, last, ciphertext)?.plaintext().await
    }

    /// Starts opening a chunk and returns at once: WebCrypto has copied `ciphertext` and opens
    /// it off the page's thread, so several chunks can open together. Checks nothing about the
    /// position.
    pub fn start_open(&self, index: u32, last: bool, ciphertext: &[u8]) -> Result<Opening, OpenError> {
        // decrypt() copies its input before it returns its promise (WebCrypto's "get a copy of
        // the bytes held by data"), so `ciphertext` may change or go once this returns.
        let opening =
            self.subtle.decrypt_with_object_and_u8_array(&self.params(index, last), &self.key, ciphertext);
        Ok(Opening { promise: Some(opening.map_err(|_| OpenError)?) })
    }

    /// [`ChunkKey::start_open`] for a chunk in JavaScript memory, which WebCrypto copies as it
    /// would a slice of WASM memory.
    pub fn start_open_js(
        &self,
        index: u32,
        last: bool,
        ciphertext: &Uint8Array,
    ) -> Result<Opening, OpenError> {
        let opening = self.subtle.decrypt_with_object_and_buffer_source(
            &self.params(index, last),
            &self.key,
            ciphertext,
        );
        Ok(Opening { promise: Some(opening.map_err(|_| OpenError)?) })
    }

    fn params(&self, index: u32, last: bool) -> AesGcmParams {
        let iv = Uint8Array::from(chunk_nonce(index, last).as_slice());
        let params = AesGcmParams::new(AES_GCM, &iv);
        params.set_additional_data(&self.aad);
        params.set_tag_length(TAG_BITS);
        params
    }
}

/// A chunk WebCrypto is opening ([`ChunkKey::start_open`]). Dropped before its plaintext is
/// taken (a download that fails or is cancelled), it still empties the plaintext once opened.
pub struct Opening {
    promise: Option<Promise>,
}

impl Drop for Opening {
    fn drop(&mut self) {
        let Some(promise) = self.promise.take() else { return };
        let empty = Closure::once_into_js(|opened: JsValue| {
            let view = Uint8Array::new(&opened);
            view.fill(0, 0, view.length());
        });
        let ignore = Closure::once_into_js(|_: JsValue| {});
        // promise.then(empty, ignore), through JS values: each callback frees itself when called
        // (the one never called stays, a few bytes, on this failure path only).
        if let Ok(then) = Reflect::get(&promise, &JsValue::from_str("then")) {
            let _ = then.unchecked_into::<js_sys::Function>().call2(&promise, &empty, &ignore);
        }
    }
}

impl fmt::Debug for Opening {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Opening")
    }
}

impl Opening {
    /// The plaintext, once opened; every refusal is the same [`OpenError`].
    pub async fn plaintext(mut self) -> Result<Zeroizing<Vec<u8>>, OpenError> {
        let promise = self.promise.take().ok_or(OpenError)?;
        let opened = JsFuture::from(promise).await.map_err(|_| OpenError)?;
        let view = Uint8Array::new(&opened);
        let plaintext = Zeroizing::new(view.to_vec());
        // The JS copy of the plaintext would wait for the garbage collector: empty it now.
        view.fill(0, 0, view.length());
        Ok(plaintext)
    }

    /// The plaintext, once opened, in the buffer WebCrypto made for it (see
    /// [`super::StartedChunk::plaintext_js`]).
    pub async fn plaintext_js(mut self) -> Result<Uint8Array, OpenError> {
        let promise = self.promise.take().ok_or(OpenError)?;
        let opened = JsFuture::from(promise).await.map_err(|_| OpenError)?;
        Ok(Uint8Array::new(&opened))
    }
}

/// SHA-256 of `bytes` with `crypto.subtle.digest`: computed off the page's thread, and natively
/// (several times the speed of the `sha2` crate compiled to WASM).
pub async fn sha256(bytes: &[u8]) -> Result<[u8; 32], WebCryptoError> {
    let digesting = subtle()?.digest_with_str_and_u8_array("SHA-256", bytes).map_err(rejected)?;
    let digest = JsFuture::from(digesting).await.map_err(rejected)?;
    let view = Uint8Array::new(&digest);
    let mut out = [0u8; 32];
    if view.length() != 32 {
        return Err(WebCryptoError::Rejected("SHA-256 did not give 32 bytes".into()));
    }
    view.copy_to(&mut out);
    Ok(out)
}
