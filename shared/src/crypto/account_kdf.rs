//! Which inputs an account's `master_key` comes from (docs/accounts.md, "Keys of an account",
//! "KDF versions" and "Re-keying"):
//!
//! ```text
//! address     = UTF-8(normalize(email))
//! argon2_salt = SHA-256("coffer/v2/account/salt" || u32be(len(address)) || address || kdf_salt)  ; version 2
//! argon2_salt = kdf_salt                                                                          ; version 1, read only
//! master_key  = Argon2id(UTF-8(passphrase), argon2_salt, m, t, p)
//! ```
//!
//! Binding the address into the salt means that a server answering every address with the same
//! `kdf_salt` and the floor parameters still gets a different Argon2id salt per address, so no
//! dictionary of guesses can be shared across accounts.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::kdf::{KdfParams, SALT_LEN, argon2id};
use super::secret::{Key32, random_array};

/// The prefix of the hash that makes a version-2 `argon2_salt`.
pub const SALT_LABEL: &[u8] = b"coffer/v2/account/salt";

/// `normalize(email)`: white space trimmed, then lower-cased (Unicode default case mapping).
/// The server looks accounts up by this form, and version 2 binds it into `argon2_salt`.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// How `argon2_salt` follows from an account's inputs. Serialized as its number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub enum KdfVersion {
    /// `argon2_salt = kdf_salt`: accounts made before version 2. Derived to sign in and migrate,
    /// never written.
    V1 = 1,
    /// `argon2_salt` binds the normalized address: every sign-up and re-key.
    V2 = 2,
}

/// A `kdf_version` this code does not know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("unsupported account KDF version {0}")]
pub struct UnknownKdfVersion(pub u8);

impl KdfVersion {
    /// The version every sign-up and re-key writes.
    pub const CURRENT: Self = Self::V2;

    /// What an account stored before versions existed has: version 1 (a serde default).
    pub fn unversioned() -> Self {
        Self::V1
    }

    /// The version's number on the wire and in storage.
    pub fn number(self) -> u8 {
        self as u8
    }
}

impl TryFrom<u8> for KdfVersion {
    type Error = UnknownKdfVersion;

    fn try_from(number: u8) -> Result<Self, Self::Error> {
        match number {
            1 => Ok(Self::V1),
            2 => Ok(Self::V2),
            other => Err(UnknownKdfVersion(other)),
        }
    }
}

impl From<KdfVersion> for u8 {
    fn from(version: KdfVersion) -> Self {
        version.number()
    }
}

/// An account's KDF inputs as the server stores and answers them: everything `master_key` needs
/// but the passphrase and the address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccountKdf {
    /// How `argon2_salt` is made.
    pub version: KdfVersion,
    /// Argon2id costs, within the accepted range.
    pub params: KdfParams,
    /// The account's random `kdf_salt`.
    pub kdf_salt: [u8; SALT_LEN],
}

impl AccountKdf {
    /// The inputs of a new account: the current version, the default costs and a fresh salt.
    pub fn fresh() -> Self {
        Self { version: KdfVersion::CURRENT, params: KdfParams::DEFAULT, kdf_salt: random_array() }
    }

    /// The inputs that replace these at a re-key (passphrase change, migration): the current
    /// version, a fresh salt, and for each of `m`, `t`, `p` the larger of the current value and
    /// the default, so an honest re-key never trips a browser's remembered parameters.
    pub fn successor(&self) -> Self {
        Self { params: self.params.max(KdfParams::DEFAULT), ..Self::fresh() }
    }

    /// `argon2_salt` for `email` (normalized here): 32 bytes for version 2, `kdf_salt` itself for
    /// version 1.
    pub fn argon2_salt(&self, email: &str) -> Vec<u8> {
        match self.version {
            KdfVersion::V1 => self.kdf_salt.to_vec(),
            KdfVersion::V2 => argon2_salt_v2(email, &self.kdf_salt).to_vec(),
        }
    }

