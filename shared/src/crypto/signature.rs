//! Sender signatures on shares (docs/envelope.md, "Signatures"):
//!
//! ```text
//! signed_message = "coffer/v1/signature" || u8(len(id)) || id || header || ciphertext
//!                  || u32be(n) || file_1 || ... || file_n
//! file_i         = u8(len(file_id_i)) || file_id_i || u32be(len(metadata_i)) || metadata_i
//! signature      = Ed25519-Sign(identity_seed, signed_message)
//! trailer        = public_key || signature
//! ```
//!
//! The files are the share's, in the order of the payload's `files` list, each with the whole
//! bytes of its `file-metadata` envelope. Verification is RFC 8032 with ed25519-dalek's strict
//! checks (no small-order or non-canonical keys, no malleable signatures).
//!
//! Unlike a failed decryption, a failed signature check needs no key and reveals nothing, so it
//! is reported apart ([`SignatureError`]): the page can say plainly that the share was altered.

use ed25519_dalek::{Signature, VerifyingKey};

use super::envelope::{Envelope, labelled_with_id};
use super::identity::IdentityKey;

/// The label that starts the signed message.
pub const SIGNATURE_LABEL: &[u8] = b"coffer/v1/signature";

/// A file of a share as the signature covers it: its id and its metadata envelope's bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignedFile<'a> {
    /// The file id (22 ASCII characters).
    pub id: &'a str,
    /// The whole `file-metadata` envelope, as uploaded and as the claim lists it.
    pub metadata: &'a [u8],
}

/// Why a share's signature was refused. Every case means the share was altered (or its
/// creator's browser is broken); none depends on a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// The envelope is signed with another key than the one the server names for its creator.
    #[error("the share is signed with another key than its creator's")]
    KeyMismatch,
    /// The server names a signer but the envelope is not signed.
    #[error("the share should be signed and is not")]
    Missing,
    /// The signature does not verify over the envelope, its id and its files.
    #[error("the share's signature does not verify")]
    Invalid,
}

/// Why an envelope could not be signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignError {
    /// It was not sealed to be signed by this key (no `SIGNED` flag, or another public key in
    /// its trailer and therefore in its additional data).
    #[error("the envelope was not sealed for this identity key")]
    NotSealedForKey,
}

/// `signed_message`, over the envelope's header and ciphertext and the listed files.
///
/// # Panics
///
/// If there are more than 2^32 - 1 files or a metadata envelope of 4 GiB or more (a share has
/// at most 100 files of at most 4 KiB of metadata each), or an id longer than 255 bytes.
pub fn signed_message(id: &str, envelope: &Envelope, files: &[SignedFile<'_>]) -> Vec<u8> {
    let mut message = labelled_with_id(SIGNATURE_LABEL, id);
    message.extend_from_slice(&envelope.header.to_bytes());
    message.extend_from_slice(&envelope.ciphertext);
    message.extend_from_slice(&length_u32(files.len()).to_be_bytes());
    for file in files {
        let id_len = u8::try_from(file.id.len()).unwrap_or_else(|_| panic!("file ids are at most 255 bytes"));
        message.push(id_len);
        message.extend_from_slice(file.id.as_bytes());
        message.extend_from_slice(&length_u32(file.metadata.len()).to_be_bytes());
        message.extend_from_slice(file.metadata);
    }
    message
}

fn length_u32(len: usize) -> u32 {
    u32::try_from(len).unwrap_or_else(|_| panic!("a signed length must fit in 32 bits"))
}

/// Signs an envelope sealed with [`super::envelope::seal_to_sign`] for `identity`, over the
/// share id and its files in the payload's order, and writes the signature into its trailer.
pub fn sign(
    identity: &IdentityKey,
    id: &str,
    envelope: &mut Envelope,
    files: &[SignedFile<'_>],
) -> Result<(), SignError> {
    let public_key = identity.public_key();
    if !envelope.header.signed || envelope.trailer.as_ref().map(|t| t.public_key) != Some(public_key) {
        return Err(SignError::NotSealedForKey);
    }
    let signature = identity.sign(&signed_message(id, envelope, files));
    if let Some(trailer) = envelope.trailer.as_mut() {
        trailer.signature = signature;
    }
    Ok(())
}

/// Checks a claimed share's signature against the files the claim lists and the signer the
/// server names (`named`), as a reader MUST before showing anything of it:
///
/// - signed, and a signer is named: the trailer's key MUST be the named one;
/// - signed: the signature MUST verify (strictly) over the id, the envelope and the files;
/// - not signed: no signer may be named.
///
/// Returns the verified signer's public key, or `None` for an unsigned share.
pub fn verify(
    id: &str,
    envelope: &Envelope,
    files: &[SignedFile<'_>],
    named: Option<&[u8; 32]>,
) -> Result<Option<[u8; 32]>, SignatureError> {
    let Some(trailer) = envelope.trailer.as_ref().filter(|_| envelope.header.signed) else {
        return match named {
            Some(_) => Err(SignatureError::Missing),
            None => Ok(None),
        };
    };
    if named.is_some_and(|named| *named != trailer.public_key) {
        return Err(SignatureError::KeyMismatch);
    }
    let key = VerifyingKey::from_bytes(&trailer.public_key).map_err(|_| SignatureError::Invalid)?;
    let signature = Signature::from_bytes(&trailer.signature);
    key.verify_strict(&signed_message(id, envelope, files), &signature)
        .map_err(|_| SignatureError::Invalid)?;
    Ok(Some(trailer.public_key))
}
