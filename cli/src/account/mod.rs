//! Signing in from the command line (docs/cli.md, "Sessions"): `coffer login` derives the keys
//! from the passphrase here and opens the account's wrapped keys as the browser does;
//! `coffer logout` ends the session. Other commands find the session with [`current`].

mod args;
mod ask;
mod code;
pub mod current;
mod kdf;
pub mod keyring;
pub mod login;
pub mod logout;
pub mod session;

pub use args::{LOGIN_HELP, LOGOUT_HELP, LoginArgs};
pub use session::Session;
