//! Files as the browser seals and uploads them: real chunk streams and metadata envelopes,
//! and typed calls to the upload and download routes.

use coffer_shared::b64;
use coffer_shared::crypto::Key32;
use coffer_shared::crypto::envelope::Envelope;
use coffer_shared::crypto::file_meta::{
    FileDigest, FileId, FileMeta, open_meta, seal_meta, share_file_key, upload_token,
};
use coffer_shared::crypto::stream::{ChunkSize, StreamOpener, StreamSealer};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::helpers::{TestApp, TestShare};
use crate::users::Browser;

/// A sealed file and every secret of it.
pub struct TestFile {
    pub id: FileId,
    pub file_key: Key32,
    pub token: String,
    pub plaintext: Vec<u8>,
    pub chunk_size: u32,
    pub chunks: Vec<Vec<u8>>,
    pub metadata: Vec<u8>,
}

impl TestFile {
    /// A vault attachment of `size` pseudo-random bytes (random `file_key`).
    pub fn vault(size: usize, chunk_size: u32) -> Self {
        let id = FileId::random();
        Self::seal(Key32::random(), id, size, chunk_size)
    }

    /// A file of `share` (its `file_key` derived from the share key, no password).
    pub fn for_share(share: &TestShare, size: usize, chunk_size: u32) -> Self {
        let id = FileId::random();
        let file_key = share_file_key(&share.share_key, &share.id, None, &id);
        Self::seal(file_key, id, size, chunk_size)
    }

    fn seal(file_key: Key32, id: FileId, size: usize, chunk_size: u32) -> Self {
        let plaintext: Vec<u8> =
            (0..size).map(|i| (i * 31 % 251) as u8 ^ id.as_str().as_bytes()[i % 22]).collect();
        let mut sealer = StreamSealer::new(&file_key, &id, ChunkSize::new(chunk_size).unwrap());
        let pieces: Vec<&[u8]> =
            if plaintext.is_empty() { vec![&[]] } else { plaintext.chunks(chunk_size as usize).collect() };
        let (last, middle) = pieces.split_last().unwrap();
        let mut chunks: Vec<Vec<u8>> = middle.iter().map(|piece| sealer.seal_chunk(piece).unwrap()).collect();
        chunks.push(sealer.finish(last).unwrap());
        let mut digest = FileDigest::new();
        digest.update(&plaintext);
        let meta = FileMeta {
            name: "notes.bin".into(),
            mime_type: "application/octet-stream".into(),
            size: size as u64,
            chunk_size,
            sha256: digest.finish_hex(),
        };
        let metadata = seal_meta(&file_key, &id, &meta, None);
        let token = upload_token(&file_key, &id).to_b64();
        Self { id, file_key, token, plaintext, chunk_size, chunks, metadata }
    }

    /// The whole ciphertext, as the server should serve it.
    pub fn ciphertext(&self) -> Vec<u8> {
        self.chunks.concat()
    }

    /// Opens a downloaded ciphertext and its metadata as the reader's browser does.
    pub fn open(&self, ciphertext: &[u8], metadata_b64: &str) -> Vec<u8> {
        let envelope = Envelope::parse(&b64::decode(metadata_b64).unwrap()).unwrap();
        let meta = open_meta(&self.file_key, &self.id, &envelope).unwrap();
        let mut opener = StreamOpener::new(&self.file_key, &self.id, meta.chunk_size().unwrap());
        let stride = self.chunk_size as usize + 16;
        let pieces: Vec<&[u8]> = ciphertext.chunks(stride).collect();
        let mut plaintext = Vec::new();
        for (index, piece) in pieces.iter().enumerate() {
            plaintext.extend_from_slice(&opener.open_chunk(piece, index + 1 == pieces.len()).unwrap());
        }
        opener.finish().unwrap();
        plaintext
    }

    /// `POST /uploads` body.
    pub fn start_body(&self, vault: bool) -> Value {
        json!({
            "file_id": self.id, "size": self.plaintext.len(), "chunk_size": self.chunk_size,
            "upload_token": self.token, "vault": vault,
        })
    }

    /// An entry of a share's `files`.
    pub fn share_ref(&self) -> Value {
        json!({ "id": self.id, "upload_token": self.token })
    }
}

/// An upload announced by its size alone, as an attacker would: no file behind it, chunks of
/// arbitrary bytes (the server checks lengths and checksums, never the encryption).
pub struct Announced {
    pub id: FileId,
    pub token: String,
    pub size: u64,
    pub chunk_size: u32,
}

impl Announced {
    /// `size` plaintext bytes in chunks of `chunk_size`.
    pub fn new(size: u64, chunk_size: u32) -> Self {
        let token = b64::encode(coffer_shared::crypto::random_array::<32>());
        Self { id: FileId::random(), token, size, chunk_size }
    }

    /// The chunk count.
    pub fn chunk_count(&self) -> u64 {
        self.size.div_ceil(u64::from(self.chunk_size)).max(1)
    }

