//! [`ErrorCode`]: the stable `code` of every error body the server sends, as one enum, so that
//! clients branch on variants instead of strings. On the wire each is its snake_case name.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The machine-readable code of an error response (`ErrorBody::code`).
///
/// A code this build does not know (sent by a newer server) reads as [`ErrorCode::Unknown`], so
/// an older client can always parse an error; `Unknown` itself is never sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// 404: the share, upload, file, record or session does not exist (or a token is wrong in a
    /// way that must not be told apart from that).
    NotFound,
    /// 404: no API endpoint at this path.
    NoSuchEndpoint,
    /// 405: the endpoint does not take this method.
    MethodNotAllowed,
    /// 400: the body is not valid JSON.
    MalformedJson,
    /// 400: the request body could not be read.
    UnreadableBody,
    /// 413: the request is larger than the server accepts.
    TooLarge,
    /// 415: the body is not `application/json`.
    UnsupportedMediaType,
    /// 422: a member is missing, unknown or of the wrong type, or a query parameter is bad.
    InvalidField,
    /// 400: an id in the path is not 22 characters of base64url.
    InvalidId,
    /// 400 or 422: an envelope is not canonical base64url or not a v1 envelope of its kind.
    InvalidEnvelope,
    /// 422: a token is not base64url of 32 bytes, or is missing.
    InvalidToken,
    /// 422: `expires_in` is not one of the server's expiry options.
    InvalidExpiry,
    /// 422: `max_views` is out of range.
    InvalidViews,
    /// 422: a share's file list is too long, repeats a file, or names an upload it may not use.
    InvalidFile,
    /// 422: a share note is not a `share-note` envelope, or comes without a session.
    InvalidNote,
    /// 422: a share's signature is missing, present where it must not be, or does not verify.
    InvalidSignature,
    /// 422: KDF parameters or salt are out of range.
    InvalidKdf,
    /// 422: not an Ed25519 public key.
    InvalidPublicKey,
    /// 422: not an address mail can be sent to.
    InvalidEmail,
    /// 422: a mailed code is not 8 digits.
    InvalidCode,
    /// 422: a chunk's index, length or checksum header is wrong.
    InvalidChunk,
    /// 416: a `Range` header the file cannot satisfy.
    InvalidRange,
    /// 401: the address or the passphrase is wrong at sign-in.
    InvalidCredentials,
    /// 401: the session cookie is missing, or its session ended or timed out.
    Unauthenticated,
    /// 403: a state-changing request without the session's CSRF token.
    Csrf,
    /// 403: a claim with a wrong access token; the body adds `wrong_claims_left`.
    WrongToken,
    /// 403: the passphrase proof of a signed-in request is wrong.
    WrongPassphrase,
    /// 401 or 403: a mailed, authenticator or recovery code is wrong.
    WrongCode,
    /// 401: the mailed code was already used.
    CodeUsed,
    /// 401: the mailed code expired.
    CodeExpired,
    /// 401: the sign-up step's time ran out; start again.
    SignupExpired,
    /// 401: the sign-in step's time ran out; start again.
    SigninExpired,
    /// 422: the account has no authenticator, so it has no recovery codes.
    NoAuthenticator,
    /// 422: the account signs in with an authenticator code, not a mailed one.
    NoEmailCode,
    /// 409: an object with this id already exists.
    IdTaken,
    /// 409: an account with this address already exists.
    EmailTaken,
    /// 409: an edit of a record revision that is no longer the stored one; the body adds
    /// `current`.
    Conflict,
    /// 409: an upload finished with chunks missing; the body adds `missing`.
    UploadIncomplete,
    /// 409: the upload is already finished.
    UploadFinished,
    /// 409: a chunk was sent again with different bytes.
    ChunkConflict,
    /// 422: a chunk's bytes do not match its `X-Coffer-Chunk-Sha256`.
    ChecksumMismatch,
    /// 408: a chunk's body stopped arriving.
    BodyStalled,
    /// 413: the file is larger than the server accepts.
    FileTooLarge,
    /// 507: the server has no room for the upload now.
    StorageFull,
    /// 507: the vault has no room for the record or file.
    VaultFull,
    /// 429 with `Retry-After`: too many requests from this client, address or account.
    RateLimited,
    /// 429: the client's unfinished uploads already reserve what it may.
    TooManyUploads,
    /// 503: the mail to the address could not be sent.
    MailFailed,
    /// 500: something went wrong on the server; the detail is in its log.
    Internal,
    /// 503 with `Retry-After`: the server cannot reach its storage for now.
    Unavailable,
    /// A code this build does not know (a newer server's). Never sent.
    #[serde(other)]
    Unknown,
}

