//! The share operations the pages run, gluing `coffer_shared::crypto` to the [`api`] client:
//! seal and send a new share, read a share's status, claim and open it, destroy it.
//!
//! What leaves the browser is only what docs/envelope.md allows: the id, the envelope and the
//! tokens. `K`, the password, the password key and the plaintext stay here.

use std::fmt;

use coffer_shared::api::{ClaimRequest, CreateShareRequest, ShareSigner, StoredFile};
use coffer_shared::b64;
use coffer_shared::crypto::envelope::{Envelope, Header, Kind, PasswordParams};
use coffer_shared::crypto::file_meta::{FileMeta, share_file_key};
use coffer_shared::crypto::identity::fingerprint_text;
use coffer_shared::crypto::kdf::KdfParams;
use coffer_shared::crypto::share::{
    SealedShare, ShareKeys, ShareOpenError, SharePayload, seal_to_sign, seal_with_header, status_token,
};
use coffer_shared::crypto::signature::SignedFile;
use coffer_shared::crypto::{Key32, random_array};
use coffer_shared::id::ShareId;
use zeroize::Zeroize;

use crate::api::{self, ApiError};
use crate::files::download;
use crate::signer::{AccountSigner, SignFailure};
use crate::{kdf, link};

/// What a long operation is doing now, for the page to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Argon2id is strengthening the password.
    Strengthening,
    /// Talking to the server (and encrypting or decrypting, which is quick).
    Working,
}

/// The create form's values. The text and password are wiped when this is dropped.
pub struct NewShare {
    /// The secret.
    pub text: String,
    /// The password; empty for none.
    pub password: String,
    /// Blur the secret until the reader clicks it.
    pub blur: bool,
    /// Lifetime in seconds, one of the server's options.
    pub expires_in: u64,
    /// View limit.
    pub max_views: u32,
    /// Mail the signed-in creator at each opening (ignored for anonymous shares).
    pub read_receipt: bool,
}

impl Drop for NewShare {
    fn drop(&mut self) {
        self.text.zeroize();
        self.password.zeroize();
    }
}

/// A created share, as the creator sees it. The links hold keys: they are wiped on drop and
/// `Debug` does not print them.
#[derive(PartialEq, Eq)]
pub struct Created {
    /// `/s/<id>#<K>`.
    pub link: String,
    /// `/m/<id>#<manage_token>`.
    pub manage_link: String,
    /// Unix seconds.
    pub expires_at: u64,
    /// The view limit the server recorded.
    pub max_views: u32,
    /// The share needs a password as well as the link.
    pub has_password: bool,
}

impl fmt::Debug for Created {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Created")
            .field("link", &"[redacted]")
            .field("manage_link", &"[redacted]")
            .field("expires_at", &self.expires_at)
            .field("max_views", &self.max_views)
            .field("has_password", &self.has_password)
            .finish()
    }
}

impl Drop for Created {
    fn drop(&mut self) {
        self.link.zeroize();
        self.manage_link.zeroize();
    }
}

/// Why creating failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CreateError {
    /// The sealed envelope is larger than the server accepts.
    TooLarge {
        /// Envelope bytes.
        size: usize,
        /// The server's limit.
        limit: usize,
    },
    /// The account it was being signed for is no longer unlocked.
    Sign(SignFailure),
    /// The server refused or could not be reached.
    Api(ApiError),
}

impl fmt::Display for CreateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CreateError::TooLarge { size, limit } => write!(
                f,
                "The secret is too large: {} KiB once encrypted, this server accepts up to {} KiB.",
                size.div_ceil(1024),
                limit / 1024
            ),
            CreateError::Sign(failure) => failure.fmt(f),
            CreateError::Api(error) => error.fmt(f),
        }
    }
}

/// For a new share with a password: fresh Argon2id parameters (the defaults and a random salt)
/// and the password key; `None` without a password.
pub async fn strengthen(password: &str, phase: &impl Fn(Phase)) -> Option<(PasswordParams, Key32)> {
    if password.is_empty() {
        return None;
    }
    let params = PasswordParams { kdf: KdfParams::DEFAULT, salt: random_array() };
    phase(Phase::Strengthening);
    Some((params, kdf::password_key(password, &params).await))
}

