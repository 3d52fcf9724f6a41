//! Sign-up, sign-in, sessions, the authenticator and the account (`docs/api.md`, "Accounts").
//!
//! Bodies carry only the address, codes, tokens, `auth_proof`, wrapped keys and the public key.
//! Calls that act for a signed-in session take its CSRF token.

use coffer_shared::api::{
    ChangePassphraseRequest, CodeSent, EmailRequest, EndByLinkRequest, KdfInputs, MyShareList, Notifications,
    PreloginRequest, ProofRequest, RecoveryCodes, SecondFactor, SessionInfo, SessionList, SessionsEnded,
    SigninChallenge, SigninRequest, SigninResendRequest, SigninVerifyRequest, SignupRequest, SignupVerified,
    SignupVerifyRequest, TotpConfirmRequest, TotpSetup,
};

use coffer_shared::id::ShareId;
use coffer_shared::token::{AuthProof, EndLinkToken, SigninToken};

use super::{ApiError, body, json, send};
use coffer_shared::api::paths;

/// `POST /api/v1/signup/code`: mails a sign-up code (or an "already registered" note).
pub async fn signup_code(email: &str) -> Result<CodeSent, ApiError> {
    let request = EmailRequest { email: email.to_owned() };
    json(send("POST", paths::SIGNUP_CODE, Some(body(&request)?), None).await?).await
}

/// `POST /api/v1/signup/verify`: trades the mailed code for a sign-up token.
pub async fn signup_verify(email: &str, code: &str) -> Result<SignupVerified, ApiError> {
    let request = SignupVerifyRequest { email: email.to_owned(), code: code.to_owned() };
    json(send("POST", paths::SIGNUP_VERIFY, Some(body(&request)?), None).await?).await
}

/// `POST /api/v1/signup`: creates the account; the answer is the new session.
pub async fn signup(request: &SignupRequest) -> Result<SessionInfo, ApiError> {
    json(send("POST", paths::SIGNUP, Some(body(request)?), None).await?).await
}

/// `POST /api/v1/accounts/prelogin`: the KDF inputs of an address.
pub async fn prelogin(email: &str) -> Result<KdfInputs, ApiError> {
    let request = PreloginRequest { email: email.to_owned() };
    json(send("POST", paths::PRELOGIN, Some(body(&request)?), None).await?).await
}

/// `POST /api/v1/signin`: the passphrase's proof; the answer names the second factor.
pub async fn signin(email: &str, auth_proof: AuthProof) -> Result<SigninChallenge, ApiError> {
    let request = SigninRequest { email: email.to_owned(), auth_proof };
    json(send("POST", paths::SIGNIN, Some(body(&request)?), None).await?).await
}

/// `POST /api/v1/signin/verify`: the second factor; the answer is the new session.
pub async fn signin_verify(signin_token: &SigninToken, code: &str) -> Result<SessionInfo, ApiError> {
    let request = SigninVerifyRequest { signin_token: signin_token.clone(), code: code.to_owned() };
    json(send("POST", paths::SIGNIN_VERIFY, Some(body(&request)?), None).await?).await
}

/// `POST /api/v1/signin/resend`: mails a new sign-in code.
pub async fn signin_resend(signin_token: &SigninToken) -> Result<(), ApiError> {
    let request = SigninResendRequest { signin_token: signin_token.clone() };
    send("POST", paths::SIGNIN_RESEND, Some(body(&request)?), None).await.map(drop)
}

/// `GET /api/v1/session`: the signed-in session, or 401 `unauthenticated`.
pub async fn session() -> Result<SessionInfo, ApiError> {
    json(send("GET", paths::SESSION, None, None).await?).await
}

/// `POST /api/v1/session/signout`: ends this session and clears the cookie.
pub async fn signout(csrf: &str) -> Result<(), ApiError> {
    send("POST", paths::SESSION_SIGNOUT, None, Some(csrf)).await.map(drop)
}

/// `PUT /api/v1/account/notifications`: stores the mail preferences; the answer is them as
/// stored.
pub async fn set_notifications(csrf: &str, wanted: Notifications) -> Result<Notifications, ApiError> {
    json(send("PUT", paths::NOTIFICATIONS, Some(body(&wanted)?), Some(csrf)).await?).await
}

