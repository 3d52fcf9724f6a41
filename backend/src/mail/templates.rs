//! The texts of Coffer's e-mails. Each carries at most a one-time code or a single-use link,
//! never a vault's or a share's content.

use super::{Mailbox, Message};
use crate::store::Novelty;

/// The sign-up code.
pub fn signup_code(to: Mailbox, code: &str) -> Message {
    Message {
        to,
        subject: format!("Your Coffer sign-up code: {code}"),
        text_body: format!(
            "Your code to create a Coffer account is:\n\n    {code}\n\n\
             It is valid for 10 minutes and works once. If you did not ask for it, ignore this \
             message: no account is made without the code.\n"
        ),
    }
}

/// Sent instead of a code when someone starts a sign-up with an address that has an account.
pub fn already_registered(to: Mailbox, base_url: &str) -> Message {
    Message {
        to,
        subject: "Someone tried to create a Coffer account with your address".into(),
        text_body: format!(
            "Someone (perhaps you) started creating a Coffer account with this address, which \
             already has one. No new account was made.\n\nTo sign in, go to {base_url}/signin\n\n\
             If it was not you, you need do nothing.\n"
        ),
    }
}

/// The sign-in code.
pub fn signin_code(to: Mailbox, code: &str) -> Message {
    Message {
        to,
        subject: format!("Your Coffer sign-in code: {code}"),
        text_body: format!(
            "Your code to finish signing in to Coffer is:\n\n    {code}\n\n\
             It is valid for 10 minutes and works once. Someone who sees this message without \
             having signed in knows your passphrase: change it at once.\n"
        ),
    }
}

/// Where and how a session signed in, for [`new_signin`].
pub struct SigninPlace<'a> {
    /// "Chrome on Linux".
    pub device: &'a str,
    /// The client IP.
    pub ip: &'a str,
    /// An approximate place, when known.
    pub place: Option<&'a str>,
    /// When, as text (UTC).
    pub when: &'a str,
}

/// "New sign-in", with the single-use link that ends exactly that session. A new device or
/// country makes it the new-device or new-country alert (docs/mail.md): an alert subject and a
/// line that says what is new, before the usual details.
pub fn new_signin(
    to: Mailbox,
    at: &SigninPlace<'_>,
    novelty: Novelty,
    country: Option<&str>,
    end_link: &str,
) -> Message {
    let place = at.place.unwrap_or("unknown place");
    let mut news = String::new();
    if novelty.new_device {
        news.push_str("This is a new device for your account.\n");
    }
    if novelty.new_country {
        news.push_str(&format!("This is a new country for your account ({}).\n", country.unwrap_or("?")));
    }
    let subject = match (novelty.new_device, novelty.new_country) {
        (true, true) => "Coffer security alert: sign-in from a new device and country".to_owned(),
        (true, false) => "Coffer security alert: sign-in from a new device".to_owned(),
        (false, true) => "Coffer security alert: sign-in from a new country".to_owned(),
        (false, false) => format!("New sign-in to Coffer from {}, {}", at.device, at.ip),
    };
    if !news.is_empty() {
        news.push('\n');
    }
    Message {
        to,
        subject,
        text_body: format!(
            "{news}Your Coffer account was signed in to:\n\n    Device: {}\n    IP address: {}\n    \
             Place: {place}\n    Time: {}\n\nIf this was you, there is nothing to do.\n\n\
             If it was not you, end that session now with this link (it works once):\n\n    \
             {end_link}\n\nthen change your passphrase.\n",
            at.device, at.ip, at.when
        ),
    }
}

/// `unix` seconds as `2026-11-22 13:05 UTC`.
pub fn utc_text(unix: u64) -> String {
    // Days to civil date: H. Hinnant's algorithm, for the proleptic Gregorian calendar.
    let days = (unix / 86_400) as i64 + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days.rem_euclid(146_097);
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 { month_index + 3 } else { month_index - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    let seconds = unix % 86_400;
    format!("{year:04}-{month:02}-{day:02} {:02}:{:02} UTC", seconds / 3600, seconds % 3600 / 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_text_formats_known_instants() {
        assert_eq!(utc_text(0), "1970-01-01 00:00 UTC");
        assert_eq!(utc_text(951_782_400), "2000-02-29 00:00 UTC");
        assert_eq!(utc_text(1_800_000_000), "2027-01-15 08:00 UTC");
    }
}
