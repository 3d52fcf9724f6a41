//! Questions to the person at the terminal: passwords without echo and yes/no confirmations.
//! They go through the terminal itself (`/dev/tty`), never stdin, which may carry the secret;
//! without a terminal they fail with a usage error naming the flag that answers them instead.

use std::io::{BufRead, IsTerminal, Write};

use zeroize::Zeroizing;

use crate::exit::{Failure, Kind, Outcome};

/// Asks for a password without echoing it. `confirm` asks a second time and compares.
pub fn password(question: &str, confirm: bool) -> Outcome<Zeroizing<String>> {
    let no_terminal = || {
        Failure::usage("A password is needed and there is no terminal to ask it on: pass --password-stdin.")
    };
    let first = Zeroizing::new(rpassword::prompt_password(question).map_err(|_| no_terminal())?);
    if first.is_empty() {
        return Err(Failure::usage("The password is empty."));
    }
    if confirm {
        let again = Zeroizing::new(rpassword::prompt_password("Repeat it: ").map_err(|_| no_terminal())?);
        if *again != *first {
            return Err(Failure::usage("The two passwords differ."));
        }
    }
    Ok(first)
}

/// Reads one line from stdin as a password (`--password-stdin`), without its line ending.
pub fn password_from_stdin() -> Outcome<Zeroizing<String>> {
    stdin_line("password", "--password-stdin")?
        .filter(|line| !line.is_empty())
        .ok_or_else(|| Failure::usage("--password-stdin read an empty password."))
}

/// Refuses a terminal on stdin for `flag`: what is typed there is echoed on the screen.
pub fn refuse_terminal_stdin(what: &str, flag: &str) -> Outcome {
    if stdin_is_terminal() {
        return Err(Failure::usage(format!(
            "stdin is a terminal, which would show the {what} as it is typed: pipe it into {flag} \
             (from a file or a password manager), or leave {flag} out."
        )));
    }
    Ok(())
}

/// The next line of stdin for `flag`, without its line ending; `None` at the end of stdin. A
/// terminal on stdin is refused ([`refuse_terminal_stdin`]).
pub fn stdin_line(what: &str, flag: &str) -> Outcome<Option<Zeroizing<String>>> {
    refuse_terminal_stdin(what, flag)?;
    let mut line = Zeroizing::new(String::new());
    let read = std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|error| Failure::new(Kind::LocalFile, format!("stdin ({flag}): {error}")))?;
    if read == 0 {
        return Ok(None);
    }
    Ok(Some(Zeroizing::new(line.trim_end_matches(['\r', '\n']).to_owned())))
}

/// The link a command was given: the argument itself, the first line of stdin for `-`, or, with
/// none, asked for on the terminal without echo. A link in the arguments is visible to every
/// user of the machine (the process list) and stays in the shell's history; the other two
/// ways are not.
pub fn link(argument: Option<&str>) -> Outcome<Zeroizing<String>> {
    match argument {
        Some("-") => {
            let mut line = Zeroizing::new(String::new());
            std::io::stdin()
                .lock()
                .read_line(&mut line)
                .map_err(|error| Failure::new(Kind::LocalFile, format!("stdin: {error}")))?;
            Ok(Zeroizing::new(line.trim().to_owned()))
        }
        Some(link) => Ok(Zeroizing::new(link.to_owned())),
        None => rpassword::prompt_password("Link (hidden as you paste it): ")
            .map(|link| Zeroizing::new(link.trim().to_owned()))
            .map_err(|_| Failure::usage("Give the link: as an argument, or `-` to read it from stdin.")),
    }
}

/// Asks a yes/no question on the terminal; `true` only for an answer starting with `y`.
pub fn confirm(question: &str) -> Outcome<bool> {
    let no_terminal =
        || Failure::usage("This needs a confirmation and there is no terminal to ask it on: pass --yes.");
    let answer = tty_line(&format!("{question} [y/N] "), no_terminal)?;
    Ok(answer.trim_start().to_ascii_lowercase().starts_with('y'))
}

/// Asks `question` on the terminal itself, with echo, and returns the line typed; without a
/// terminal, the failure `no_terminal` makes.
pub fn tty_line(question: &str, no_terminal: impl Fn() -> Failure) -> Outcome<String> {
    let tty =
        std::fs::OpenOptions::new().read(true).write(true).open(tty_path()).map_err(|_| no_terminal())?;
    let mut writer = tty.try_clone().map_err(|_| no_terminal())?;
    write!(writer, "{question}").and_then(|()| writer.flush()).map_err(|_| no_terminal())?;
    let mut answer = String::new();
    std::io::BufReader::new(tty).read_line(&mut answer).map_err(|_| no_terminal())?;
    Ok(answer)
}

/// Whether stdin is a terminal (so reading it would wait for typing).
pub fn stdin_is_terminal() -> bool {
    std::io::stdin().is_terminal()
}

#[cfg(unix)]
fn tty_path() -> &'static str {
    "/dev/tty"
}

#[cfg(windows)]
fn tty_path() -> &'static str {
    "CONIN$"
}
