//! Linux: `user` keys in the user's persistent keyring (persistent-keyring(7)), described as
//! `coffer:<origin>`. The kernel keeps them in memory only: they last until the keyring goes
//! unused for `/proc/sys/kernel/keys/persistent_keyring_expiry` seconds (3 days by default) and
//! never across a reboot. No D-Bus or desktop session is needed, so it works over SSH, in a
//! container and under a service manager.
//!
//! The persistent keyring, not the session keyring, holds the entry: a process started without
//! a session keyring (cron, `systemd-run`, a container's shell) falls back to the user-session
//! keyring, which a user namespace may not let it write, and a new login gets a new session
//! keyring that would not see the entry.

use linux_keyutils::{KeyError, KeyRing, KeyRingIdentifier};
use zeroize::Zeroizing;

/// The user's persistent keyring.
///
/// Invariant: it is linked into this process's own keyring, which makes its keys possessed by
/// this process alone (their default permissions let only a possessor read them) and restarts
/// its expiry timer. Not the session keyring: every process that inherits the session, a
/// `sudo -u other` child included, would possess the keys through that link.
fn keyring() -> Result<KeyRing, String> {
    KeyRing::get_persistent(KeyRingIdentifier::Process)
        .map_err(|error| format!("the persistent keyring: {error}"))
}

fn description(name: &str) -> String {
    format!("coffer:{name}")
}

fn is_absent(error: &KeyError) -> bool {
    matches!(error, KeyError::KeyDoesNotExist | KeyError::KeyExpired | KeyError::KeyRevoked)
}

/// Stores `secret` under `name`, replacing what was there.
pub fn put(name: &str, secret: &str) -> Result<(), String> {
    keyring()?
        .add_key(&description(name), secret.as_bytes())
        .map(drop)
        .map_err(|error| format!("adding a key: {error}"))
}

/// The secret under `name`, or `None`.
pub fn get(name: &str) -> Result<Option<Zeroizing<String>>, String> {
    let key = match keyring()?.search(&description(name)) {
        Ok(key) => key,
        Err(error) if is_absent(&error) => return Ok(None),
        Err(error) => return Err(format!("searching the keyring: {error}")),
    };
    let bytes = key.read_to_vec().map_err(|error| format!("reading a key: {error}"))?;
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Some(Zeroizing::new(text))),
        Err(error) => {
            drop(Zeroizing::new(error.into_bytes()));
            Err("a key that is not text".to_owned())
        }
    }
}

/// Deletes the secret under `name`; `true` if there was one.
pub fn delete(name: &str) -> Result<bool, String> {
    match keyring()?.search(&description(name)) {
        Ok(key) => key.invalidate().map(|()| true).map_err(|error| format!("deleting a key: {error}")),
        Err(error) if is_absent(&error) => Ok(false),
        Err(error) => Err(format!("searching the keyring: {error}")),
    }
}
