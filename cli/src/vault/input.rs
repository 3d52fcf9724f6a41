//! The secrets `coffer vault` reads besides its plain flags: a login's password (asked on the
//! terminal, read from stdin or generated), the authenticator secret and the notes from stdin,
//! and the passphrase a sensitive record asks for. stdin carries them in this order: the
//! password's line, the authenticator secret's line, the notes to the end (the passphrase of
//! `get` alone). A terminal on stdin is refused: what is typed there is echoed.

use std::io::Read;

use coffer_shared::api::MAX_RECORD_BYTES;
use coffer_shared::generator::{self, PasswordOptions};
use zeroize::Zeroizing;

use crate::exit::{Failure, Kind, Outcome};
use crate::prompt;

use super::args::RecordArgs;

/// What `add` and `edit` were given for the record's secrets; `None` leaves one as it is.
#[derive(Default)]
pub struct Secrets {
    /// The new password.
    pub password: Option<Zeroizing<String>>,
    /// The new authenticator secret, `""` to remove it.
    pub totp: Option<Zeroizing<String>>,
    /// The new notes.
    pub notes: Option<Zeroizing<String>>,
}

/// Reads what `args` asks for, stdin in its order: password, authenticator secret, notes.
pub fn secrets(args: &RecordArgs) -> Outcome<Secrets> {
    let password = password(args)?;
    let totp = if args.totp_stdin { Some(totp_from_stdin()?) } else { args.totp.clone().map(Zeroizing::new) };
    let notes = if args.notes_stdin {
        Some(stdin_rest("notes", "--notes-stdin")?)
    } else {
        args.notes.clone().map(Zeroizing::new)
    };
    Ok(Secrets { password, totp, notes })
}

/// The authenticator secret's line of stdin (`--totp-stdin`).
fn totp_from_stdin() -> Outcome<Zeroizing<String>> {
    prompt::stdin_line("authenticator secret", "--totp-stdin")?
        .ok_or_else(|| Failure::usage("stdin ended before the authenticator secret (--totp-stdin)."))
}

/// The password `args` asks for, if any: prompted, read from stdin or generated.
fn password(args: &RecordArgs) -> Outcome<Option<Zeroizing<String>>> {
    if args.password_prompt {
        return prompt::password("Password: ", true).map(Some);
    }
    if args.password_stdin {
        return prompt::password_from_stdin().map(Some);
    }
    if args.generate {
        let options = PasswordOptions { length: args.length, ..PasswordOptions::default() };
        return generator::password(&options)
            .map(|password| Some(Zeroizing::new(password)))
            .map_err(|error| Failure::usage(format!("--length: {error}")));
    }
    Ok(None)
}

/// The rest of stdin for `flag`, without one final line ending; at most a record's size.
fn stdin_rest(what: &str, flag: &str) -> Outcome<Zeroizing<String>> {
    prompt::refuse_terminal_stdin(what, flag)?;
    let mut bytes = Zeroizing::new(Vec::new());
    std::io::stdin()
        .lock()
        .take(MAX_RECORD_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|error| Failure::new(Kind::LocalFile, format!("stdin ({flag}): {error}")))?;
    if bytes.len() > MAX_RECORD_BYTES {
        return Err(Failure::usage(format!(
            "stdin holds more {what} than a record can ({}).",
            crate::size::text(MAX_RECORD_BYTES as u64)
        )));
    }
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| Failure::usage(format!("stdin ({flag}) is not UTF-8 text.")))?;
    let text = text.strip_suffix('\n').map_or(text, |text| text.strip_suffix('\r').unwrap_or(text));
    Ok(Zeroizing::new(text.to_owned()))
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Parser)]
    struct Test {
        #[command(flatten)]
        args: RecordArgs,
    }

    #[test]
    fn a_secret_comes_from_its_flag_or_from_stdin_never_both() {
        let parse =
            |flags: &[&str]| Test::try_parse_from(std::iter::once("test").chain(flags.iter().copied()));
        let given = secrets(&parse(&["--totp", "JBSWY3DPEHPK3PXP", "--notes", "n"]).unwrap().args).unwrap();
        assert_eq!(given.totp.as_deref().map(String::as_str), Some("JBSWY3DPEHPK3PXP"));
        assert_eq!(given.notes.as_deref().map(String::as_str), Some("n"));
        assert!(given.password.is_none());
        assert!(parse(&["--totp", "x", "--totp-stdin"]).is_err());
        assert!(parse(&["--notes", "x", "--notes-stdin"]).is_err());
    }

    #[test]
    fn generated_passwords_have_the_asked_length() {
        let args = Test::parse_from(["test", "--generate", "--length", "32"]).args;
        let password = password(&args).unwrap().unwrap();
        assert_eq!(password.chars().count(), 32);
    }
}
