//! The session of `coffer login --remember`, kept in the system's keyring under the server's
//! origin (docs/cli.md, "Sessions"): the kernel's keyutils on Linux, the Keychain on macOS, the
//! Credential Manager on Windows. Nothing else is supported: there `--remember` fails and
//! nothing is written anywhere.

#[cfg(target_os = "linux")]
mod keyutils;
#[cfg(target_os = "linux")]
use keyutils as store;

#[cfg(any(target_os = "macos", target_os = "windows"))]
mod native;
#[cfg(any(target_os = "macos", target_os = "windows"))]
use native as store;

#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
mod unsupported;
#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
use unsupported as store;

use crate::exit::{Failure, Kind, Outcome};

use super::session::Session;

/// The entry [`probe`] writes and deletes.
const PROBE: &str = "coffer-cli-probe";

fn unusable(error: impl std::fmt::Display) -> Failure {
    Failure::new(
        Kind::Other,
        format!(
            "The system keyring cannot be used here ({error}), so --remember cannot keep the session. \
             Sign in without --remember and keep COFFER_SESSION in your shell instead."
        ),
    )
}

/// Writes, reads back and deletes an entry, so that a sign-in that will need the keyring fails
/// before it starts rather than after.
pub fn probe() -> Outcome {
    store::put(PROBE, "probe").map_err(unusable)?;
    let read = store::get(PROBE);
    let deleted = store::delete(PROBE);
    match (read.map_err(unusable)?, deleted.map_err(unusable)?) {
        (Some(text), true) if *text == "probe" => Ok(()),
        (Some(_), true) => Err(unusable("an entry read back changed")),
        (None, _) => Err(unusable("an entry written could not be read back")),
        (Some(_), false) => Err(unusable("an entry written could not be deleted")),
    }
}

/// Keeps `session` for its server, replacing any kept before.
pub fn keep(session: &Session) -> Outcome {
    store::put(&session.origin(), &session.encode()).map_err(unusable)
}

/// The session kept for `origin`, if any. A keyring that cannot be read counts as none.
pub fn load(origin: &str) -> Outcome<Option<Session>> {
    match store::get(origin) {
        Ok(Some(text)) => Session::decode(&text, "The keyring's coffer entry").map(Some),
        Ok(None) | Err(_) => Ok(None),
    }
}

/// Deletes the entry of `origin`; `true` if there was one.
pub fn forget(origin: &str) -> bool {
    store::delete(origin).unwrap_or(false)
}
