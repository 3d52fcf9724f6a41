//! [`ApiQuery`]: axum's `Query` extractor with its rejections turned into a JSON 422
//! `invalid_field`, like every other error.

use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use coffer_shared::api::ErrorCode;
use serde::de::DeserializeOwned;

use super::error::ApiError;

/// A query string.
pub struct ApiQuery<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(value)) => Ok(Self(value)),
            Err(_) => Err(ApiError::invalid(
                ErrorCode::InvalidField,
                "The query has a parameter this endpoint does not take, or one twice.",
            )),
        }
    }
}
