//! Events in words for reports and digests (`docs/mail.md`): a count per kind, and one line for
//! each notable event. Lines name ids by their first 8 characters and fixed words from the log;
//! a share reader's client is never put in words.

use std::collections::BTreeMap;

use coffer_shared::api::{EventType, Severity};

use super::short_id;
use crate::audit::record::{StoredEvent, Value};
use crate::audit::repeats::REPEATED;
use crate::auth::device;

/// Most lines a report lists; the counts cover every event.
pub const MAX_LINES: usize = 50;

/// What a set of events comes to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// `(label, count)`, by label.
    pub counts: BTreeMap<&'static str, u64>,
    /// The notable events in order, as `HH:MM  what`, at most [`MAX_LINES`].
    pub lines: Vec<String>,
    /// Notable events beyond [`MAX_LINES`].
    pub more: usize,
}

impl Summary {
    /// The summary of `events`, oldest first.
    pub fn of<'a>(events: impl IntoIterator<Item = &'a StoredEvent>) -> Self {
        let mut summary = Self::default();
        for event in events {
            let Ok(kind) = event.kind.parse::<EventType>() else { continue };
            // An aggregate of folded repeats stands for `1 + repeated` requests.
            let requests = match event.detail.get(REPEATED) {
                Some(Value::Number(repeated)) => repeated.saturating_add(1),
                _ => 1,
            };
            *summary.counts.entry(label(kind)).or_default() += requests;
            if let Some(line) = notable(kind, event) {
                if summary.lines.len() < MAX_LINES {
                    summary.lines.push(format!("{}  {line}", clock_text(event.time)));
                } else {
                    summary.more += 1;
                }
            }
        }
        summary
    }

    /// The counts as indented `label: n` lines.
    pub fn counts_text(&self) -> String {
        self.counts.iter().map(|(label, count)| format!("    {label}: {count}\n")).collect()
    }

    /// The lines, indented, with "… and N more" when some were left out.
    pub fn lines_text(&self) -> String {
        let mut text: String = self.lines.iter().map(|line| format!("    {line}\n")).collect();
        if self.more > 0 {
            text.push_str(&format!("    … and {} more\n", self.more));
        }
        text
    }
}

/// `HH:MM` of `unix` (UTC).
fn clock_text(unix: u64) -> String {
    let seconds = unix % 86_400;
    format!("{:02}:{:02}", seconds / 3600, seconds % 3600 / 60)
}

/// The words a count of `kind` goes under.
pub fn label(kind: EventType) -> &'static str {
    use EventType as T;
    match kind {
        T::SignedUp => "account created",
        T::CodeSent => "codes mailed",
        T::CodeAccepted => "codes accepted",
        T::CodeWrong => "wrong codes",
        T::CodeExpired => "expired codes",
        T::CodeLocked => "code lock-outs",
        T::SigninSucceeded => "sign-ins",
        T::SigninFailed => "failed sign-ins",
        T::SignedOut => "sign-outs",
        T::SessionCreated => "sessions started",
        T::SessionExpired => "sessions expired",
        T::SessionEnded => "sessions ended",
        T::AccessDenied => "requests denied",
        T::InputRejected => "requests rejected",
        T::RateLimited => "requests rate-limited",
        T::RecordCreated => "vault items added",
        T::RecordChanged => "vault items changed",
        T::RecordDeleted => "vault items deleted",
        T::ShareCreated => "shares created",
        T::ShareOpened => "shares opened",
        T::ShareClaimed => "share views",
        T::ShareWrongToken => "wrong share passwords",
        T::ShareUsedUp => "shares used up",
        T::ShareExpired => "shares expired",
        T::ShareDestroyed => "shares destroyed",
        T::FileUploaded => "files uploaded",
        T::FileDownloaded => "file downloads",
        T::FileDeleted => "files deleted",
        T::PassphraseChanged => "passphrase changes",
        T::TotpEnrolled => "authenticator turned on",
        T::TotpRemoved => "authenticator turned off",
        T::RecoveryCodesRenewed => "new recovery codes",
        T::NotificationsChanged => "mail preferences changed",
        T::AccountDeleted => "account deleted",
    }
}

fn text(event: &StoredEvent, member: &str) -> String {
    event.detail.get(member).map(|value| value.text()).unwrap_or_default()
}

fn id(event: &StoredEvent, member: &str) -> String {
    short_id(&text(event, member))
}

/// `on` or `off` for a flag member.
fn on_off(event: &StoredEvent, member: &str) -> &'static str {
    if text(event, member) == "true" { "on" } else { "off" }
}

