//! [`Refusal`]: what an error response tells the security event log (`docs/audit.md`,
//! "Refusals, in one place"): its status, its code, and the field it concerns, named where the
//! error is raised and kept only if it is in a fixed list of the API's field names, so that
//! nothing the client wrote reaches the log.

use axum::http::StatusCode;
use coffer_shared::api::ErrorCode;

use super::event::Event;

/// Attached to every error response by `ApiError`; read by the audit middleware.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refusal {
    /// The response's status.
    pub status: StatusCode,
    /// The error's code.
    pub code: ErrorCode,
    /// The field the error concerns, from [`FIELDS`].
    pub field: Option<&'static str>,
    /// For a 429: which limit.
    pub limit: Option<&'static str>,
    /// For a 429: seconds to wait.
    pub retry_after: Option<u64>,
}

impl Refusal {
    /// The event this refusal stands for, if it is one the log records.
    pub fn event(&self) -> Option<Event> {
        let status = self.status.as_u16();
        match status {
            401 | 403 => Some(Event::AccessDenied { status, code: self.code.as_str() }),
            429 => Some(Event::RateLimited {
                limit: self.limit.unwrap_or("unknown"),
                retry_after: self.retry_after.unwrap_or(0),
            }),
            400 | 413 | 415 | 416 | 422 => {
                Some(Event::InputRejected { status, code: self.code.as_str(), field: self.field })
            }
            _ => None,
        }
    }
}

/// Every request member, header and query parameter an error may name, array indexes written
/// `[]`.
pub const FIELDS: &[&str] = &[
    "id",
    "envelope",
    "access_token",
    "status_token",
    "manage_token",
    "token",
    "expires_in",
    "max_views",
    "read_receipt",
    "files",
    "files[]",
    "files[].id",
    "files[].upload_token",
    "email",
    "code",
    "signup_token",
    "signin_token",
    "account_id",
    "public_key",
    "auth_proof",
    "keys",
    "keys.kdf",
    "keys.kdf.kdf_salt",
    "keys.kdf.m",
    "keys.kdf.t",
    "keys.kdf.p",
    "keys.auth_proof",
    "keys.wrapped_vault_key",
    "keys.wrapped_identity_key",
    "kdf",
    "kdf.kdf_salt",
    "revision",
    "file_id",
    "size",
    "chunk_size",
    "upload_token",
    "vault",
    "metadata",
    "index",
    "X-Coffer-Upload-Token",
    "X-Coffer-Chunk-Sha256",
    "type",
    "severity",
    "q",
    "before",
    "limit",
    "after",
];

/// `name` as the `&'static str` of [`FIELDS`], if it is listed there.
pub fn known_field(name: &str) -> Option<&'static str> {
    FIELDS.iter().copied().find(|field| *field == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_listed_fields_are_known() {
        assert_eq!(known_field("files[].upload_token"), Some("files[].upload_token"));
        assert_eq!(known_field("hunter2"), None);
        assert_eq!(known_field("files[3].id"), None);
    }

    #[test]
    fn refusals_become_the_documented_events() {
        let refusal = |status: u16| Refusal {
            status: StatusCode::from_u16(status).unwrap(),
            code: ErrorCode::InvalidField,
            field: None,
            limit: Some("auth"),
            retry_after: Some(3),
        };
        assert!(matches!(refusal(401).event(), Some(Event::AccessDenied { status: 401, .. })));
        assert!(matches!(refusal(429).event(), Some(Event::RateLimited { limit: "auth", retry_after: 3 })));
        assert!(matches!(refusal(415).event(), Some(Event::InputRejected { status: 415, .. })));
        assert_eq!(refusal(404).event(), None);
        assert_eq!(refusal(409).event(), None);
        assert_eq!(refusal(500).event(), None);
    }
}
