//! The last head of the server's chain seen in a log file of the server (`docs/audit.md`, "The
//! server's log" and "`coffer-server audit verify`"): the highest `SEQ:HASH` of the `chain`
//! member of the log writer's lines, in the text format (with or without colours) or in
//! `--log-json`.

use std::io::BufRead;

use serde_json::Value;

use super::verify::{Expect, Source};

/// The target of the event lines (the module that writes them).
pub const TARGET: &str = "coffer_backend::audit::writer";

/// The highest head in `log`, if any; lines that are not event lines are skipped.
pub fn last_head(log: impl BufRead) -> std::io::Result<Option<Expect>> {
    let mut last: Option<Expect> = None;
    for line in log.split(b'\n') {
        let line = line?;
        let Some(head) = head_of(&String::from_utf8_lossy(&line)) else { continue };
        if last.is_none_or(|last| head.seq > last.seq) {
            last = Some(head);
        }
    }
    Ok(last)
}

/// The head an event line carries.
fn head_of(line: &str) -> Option<Expect> {
    let line = without_colours(line);
    let line = line.trim();
    let text = if line.starts_with('{') {
        let json: Value = serde_json::from_str(line).ok()?;
        (json["target"] == TARGET).then(|| json["fields"]["chain"].as_str().map(str::to_owned))??
    } else {
        // The event's own members follow the target; `event` and `seq` come before `chain` and
        // are written by the server, so the first `chain=` after the target is the event's.
        let (_, members) = line.split_once(&format!("{TARGET}: "))?;
        members.split_whitespace().find_map(|member| member.strip_prefix("chain="))?.to_owned()
    };
    let head: Expect = text.parse().ok()?;
    Some(Expect { source: Source::Log, ..head })
}

/// `line` without ANSI escape sequences (`ESC [ … letter`), which the text format puts around
/// names and levels when colours are on.
fn without_colours(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            if chars.next() == Some('[') {
                for c in chars.by_ref() {
                    if c.is_ascii_alphabetic() {
                        break;
                    }
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hash(digit: char) -> String {
        digit.to_string().repeat(64)
    }

    #[test]
    fn the_highest_head_of_either_format_wins_and_other_lines_are_skipped() {
        let log = format!(
            concat!(
                "2027-01-15T08:00:00Z  INFO request{{method=POST route=/api/v1/shares}}: {target}: ",
                "event=\"share_created\" seq=7 chain=7:{a} ip=Some(\"127.0.0.1\")\n",
                "{{\"level\":\"INFO\",\"fields\":{{\"event\":\"share_opened\",\"seq\":9,\"chain\":\"9:{b}\"}},",
                "\"target\":\"{target}\"}}\n",
                "\u{1b}[2m2027\u{1b}[0m \u{1b}[32m INFO\u{1b}[0m \u{1b}[2m{target}\u{1b}[0m\u{1b}[2m:\u{1b}[0m ",
                "\u{1b}[3mevent\u{1b}[0m\u{1b}[2m=\u{1b}[0m\"x\" \u{1b}[3mseq\u{1b}[0m\u{1b}[2m=\u{1b}[0m8 ",
                "\u{1b}[3mchain\u{1b}[0m\u{1b}[2m=\u{1b}[0m8:{c}\n",
                "2027 INFO coffer_backend::http::trace: event=\"http_response\" chain=99:{a}\n",
                "{{\"fields\":{{\"chain\":\"98:{a}\"}},\"target\":\"elsewhere\"}}\n",
                "not a log line at all \u{fffd}\n",
            ),
            target = TARGET,
            a = hash('a'),
            b = hash('b'),
            c = hash('c'),
        );
        let head = last_head(log.as_bytes()).unwrap().unwrap();
        assert_eq!((head.seq, head.hash, head.source), (9, [0xbb; 32], Source::Log));
        let colours = log.lines().nth(2).unwrap();
        assert_eq!(head_of(colours).map(|head| (head.seq, head.hash)), Some((8, [0xcc; 32])));
        assert_eq!(last_head(&b"nothing here\n"[..]).unwrap(), None);
    }
}
