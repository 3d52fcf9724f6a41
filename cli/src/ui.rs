//! [`Ui`]: how a command talks to its user. Results go to stdout (sentences, or one JSON
//! object with `--json`); notes, questions and progress bars go to stderr. Colours and bars
//! only on a terminal, and never with `NO_COLOR` set.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;

use crate::exit::Failure;

/// The user's choices about output.
#[derive(Debug, Clone, Copy)]
pub struct Ui {
    /// Print one JSON object on stdout instead of sentences.
    pub json: bool,
    /// No notes and no progress bars.
    pub quiet: bool,
    colour_out: bool,
    colour_err: bool,
}

impl Ui {
    /// Output as asked, coloured where the stream is a terminal.
    pub fn new(json: bool, quiet: bool) -> Self {
        let allowed = std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty())
            && std::env::var("TERM").map_or(true, |term| term != "dumb");
        Self {
            json,
            quiet,
            colour_out: allowed && std::io::stdout().is_terminal(),
            colour_err: allowed && std::io::stderr().is_terminal(),
        }
    }

    /// A note for people on stderr (not with `--json` or `--quiet`).
    pub fn note(&self, text: &str) {
        if !self.json && !self.quiet {
            eprintln!("{text}");
        }
    }

    /// A warning on stderr, whatever the output mode; its control characters defused (it may
    /// quote a record's or a file's name).
    pub fn warn(&self, text: &str) {
        eprintln!("{}", paint(self.colour_err, "33", &crate::text::printable(text)));
    }

    /// A line of the result on stdout (sentences mode).
    pub fn line(&self, text: &str) {
        #[allow(clippy::print_stdout)]
        {
            println!("{text}");
        }
    }

    /// The result as one JSON object on stdout. On a terminal, the characters JSON leaves as
    /// they are but a terminal acts on (DEL, the C1 controls, invisible formatting) are written
    /// as `\u` escapes, which every JSON reader reads back the same.
    pub fn json<T: Serialize>(&self, value: &T) {
        let text = serde_json::to_string_pretty(value).unwrap_or_default();
        let text = if std::io::stdout().is_terminal() { escape_for_terminal(&text) } else { text };
        #[allow(clippy::print_stdout)]
        {
            println!("{text}");
        }
    }

    /// Whether stdout is a terminal that takes colours.
    pub fn colour(&self) -> bool {
        self.colour_out
    }

    /// `text` in bold on stdout's terminal.
    pub fn bold(&self, text: &str) -> String {
        paint(self.colour_out, "1", text)
    }

    /// `text` in green on stdout's terminal.
    pub fn good(&self, text: &str) -> String {
        paint(self.colour_out, "32", text)
    }

    /// Reports a failure on stderr (and as JSON on stdout with `--json`).
    pub fn fail(&self, failure: &Failure) {
        if self.json {
            self.json(&serde_json::json!({
                "error": failure.kind.name(),
                "exit_code": failure.kind.code(),
                "message": failure.message,
            }));
        }
        eprintln!(
            "{} {}",
            paint(self.colour_err, "1;31", "error:"),
            crate::text::printable(&failure.message)
        );
    }

    /// A bar for `total` bytes with rate and time left, drawn on stderr only when it is a
    /// terminal (and not `--json` or `--quiet`).
    pub fn bytes_bar(&self, total: u64, label: &str) -> ProgressBar {
        if self.json || self.quiet || !std::io::stderr().is_terminal() {
            return ProgressBar::hidden();
        }
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
        let style = ProgressStyle::with_template(
            "{prefix:.bold} {msg} [{bar:30}] {bytes}/{total_bytes} {binary_bytes_per_sec} ETA {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
        bar.set_style(style);
        bar.set_prefix(label.to_owned());
        bar.enable_steady_tick(Duration::from_millis(200));
        bar
    }

    /// A spinner for a step of unknown length (Argon2id, a request).
    pub fn spinner(&self, message: &str) -> ProgressBar {
        if self.json || self.quiet || !std::io::stderr().is_terminal() {
            return ProgressBar::hidden();
        }
        let bar = ProgressBar::new_spinner();
        bar.set_message(message.to_owned());
        bar.enable_steady_tick(Duration::from_millis(120));
        bar
    }
}

/// JSON text with DEL, C1 controls and invisible formatting characters as `\u` escapes (they
/// can only stand inside strings there).
fn escape_for_terminal(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        // A newline is the pretty layout's; inside strings serde writes it as `\n`.
        if (c.is_control() && c != '\n') || crate::text::is_invisible(c) {
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

fn paint(colour: bool, code: &str, text: &str) -> String {
    if colour { format!("\x1b[{code}m{text}\x1b[0m") } else { text.to_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_for_a_terminal_escapes_what_a_terminal_would_act_on_and_reads_back_the_same() {
        let value = serde_json::json!({ "text": "a\u{9b}2J\u{7f}b\u{202e}c\nd" });
        let pretty = serde_json::to_string_pretty(&value).unwrap();
        let escaped = escape_for_terminal(&pretty);
        assert!(!escaped.chars().any(|c| c.is_control() && c != '\n'), "{escaped}");
        assert!(escaped.contains("\\u009b") && escaped.contains("\\u202e"), "{escaped}");
        assert_eq!(serde_json::from_str::<serde_json::Value>(&escaped).unwrap(), value);
    }
}
