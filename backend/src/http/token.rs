//! Checks of the tokens a request carries: each is canonical base64url of 32 bytes, or the
//! request is refused with 422 `invalid_token` naming the field.

use coffer_shared::api::ErrorCode;
use coffer_shared::crypto::Key32;
use coffer_shared::token::{Token, TokenHash};

use super::error::ApiError;

/// 422 `invalid_token` for `field`.
fn invalid(field: &'static str) -> ApiError {
    ApiError::invalid(ErrorCode::InvalidToken, format!("{field}: must be base64url of 32 bytes"))
        .with_field(field)
}

/// The SHA-256 of a request's token (named `field` in the error), to look up or compare with
/// what the store keeps.
pub fn hash<K>(field: &'static str, token: &Token<K>) -> Result<TokenHash, ApiError> {
    token.hash().map_err(|_| invalid(field))
}

/// The bytes of a request's token (named `field` in the error), for one the server runs through
/// a keyed hash instead (`auth_proof`).
pub fn key<K>(field: &'static str, token: &Token<K>) -> Result<Key32, ApiError> {
    token.to_key().map_err(|_| invalid(field))
}
