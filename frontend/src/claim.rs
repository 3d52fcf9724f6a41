//! Reading a share: its public status (with the signer the server names), then the claim,
//! which consumes one view, checks the signature and opens the envelope and its files' metadata
//! (docs/envelope.md, "Verifying"). Nothing of a share is returned unless every check passed.

use coffer_shared::api::ErrorCode;
use coffer_shared::token::{AccessToken, StatusToken};
use std::fmt;

use coffer_shared::api::{ClaimRequest, ShareSigner, StoredFile};
use coffer_shared::b64;
use coffer_shared::crypto::Key32;
use coffer_shared::crypto::envelope::{Envelope, Header, PasswordParams};
use coffer_shared::crypto::file_meta::{FileMeta, share_file_key};
use coffer_shared::crypto::identity::fingerprint_text;
use coffer_shared::crypto::share::{ShareKeys, ShareOpenError, SharePayload, status_token};
use coffer_shared::crypto::signature::SignedFile;
use coffer_shared::id::ShareId;

use crate::api::{self, ApiError};
use crate::files::download;
use crate::kdf;
use crate::share::Phase;

/// A share's public status, with its header checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    /// Views left.
    pub views_left: u32,
    /// Unix seconds.
    pub expires_at: u64,
    /// Wrong claims left before the server destroys the share.
    pub wrong_claims_left: u32,
    /// The header, or `None` if this browser refuses it (e.g. Argon2id below the floor).
    pub header: Option<Header>,
    /// How many files the share holds.
    pub file_count: u32,
    /// Their plaintext bytes together.
    pub file_bytes: u64,
    /// The account the server says made the share; the claim checks the signature against it.
    pub signer: Option<NamedSigner>,
}

/// The creator the server names for a share: an address it vouches for and a public key the
/// envelope's signature must match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedSigner {
    /// The creator's address.
    pub address: String,
    /// The creator's Ed25519 identity public key.
    pub public_key: [u8; 32],
}

impl NamedSigner {
    /// The status's `signer`; a key that is not 32 bytes of base64url is a bad answer.
    fn from_api(signer: ShareSigner) -> Result<Self, ApiError> {
        let public_key = b64::decode_array(&signer.public_key).map_err(|_| ApiError::BadResponse)?;
        Ok(Self { address: signer.address, public_key })
    }
}

/// Reads a share's status with its status token (derived from `K`) or its management token.
pub async fn status(id: &ShareId, token: &Key32) -> Result<Status, ApiError> {
    let status = api::share_status(id, token.to_b64()).await?;
    let header = b64::decode(&status.header)
        .ok()
        .and_then(|bytes| Header::parse(&bytes).ok())
        .map(|(header, _)| header);
    Ok(Status {
        views_left: status.views_left,
        expires_at: status.expires_at,
        wrong_claims_left: status.wrong_claims_left,
        header,
        file_count: status.file_count,
        file_bytes: status.file_bytes,
        signer: status.signer.map(NamedSigner::from_api).transpose()?,
    })
}

/// A secret that was claimed and opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revealed {
    /// The decrypted payload; zeroized on drop.
    pub payload: SharePayload,
    /// Views left after this one.
    pub views_left: u32,
    /// The share's files, their metadata opened, in the sealed order.
    pub files: Vec<SharedFile>,
    /// The claim's token for downloading them.
    pub download_token: Option<String>,
    /// Who signed it, as the page states it.
    pub signed: Signed,
}

/// Who signed a revealed share (docs/envelope.md, "Verifying"), stated only after the signature
/// verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Signed {
    /// An anonymous share, and the server names no signer.
    Not,
    /// Signed with the key of the account the server names.
    By {
        /// The address the server names.
        address: String,
        /// The verified key's fingerprint.
        fingerprint: String,
    },
    /// Signed, but the server names no account (it was deleted, or the server withholds it).
    Unknown {
        /// The verified key's fingerprint.
        fingerprint: String,
    },
}

/// A file of a revealed share: what the server stores, its key and its opened metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedFile {
    /// Id, sizes and sealed metadata, as the server gave them.
    pub stored: StoredFile,
    /// `file_key`, derived from the link's key (and password).
    pub key: Key32,
    /// Name, type, size and hash.
    pub meta: FileMeta,
}

/// Why revealing failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClaimError {
    /// The share is missing, expired or used up.
    Gone,
    /// The server refused the access token: a wrong password (or a damaged link).
    WrongToken {
        /// Attempts left; 0 means the server just destroyed the share.
        left: u32,
        /// Whether the share has a password.
        has_password: bool,
    },
    /// The claim succeeded (and used a view) but the envelope did not open. Final: pressing
    /// Reveal again would only use more views.
    Undecryptable {
        /// Views left after the one this claim used.
        views_left: u32,
    },
    /// The claim succeeded but the signature is wrong, missing, or by another key than the
    /// named creator's: the share was altered and nothing of it is shown. Final.
    Tampered,
    /// Any other failure.
    Api(ApiError),
}

