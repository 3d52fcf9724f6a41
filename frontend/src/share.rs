//! The share operations of a share's creator, gluing `coffer_shared::crypto` to the [`api`]
//! client: seal (and sign, when signed in) and send a new share, destroy it. Reading one is
//! [`crate::claim`].
//!
//! What leaves the browser is only what docs/envelope.md allows: the id, the envelope and the
//! tokens. `K`, the password, the password key and the plaintext stay here.

use coffer_shared::token::{AccessToken, ManageToken, StatusToken};
use std::fmt;

use coffer_shared::api::CreateShareRequest;
use coffer_shared::b64;
use coffer_shared::crypto::envelope::{Header, Kind, PasswordParams};
use coffer_shared::crypto::kdf::KdfParams;
use coffer_shared::crypto::share::{SealedShare, SharePayload, manage_token, seal_to_sign, seal_with_header};
use coffer_shared::crypto::{Key32, random_array};
use coffer_shared::id::ShareId;
use zeroize::{Zeroize, Zeroizing};

use crate::api::{self, ApiError};
use crate::signer::{About, AccountSigner, SignFailure};
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
    /// The signed-in creator's name for the share, sealed in its note (ignored for anonymous
    /// shares).
    pub label: String,
}

impl Drop for NewShare {
    fn drop(&mut self) {
        self.text.zeroize();
        self.password.zeroize();
        self.label.zeroize();
    }
}

/// A created share, as the creator sees it. The links hold keys: they are wiped on drop and
/// `Debug` does not print them.
#[derive(PartialEq, Eq)]
pub struct Created {
    /// `/s/<id>#<K>`.
    pub link: String,
    /// `/m/<id>#<b64u(m)>`: the management secret, whose hash is the token the server knows.
    pub manage_link: String,
    /// Unix seconds.
    pub expires_at: u64,
    /// The view limit the server recorded.
    pub max_views: u32,
    /// The share needs a password as well as the link.
    pub has_password: bool,
    /// Its label and link were sealed into a note: My shares can give the link again.
    pub kept: bool,
}

impl fmt::Debug for Created {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Created")
            .field("link", &"[redacted]")
            .field("manage_link", &"[redacted]")
            .field("expires_at", &self.expires_at)
            .field("max_views", &self.max_views)
            .field("has_password", &self.has_password)
            .field("kept", &self.kept)
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
                "The secret is too large: {} once encrypted, and this server takes up to {}.",
                crate::files::progress::size_text(*size as u64),
                crate::files::progress::size_text(*limit as u64)
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
    // The link keeps the secret; the server is sent only its labelled hash.
    let manage_secret = Key32::random();
    let manage_token = manage_token(&manage_secret);
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
        let link = Zeroizing::new(link::share_link(&id, &share_key));
        let about = About { label: &input.label, files: 0, password: password.is_some() };
        let notes = match signer {
            Some(signer) => Some(signer.seal_notes(&id, &about, &link).map_err(CreateError::Sign)?),
            None => None,
        };
        let request = CreateShareRequest {
            id: id.clone(),
            envelope: b64::encode(&sealed.envelope),
            access_token: AccessToken::from_key(&sealed.access_token),
            status_token: StatusToken::from_key(&sealed.status_token),
            manage_token: ManageToken::from_key(&manage_token),
            expires_in: input.expires_in,
            max_views: input.max_views,
            read_receipt: input.read_receipt && csrf.is_some(),
            files: Vec::new(),
            note: notes.as_ref().map(|notes| notes.note.clone()),
            link: notes.map(|notes| notes.link),
        };
        match api::create_share(&request, csrf).await {
            Ok(response) => {
                return Ok(Created {
                    link: link.to_string(),
                    manage_link: link::manage_link(&id, &manage_secret),
                    expires_at: response.expires_at,
                    max_views: response.max_views,
                    has_password: password.is_some(),
                    kept: signer.is_some(),
                });
            }
            Err(error) if error.is_id_taken() && attempt < ID_ATTEMPTS => continue,
            Err(error) => return Err(CreateError::Api(error)),
        }
    }
}

/// Destroys a share with its management token (the hash of the link's secret, never the secret).
pub async fn destroy(id: &ShareId, manage_token: &Key32) -> Result<(), ApiError> {
    api::destroy_share(id, manage_token.to_b64()).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_of_a_created_share_prints_neither_link() {
        let (link, manage_link) = ("https://c.example/s/id#KEY".to_owned(), "/m/id#TOKEN".to_owned());
        let created =
            Created { link, manage_link, expires_at: 1, max_views: 1, has_password: false, kept: false };
        let printed = format!("{created:?}");
        assert!(!printed.contains("KEY") && !printed.contains("TOKEN"), "{printed}");
        assert!(printed.contains(r#"link: "[redacted]""#), "{printed}");
    }
}
