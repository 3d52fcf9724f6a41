//! An account's keys and its two wrapped keys (docs/accounts.md, "Keys of an account"):
//!
//! ```text
//! master_key           = Argon2id(UTF-8(passphrase), kdf_salt, m, t, p)
//! auth_key             = HKDF(master_key, salt = "", info = "coffer/v1/account/auth")
//! kek                  = HKDF(master_key, salt = "", info = "coffer/v1/account/kek")
//! auth_proof           = SHA-256("coffer/v1/account/auth-proof" || auth_key)
//! wrapped_vault_key    = seal(wrapped-vault-key,    kek, account_id, vault_key)
//! wrapped_identity_key = seal(wrapped-identity-key, kek, account_id, identity_seed)
//! ```
//!
//! `master_key` is [`password_key`](super::kdf::password_key) of the passphrase and the account's
//! [`PasswordParams`](super::envelope::PasswordParams); browsers compute it in a worker.

use sha2::{Digest, Sha256};

use super::OpenError;
use super::envelope::{self, Envelope, Header, Kind, NONCE_LEN};
use super::identity::IdentityKey;
use super::kdf::hkdf;
use super::secret::{Key32, random_array};
use crate::id::AccountId;

/// HKDF info of `auth_key`.
pub const AUTH_LABEL: &[u8] = b"coffer/v1/account/auth";
/// HKDF info of `kek`.
pub const KEK_LABEL: &[u8] = b"coffer/v1/account/kek";
/// The prefix of the hash the browser sends as its credential.
pub const AUTH_PROOF_LABEL: &[u8] = b"coffer/v1/account/auth-proof";
/// HKDF info of the value a browser keeps to check a re-typed passphrase (docs/accounts.md,
/// "Re-prompt"). It never leaves the browser.
pub const REPROMPT_LABEL: &[u8] = b"coffer/v1/browser/reprompt-check";

/// The keys that follow from an account's master key.
#[derive(Debug)]
pub struct AccountKeys {
    auth_key: Key32,
    kek: Key32,
}

impl AccountKeys {
    /// Derives `auth_key` and `kek` from `master_key`.
    pub fn derive(master_key: &Key32) -> Self {
        Self {
            auth_key: hkdf(master_key.expose(), b"", AUTH_LABEL),
            kek: hkdf(master_key.expose(), b"", KEK_LABEL),
        }
    }

    /// `auth_proof = SHA-256("coffer/v1/account/auth-proof" || auth_key)`: the credential the
    /// browser presents at sign-in. Equality on [`Key32`] is constant-time, so comparing two
    /// proofs (the re-prompt) needs no more care.
    pub fn auth_proof(&self) -> Key32 {
        let digest =
            Sha256::new().chain_update(AUTH_PROOF_LABEL).chain_update(self.auth_key.expose()).finalize();
        Key32::from_bytes(digest.into())
    }

    /// `reprompt_check = HKDF(auth_proof, salt = "", info = "coffer/v1/browser/reprompt-check")`:
    /// what the page keeps after unlocking to compare a re-typed passphrase against, so it holds
    /// neither the passphrase nor the proof the server accepts.
    pub fn reprompt_check(&self) -> Key32 {
        hkdf(self.auth_proof().expose(), b"", REPROMPT_LABEL)
    }
}

/// The secrets of an unlocked account. They live only in the browser's memory and zeroize on drop.
#[derive(Debug)]
pub struct AccountSecrets {
    /// Every record key follows from it.
    pub vault_key: Key32,
    /// The identity key pair.
    pub identity: IdentityKey,
}

/// An account's two wrapped keys, as the server stores them (envelope bytes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrappedKeys {
    /// `wrapped_vault_key`.
    pub vault_key: Vec<u8>,
    /// `wrapped_identity_key`.
    pub identity_key: Vec<u8>,
}

impl AccountSecrets {
    /// A fresh vault key and identity key pair, at sign-up.
    pub fn generate() -> Self {
        Self { vault_key: Key32::random(), identity: IdentityKey::random() }
    }

    /// Wraps both keys under the key-encryption key of `keys`: at sign-up, and after a
    /// passphrase change (new salt, new master key, same vault key and identity).
    pub fn wrap(&self, id: &AccountId, keys: &AccountKeys) -> WrappedKeys {
        self.wrap_with_nonces(id, keys, [random_array(), random_array()])
    }

