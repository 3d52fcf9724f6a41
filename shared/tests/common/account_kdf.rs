//! The version-2 KDF vectors (`tests/vectors/accounts-v2.json`): their shape, and how every
//! output follows from the inputs. `make_vectors.rs` fills the outputs; `accounts.rs` recomputes
//! them (natively and in Chromium).

use coffer_shared::b64;
use coffer_shared::crypto::account::AccountKeys;
use coffer_shared::crypto::account_kdf::{AccountKdf, KdfVersion};
use coffer_shared::crypto::kdf::KdfParams;
use coffer_shared::crypto::kdf_memory::memory_id;
use serde::{Deserialize, Serialize};

/// The committed vectors, embedded so the browser build can read them too.
pub const KDF_VECTORS_JSON: &str = include_str!("../vectors/accounts-v2.json");

/// The vector file's shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KdfVectorFile {
    pub comment: String,
    pub vectors: Vec<KdfVector>,
}

/// One derivation. Inputs first, then outputs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KdfVector {
    pub name: String,
    /// The address as typed (normalized by the derivation).
    pub email: String,
    pub passphrase: String,
    pub version: KdfVersion,
    /// `[m_kib, t, p]`.
    pub kdf: (u32, u32, u8),
    pub kdf_salt: String,
    pub argon2_salt: String,
    pub master_key: String,
    pub auth_proof: String,
    pub memory_id: String,
}

/// Parses the committed vectors.
pub fn kdf_vectors() -> KdfVectorFile {
    serde_json::from_str(KDF_VECTORS_JSON).unwrap()
}

impl KdfVector {
    /// The vector's inputs as the browser holds them.
    pub fn inputs(&self) -> AccountKdf {
        let (m, t, p) = self.kdf;
        AccountKdf {
            version: self.version,
            params: KdfParams::new(m, t, p).unwrap(),
            kdf_salt: b64::decode_array(&self.kdf_salt).unwrap(),
        }
    }

    /// The vector with every output computed from its inputs.
    pub fn computed(&self) -> Self {
        let inputs = self.inputs();
        let master_key = inputs.master_key(&self.passphrase, &self.email);
        Self {
            argon2_salt: b64::encode(inputs.argon2_salt(&self.email)),
            auth_proof: AccountKeys::derive(&master_key).auth_proof().to_b64(),
            master_key: master_key.to_b64(),
            memory_id: memory_id(&self.email),
            ..self.clone()
        }
    }
}

impl KdfVectorFile {
    pub fn computed(&self) -> Self {
        Self {
            comment: self.comment.clone(),
            vectors: self.vectors.iter().map(KdfVector::computed).collect(),
        }
    }
}
