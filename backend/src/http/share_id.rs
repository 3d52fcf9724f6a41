//! [`SharePath`]: the `{id}` of a share route, validated, with every failure a JSON 400.

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use coffer_shared::id::ShareId;

use super::error::ApiError;

/// A share id taken from the path.
pub struct SharePath(pub ShareId);

impl<S: Send + Sync> FromRequestParts<S> for SharePath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let invalid = || ApiError::malformed("invalid_id", "The share id is not 22 characters of base64url.");
        let Path(id) = Path::<String>::from_request_parts(parts, state).await.map_err(|_| invalid())?;
        id.parse().map(Self).map_err(|_| invalid())
    }
}
