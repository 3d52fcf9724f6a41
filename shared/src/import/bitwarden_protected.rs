//! Bitwarden's password-protected JSON export, opened with its file password
//! (docs/interchange.md, "Bitwarden JSON, password protected").
//!
//! [`Protected::read`] reads the file's header and refuses KDF parameters outside the bounds
//! before anything is derived; the caller derives the [`ExportKey`] (in the browser, off the
//! page's main thread when it can) and [`Protected::open`] checks it against
//! `encKeyValidation_DO_NOT_EDIT`, decrypts `data` and reads it as the unencrypted export.

use std::fmt;

use serde::Deserialize;

use super::common::{nullable, text};
use super::{Format, Import, ImportError, bitwarden_json};
use crate::crypto::bitwarden_kdf::{BitwardenKdf, ExportKey};
use crate::crypto::enc_string;

const FORMAT: Format = Format::BitwardenJson;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Header {
    #[serde(default, deserialize_with = "nullable")]
    encrypted: bool,
    #[serde(default, deserialize_with = "nullable")]
    password_protected: bool,
    #[serde(default, deserialize_with = "text")]
    salt: String,
    kdf_type: Option<u64>,
    kdf_iterations: Option<u64>,
    kdf_memory: Option<u64>,
    kdf_parallelism: Option<u64>,
    #[serde(rename = "encKeyValidation_DO_NOT_EDIT", default, deserialize_with = "text")]
    validation: String,
    #[serde(default, deserialize_with = "text")]
    data: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Probe {
    #[serde(default)]
    encrypted: serde_json::Value,
    #[serde(default)]
    password_protected: serde_json::Value,
}

/// Whether `bytes` is a JSON object with `"encrypted": true` and `"passwordProtected": true`.
pub fn is_protected(bytes: &[u8]) -> bool {
    serde_json::from_slice::<Probe>(super::common::strip_bom(bytes))
        .is_ok_and(|probe| probe.encrypted == true && probe.password_protected == true)
}

/// A password-protected export's header: its salt and checked KDF, and the two EncStrings.
#[derive(Clone)]
pub struct Protected {
    salt: String,
    kdf: BitwardenKdf,
    validation: String,
    data: String,
}

impl fmt::Debug for Protected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Protected").field("kdf", &self.kdf).finish_non_exhaustive()
    }
}

impl Protected {
    /// Reads the header of a password-protected export. Refuses KDF parameters outside the
    /// bounds ([`ImportError::KdfOutOfBounds`]) and a missing salt or malformed EncString
    /// ([`ImportError::Damaged`]); a file that is not password protected is
    /// [`ImportError::WrongFormat`].
    pub fn read(bytes: &[u8]) -> Result<Self, ImportError> {
        if bytes.len() > super::MAX_BYTES {
            return Err(ImportError::TooLarge);
        }
        let bytes = super::common::strip_bom(bytes);
        if !is_protected(bytes) {
            return Err(ImportError::WrongFormat(FORMAT));
        }
        let header: Header = serde_json::from_slice(bytes).map_err(|_| ImportError::Damaged(FORMAT))?;
        debug_assert!(header.encrypted && header.password_protected);
        let kind = header.kdf_type.ok_or(ImportError::KdfOutOfBounds)?;
        let kdf =
            BitwardenKdf::from_file(kind, header.kdf_iterations, header.kdf_memory, header.kdf_parallelism)
                .map_err(|_| ImportError::KdfOutOfBounds)?;
        if header.salt.is_empty()
            || enc_string::check(&header.validation).is_err()
            || enc_string::check(&header.data).is_err()
        {
            return Err(ImportError::Damaged(FORMAT));
        }
        Ok(Self { salt: header.salt, kdf, validation: header.validation, data: header.data })
    }

    /// The salt, as the file writes it (used as its UTF-8 bytes).
    pub fn salt(&self) -> &str {
        &self.salt
    }

