//! Vault records: their plaintext and how each is sealed (docs/accounts.md, "Vault records"):
//!
//! ```text
//! record_key = HKDF(vault_key, salt = record_id, info = "coffer/v1/vault/record")
//! record     = seal(vault-record, record_key, record_id, pad(json))
//! file_key   = HKDF(vault_key, salt = file_id, info = "coffer/v1/vault/file")   ; an attachment
//! ```

use std::fmt;

use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, ZeroizeOnDrop};

use super::OpenError;
use super::envelope::{self, Envelope, Header, Kind, NONCE_LEN};
use super::file_meta::FileId;
use super::kdf::hkdf;
use super::padding::{padded_json, parse_padded_json};
use super::secret::{Key32, random_array};
use crate::id::RecordId;

mod json;

/// HKDF info of `record_key`.
pub const RECORD_LABEL: &[u8] = b"coffer/v1/vault/record";
/// HKDF info of a vault attachment's `file_key`.
pub const ATTACHMENT_LABEL: &[u8] = b"coffer/v1/vault/file";

/// One record's plaintext. Missing members decode as empty. Top-level members this build does
/// not know (a newer client's) are kept as read, nested values and all, and written back after
/// the known ones, so an edit here loses nothing of them; the JSON encoding is in `json.rs`.
///
/// Unknown members *inside* a custom field, document, password change or attachment, and an
/// unknown custom field `kind` (read as `hidden`, as the spec says), are not kept: those types
/// are built member by member in the importers, the browser and the CLI, so keeping more would
/// add a member to every one of them.
#[derive(Clone, Default, PartialEq, Eq, Deserialize, Zeroize, ZeroizeOnDrop)]
pub struct VaultRecord {
    /// The `type` and the members that belong to it.
    #[serde(flatten, deserialize_with = "RecordFields::decode")]
    pub fields: RecordFields,
    /// The title shown in the list.
    #[serde(default)]
    pub name: String,
    /// Free text; a secure note's body.
    #[serde(default)]
    pub notes: String,
    /// Re-prompt for the passphrase before showing the record.
    #[serde(default)]
    pub sensitive: bool,
    /// The folder's name; empty for none. Left out of the JSON when empty.
    #[serde(default)]
    pub folder: String,
    /// Shown first and under "Favourites". Left out of the JSON when `false`.
    #[serde(default)]
    pub favorite: bool,
    /// The user's own fields, in order. Left out of the JSON when empty.
    #[serde(default)]
    pub custom_fields: Vec<CustomField>,
    /// Files attached to the record. Left out of the JSON when empty, so a record without files
    /// seals as it always did.
    #[serde(default)]
    pub attachments: Vec<Attachment>,
    /// The top-level members this build does not know, as read.
    #[serde(flatten, deserialize_with = "json::Unknown::decode")]
    unknown: json::Unknown,
}

/// A file attached to a record: its id and key (the server holds only its ciphertext and
/// sealed metadata), with the name, type and size shown without downloading it.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize, Zeroize, ZeroizeOnDrop)]
pub struct Attachment {
    /// The file id.
    pub file_id: String,
    /// base64url of `file_key`: [`attachment_key`], or 32 random bytes in older records.
    /// Readers use this value and never derive it.
    pub file_key: String,
    /// The file's name.
    pub name: String,
    /// Its MIME type.
    #[serde(rename = "type")]
    pub mime_type: String,
    /// Its size in bytes.
    pub size: u64,
}

impl fmt::Debug for Attachment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Attachment").field("size", &self.size).finish_non_exhaustive()
    }
}

/// A field the user added to a record.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize, Zeroize, ZeroizeOnDrop)]
pub struct CustomField {
    /// Its label.
    #[serde(default)]
    pub name: String,
    /// Its value; `"true"` or `"false"` for a [`FieldKind::Boolean`].
    #[serde(default)]
    pub value: String,
    /// How it is shown.
    #[serde(default)]
    pub kind: FieldKind,
}

impl fmt::Debug for CustomField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CustomField").field("kind", &self.kind).finish_non_exhaustive()
    }
}

/// How a custom field is shown. An unknown kind decodes as [`FieldKind::Hidden`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, Zeroize)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    /// Shown as typed.
    Text,
    /// A yes/no switch.
    Boolean,
    /// Masked until revealed.
    #[default]
    #[serde(other)]
    Hidden,
}

/// A password a login had before, and when it was replaced.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize, Zeroize, ZeroizeOnDrop)]
pub struct PasswordChange {
    /// The earlier password.
    #[serde(default)]
    pub password: String,
    /// Unix seconds of the edit that replaced it.
    #[serde(default)]
    pub changed_at: u64,
}

impl fmt::Debug for PasswordChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PasswordChange").field("changed_at", &self.changed_at).finish_non_exhaustive()
    }
}

/// Encoders keep at most this many [`PasswordChange`]s.
pub const PASSWORD_HISTORY_LEN: usize = 10;

