//! [`ApiJson`]: axum's `Json` extractor with its rejections turned into [`ApiError`]s, so that
//! malformed, mistyped and oversize bodies get a JSON `{code, message}` like every other error.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use coffer_shared::api::ErrorCode;
use serde::de::DeserializeOwned;

use super::error::ApiError;
use super::serde_field;

/// A JSON request body.
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        match axum::Json::<T>::from_request(request, state).await {
            Ok(axum::Json(value)) => Ok(Self(value)),
            Err(rejection) => Err(rejection_to_error(&rejection)),
        }
    }
}

fn rejection_to_error(rejection: &JsonRejection) -> ApiError {
    match rejection {
        JsonRejection::MissingJsonContentType(_) => ApiError::UnsupportedMediaType,
        JsonRejection::JsonSyntaxError(_) => {
            ApiError::malformed(ErrorCode::MalformedJson, "The body is not valid JSON.")
        }
        // serde's message names the field and the rule ("missing field `id`", "expires_in:
        // invalid type ..."), and may quote the requester's own value back to it. It is never
        // logged.
        JsonRejection::JsonDataError(error) => {
            let body_text = error.body_text();
            let detail = serde_detail(&body_text);
            let error = ApiError::invalid(
                ErrorCode::InvalidField,
                format!("The body does not match the expected fields: {detail}"),
            );
            match serde_field::field_of(detail) {
                Some(field) => error.with_field(field),
                None => error,
            }
        }
        other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => ApiError::TooLarge,
        _ => ApiError::malformed(ErrorCode::UnreadableBody, "The request body could not be read."),
    }
}

/// serde's explanation, without the prefix axum puts before it.
fn serde_detail(body_text: &str) -> &str {
    body_text.strip_prefix("Failed to deserialize the JSON body into the target type: ").unwrap_or(body_text)
}
