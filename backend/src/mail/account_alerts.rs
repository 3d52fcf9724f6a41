//! The texts of the always-on alerts about the account's own credentials (`docs/mail.md`,
//! "Security alerts"): an authenticator turned on, replaced or off, new recovery codes, a new
//! passphrase. Each says what changed, when and from which client, and what to do if it was not
//! the holder; none carries a code, a secret, a proof or a link.

use super::templates::utc_text;
use super::{Mailbox, Message};

/// Which credential changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialChange {
    /// An authenticator was confirmed where none was enrolled.
    TotpEnrolled,
    /// A new authenticator was confirmed in place of the enrolled one.
    TotpReplaced,
    /// The authenticator was turned off.
    TotpRemoved,
    /// The enrolled authenticator got a new set of recovery codes.
    RecoveryCodesRenewed,
    /// The passphrase was changed; `sessions_ended` other sessions ended with it.
    PassphraseChanged {
        /// Other sessions the change signed out.
        sessions_ended: u64,
        /// The account moved from KDF version 1 to 2: most likely the browser's automatic upgrade
        /// right after a sign-in (`docs/accounts.md`, "Migration from version 1"), with the same
        /// passphrase; the server cannot tell it from a change.
        kdf_upgraded: bool,
    },
}

/// The client that made the change, as the other alerts name it.
#[derive(Debug, Clone, Copy)]
pub struct ChangedFrom<'a> {
    /// "Chrome on Linux".
    pub device: &'a str,
    /// The client IP.
    pub ip: &'a str,
    /// The place of the IP, when known.
    pub place: Option<&'a str>,
    /// When, Unix seconds.
    pub when: u64,
}

/// What to do when someone else changed a credential of an account they can still use.
const STILL_YOURS: &str = "whoever did it knows your passphrase and has a signed-in session. On \
a device where you are still signed in, change your passphrase now (that signs out every other \
session), then check the authenticator on the Account page and look at the Activity page. If you \
can no longer sign in, ask the administrator of your Coffer server for help.";

/// What to do when someone else changed the passphrase, which signed the holder out.
const TAKEN: &str = "someone who knew your passphrase has replaced it and signed out your other \
sessions. Ask the administrator of your Coffer server for help now. If you still have the \"New \
sign-in\" e-mail of the session that did it, its link ends that session.";

/// Subject line ending, what happened, what it means, and the advice if it was not the holder.
fn words(change: CredentialChange) -> (&'static str, &'static str, String, &'static str) {
    match change {
        CredentialChange::TotpEnrolled => (
            "authenticator turned on",
            "An authenticator app was turned on for your Coffer account",
            "Sign-in now asks for a code from that app, or one of its recovery codes.".to_owned(),
            STILL_YOURS,
        ),
        CredentialChange::TotpReplaced => (
            "authenticator replaced",
            "The authenticator app of your Coffer account was replaced by a new one",
            "Codes from the old app and the old recovery codes no longer work.".to_owned(),
            STILL_YOURS,
        ),
        CredentialChange::TotpRemoved => (
            "authenticator turned off",
            "The authenticator app of your Coffer account was turned off",
            "Sign-in now asks for a code sent by e-mail instead; its recovery codes no longer work."
                .to_owned(),
            STILL_YOURS,
        ),
        CredentialChange::RecoveryCodesRenewed => (
            "new recovery codes",
            "New recovery codes were made for the authenticator of your Coffer account",
            "The old recovery codes no longer work.".to_owned(),
            STILL_YOURS,
        ),
        CredentialChange::PassphraseChanged { sessions_ended, kdf_upgraded: true } => (
            "passphrase protection upgraded",
            "The passphrase protection of your Coffer account was upgraded",
            format!(
                "Your browser does this by itself once, right after a sign-in: it keeps your \
                 passphrase and derives your keys in a stronger way. {}",
                ended_sentence(sessions_ended)
            ),
            TAKEN,
        ),
        CredentialChange::PassphraseChanged { sessions_ended, kdf_upgraded: false } => (
            "passphrase changed",
            "The passphrase of your Coffer account was changed",
            ended_sentence(sessions_ended),
            TAKEN,
        ),
    }
}

/// How many other sessions a passphrase change signed out, in a sentence.
fn ended_sentence(sessions_ended: u64) -> String {
    match sessions_ended {
        0 => "No other session was signed in.".to_owned(),
        1 => "1 other session was signed out.".to_owned(),
        n => format!("{n} other sessions were signed out."),
    }
}

/// "Coffer security alert: <what changed>".
pub fn credential_changed(to: Mailbox, change: CredentialChange, from: &ChangedFrom<'_>) -> Message {
    let (subject, what, meaning, advice) = words(change);
    Message {
        to,
        subject: format!("Coffer security alert: {subject}"),
        text_body: format!(
            "{what} at {}, from:\n\n    Device: {}\n    IP address: {}\n    Place: {}\n\n\
             {meaning}\n\nIf this was you, there is nothing to do.\n\nIf it was not you, {advice}\n",
            utc_text(from.when),
            from.device,
            from.ip,
            from.place.unwrap_or("unknown place"),
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
    fn a_passphrase_change_counts_the_sessions_it_ended() {
        let from = ChangedFrom { device: "Firefox on Windows", ip: "198.51.100.7", place: None, when: 0 };
        let message = credential_changed(
            to(),
            CredentialChange::PassphraseChanged { sessions_ended: 2, kdf_upgraded: false },
            &from,
        );
        assert_eq!(message.subject, "Coffer security alert: passphrase changed");
        assert!(message.text_body.starts_with(
            "The passphrase of your Coffer account was changed at 1970-01-01 00:00 UTC, from:\n\n    \
             Device: Firefox on Windows\n    IP address: 198.51.100.7\n    Place: unknown place\n\n\
             2 other sessions were signed out.\n"
        ));
        let upgrade = CredentialChange::PassphraseChanged { sessions_ended: 0, kdf_upgraded: true };
        let message = credential_changed(to(), upgrade, &from);
        assert_eq!(message.subject, "Coffer security alert: passphrase protection upgraded");
        assert!(message.text_body.contains("Your browser does this by itself once"), "{}", message.text_body);
    }
}