/// The members of each record type, tagged by `type`.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize, Zeroize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RecordFields {
    /// A website or app login.
    Login {
        /// The user name or e-mail address.
        #[serde(default)]
        username: String,
        /// The password.
        #[serde(default)]
        password: String,
        /// Where the login is used; the first is shown in the list.
        #[serde(default)]
        urls: Vec<String>,
        /// Read only: the one URL of records sealed before `urls`. Decoding moves it into
        /// `urls`, and it is never written.
        #[serde(default, skip_serializing)]
        url: String,
        /// The authenticator secret: an `otpauth://totp/` URI or a base32 secret; empty for none.
        #[serde(default)]
        totp: String,
        /// Earlier passwords, newest first.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        password_history: Vec<PasswordChange>,
    },
    /// A payment card.
    Card {
        /// The name on the card.
        #[serde(default)]
        holder: String,
        /// The card number, as typed.
        #[serde(default)]
        number: String,
        /// The expiry, as typed (e.g. `04/29`).
        #[serde(default)]
        expiry: String,
        /// The security code.
        #[serde(default)]
        cvv: String,
    },
    /// A person's identity details.
    Identity {
        /// The person's full name.
        #[serde(default)]
        full_name: String,
        /// An e-mail address.
        #[serde(default)]
        email: String,
        /// A phone number.
        #[serde(default)]
        phone: String,
        /// The date of birth, `YYYY-MM-DD`.
        #[serde(default)]
        birth_date: String,
        /// The company or organisation.
        #[serde(default)]
        company: String,
        /// A postal address, possibly several lines.
        #[serde(default)]
        address: String,
        /// Passport, ID card, licence numbers.
        #[serde(default)]
        documents: Vec<Document>,
    },
    /// A secure note: its text is the record's `notes`.
    #[default]
    Note,
}

/// One identity document.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize, Zeroize)]
pub struct Document {
    /// What it is, e.g. "Passport".
    #[serde(default)]
    pub label: String,
    /// Its number.
    #[serde(default)]
    pub number: String,
}

impl RecordFields {
    /// Decodes the members of a type, moving a legacy `url` into `urls`
    /// (docs/accounts.md, "Vault records").
    fn decode<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut fields = RecordFields::deserialize(deserializer)?;
        if let RecordFields::Login { urls, url, .. } = &mut fields
            && urls.is_empty()
            && !url.is_empty()
        {
            urls.push(std::mem::take(url));
        }
        Ok(fields)
    }

    /// The members a record of type `type_name` has besides `type` (docs/accounts.md, "Vault
    /// records"), `url` included: a reader knows it though no writer writes it.
    fn members_of(type_name: &str) -> &'static [&'static str] {
        match type_name {
            "login" => &["username", "password", "urls", "url", "totp", "password_history"],
            "card" => &["holder", "number", "expiry", "cvv"],
            "identity" => &["full_name", "email", "phone", "birth_date", "company", "address", "documents"],
            _ => &[],
        }
    }

    /// The `type` member: `login`, `card`, `identity` or `note`.
    pub fn type_name(&self) -> &'static str {
        match self {
            RecordFields::Login { .. } => "login",
            RecordFields::Card { .. } => "card",
            RecordFields::Identity { .. } => "identity",
            RecordFields::Note => "note",
        }
    }
}

impl VaultRecord {
    /// A record of `fields`'s type with every other member empty.
    pub fn new(fields: RecordFields) -> Self {
        let mut record = VaultRecord::default();
        record.fields = fields;
        record
    }
}

impl fmt::Debug for VaultRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VaultRecord").field("type", &self.fields.type_name()).finish_non_exhaustive()
    }
}

impl fmt::Debug for RecordFields {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecordFields").field("type", &self.type_name()).finish_non_exhaustive()
    }
}

impl fmt::Debug for Document {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Document([redacted])")
    }
}

/// `record_key = HKDF(vault_key, salt = record_id, info = "coffer/v1/vault/record")`.
pub fn record_key(vault_key: &Key32, id: &RecordId) -> Key32 {
    hkdf(vault_key.expose(), id.as_str().as_bytes(), RECORD_LABEL)
}

/// `file_key = HKDF(vault_key, salt = file_id, info = "coffer/v1/vault/file")`: the key of a new
/// attachment, which a browser can derive again to continue its upload after a sign-in.
pub fn attachment_key(vault_key: &Key32, file_id: &FileId) -> Key32 {
    hkdf(vault_key.expose(), file_id.as_str().as_bytes(), ATTACHMENT_LABEL)
}

/// Seals a record under its id, with a fresh nonce: at creation and at every edit.
pub fn seal_record(vault_key: &Key32, id: &RecordId, record: &VaultRecord) -> Vec<u8> {
    seal_record_with_nonce(vault_key, id, record, random_array())
}

