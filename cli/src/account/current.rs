//! Which session a command runs in: `COFFER_SESSION` first, then the keyring's entry for the
//! server (docs/cli.md, "Sessions").

use url::Url;
use zeroize::Zeroizing;

use crate::config;
use crate::exit::{Failure, Kind, Outcome};

use super::keyring;
use super::session::{Session, origin_of};

/// The environment variable `coffer login` asks the shell to set.
pub const ENV: &str = "COFFER_SESSION";

/// Where a session was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// `COFFER_SESSION`.
    Env,
    /// The system keyring.
    Keyring,
}

/// The session for `server` (the `--server` flag or `COFFER_SERVER`, else the config file's),
/// or `None` when neither `COFFER_SESSION` nor the keyring has one. A `COFFER_SESSION` for
/// another server than the one named is a usage error, not a silent switch.
pub fn find(server: Option<&str>) -> Outcome<Option<(Session, Source)>> {
    if let Some(text) = std::env::var_os(ENV).filter(|text| !text.is_empty()) {
        let text = Zeroizing::new(text.to_string_lossy().into_owned());
        let session = Session::decode(&text, ENV)?;
        // Whatever names the server (the flag, the variable or the config file), the session's
        // cookie and keys go to that server only.
        let named = match server {
            Some(named) => Some(config::server(Some(named))?),
            None => config::server(None).ok(),
        };
        if let Some(named) = named
            && origin_of(&named) != session.origin()
        {
            return Err(Failure::usage(format!(
                "{ENV} is a session on {}, not on {}. Unset one of them.",
                session.origin(),
                origin_of(&named)
            )));
        }
        return Ok(Some((session, Source::Env)));
    }
    let origin: Url = match config::server(server) {
        Ok(origin) => origin,
        Err(_) => return Ok(None),
    };
    Ok(keyring::load(&origin_of(&origin))?.map(|session| (session, Source::Keyring)))
}

/// The session, or exit code 8 saying how to get one.
pub fn require(server: Option<&str>) -> Outcome<Session> {
    match find(server)? {
        Some((session, _)) => Ok(session),
        None => Err(signed_out()),
    }
}

/// Not signed in: neither `COFFER_SESSION` nor a kept session.
pub fn signed_out() -> Failure {
    Failure::new(
        Kind::SignedOut,
        format!(
            "Not signed in: {ENV} is not set and the system keyring keeps no session for this server. \
             Run `eval \"$(coffer login)\"`, or `coffer login --remember`."
        ),
    )
}

/// The failure of a request the server refused with 401: the session has ended.
pub fn ended() -> Failure {
    Failure::new(
        Kind::SignedOut,
        "The session has ended (signed out, timed out or ended elsewhere). Run `coffer login` again.",
    )
}

/// A request's failure, with a 401 said as an ended session.
pub fn failure(error: crate::http::HttpError) -> Failure {
    if error.status() == Some(401) { ended() } else { error.into() }
}