impl ErrorCode {
    /// The code as it travels, e.g. `not_found`; `unknown` for [`ErrorCode::Unknown`].
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::NotFound => "not_found",
            Self::NoSuchEndpoint => "no_such_endpoint",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::MalformedJson => "malformed_json",
            Self::UnreadableBody => "unreadable_body",
            Self::TooLarge => "too_large",
            Self::UnsupportedMediaType => "unsupported_media_type",
            Self::InvalidField => "invalid_field",
            Self::InvalidId => "invalid_id",
            Self::InvalidEnvelope => "invalid_envelope",
            Self::InvalidToken => "invalid_token",
            Self::InvalidExpiry => "invalid_expiry",
            Self::InvalidViews => "invalid_views",
            Self::InvalidFile => "invalid_file",
            Self::InvalidNote => "invalid_note",
            Self::InvalidSignature => "invalid_signature",
            Self::InvalidKdf => "invalid_kdf",
            Self::InvalidPublicKey => "invalid_public_key",
            Self::InvalidEmail => "invalid_email",
            Self::InvalidCode => "invalid_code",
            Self::InvalidChunk => "invalid_chunk",
            Self::InvalidRange => "invalid_range",
            Self::InvalidCredentials => "invalid_credentials",
            Self::Unauthenticated => "unauthenticated",
            Self::Csrf => "csrf",
            Self::WrongToken => "wrong_token",
            Self::WrongPassphrase => "wrong_passphrase",
            Self::WrongCode => "wrong_code",
            Self::CodeUsed => "code_used",
            Self::CodeExpired => "code_expired",
            Self::SignupExpired => "signup_expired",
            Self::SigninExpired => "signin_expired",
            Self::NoAuthenticator => "no_authenticator",
            Self::NoEmailCode => "no_email_code",
            Self::IdTaken => "id_taken",
            Self::EmailTaken => "email_taken",
            Self::Conflict => "conflict",
            Self::UploadIncomplete => "upload_incomplete",
            Self::UploadFinished => "upload_finished",
            Self::ChunkConflict => "chunk_conflict",
            Self::ChecksumMismatch => "checksum_mismatch",
            Self::BodyStalled => "body_stalled",
            Self::FileTooLarge => "file_too_large",
            Self::StorageFull => "storage_full",
            Self::VaultFull => "vault_full",
            Self::RateLimited => "rate_limited",
            Self::TooManyUploads => "too_many_uploads",
            Self::MailFailed => "mail_failed",
            Self::Internal => "internal",
            Self::Unavailable => "unavailable",
            Self::Unknown => "unknown",
        }
    }

    /// Every code the server may send, in declaration order (without [`ErrorCode::Unknown`]).
    pub const ALL: [ErrorCode; 50] = [
        Self::NotFound,
        Self::NoSuchEndpoint,
        Self::MethodNotAllowed,
        Self::MalformedJson,
        Self::UnreadableBody,
        Self::TooLarge,
        Self::UnsupportedMediaType,
        Self::InvalidField,
        Self::InvalidId,
        Self::InvalidEnvelope,
        Self::InvalidToken,
        Self::InvalidExpiry,
        Self::InvalidViews,
        Self::InvalidFile,
        Self::InvalidNote,
        Self::InvalidSignature,
        Self::InvalidKdf,
        Self::InvalidPublicKey,
        Self::InvalidEmail,
        Self::InvalidCode,
        Self::InvalidChunk,
        Self::InvalidRange,
        Self::InvalidCredentials,
        Self::Unauthenticated,
        Self::Csrf,
        Self::WrongToken,
        Self::WrongPassphrase,
        Self::WrongCode,
        Self::CodeUsed,
        Self::CodeExpired,
        Self::SignupExpired,
        Self::SigninExpired,
        Self::NoAuthenticator,
        Self::NoEmailCode,
        Self::IdTaken,
        Self::EmailTaken,
        Self::Conflict,
        Self::UploadIncomplete,
        Self::UploadFinished,
        Self::ChunkConflict,
        Self::ChecksumMismatch,
        Self::BodyStalled,
        Self::FileTooLarge,
        Self::StorageFull,
        Self::VaultFull,
        Self::RateLimited,
        Self::TooManyUploads,
        Self::MailFailed,
        Self::Internal,
        Self::Unavailable,
    ];
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_serializes_as_its_str() {
        for code in ErrorCode::ALL {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
            assert_eq!(serde_json::from_str::<ErrorCode>(&json).unwrap(), code);
        }
    }

    #[test]
    fn a_code_from_a_newer_server_reads_as_unknown() {
        assert_eq!(serde_json::from_str::<ErrorCode>("\"quantum_flux\"").unwrap(), ErrorCode::Unknown);
    }
}