    /// What the server reserves: `size + 16 n`.
    pub fn ciphertext_size(&self) -> u64 {
        self.size + 16 * self.chunk_count()
    }

    /// `POST /uploads` body.
    pub fn start_body(&self) -> Value {
        json!({
            "file_id": self.id, "size": self.size, "chunk_size": self.chunk_size,
            "upload_token": self.token, "vault": false,
        })
    }

    /// Bytes of chunk `index`'s exact length.
    pub fn chunk(&self, index: u64) -> Vec<u8> {
        let stride = u64::from(self.chunk_size) + 16;
        let len =
            if index + 1 == self.chunk_count() { self.ciphertext_size() - stride * index } else { stride };
        vec![index as u8 ^ 0x5a; len as usize]
    }
}

/// base64url of SHA-256 over `bytes`.
pub fn sha256_b64(bytes: &[u8]) -> String {
    b64::encode(Sha256::digest(bytes))
}

impl TestApp {
    /// `POST /api/v1/uploads`, as `browser` when given.
    pub async fn start_upload(
        &self,
        file: &TestFile,
        browser: Option<&Browser>,
        vault: bool,
    ) -> reqwest::Response {
        self.send_as(browser, reqwest::Method::POST, "/api/v1/uploads", Some(&file.start_body(vault))).await
    }

    /// `POST /api/v1/uploads` for an announced upload.
    pub async fn announce(&self, upload: &Announced) -> reqwest::Response {
        self.post("/api/v1/uploads", &upload.start_body()).await
    }

    /// `PUT` chunk `index` of an announced upload.
    pub async fn put_announced(&self, upload: &Announced, index: u64) -> reqwest::Response {
        let body = upload.chunk(index);
        self.client
            .put(format!("{}/api/v1/uploads/{}/chunks/{index}", self.address, upload.id))
            .header("content-type", "application/octet-stream")
            .header("x-coffer-upload-token", &upload.token)
            .header("x-coffer-chunk-sha256", sha256_b64(&body))
            .body(body)
            .send()
            .await
            .unwrap()
    }

    /// `PUT` chunk `index` with `body` and its true checksum.
    pub async fn put_chunk(&self, file: &TestFile, index: u64, body: Vec<u8>) -> reqwest::Response {
        let sum = sha256_b64(&body);
        self.put_chunk_with(file, index, body, &sum).await
    }

    /// `PUT` chunk `index` with `body` and the checksum header `sum`.
    pub async fn put_chunk_with(
        &self,
        file: &TestFile,
        index: u64,
        body: Vec<u8>,
        sum: &str,
    ) -> reqwest::Response {
        self.client
            .put(format!("{}/api/v1/uploads/{}/chunks/{index}", self.address, file.id))
            .header("content-type", "application/octet-stream")
            .header("x-coffer-upload-token", &file.token)
            .header("x-coffer-chunk-sha256", sum)
            .body(body)
            .send()
            .await
            .unwrap()
    }

    /// `POST /api/v1/uploads/{id}/{action}` with the upload token (`status`, `cancel`).
    pub async fn upload_call(&self, file: &TestFile, action: &str) -> reqwest::Response {
        self.post(&format!("/api/v1/uploads/{}/{action}", file.id), &json!({ "upload_token": file.token }))
            .await
    }

    /// `POST /api/v1/uploads/{id}/finish` with the file's metadata.
    pub async fn finish_upload(&self, file: &TestFile) -> reqwest::Response {
        let body = json!({ "upload_token": file.token, "metadata": b64::encode(&file.metadata) });
        self.post(&format!("/api/v1/uploads/{}/finish", file.id), &body).await
    }

    /// Starts, sends every chunk and finishes; panics on any failure.
    pub async fn upload(&self, file: &TestFile, browser: Option<&Browser>, vault: bool) {
        let started = self.start_upload(file, browser, vault).await;
        assert_eq!(started.status(), 201, "{}", started.text().await.unwrap());
        for (index, chunk) in file.chunks.iter().enumerate() {
            let sent = self.put_chunk(file, index as u64, chunk.clone()).await;
            assert_eq!(sent.status(), 200, "{}", sent.text().await.unwrap());
        }
        let finished = self.finish_upload(file).await;
        assert_eq!(finished.status(), 200, "{}", finished.text().await.unwrap());
    }

    /// `GET /api/v1/files/{id}` with a download token and an optional `Range: bytes=<from>-`.
    pub async fn download(&self, id: &FileId, token: &str, from: Option<u64>) -> reqwest::Response {
        let mut request = self
            .client
            .get(format!("{}/api/v1/files/{id}", self.address))
            .header("x-coffer-download-token", token);
        if let Some(from) = from {
            request = request.header("range", format!("bytes={from}-"));
        }
        request.send().await.unwrap()
    }

    /// The ids of the blobs in the blob store.
    pub async fn blob_ids(&self) -> Vec<String> {
        let mut ids = self.state.blobs.list().await.unwrap();
        ids.sort();
        ids
    }
}
