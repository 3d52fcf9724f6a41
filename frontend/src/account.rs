//! The account operations the pages run, gluing `coffer_shared::crypto::account` to the
//! [`api::account`] client: derive the keys from a passphrase (in the worker), create an
//! account, sign in (and migrate a version-1 account), unlock a session, and check a re-typed
//! passphrase. Inputs the server supplies are checked against the parameters this browser
//! remembers for the address before anything is derived from them ([`memory`]).
//!
//! What leaves the browser is what docs/accounts.md allows: `auth_proof`, the wrapped keys and
//! the public key. The passphrase, `master_key`, `kek`, the vault key and the identity seed
//! stay here.

use coffer_shared::api::ErrorCode;
use std::fmt;

use coffer_shared::api::{AccountKeysUpload, ChangePassphraseRequest, KdfInputs, SessionInfo, SignupRequest};
use coffer_shared::b64;
use coffer_shared::crypto::Key32;
use coffer_shared::crypto::account::{AccountKeys, AccountSecrets, WrappedKeys};
use coffer_shared::crypto::account_kdf::{AccountKdf, KdfVersion, normalize_email};
use coffer_shared::crypto::kdf_memory::Downgrade;
use coffer_shared::id::AccountId;
use coffer_shared::token::{AuthProof, SignupToken};

use crate::api::{self, ApiError};
use crate::perf;
use crate::session::{Session, Unlocked};

mod memory;

/// Why an account operation failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountError {
    /// The server's Argon2id inputs are outside what this browser accepts (or of an unknown
    /// version, or with a malformed salt).
    Refused,
    /// The server asked for weaker inputs than this browser remembers for the address
    /// (docs/accounts.md, "Remembered parameters"). Nothing was derived or sent.
    Weaker(Downgrade),
    /// The passphrase does not open this account's keys (or they were altered).
    WrongPassphrase,
    /// The keys are not open (locked or signed out meanwhile).
    Locked,
    /// The server refused or could not be reached.
    Api(ApiError),
}

impl From<ApiError> for AccountError {
    fn from(error: ApiError) -> Self {
        AccountError::Api(error)
    }
}

impl fmt::Display for AccountError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AccountError::Refused => f.write_str(
                "The server asked for passphrase protection weaker (or costlier) than this browser \
                 accepts. Nothing was sent.",
            ),
            AccountError::Weaker(downgrade) => write!(
                f,
                "The server asked this browser to protect your passphrase more weakly than the last \
                 time you unlocked this account here ({downgrade}). Weaker protection makes your \
                 passphrase cheaper to guess, which is what an attacker in control of the server \
                 would want. Your passphrase was not used and nothing was sent."
            ),
            AccountError::WrongPassphrase => f.write_str("Wrong passphrase. Check it and try again."),
            AccountError::Locked => f.write_str("Your vault is locked. Unlock it and try again."),
            AccountError::Api(error) if error.code() == ErrorCode::WrongPassphrase => {
                f.write_str("Wrong passphrase. Check it and try again.")
            }
            AccountError::Api(error) if error.code() == ErrorCode::InvalidCredentials => {
                f.write_str("Wrong e-mail address or passphrase.")
            }
            AccountError::Api(error) if error.code() == ErrorCode::InvalidCode => {
                f.write_str("That code is not right. Check it and try again.")
            }
            AccountError::Api(error) if error.code() == ErrorCode::SigninExpired => {
                f.write_str("This sign-in attempt expired. Start again.")
            }
            AccountError::Api(error) if error.code() == ErrorCode::NoAuthenticator => {
                f.write_str("This account has no authenticator any more. Reload the page.")
            }
            AccountError::Api(error) => error.fmt(f),
        }
    }
}

/// What `master_key` comes from besides the passphrase: the account's normalized address and
/// its KDF inputs (docs/accounts.md, "Keys of an account").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Derivation {
    /// `normalize(email)`, bound into a version-2 `argon2_salt`.
    pub email: String,
    /// Version, Argon2id costs and `kdf_salt`.
    pub kdf: AccountKdf,
}

impl Derivation {
    /// Inputs for `email`, normalized here.
    fn new(email: &str, kdf: AccountKdf) -> Self {
        Self { email: normalize_email(email), kdf }
    }
}

/// Keys derived from a passphrase, with the inputs they came from.
#[derive(Debug)]
pub struct Derived {
    keys: AccountKeys,
    inputs: Derivation,
}

/// Inputs the server supplied for `email`: within the floor and the ceiling, of a known version,
/// and not weaker than what this browser remembers for the address. Checked before anything is
/// derived from them.
fn checked(email: &str, kdf: &KdfInputs) -> Result<Derivation, AccountError> {
    let inputs = Derivation::new(email, kdf.parse().map_err(|_| AccountError::Refused)?);
    memory::check(&inputs).map_err(AccountError::Weaker)?;
    Ok(inputs)
}

/// `auth_key` and `kek` from inputs this browser chose or has checked, with Argon2id in the
/// worker.
async fn derive_from(passphrase: &str, inputs: &Derivation) -> AccountKeys {
    let salt = inputs.kdf.argon2_salt(&inputs.email);
    let master_key = crate::kdf::argon2id(passphrase, &salt, inputs.kdf.params).await;
    AccountKeys::derive(&master_key)
}

