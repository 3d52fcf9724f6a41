//! The questions of `coffer login`: the address and the code on the terminal (`/dev/tty`), the
//! passphrase without echo, or each from the next line of stdin for scripts.

use std::io::{BufRead, Write};

use zeroize::Zeroizing;

use crate::exit::{Failure, Kind, Outcome};

/// The failure of a question without a terminal, naming the flag that answers it.
fn no_terminal(flag: &str) -> Failure {
    Failure::usage(format!("There is no terminal to ask on: pass {flag}."))
}

/// Asks on the terminal, with echo; the answer trimmed.
pub fn line(question: &str, flag: &str) -> Outcome<String> {
    let path = if cfg!(windows) { "CONIN$" } else { "/dev/tty" };
    let tty = std::fs::OpenOptions::new().read(true).write(true).open(path).map_err(|_| no_terminal(flag))?;
    let mut writer = tty.try_clone().map_err(|_| no_terminal(flag))?;
    write!(writer, "{question}").and_then(|()| writer.flush()).map_err(|_| no_terminal(flag))?;
    let mut answer = String::new();
    std::io::BufReader::new(tty).read_line(&mut answer).map_err(|_| no_terminal(flag))?;
    Ok(answer.trim().to_owned())
}

/// Asks for a secret on the terminal without echo.
pub fn secret(question: &str, flag: &str) -> Outcome<Zeroizing<String>> {
    let answer = Zeroizing::new(rpassword::prompt_password(question).map_err(|_| no_terminal(flag))?);
    if answer.is_empty() {
        return Err(Failure::usage("The answer is empty."));
    }
    Ok(answer)
}

/// The next line of stdin without its line ending; `what` names it in errors. The end of
/// stdin is `None`.
pub fn stdin_line(what: &str) -> Outcome<Option<Zeroizing<String>>> {
    if crate::prompt::stdin_is_terminal() {
        // Typed there, it would be echoed on the screen: the terminal prompt hides it.
        return Err(Failure::usage(format!(
            "stdin is a terminal: leave out the -stdin flag to be asked for the {what} without echo."
        )));
    }
    let mut line = Zeroizing::new(String::new());
    let read = std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|error| Failure::new(Kind::LocalFile, format!("stdin ({what}): {error}")))?;
    if read == 0 {
        return Ok(None);
    }
    let trimmed = Zeroizing::new(line.trim_end_matches(['\r', '\n']).to_owned());
    if trimmed.is_empty() {
        return Err(Failure::usage(format!("stdin gave an empty {what}.")));
    }
    Ok(Some(trimmed))
}
