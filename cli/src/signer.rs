//! [`Signer`]: the signed-in account a share is made for (docs/envelope.md, "Signatures"). It
//! signs the envelope with the account's identity key and seals the share's notes for "My
//! shares" with its vault key (docs/accounts.md, "Share notes"). Both keys are wiped on drop.

use coffer_shared::b64;
use coffer_shared::crypto::Key32;
use coffer_shared::crypto::identity::IdentityKey;
use coffer_shared::crypto::share::sign_sealed;
use coffer_shared::crypto::share_note::{ShareNote, seal_note};
use coffer_shared::crypto::signature::SignedFile;
use coffer_shared::id::ShareId;

use crate::exit::{Failure, Kind, Outcome};

/// An unlocked account's signing and sealing keys.
pub struct Signer {
    identity: IdentityKey,
    vault_key: Key32,
}

/// A share's two sealed notes, b64u, as the create request carries them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notes {
    /// The label note, kept with the summary.
    pub note: String,
    /// The link note, deleted when the share ends.
    pub link: String,
}

impl Signer {
    /// The signer of an unlocked account.
    pub fn new(identity: IdentityKey, vault_key: Key32) -> Self {
        Self { identity, vault_key }
    }

    /// The identity public key shares are sealed for.
    pub fn public_key(&self) -> [u8; 32] {
        self.identity.public_key()
    }

    /// Signs envelope bytes sealed for this key over the share id and its files.
    pub fn sign(&self, id: &ShareId, envelope: &[u8], files: &[SignedFile<'_>]) -> Outcome<Vec<u8>> {
        sign_sealed(&self.identity, id, envelope, files)
            .map_err(|_| Failure::new(Kind::Other, "The share could not be signed with this account's key."))
    }

    /// The label note (`label`, file count, password flag) and the link note, sealed with the
    /// vault key.
    pub fn seal_notes(&self, id: &ShareId, label: &str, files: u32, password: bool, link: &str) -> Notes {
        let label = ShareNote::label(label, files, password);
        let link = ShareNote::link(link);
        Notes {
            note: b64::encode(seal_note(&self.vault_key, id, &label)),
            link: b64::encode(seal_note(&self.vault_key, id, &link)),
        }
    }
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer").field("public_key", &b64::encode(self.public_key())).finish_non_exhaustive()
    }
}