/// `auth_key` and `kek` from kept inputs, after checking them again against the remembered ones.
async fn derive(passphrase: &str, inputs: &Derivation) -> Result<AccountKeys, AccountError> {
    memory::check(inputs).map_err(AccountError::Weaker)?;
    Ok(derive_from(passphrase, inputs).await)
}

/// The value kept to check a re-typed passphrase (`AccountKeys::reprompt_check`).
pub fn reprompt_check(keys: &AccountKeys) -> Key32 {
    keys.reprompt_check()
}

/// The wrapped keys of a session, decoded.
fn wrapped_of(info: &SessionInfo) -> Result<(WrappedKeys, [u8; 32]), AccountError> {
    let decode = |text: &str| b64::decode(text).map_err(|_| AccountError::WrongPassphrase);
    let wrapped = WrappedKeys {
        vault_key: decode(&info.wrapped_vault_key)?,
        identity_key: decode(&info.wrapped_identity_key)?,
    };
    let public_key = b64::decode_array::<32>(&info.public_key).map_err(|_| AccountError::WrongPassphrase)?;
    Ok((wrapped, public_key))
}

/// Opens a session's wrapped keys with `derived` and checks the public key. The inputs kept for
/// re-prompts are those the keys came from (not the session's copy), and this browser now
/// remembers them for the address.
fn open(info: &SessionInfo, derived: &Derived) -> Result<Unlocked, AccountError> {
    let (wrapped, public_key) = wrapped_of(info)?;
    let secrets = AccountSecrets::unwrap(&info.account_id, &derived.keys, &wrapped, &public_key)
        .map_err(|_| AccountError::WrongPassphrase)?;
    memory::remember(&derived.inputs);
    Ok(Unlocked::new(info, secrets, public_key, derived.inputs.clone(), reprompt_check(&derived.keys)))
}

/// A reloaded page: derives with the session's KDF inputs (checked) and opens its keys.
pub async fn unlock(info: &SessionInfo, passphrase: &str) -> Result<Unlocked, AccountError> {
    let inputs = checked(&info.email, &info.kdf)?;
    let keys = derive_from(passphrase, &inputs).await;
    open(info, &Derived { keys, inputs })
}

/// What the server stores for a passphrase: its KDF inputs, proof and the keys wrapped under it.
fn upload(kdf: &AccountKdf, keys: &AccountKeys, wrapped: &WrappedKeys) -> AccountKeysUpload {
    AccountKeysUpload {
        kdf: KdfInputs::of(kdf),
        auth_proof: AuthProof::from_key(&keys.auth_proof()),
        wrapped_vault_key: b64::encode(&wrapped.vault_key),
        wrapped_identity_key: b64::encode(&wrapped.identity_key),
    }
}

/// Creates the account for `email` (the address whose code was verified): fresh id, version-2
/// inputs, vault key and identity; sends only the proof, the wrapped keys and the public key.
/// Answers the unlocked new session.
pub async fn signup(
    email: &str,
    signup_token: &SignupToken,
    passphrase: &str,
) -> Result<Unlocked, AccountError> {
    let account_id = AccountId::random();
    let inputs = Derivation::new(email, AccountKdf::fresh());
    let keys = derive_from(passphrase, &inputs).await;
    let secrets = AccountSecrets::generate();
    let wrapped = secrets.wrap(&account_id, &keys);
    let request = SignupRequest {
        signup_token: signup_token.clone(),
        account_id,
        keys: upload(&inputs.kdf, &keys, &wrapped),
        public_key: b64::encode(secrets.identity.public_key()),
    };
    let info = api::account::signup(&request).await?;
    // The server's answer must name the keys just made; opening them checks exactly that.
    open(&info, &Derived { keys, inputs })
}

/// The keys of a sign-in waiting for its second factor: those of the pre-login answer, and for a
/// version-1 account those it will be re-keyed to (docs/accounts.md, "Migration from version 1").
#[derive(Debug)]
pub struct SigninKeys {
    current: Derived,
    upgrade: Option<Derived>,
}

/// The first sign-in step: pre-login, the checks (floor, ceiling, version, remembered
/// parameters), derivation in the worker, the proof. Answers the keys (kept until the second
/// factor is in) and the challenge. Nothing is derived from refused inputs.
pub async fn signin(
    email: &str,
    passphrase: &str,
) -> Result<(SigninKeys, coffer_shared::api::SigninChallenge), AccountError> {
    let answer = api::account::prelogin(email).await?;
    let inputs = checked(email, &answer)?;
    let span = perf::Span::start(perf::SIGNIN_KDF);
    let keys = derive_from(passphrase, &inputs).await;
    span.end();
    let challenge = api::account::signin(email, AuthProof::from_key(&keys.auth_proof())).await?;
    // The passphrase is right; derive the version-2 keys now, while it is at hand.
    let upgrade = match inputs.kdf.version {
        KdfVersion::V1 => {
            let next = Derivation { email: inputs.email.clone(), kdf: inputs.kdf.successor() };
            Some(Derived { keys: derive_from(passphrase, &next).await, inputs: next })
        }
        KdfVersion::V2 => None,
    };
    Ok((SigninKeys { current: Derived { keys, inputs }, upgrade }, challenge))
}

