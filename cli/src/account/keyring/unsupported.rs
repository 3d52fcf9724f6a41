//! Platforms without a supported keyring: nothing is ever kept.

use zeroize::Zeroizing;

const UNSUPPORTED: &str = "no keyring is known for this platform";

/// Always fails: there is nowhere to keep a secret.
pub fn put(_name: &str, _secret: &str) -> Result<(), String> {
    Err(UNSUPPORTED.to_owned())
}

/// Always `None`.
pub fn get(_name: &str) -> Result<Option<Zeroizing<String>>, String> {
    Ok(None)
}

/// Always `false`.
pub fn delete(_name: &str) -> Result<bool, String> {
    Ok(false)
}
