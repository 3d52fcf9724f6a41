//! The account vectors (`tests/vectors/accounts-v1.json`): their shape, and how every output
//! follows from the inputs. `make_vectors.rs` fills the outputs; `accounts.rs` recomputes them.

use coffer_shared::b64;
use coffer_shared::crypto::Key32;
use coffer_shared::crypto::account::{AUTH_LABEL, AccountKeys, AccountSecrets, KEK_LABEL};
use coffer_shared::crypto::backup::{Backup, backup_key, seal_backup_with_nonce};
use coffer_shared::crypto::envelope::PasswordParams;
use coffer_shared::crypto::identity::{IdentityKey, fingerprint_text};
use coffer_shared::crypto::kdf::{KdfParams, hkdf, password_key};
use coffer_shared::crypto::server::{auth_verifier, fake_prelogin};
use coffer_shared::crypto::vault::{VaultRecord, record_key, seal_record_with_nonce};
use coffer_shared::id::{AccountId, RecordId};
use serde::{Deserialize, Serialize};

/// The committed vectors, embedded so the browser build can read them too.
pub const ACCOUNT_VECTORS_JSON: &str = include_str!("../vectors/accounts-v1.json");

/// The vector file's shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountVectorFile {
    pub comment: String,
    pub accounts: Vec<AccountVector>,
    pub records: Vec<RecordVector>,
    pub backups: Vec<BackupVector>,
    pub server: Vec<ServerVector>,
}

/// An account's keys and wrapped keys. Inputs first, then outputs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountVector {
    pub name: String,
    pub passphrase: String,
    /// `[m_kib, t, p]`.
    pub kdf: (u32, u32, u8),
    pub kdf_salt: String,
    pub account_id: String,
    pub vault_key: String,
    pub identity_seed: String,
    pub vault_key_nonce: String,
    pub identity_key_nonce: String,
    pub master_key: String,
    pub auth_key: String,
    pub kek: String,
    pub auth_proof: String,
    pub wrapped_vault_key: String,
    pub wrapped_identity_key: String,
    pub public_key: String,
    pub fingerprint: String,
}

/// One sealed vault record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordVector {
    pub name: String,
    pub vault_key: String,
    pub record_id: String,
    pub nonce: String,
    /// The record's JSON, exactly as sealed (before padding).
    pub record: VaultRecord,
    pub record_key: String,
    pub envelope: String,
}

/// One sealed backup.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BackupVector {
    pub name: String,
    pub passphrase: String,
    /// `[m_kib, t, p]`.
    pub kdf: (u32, u32, u8),
    pub salt: String,
    pub nonce: String,
    pub records: Vec<VaultRecord>,
    pub password_key: String,
    pub backup_key: String,
    pub envelope: String,
}

/// The server's verifier and pre-login answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServerVector {
    pub name: String,
    pub server_secret: String,
    pub email: String,
    pub auth_proof: String,
    pub prelogin_salt: String,
    pub auth_verifier: String,
}

/// Parses the committed vectors.
pub fn account_vectors() -> AccountVectorFile {
    serde_json::from_str(ACCOUNT_VECTORS_JSON).unwrap()
}

pub fn key(text: &str) -> Key32 {
    Key32::from_b64(text).unwrap()
}

pub fn params((m, t, p): (u32, u32, u8), salt: &str) -> PasswordParams {
    PasswordParams { kdf: KdfParams::new(m, t, p).unwrap(), salt: b64::decode_array(salt).unwrap() }
}

impl AccountVector {
    pub fn id(&self) -> AccountId {
        self.account_id.parse().unwrap()
    }

    pub fn master_key(&self) -> Key32 {
        let params = params(self.kdf, &self.kdf_salt);
        password_key(&self.passphrase, &params.salt, params.kdf)
    }

    pub fn secrets(&self) -> AccountSecrets {
        AccountSecrets {
            vault_key: key(&self.vault_key),
            identity: IdentityKey::from_seed(&key(&self.identity_seed)),
        }
    }

    /// The vector with every output computed from its inputs.
    pub fn computed(&self) -> Self {
        let master_key = self.master_key();
        let keys = AccountKeys::derive(&master_key);
        let nonces = [
            b64::decode_array(&self.vault_key_nonce).unwrap(),
            b64::decode_array(&self.identity_key_nonce).unwrap(),
        ];
        let secrets = self.secrets();
        let wrapped = secrets.wrap_with_nonces(&self.id(), &keys, nonces);
        let public_key = secrets.identity.public_key();
        Self {
            master_key: master_key.to_b64(),
            auth_key: hkdf(master_key.expose(), b"", AUTH_LABEL).to_b64(),
            kek: hkdf(master_key.expose(), b"", KEK_LABEL).to_b64(),
            auth_proof: keys.auth_proof().to_b64(),
            wrapped_vault_key: b64::encode(&wrapped.vault_key),
            wrapped_identity_key: b64::encode(&wrapped.identity_key),
            public_key: b64::encode(public_key),
            fingerprint: fingerprint_text(&public_key),
            ..self.clone()
        }
    }
}

impl RecordVector {
    pub fn id(&self) -> RecordId {
        self.record_id.parse().unwrap()
    }

    pub fn computed(&self) -> Self {
        let vault_key = key(&self.vault_key);
        let nonce = b64::decode_array(&self.nonce).unwrap();
        Self {
            record_key: record_key(&vault_key, &self.id()).to_b64(),
            envelope: b64::encode(seal_record_with_nonce(&vault_key, &self.id(), &self.record, nonce)),
            ..self.clone()
        }
    }
}

impl BackupVector {
    pub fn params(&self) -> PasswordParams {
        params(self.kdf, &self.salt)
    }

    pub fn backup(&self) -> Backup {
        Backup { records: self.records.clone() }
    }

    pub fn computed(&self) -> Self {
        let params = self.params();
        let password_key = password_key(&self.passphrase, &params.salt, params.kdf);
        let nonce = b64::decode_array(&self.nonce).unwrap();
        Self {
            password_key: password_key.to_b64(),
            backup_key: backup_key(&password_key).to_b64(),
            envelope: b64::encode(seal_backup_with_nonce(&password_key, params, nonce, &self.backup())),
            ..self.clone()
        }
    }
}

impl ServerVector {
    pub fn computed(&self) -> Self {
        let secret = key(&self.server_secret);
        Self {
            prelogin_salt: b64::encode(fake_prelogin(&secret, &self.email).kdf_salt),
            auth_verifier: b64::encode(auth_verifier(&secret, &key(&self.auth_proof))),
            ..self.clone()
        }
    }
}

impl AccountVectorFile {
    pub fn computed(&self) -> Self {
        Self {
            comment: self.comment.clone(),
            accounts: self.accounts.iter().map(AccountVector::computed).collect(),
            records: self.records.iter().map(RecordVector::computed).collect(),
            backups: self.backups.iter().map(BackupVector::computed).collect(),
            server: self.server.iter().map(ServerVector::computed).collect(),
        }
    }
}