    /// The file's KDF, within the bounds.
    pub fn kdf(&self) -> BitwardenKdf {
        self.kdf
    }

    /// Derives the key on this thread (see [`BitwardenKdf::material`] for the cost).
    pub fn derive(&self, password: &str) -> ExportKey {
        ExportKey::derive(password, &self.salt, self.kdf)
    }

    /// Checks `key` against the validation string ([`ImportError::WrongFilePassword`]), then
    /// decrypts `data` and reads it as an unencrypted Bitwarden JSON export. The decrypted text
    /// is wiped once read.
    pub fn open(&self, key: &ExportKey) -> Result<Import, ImportError> {
        enc_string::open(key, &self.validation).map_err(|_| ImportError::WrongFilePassword)?;
        let plain = enc_string::open(key, &self.data).map_err(|_| ImportError::Damaged(FORMAT))?;
        if std::str::from_utf8(&plain).is_err() {
            return Err(ImportError::Damaged(FORMAT));
        }
        match bitwarden_json::parse(super::common::strip_bom(&plain)) {
            Err(ImportError::WrongFormat(_)) => Err(ImportError::Damaged(FORMAT)),
            outcome => outcome,
        }
    }
}

/// Reads, derives and opens in one step, on this thread.
pub fn open(bytes: &[u8], password: &str) -> Result<Import, ImportError> {
    let protected = Protected::read(bytes)?;
    protected.open(&protected.derive(password))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::vault::RecordFields;

    // Written by an independent implementation of the format (Python's `cryptography`,
    // following Bitwarden's code cited in docs/interchange.md), not by this crate. Bitwarden's
    // own test data holds no password-protected export with a known password (its importer
    // spec, bitwarden/clients libs/importer/src/importers/bitwarden/
    // bitwarden-password-protected-importer.spec.ts, mocks the decryption); its KDF and
    // stretching vectors are checked in crypto::bitwarden_kdf.
    const PBKDF2_SAMPLE: &[u8] = include_bytes!("../../tests/import/bitwarden-protected-pbkdf2.json");
    const PBKDF2_PASSWORD: &str = "Coffer test vector, PBKDF2";
    const ARGON2_SAMPLE: &[u8] = include_bytes!("../../tests/import/bitwarden-protected-argon2id.json");
    const ARGON2_PASSWORD: &str = "Coffer test vector, Argon2id";

    fn check_sample(import: &Import) {
        assert_eq!(import.records.len(), 2);
        let login = &import.records[0];
        assert_eq!((login.name.as_str(), login.folder.as_str()), ("Bank", "Finance"));
        let RecordFields::Login { username, password, urls, .. } = &login.fields else { panic!("a login") };
        assert_eq!((username.as_str(), password.as_str()), ("alice", "correct horse"));
        assert_eq!(urls, &["https://bank.example/login"]);
        assert_eq!(import.records[1].fields, RecordFields::Note);
        assert_eq!(import.records[1].notes, "the code is on the router");
    }

    #[test]
    fn the_samples_open_with_their_passwords() {
        assert!(is_protected(PBKDF2_SAMPLE) && is_protected(ARGON2_SAMPLE));
        let protected = Protected::read(PBKDF2_SAMPLE).unwrap();
        assert_eq!(protected.kdf(), BitwardenKdf::Pbkdf2 { iterations: 5_000 });
        assert_eq!(protected.salt(), "F92YX9xp7vXC1JMV4Sn6sQ==");
        check_sample(&protected.open(&protected.derive(PBKDF2_PASSWORD)).unwrap());
        let protected = Protected::read(ARGON2_SAMPLE).unwrap();
        assert_eq!(protected.kdf(), BitwardenKdf::Argon2id { iterations: 2, memory_mib: 16, parallelism: 1 });
        check_sample(&open(ARGON2_SAMPLE, ARGON2_PASSWORD).unwrap());
    }

    #[test]
    fn a_wrong_password_is_one_clear_error() {
        let error = open(PBKDF2_SAMPLE, "Coffer test vector, pbkdf2").unwrap_err();
        assert_eq!(error, ImportError::WrongFilePassword);
        assert!(error.to_string().contains("password"));
        assert_eq!(open(ARGON2_SAMPLE, PBKDF2_PASSWORD).unwrap_err(), ImportError::WrongFilePassword);
        assert_eq!(open(PBKDF2_SAMPLE, "").unwrap_err(), ImportError::WrongFilePassword);
    }

    /// The sample with one member's JSON text replaced.
    fn edited(member: &str, value: serde_json::Value) -> Vec<u8> {
        let mut json: serde_json::Value = serde_json::from_slice(PBKDF2_SAMPLE).unwrap();
        json[member] = value;
        serde_json::to_vec(&json).unwrap()
    }

    /// The sample's EncString `member` with one character of its MAC changed.
    fn tampered(member: &str) -> Vec<u8> {
        let json: serde_json::Value = serde_json::from_slice(PBKDF2_SAMPLE).unwrap();
        let text = json[member].as_str().unwrap();
        let at = text.rfind('|').unwrap() + 1;
        let swapped = if &text[at..=at] == "A" { "B" } else { "A" };
        edited(member, format!("{}{swapped}{}", &text[..at], &text[at + 1..]).into())
    }

    #[test]
    fn a_tampered_mac_is_refused_before_decrypting() {
        assert_eq!(open(&tampered("data"), PBKDF2_PASSWORD).unwrap_err(), ImportError::Damaged(FORMAT));
        assert_eq!(
            open(&tampered("encKeyValidation_DO_NOT_EDIT"), PBKDF2_PASSWORD).unwrap_err(),
            ImportError::WrongFilePassword
        );
        let salted = edited("salt", "F92YX9xp7vXC1JMV4Sn6sA==".into());
        assert_eq!(open(&salted, PBKDF2_PASSWORD).unwrap_err(), ImportError::WrongFilePassword);
    }

    #[test]
    fn hostile_kdf_parameters_are_refused_before_deriving() {
        for (member, value) in [
            ("kdfIterations", serde_json::json!(1_000_000_000_000_u64)),
            ("kdfIterations", serde_json::json!(2_000_001)),
            ("kdfIterations", serde_json::json!(1)),
            ("kdfIterations", serde_json::Value::Null),
            ("kdfType", serde_json::json!(7)),
            ("kdfType", serde_json::Value::Null),
        ] {
            // Were these derived, the first would run for days: the test finishing is the check.
            assert_eq!(Protected::read(&edited(member, value)).unwrap_err(), ImportError::KdfOutOfBounds);
        }
        let mut argon: serde_json::Value = serde_json::from_slice(ARGON2_SAMPLE).unwrap();
        argon["kdfMemory"] = serde_json::json!(1_048_576);
        let bytes = serde_json::to_vec(&argon).unwrap();
        assert_eq!(Protected::read(&bytes).unwrap_err(), ImportError::KdfOutOfBounds);
        assert_eq!(
            Protected::read(&edited("kdfIterations", "600000".into())).unwrap_err(),
            ImportError::Damaged(FORMAT)
        );
    }

    #[test]
    fn damaged_headers_and_other_files_are_refused() {
        assert_eq!(Protected::read(&edited("salt", "".into())).unwrap_err(), ImportError::Damaged(FORMAT));
        assert_eq!(
            Protected::read(&edited("data", "2.a|b|c".into())).unwrap_err(),
            ImportError::Damaged(FORMAT)
        );
        assert_eq!(
            Protected::read(&edited("passwordProtected", false.into())).unwrap_err(),
            ImportError::WrongFormat(FORMAT)
        );
        assert_eq!(
            Protected::read(br#"{"encrypted": false, "items": []}"#).unwrap_err(),
            ImportError::WrongFormat(FORMAT)
        );
        assert!(!format!("{:?}", Protected::read(PBKDF2_SAMPLE).unwrap()).contains("F92Y"));
    }
}
