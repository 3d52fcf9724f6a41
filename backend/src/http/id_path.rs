//! [`IdPath`]: the `{id}` of a route naming a share, a record or a session, validated, with
//! every failure a JSON 400 `invalid_id` (never axum's plain-text rejection).

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use coffer_shared::api::ErrorCode;
use coffer_shared::id::{Id, IdKind};

use super::error::ApiError;

/// An id taken from the path: 22 characters of canonical base64url.
pub struct IdPath<K>(pub Id<K>);

/// A share id taken from the path.
pub type SharePath = IdPath<coffer_shared::id::marker::Share>;

/// A file id taken from the path.
pub type FilePath = IdPath<coffer_shared::crypto::file_meta::FileMarker>;

impl<S: Send + Sync, K: IdKind> FromRequestParts<S> for IdPath<K> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let invalid = || {
            ApiError::malformed(ErrorCode::InvalidId, "The id in the path is not 22 characters of base64url.")
        };
        let Path(id) = Path::<String>::from_request_parts(parts, state).await.map_err(|_| invalid())?;
        id.parse().map(Self).map_err(|_| invalid())
    }
}
