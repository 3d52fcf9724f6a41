//! The encrypted backup of a vault (docs/accounts.md, "Encrypted backup"):
//!
//! ```text
//! backup_key = HKDF(Argon2id(UTF-8(backup_passphrase), salt, m, t, p), salt = "", info = "coffer/v1/backup/content")
//! backup     = seal(backup, backup_key, id = "", pad(json)) with the PASSWORD flag
//! json       = {"records": [record_json, ...]}
//! ```
//!
//! To open a file: [`Envelope::parse`] it, read `header.password` for the salt and parameters,
//! derive the password key (in a worker), then [`open_backup`].

use std::fmt;

use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, ZeroizeOnDrop};

use super::OpenError;
use super::envelope::{self, Envelope, Header, Kind, NONCE_LEN, PasswordParams};
use super::kdf::hkdf;
use super::padding::{padded_json, parse_padded_json};
use super::secret::{Key32, random_array};
use super::vault::VaultRecord;

/// HKDF info of `backup_key`.
pub const BACKUP_LABEL: &[u8] = b"coffer/v1/backup/content";
/// A backup belongs to no server object: its id in the additional data is empty.
pub const BACKUP_ID: &str = "";

/// What a backup holds: records without their ids (an import gives each a fresh one).
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize, Zeroize, ZeroizeOnDrop)]
pub struct Backup {
    /// The records.
    #[serde(default)]
    pub records: Vec<VaultRecord>,
}

impl fmt::Debug for Backup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Backup").field("records", &self.records.len()).finish()
    }
}

/// `backup_key = HKDF(password_key, salt = "", info = "coffer/v1/backup/content")`, where
/// `password_key = Argon2id(UTF-8(backup_passphrase), salt, m, t, p)`.
pub fn backup_key(password_key: &Key32) -> Key32 {
    hkdf(password_key.expose(), b"", BACKUP_LABEL)
}

/// Seals a backup. `params` MUST carry a fresh salt ([`PasswordParams::fresh`]) and
/// `password_key` MUST be the Argon2id key of the backup passphrase under exactly those params.
pub fn seal_backup(password_key: &Key32, params: PasswordParams, backup: &Backup) -> Vec<u8> {
    seal_backup_with_nonce(password_key, params, random_array(), backup)
}

/// [`seal_backup`] with the caller's nonce (test vectors fix it).
pub fn seal_backup_with_nonce(
    password_key: &Key32,
    params: PasswordParams,
    nonce: [u8; NONCE_LEN],
    backup: &Backup,
) -> Vec<u8> {
    let header = Header { kind: Kind::Backup, password: Some(params), signed: false, nonce };
    let plaintext = padded_json(backup);
    envelope::seal(&backup_key(password_key), BACKUP_ID, header, &plaintext).to_bytes()
}

/// Checks the kind, decrypts, unpads and decodes a backup. `password_key` is derived from the
/// passphrase and the envelope's own `header.password`. Every failure is the same [`OpenError`].
pub fn open_backup(password_key: &Key32, envelope: &Envelope) -> Result<Backup, OpenError> {
    if envelope.header.kind != Kind::Backup || envelope.header.password.is_none() {
        return Err(OpenError);
    }
    let plaintext = envelope::open(&backup_key(password_key), BACKUP_ID, envelope)?;
    parse_padded_json(&plaintext)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::kdf::KdfParams;

    #[test]
    fn an_empty_backup_is_one_block() {
        let key = Key32::random();
        let bytes = seal_backup(&key, PasswordParams::fresh(KdfParams::FLOOR), &Backup::default());
        assert_eq!(bytes.len(), 44 + 256 + 16);
        let envelope = Envelope::parse(&bytes).unwrap();
        assert_eq!(open_backup(&key, &envelope).unwrap(), Backup::default());
        assert_eq!(open_backup(&Key32::random(), &envelope).unwrap_err(), OpenError);
    }
}
