//! Helpers shared by the crypto test binaries, native and in the browser.

#![allow(dead_code)]

pub mod account_kdf;
pub mod accounts;
pub mod signatures;

use coffer_shared::b64;
use coffer_shared::crypto::Key32;
use coffer_shared::crypto::envelope::{Header, Kind, PasswordParams};
use coffer_shared::crypto::kdf::{KdfParams, password_key};
use coffer_shared::crypto::share::{SealedShare, SharePayload, seal_with_header};
use coffer_shared::id::ShareId;
use serde::{Deserialize, Serialize};

/// The committed vectors, embedded so the browser build can read them too.
pub const VECTORS_JSON: &str = include_str!("../vectors/envelope-v1.json");

/// One test vector: every input and the expected outputs.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Vector {
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
    pub envelope: String,
    pub access_token: String,
    pub status_token: String,
}

/// The vector file's shape.
#[derive(Debug, Serialize, Deserialize)]
pub struct VectorFile {
    pub comment: String,
    pub vectors: Vec<Vector>,
}

/// Parses the committed vectors.
pub fn vectors() -> Vec<Vector> {
    serde_json::from_str::<VectorFile>(VECTORS_JSON).unwrap().vectors
}

/// The parsed inputs of a vector.
pub struct Inputs {
    pub id: ShareId,
    pub share_key: Key32,
    pub header: Header,
    pub password_key: Option<Key32>,
    pub payload: SharePayload,
}

impl Vector {
    /// Decodes the vector's inputs and derives the password key when there is one.
    pub fn inputs(&self) -> Inputs {
        let password = self.kdf.map(|(m, t, p)| PasswordParams {
            kdf: KdfParams::new(m, t, p).unwrap(),
            salt: b64::decode_array(self.salt.as_deref().unwrap()).unwrap(),
        });
        let password_key =
            password.map(|params| password_key(self.password.as_deref().unwrap(), &params.salt, params.kdf));
        let header = Header {
            kind: Kind::ShareText,
            password,
            signed: false,
            nonce: b64::decode_array(&self.nonce).unwrap(),
        };
        Inputs {
            id: self.id.parse().unwrap(),
            share_key: Key32::from_b64(&self.share_key).unwrap(),
            header,
            password_key,
            payload: SharePayload { text: self.text.clone(), blur: self.blur, files: Vec::new() },
        }
    }

    /// Seals the vector's inputs.
    pub fn seal(&self) -> SealedShare {
        let inputs = self.inputs();
        seal_with_header(
            &inputs.share_key,
            &inputs.id,
            &inputs.payload,
            inputs.header,
            inputs.password_key.as_ref(),
        )
    }
}
