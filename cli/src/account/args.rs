//! The command line of `coffer login` and `coffer logout`, with their `--help` examples.

use clap::Args;

/// `coffer login`.
#[derive(Debug, Args)]
pub struct LoginArgs {
    /// The account's e-mail address (asked on the terminal if not given).
    #[arg(long, short)]
    pub email: Option<String>,
    /// Keep the session in the system keyring instead of printing it for the shell.
    #[arg(long)]
    pub remember: bool,
    /// Read the passphrase from the first line of stdin (and, without --code, the code from
    /// the second line once it is asked for).
    #[arg(long)]
    pub passphrase_stdin: bool,
    /// The second factor: the authenticator's 6 digits, a recovery code, or the e-mailed code
    /// of a sign-in started a moment ago (which a new start keeps). Other local users can see
    /// arguments: give a recovery code on stdin (the line after the passphrase) instead.
    #[arg(long, value_name = "CODE")]
    pub code: Option<String>,
}

/// `coffer login --help` examples.
pub const LOGIN_HELP: &str = "\
Examples:
  eval \"$(coffer login --email me@example.org)\"   # sets COFFER_SESSION in this shell
  coffer login --email me@example.org --remember  # keeps the session in the system keyring
  coffer login -e me@example.org --code 123456 --remember   # with an authenticator code
  printf '%s\\n' \"$PASSPHRASE\" | coffer login -e me@example.org --passphrase-stdin --code 123456

The session (COFFER_SESSION, or the keyring's entry) holds the vault key: whoever reads it can
open your vault until it ends. `coffer logout` ends it.

Exit codes: 0 signed in, 4 wrong passphrase or code, 6 the server's keys or parameters are
refused, 8 the sign-in attempt expired; see `coffer --help` for the rest.";

/// `coffer logout --help` examples.
pub const LOGOUT_HELP: &str = "\
Examples:
  coffer logout && unset COFFER_SESSION

Exit codes: 0 signed out, 8 there was no session; see `coffer --help` for the rest.";
