//! Checks of what a browser uploads at sign-up and at a passphrase change: KDF inputs within the
//! accepted range, a 32-byte proof, wrapped keys that parse as envelopes of their kind, and a
//! valid Ed25519 public key. The server cannot open the wrapped keys; it can refuse garbage.

use coffer_shared::api::{AccountKeysUpload, KdfInputs};
use coffer_shared::b64;
use coffer_shared::crypto::Key32;
use coffer_shared::crypto::envelope::{Envelope, Kind, NONCE_LEN, TAG_LEN};
use coffer_shared::crypto::identity::is_public_key;
use coffer_shared::crypto::kdf::{KdfParams, SALT_LEN};
use coffer_shared::crypto::server::auth_verifier;

use crate::http::error::ApiError;
use crate::store::Credentials;

/// The size of a wrapped key's envelope: header (19 bytes), 32-byte key, tag.
const WRAPPED_LEN: usize = 7 + NONCE_LEN + 32 + TAG_LEN;

/// Reads a base64url `auth_proof` (`field` names it in the error).
pub fn proof(field: &str, text: &str) -> Result<Key32, ApiError> {
    Key32::from_b64(text)
        .map_err(|_| ApiError::invalid("invalid_token", format!("{field}: must be base64url of 32 bytes")))
}

/// Checks KDF inputs: parameters within the floor and ceiling, a 16-byte salt.
pub fn kdf(inputs: &KdfInputs) -> Result<(KdfParams, [u8; SALT_LEN]), ApiError> {
    let params = KdfParams::new(inputs.m, inputs.t, inputs.p)
        .map_err(|error| ApiError::invalid("invalid_kdf", format!("kdf: {error}")))?;
    let salt = b64::decode(&inputs.kdf_salt)
        .ok()
        .and_then(|bytes| <[u8; SALT_LEN]>::try_from(bytes).ok())
        .ok_or_else(|| ApiError::invalid("invalid_kdf", "kdf.kdf_salt: must be base64url of 16 bytes"))?;
    Ok((params, salt))
}

/// Checks a wrapped key: a v1 envelope of `kind`, without flags, holding exactly 32 bytes.
fn wrapped(field: &str, text: &str, kind: Kind) -> Result<Vec<u8>, ApiError> {
    let refuse = || ApiError::invalid("invalid_envelope", format!("{field}: not a v1 {kind:?} envelope"));
    let bytes = b64::decode(text).map_err(|_| refuse())?;
    let envelope = Envelope::parse(&bytes).map_err(|_| refuse())?;
    let plain = envelope.header.password.is_none() && !envelope.header.signed;
    if envelope.header.kind != kind || !plain || bytes.len() != WRAPPED_LEN {
        return Err(refuse());
    }
    Ok(bytes)
}

/// Turns an upload into the credentials the server stores (the proof becomes its verifier).
pub fn credentials(server_secret: &Key32, upload: &AccountKeysUpload) -> Result<Credentials, ApiError> {
    let (params, kdf_salt) = kdf(&upload.kdf)?;
    let auth_proof = proof("keys.auth_proof", &upload.auth_proof)?;
    Ok(Credentials {
        m: params.m_kib(),
        t: params.t(),
        p: params.p(),
        kdf_salt,
        verifier: auth_verifier(server_secret, &auth_proof),
        wrapped_vault_key: wrapped(
            "keys.wrapped_vault_key",
            &upload.wrapped_vault_key,
            Kind::WrappedVaultKey,
        )?,
        wrapped_identity_key: wrapped(
            "keys.wrapped_identity_key",
            &upload.wrapped_identity_key,
            Kind::WrappedIdentityKey,
        )?,
    })
}

/// Checks an Ed25519 public key: 32 bytes that decode to a curve point.
pub fn public_key(text: &str) -> Result<[u8; 32], ApiError> {
    b64::decode(text)
        .ok()
        .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
        .filter(is_public_key)
        .ok_or_else(|| ApiError::invalid("invalid_public_key", "public_key: not an Ed25519 public key"))
}
