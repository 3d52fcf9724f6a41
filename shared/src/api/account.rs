//! Wire types of sign-up, sign-in, sessions and the signed-in account (`docs/api.md`,
//! "Accounts"). Keys and the passphrase never appear here: only `auth_proof`, wrapped keys and
//! the public key (docs/accounts.md).

use serde::{Deserialize, Serialize};

use crate::b64;
use crate::crypto::account_kdf::{AccountKdf, KdfVersion};
use crate::crypto::kdf::{KdfParams, KdfParamsError, SALT_LEN};
use crate::id::AccountId;
use crate::token::{AuthProof, CsrfToken, EndLinkToken, SigninToken, SignupToken};

/// Digits in a code sent by e-mail.
pub const EMAIL_CODE_DIGITS: usize = 8;
/// Seconds an e-mailed code stays valid.
pub const CODE_LIFETIME: u64 = 600;
/// Wrong entries that kill a code.
pub const CODE_MAX_WRONG: u32 = 5;
/// Recovery codes made when an authenticator is enrolled.
pub const RECOVERY_CODES: usize = 10;
/// The header that carries a session's CSRF token on every state-changing request.
pub const CSRF_HEADER: &str = "x-coffer-csrf";

/// `POST /api/v1/signup/code`: asks for a code proving the sender reads `email`.
///
/// Always answered 202 with [`CodeSent`], whether or not the address has an account (an
/// address that has one gets a "you already have an account" message instead of a code).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EmailRequest {
    /// The address as typed; the server trims and lower-cases it.
    pub email: String,
}

/// A code is on its way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CodeSent {
    /// Seconds the code stays valid.
    pub expires_in: u64,
}

/// `POST /api/v1/signup/verify`: the code from the sign-up e-mail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SignupVerifyRequest {
    /// The address the code was sent to.
    pub email: String,
    /// The 8 digits (spaces and dashes are ignored).
    pub code: String,
}

/// The address is proven: a token that lets the browser create the account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignupVerified {
    /// base64url of 32 random bytes, single use; the server keeps only its hash.
    pub signup_token: SignupToken,
    /// Seconds the token stays valid.
    pub expires_in: u64,
}

/// The KDF inputs of an account: version, Argon2id costs and salt (docs/accounts.md, "Keys of an
/// account" and "KDF versions").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct KdfInputs {
    /// `kdf_version`: 2 binds the address into the Argon2id salt; 1 is an account not yet
    /// migrated. Absent means 1, as written before versions existed; uploads must say 2.
    #[serde(default = "KdfVersion::unversioned")]
    pub version: KdfVersion,
    /// base64url of the 16-byte `kdf_salt`.
    pub kdf_salt: String,
    /// Argon2id memory cost in KiB.
    pub m: u32,
    /// Argon2id passes.
    pub t: u32,
    /// Argon2id parallelism.
    pub p: u8,
}

/// Why [`KdfInputs`] cannot be derived from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum KdfInputsError {
    /// The parameters are below the floor or above the ceiling.
    #[error("{0}")]
    Params(#[from] KdfParamsError),
    /// `kdf_salt` is not base64url of 16 bytes.
    #[error("kdf_salt must be base64url of 16 bytes")]
    Salt,
}

impl KdfInputs {
    /// The wire form of `kdf`.
    pub fn of(kdf: &AccountKdf) -> Self {
        Self {
            version: kdf.version,
            kdf_salt: b64::encode(kdf.kdf_salt),
            m: kdf.params.m_kib(),
            t: kdf.params.t(),
            p: kdf.params.p(),
        }
    }

    /// Checks the parameters against the floor and the ceiling and decodes the salt.
    pub fn parse(&self) -> Result<AccountKdf, KdfInputsError> {
        let params = KdfParams::new(self.m, self.t, self.p)?;
        let kdf_salt = b64::decode_array::<SALT_LEN>(&self.kdf_salt).map_err(|_| KdfInputsError::Salt)?;
        Ok(AccountKdf { version: self.version, params, kdf_salt })
    }
}

