//! A share's keys, tokens and payload (docs/envelope.md, "Keys for a share"):
//!
//! ```text
//! ikm          = K                      (without a password)
//! ikm          = K || password_key      (with a password)
//! content_key  = HKDF(ikm, salt = id, info = "coffer/v1/share/content")
//! access_token = HKDF(ikm, salt = id, info = "coffer/v1/share/access")
//! status_token = HKDF(K,   salt = id, info = "coffer/v1/share/status")
//! ```

use hkdf::Hkdf;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use super::OpenError;
use super::envelope::{self, Envelope, Header, Kind, PasswordParams};
use super::kdf::{KdfParams, password_key};
use super::secret::{Key32, random_array};
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
}

impl std::fmt::Debug for SharePayload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SharePayload").field("text", &"[redacted]").field("blur", &self.blur).finish()
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
        serde_json::from_slice(unpad(&plaintext)?).map_err(|_| OpenError)
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
        let params = PasswordParams { kdf, salt: random_array() };
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
    #[allow(clippy::expect_used)]
    let mut plaintext = Zeroizing::new(serde_json::to_vec(payload).expect("a payload always serializes"));
    pad(&mut plaintext);
    let envelope = envelope::seal(&keys.content_key, id.as_str(), header, &plaintext).to_bytes();
    SealedShare {
        envelope,
        access_token: keys.access_token.clone(),
        status_token: status_token(share_key, id),
    }
}

/// Plaintexts are padded with zero bytes to a multiple of this (docs/envelope.md, "A share's
/// payload").
pub const PADDING_BLOCK: usize = 256;

/// `plaintext = json || 0x00 * n`, up to the next multiple of [`PADDING_BLOCK`].
fn pad(plaintext: &mut Vec<u8>) {
    let padded = plaintext.len().div_ceil(PADDING_BLOCK).max(1) * PADDING_BLOCK;
    plaintext.resize(padded, 0);
}

/// Strips the padding; a length that is not a multiple of the block is refused.
fn unpad(plaintext: &[u8]) -> Result<&[u8], OpenError> {
    if plaintext.is_empty() || !plaintext.len().is_multiple_of(PADDING_BLOCK) {
        return Err(OpenError);
    }
    let end = plaintext.iter().rposition(|&byte| byte != 0).map_or(0, |last| last + 1);
    Ok(&plaintext[..end])
}

/// `SHA-256(token)`: what the server stores instead of a token.
pub fn token_hash(token: &[u8; 32]) -> [u8; 32] {
    Sha256::digest(token).into()
}

fn hkdf(ikm: &[u8], id: &ShareId, info: &[u8]) -> Key32 {
    let mut out = Zeroizing::new([0u8; 32]);
    #[allow(clippy::expect_used)]
    Hkdf::<Sha256>::new(Some(id.as_str().as_bytes()), ikm)
        .expand(info, out.as_mut())
        .expect("32 bytes is a valid HKDF-SHA256 output length");
    Key32::from_bytes(*out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn padding_fills_whole_blocks_and_comes_off_again() {
        for len in [0, 1, 255, 256, 257, 1000] {
            let mut plaintext = vec![b'x'; len];
            pad(&mut plaintext);
            assert_eq!(plaintext.len(), len.div_ceil(PADDING_BLOCK).max(1) * PADDING_BLOCK);
            assert_eq!(unpad(&plaintext).unwrap(), vec![b'x'; len].as_slice());
        }
    }

    #[test]
    fn unpadding_refuses_partial_blocks() {
        assert_eq!(unpad(&[]), Err(OpenError));
        assert_eq!(unpad(&[b'{'; 255]), Err(OpenError));
        assert_eq!(unpad(&[b'{'; 257]), Err(OpenError));
    }
}
