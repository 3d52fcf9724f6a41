//! macOS and Windows: the `keyring` crate's Keychain and Credential Manager entries, under the
//! service `coffer` and the server's origin as the user name.

use zeroize::Zeroizing;

/// The keyring service every entry is kept under.
const SERVICE: &str = "coffer";

fn entry(name: &str) -> Result<keyring::Entry, String> {
    keyring::Entry::new(SERVICE, name).map_err(|error| error.to_string())
}

/// Stores `secret` under `name`, replacing what was there.
pub fn put(name: &str, secret: &str) -> Result<(), String> {
    entry(name)?.set_password(secret).map_err(|error| error.to_string())
}

/// The secret under `name`, or `None`.
pub fn get(name: &str) -> Result<Option<Zeroizing<String>>, String> {
    match entry(name)?.get_password() {
        Ok(text) => Ok(Some(Zeroizing::new(text))),
        Err(keyring::Error::NoEntry) => Ok(None),
        Err(error) => Err(error.to_string()),
    }
}

/// Deletes the secret under `name`; `true` if there was one.
pub fn delete(name: &str) -> Result<bool, String> {
    match entry(name)?.delete_credential() {
        Ok(()) => Ok(true),
        Err(keyring::Error::NoEntry) => Ok(false),
        Err(error) => Err(error.to_string()),
    }
}
