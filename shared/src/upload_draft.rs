//! An unfinished file share: the plan a client saves before anything is sent, and the hash
//! chain of each file's sealed chunks, so that a broken upload continues where it stopped
//! (docs/envelope.md, "Resuming an upload"). The browser keeps it in local storage
//! (`frontend/src/files/draft.rs`), the CLI in a file of its own (docs/cli.md, "Resuming").
//!
//! A draft holds the sealed create request (envelope and tokens: no plaintext), the link's key
//! and management secret (to give the links at the end), the public key a signed share is
//! sealed for, and for each file its id, key, chain and sealed metadata once made. Whoever can
//! read it can read the share once it is created: it is deleted when the share is created or
//! the upload is discarded, and the threat model says so.

use serde::{Deserialize, Serialize};

use crate::api::CreateShareRequest;
use crate::b64;
use crate::crypto::resume::SealedChain;

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
