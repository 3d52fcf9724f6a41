//! The account operations the pages run, gluing `coffer_shared::crypto::account` to the
//! [`api::account`] client: derive the keys from a passphrase (in the worker), create an
//! account, sign in, unlock a session, and check a re-typed passphrase.
//!
//! What leaves the browser is what docs/accounts.md allows: `auth_proof`, the wrapped keys and
//! the public key. The passphrase, `master_key`, `kek`, the vault key and the identity seed
//! stay here.

use std::fmt;

use coffer_shared::api::{AccountKeysUpload, ChangePassphraseRequest, KdfInputs, SessionInfo, SignupRequest};
use coffer_shared::b64;
use coffer_shared::crypto::account::{AccountKeys, AccountSecrets, WrappedKeys};
use coffer_shared::crypto::envelope::PasswordParams;
use coffer_shared::crypto::kdf::{KdfParams, SALT_LEN};
use coffer_shared::crypto::{Key32, random_array};
use coffer_shared::id::AccountId;

use crate::api::{self, ApiError};
use crate::perf;
use crate::session::{Session, Unlocked};

/// Why an account operation failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountError {
    /// The server's Argon2id inputs are outside what this browser accepts.
    Refused,
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
            AccountError::WrongPassphrase => f.write_str("Wrong passphrase. Check it and try again."),
            AccountError::Locked => f.write_str("Your vault is locked. Unlock it and try again."),
            AccountError::Api(error) if error.code() == "wrong_passphrase" => {
                f.write_str("Wrong passphrase. Check it and try again.")
            }
            AccountError::Api(error) if error.code() == "invalid_credentials" => {
                f.write_str("Wrong e-mail address or passphrase.")
            }
            AccountError::Api(error) if error.code() == "invalid_code" => {
                f.write_str("That code is not right. Check it and try again.")
            }
            AccountError::Api(error) if error.code() == "signin_expired" => {
                f.write_str("This sign-in attempt expired. Start again.")
            }
            AccountError::Api(error) => error.fmt(f),
        }
    }
}

/// The Argon2id inputs of `kdf`, checked against the floor and the ceiling.
fn password_params(kdf: &KdfInputs) -> Result<PasswordParams, AccountError> {
    let params = KdfParams::new(kdf.m, kdf.t, kdf.p).map_err(|_| AccountError::Refused)?;
    let salt = b64::decode_array::<SALT_LEN>(&kdf.kdf_salt).map_err(|_| AccountError::Refused)?;
    Ok(PasswordParams { kdf: params, salt })
}

