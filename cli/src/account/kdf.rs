//! The passphrase's Argon2id, as the browser runs it (docs/accounts.md, "Keys of an account"):
//! the server's inputs are checked before anything is derived from them: within the floor and
//! the ceiling, of a known version, and not weaker than what this machine remembers for the
//! address (docs/accounts.md, "Remembered parameters"), so a malicious server cannot make the
//! passphrase cheaper to guess. The memory is one file an address, `kdf/<memory_id>.json` in
//! coffer's state folder, holding only the version and costs (`Remembered`).

use std::path::PathBuf;

use coffer_shared::api::KdfInputs;
use coffer_shared::crypto::account::AccountKeys;
use coffer_shared::crypto::account_kdf::AccountKdf;
use coffer_shared::crypto::kdf_memory::{Remembered, memory_id};
use zeroize::Zeroizing;

use crate::exit::{Failure, Kind, Outcome};

/// The server's inputs for `email`, if this client accepts them.
pub fn checked(email: &str, answer: &KdfInputs) -> Outcome<AccountKdf> {
    let kdf = answer.parse().map_err(|error| {
        Failure::new(
            Kind::Tampered,
            format!(
                "The server asked for passphrase protection this client refuses ({error}). \
                 Your passphrase was not used and nothing was sent."
            ),
        )
    })?;
    if let Some(remembered) = remembered(email) {
        remembered.check(&kdf).map_err(|downgrade| {
            Failure::new(
                Kind::Tampered,
                format!(
                    "The server asked to protect your passphrase more weakly than the last time you \
                     signed in on this machine ({downgrade}). That is what an attacker in control of \
                     the server would want. Your passphrase was not used and nothing was sent."
                ),
            )
        })?;
    }
    Ok(kdf)
}

/// `auth_key` and `kek` of `passphrase`, with Argon2id off the async runtime.
pub async fn derive(passphrase: Zeroizing<String>, email: &str, kdf: AccountKdf) -> Outcome<AccountKeys> {
    let email = email.to_owned();
    tokio::task::spawn_blocking(move || AccountKeys::derive(&kdf.master_key(&passphrase, &email)))
        .await
        .map_err(|_| Failure::new(Kind::Other, "The keys could not be derived from the passphrase."))
}

/// Remembers `kdf`'s version and costs for `email` after they opened the account. Best effort:
/// a state folder that cannot be written only loses the downgrade check.
pub fn remember(email: &str, kdf: &AccountKdf) {
    let Some(path) = path(email) else { return };
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    if let Ok(json) = serde_json::to_vec(&Remembered::of(kdf)) {
        // Whole or not at all: a half-written memory must not read as none.
        let temporary = path.with_extension("json.tmp");
        if std::fs::write(&temporary, json).is_ok() {
            let _ = std::fs::rename(&temporary, &path);
        }
    }
}

fn remembered(email: &str) -> Option<Remembered> {
    let bytes = std::fs::read(path(email)?).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// `<state folder>/kdf/<memory_id>.json`; the state folder is `COFFER_STATE_DIR`, else the
/// platform's (as for the upload drafts).
fn path(email: &str) -> Option<PathBuf> {
    let base = std::env::var_os("COFFER_STATE_DIR")
        .map(PathBuf::from)
        .or_else(|| dirs::state_dir().or_else(dirs::data_local_dir).map(|dir| dir.join("coffer")))?;
    Some(base.join("kdf").join(format!("{}.json", memory_id(email))))
}
