//! Text from elsewhere made safe for a terminal: a malicious server (an error message, a
//! creator's address) or sender (a secret printed to a terminal) must not be able to move the
//! cursor, rewrite lines or change the window title with escape sequences.

/// `text` with every control character but newline and tab shown as `�`.
pub fn printable(text: &str) -> String {
    text.chars().map(|c| if c.is_control() && c != '\n' && c != '\t' { '\u{fffd}' } else { c }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_are_defused_and_lines_kept() {
        assert_eq!(
            printable("a\x1b]0;pwned\x07b\nc\td\u{9b}2J"),
            "a\u{fffd}]0;pwned\u{fffd}b\nc\td\u{fffd}2J"
        );
        assert_eq!(printable("plain ünïcode"), "plain ünïcode");
    }
}
