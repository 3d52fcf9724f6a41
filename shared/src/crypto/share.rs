//! A share's keys, tokens and payload (docs/envelope.md, "Keys for a share"):
//!
//! ```text
//! ikm          = K                      (without a password)
//! ikm          = K || password_key      (with a password)
//! content_key  = HKDF(ikm, salt = id, info = "coffer/v1/share/content")
//! access_token = HKDF(ikm, salt = id, info = "coffer/v1/share/access")
//! status_token = HKDF(K,   salt = id, info = "coffer/v1/share/status")
//! manage_token = SHA-256("coffer/v1/manage-token" || m)      (m: the management link's secret)
//! ```
//!
//! A share made while signed in is signed ([`super::signature`]); [`ShareKeys::open_share`]
//! checks the signature, decrypts and checks the files, in that order.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

pub use super::padding::PADDING_BLOCK;

use super::OpenError;
use super::envelope::{self, Envelope, Header, Kind, PasswordParams};
use super::identity::IdentityKey;
use super::kdf::{self, KdfParams, password_key};
use super::padding::{padded_json, parse_padded_json};
use super::secret::Key32;
use super::signature::{self, SignError, SignatureError, SignedFile};
use crate::id::ShareId;

/// HKDF info for the key that seals a share.
pub const CONTENT_LABEL: &[u8] = b"coffer/v1/share/content";
/// HKDF info for the token that claims a share.
pub const ACCESS_LABEL: &[u8] = b"coffer/v1/share/access";
/// HKDF info for the token that reads a share's status.
pub const STATUS_LABEL: &[u8] = b"coffer/v1/share/status";
/// The prefix hashed with a management link's secret into the token the server sees.
pub const MANAGE_TOKEN_LABEL: &[u8] = b"coffer/v1/manage-token";

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

    /// Opens a claimed envelope of a share without files: [`ShareKeys::open_share`] with no
    /// files and no named signer, every failure the coarse [`OpenError`].
    pub fn open(&self, id: &ShareId, envelope: &Envelope) -> Result<SharePayload, OpenError> {
        self.open_share(id, envelope, &[], None).map(|opened| opened.payload).map_err(|_| OpenError)
    }

    /// Opens a claimed share as a reader MUST (docs/envelope.md, "Signatures" and "A share's
    /// payload"): checks the signature against `files` (as the claim lists them) and the signer
    /// the server names, then decrypts, unpads and decodes, then checks that `files` are exactly
    /// the payload's, in its order. Nothing of the share may be shown unless this succeeds.
    pub fn open_share(
        &self,
        id: &ShareId,
        envelope: &Envelope,
        files: &[SignedFile<'_>],
        named_signer: Option<&[u8; 32]>,
    ) -> Result<OpenedShare, ShareOpenError> {
        if envelope.header.kind != Kind::ShareText {
            return Err(OpenError.into());
        }
        let signer = signature::verify(id.as_str(), envelope, files, named_signer)?;
        let plaintext = envelope::open(&self.content_key, id.as_str(), envelope)?;
        let payload: SharePayload = parse_padded_json(&plaintext)?;
        let same_files = payload.files.len() == files.len()
            && payload.files.iter().zip(files).all(|(sealed, listed)| sealed == listed.id);
        if !same_files {
            return Err(OpenError.into());
        }
        Ok(OpenedShare { payload, signer })
    }
}

/// A claimed share that opened: its payload and who signed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenedShare {
    /// The decrypted payload; zeroized on drop.
    pub payload: SharePayload,
    /// The verified signer's public key; `None` for an unsigned share.
    pub signer: Option<[u8; 32]>,
}

/// Why a claimed share was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ShareOpenError {
    /// Its signature is wrong, missing or by another key than the named signer's: the share
    /// was altered. Needs no key to find, so it may be told apart.
    #[error(transparent)]
    Signature(#[from] SignatureError),
    /// It did not decrypt, or its files are not the sealed ones: the one coarse error.
    #[error(transparent)]
    Open(#[from] OpenError),
}

/// `status_token = HKDF(K, salt = id, info = "coffer/v1/share/status")`.
pub fn status_token(share_key: &Key32, id: &ShareId) -> Key32 {
    hkdf(share_key.expose(), id, STATUS_LABEL)
}

/// `manage_token = SHA-256("coffer/v1/manage-token" || m)`, where `m` is the secret in the
/// management link's fragment. The browser sends only this token (when creating the share and
/// when managing it), never `m`: whatever 32 bytes sit in a `/m/` fragment, a share key pasted
/// there included, what reaches the server is a labelled hash that reveals nothing about them.
pub fn manage_token(manage_secret: &Key32) -> Key32 {
    let mut hash = Sha256::new();
    hash.update(MANAGE_TOKEN_LABEL);
    hash.update(manage_secret.expose());
    Key32::from_bytes(hash.finalize().into())
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
/// parameters (a browser derives it in a worker; test vectors fix the nonce and salt). Unsigned.
pub fn seal_with_header(
    share_key: &Key32,
    id: &ShareId,
    payload: &SharePayload,
    header: Header,
    password_key: Option<&Key32>,
) -> SealedShare {
    seal_inner(share_key, id, payload, header, password_key, None)
}

/// [`seal_with_header`] for a signed share: sets `SIGNED` and binds `public_key` into the
/// additional data. The envelope's trailer holds a placeholder until [`sign_sealed`] signs it,
/// once the files' metadata is known.
pub fn seal_to_sign(
    share_key: &Key32,
    id: &ShareId,
    payload: &SharePayload,
    header: Header,
    password_key: Option<&Key32>,
    public_key: [u8; 32],
) -> SealedShare {
    seal_inner(share_key, id, payload, header, password_key, Some(public_key))
}

/// Signs envelope bytes made by [`seal_to_sign`] for `identity`, over the share id and its files
/// in the payload's order; returns the signed envelope's bytes.
pub fn sign_sealed(
    identity: &IdentityKey,
    id: &ShareId,
    envelope: &[u8],
    files: &[SignedFile<'_>],
) -> Result<Vec<u8>, SignError> {
    let mut envelope = Envelope::parse(envelope).map_err(|_| SignError::NotSealedForKey)?;
    signature::sign(identity, id.as_str(), &mut envelope, files)?;
    Ok(envelope.to_bytes())
}

fn seal_inner(
    share_key: &Key32,
    id: &ShareId,
    payload: &SharePayload,
    header: Header,
    password_key: Option<&Key32>,
    signer: Option<[u8; 32]>,
) -> SealedShare {
    let keys = ShareKeys::derive(share_key, id, password_key);
    let plaintext = padded_json(payload);
    let envelope = match signer {
        None => envelope::seal(&keys.content_key, id.as_str(), header, &plaintext),
        Some(public_key) => {
            envelope::seal_to_sign(&keys.content_key, id.as_str(), header, public_key, &plaintext)
        }
    };
    SealedShare {
        envelope: envelope.to_bytes(),
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
