//! [`Session`]: a signed-in, unlocked account as `coffer` carries it from one command to the
//! next, and its text form, the value of `COFFER_SESSION` and of the keyring entry
//! (docs/cli.md, "Sessions"):
//!
//! ```text
//! session = "coffer-session-1." || b64u(UTF-8(JSON))
//! JSON    = {"server": origin, "email": address, "token": session cookie, "csrf": CSRF token,
//!            "vault_key": b64u(32 bytes), "identity_seed": b64u(32 bytes)}
//! ```
//!
//! The text holds the vault key and the identity seed: whoever reads it can open the vault and
//! sign shares until the session ends on the server (and keeps the keys after that). It is
//! never written to a file by `coffer`, never logged, and `Debug` prints only the server and
//! the address.

use std::fmt;

use coffer_shared::b64;
use coffer_shared::crypto::Key32;
use coffer_shared::crypto::identity::IdentityKey;
use serde::{Deserialize, Serialize};
use url::Url;
use zeroize::{Zeroize, Zeroizing};

use crate::exit::{Failure, Kind, Outcome};
use crate::http::{Client, SessionAuth};

/// The prefix naming the format and its version.
pub const PREFIX: &str = "coffer-session-1.";

/// A signed-in account with its keys open.
pub struct Session {
    /// The server's origin, e.g. `https://coffer.example`.
    pub server: Url,
    /// The account's normalized address.
    pub email: String,
    /// The session cookie's token and the CSRF token.
    pub auth: SessionAuth,
    /// The vault key: opens records and share notes.
    pub vault_key: Key32,
    /// The identity key: signs shares.
    pub identity: IdentityKey,
}

/// The JSON inside the text form. Wiped on drop.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Wire {
    server: String,
    email: String,
    token: String,
    csrf: String,
    vault_key: String,
    identity_seed: String,
}

impl Drop for Wire {
    fn drop(&mut self) {
        self.token.zeroize();
        self.csrf.zeroize();
        self.vault_key.zeroize();
        self.identity_seed.zeroize();
    }
}

impl Session {
    /// The text form, `coffer-session-1.…`. Wiped on drop.
    pub fn encode(&self) -> Zeroizing<String> {
        let wire = Wire {
            server: origin_of(&self.server),
            email: self.email.clone(),
            token: self.auth.cookie.clone(),
            csrf: self.auth.csrf.clone(),
            vault_key: self.vault_key.to_b64(),
            identity_seed: self.identity.seed().to_b64(),
        };
        let json = Zeroizing::new(serde_json::to_vec(&wire).unwrap_or_default());
        Zeroizing::new(format!("{PREFIX}{}", b64::encode(&json[..])))
    }

    /// Reads the text form; `source` names where it came from for the error message (which
    /// never quotes the text).
    pub fn decode(text: &str, source: &str) -> Outcome<Self> {
        let bad = || {
            Failure::new(
                Kind::SignedOut,
                format!("{source} does not hold a coffer session. Run `coffer login` again."),
            )
        };
        let body = text.trim().strip_prefix(PREFIX).ok_or_else(bad)?;
        let json = Zeroizing::new(b64::decode(body).map_err(|_| bad())?);
        let wire: Wire = serde_json::from_slice(&json).map_err(|_| bad())?;
        let server = Url::parse(&wire.server).map_err(|_| bad())?;
        let vault_key = Key32::from_b64(&wire.vault_key).map_err(|_| bad())?;
        let seed = Key32::from_b64(&wire.identity_seed).map_err(|_| bad())?;
        Ok(Self {
            server,
            email: wire.email.clone(),
            auth: SessionAuth { cookie: wire.token.clone(), csrf: wire.csrf.clone() },
            vault_key,
            identity: IdentityKey::from_seed(&seed),
        })
    }

    /// The server's origin without a trailing `/`.
    pub fn origin(&self) -> String {
        origin_of(&self.server)
    }

    /// A client of the session's server that sends the session.
    pub fn client(&self) -> Outcome<Client> {
        Ok(Client::new(&self.server)?.with_session(self.auth.clone()))
    }
}

/// `scheme://host[:port]`, the form sessions are kept under and compared by.
pub fn origin_of(url: &Url) -> String {
    url.origin().ascii_serialization()
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("server", &self.origin())
            .field("email", &self.email)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session() -> Session {
        Session {
            server: Url::parse("https://coffer.example:8443/some/path").unwrap(),
            email: "alice@example.org".into(),
            auth: SessionAuth { cookie: "cookie-token".into(), csrf: "csrf-token".into() },
            vault_key: Key32::from_bytes([7; 32]),
            identity: IdentityKey::from_seed(&Key32::from_bytes([9; 32])),
        }
    }

    #[test]
    fn the_text_form_round_trips_and_names_its_version() {
        let text = session().encode();
        assert!(text.starts_with(PREFIX));
        assert!(text.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b)), "shell-safe");
        let back = Session::decode(&text, "COFFER_SESSION").unwrap();
        assert_eq!(back.origin(), "https://coffer.example:8443");
        assert_eq!(back.email, "alice@example.org");
        assert_eq!(back.auth.cookie, "cookie-token");
        assert_eq!(back.auth.csrf, "csrf-token");
        assert_eq!(back.vault_key, Key32::from_bytes([7; 32]));
        assert_eq!(back.identity.public_key(), session().identity.public_key());
    }

    #[test]
    fn damaged_or_foreign_text_is_refused_without_quoting_it() {
        let text = session().encode();
        for bad in [&text[PREFIX.len()..], "coffer-session-2.e30", &text[..text.len() - 4], "hunter2"] {
            let failure = Session::decode(bad, "COFFER_SESSION").unwrap_err();
            assert_eq!(failure.kind, Kind::SignedOut);
            assert!(!failure.message.contains(bad), "the text stays out of the message");
        }
    }

    #[test]
    fn debug_shows_no_token_and_no_key() {
        let debug = format!("{:?}", session());
        assert!(!debug.contains("cookie-token") && !debug.contains("csrf-token"), "{debug}");
        assert!(debug.contains("alice@example.org"));
    }
}
