//! The signature vectors (`tests/vectors/signature-v1.json`): their shape, and how every output
//! follows from the inputs. `make_vectors.rs` fills the outputs; `signatures.rs` recomputes them
//! and checks them natively and in Chromium.

use coffer_shared::b64;
use coffer_shared::crypto::Key32;
use coffer_shared::crypto::envelope::{Envelope, Header, Kind, PasswordParams};
use coffer_shared::crypto::file_meta::{FileDigest, FileId, FileMeta, seal_meta_with_nonce, share_file_key};
use coffer_shared::crypto::identity::{IdentityKey, fingerprint_text};
use coffer_shared::crypto::kdf::{KdfParams, password_key};
use coffer_shared::crypto::share::{SharePayload, seal_to_sign, sign_sealed};
use coffer_shared::crypto::signature::{SignedFile, signed_message};
use coffer_shared::id::ShareId;
use serde::{Deserialize, Serialize};

/// The committed vectors, embedded so the browser build can read them too.
pub const SIGNATURE_VECTORS_JSON: &str = include_str!("../vectors/signature-v1.json");

/// The vector file's shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignatureVectorFile {
    pub comment: String,
    pub vectors: Vec<SignatureVector>,
}

/// One signed share. Inputs first, then outputs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignatureVector {
    pub name: String,
    pub id: String,
    pub share_key: String,
    pub password: Option<String>,
    /// `[m_kib, t, p]`.
    pub kdf: Option<(u32, u32, u8)>,
    pub salt: Option<String>,
    pub nonce: String,
    pub text: String,
    pub blur: bool,
    pub identity_seed: String,
    pub files: Vec<SignedFileVector>,
    pub public_key: String,
    pub fingerprint: String,
    pub signed_message: String,
    pub signature: String,
    pub envelope: String,
    pub access_token: String,
    pub status_token: String,
}

/// A file of a signed share: inputs of its metadata, then the metadata envelope.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignedFileVector {
    pub file_id: String,
    pub file_name: String,
    pub mime_type: String,
    /// The file's content; only its size and SHA-256 enter the metadata.
    pub plaintext: String,
    pub metadata_nonce: String,
    pub file_key: String,
    pub metadata: String,
}

/// Parses the committed vectors.
pub fn signature_vectors() -> Vec<SignatureVector> {
    serde_json::from_str::<SignatureVectorFile>(SIGNATURE_VECTORS_JSON).unwrap().vectors
}

impl SignatureVector {
    pub fn share_id(&self) -> ShareId {
        self.id.parse().unwrap()
    }

    pub fn key(&self) -> Key32 {
        Key32::from_b64(&self.share_key).unwrap()
    }

    pub fn identity(&self) -> IdentityKey {
        IdentityKey::from_seed(&Key32::from_b64(&self.identity_seed).unwrap())
    }

    pub fn password_params(&self) -> Option<PasswordParams> {
        self.kdf.map(|(m, t, p)| PasswordParams {
            kdf: KdfParams::new(m, t, p).unwrap(),
            salt: b64::decode_array(self.salt.as_deref().unwrap()).unwrap(),
        })
    }

    /// `Argon2id(password, salt, m, t, p)` when the share has a password.
    pub fn password_key(&self) -> Option<Key32> {
        self.password_params()
            .map(|params| password_key(self.password.as_deref().unwrap(), &params.salt, params.kdf))
    }

    /// The files as the signature covers them (metadata decoded).
    pub fn metadata(&self) -> Vec<(String, Vec<u8>)> {
        self.files.iter().map(|file| (file.file_id.clone(), b64::decode(&file.metadata).unwrap())).collect()
    }

    /// Fills every output from the inputs.
    pub fn computed(&self) -> Self {
        let (id, key, password_key) = (self.share_id(), self.key(), self.password_key());
        let files: Vec<SignedFileVector> =
            self.files.iter().map(|file| file.computed(&key, &id, password_key.as_ref(), self)).collect();
        let payload = SharePayload {
            text: self.text.clone(),
            blur: self.blur,
            files: files.iter().map(|file| file.file_id.clone()).collect(),
        };
        let header = Header {
            kind: Kind::ShareText,
            password: self.password_params(),
            signed: false,
            nonce: b64::decode_array(&self.nonce).unwrap(),
        };
        let identity = self.identity();
        let public_key = identity.public_key();
        let sealed = seal_to_sign(&key, &id, &payload, header, password_key.as_ref(), public_key);
        let metadata: Vec<(String, Vec<u8>)> =
            files.iter().map(|file| (file.file_id.clone(), b64::decode(&file.metadata).unwrap())).collect();
        let signed_files: Vec<SignedFile<'_>> =
            metadata.iter().map(|(id, metadata)| SignedFile { id, metadata }).collect();
        let envelope = sign_sealed(&identity, &id, &sealed.envelope, &signed_files).unwrap();
        let parsed = Envelope::parse(&envelope).unwrap();
        let trailer = parsed.trailer.clone().unwrap();
        Self {
            files,
            public_key: b64::encode(public_key),
            fingerprint: fingerprint_text(&public_key),
            signed_message: b64::encode(signed_message(id.as_str(), &parsed, &signed_files)),
            signature: b64::encode(trailer.signature),
            envelope: b64::encode(&envelope),
            access_token: sealed.access_token.to_b64(),
            status_token: sealed.status_token.to_b64(),
            ..self.clone()
        }
    }
}

impl SignedFileVector {
    fn computed(
        &self,
        share_key: &Key32,
        share_id: &ShareId,
        password_key: Option<&Key32>,
        share: &SignatureVector,
    ) -> Self {
        let file_id: FileId = self.file_id.parse().unwrap();
        let file_key = share_file_key(share_key, share_id, password_key, &file_id);
        let plaintext = b64::decode(&self.plaintext).unwrap();
        let mut digest = FileDigest::new();
        digest.update(&plaintext);
        let meta = FileMeta {
            name: self.file_name.clone(),
            mime_type: self.mime_type.clone(),
            size: plaintext.len() as u64,
            chunk_size: 64,
            sha256: digest.finish_hex(),
        };
        let nonce = b64::decode_array(&self.metadata_nonce).unwrap();
        let metadata = seal_meta_with_nonce(&file_key, &file_id, &meta, share.password_params(), nonce);
        Self { file_key: file_key.to_b64(), metadata: b64::encode(metadata), ..self.clone() }
    }
}
