//! Records as Bitwarden's password-protected JSON export, which Bitwarden's "Bitwarden (json)"
//! import opens with the file password (docs/interchange.md, "Bitwarden JSON, password
//! protected"). The plain export of [`super::bitwarden`] is sealed whole as the file's `data`.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::Serialize;
use zeroize::Zeroizing;

use super::bitwarden::{self, uuid_v4};
use crate::crypto::bitwarden_kdf::{BitwardenKdf, ExportKey};
use crate::crypto::enc_string;
use crate::crypto::random_array;
use crate::crypto::vault::VaultRecord;

/// The salt and KDF of a file about to be written: a fresh base64(16 random bytes) salt and
/// [`BitwardenKdf::EXPORT`].
#[derive(Debug, Clone)]
pub struct Protection {
    salt: String,
    kdf: BitwardenKdf,
}

impl Protection {
    /// A fresh salt, with Bitwarden's default PBKDF2-SHA256 600,000.
    pub fn fresh() -> Self {
        Self { salt: STANDARD.encode(random_array::<16>()), kdf: BitwardenKdf::EXPORT }
    }

    /// The salt, used as its UTF-8 bytes.
    pub fn salt(&self) -> &str {
        &self.salt
    }

    /// The KDF the file records.
    pub fn kdf(&self) -> BitwardenKdf {
        self.kdf
    }

    /// Derives the file's key on this thread.
    pub fn derive(&self, password: &str) -> ExportKey {
        ExportKey::derive(password, &self.salt, self.kdf)
    }
}

/// The file's members, in the order Bitwarden's web vault writes them.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct File<'a> {
    encrypted: bool,
    password_protected: bool,
    salt: &'a str,
    kdf_type: u8,
    kdf_iterations: u32,
    #[serde(rename = "encKeyValidation_DO_NOT_EDIT")]
    validation: String,
    data: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    kdf_memory: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    kdf_parallelism: Option<u32>,
}

/// Seals `records` (dated `now`, Unix seconds) under `key`, which MUST come from
/// `protection.derive(password)` (or the same KDF run elsewhere).
pub fn export(records: &[VaultRecord], now: u64, protection: &Protection, key: &ExportKey) -> Vec<u8> {
    let plain = Zeroizing::new(bitwarden::export(records, now));
    let (kdf_iterations, kdf_memory, kdf_parallelism) = match protection.kdf {
        BitwardenKdf::Pbkdf2 { iterations } => (iterations, None, None),
        BitwardenKdf::Argon2id { iterations, memory_mib, parallelism } => {
            (iterations, Some(memory_mib), Some(parallelism))
        }
    };
    let file = File {
        encrypted: true,
        password_protected: true,
        salt: &protection.salt,
        kdf_type: protection.kdf.kind(),
        kdf_iterations,
        validation: enc_string::seal(key, uuid_v4().as_bytes()),
        data: enc_string::seal(key, &plain),
        kdf_memory,
        kdf_parallelism,
    };
    serde_json::to_vec_pretty(&file).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::vault::RecordFields;
    use crate::import::bitwarden_protected::{Protected, is_protected};
    use crate::import::{self, Format, ImportError};

    fn records() -> Vec<VaultRecord> {
        let mut login = VaultRecord::new(RecordFields::Login {
            username: "alice".into(),
            password: "correct horse".into(),
            urls: vec!["https://bank.example".into()],
            url: String::new(),
            totp: String::new(),
            password_history: Vec::new(),
        });
        login.name = "Bank".into();
        login.folder = "Finance".into();
        let mut note = VaultRecord::new(RecordFields::Note);
        note.name = "Wi-Fi".into();
        note.notes = "on the router".into();
        vec![login, note]
    }

    /// A cheap KDF, so the round trips stay fast; the default is checked on its own.
    fn cheap() -> Protection {
        Protection { kdf: BitwardenKdf::Pbkdf2 { iterations: 5_000 }, ..Protection::fresh() }
    }

    #[test]
    fn records_survive_the_protected_export_and_import() {
        let protection = cheap();
        let file = export(&records(), 1_767_225_600, &protection, &protection.derive("file password"));
        assert_eq!(import::detect("export.json", &file), Some(Format::BitwardenJson));
        assert!(is_protected(&file));
        assert_eq!(import::parse(Format::BitwardenJson, &file).unwrap_err(), ImportError::PasswordProtected);
        let back = import::bitwarden_protected::open(&file, "file password").unwrap();
        assert_eq!(back.records, records());
        assert_eq!(
            import::bitwarden_protected::open(&file, "file passwore").unwrap_err(),
            ImportError::WrongFilePassword
        );
    }

    #[test]
    fn the_file_has_bitwardens_shape_and_hides_every_secret() {
        let protection = Protection::fresh();
        assert_eq!(protection.kdf(), BitwardenKdf::Pbkdf2 { iterations: 600_000 });
        assert_eq!(STANDARD.decode(protection.salt()).unwrap().len(), 16);
        assert_ne!(Protection::fresh().salt(), protection.salt());
        let key = protection.derive("a long file password");
        let file = export(&records(), 0, &protection, &key);
        let text = String::from_utf8(file.clone()).unwrap();
        for secret in ["alice", "correct horse", "Bank", "Finance", "router"] {
            assert!(!text.contains(secret), "{secret}");
        }
        let json: serde_json::Value = serde_json::from_slice(&file).unwrap();
        assert_eq!(json["encrypted"], true);
        assert_eq!(json["passwordProtected"], true);
        assert_eq!(json["kdfType"], 0);
        assert_eq!(json["kdfIterations"], 600_000);
        assert!(json.get("kdfMemory").is_none() && json.get("kdfParallelism").is_none());
        assert!(json["encKeyValidation_DO_NOT_EDIT"].as_str().unwrap().starts_with("2."));
        let keys: Vec<&str> = json.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys.len(), 7);
        let opened = Protected::read(&file).unwrap().open(&key).unwrap();
        assert_eq!(opened.records, records());
    }

    #[test]
    fn argon2id_protection_writes_its_memory_and_lanes() {
        let protection = Protection {
            kdf: BitwardenKdf::Argon2id { iterations: 2, memory_mib: 16, parallelism: 1 },
            ..Protection::fresh()
        };
        let file = export(&records(), 0, &protection, &protection.derive("pw"));
        let json: serde_json::Value = serde_json::from_slice(&file).unwrap();
        assert_eq!((json["kdfType"].as_u64(), json["kdfMemory"].as_u64()), (Some(1), Some(16)));
        assert_eq!(import::bitwarden_protected::open(&file, "pw").unwrap().records, records());
    }
}
