//! [`Failure`]: why a command stopped, as one sentence for people and one documented exit code
//! for scripts (docs/cli.md, "Exit codes").

use std::fmt;
use std::process::ExitCode;

/// What kind of failure, each with its own exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// 1: anything not listed below.
    Other,
    /// 2: the command line is wrong, or a question needs a terminal that is not there.
    Usage,
    /// 3: the share does not exist, has expired, was used up or destroyed.
    NotFound,
    /// 4: the password (or the link's key) is wrong.
    WrongPassword,
    /// 5: the server could not be reached, or did not answer as a Coffer server does.
    Network,
    /// 6: something failed its integrity check: a signature, a sealed hash or an envelope.
    Tampered,
    /// 7: the server refused the request (a limit, a bad value, too many requests).
    Refused,
    /// 8: signing in is needed, or the session has ended.
    SignedOut,
    /// 9: a local file could not be read or written, or would be overwritten.
    LocalFile,
    /// 10: the user answered no.
    Declined,
    /// 130: stopped by Ctrl-C (SIGINT), as shells number it.
    Interrupted,
}

impl Kind {
    /// The process exit code.
    pub fn code(self) -> u8 {
        match self {
            Kind::Other => 1,
            Kind::Usage => 2,
            Kind::NotFound => 3,
            Kind::WrongPassword => 4,
            Kind::Network => 5,
            Kind::Tampered => 6,
            Kind::Refused => 7,
            Kind::SignedOut => 8,
            Kind::LocalFile => 9,
            Kind::Declined => 10,
            Kind::Interrupted => 130,
        }
    }

    /// A stable name for `--json` output.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Other => "error",
            Kind::Usage => "usage",
            Kind::NotFound => "not_found",
            Kind::WrongPassword => "wrong_password",
            Kind::Network => "network",
            Kind::Tampered => "tampered",
            Kind::Refused => "refused",
            Kind::SignedOut => "signed_out",
            Kind::LocalFile => "local_file",
            Kind::Declined => "declined",
            Kind::Interrupted => "interrupted",
        }
    }
}

/// A command's failure: its kind and what to tell the user. Never holds a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// Which exit code.
    pub kind: Kind,
    /// One or two sentences for people.
    pub message: String,
}

impl Failure {
    /// A failure of `kind`.
    pub fn new(kind: Kind, message: impl Into<String>) -> Self {
        Self { kind, message: message.into() }
    }

    /// A usage failure.
    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(Kind::Usage, message)
    }

    /// A local file failure, naming the file.
    pub fn file(path: &std::path::Path, error: impl fmt::Display) -> Self {
        Self::new(Kind::LocalFile, format!("{}: {error}", path.display()))
    }

    /// The exit code.
    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(self.kind.code())
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// Every command's result.
pub type Outcome<T = ()> = Result<T, Failure>;

/// The table of exit codes for `--help`.
pub const TABLE: &str = "\
Exit codes:
  0  success
  1  any other error
  2  wrong usage, or a question needs a terminal (pass --yes or --password-stdin)
  3  not found: the share does not exist, expired, was used up or destroyed
  4  wrong password
  5  the server could not be reached or answered unexpectedly
  6  tampered: a signature, a file's sealed hash or an envelope failed its check
  7  the server refused the request (a limit, a bad value, too many requests)
  8  not signed in, or the session ended
  9  a local file could not be read or written, or already exists
 10  you answered no
130  interrupted (Ctrl-C)";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_its_own_code_and_the_table_lists_it() {
        let kinds = [
            Kind::Other,
            Kind::Usage,
            Kind::NotFound,
            Kind::WrongPassword,
            Kind::Network,
            Kind::Tampered,
            Kind::Refused,
            Kind::SignedOut,
            Kind::LocalFile,
            Kind::Declined,
            Kind::Interrupted,
        ];
        let mut codes: Vec<u8> = kinds.iter().map(|kind| kind.code()).collect();
        codes.dedup();
        assert_eq!(codes.len(), kinds.len());
        for code in codes {
            assert!(TABLE.lines().any(|line| line.trim_start().starts_with(&format!("{code} "))), "{code}");
        }
    }
}
