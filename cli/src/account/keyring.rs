//! The session of `coffer login --remember`, kept in the system's keyring under the service
//! `coffer` and the server's origin (docs/cli.md, "Sessions"): the kernel's keyutils on Linux
//! (the user's persistent keyring, which lives a few days without use and not across a
//! reboot), the Keychain on macOS, the Credential Manager on Windows. Nothing else is supported:
//! there `--remember` fails and nothing is written anywhere.

use crate::exit::{Failure, Kind, Outcome};

use super::session::Session;

/// The keyring service every entry is kept under.
pub const SERVICE: &str = "coffer";
/// The entry [`probe`] writes and deletes.
const PROBE: &str = "coffer-cli-probe";

/// Whether this build has a keyring for this platform.
const SUPPORTED: bool = cfg!(any(target_os = "linux", target_os = "macos", target_os = "windows"));

fn unusable(error: impl std::fmt::Display) -> Failure {
    Failure::new(
        Kind::Other,
        format!(
            "The system keyring cannot be used here ({error}), so --remember cannot keep the session. \
             Sign in without --remember and keep COFFER_SESSION in your shell instead."
        ),
    )
}

fn entry(user: &str) -> Outcome<keyring::Entry> {
    if !SUPPORTED {
        return Err(unusable("no keyring is known for this platform"));
    }
    keyring::Entry::new(SERVICE, user).map_err(unusable)
}

/// Writes, reads back and deletes an entry, so that a sign-in that will need the keyring fails
/// before it starts rather than after.
pub fn probe() -> Outcome {
    let probe = entry(PROBE)?;
    probe.set_password("probe").map_err(unusable)?;
    let read = probe.get_password().map_err(unusable);
    let _ = probe.delete_credential();
    if read? == "probe" { Ok(()) } else { Err(unusable("an entry did not read back")) }
}

/// Keeps `session` for its server, replacing any kept before.
pub fn keep(session: &Session) -> Outcome {
    entry(&session.origin())?.set_password(&session.encode()).map_err(unusable)
}

/// The session kept for `origin`, if any. A keyring that cannot be read counts as none.
pub fn load(origin: &str) -> Outcome<Option<Session>> {
    if !SUPPORTED {
        return Ok(None);
    }
    let Ok(entry) = keyring::Entry::new(SERVICE, origin) else { return Ok(None) };
    match entry.get_password() {
        Ok(text) => {
            let text = zeroize::Zeroizing::new(text);
            Session::decode(&text, "The keyring's coffer entry").map(Some)
        }
        Err(_) => Ok(None),
    }
}

/// Deletes the entry of `origin`; `true` if there was one.
pub fn forget(origin: &str) -> bool {
    SUPPORTED && keyring::Entry::new(SERVICE, origin).is_ok_and(|entry| entry.delete_credential().is_ok())
}
