//! A share's note: the label its creator gave it and its link, sealed with the creator's vault
//! key so that "My shares" can name the share and give its link again while the server learns
//! neither (docs/accounts.md, "Share notes").

use std::fmt;

use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, ZeroizeOnDrop};

use super::OpenError;
use super::envelope::{self, Envelope, Header, Kind, NONCE_LEN};
use super::kdf::hkdf;
use super::padding::{padded_json, parse_padded_json};
use super::secret::{Key32, random_array};
use crate::id::ShareId;

/// HKDF info of `note_key`.
pub const NOTE_LABEL: &[u8] = b"coffer/v1/share/note";

/// The longest label, in characters.
pub const MAX_LABEL_CHARS: usize = 200;

/// The largest sealed note the server stores, in bytes (docs/api.md, "My shares").
pub const MAX_NOTE_BYTES: usize = 2048;

/// What the creator keeps about a share: its label and what it holds in one note, kept for as
/// long as the summary; its link in another, which the server deletes when the share ends.
/// Wiped on drop; `Debug` prints nothing of it.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize, Zeroize, ZeroizeOnDrop)]
pub struct ShareNote {
    /// The creator's name for the share; may be empty.
    #[serde(default)]
    pub label: String,
    /// The reader's link, `<origin>/s/<id>#<K>`; empty in the label's note.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub link: String,
    /// How many files the share holds, as the creator's browser sealed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub files: Option<u32>,
    /// Whether the share asks for a password, as the creator's browser sealed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<bool>,
}

impl fmt::Debug for ShareNote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ShareNote([redacted])")
    }
}

impl ShareNote {
    /// The note of a share's label and contents: `label` cut to [`MAX_LABEL_CHARS`].
    pub fn label(label: &str, files: u32, password: bool) -> Self {
        let label = label.trim().chars().take(MAX_LABEL_CHARS).collect();
        Self { label, link: String::new(), files: Some(files), password: Some(password) }
    }

    /// The note of a share's link.
    pub fn link(link: &str) -> Self {
        Self { label: String::new(), link: link.to_owned(), files: None, password: None }
    }

    /// The link, if it is `origin`'s reader link for share `id` with a key after `#`: the
    /// only link a page may offer from a note.
    pub fn link_for(&self, origin: &str, id: &ShareId) -> Option<&str> {
        let key = self.link.strip_prefix(origin)?.strip_prefix("/s/")?.strip_prefix(id.as_str())?;
        let key = key.strip_prefix('#')?;
        (!key.is_empty() && !key.contains(['#', ' '])).then_some(self.link.as_str())
    }
}

/// `note_key = HKDF(vault_key, salt = share_id, info = "coffer/v1/share/note")`.
pub fn note_key(vault_key: &Key32, id: &ShareId) -> Key32 {
    hkdf(vault_key.expose(), id.as_str().as_bytes(), NOTE_LABEL)
}

/// Seals `note` for share `id` with a fresh nonce.
pub fn seal_note(vault_key: &Key32, id: &ShareId, note: &ShareNote) -> Vec<u8> {
    seal_note_with_nonce(vault_key, id, note, random_array())
}

/// [`seal_note`] with the caller's nonce (test vectors fix it). The nonce MUST be fresh.
pub fn seal_note_with_nonce(
    vault_key: &Key32,
    id: &ShareId,
    note: &ShareNote,
    nonce: [u8; NONCE_LEN],
) -> Vec<u8> {
    let header = Header { kind: Kind::ShareNote, password: None, signed: false, nonce };
    envelope::seal(&note_key(vault_key, id), id.as_str(), header, &padded_json(note)).to_bytes()
}

/// Checks the kind, decrypts, unpads and decodes the note of share `id`. Every failure is the
/// same [`OpenError`].
pub fn open_note(vault_key: &Key32, id: &ShareId, envelope: &Envelope) -> Result<ShareNote, OpenError> {
    if envelope.header.kind != Kind::ShareNote {
        return Err(OpenError);
    }
    let plaintext = envelope::open(&note_key(vault_key, id), id.as_str(), envelope)?;
    parse_padded_json(&plaintext)
}