/// The line of a notable event of a session or a week, `None` for the others.
fn notable(kind: EventType, event: &StoredEvent) -> Option<String> {
    use EventType as T;
    Some(match kind {
        T::RecordCreated => format!("vault item added ({})", id(event, "record")),
        T::RecordChanged => format!("vault item changed ({})", id(event, "record")),
        T::RecordDeleted => format!("vault item deleted ({})", id(event, "record")),
        T::ShareCreated => format!(
            "share created ({}, {} views, {} files)",
            id(event, "share"),
            text(event, "max_views"),
            text(event, "files")
        ),
        T::FileUploaded => format!("file uploaded ({}, {} bytes)", id(event, "file"), text(event, "size")),
        T::FileDownloaded => format!("file downloaded ({})", id(event, "file")),
        T::FileDeleted => format!("file deleted ({})", id(event, "file")),
        T::PassphraseChanged => "passphrase changed".to_owned(),
        T::TotpEnrolled if text(event, "replaced") == "true" => "authenticator replaced".to_owned(),
        T::TotpEnrolled => "authenticator turned on".to_owned(),
        T::TotpRemoved => "authenticator turned off".to_owned(),
        T::RecoveryCodesRenewed => "new recovery codes made".to_owned(),
        T::NotificationsChanged => format!(
            "mail preferences changed (sign-out report {}, weekly digest {})",
            on_off(event, "signout_report"),
            on_off(event, "weekly_digest")
        ),
        T::SessionEnded => format!("session ended ({}, by {})", id(event, "ended"), text(event, "by")),
        T::AccessDenied | T::InputRejected => {
            let code = event.detail.get("code").map(|value| value.text()).unwrap_or_default();
            format!("refused: {}", coffer_shared::words::refusal::reason(&code))
        }
        T::RateLimited => "refused: too many requests".to_owned(),
        _ => return None,
    })
}

/// A warning in words for the digest: time, kind, and the client unless it is a share reader's.
pub fn warning_line(event: &StoredEvent) -> Option<String> {
    let kind = event.kind.parse::<EventType>().ok()?;
    if kind.severity() != Severity::Warning {
        return None;
    }
    let mut line = format!("{}  {}", crate::mail::templates::utc_text(event.time), label(kind));
    if kind.shows_client_to_account() {
        line.push_str(&format!(", {}", client_text(event)));
    } else if let Some(share) = event.detail.get("share") {
        line.push_str(&format!(", share {}", short_id(&share.text())));
    }
    Some(line)
}

/// "Chrome on Linux, 203.0.113.9, Berlin, DE" for an event's client.
pub fn client_text(event: &StoredEvent) -> String {
    let device = device::describe(event.user_agent.as_deref().unwrap_or(""));
    let ip = event.ip.as_deref().unwrap_or("unknown IP");
    let place = event.place.as_deref().unwrap_or("unknown place");
    format!("{device}, {ip}, {place}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(kind: &str, time: u64, detail: &[(&str, Value)]) -> StoredEvent {
        StoredEvent {
            v: 1,
            seq: 1,
            time,
            kind: kind.into(),
            severity: "info".into(),
            account: None,
            account_seq: None,
            session: None,
            ip: Some("198.51.100.7".into()),
            user_agent: Some("Firefox/140.0".into()),
            place: Some("Osaka, JP".into()),
            detail: detail.iter().map(|(name, value)| ((*name).to_owned(), value.clone())).collect(),
            prev: String::new(),
            account_prev: None,
        }
    }

    #[test]
    fn an_aggregate_of_repeats_counts_every_request_it_stands_for() {
        let file = ("file", Value::Text("AbCdEfGhIjKlMnOpQrStUv".into()));
        let events = [
            event("file_downloaded", 3_600, std::slice::from_ref(&file)),
            event("file_downloaded", 3_650, &[file, ("repeated", Value::Number(41))]),
        ];
        assert_eq!(Summary::of(&events).counts["file downloads"], 43);
    }

    #[test]
    fn counts_cover_every_event_and_lines_only_the_notable_ones() {
        let record = [("record", Value::Text("AbCdEfGhIjKlMnOpQrStUv".into()))];
        let events = [
            event("record_created", 3_600, &record),
            event("record_created", 3_660, &record),
            event("code_sent", 3_700, &[]),
            event("input_rejected", 3_720, &[("code", Value::Text("invalid_envelope".into()))]),
        ];
        let summary = Summary::of(&events);
        assert_eq!(summary.counts["vault items added"], 2);
        assert_eq!(summary.counts["codes mailed"], 1);
        assert_eq!(summary.lines.len(), 3);
        assert_eq!(summary.lines[0], "01:00  vault item added (AbCdEfGh)");
        assert_eq!(summary.lines[2], "01:02  refused: damaged or malformed data");
    }

    #[test]
    fn lines_stop_at_the_limit_and_say_how_many_more() {
        let events: Vec<_> = (0..MAX_LINES + 3).map(|n| event("totp_enrolled", n as u64, &[])).collect();
        let summary = Summary::of(&events);
        assert_eq!((summary.lines.len(), summary.more), (MAX_LINES, 3));
        assert!(summary.lines_text().ends_with("… and 3 more\n"));
    }

    #[test]
    fn a_share_readers_client_never_shows_in_a_warning() {
        let wrong = event("share_wrong_token", 0, &[("share", Value::Text("ShAreIdxxxxxxx".into()))]);
        let line = warning_line(&wrong).unwrap();
        assert!(!line.contains("198.51") && !line.contains("Osaka") && !line.contains("Firefox"), "{line}");
        assert!(line.contains("share ShAreIdx"), "{line}");
        let failed = event("signin_failed", 0, &[]);
        assert!(warning_line(&failed).unwrap().contains("198.51.100.7, Osaka, JP"));
        assert_eq!(warning_line(&event("record_created", 0, &[])), None);
    }
}
