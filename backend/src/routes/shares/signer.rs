//! Signatures at share creation and the `signer` of a share's status (docs/envelope.md,
//! "Signatures"): a share made with a session MUST be signed with the account's identity key, an
//! anonymous one MUST NOT be signed, and the server checks the signature over the envelope and
//! the metadata of the files being attached, so that nothing a reader would refuse is stored.
//! The reader checks again; this is a guard against broken clients, not the security boundary.

use coffer_shared::api::{ErrorCode, ShareSigner};
use coffer_shared::b64;
use coffer_shared::crypto::envelope::Envelope;
use coffer_shared::crypto::signature::{self, SignedFile};
use coffer_shared::id::ShareId;

use crate::http::error::ApiError;
use crate::store::{ShareOwner, SignatureContext};

/// Refuses a signed anonymous share and an unsigned owned one, before anything is stored.
pub fn check_flag(envelope: &Envelope, owned: bool) -> Result<(), ApiError> {
    match (envelope.header.signed, owned) {
        (true, false) => Err(ApiError::invalid(
            ErrorCode::InvalidSignature,
            "envelope: an anonymous share must not be signed",
        )
        .with_field("envelope")),
        (false, true) => Err(ApiError::invalid(
            ErrorCode::InvalidSignature,
            "envelope: a share created while signed in must be signed with the account's identity key",
        )
        .with_field("envelope")),
        _ => Ok(()),
    }
}

/// The refusal when [`verifies`] says no.
pub fn bad_signature() -> ApiError {
    ApiError::invalid(
        ErrorCode::InvalidSignature,
        "envelope: the signature does not verify with the account's identity key over the envelope and its files' metadata").with_field("envelope")
}

/// Whether a signed envelope carries the owner's key and its signature verifies over the id,
/// the envelope and the files' metadata; an unsigned one passes (its flag was checked already).
pub fn verifies(id: &ShareId, envelope: &Envelope, context: &SignatureContext) -> bool {
    if !envelope.header.signed {
        return true;
    }
    let Some(owner_key) = context.owner_public_key else { return false };
    let files: Vec<SignedFile<'_>> =
        context.files.iter().map(|(id, metadata)| SignedFile { id, metadata }).collect();
    signature::verify(id.as_str(), envelope, &files, Some(&owner_key)).is_ok()
}

/// The status's `signer`: the owner's address and public key.
pub fn status_signer(owner: ShareOwner) -> ShareSigner {
    ShareSigner { address: owner.email, public_key: b64::encode(owner.public_key) }
}
