//! Activity reports and security alerts by mail (`docs/mail.md`): what the account's events
//! say, gathered from the security event log and handed to the mailer.
//!
//! - [`signout`]: the report mailed when a session signs out.
//! - [`digest`]: the weekly digest, sent by the sweeper.
//! - [`alerts`]: the always-on alerts, from the log's committed events.
//! - [`summary`]: events in words: counts per kind and one line per notable event.

pub mod alerts;
pub mod digest;
pub mod signout;
pub mod summary;

/// Most of an account's events one report or digest reads.
pub const READ_BUDGET: usize = 10_000;

/// Seconds an event's `time` may lag behind the event before it in the log (`docs/audit.md`:
/// `time` is not guaranteed to grow with `seq`): reads back in time stop only this far past
/// where they need to.
pub const TIME_SLACK: u64 = 300;

/// The first 8 characters of an id, as mail names records, shares, files and sessions.
pub fn short_id(id: &str) -> String {
    id.chars().take(8).collect()
}

/// The two-letter country of a place ("Berlin, DE" or "DE"), if it has one.
pub fn country_of(place: Option<&str>) -> Option<String> {
    let code = place?.rsplit(", ").next()?.trim();
    (code.len() == 2 && code.bytes().all(|b| b.is_ascii_alphabetic())).then(|| code.to_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_country_is_the_last_two_letters_of_a_place() {
        assert_eq!(country_of(Some("Berlin, DE")).as_deref(), Some("DE"));
        assert_eq!(country_of(Some("jp")).as_deref(), Some("JP"));
        assert_eq!(country_of(Some("Somewhere")), None);
        assert_eq!(country_of(None), None);
    }
}
