//! OpenAPI schemas (utoipa's `ToSchema`) of the wire types that serialize by hand (ids, tokens,
//! the account KDF version) and of [`ErrorCode`], whose `Unknown` is never sent. The derived ones sit on the types themselves, behind the same
//! `openapi` feature, which only the server enables.

use std::borrow::Cow;

use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::{PartialSchema, ToSchema};

use crate::api::ErrorCode;
use crate::crypto::account_kdf::KdfVersion;
use crate::id::{Id, IdKind};
use crate::token::{Token, TokenKind};

fn string(description: String, pattern: &str) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(description))
        .pattern(Some(pattern))
        .into()
}

impl<K: IdKind> PartialSchema for Id<K> {
    fn schema() -> RefOr<Schema> {
        string(
            format!("{}: 16 random bytes as canonical base64url, always 22 characters.", K::NAME),
            "^[A-Za-z0-9_-]{21}[AQgw]$",
        )
    }
}

impl<K: IdKind> ToSchema for Id<K> {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed(K::NAME)
    }
}

impl<K: TokenKind> PartialSchema for Token<K> {
    fn schema() -> RefOr<Schema> {
        string(
            format!("{}: 32 bytes as canonical base64url (43 characters). {}", K::NAME, K::HANDLING),
            "^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$",
        )
    }
}

impl<K: TokenKind> ToSchema for Token<K> {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed(K::NAME)
    }
}

impl PartialSchema for KdfVersion {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::Integer)
            .description(Some(
                "How argon2_salt follows from the account's inputs: 1 (read, never written) or 2.",
            ))
            .enum_values(Some([1, 2]))
            .into()
    }
}

impl ToSchema for KdfVersion {}

impl PartialSchema for ErrorCode {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some(
                "A stable machine-readable error code; when each is sent is documented on \
                 `coffer_shared::api::ErrorCode` and in docs/api.md. Clients MUST treat a code \
                 they do not know like any other error of its HTTP status.",
            ))
            .enum_values(Some(ErrorCode::ALL.iter().map(|code| code.as_str())))
            .into()
    }
}

impl ToSchema for ErrorCode {}