    /// `master_key = Argon2id(UTF-8(passphrase), argon2_salt, m, t, p)`, on this thread (the
    /// browser runs the same Argon2id in its worker with [`AccountKdf::argon2_salt`]).
    pub fn master_key(&self, passphrase: &str, email: &str) -> Key32 {
        argon2id(passphrase, &self.argon2_salt(email), self.params)
    }
}

/// `SHA-256("coffer/v2/account/salt" || u32be(len(address)) || address || kdf_salt)` with
/// `address = UTF-8(normalize(email))`, its length in bytes.
pub fn argon2_salt_v2(email: &str, kdf_salt: &[u8; SALT_LEN]) -> [u8; 32] {
    let address = normalize_email(email);
    #[allow(clippy::expect_used)]
    let len = u32::try_from(address.len()).expect("an address is far shorter than 4 GiB");
    Sha256::new()
        .chain_update(SALT_LABEL)
        .chain_update(len.to_be_bytes())
        .chain_update(address.as_bytes())
        .chain_update(kdf_salt)
        .finalize()
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inputs(version: KdfVersion, salt: u8) -> AccountKdf {
        AccountKdf { version, params: KdfParams::FLOOR, kdf_salt: [salt; SALT_LEN] }
    }

    #[test]
    fn the_same_kdf_salt_gives_each_address_its_own_argon2_salt() {
        let v2 = inputs(KdfVersion::V2, 9);
        assert_ne!(v2.argon2_salt("alice@example.org"), v2.argon2_salt("bob@example.org"));
        assert_eq!(v2.argon2_salt("alice@example.org"), v2.argon2_salt("  Alice@Example.ORG "));
        assert_ne!(
            v2.argon2_salt("alice@example.org"),
            inputs(KdfVersion::V2, 8).argon2_salt("alice@example.org")
        );
        assert_eq!(v2.argon2_salt("a@b.c").len(), 32);
    }

    #[test]
    fn version_1_uses_the_kdf_salt_as_it_is() {
        let v1 = inputs(KdfVersion::V1, 9);
        assert_eq!(v1.argon2_salt("alice@example.org"), vec![9; SALT_LEN]);
        assert_eq!(v1.argon2_salt("bob@example.org"), vec![9; SALT_LEN]);
    }

    #[test]
    fn the_length_prefix_keeps_address_and_salt_apart() {
        // Without the prefix, "a@b.c" + salt and "a@b.c" + one salt byte moved into the address
        // could hash the same bytes; here the hash input differs in its length field.
        let salt = [0x41; SALT_LEN];
        let mut shifted = [0x41; SALT_LEN];
        shifted[SALT_LEN - 1] = 0;
        assert_ne!(argon2_salt_v2("a@b.c", &salt), argon2_salt_v2("a@b.ca", &shifted));
    }

    #[test]
    fn a_successor_is_version_2_never_cheaper_and_freshly_salted() {
        let costly = AccountKdf {
            version: KdfVersion::V1,
            params: KdfParams::new(131072, 2, 1).unwrap(),
            kdf_salt: [1; SALT_LEN],
        };
        let next = costly.successor();
        assert_eq!(next.version, KdfVersion::V2);
        assert_eq!(next.params, KdfParams::new(131072, 3, 4).unwrap());
        assert_ne!(next.kdf_salt, costly.kdf_salt);
        assert_eq!(AccountKdf::fresh().params, KdfParams::DEFAULT);
    }

    #[test]
    fn versions_are_their_numbers_and_unknown_ones_are_refused() {
        assert_eq!(serde_json::to_string(&KdfVersion::V2).unwrap(), "2");
        assert_eq!(serde_json::from_str::<KdfVersion>("1").unwrap(), KdfVersion::V1);
        assert!(serde_json::from_str::<KdfVersion>("3").is_err());
        assert_eq!(KdfVersion::try_from(0), Err(UnknownKdfVersion(0)));
        assert!(KdfVersion::V1 < KdfVersion::V2);
    }
}
