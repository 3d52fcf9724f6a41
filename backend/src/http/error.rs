//! [`ApiError`]: every failure a handler can return, each with its status, rendered as
//! `{"code": "...", "message": "...", "field": "..."}` (`coffer_shared::api::ErrorBody`).

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use coffer_shared::api::{
    ConflictBody, ErrorBody, ErrorCode, StoredRecord, UploadIncompleteBody, WrongTokenBody,
};

use crate::audit::refusal::{Refusal, known_field};

/// The seconds a 503 asks a client to wait before trying again.
const UNAVAILABLE_RETRY_AFTER: u64 = 2;

/// A failed request.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 404 `not_found`: one answer for missing, expired, used-up and destroyed shares, and for a
    /// wrong status or management token, so none can be told apart.
    #[error("not found")]
    NotFound,
    /// 400, 404 or 422 with a specific code: the request is malformed, breaks a rule or asks
    /// for an endpoint that does not exist.
    #[error("{message}")]
    Rejected {
        /// 400 for syntax, 422 for a well-formed request with a bad value, 404 for no endpoint.
        status: StatusCode,
        /// Machine-readable, e.g. `invalid_envelope`.
        code: ErrorCode,
        /// The request member, header or query parameter concerned, as listed in
        /// `audit::refusal::FIELDS` (a name outside the list is dropped when rendered).
        field: Option<&'static str>,
        /// For people. Never logged; it may quote a mistyped value back to its sender.
        message: String,
    },
    /// 413 `too_large`: the body is over the limit.
    #[error("the request is too large")]
    TooLarge,
    /// 415 `unsupported_media_type`: the body is not `application/json`.
    #[error("expected a JSON body")]
    UnsupportedMediaType,
    /// 409 `id_taken`: a share with that id exists.
    #[error("that id is taken")]
    IdTaken,
    /// 403 `wrong_token`: a claim with a wrong access token.
    #[error("wrong token")]
    WrongToken {
        /// Wrong claims left before the share is destroyed.
        wrong_claims_left: u32,
    },
    /// 429 `rate_limited` with `Retry-After`.
    #[error("rate limited")]
    RateLimited {
        /// Seconds until a request will be accepted again.
        retry_after: u64,
        /// Which limit: a per-client bucket (`create`, `claim`, `auth`) or `throttle` (an address
        /// or account after wrong tries or too many codes).
        limit: &'static str,
    },
    /// 429 `too_many_uploads` (no `Retry-After`): the client's unfinished uploads already
    /// reserve what it may; it must finish or cancel some first.
    #[error("too many unfinished uploads")]
    TooManyUploads {
        /// What the client's unfinished uploads reserve.
        held: u64,
        /// The most they may.
        cap: u64,
    },
    /// 401 `unauthenticated`: no session cookie, or its session ended or timed out.
    #[error("not signed in")]
    Unauthenticated,
    /// 403 `csrf`: a state-changing request without the session's CSRF token.
    #[error("missing or wrong CSRF token")]
    Csrf,
    /// 409 `conflict`: an edit of a record revision that is no longer the stored one.
    #[error("edit conflict")]
    Conflict(Box<StoredRecord>),
    /// 409 `upload_incomplete`: an upload finished with chunks missing; the body adds `missing`.
    #[error("upload incomplete")]
    UploadIncomplete {
        /// How many chunks the server does not hold.
        missing: u64,
    },
    /// 405 `method_not_allowed`.
    #[error("method not allowed")]
    MethodNotAllowed,
    /// 500 `internal`: the body stays generic; the detail goes to the log.
    #[error("internal error: {0}")]
    Internal(String),
    /// 503 `unavailable` with `Retry-After`: the shared database is out of reach for now
    /// (restarting, failing over, out of connections). Nothing was changed; the detail goes to
    /// the log.
    #[error("storage unavailable: {0}")]
    Unavailable(String),
}

impl ApiError {
    /// A 422 for a well-formed request with a value that breaks a rule.
    pub fn invalid(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
    }