/// [`seal_record`] with the caller's nonce (test vectors fix it). The nonce MUST be fresh.
pub fn seal_record_with_nonce(
    vault_key: &Key32,
    id: &RecordId,
    record: &VaultRecord,
    nonce: [u8; NONCE_LEN],
) -> Vec<u8> {
    let header = Header { kind: Kind::VaultRecord, password: None, signed: false, nonce };
    let plaintext = padded_json(record);
    envelope::seal(&record_key(vault_key, id), id.as_str(), header, &plaintext).to_bytes()
}

/// Checks the kind, decrypts, unpads and decodes a record. Every failure is the same
/// [`OpenError`].
pub fn open_record(vault_key: &Key32, id: &RecordId, envelope: &Envelope) -> Result<VaultRecord, OpenError> {
    if envelope.header.kind != Kind::VaultRecord {
        return Err(OpenError);
    }
    let plaintext = envelope::open(&record_key(vault_key, id), id.as_str(), envelope)?;
    parse_padded_json(&plaintext)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn login() -> VaultRecord {
        let mut record = VaultRecord::default();
        record.fields = RecordFields::Login {
            username: "alice".into(),
            password: "hunter2".into(),
            urls: vec!["https://bank.example".into()],
            url: String::new(),
            totp: String::new(),
            password_history: Vec::new(),
        };
        record.name = "Bank".into();
        record
    }

    #[test]
    fn the_json_is_flat_and_tagged_by_type() {
        assert_eq!(
            serde_json::to_string(&login()).unwrap(),
            r#"{"type":"login","username":"alice","password":"hunter2","urls":["https://bank.example"],"totp":"","name":"Bank","notes":"","sensitive":false}"#
        );
        let note: VaultRecord = serde_json::from_str(r#"{"type":"note","notes":"hi","extra":[1]}"#).unwrap();
        assert_eq!(note.fields, RecordFields::Note);
        assert_eq!(note.notes, "hi");
        assert!(serde_json::from_str::<VaultRecord>(r#"{"type":"ssh-key"}"#).is_err());
        assert!(serde_json::from_str::<VaultRecord>(r#"{"name":"no type"}"#).is_err());
    }

    #[test]
    fn a_record_sealed_before_urls_reads_its_url_as_the_first() {
        let old: VaultRecord = serde_json::from_str(
            r#"{"type":"login","username":"alice","password":"hunter2","url":"https://bank.example","name":"Bank","notes":"","sensitive":false}"#,
        )
        .unwrap();
        assert_eq!(old, login());
        let both: VaultRecord = serde_json::from_str(
            r#"{"type":"login","url":"https://old.example","urls":["https://new.example"]}"#,
        )
        .unwrap();
        let RecordFields::Login { urls, .. } = &both.fields else { panic!("a login") };
        assert_eq!(urls, &["https://new.example".to_string()]);
    }

    #[test]
    fn new_members_are_written_only_when_used_and_an_unknown_field_kind_is_hidden() {
        let mut record = login();
        record.folder = "Banking".into();
        record.favorite = true;
        record.custom_fields =
            vec![CustomField { name: "PIN".into(), value: "1234".into(), kind: FieldKind::Boolean }];
        let json = serde_json::to_string(&record).unwrap();
        assert!(json.contains(r#""folder":"Banking","favorite":true,"custom_fields":[{"name":"PIN","value":"1234","kind":"boolean"}]"#), "{json}");
        assert_eq!(serde_json::from_str::<VaultRecord>(&json).unwrap(), record);
        let odd: CustomField = serde_json::from_str(r#"{"name":"x","value":"y","kind":"linked"}"#).unwrap();
        assert_eq!(odd.kind, FieldKind::Hidden);
    }

    #[test]
    fn an_attachment_key_is_the_specified_hkdf_and_differs_per_file() {
        let vault_key = Key32::from_bytes([7; 32]);
        let file_id: FileId = "AAAAAAAAAAAAAAAAAAAAAA".parse().unwrap();
        let mut expected = [0u8; 32];
        hkdf::Hkdf::<sha2::Sha256>::new(Some(file_id.as_str().as_bytes()), &[7; 32])
            .expand(b"coffer/v1/vault/file", &mut expected)
            .unwrap();
        assert_eq!(attachment_key(&vault_key, &file_id).expose(), &expected);
        let other: FileId = "AAAAAAAAAAAAAAAAAAAAAQ".parse().unwrap();
        assert_ne!(attachment_key(&vault_key, &other).expose(), &expected);
        let record_id: RecordId = file_id.as_str().parse().unwrap();
        assert_ne!(record_key(&vault_key, &record_id).expose(), &expected);
    }

    #[test]
    fn debug_shows_only_the_type() {
        assert_eq!(format!("{:?}", login()), "VaultRecord { type: \"login\", .. }");
    }

    #[test]
    fn a_record_round_trips_and_is_padded() {
        let vault_key = Key32::random();
        let id = RecordId::random();
        let bytes = seal_record(&vault_key, &id, &login());
        assert_eq!(bytes.len(), 19 + 256 + 16);
        let envelope = Envelope::parse(&bytes).unwrap();
        assert_eq!(open_record(&vault_key, &id, &envelope).unwrap(), login());
    }
}
