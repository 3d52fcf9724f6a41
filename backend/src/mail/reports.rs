//! The texts of the activity reports (`docs/mail.md`, "Sign-out report" and "Weekly digest").
//! They are made from events already put in words (`crate::notify::summary`): counts, ids and
//! fixed words, never a record's or a share's content.

use super::templates::utc_text;
use super::{Mailbox, Message};

/// What the sign-out report says about one session.
pub struct SessionReport<'a> {
    /// "Chrome on Linux".
    pub device: &'a str,
    /// The sign-in's IP.
    pub ip: &'a str,
    /// The sign-in's place, when known.
    pub place: Option<&'a str>,
    /// When it signed in, Unix seconds.
    pub signed_in: u64,
    /// When it signed out, Unix seconds.
    pub signed_out: u64,
    /// Events of the session, the sign-in's and sign-out's included.
    pub events: usize,
    /// `label: n` lines.
    pub counts: String,
    /// One line per notable event.
    pub lines: String,
    /// The read stopped at its budget: older events of the session are not counted.
    pub cut: bool,
}

/// The sign-out report.
pub fn signout_report(to: Mailbox, report: &SessionReport<'_>) -> Message {
    let place = report.place.unwrap_or("unknown place");
    let lines = if report.lines.is_empty() { "    nothing notable\n" } else { report.lines.as_str() };
    let cut =
        if report.cut { "\nOnly the latest events of your account were read for this report.\n" } else { "" };
    Message {
        to,
        subject: format!(
            "Coffer session report: {}, signed out {}",
            report.device,
            utc_text(report.signed_out)
        ),
        text_body: format!(
            "A session of your Coffer account signed out.\n\n    Device: {}\n    IP address: {}\n    \
             Place: {place}\n    Signed in: {}\n    Signed out: {}\n\n\
             What was done in it ({} events):\n{}\nIn order (UTC):\n{lines}{cut}\n\
             If any of this was not you, change your passphrase and look at the Activity page.\n\
             You can turn these reports off on the Account page.\n",
            report.device,
            report.ip,
            utc_text(report.signed_in),
            utc_text(report.signed_out),
            report.events,
            report.counts,
        ),
    }
}

/// What the weekly digest says.
pub struct Digest {
    /// Start of the period, Unix seconds.
    pub from: u64,
    /// End of the period, Unix seconds.
    pub until: u64,
    /// Sign-ins in the period.
    pub signin_count: usize,
    /// One line per sign-in listed.
    pub signins: String,
    /// Warnings in the period.
    pub warning_count: usize,
    /// One line per warning listed.
    pub warnings: String,
    /// `label: n` lines.
    pub counts: String,
    /// The read stopped at its budget.
    pub cut: bool,
}

fn plural(count: usize, one: &str, many: &str) -> String {
    if count == 1 { format!("1 {one}") } else { format!("{count} {many}") }
}

/// The weekly digest.
pub fn weekly_digest(to: Mailbox, digest: &Digest) -> Message {
    let none = |text: &str| if text.is_empty() { "    none\n".to_owned() } else { text.to_owned() };
    let cut =
        if digest.cut { "\nOnly the latest events of your account were read for this digest.\n" } else { "" };
    Message {
        to,
        subject: format!(
            "Your Coffer week: {}, {}",
            plural(digest.signin_count, "sign-in", "sign-ins"),
            plural(digest.warning_count, "warning", "warnings")
        ),
        text_body: format!(
            "Your Coffer account from {} to {}.\n\nSign-ins ({}):\n{}\nWarnings ({}):\n{}\n\
             Everything, by kind:\n{}{cut}\n\
             If any of this was not you, change your passphrase and look at the Activity page.\n\
             You can turn this digest off on the Account page.\n",
            utc_text(digest.from),
            utc_text(digest.until),
            digest.signin_count,
            none(&digest.signins),
            digest.warning_count,
            none(&digest.warnings),
            digest.counts,
        ),
    }
}

/// "Coffer security alert: several wrong sign-in codes": the 5th wrong code locked sign-in.
pub fn codes_locked(to: Mailbox, factor: &str, client: &str, when: u64, locked_for: u64) -> Message {
    Message {
        to,
        subject: "Coffer security alert: several wrong sign-in codes".into(),
        text_body: format!(
            "Several wrong sign-in codes ({factor}) were entered for your Coffer account; the last \
             at {} from:\n\n    {client}\n\nSign-in codes are locked for {} minutes.\n\n\
             Whoever entered them knew your passphrase. If it was not you, sign in and change \
             your passphrase now.\n",
            utc_text(when),
            locked_for / 60
        ),
    }
}

/// "Coffer security alert: a share was destroyed after too many wrong passwords".
pub fn share_destroyed(to: Mailbox, share: &str, when: u64) -> Message {
    Message {
        to,
        subject: "Coffer security alert: a share was destroyed after too many wrong passwords".into(),
        text_body: format!(
            "Your share {share}... was destroyed at {}: its link was used with too many wrong \
             passwords.\n\nIts reader may have mistyped the password, or someone else has the \
             link. Nobody can open it now; create a new share if it is still needed.\n",
            utc_text(when)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn to() -> Mailbox {
        "me@example.com".parse().unwrap_or_else(|_| unreachable!())
    }

    #[test]
    fn the_digest_subject_counts_sign_ins_and_warnings() {
        let digest = Digest {
            from: 0,
            until: 604_800,
            signin_count: 1,
            signins: String::new(),
            warning_count: 2,
            warnings: "    w\n".into(),
            counts: "    sign-ins: 1\n".into(),
            cut: false,
        };
        let message = weekly_digest(to(), &digest);
        assert_eq!(message.subject, "Your Coffer week: 1 sign-in, 2 warnings");
        assert!(message.text_body.contains("from 1970-01-01 00:00 UTC to 1970-01-08 00:00 UTC"));
        assert!(message.text_body.contains("Sign-ins (1):\n    none\n"));
    }
}
