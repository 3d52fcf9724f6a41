//! Text from elsewhere made safe for a terminal: a malicious server (an error message, a
//! creator's address) or sender (a secret, a file name) must not be able to move the cursor,
//! rewrite or add lines, change the window title with escape sequences, or reorder what is
//! shown with invisible direction marks.

/// `text` with every control character but newline and tab shown as `�`: for a secret text,
/// shown as the sender wrote it otherwise.
pub fn printable(text: &str) -> String {
    text.chars().map(|c| if c.is_control() && c != '\n' && c != '\t' { '\u{fffd}' } else { c }).collect()
}

/// `text` as one line of at most `max` characters: every control character (newlines and tabs
/// too) and every invisible formatting character shown as `�`. For what a server names (an
/// address, an error) and what a sender names (a file).
pub fn one_line(text: &str, max: usize) -> String {
    text.chars().take(max).map(|c| if c.is_control() || is_invisible(c) { '\u{fffd}' } else { c }).collect()
}

/// Unicode's invisible formatting characters that change how text around them reads: direction
/// marks, embeddings, overrides and isolates, zero-width characters, and the byte-order mark.
pub fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2069}' | '\u{feff}' | '\u{061c}' | '\u{180e}' | '\u{00ad}')
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

    #[test]
    fn a_named_field_stays_on_one_line_without_hidden_reordering() {
        assert_eq!(one_line("alice@corp\nSigned by x\t", 100), "alice@corp\u{fffd}Signed by x\u{fffd}");
        assert_eq!(one_line("invoice\u{202e}fdp.exe", 100), "invoice\u{fffd}fdp.exe");
        assert_eq!(one_line("abcdef", 3), "abc");
    }
}
