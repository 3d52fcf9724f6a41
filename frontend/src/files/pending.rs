//! Vault attachments whose upload has not finished, kept in this browser's local storage so that
//! an upload broken off by a network cut, a closed tab or a restarted server continues after the
//! next sign-in, when the user selects the same file again (docs/envelope.md, "Resuming an
//! upload").
//!
//! An entry holds no key: a vault attachment's key derives from the vault key and the file id
//! (`crypto::vault::attachment_key`). It holds the ids, the file's name, size and date (to match a
//! new selection and to tell the user what to select) and the hash chain of the chunks sealed
//! so far. It goes once the file is attached to its record, or is cancelled.

use coffer_shared::b64;
use coffer_shared::crypto::resume::SealedChain;
use serde::{Deserialize, Serialize};

/// The local-storage key of the list.
const STORAGE_KEY: &str = "coffer:pending-attachments";

/// One attachment being uploaded.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct Pending {
    /// The account it belongs to (another account signed in on this browser does not see it).
    pub account_id: String,
    /// The record it is for.
    pub record_id: String,
    /// The file id (fresh when the entry was made).
    pub file_id: String,
    /// The file's name, to match a new selection and to name it to the user.
    pub name: String,
    /// Its size in bytes.
    pub size: u64,
    /// Its modification time (ms).
    pub last_modified: f64,
    /// The chunk size it is sealed with.
    pub chunk_size: u32,
    /// Chunks sealed so far (the chain covers `0..sealed`).
    pub sealed: u64,
    /// base64url of the chain's value after them.
    pub chain: String,
}

impl std::fmt::Debug for Pending {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pending")
            .field("size", &self.size)
            .field("sealed", &self.sealed)
            .finish_non_exhaustive()
    }
}

impl Pending {
    /// A new entry for `file`, nothing sealed yet.
    pub fn new(
        account_id: &str,
        record_id: &str,
        file_id: &str,
        file: &web_sys::File,
        chunk_size: u32,
    ) -> Self {
        Self {
            account_id: account_id.to_owned(),
            record_id: record_id.to_owned(),
            file_id: file_id.to_owned(),
            name: file.name(),
            size: file.size() as u64,
            last_modified: file.last_modified(),
            chunk_size,
            sealed: 0,
            chain: b64::encode(SealedChain::new().value()),
        }
    }

    /// The chain as recorded.
    pub fn chain(&self) -> Option<SealedChain> {
        let value: [u8; 32] = b64::decode(&self.chain).ok()?.try_into().ok()?;
        Some(SealedChain::from_parts(self.sealed, value))
    }

    /// Whether a selected file looks like this one (name, size, modification time). The chain
    /// check decides whether its content is.
    pub fn looks_like(&self, file: &web_sys::File) -> bool {
        self.name == file.name()
            && self.size == file.size() as u64
            && self.last_modified == file.last_modified()
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn load_all() -> Vec<Pending> {
    storage()
        .and_then(|storage| storage.get_item(STORAGE_KEY).ok().flatten())
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default()
}

fn save_all(list: &[Pending]) -> bool {
    let Some(storage) = storage() else { return false };
    if list.is_empty() {
        return storage.remove_item(STORAGE_KEY).is_ok();
    }
    serde_json::to_string(list).is_ok_and(|text| storage.set_item(STORAGE_KEY, &text).is_ok())
}

/// The account's unfinished attachments, oldest first.
pub fn of_account(account_id: &str) -> Vec<Pending> {
    load_all().into_iter().filter(|entry| entry.account_id == account_id).collect()
}

/// Adds or replaces (by file id) an entry. Synchronous: when it returns `true`, a chunk the
/// entry's chain covers may be sent; `false` if the storage refused (full or disabled).
#[must_use]
pub fn save(entry: &Pending) -> bool {
    let mut list = load_all();
    match list.iter_mut().find(|old| old.file_id == entry.file_id) {
        Some(old) => *old = entry.clone(),
        None => list.push(entry.clone()),
    }
    save_all(&list)
}

/// Forgets the entry of `file_id`.
pub fn remove(file_id: &str) {
    let mut list = load_all();
    list.retain(|entry| entry.file_id != file_id);
    let _ = save_all(&list);
}