#[cfg(test)]
mod tests {
    use sha2::Digest;

    use super::*;

    fn note(id: &ShareId) -> ShareNote {
        ShareNote {
            label: "Wi-Fi for Sam".into(),
            link: format!("https://c.example/s/{id}#KEY"),
            files: None,
            password: None,
        }
    }

    #[test]
    fn a_note_opens_only_under_its_own_share_and_vault_key() {
        let (key, id, other) = (Key32::random(), ShareId::random(), ShareId::random());
        let sealed = Envelope::parse(&seal_note(&key, &id, &note(&id))).unwrap();
        assert_eq!(open_note(&key, &id, &sealed).unwrap(), note(&id));
        assert_eq!(open_note(&key, &other, &sealed), Err(OpenError));
        assert_eq!(open_note(&Key32::random(), &id, &sealed), Err(OpenError));
    }

    #[test]
    fn a_full_length_label_with_a_long_origin_stays_under_the_servers_limit() {
        let (key, id) = (Key32::random(), ShareId::random());
        let label = ShareNote::label(&"€".repeat(MAX_LABEL_CHARS + 50), 100, true);
        assert_eq!(label.label.chars().count(), MAX_LABEL_CHARS);
        assert!(seal_note(&key, &id, &label).len() <= MAX_NOTE_BYTES);
        let link = ShareNote::link(&format!("https://{}.example/s/{id}#{}", "a".repeat(200), "K".repeat(43)));
        assert!(seal_note(&key, &id, &link).len() <= MAX_NOTE_BYTES);
    }

    #[test]
    fn only_this_origins_link_for_this_share_is_offered() {
        let id = ShareId::random();
        let origin = "https://c.example";
        assert!(note(&id).link_for(origin, &id).is_some());
        assert_eq!(note(&id).link_for(origin, &ShareId::random()), None);
        assert_eq!(note(&id).link_for("https://evil.example", &id), None);
        let bare = ShareNote::link(&format!("{origin}/s/{id}"));
        assert_eq!(bare.link_for(origin, &id), None);
        let script = ShareNote::link(&format!("javascript:alert(1)//{origin}/s/{id}#K"));
        assert_eq!(script.link_for(origin, &id), None);
    }

    /// Pins the byte format: the same key, id, note and nonce always seal to these bytes.
    #[test]
    fn a_known_note_seals_to_known_bytes() {
        let key = Key32::from_bytes([7; 32]);
        let id: ShareId = "AAAAAAAAAAAAAAAAAAAAAA".parse().unwrap();
        let note = ShareNote {
            label: "Wi-Fi".into(),
            link: format!("https://c.example/s/{id}#KEY"),
            files: None,
            password: None,
        };
        let sealed = seal_note_with_nonce(&key, &id, &note, [9; NONCE_LEN]);
        assert_eq!(sealed[..7], [b'C', b'O', b'F', b'R', 1, 7, 0], "magic, version 1, kind 7, no flags");
        assert_eq!(sealed.len(), 7 + NONCE_LEN + 256 + 16, "one 256-byte padding block and the tag");
        let digest = sha2::Sha256::digest(&sealed);
        assert_eq!(crate::b64::encode(digest), PINNED);
        assert_eq!(open_note(&key, &id, &Envelope::parse(&sealed).unwrap()).unwrap(), note);
    }

    const PINNED: &str = "6zL84NvyWn6ceXq6TBDBLv167pro96TR1OQdnF6hMF0";

    #[test]
    fn debug_prints_neither_label_nor_link() {
        let id = ShareId::random();
        let printed = format!("{:?}", note(&id));
        assert!(!printed.contains("Sam") && !printed.contains("KEY"), "{printed}");
    }
}
