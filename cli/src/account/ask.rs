//! The questions of `coffer login`: the address and the code on the terminal (`/dev/tty`), the
//! passphrase without echo, or each from the next line of stdin for scripts.

use zeroize::Zeroizing;

use crate::exit::{Failure, Outcome};
use crate::prompt;

/// The failure of a question without a terminal, naming the flag that answers it.
fn no_terminal(flag: &str) -> Failure {
    Failure::usage(format!("There is no terminal to ask on: pass {flag}."))
}

/// Asks on the terminal, with echo; the answer trimmed.
pub fn line(question: &str, flag: &str) -> Outcome<String> {
    prompt::tty_line(question, || no_terminal(flag)).map(|answer| answer.trim().to_owned())
}

/// Asks for a secret on the terminal without echo.
pub fn secret(question: &str, flag: &str) -> Outcome<Zeroizing<String>> {
    let answer = Zeroizing::new(rpassword::prompt_password(question).map_err(|_| no_terminal(flag))?);
    if answer.is_empty() {
        return Err(Failure::usage("The answer is empty."));
    }
    Ok(answer)
}

/// The next line of stdin (`--passphrase-stdin`) without its line ending; `what` names it in
/// errors. The end of stdin is `None`; an empty line is refused.
pub fn stdin_line(what: &str) -> Outcome<Option<Zeroizing<String>>> {
    match prompt::stdin_line(what, "--passphrase-stdin")? {
        Some(line) if line.is_empty() => Err(Failure::usage(format!("stdin gave an empty {what}."))),
        line => Ok(line),
    }
}