/// The keys an account's browser hands to the server: a proof, never the passphrase or a key
/// that opens anything.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AccountKeysUpload {
    /// How `master_key` is derived.
    pub kdf: KdfInputs,
    /// base64url of the 32-byte `auth_proof`; the server stores only a keyed hash of it.
    pub auth_proof: AuthProof,
    /// base64url of the `wrapped-vault-key` envelope.
    pub wrapped_vault_key: String,
    /// base64url of the `wrapped-identity-key` envelope.
    pub wrapped_identity_key: String,
}

/// `POST /api/v1/signup`: creates the account and signs in (a session cookie is set).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SignupRequest {
    /// From [`SignupVerified`].
    pub signup_token: SignupToken,
    /// Chosen by the browser; bound into the wrapped keys.
    pub account_id: AccountId,
    /// The derived proof and the wrapped keys.
    pub keys: AccountKeysUpload,
    /// base64url of the 32-byte Ed25519 public key.
    pub public_key: String,
}

/// `POST /api/v1/signin`: the first factor, proof of the passphrase.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SigninRequest {
    /// The address as typed.
    pub email: String,
    /// base64url of the 32-byte `auth_proof` derived with the pre-login answer.
    pub auth_proof: AuthProof,
}

/// Which second factor a sign-in needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SecondFactor {
    /// An 8-digit code, just sent by e-mail.
    Email,
    /// A 6-digit code from the enrolled authenticator, or a recovery code.
    Totp,
}

/// The passphrase was right: the second factor is next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SigninChallenge {
    /// base64url of 32 random bytes naming this sign-in attempt; the server keeps its hash.
    pub signin_token: SigninToken,
    /// What to ask the user for.
    pub second_factor: SecondFactor,
    /// Seconds the attempt stays open.
    pub expires_in: u64,
}

/// `POST /api/v1/signin/verify`: the second factor. On success a session cookie is set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SigninVerifyRequest {
    /// From [`SigninChallenge`].
    pub signin_token: SigninToken,
    /// The e-mailed code, the authenticator's code or a recovery code.
    pub code: String,
}

/// `POST /api/v1/signin/resend`: a new e-mailed code for an open sign-in attempt (the wrong
/// tries of the old one still count).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SigninResendRequest {
    /// From [`SigninChallenge`].
    pub signin_token: SigninToken,
}

/// `GET /api/v1/session`: who is signed in, and what the browser needs to unlock the vault.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionInfo {
    /// The account.
    pub account_id: AccountId,
    /// Its normalized address.
    pub email: String,
    /// How `master_key` is derived.
    pub kdf: KdfInputs,
    /// base64url of the `wrapped-vault-key` envelope.
    pub wrapped_vault_key: String,
    /// base64url of the `wrapped-identity-key` envelope.
    pub wrapped_identity_key: String,
    /// base64url of the Ed25519 public key the unwrapped identity key must match.
    pub public_key: String,
    /// Send it in the [`CSRF_HEADER`] header with every state-changing request.
    pub csrf_token: CsrfToken,
    /// This session's id (as listed by `GET /api/v1/sessions`).
    pub session_id: String,
    /// Whether sign-in asks for an authenticator code instead of an e-mailed one.
    pub totp_enabled: bool,
    /// Seconds without a request after which the session ends.
    pub idle_timeout: u64,
    /// When the session ends whatever happens, Unix seconds.
    pub expires_at: u64,
    /// The account's mail preferences.
    pub notifications: Notifications,
}

/// The account's mail preferences (docs/mail.md), and `PUT /api/v1/account/notifications`:
/// both members required. Security alerts are always sent and are not here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Notifications {
    /// Mail an activity report when a session signs out.
    pub signout_report: bool,
    /// Mail a summary of the week's activity, at most every 7 days.
    pub weekly_digest: bool,
}