    /// Any status with a specific code.
    pub fn new(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> Self {
        Self::Rejected { status, code, field: None, message: message.into() }
    }

    /// A 400 for a request that cannot be read.
    pub fn malformed(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// The same rejection, naming the request member it concerns (`expires_in`, `files[].id`);
    /// the body's `field` and the security log take it from here. Other errors are unchanged.
    #[must_use]
    pub fn with_field(self, name: &'static str) -> Self {
        match self {
            Self::Rejected { status, code, message, .. } => {
                Self::Rejected { status, code, field: Some(name), message }
            }
            other => other,
        }
    }

    /// The field this error concerns, if it is one of the API's known names.
    fn field(&self) -> Option<&'static str> {
        match self {
            Self::Rejected { field, .. } => field.and_then(known_field),
            _ => None,
        }
    }

    fn parts(&self) -> (StatusCode, ErrorCode, String) {
        match self {
            Self::NotFound => (
                StatusCode::NOT_FOUND,
                ErrorCode::NotFound,
                "This secret does not exist, has expired or was already viewed.".into(),
            ),
            Self::Rejected { status, code, message, .. } => (*status, *code, message.clone()),
            Self::TooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                ErrorCode::TooLarge,
                "The request is larger than this server accepts.".into(),
            ),
            Self::UnsupportedMediaType => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                ErrorCode::UnsupportedMediaType,
                "Send the body as application/json.".into(),
            ),
            Self::IdTaken => {
                (StatusCode::CONFLICT, ErrorCode::IdTaken, "A share with this id already exists.".into())
            }
            Self::WrongToken { .. } => {
                (StatusCode::FORBIDDEN, ErrorCode::WrongToken, "The password or link is wrong.".into())
            }
            Self::RateLimited { retry_after, .. } => (
                StatusCode::TOO_MANY_REQUESTS,
                ErrorCode::RateLimited,
                format!("Too many requests. Try again in {retry_after} seconds."),
            ),
            Self::TooManyUploads { held, cap } => (
                StatusCode::TOO_MANY_REQUESTS,
                ErrorCode::TooManyUploads,
                format!(
                    "Unfinished uploads from here already reserve {held} of the {cap} bytes this server \
                     allows. Finish or cancel them, or wait until they expire."
                ),
            ),
            Self::Unauthenticated => (
                StatusCode::UNAUTHORIZED,
                ErrorCode::Unauthenticated,
                "You are not signed in, or your session has ended. Sign in again.".into(),
            ),
            Self::Csrf => (
                StatusCode::FORBIDDEN,
                ErrorCode::Csrf,
                "The request lacks this session's CSRF token. Reload the page and try again.".into(),
            ),
            Self::Conflict(_) => (
                StatusCode::CONFLICT,
                ErrorCode::Conflict,
                "This record was changed elsewhere since you opened it. Nothing was saved.".into(),
            ),
            Self::UploadIncomplete { missing } => (
                StatusCode::CONFLICT,
                ErrorCode::UploadIncomplete,
                format!("{missing} chunks of this upload are missing."),
            ),
            Self::MethodNotAllowed => {
                (StatusCode::METHOD_NOT_ALLOWED, ErrorCode::MethodNotAllowed, "Method not allowed.".into())
            }
            Self::Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                ErrorCode::Internal,
                "Something went wrong on the server.".into(),
            ),
            Self::Unavailable(_) => (
                StatusCode::SERVICE_UNAVAILABLE,
                ErrorCode::Unavailable,
                "The server cannot reach its storage right now. Nothing was changed; try again in a moment."
                    .into(),
            ),
        }
    }
}

impl From<crate::store::StoreError> for ApiError {
    fn from(error: crate::store::StoreError) -> Self {
        match error {
            crate::store::StoreError::Unavailable(_) => Self::Unavailable(error.to_string()),
            crate::store::StoreError::AccountGone => Self::Unauthenticated,
            error => Self::Internal(error.to_string()),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code, message) = self.parts();
        let (retry_after, limit) = match self {
            Self::RateLimited { retry_after, limit } => (Some(retry_after), Some(limit)),
            Self::Unavailable(_) => (Some(UNAVAILABLE_RETRY_AFTER), None),
            Self::TooManyUploads { .. } => (None, Some("upload_reserve")),
            _ => (None, None),
        };
        // What the security event log needs to know of a refusal, never the message itself.
        let field = self.field();
        let refusal = Refusal { status, code, field, limit, retry_after };
        if let Self::Internal(detail) = &self {
            tracing::error!(event = "internal_error", %detail);
        }
        if let Self::Unavailable(detail) = &self {
            tracing::warn!(event = "storage_unavailable", %detail);
        }
        let mut response = match self {
            Self::WrongToken { wrong_claims_left } => {
                let body = WrongTokenBody { code, message, wrong_claims_left };
                (status, Json(body)).into_response()
            }
            Self::UploadIncomplete { missing } => {
                let body = UploadIncompleteBody { code, message, missing };
                (status, Json(body)).into_response()
            }
            Self::Conflict(current) => {
                (status, Json(ConflictBody { code, message, current: *current })).into_response()
            }
            _ => {
                let field = field.map(str::to_owned);
                (status, Json(ErrorBody { code, message, field })).into_response()
            }
        };
        if let Some(retry_after) = retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
        }
        response.extensions_mut().insert(refusal);
        response
    }
}
