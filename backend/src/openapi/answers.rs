//! The error answers many endpoints share, word for word, and the groups of them that end many
//! endpoint tables, so that each table lists only what is its own.

use coffer_shared::api::ErrorBody;

use super::model::{Answer, Content, json};

/// An error answer with an `ErrorBody`.
pub const fn error(status: u16, description: &'static str) -> Answer {
    Answer { status, description, body: Content::Json(json::<ErrorBody>) }
}

/// 400 for a JSON body that cannot be read or parsed.
pub const MALFORMED_JSON: Answer =
    error(400, "`malformed_json`: the body is not JSON. `unreadable_body`: the body could not be read.");

/// 400 for a bad path id, or a JSON body that cannot be read or parsed.
pub const INVALID_ID_OR_BODY: Answer = error(
    400,
    "`invalid_id`: the path id is not valid UTF-8 after percent-decoding, or not 22 characters of canonical base64url. `malformed_json`: the body is not JSON. `unreadable_body`: the body could not be read.",
);

/// 400 for a bad path id, checked after the session and `X-Coffer-CSRF`.
pub const INVALID_ID_AFTER_CSRF: Answer = error(
    400,
    "`invalid_id`: the path id is not valid UTF-8 after percent-decoding, or not 22 characters of canonical base64url (checked after the session and the CSRF header).",
);

/// 401 without a live session.
pub const UNAUTHENTICATED: Answer = error(
    401,
    "`unauthenticated`: no session cookie, or its session ended, timed out or was signed out. Sign in again.",
);

/// 403 for a missing or wrong `X-Coffer-CSRF`.
pub const CSRF: Answer = error(
    403,
    "`csrf`: a live session, but the request lacks its `X-Coffer-CSRF` token or carries a wrong one. Nothing changed.",
);

/// 405 for a path under `/api/v1` asked with another method.
pub const METHOD_NOT_ALLOWED: Answer =
    error(405, "`method_not_allowed`: the path exists under `/api/v1` but not with this method.");

/// 413 for a body over the request limit.
pub const TOO_LARGE: Answer = error(413, "`too_large`: the body is larger than this server accepts.");

/// 415 for a body that is not declared as JSON.
pub const UNSUPPORTED_MEDIA_TYPE: Answer = error(
    415,
    "`unsupported_media_type`: the request has no `Content-Type: application/json` (a `+json` type or a `charset` parameter is accepted).",
);

/// 416 for a `Range` that starts at or past the end.
pub const INVALID_RANGE: Answer =
    error(416, "`invalid_range`: the range starts at or past the end; `Content-Range: bytes */<size>`.");

/// 422 for a body that is not `{"token": string}` with a 32-byte token.
pub const INVALID_TOKEN_BODY: Answer = error(
    422,
    r#"`invalid_field`: the body is not `{"token": string}` (missing, unknown or mistyped member). `invalid_token`: the token is not canonical base64url of 32 bytes. Not counted as a wrong claim."#,
);

/// 429 for a client over its rate limit.
pub const RATE_LIMITED: Answer = error(
    429,
    "`rate_limited`: this client (IPv4 address or IPv6 /64) has used up its allowance. Retry after `Retry-After` seconds.",
);

/// 500 for a server fault.
pub const INTERNAL: Answer = error(
    500,
    "`internal`: a server fault, e.g. the database failed. The body is generic; the detail goes to the server log.",
);

/// What any route under `/api/v1` that reaches the database can answer.
pub const COMMON: &[Answer] = &[METHOD_NOT_ALLOWED, INTERNAL];

/// What a route that needs a session can answer.
pub const SIGNED_IN: &[Answer] = &[UNAUTHENTICATED, METHOD_NOT_ALLOWED, INTERNAL];

/// What a route that needs a session and `X-Coffer-CSRF` can answer.
pub const SIGNED_IN_CHANGE: &[Answer] = &[UNAUTHENTICATED, CSRF, METHOD_NOT_ALLOWED, INTERNAL];

/// What a route that takes a JSON body can answer.
pub const JSON_BODY: &[Answer] =
    &[MALFORMED_JSON, METHOD_NOT_ALLOWED, TOO_LARGE, UNSUPPORTED_MEDIA_TYPE, INTERNAL];

/// What a route that needs a session and takes a JSON body can answer.
pub const SIGNED_IN_JSON_BODY: &[Answer] =
    &[MALFORMED_JSON, UNAUTHENTICATED, METHOD_NOT_ALLOWED, TOO_LARGE, UNSUPPORTED_MEDIA_TYPE, INTERNAL];