impl Default for Notifications {
    /// Both on: the defaults of a new account, and of one made before the preferences existed.
    fn default() -> Self {
        Self { signout_report: true, weekly_digest: true }
    }
}

/// One signed-in session of the account, for the sessions page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionSummary {
    /// Public id of the session (not its token).
    pub id: String,
    /// When it signed in, Unix seconds.
    pub created_at: u64,
    /// Its last request, Unix seconds (to the minute).
    pub last_seen_at: u64,
    /// The client IP it signed in from.
    pub ip: String,
    /// Its `User-Agent`, cut to 256 characters.
    pub user_agent: String,
    /// An approximate place, when the server knows one.
    pub place: Option<String>,
    /// The session making this request.
    pub current: bool,
}

/// `GET /api/v1/sessions`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionList {
    /// Every active session, newest first.
    pub sessions: Vec<SessionSummary>,
}

/// `POST /api/v1/sessions/end-others`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionsEnded {
    /// How many sessions were ended.
    pub ended: u32,
}

/// `POST /api/v1/sessions/end-by-link`: the token from a "new sign-in" e-mail ends that one
/// session. Needs no session of its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EndByLinkRequest {
    /// base64url of the link's 32-byte token (from the URL fragment).
    pub token: EndLinkToken,
}

/// `POST /api/v1/account/totp/setup`: a new authenticator secret, pending confirmation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TotpSetup {
    /// The secret in RFC 4648 base32 without padding, for typing into an authenticator.
    pub secret: String,
    /// The `otpauth://totp/...` URI to show as a QR code.
    pub otpauth_uri: String,
}

/// `POST /api/v1/account/totp/confirm`: a code from the authenticator proves it was enrolled,
/// and the passphrase proof that the account holder is enrolling (or replacing) it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TotpConfirmRequest {
    /// 6 digits.
    pub code: String,
    /// base64url of the current `auth_proof`.
    pub auth_proof: AuthProof,
}

/// The recovery codes, shown once: each signs in once in place of an authenticator code. The
/// answer of `POST /api/v1/account/totp/confirm` and `POST /api/v1/account/totp/recovery-codes`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecoveryCodes {
    /// [`RECOVERY_CODES`] codes such as `k7pq-3xmd-9wbt`.
    pub codes: Vec<String>,
}

/// A request that proves the passphrase again (turning off the authenticator, making new
/// recovery codes, deleting the account).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ProofRequest {
    /// base64url of the current `auth_proof`.
    pub auth_proof: AuthProof,
}

/// `POST /api/v1/account/passphrase`: re-wrapped keys under a new passphrase. Every other
/// session ends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ChangePassphraseRequest {
    /// base64url of the `auth_proof` of the current passphrase.
    pub auth_proof: AuthProof,
    /// The new proof, KDF inputs and wrapped keys.
    pub keys: AccountKeysUpload,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kdf_inputs_without_a_version_are_version_1_and_round_trip() {
        let old: KdfInputs =
            serde_json::from_str(r#"{"kdf_salt":"BwcHBwcHBwcHBwcHBwcHBw","m":65536,"t":3,"p":4}"#).unwrap();
        assert_eq!(old.version, KdfVersion::V1);
        let kdf = AccountKdf::fresh();
        let wire = KdfInputs::of(&kdf);
        assert_eq!(serde_json::to_value(&wire).unwrap()["version"], 2);
        assert_eq!(wire.parse().unwrap(), kdf);
        assert!(
            serde_json::from_str::<KdfInputs>(r#"{"version":3,"kdf_salt":"","m":1,"t":1,"p":1}"#).is_err()
        );
        let short = KdfInputs { kdf_salt: "AAAA".into(), ..wire.clone() };
        assert_eq!(short.parse(), Err(KdfInputsError::Salt));
        let weak = KdfInputs { m: 1024, ..wire };
        assert!(matches!(weak.parse(), Err(KdfInputsError::Params(_))));
    }
}
