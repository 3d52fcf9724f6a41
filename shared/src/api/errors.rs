//! The bodies of error responses: [`ErrorBody`] for every 4xx and 5xx, and the bodies of the
//! few errors that carry more ([`WrongTokenBody`], [`UploadIncompleteBody`], and
//! `ConflictBody` beside the record types it quotes).

use serde::{Deserialize, Serialize};

use super::ErrorCode;

/// The body of every 4xx and 5xx response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    /// A stable machine-readable code, e.g. `not_found`, `wrong_token`, `rate_limited`.
    pub code: ErrorCode,
    /// A sentence for people.
    pub message: String,
    /// The request member, header or query parameter a 4xx concerns, array indexes written
    /// `[]` (`expires_in`, `files[].id`, `keys.kdf.m`); absent when it concerns none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// The body of the 403 `wrong_token` error on a claim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WrongTokenBody {
    /// Always [`ErrorCode::WrongToken`].
    pub code: ErrorCode,
    /// A sentence for people.
    pub message: String,
    /// Wrong claims left before the share is destroyed; 0 means it was just destroyed.
    pub wrong_claims_left: u32,
}

/// The body of the 409 `upload_incomplete` error of `POST /api/v1/uploads/{id}/finish`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UploadIncompleteBody {
    /// Always [`ErrorCode::UploadIncomplete`].
    pub code: ErrorCode,
    /// A sentence for people.
    pub message: String,
    /// How many chunks the server does not hold.
    pub missing: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_is_left_out_when_absent() {
        let body = ErrorBody { code: ErrorCode::NotFound, message: "gone".into(), field: None };
        assert_eq!(serde_json::to_string(&body).unwrap(), r#"{"code":"not_found","message":"gone"}"#);
        let body = ErrorBody { field: Some("expires_in".into()), code: ErrorCode::InvalidExpiry, ..body };
        assert_eq!(
            serde_json::to_string(&body).unwrap(),
            r#"{"code":"invalid_expiry","message":"gone","field":"expires_in"}"#
        );
    }
}