/// `GET /api/v1/sessions`: every active session of the account.
pub async fn sessions() -> Result<SessionList, ApiError> {
    json(send("GET", paths::SESSIONS, None, None).await?).await
}

/// `DELETE /api/v1/sessions/{id}`: ends one session.
pub async fn end_session(csrf: &str, id: &str) -> Result<(), ApiError> {
    let url = paths::session(&String::from(js_sys::encode_uri_component(id)));
    send("DELETE", &url, None, Some(csrf)).await.map(drop)
}

/// `POST /api/v1/sessions/end-others`: ends every session but this one.
pub async fn end_other_sessions(csrf: &str) -> Result<SessionsEnded, ApiError> {
    json(send("POST", paths::SESSIONS_END_OTHERS, None, Some(csrf)).await?).await
}

/// `POST /api/v1/sessions/end-by-link`: ends the session a "new sign-in" mail names.
pub async fn end_session_by_link(token: &EndLinkToken) -> Result<(), ApiError> {
    let request = EndByLinkRequest { token: token.clone() };
    send("POST", paths::SESSIONS_END_BY_LINK, Some(body(&request)?), None).await.map(drop)
}

/// `POST /api/v1/account/totp/setup`: a pending authenticator secret.
pub async fn totp_setup(csrf: &str) -> Result<TotpSetup, ApiError> {
    json(send("POST", paths::TOTP_SETUP, None, Some(csrf)).await?).await
}

/// `POST /api/v1/account/totp/confirm`: enables (or replaces) the authenticator, proving the
/// passphrase; the answer holds the recovery codes, shown once.
pub async fn totp_confirm(csrf: &str, code: &str, auth_proof: AuthProof) -> Result<RecoveryCodes, ApiError> {
    let request = TotpConfirmRequest { code: code.to_owned(), auth_proof };
    json(send("POST", paths::TOTP_CONFIRM, Some(body(&request)?), Some(csrf)).await?).await
}

/// `POST /api/v1/account/totp/disable`: turns the authenticator off (proves the passphrase).
pub async fn totp_disable(csrf: &str, auth_proof: AuthProof) -> Result<(), ApiError> {
    let request = ProofRequest { auth_proof };
    send("POST", paths::TOTP_DISABLE, Some(body(&request)?), Some(csrf)).await.map(drop)
}

/// `POST /api/v1/account/totp/recovery-codes`: a new set of recovery codes in place of the old
/// (proves the passphrase); shown once.
pub async fn new_recovery_codes(csrf: &str, auth_proof: AuthProof) -> Result<RecoveryCodes, ApiError> {
    let request = ProofRequest { auth_proof };
    json(send("POST", paths::TOTP_RECOVERY_CODES, Some(body(&request)?), Some(csrf)).await?).await
}

/// `POST /api/v1/account/passphrase`: stores the re-wrapped keys under a new passphrase; every
/// other session ends.
pub async fn change_passphrase(csrf: &str, request: &ChangePassphraseRequest) -> Result<(), ApiError> {
    send("POST", paths::PASSPHRASE, Some(body(request)?), Some(csrf)).await.map(drop)
}

/// `POST /api/v1/account/delete`: deletes the account, its records, shares and sessions.
pub async fn delete_account(csrf: &str, auth_proof: AuthProof) -> Result<(), ApiError> {
    let request = ProofRequest { auth_proof };
    send("POST", paths::ACCOUNT_DELETE, Some(body(&request)?), Some(csrf)).await.map(drop)
}

/// `GET /api/v1/my/shares`: the shares this account created, newest first.
pub async fn my_shares() -> Result<MyShareList, ApiError> {
    json(send("GET", paths::MY_SHARES, None, None).await?).await
}

/// `POST /api/v1/my/shares/{id}/destroy`: destroys one of this account's live shares.
pub async fn destroy_my_share(csrf: &str, id: &ShareId) -> Result<(), ApiError> {
    send("POST", &paths::my_share_destroy(id), None, Some(csrf)).await.map(drop)
}

/// Which second factor a challenge asks for, as words for the code field.
pub fn factor_label(factor: SecondFactor) -> &'static str {
    match factor {
        SecondFactor::Email => "Code from the e-mail",
        SecondFactor::Totp => "Authenticator code or recovery code",
    }
}