impl fmt::Display for ClaimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClaimError::Gone => {
                f.write_str("This secret does not exist, has expired, or was already viewed.")
            }
            ClaimError::WrongToken { left: 0, .. } => {
                f.write_str("Wrong password, and that was the last attempt: the secret has been destroyed.")
            }
            ClaimError::WrongToken { left, has_password: true } => write!(
                f,
                "Wrong password. {} left before the secret is destroyed.",
                crate::format::plural(u64::from(*left), "attempt")
            ),
            ClaimError::WrongToken { left, .. } => write!(
                f,
                "The server refused this link's key. {} left before the secret is destroyed.",
                crate::format::plural(u64::from(*left), "attempt")
            ),
            ClaimError::Undecryptable { views_left } => {
                f.write_str(
                    "The secret could not be decrypted. The link may be damaged or the share was altered.",
                )?;
                match views_left {
                    0 => Ok(()),
                    1 => f.write_str(" 1 view remains, but this link cannot open it."),
                    n => write!(f, " {n} views remain, but this link cannot open them."),
                }
            }
            ClaimError::Tampered => f.write_str(
                "This share was altered after it was made: its signature does not match its \
                 contents or its creator. Nothing of it is shown.",
            ),
            ClaimError::Api(error) => error.fmt(f),
        }
    }
}

/// Derives the keys, claims one view and opens the envelope, after checking its signature
/// against `named`, the signer the status named. The only call that consumes a view.
pub async fn claim(
    id: &ShareId,
    share_key: &Key32,
    password: Option<(&str, &PasswordParams)>,
    named: Option<&NamedSigner>,
    phase: impl Fn(Phase),
) -> Result<Revealed, ClaimError> {
    let password_key = match password {
        Some((password, params)) => {
            phase(Phase::Strengthening);
            Some(kdf::password_key(password, params).await)
        }
        None => None,
    };
    phase(Phase::Working);
    let keys = ShareKeys::derive(share_key, id, password_key.as_ref());
    let request = ClaimRequest {
        status_token: StatusToken::from_key(&status_token(share_key, id)),
        access_token: AccessToken::from_key(&keys.access_token),
    };
    let response = api::claim_share(id, &request).await.map_err(|error| {
        match (error.code(), error.wrong_claims_left()) {
            (ErrorCode::NotFound, _) => ClaimError::Gone,
            (ErrorCode::WrongToken, Some(left)) => {
                ClaimError::WrongToken { left, has_password: password.is_some() }
            }
            _ => ClaimError::Api(error),
        }
    })?;
    let views_left = response.views_left;
    let undecryptable = ClaimError::Undecryptable { views_left };
    let envelope = b64::decode(&response.envelope)
        .ok()
        .and_then(|bytes| Envelope::parse(&bytes).ok())
        .ok_or(undecryptable.clone())?;
    let metadata = response
        .files
        .iter()
        .map(|file| b64::decode(&file.metadata).map(|bytes| (file.id.to_string(), bytes)))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| undecryptable.clone())?;
    let listed: Vec<SignedFile<'_>> =
        metadata.iter().map(|(id, metadata)| SignedFile { id, metadata }).collect();
    let opened =
        keys.open_share(id, &envelope, &listed, named.map(|named| &named.public_key)).map_err(|error| {
            match error {
                ShareOpenError::Signature(_) => ClaimError::Tampered,
                ShareOpenError::Open(_) => undecryptable.clone(),
            }
        })?;
    let signed = match (opened.signer, named) {
        (None, _) => Signed::Not,
        (Some(key), Some(named)) => {
            Signed::By { address: named.address.clone(), fingerprint: fingerprint_text(&key) }
        }
        (Some(key), None) => Signed::Unknown { fingerprint: fingerprint_text(&key) },
    };
    let files = open_files(id, share_key, password_key.as_ref(), response.files).ok_or(undecryptable)?;
    Ok(Revealed {
        payload: opened.payload,
        views_left,
        files,
        download_token: response.download_token.map(|token| token.as_str().to_owned()),
        signed,
    })
}

/// Derives each file's key and opens its metadata (the list was checked against the sealed
/// payload by [`ShareKeys::open_share`]). `None` unless every metadata envelope opens.
fn open_files(
    id: &ShareId,
    share_key: &Key32,
    password_key: Option<&Key32>,
    listed: Vec<StoredFile>,
) -> Option<Vec<SharedFile>> {
    listed
        .into_iter()
        .map(|stored| {
            let key = share_file_key(share_key, id, password_key, &stored.id);
            let meta = download::open_metadata(&stored, &key).ok()?;
            Some(SharedFile { stored, key, meta })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_named_signer_needs_a_32_byte_key_and_a_tampered_claim_says_so() {
        let signer = |public_key: String| ShareSigner { address: "a@example.org".into(), public_key };
        let named = NamedSigner::from_api(signer(b64::encode([7u8; 32]))).unwrap();
        assert_eq!(named, NamedSigner { address: "a@example.org".into(), public_key: [7; 32] });
        assert_eq!(NamedSigner::from_api(signer(b64::encode([7u8; 31]))), Err(ApiError::BadResponse));
        assert_eq!(NamedSigner::from_api(signer("not base64!".into())), Err(ApiError::BadResponse));
        assert!(ClaimError::Tampered.to_string().starts_with("This share was altered after it was made"));
    }

    #[test]
    fn an_undecryptable_claim_says_how_many_views_it_cannot_open() {
        assert!(
            ClaimError::Undecryptable { views_left: 2 }
                .to_string()
                .ends_with(" 2 views remain, but this link cannot open them.")
        );
        assert!(ClaimError::Undecryptable { views_left: 0 }.to_string().ends_with("the share was altered."));
    }
}
