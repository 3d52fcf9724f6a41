//! An unfinished file share, kept in this browser's local storage so that an upload broken off
//! by a network cut, a closed tab or a restarted server can continue when the user selects the
//! same files again (docs/envelope.md, "Resuming an upload").
//!
//! The draft holds the sealed create request (envelope and tokens: no plaintext), the link's
//! key and management secret (to show the links at the end), the public key a signed share is
//! sealed for, and for each file its id, key, the hash chain of the chunks sealed so far and its
//! sealed metadata once made. It is deleted when the share is created or the
//! user discards it. Until then, anyone with this browser profile could read those keys; the
//! threat model says so.

pub use coffer_shared::upload_draft::{Draft, DraftFile};

/// The local-storage key of the one draft a browser keeps.
const STORAGE_KEY: &str = "coffer:upload-draft";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The draft this browser keeps, if any (an unreadable one counts as none).
pub fn load() -> Option<Draft> {
    let text = storage()?.get_item(STORAGE_KEY).ok().flatten()?;
    serde_json::from_str(&text).ok()
}

/// Writes the draft. Synchronous: when this returns, a chunk sealed before it may be sent.
/// `false` if the storage refused (full or disabled): the caller must then not send the chunk.
#[must_use]
pub fn save(draft: &Draft) -> bool {
    let Ok(text) = serde_json::to_string(draft) else { return false };
    storage().is_some_and(|storage| storage.set_item(STORAGE_KEY, &text).is_ok())
}

/// Deletes the draft.
pub fn clear() {
    if let Some(storage) = storage() {
        let _ = storage.remove_item(STORAGE_KEY);
    }
}
