//! The kinds of [`Token`]: one marker type per thing a token opens, and an alias per kind.

use super::Token;

/// What a token opens: its name for `Debug` output and the API documentation.
pub trait TokenKind {
    /// The type's name as `Debug` prints it, e.g. `AccessToken`.
    const NAME: &'static str;
    /// What the server does with such a token, one sentence of the API documentation.
    const HANDLING: &'static str =
        "The server keeps only its SHA-256; a malformed one is 422 `invalid_token`.";
}

/// Marker types for [`Token`].
pub mod marker {
    /// Claims a share (depends on its password, when it has one).
    pub enum Access {}
    /// Reads a share's status and proves the reader holds the link.
    pub enum Status {}
    /// Destroys a share (the management link's).
    pub enum Manage {}
    /// Writes, finishes and attaches one upload.
    pub enum Upload {}
    /// Downloads the files of one claim.
    pub enum Download {}
    /// Any share token: the status or management token of `TokenRequest`.
    pub enum Share {}
    /// Creates the account of an address proven by its e-mailed code.
    pub enum Signup {}
    /// Names a sign-in attempt whose passphrase was right, until its second factor.
    pub enum Signin {}
    /// Proves the passphrase: `auth_proof` (docs/accounts.md, "Keys of an account").
    pub enum AuthProof {}
    /// Ends one session from the link of its "new sign-in" e-mail.
    pub enum EndLink {}
    /// Goes with every state-changing request of a session, in the CSRF header.
    pub enum Csrf {}
}

impl TokenKind for marker::Access {
    const NAME: &'static str = "AccessToken";
}

impl TokenKind for marker::Status {
    const NAME: &'static str = "StatusToken";
}

impl TokenKind for marker::Manage {
    const NAME: &'static str = "ManageToken";
}

impl TokenKind for marker::Upload {
    const NAME: &'static str = "UploadToken";
}

impl TokenKind for marker::Download {
    const NAME: &'static str = "DownloadToken";
}

impl TokenKind for marker::Share {
    const NAME: &'static str = "ShareToken";
}

impl TokenKind for marker::Signup {
    const NAME: &'static str = "SignupToken";
}

impl TokenKind for marker::Signin {
    const NAME: &'static str = "SigninToken";
}

impl TokenKind for marker::AuthProof {
    const NAME: &'static str = "AuthProof";
    const HANDLING: &'static str = "The server keeps only a keyed hash of it (`auth_verifier`); a \
                                    malformed one is 422 `invalid_token`.";
}

impl TokenKind for marker::EndLink {
    const NAME: &'static str = "EndLinkToken";
}

impl TokenKind for marker::Csrf {
    const NAME: &'static str = "CsrfToken";
    const HANDLING: &'static str = "The server recomputes it from the session and never stores it; \
                                    a state-changing request without the right one in \
                                    `X-Coffer-CSRF` is 403 `csrf`.";
}

/// A share's access token.
pub type AccessToken = Token<marker::Access>;
/// A share's status token.
pub type StatusToken = Token<marker::Status>;
/// A share's management token.
pub type ManageToken = Token<marker::Manage>;
/// An upload's token.
pub type UploadToken = Token<marker::Upload>;
/// A claim's download token.
pub type DownloadToken = Token<marker::Download>;
/// A share's status or management token, as `POST /shares/{id}/status` and `…/destroy` take it.
pub type ShareToken = Token<marker::Share>;
/// The token of a proven address, from `POST /signup/verify` to `POST /signup`.
pub type SignupToken = Token<marker::Signup>;
/// The token of an open sign-in attempt, from `POST /signin` to `…/verify` and `…/resend`.
pub type SigninToken = Token<marker::Signin>;
/// The 32-byte passphrase proof an account's client derives and sends.
pub type AuthProof = Token<marker::AuthProof>;
/// The token of a "new sign-in" e-mail's link, for `POST /sessions/end-by-link`.
pub type EndLinkToken = Token<marker::EndLink>;
/// A session's CSRF token (`SessionInfo::csrf_token`).
pub type CsrfToken = Token<marker::Csrf>;
