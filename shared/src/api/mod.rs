//! Wire types of the JSON API under `/api/v1`, shared by the server and the browser.
//!
//! Bytes travel as canonical base64url (see [`crate::b64`]); times are Unix seconds (UTC).
//! The endpoints are documented in `docs/api.md` and served as OpenAPI at `/api/v1/openapi.json`.

pub mod account;
pub mod activity;
pub mod error_code;
pub mod errors;
pub mod files;
pub mod paths;
pub mod vault;

pub use account::*;
pub use activity::*;
pub use error_code::ErrorCode;
pub use errors::*;
pub use files::*;
pub use vault::*;

use serde::{Deserialize, Serialize};

use crate::id::ShareId;
use crate::token::{AccessToken, DownloadToken, ManageToken, ShareToken, StatusToken};

/// Lifetimes a share may have, in seconds: 5 minutes, 1 hour, 1 day, 7 days, 30 days. A server
/// offers those up to its administrator's maximum ([`ServerConfig::expiry_options`]).
pub const EXPIRY_OPTIONS: [u64; 5] = [300, 3_600, 86_400, 604_800, 2_592_000];
/// The highest view limit a share may have.
pub const MAX_VIEWS: u32 = 100;
/// Wrong claims after which a share is destroyed, unless the administrator changed it.
pub const DEFAULT_MAX_WRONG_CLAIMS: u32 = 5;

/// `POST /api/v1/shares`: store a sealed share.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateShareRequest {
    /// Chosen by the browser; bound into the envelope's additional data.
    pub id: ShareId,
    /// The envelope, base64url.
    pub envelope: String,
    /// base64url of the 32-byte access token; the server keeps only its SHA-256.
    pub access_token: AccessToken,
    /// base64url of the 32-byte status token; the server keeps only its SHA-256.
    pub status_token: StatusToken,
    /// base64url of the 32-byte management token; the server keeps only its SHA-256.
    pub manage_token: ManageToken,
    /// Lifetime in seconds; one of [`ServerConfig::expiry_options`].
    pub expires_in: u64,
    /// How many times the secret may be revealed, 1 to [`ServerConfig::max_views`].
    pub max_views: u32,
    /// Mail the signed-in creator each time the share is opened (no content, only that it was).
    /// Ignored for anonymous shares.
    #[serde(default)]
    pub read_receipt: bool,
    /// Finished uploads that become the share's files, in order (at most
    /// [`MAX_FILES_PER_SHARE`]). The sealed payload lists the same ids.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<ShareFileRef>,
    /// b64u of a `share-note` envelope: the share's label and what it holds, sealed for its
    /// creator with the vault key (docs/accounts.md, "Share notes"). Only with a session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// b64u of a `share-note` envelope holding the share's link; deleted when the share ends.
    /// Only with a session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
}

/// Where a share created while signed in stands, for the "My shares" page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ShareState {
    /// Can still be opened.
    Active,
    /// Reached its expiry.
    Expired,
    /// Its last view was used.
    UsedUp,
    /// Destroyed by its creator, or by too many wrong passwords.
    Destroyed,
}

/// One share of the signed-in account (`GET /api/v1/my/shares`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MyShare {
    /// The share's id (the link's key is not known to the server).
    pub id: ShareId,
    /// Unix seconds.
    pub created_at: u64,
    /// Unix seconds.
    pub expires_at: u64,
    /// The view limit.
    pub max_views: u32,
    /// Views used so far.
    pub views_used: u32,
    /// Where it stands.
    pub state: ShareState,
    /// Whether each opening is mailed to the creator.
    pub read_receipt: bool,
    /// How many files it holds; `None` for shares summarised before this was kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub files: Option<u32>,
    /// Whether it asks for a password; `None` for shares summarised before this was kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<bool>,
    /// b64u of its label's `share-note` envelope, as the create request sent it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// b64u of its link's `share-note` envelope, while the share lives.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
}

/// `GET /api/v1/my/shares`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MyShareList {
    /// Newest first.
    pub shares: Vec<MyShare>,
}

/// The answer to a created share.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateShareResponse {
    /// The share's id.
    pub id: ShareId,
    /// When the share expires, Unix seconds.
    pub expires_at: u64,
    /// The view limit.
    pub max_views: u32,
}

/// A request that proves knowledge of one of a share's tokens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    /// base64url of a 32-byte token.
    pub token: ShareToken,
}

/// `POST /api/v1/shares/{id}/status` (status or management token): what anyone holding the
/// link may know before revealing. Reading it never consumes a view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShareStatus {
    /// The envelope's header, base64url: kind, password parameters and salt.
    pub header: String,
    /// When the share expires, Unix seconds.
    pub expires_at: u64,
    /// Views left before the share is destroyed.
    pub views_left: u32,
    /// The view limit set by the creator.
    pub max_views: u32,
    /// Wrong claims left before the share is destroyed.
    pub wrong_claims_left: u32,
    /// How many files the share holds.
    #[serde(default)]
    pub file_count: u32,
    /// Their plaintext bytes together.
    #[serde(default)]
    pub file_bytes: u64,
    /// The owner of a share created while signed in, while the account exists; `None` for an
    /// anonymous share. The reader checks the envelope's signature against it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signer: Option<ShareSigner>,
}

/// Who created a share while signed in, as the server names them (docs/envelope.md,
/// "Signatures"). The server vouches for the address only; the key's fingerprint, compared out
/// of band, is the anchor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShareSigner {
    /// The owner's normalized e-mail address.
    pub address: String,
    /// base64url of the owner's 32-byte Ed25519 identity public key.
    pub public_key: String,
}

/// `POST /api/v1/shares/{id}/claim`: presents both tokens to receive the envelope.
///
/// A wrong status token is answered like a missing share and not counted; a right status token
/// with a wrong access token (a wrong password) is counted against the share.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ClaimRequest {
    /// base64url of the 32-byte status token (proves the reader holds the link).
    pub status_token: StatusToken,
    /// base64url of the 32-byte access token (depends on the password, when there is one).
    pub access_token: AccessToken,
}

/// The answer to a successful claim, which consumed one view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClaimResponse {
    /// The envelope, base64url.
    pub envelope: String,
    /// Views left after this one; 0 means this was the last and the share is gone.
    pub views_left: u32,
    /// The share's files, in the creator's order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<StoredFile>,
    /// base64url of the 32-byte token this claim's downloads carry; present iff there are files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub download_token: Option<DownloadToken>,
}

/// `GET /api/v1/config`: the limits this server enforces, for the create form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServerConfig {
    /// Allowed lifetimes in seconds, shortest first.
    pub expiry_options: Vec<u64>,
    /// The highest view limit.
    pub max_views: u32,
    /// The largest envelope accepted, in bytes.
    pub max_envelope_bytes: usize,
    /// Wrong claims before a share is destroyed.
    pub max_wrong_claims: u32,
    /// The largest file accepted, plaintext bytes (0: this server takes no files).
    #[serde(default)]
    pub max_file_size: u64,
    /// Where the places in the security log come from, with its licence, for the About page's
    /// attribution; `None` when this server has no IP database.
    #[serde(default)]
    pub places_source: Option<String>,
}

/// `POST /api/v1/accounts/prelogin`: asks for the KDF inputs of an address before sign-in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PreloginRequest {
    /// The address as typed; the server trims and lower-cases it.
    pub email: String,
}

/// The KDF inputs of an address: an account's own, or for an address without an account a
/// deterministic stand-in of the same shape (docs/accounts.md, "Pre-login").
pub type PreloginResponse = KdfInputs;
