//! A share's keys, tokens and payload (docs/envelope.md, "Keys for a share"):
//!
//! ```text
//! ikm          = K                      (without a password)
//! ikm          = K || password_key      (with a password)
//! content_key  = HKDF(ikm, salt = id, info = "coffer/v1/share/content")
//! access_token = HKDF(ikm, salt = id, info = "coffer/v1/share/access")
//! status_token = HKDF(K,   salt = id, info = "coffer/v1/share/status")
//! ```

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

pub use super::padding::PADDING_BLOCK;

use super::OpenError;
use super::envelope::{self, Envelope, Header, Kind, PasswordParams};
use super::kdf::{self, KdfParams, password_key};
use super::padding::{padded_json, parse_padded_json};
use super::secret::Key32;
use crate::id::ShareId;

/// HKDF info for the key that seals a share.
pub const CONTENT_LABEL: &[u8] = b"coffer/v1/share/content";
/// HKDF info for the token that claims a share.
pub const ACCESS_LABEL: &[u8] = b"coffer/v1/share/access";
/// HKDF info for the token that reads a share's status.
pub const STATUS_LABEL: &[u8] = b"coffer/v1/share/status";

/// What a share carries, sealed inside its envelope.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, Zeroize, ZeroizeOnDrop)]
pub struct SharePayload {
    /// The secret text.
    pub text: String,
    /// The creator asked that the page blur the text until the reader clicks it.
    #[serde(default)]
    pub blur: bool,
    /// The ids of the share's files, in order; the reader checks the server lists exactly these.
    /// Left out of the JSON when empty, so a text share seals as it always did.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<String>,
}

impl std::fmt::Debug for SharePayload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SharePayload")
            .field("text", &"[redacted]")
            .field("blur", &self.blur)
            .field("files", &self.files.len())
            .finish()
    }
}

/// The keys that follow from a share key (and password): everything needed to claim and open.
#[derive(Debug)]
pub struct ShareKeys {
    content_key: Key32,
    /// Presented to the server to receive the envelope.
    pub access_token: Key32,
}

impl ShareKeys {
    /// Derives the content key and access token. `password_key` is
    /// `Argon2id(password, salt, m, t, p)` when the share has a password (see
    /// [`password_key`]; browsers compute it in a worker), `None` otherwise.
    pub fn derive(share_key: &Key32, id: &ShareId, password_key: Option<&Key32>) -> Self {
        let mut ikm = Zeroizing::new(Vec::with_capacity(64));
        ikm.extend_from_slice(share_key.expose());
        if let Some(password_key) = password_key {
            ikm.extend_from_slice(password_key.expose());
        }
        Self { content_key: hkdf(&ikm, id, CONTENT_LABEL), access_token: hkdf(&ikm, id, ACCESS_LABEL) }
    }

    /// Verifies, decrypts, unpads and decodes a claimed envelope.
    pub fn open(&self, id: &ShareId, envelope: &Envelope) -> Result<SharePayload, OpenError> {
        if envelope.header.kind != Kind::ShareText {
            return Err(OpenError);
        }
        let plaintext = envelope::open(&self.content_key, id.as_str(), envelope)?;
        parse_padded_json(&plaintext)
    }
}

/// `status_token = HKDF(K, salt = id, info = "coffer/v1/share/status")`.
pub fn status_token(share_key: &Key32, id: &ShareId) -> Key32 {
    hkdf(share_key.expose(), id, STATUS_LABEL)
}

/// What the browser sends the server for a new share. Only the envelope and tokens; `K`, the
/// password and the content key stay with the caller.
#[derive(Debug)]
pub struct SealedShare {
    /// The envelope bytes.
    pub envelope: Vec<u8>,
    /// Claims the envelope.
    pub access_token: Key32,
    /// Reads the status.
    pub status_token: Key32,
}

/// Seals a payload under a share key, with a password when one is given.
pub fn seal_share(
    share_key: &Key32,
    id: &ShareId,
    payload: &SharePayload,
    password: Option<(&str, KdfParams)>,
) -> SealedShare {
    let password = password.map(|(password, kdf)| {
        let params = PasswordParams::fresh(kdf);
        (params, password_key(password, &params.salt, kdf))
    });
    let header = Header::new(Kind::ShareText, password.as_ref().map(|(params, _)| *params));
    seal_with_header(share_key, id, payload, header, password.as_ref().map(|(_, key)| key))
}

/// Seals with a header the caller made and the password key it derived from that header's
/// parameters (a browser derives it in a worker; test vectors fix the nonce and salt).
pub fn seal_with_header(
    share_key: &Key32,
    id: &ShareId,
    payload: &SharePayload,
    header: Header,
    password_key: Option<&Key32>,
) -> SealedShare {
    let keys = ShareKeys::derive(share_key, id, password_key);
    let plaintext = padded_json(payload);
    let envelope = envelope::seal(&keys.content_key, id.as_str(), header, &plaintext).to_bytes();
    SealedShare {
        envelope,
        access_token: keys.access_token.clone(),
        status_token: status_token(share_key, id),
    }
}

/// `SHA-256(token)`: what the server stores instead of a token.
pub fn token_hash(token: &[u8; 32]) -> [u8; 32] {
    Sha256::digest(token).into()
}

fn hkdf(ikm: &[u8], id: &ShareId, info: &[u8]) -> Key32 {
    kdf::hkdf(ikm, id.as_str().as_bytes(), info)
}
