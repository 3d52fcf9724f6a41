//! [`ApiJson`]: axum's `Json` extractor with its rejections turned into [`ApiError`]s, so that
//! malformed, mistyped and oversize bodies get a JSON `{code, message}` like every other error.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

use super::error::ApiError;

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
            ApiError::malformed("malformed_json", "The body is not valid JSON.")
        }
        // serde's message names the field and the rule ("missing field `id`", "expires_in:
        // invalid type ..."), and may quote the requester's own value back to it. It is never
        // logged.
        JsonRejection::JsonDataError(error) => {
            ApiError::invalid("invalid_field", data_error_message(&error.body_text()))
        }
        other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => ApiError::TooLarge,
        _ => ApiError::malformed("unreadable_body", "The request body could not be read."),
    }
}

/// Keeps serde's explanation but not the prefix axum puts before it.
fn data_error_message(body_text: &str) -> String {
    let detail = body_text
        .strip_prefix("Failed to deserialize the JSON body into the target type: ")
        .unwrap_or(body_text);
    format!("The body does not match the expected fields: {detail}")
}