/// `auth_key` and `kek` of `passphrase`, with Argon2id in the worker.
pub async fn derive(passphrase: &str, kdf: &KdfInputs) -> Result<AccountKeys, AccountError> {
    let params = password_params(kdf)?;
    let master_key = crate::kdf::password_key(passphrase, &params).await;
    Ok(AccountKeys::derive(&master_key))
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

/// Opens a session's wrapped keys with `keys` and checks the public key.
pub fn open(info: &SessionInfo, keys: &AccountKeys) -> Result<Unlocked, AccountError> {
    let (wrapped, public_key) = wrapped_of(info)?;
    let secrets = AccountSecrets::unwrap(&info.account_id, keys, &wrapped, &public_key)
        .map_err(|_| AccountError::WrongPassphrase)?;
    Ok(Unlocked::new(info, secrets, public_key, reprompt_check(keys)))
}

/// A reloaded page: derives with the session's KDF inputs and opens its keys.
pub async fn unlock(info: &SessionInfo, passphrase: &str) -> Result<Unlocked, AccountError> {
    let keys = derive(passphrase, &info.kdf).await?;
    open(info, &keys)
}

/// New KDF inputs: a fresh salt and the default Argon2id costs.
fn fresh_kdf_inputs() -> KdfInputs {
    let params = KdfParams::DEFAULT;
    KdfInputs {
        kdf_salt: b64::encode(random_array::<SALT_LEN>()),
        m: params.m_kib(),
        t: params.t(),
        p: params.p(),
    }
}

/// What the server stores for a passphrase: its KDF inputs, proof and the keys wrapped under it.
fn upload(kdf: KdfInputs, keys: &AccountKeys, wrapped: &WrappedKeys) -> AccountKeysUpload {
    AccountKeysUpload {
        kdf,
        auth_proof: keys.auth_proof().to_b64(),
        wrapped_vault_key: b64::encode(&wrapped.vault_key),
        wrapped_identity_key: b64::encode(&wrapped.identity_key),
    }
}

/// Creates the account: fresh id, salt, vault key and identity; sends only the proof, the
/// wrapped keys and the public key. Answers the unlocked new session.
pub async fn signup(signup_token: &str, passphrase: &str) -> Result<Unlocked, AccountError> {
    let account_id = AccountId::random();
    let kdf = fresh_kdf_inputs();
    let keys = derive(passphrase, &kdf).await?;
    let secrets = AccountSecrets::generate();
    let wrapped = secrets.wrap(&account_id, &keys);
    let request = SignupRequest {
        signup_token: signup_token.to_owned(),
        account_id,
        keys: upload(kdf, &keys, &wrapped),
        public_key: b64::encode(secrets.identity.public_key()),
    };
    let info = api::account::signup(&request).await?;
    // The server's answer must name the keys just made; opening them checks exactly that.
    open(&info, &keys)
}

/// The first sign-in step: pre-login, derivation in the worker, the proof. Answers the keys
/// (kept until the second factor is in) and the challenge.
pub async fn signin(
    email: &str,
    passphrase: &str,
) -> Result<(AccountKeys, coffer_shared::api::SigninChallenge), AccountError> {
    let kdf = api::account::prelogin(email).await?;
    let span = perf::Span::start(perf::SIGNIN_KDF);
    let keys = derive(passphrase, &kdf).await?;
    span.end();
    let challenge = api::account::signin(email, keys.auth_proof().to_b64()).await?;
    Ok((keys, challenge))
}

/// `auth_proof` of a re-typed passphrase, as sent to prove it (turning off the authenticator),
/// after checking it against the one from unlocking.
pub async fn reprove(
    unlocked_kdf: &KdfInputs,
    check: &Key32,
    passphrase: &str,
) -> Result<String, AccountError> {
    let keys = derive(passphrase, unlocked_kdf).await?;
    // Key32 equality is constant-time.
    if reprompt_check(&keys) == *check {
        Ok(keys.auth_proof().to_b64())
    } else {
        Err(AccountError::WrongPassphrase)
    }
}

/// Changes the passphrase (docs/accounts.md, "Passphrase change"): proves `current`, derives
/// new keys from `new` with a fresh salt and the default costs, wraps the same vault key and
/// identity again, and stores them. The session then holds the new KDF inputs and check.
pub async fn change_passphrase(session: Session, current: &str, new: &str) -> Result<(), AccountError> {
    let (kdf, check, csrf) = session
        .with_unlocked(|u| (u.kdf.clone(), u.reprompt_check.clone(), u.csrf_token.clone()))
        .ok_or(AccountError::Locked)?;
    let auth_proof = reprove(&kdf, &check, current).await?;
    let new_kdf = fresh_kdf_inputs();
    let keys = derive(new, &new_kdf).await?;
    let wrapped = session
        .with_unlocked(|u| {
            let secrets = AccountSecrets { vault_key: u.vault_key.clone(), identity: u.identity.clone() };
            secrets.wrap(&u.account_id, &keys)
        })
        .ok_or(AccountError::Locked)?;
    let uploaded = upload(new_kdf.clone(), &keys, &wrapped);
    let wrapped = [uploaded.wrapped_vault_key.clone(), uploaded.wrapped_identity_key.clone()];
    let request = ChangePassphraseRequest { auth_proof, keys: uploaded };
    api::account::change_passphrase(&csrf, &request).await?;
    session.set_passphrase(new_kdf, wrapped, reprompt_check(&keys));
    Ok(())
}

/// Deletes the account after proving `passphrase`, then drops every key here.
pub async fn delete(session: Session, passphrase: &str) -> Result<(), AccountError> {
    let (kdf, check, csrf) = session
        .with_unlocked(|u| (u.kdf.clone(), u.reprompt_check.clone(), u.csrf_token.clone()))
        .ok_or(AccountError::Locked)?;
    let auth_proof = reprove(&kdf, &check, passphrase).await?;
    api::account::delete_account(&csrf, auth_proof).await?;
    session.deleted();
    Ok(())
}