/// The second sign-in step has answered `info`: opens its keys, and re-keys a version-1 account
/// to version 2 with the same passphrase. A failed re-key is not a failed sign-in: the account
/// stays on version 1 and the next sign-in tries again.
pub async fn finish_signin(info: &SessionInfo, keys: SigninKeys) -> Result<Unlocked, AccountError> {
    let mut unlocked = open(info, &keys.current)?;
    if let Some(next) = keys.upgrade {
        let old_proof = AuthProof::from_key(&keys.current.keys.auth_proof());
        let request = rekey_request(&unlocked, old_proof, &next);
        let wrapped = [request.keys.wrapped_vault_key.clone(), request.keys.wrapped_identity_key.clone()];
        if api::account::change_passphrase(unlocked.csrf_token.as_str(), &request).await.is_ok() {
            memory::remember(&next.inputs);
            let check = reprompt_check(&next.keys);
            unlocked.rekeyed(next.inputs, wrapped, check);
        }
    }
    Ok(unlocked)
}

/// The passphrase change that stores `next` for `unlocked`'s account: its vault key and
/// identity wrapped under `next`'s keys, proven with `old_proof`.
fn rekey_request(unlocked: &Unlocked, old_proof: AuthProof, next: &Derived) -> ChangePassphraseRequest {
    let secrets =
        AccountSecrets { vault_key: unlocked.vault_key.clone(), identity: unlocked.identity.clone() };
    let wrapped = secrets.wrap(&unlocked.account_id, &next.keys);
    ChangePassphraseRequest { auth_proof: old_proof, keys: upload(&next.inputs.kdf, &next.keys, &wrapped) }
}

/// `auth_proof` of a re-typed passphrase, as sent to prove it (turning off the authenticator),
/// after checking the kept inputs against the remembered ones and the result against the check
/// from unlocking.
pub async fn reprove(
    unlocked_kdf: &Derivation,
    check: &Key32,
    passphrase: &str,
) -> Result<AuthProof, AccountError> {
    let keys = derive(passphrase, unlocked_kdf).await?;
    // Key32 equality is constant-time.
    if reprompt_check(&keys) == *check {
        Ok(AuthProof::from_key(&keys.auth_proof()))
    } else {
        Err(AccountError::WrongPassphrase)
    }
}

/// Changes the passphrase (docs/accounts.md, "Passphrase change" and "Re-keying"): proves
/// `current`, derives new keys from `new` with a fresh salt, version 2 and never lower costs,
/// wraps the same vault key and identity again, and stores them. The session then holds the new
/// inputs and check, and this browser remembers them.
pub async fn change_passphrase(session: Session, current: &str, new: &str) -> Result<(), AccountError> {
    let (kdf, check, csrf) = session
        .with_unlocked(|u| (u.kdf.clone(), u.reprompt_check.clone(), u.csrf_token.as_str().to_owned()))
        .ok_or(AccountError::Locked)?;
    let auth_proof = reprove(&kdf, &check, current).await?;
    let inputs = Derivation { email: kdf.email.clone(), kdf: kdf.kdf.successor() };
    let next = Derived { keys: derive_from(new, &inputs).await, inputs };
    let request =
        session.with_unlocked(|u| rekey_request(u, auth_proof, &next)).ok_or(AccountError::Locked)?;
    let wrapped = [request.keys.wrapped_vault_key.clone(), request.keys.wrapped_identity_key.clone()];
    api::account::change_passphrase(&csrf, &request).await?;
    memory::remember(&next.inputs);
    session.set_passphrase(next.inputs.clone(), wrapped, reprompt_check(&next.keys));
    Ok(())
}

/// Deletes the account after proving `passphrase`, then drops every key here.
pub async fn delete(session: Session, passphrase: &str) -> Result<(), AccountError> {
    let (kdf, check, csrf) = session
        .with_unlocked(|u| (u.kdf.clone(), u.reprompt_check.clone(), u.csrf_token.as_str().to_owned()))
        .ok_or(AccountError::Locked)?;
    let auth_proof = reprove(&kdf, &check, passphrase).await?;
    api::account::delete_account(&csrf, auth_proof).await?;
    session.deleted();
    Ok(())
}

/// The session's CSRF token and the `auth_proof` of a re-typed `passphrase`, checked here first
/// against the one from unlocking, for a change that proves the passphrase again.
pub async fn proof_of(session: Session, passphrase: &str) -> Result<(String, AuthProof), AccountError> {
    let (kdf, check, csrf) = session
        .with_unlocked(|u| (u.kdf.clone(), u.reprompt_check.clone(), u.csrf_token.as_str().to_owned()))
        .ok_or(AccountError::Locked)?;
    let auth_proof = reprove(&kdf, &check, passphrase).await?;
    Ok((csrf, auth_proof))
}
