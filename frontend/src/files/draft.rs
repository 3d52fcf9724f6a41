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

use coffer_shared::api::CreateShareRequest;
use coffer_shared::b64;
use coffer_shared::crypto::resume::SealedChain;
use serde::{Deserialize, Serialize};

/// The local-storage key of the one draft a browser keeps.
const STORAGE_KEY: &str = "coffer:upload-draft";

/// A file share being uploaded.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    /// The create request to send once every file is finished.
    pub request: CreateShareRequest,
    /// base64url of the share key `K`.
    pub share_key: String,
    /// base64url of the management link's secret `m` (the server is sent only its hash). A
    /// draft made before the hash held the old raw token here, under the old name; it is read
    /// as `m` (docs/envelope.md, "Keys for a share").
    #[serde(alias = "manage_token")]
    pub manage_secret: String,
    /// Whether the share has a password.
    pub has_password: bool,
    /// base64url of the identity public key the envelope was sealed for, when the share is
    /// made for a signed-in account; it is signed with that key once every file is finished.
    #[serde(default)]
    pub signer: Option<String>,
    /// The files, in the share's order.
    pub files: Vec<DraftFile>,
}

impl std::fmt::Debug for Draft {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Draft").field("files", &self.files).finish_non_exhaustive()
    }
}

/// One file of a draft.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct DraftFile {
    /// The file id (fresh when the draft was made).
    pub file_id: String,
    /// base64url of the file key.
    pub file_key: String,
    /// The file's name, to match a new selection.
    pub name: String,
    /// Its size in bytes.
    pub size: u64,
    /// Its modification time (ms), to match a new selection.
    pub last_modified: f64,
    /// Its MIME type.
    pub mime_type: String,
    /// The chunk size it is sealed with.
    pub chunk_size: u32,
    /// Chunks sealed so far (the chain covers `0..sealed`).
    pub sealed: u64,
    /// base64url of the chain's value after them.
    pub chain: String,
    /// Whether the server confirmed its finish.
    pub finished: bool,
    /// base64url of the metadata envelope, stored before the finish that sends it.
    #[serde(default)]
    pub metadata: Option<String>,
}

impl std::fmt::Debug for DraftFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DraftFile")
            .field("size", &self.size)
            .field("sealed", &self.sealed)
            .field("finished", &self.finished)
            .finish_non_exhaustive()
    }
}

impl DraftFile {
    /// The chain as recorded.
    pub fn chain(&self) -> Option<SealedChain> {
        let value: [u8; 32] = b64::decode(&self.chain).ok()?.try_into().ok()?;
        Some(SealedChain::from_parts(self.sealed, value))
    }

    /// Records the chain after another sealed chunk.
    pub fn set_chain(&mut self, chain: &SealedChain) {
        self.sealed = chain.count();
        self.chain = b64::encode(chain.value());
    }

    /// Whether a selected file looks like this one (name, size, modification time). The chain
    /// check decides whether its content is.
    pub fn looks_like(&self, name: &str, size: u64, last_modified: f64) -> bool {
        self.name == name && self.size == size && self.last_modified == last_modified
    }
}

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
