//! Signing shares as the unlocked account (docs/envelope.md, "Signatures"). The identity key
//! stays where [`Session`] keeps it: an [`AccountSigner`] holds only the public key and borrows
//! the signing key for the moment it signs.

use std::fmt;

use coffer_shared::b64;
use coffer_shared::crypto::share::sign_sealed;
use coffer_shared::crypto::share_note::{ShareNote, seal_note};
use coffer_shared::crypto::signature::SignedFile;
use coffer_shared::id::ShareId;

use crate::session::Session;

/// The account a share is being made for: the session, its public key and its CSRF token.
#[derive(Debug, Clone)]
pub struct AccountSigner {
    session: Session,
    public_key: [u8; 32],
    csrf: String,
}

/// What a share's label note says: the creator's label, its files and its password.
#[derive(Debug, Clone, Copy)]
pub struct About<'a> {
    /// The creator's name for the share.
    pub label: &'a str,
    /// How many files it holds.
    pub files: u32,
    /// Whether it asks for a password.
    pub password: bool,
}

/// A share's sealed notes, b64u, as the create request carries them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notes {
    /// The label note, kept with the summary.
    pub note: String,
    /// The link note, deleted when the share ends.
    pub link: String,
}

/// Why a share could not be signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignFailure {
    /// The session ended or another account is signed in since the share was sealed.
    NotTheSigner,
}

impl fmt::Display for SignFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            "This share was prepared while signed in to an account that is no longer unlocked here. \
             Sign in to it again (or discard the unfinished upload) and try again.",
        )
    }
}

impl AccountSigner {
    /// The unlocked account's signer; `None` unless the session's keys are open.
    pub fn current(session: Session) -> Option<Self> {
        session.with_unlocked(|unlocked| Self {
            session,
            public_key: unlocked.public_key,
            csrf: unlocked.csrf_token.as_str().to_owned(),
        })
    }

    /// The identity public key shares are sealed for (bound into their additional data).
    pub fn public_key(&self) -> [u8; 32] {
        self.public_key
    }

    /// The session's CSRF token, sent with the create request.
    pub fn csrf(&self) -> &str {
        &self.csrf
    }

    /// Signs envelope bytes sealed for this key over the share id and its files, with the key
    /// borrowed from the session; fails if that account is no longer unlocked.
    pub fn sign(
        &self,
        id: &ShareId,
        envelope: &[u8],
        files: &[SignedFile<'_>],
    ) -> Result<Vec<u8>, SignFailure> {
        self.session
            .with_unlocked(|unlocked| {
                (unlocked.public_key == self.public_key)
                    .then(|| sign_sealed(&unlocked.identity, id, envelope, files).ok())
                    .flatten()
            })
            .flatten()
            .ok_or(SignFailure::NotTheSigner)
    }

    /// The share's two notes for "My shares", sealed with this account's vault key, b64u
    /// (docs/accounts.md, "Share notes"): its `label`, `files` and `password`, then its reader
    /// `link`. Fails as [`Self::sign`] does.
    pub fn seal_notes(&self, id: &ShareId, about: &About<'_>, link: &str) -> Result<Notes, SignFailure> {
        let label = ShareNote::label(about.label, about.files, about.password);
        let link = ShareNote::link(link);
        self.session
            .with_unlocked(|unlocked| {
                (unlocked.public_key == self.public_key).then(|| Notes {
                    note: b64::encode(seal_note(&unlocked.vault_key, id, &label)),
                    link: b64::encode(seal_note(&unlocked.vault_key, id, &link)),
                })
            })
            .flatten()
            .ok_or(SignFailure::NotTheSigner)
    }
}
