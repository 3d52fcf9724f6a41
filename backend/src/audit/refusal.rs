//! [`Refusal`]: what an error response tells the security event log (`docs/audit.md`,
//! "Refusals, in one place"): its status, its code, and the field it concerns, taken from a fixed
//! list of the API's field names so that nothing the client wrote reaches the log.

use axum::http::StatusCode;

use super::event::Event;

/// Attached to every error response by `ApiError`; read by the audit middleware.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refusal {
    /// The response's status.
    pub status: StatusCode,
    /// The error's code.
    pub code: &'static str,
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
            401 | 403 => Some(Event::AccessDenied { status, code: self.code }),
            429 => Some(Event::RateLimited {
                limit: self.limit.unwrap_or("unknown"),
                retry_after: self.retry_after.unwrap_or(0),
            }),
            400 | 413 | 415 | 416 | 422 => {
                Some(Event::InputRejected { status, code: self.code, field: self.field })
            }
            _ => None,
        }
    }
}

/// Every request member, header and query parameter an error message may start with, array
/// indexes written `[]`.
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

/// The prefix `ApiJson` puts before serde's explanation of a body that does not fit.
const BODY_PREFIX: &str = "The body does not match the expected fields: ";

/// The field an error message names, if it names one of [`FIELDS`]. Messages are written
/// `field: rule`; serde's are `path: explanation` or ``missing field `name` ``.
pub fn field_of(message: &str) -> Option<&'static str> {
    let text = message.strip_prefix(BODY_PREFIX).unwrap_or(message);
    let (path, rest) = match text.split_once(": ") {
        Some((head, rest)) if !head.contains(' ') => (Some(head), rest),
        _ => (None, text),
    };
    let missing = rest.strip_prefix("missing field `").and_then(|rest| rest.split('`').next());
    let candidate = match (path, missing) {
        (Some(path), Some(name)) => format!("{path}.{name}"),
        (None, Some(name)) => name.to_owned(),
        (Some(path), None) => path.to_owned(),
        (None, None) => return None,
    };
    let candidate = without_indexes(&candidate);
    FIELDS.iter().copied().find(|field| *field == candidate)
}

/// `files[3].upload_token` -> `files[].upload_token`.
fn without_indexes(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_index = false;
    for c in path.chars() {
        match c {
            '[' => {
                in_index = true;
                out.push('[');
            }
            ']' => {
                in_index = false;
                out.push(']');
            }
            _ if in_index => {}
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_come_from_the_list_only() {
        assert_eq!(field_of("expires_in: must be one of [300] seconds"), Some("expires_in"));
        assert_eq!(
            field_of("files[7].upload_token: must be base64url of 32 bytes"),
            Some("files[].upload_token")
        );
        assert_eq!(field_of("keys.auth_proof: must be base64url of 32 bytes"), Some("keys.auth_proof"));
        assert_eq!(field_of(&format!("{BODY_PREFIX}missing field `id` at line 1 column 2")), Some("id"));
        assert_eq!(
            field_of(&format!("{BODY_PREFIX}keys: missing field `auth_proof` at line 1 column 9")),
            Some("keys.auth_proof")
        );
        assert_eq!(
            field_of(&format!("{BODY_PREFIX}max_views: invalid type: string \"hunter2\", expected u32")),
            Some("max_views")
        );
        // A member the client made up, or a sentence, names no field.
        assert_eq!(field_of(&format!("{BODY_PREFIX}unknown field `hunter2`, expected `id`")), None);
        assert_eq!(field_of("hunter2: must be base64url"), None);
        assert_eq!(field_of("The body is not valid JSON."), None);
    }

    #[test]
    fn refusals_become_the_documented_events() {
        let refusal = |status: u16| Refusal {
            status: StatusCode::from_u16(status).unwrap(),
            code: "x",
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
