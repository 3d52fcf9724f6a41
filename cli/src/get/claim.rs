//! Reading a share: its status (what the link may know without using a view), then the claim,
//! which uses one view, checks the signature against the creator the server names and opens
//! the envelope and its files' metadata (docs/envelope.md, "Verifying"). Nothing of a share is
//! returned unless every check passed.

use coffer_shared::api::ErrorCode;
use coffer_shared::api::paths;
use coffer_shared::api::{ClaimRequest, ClaimResponse, ShareStatus, StoredFile, TokenRequest};
use coffer_shared::b64;
use coffer_shared::crypto::Key32;
use coffer_shared::crypto::envelope::{Envelope, Header};
use coffer_shared::crypto::file_meta::{FileMeta, share_file_key};
use coffer_shared::crypto::identity::fingerprint_text;
use coffer_shared::crypto::share::{ShareKeys, ShareOpenError, SharePayload, status_token};
use coffer_shared::crypto::signature::SignedFile;
use coffer_shared::id::ShareId;
use coffer_shared::token::Token;
use serde::Serialize;

use super::download::open_metadata;
use crate::exit::{Failure, Kind, Outcome};
use crate::http::{Client, HttpError};

/// A share's status with its header checked.
pub struct Status {
    /// What the server said.
    pub raw: ShareStatus,
    /// The envelope's header (kind, password parameters).
    pub header: Header,
    /// The creator the server names: address and public key.
    pub signer: Option<(String, [u8; 32])>,
}

/// Reads the status with the status token derived from `K` (or the management token).
pub async fn status(client: &Client, id: &ShareId, token: &Key32) -> Outcome<Status> {
    let request = TokenRequest { token: Token::from_key(token) };
    let raw: ShareStatus = client.post(&paths::share_status(id), &request).await.map_err(gone)?;
    let header = b64::decode(&raw.header)
        .ok()
        .and_then(|bytes| Header::parse(&bytes).ok())
        .map(|(header, _)| header)
        .ok_or_else(|| {
            Failure::new(
                Kind::Tampered,
                "This share's header is damaged, or asks for a password protection weaker (or costlier) than this client accepts.",
            )
        })?;
    let signer = match &raw.signer {
        Some(signer) => {
            let key = b64::decode_array(&signer.public_key).map_err(|_| {
                Failure::new(Kind::Network, "The server named the share's creator with a damaged key.")
            })?;
            // An address is at most 254 characters; anything else it carries is the server's.
            Some((crate::text::one_line(&signer.address, 254), key))
        }
        None => None,
    };
    Ok(Status { raw, header, signer })
}

/// Who signed a revealed share, stated only after the signature verified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "signed", rename_all = "snake_case")]
pub enum Signed {
    /// An anonymous share, and the server names no signer.
    No,
    /// Signed with the key of the account the server names.
    By {
        /// The address the server names.
        address: String,
        /// The verified key's fingerprint, to compare out of band.
        fingerprint: String,
    },
    /// Signed, but the server names no account (it was deleted).
    Unknown {
        /// The verified key's fingerprint.
        fingerprint: String,
    },
}

/// A file of a revealed share: what the server stores, its key and its opened metadata.
pub struct SharedFile {
    /// Id, sizes and sealed metadata, as the server gave them.
    pub stored: StoredFile,
    /// Its key, derived from the link's key (and password).
    pub key: Key32,
    /// Name, type, size and hash.
    pub meta: FileMeta,
}

/// A claimed and opened share.
pub struct Revealed {
    /// The decrypted payload; wiped on drop.
    pub payload: SharePayload,
    /// Views left after this one.
    pub views_left: u32,
    /// The files, in the sealed order.
    pub files: Vec<SharedFile>,
    /// The claim's token for downloading them.
    pub download_token: Option<String>,
    /// Who signed it.
    pub signed: Signed,
}

/// Claims one view and opens the share. The only call that uses a view.
pub async fn claim(
    client: &Client,
    id: &ShareId,
    share_key: &Key32,
    password_key: Option<&Key32>,
    status: &Status,
) -> Outcome<Revealed> {
    let keys = ShareKeys::derive(share_key, id, password_key);
    let request = ClaimRequest {
        status_token: Token::from_key(&status_token(share_key, id)),
        access_token: Token::from_key(&keys.access_token),
    };
    let response: ClaimResponse =
        client.post(&paths::share_claim(id), &request).await.map_err(|error| match error {
            HttpError::Server { code: ErrorCode::WrongToken, wrong_claims_left: Some(left), .. } => {
                wrong_password(left, status.header.password.is_some())
            }
            error => gone(error),
        })?;
    let views_left = response.views_left;
    let undecryptable = || {
        Failure::new(
            Kind::Tampered,
            format!(
                "The share could not be decrypted: the link is damaged or the share was altered ({views_left} views left)."
            ),
        )
    };
    let envelope = b64::decode(&response.envelope)
        .ok()
        .and_then(|bytes| Envelope::parse(&bytes).ok())
        .ok_or_else(undecryptable)?;
    let metadata = response
        .files
        .iter()
        .map(|file| b64::decode(&file.metadata).map(|bytes| (file.id.to_string(), bytes)))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| undecryptable())?;
    let listed: Vec<SignedFile<'_>> =
        metadata.iter().map(|(id, metadata)| SignedFile { id, metadata }).collect();
    let named = status.signer.as_ref().map(|(_, key)| key);
    let opened = keys.open_share(id, &envelope, &listed, named).map_err(|error| match error {
        ShareOpenError::Signature(_) => Failure::new(
            Kind::Tampered,
            "This share was altered after it was made: its signature does not match its contents or its creator. Nothing of it is shown.",
        ),
        ShareOpenError::Open(_) => undecryptable(),
    })?;
    let signed = match (opened.signer, &status.signer) {
        (None, _) => Signed::No,
        (Some(key), Some((address, _))) => {
            Signed::By { address: address.clone(), fingerprint: fingerprint_text(&key) }
        }
        (Some(key), None) => Signed::Unknown { fingerprint: fingerprint_text(&key) },
    };
    let files = response
        .files
        .into_iter()
        .map(|stored| {
            let key = share_file_key(share_key, id, password_key, &stored.id);
            let meta = open_metadata(&stored, &key)?;
            Ok(SharedFile { stored, key, meta })
        })
        .collect::<Outcome<Vec<_>>>()?;
    Ok(Revealed {
        payload: opened.payload,
        views_left,
        files,
        download_token: response.download_token.map(|token| token.as_str().to_owned()),
        signed,
    })
}

/// A wrong access token: a wrong password, or a damaged link when there is none.
fn wrong_password(left: u32, has_password: bool) -> Failure {
    let what = if has_password { "Wrong password." } else { "The server refused this link's key." };
    let message = match left {
        0 => format!("{what} That was the last attempt: the share has been destroyed."),
        1 => format!("{what} 1 attempt left before the share is destroyed."),
        left => format!("{what} {left} attempts left before the share is destroyed."),
    };
    Failure::new(Kind::WrongPassword, message)
}

/// `not_found` in the words a reader needs; anything else as the server said it.
fn gone(error: HttpError) -> Failure {
    if error.code() == ErrorCode::NotFound {
        Failure::new(Kind::NotFound, "This share does not exist, has expired, or was already viewed.")
    } else {
        error.into()
    }
}
