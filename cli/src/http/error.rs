//! [`HttpError`]: a request that failed, as the server's `{code, message}` body said or as the
//! network failed it, and how each becomes a [`Failure`] with its exit code.

use coffer_shared::api::ErrorCode;
use std::fmt;

use crate::exit::{Failure, Kind};

/// A failed request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HttpError {
    /// No answer: the server is down, the name does not resolve, TLS failed, or it timed out.
    Network(String),
    /// The server answered with an error body.
    Server {
        /// The HTTP status.
        status: u16,
        /// The body's code; [`ErrorCode::Unknown`] for one this client does not know.
        code: ErrorCode,
        /// The request member the error concerns, when the server names one.
        field: Option<String>,
        /// The body's sentence for people.
        message: String,
        /// `Retry-After`, in seconds, when the server sent one.
        retry_after: Option<u64>,
        /// For a 403 `wrong_token` on a claim: wrong claims left before the share is destroyed.
        wrong_claims_left: Option<u32>,
    },
    /// The answer was not what a Coffer server sends.
    BadResponse(String),
}

impl HttpError {
    /// The server's code; [`ErrorCode::Unknown`] for a failure without one.
    pub fn code(&self) -> ErrorCode {
        match self {
            HttpError::Server { code, .. } => *code,
            _ => ErrorCode::Unknown,
        }
    }

    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            HttpError::Server { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Whether trying the same request again may work: no answer, a timed-out body, or a server
    /// fault other than a full disk.
    pub fn is_transient(&self) -> bool {
        match self {
            HttpError::Network(_) => true,
            HttpError::Server { status: 408, .. } => true,
            HttpError::Server { status, code, .. } => *status >= 500 && *code != ErrorCode::StorageFull,
            HttpError::BadResponse(_) => false,
        }
    }

    /// The exit code this failure stands for.
    pub fn kind(&self) -> Kind {
        match self {
            HttpError::Network(_) | HttpError::BadResponse(_) => Kind::Network,
            HttpError::Server { status: 404, .. } => Kind::NotFound,
            HttpError::Server { status: 401, .. } => Kind::SignedOut,
            HttpError::Server { status, .. } if *status >= 500 => Kind::Network,
            HttpError::Server { .. } => Kind::Refused,
        }
    }
}

impl fmt::Display for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HttpError::Network(detail) => write!(f, "The server could not be reached: {detail}"),
            HttpError::Server { message, .. } => f.write_str(message),
            HttpError::BadResponse(detail) => {
                write!(f, "The server's answer is not what a Coffer server sends: {detail}")
            }
        }
    }
}

impl From<HttpError> for Failure {
    fn from(error: HttpError) -> Self {
        Failure::new(error.kind(), error.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server(status: u16, code: ErrorCode) -> HttpError {
        HttpError::Server {
            status,
            code,
            field: None,
            message: "m".into(),
            retry_after: None,
            wrong_claims_left: None,
        }
    }

    #[test]
    fn statuses_map_to_their_exit_codes() {
        assert_eq!(server(404, ErrorCode::NotFound).kind(), Kind::NotFound);
        assert_eq!(server(401, ErrorCode::Unauthenticated).kind(), Kind::SignedOut);
        assert_eq!(server(422, ErrorCode::InvalidViews).kind(), Kind::Refused);
        assert_eq!(server(503, ErrorCode::Unavailable).kind(), Kind::Network);
        assert_eq!(HttpError::Network("refused".into()).kind(), Kind::Network);
    }

    #[test]
    fn a_full_disk_is_not_worth_retrying_but_a_fault_is() {
        assert!(!server(507, ErrorCode::StorageFull).is_transient());
        assert!(server(500, ErrorCode::Internal).is_transient());
        assert!(server(408, ErrorCode::BodyStalled).is_transient());
        assert!(!server(422, ErrorCode::InvalidChunk).is_transient());
    }
}
