//! Checks of what a browser uploads at sign-up and at a passphrase change: KDF inputs of the
//! current version within the accepted range, a 32-byte proof, wrapped keys that parse as
//! envelopes of their kind, and a valid Ed25519 public key. The server cannot open the wrapped
//! keys; it can refuse garbage.

use coffer_shared::api::{AccountKeysUpload, ErrorCode, KdfInputs, KdfInputsError};
use coffer_shared::b64;
use coffer_shared::crypto::Key32;
use coffer_shared::crypto::account_kdf::{AccountKdf, KdfVersion};
use coffer_shared::crypto::envelope::{Envelope, Kind, NONCE_LEN, TAG_LEN};
use coffer_shared::crypto::identity::is_public_key;
use coffer_shared::crypto::server::auth_verifier;

use crate::http::error::ApiError;
use crate::http::token;
use crate::store::Credentials;

/// The size of a wrapped key's envelope: header (19 bytes), 32-byte key, tag.
const WRAPPED_LEN: usize = 7 + NONCE_LEN + 32 + TAG_LEN;

/// Which KDF versions an upload may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Versions {
    /// Only the current one (docs/accounts.md, "Migration from version 1": servers MUST refuse
    /// to store any other).
    Current,
    /// Version 1 too: a sign-up under `--test-accept-v1-kdf`, so tests can make an account as a
    /// browser before version 2 did.
    AlsoV1,
}

/// Checks KDF inputs: an accepted version, parameters within the floor and ceiling, a 16-byte
/// salt.
pub fn kdf(inputs: &KdfInputs, versions: Versions) -> Result<AccountKdf, ApiError> {
    if inputs.version != KdfVersion::CURRENT && versions == Versions::Current {
        return Err(ApiError::invalid(
            ErrorCode::InvalidKdf,
            format!(
                "kdf.version: must be {}; version {} is read, never written (reload the page for the current app)",
                KdfVersion::CURRENT.number(),
                inputs.version.number()
            ),
        ));
    }
    inputs.parse().map_err(|error| match error {
        KdfInputsError::Params(error) => {
            ApiError::invalid(ErrorCode::InvalidKdf, format!("kdf: {error}")).with_field("kdf")
        }
        KdfInputsError::Salt => {
            ApiError::invalid(ErrorCode::InvalidKdf, "kdf.kdf_salt: must be base64url of 16 bytes")
                .with_field("kdf.kdf_salt")
        }
    })
}

/// Checks a wrapped key: a v1 envelope of `kind`, without flags, holding exactly 32 bytes.
fn wrapped(field: &'static str, text: &str, kind: Kind) -> Result<Vec<u8>, ApiError> {
    let refuse = || {
        ApiError::invalid(ErrorCode::InvalidEnvelope, format!("{field}: not a v1 {kind:?} envelope"))
            .with_field(field)
    };
    let bytes = b64::decode(text).map_err(|_| refuse())?;
    let envelope = Envelope::parse(&bytes).map_err(|_| refuse())?;
    let plain = envelope.header.password.is_none() && !envelope.header.signed;
    if envelope.header.kind != kind || !plain || bytes.len() != WRAPPED_LEN {
        return Err(refuse());
    }
    Ok(bytes)
}

/// Turns an upload into the credentials the server stores (the proof becomes its verifier).
/// Only inputs of the current KDF version are accepted.
pub fn credentials(server_secret: &Key32, upload: &AccountKeysUpload) -> Result<Credentials, ApiError> {
    credentials_of(server_secret, upload, Versions::Current)
}

/// [`credentials`] accepting `versions`.
pub fn credentials_of(
    server_secret: &Key32,
    upload: &AccountKeysUpload,
    versions: Versions,
) -> Result<Credentials, ApiError> {
    let kdf = kdf(&upload.kdf, versions)?;
    let auth_proof = token::key("keys.auth_proof", &upload.auth_proof)?;
    Ok(Credentials {
        version: kdf.version,
        m: kdf.params.m_kib(),
        t: kdf.params.t(),
        p: kdf.params.p(),
        kdf_salt: kdf.kdf_salt,
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
        .ok_or_else(|| {
            ApiError::invalid(ErrorCode::InvalidPublicKey, "public_key: not an Ed25519 public key")
                .with_field("public_key")
        })
}
