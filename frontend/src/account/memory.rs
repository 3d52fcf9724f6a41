//! The KDF inputs this browser remembers per address, in `localStorage` (docs/accounts.md,
//! "Remembered parameters"): the version and costs last used to unlock the account, under a
//! hash of the address. Inputs weaker than the entry are refused before anything is derived.
//!
//! Storage failures (no `localStorage`, a full or unreadable entry) leave the browser without an
//! entry, as on its first visit: it then trusts the server's answer within the floor and ceiling.

use coffer_shared::crypto::kdf_memory::{Downgrade, Remembered, storage_key};
use web_sys::Storage;

use super::Derivation;

fn storage() -> Option<Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The entry for `email`, if this browser has a readable one.
fn recall(email: &str) -> Option<Remembered> {
    let text = storage()?.get_item(&storage_key(email)).ok().flatten()?;
    serde_json::from_str(&text).ok()
}

/// Refuses `inputs` if they are weaker than the entry for their address.
pub fn check(inputs: &Derivation) -> Result<(), Downgrade> {
    match recall(&inputs.email) {
        Some(remembered) => remembered.check(&inputs.kdf),
        None => Ok(()),
    }
}

/// Makes `inputs` the entry for their address: after the keys opened with them, or after the
/// server stored them at a re-key.
pub fn remember(inputs: &Derivation) {
    let entry = Remembered::of(&inputs.kdf);
    if let (Some(storage), Ok(text)) = (storage(), serde_json::to_string(&entry)) {
        // A full or refused storage only costs the check on the next sign-in.
        let _ = storage.set_item(&storage_key(&inputs.email), &text);
    }
}