/// How many fresh ids to try when the server says an id is taken (128-bit random ids: never).
const ID_ATTEMPTS: usize = 3;

/// Seals `input` in the browser and stores the envelope and tokens on the server. With a
/// `signer` (an unlocked account) the share is signed and belongs to the account; without one
/// it is anonymous and unsigned.
pub async fn create(
    input: &NewShare,
    signer: Option<&AccountSigner>,
    max_envelope_bytes: usize,
    phase: impl Fn(Phase),
) -> Result<Created, CreateError> {
    let csrf = signer.map(AccountSigner::csrf);
    let share_key = Key32::random();
    let manage_token = Key32::random();
    let password = strengthen(&input.password, &phase).await;
    phase(Phase::Working);
    let payload = SharePayload { text: input.text.clone(), blur: input.blur, files: Vec::new() };
    let mut attempt = 0;
    loop {
        attempt += 1;
        // The id is bound into the envelope, so a new id means sealing again.
        let id = ShareId::random();
        let header = Header::new(Kind::ShareText, password.as_ref().map(|(params, _)| *params));
        let password_key = password.as_ref().map(|(_, key)| key);
        let sealed = match signer {
            None => seal_with_header(&share_key, &id, &payload, header, password_key),
            Some(signer) => {
                let sealed =
                    seal_to_sign(&share_key, &id, &payload, header, password_key, signer.public_key());
                let envelope = signer.sign(&id, &sealed.envelope, &[]).map_err(CreateError::Sign)?;
                SealedShare { envelope, ..sealed }
            }
        };
        if sealed.envelope.len() > max_envelope_bytes {
            return Err(CreateError::TooLarge { size: sealed.envelope.len(), limit: max_envelope_bytes });
        }
        let request = CreateShareRequest {
            id: id.clone(),
            envelope: b64::encode(&sealed.envelope),
            access_token: sealed.access_token.to_b64(),
            status_token: sealed.status_token.to_b64(),
            manage_token: manage_token.to_b64(),
            expires_in: input.expires_in,
            max_views: input.max_views,
            read_receipt: input.read_receipt && csrf.is_some(),
            files: Vec::new(),
        };
        match api::create_share(&request, csrf).await {
            Ok(response) => {
                return Ok(Created {
                    link: link::share_link(&id, &share_key),
                    manage_link: link::manage_link(&id, &manage_token),
                    expires_at: response.expires_at,
                    max_views: response.max_views,
                    has_password: password.is_some(),
                });
            }
            Err(error) if error.is_id_taken() && attempt < ID_ATTEMPTS => continue,
            Err(error) => return Err(CreateError::Api(error)),
        }
    }
}

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
        status_token: status_token(share_key, id).to_b64(),
        access_token: keys.access_token.to_b64(),
    };
    let response = api::claim_share(id, &request).await.map_err(|error| {
        match (error.code(), error.wrong_claims_left()) {
            ("not_found", _) => ClaimError::Gone,
            ("wrong_token", Some(left)) => ClaimError::WrongToken { left, has_password: password.is_some() },
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
        download_token: response.download_token,
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

/// Destroys a share with its management token.
pub async fn destroy(id: &ShareId, manage_token: &Key32) -> Result<(), ApiError> {
    api::destroy_share(id, manage_token.to_b64()).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_of_a_created_share_prints_neither_link() {
        let (link, manage_link) = ("https://c.example/s/id#KEY".to_owned(), "/m/id#TOKEN".to_owned());
        let created = Created { link, manage_link, expires_at: 1, max_views: 1, has_password: false };
        let printed = format!("{created:?}");
        assert!(!printed.contains("KEY") && !printed.contains("TOKEN"), "{printed}");
        assert!(printed.contains(r#"link: "[redacted]""#), "{printed}");
    }

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