    /// [`AccountSecrets::wrap`] with the caller's nonces (test vectors fix them). Each nonce
    /// MUST be fresh for this key-encryption key.
    pub fn wrap_with_nonces(
        &self,
        id: &AccountId,
        keys: &AccountKeys,
        nonces: [[u8; NONCE_LEN]; 2],
    ) -> WrappedKeys {
        WrappedKeys {
            vault_key: wrap_key(&keys.kek, id, Kind::WrappedVaultKey, &self.vault_key, nonces[0]),
            identity_key: wrap_key(&keys.kek, id, Kind::WrappedIdentityKey, &self.identity.seed(), nonces[1]),
        }
    }

    /// Opens both wrapped keys and checks the identity seed against the public key the server
    /// holds for the account. Every failure is the same [`OpenError`].
    pub fn unwrap(
        id: &AccountId,
        keys: &AccountKeys,
        wrapped: &WrappedKeys,
        public_key: &[u8; 32],
    ) -> Result<Self, OpenError> {
        let vault_key = unwrap_key(&keys.kek, id, Kind::WrappedVaultKey, &wrapped.vault_key)?;
        let identity = IdentityKey::from_seed(&unwrap_key(
            &keys.kek,
            id,
            Kind::WrappedIdentityKey,
            &wrapped.identity_key,
        )?);
        if identity.public_key() != *public_key {
            return Err(OpenError);
        }
        Ok(Self { vault_key, identity })
    }
}

/// `seal(kind, kek, account_id, key)`: no flags, a 32-byte plaintext without padding.
fn wrap_key(kek: &Key32, id: &AccountId, kind: Kind, key: &Key32, nonce: [u8; NONCE_LEN]) -> Vec<u8> {
    let header = Header { kind, password: None, signed: false, nonce };
    envelope::seal(kek, id.as_str(), header, key.expose()).to_bytes()
}

/// Parses, checks the kind, decrypts and checks that the plaintext is exactly 32 bytes.
fn unwrap_key(kek: &Key32, id: &AccountId, kind: Kind, bytes: &[u8]) -> Result<Key32, OpenError> {
    let envelope = Envelope::parse(bytes).map_err(|_| OpenError)?;
    if envelope.header.kind != kind {
        return Err(OpenError);
    }
    let plaintext = envelope::open(kek, id.as_str(), &envelope)?;
    let key: [u8; 32] = plaintext.as_slice().try_into().map_err(|_| OpenError)?;
    Ok(Key32::from_bytes(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auth_proof_and_kek_are_independent_of_each_other() {
        let keys = AccountKeys::derive(&Key32::from_bytes([1; 32]));
        assert_ne!(keys.auth_key, keys.kek);
        assert_ne!(keys.auth_proof(), keys.auth_key);
        assert_ne!(keys.auth_proof(), keys.kek);
        assert_eq!(keys.auth_proof(), AccountKeys::derive(&Key32::from_bytes([1; 32])).auth_proof());
    }

    #[test]
    fn wrapped_keys_are_67_bytes_and_unwrap() {
        let id = AccountId::random();
        let keys = AccountKeys::derive(&Key32::random());
        let secrets = AccountSecrets::generate();
        let wrapped = secrets.wrap(&id, &keys);
        assert_eq!(wrapped.vault_key.len(), 67);
        assert_eq!(wrapped.identity_key.len(), 67);
        let opened = AccountSecrets::unwrap(&id, &keys, &wrapped, &secrets.identity.public_key()).unwrap();
        assert_eq!(opened.vault_key, secrets.vault_key);
        assert_eq!(opened.identity.seed(), secrets.identity.seed());
    }

    #[test]
    fn a_wrong_public_key_refuses_to_unlock() {
        let id = AccountId::random();
        let keys = AccountKeys::derive(&Key32::random());
        let secrets = AccountSecrets::generate();
        let wrapped = secrets.wrap(&id, &keys);
        let other = IdentityKey::random().public_key();
        assert_eq!(AccountSecrets::unwrap(&id, &keys, &wrapped, &other).unwrap_err(), OpenError);
    }

    #[test]
    fn a_wrapped_key_of_another_length_is_refused() {
        let id = AccountId::random();
        let keys = AccountKeys::derive(&Key32::random());
        let header = Header::new(Kind::WrappedVaultKey, None);
        let bytes = envelope::seal(&keys.kek, id.as_str(), header, &[0; 31]).to_bytes();
        assert_eq!(unwrap_key(&keys.kek, &id, Kind::WrappedVaultKey, &bytes).unwrap_err(), OpenError);
    }
}
