//! [`Attempts`]: the one-time code and wrong-try count of one address or account, and the
//! throttle that follows too many wrong tries (docs/api.md, "Codes").
//!
//! The count belongs to the address or account, not to a code: a new code replaces the old one
//! but keeps the count, so asking for codes does not buy more guesses. The [`MAX_WRONG`]th wrong
//! try kills the code and throttles for [`LOCKOUT`] seconds; after that the count starts again,
//! so the owner is slowed down, never locked out for good. A count with no wrong try for
//! [`LOCKOUT`] seconds starts again too (at most [`MAX_WRONG`] - 1 tries in that time, no more than
//! the throttle allows), so every state becomes idle and the sweeper can forget it: the table does
//! not grow with the addresses an attacker makes up. Pure logic: the store runs it inside one
//! write transaction.

use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq;

pub use coffer_shared::api::{CODE_LIFETIME, CODE_MAX_WRONG as MAX_WRONG};

/// Seconds of throttling after the last allowed wrong try.
pub const LOCKOUT: u64 = 900;
/// Shortest time between two codes sent to one address while the first is live, in seconds.
pub const RESEND_GAP: u64 = 30;
/// Most codes sent to one address in [`SEND_WINDOW`].
pub const MAX_SENDS: usize = 10;
/// The window of [`MAX_SENDS`], in seconds.
pub const SEND_WINDOW: u64 = 3600;

/// The state kept per address (sign-up), per account (sign-in codes) or per account's passphrase.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Attempts {
    code: Option<PendingCode>,
    wrong: u32,
    locked_until: u64,
    sends: Vec<u64>,
    /// When the last wrong try was counted (0 in states stored before it was kept).
    #[serde(default)]
    last_wrong: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct PendingCode {
    mac: [u8; 32],
    expires_at: u64,
    /// Wrong tries against this code, whichever counter they were counted against: the
    /// [`MAX_WRONG`]th kills it, so one code never gets more guesses than that.
    #[serde(default)]
    wrong: u32,
}

/// Refused for now; try again in `retry_after` seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Throttled {
    /// Seconds to wait.
    pub retry_after: u64,
}

/// The result of checking a code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeCheck {
    /// Right: the code is used up and the count reset.
    Accepted,
    /// Wrong (counted); `tries_left` before the code dies and the throttle starts.
    Wrong {
        /// Wrong tries left; 0 means the code just died.
        tries_left: u32,
    },
    /// There is no live code (none asked for, used, or past its 10 minutes). Not counted.
    Expired,
    /// An authenticator code that matches a step already used (an honest second sign-in within
    /// the same 30 seconds, or a replay). Not counted: it is not a guess.
    Used,
}

impl Attempts {
    /// Whether the state holds nothing worth keeping (the store then deletes it).
    pub fn is_idle(&self, now: u64) -> bool {
        self.code.as_ref().is_none_or(|code| code.expires_at <= now)
            && (self.wrong == 0 || self.count_lapsed(now))
            && self.locked_until <= now
            && self.sends.iter().all(|&sent| sent + SEND_WINDOW <= now)
    }

    /// Whether the count is old enough to start again: no wrong try for [`LOCKOUT`] seconds.
    fn count_lapsed(&self, now: u64) -> bool {
        self.last_wrong.saturating_add(LOCKOUT) <= now
    }

    /// Refuses while throttled; ends a finished throttle, or a count whose last wrong try is
    /// [`LOCKOUT`] seconds old, by clearing the count.
    pub fn check_open(&mut self, now: u64) -> Result<(), Throttled> {
        if self.locked_until > now {
            return Err(Throttled { retry_after: self.locked_until - now });
        }
        if self.locked_until != 0 || self.count_lapsed(now) {
            self.locked_until = 0;
            self.wrong = 0;
        }
        Ok(())
    }

    /// Stores a new code (its keyed hash), replacing any old one, if sending is allowed now.
    pub fn issue(&mut self, now: u64, mac: [u8; 32]) -> Result<(), Throttled> {
        self.check_open(now)?;
        self.sends.retain(|&sent| sent + SEND_WINDOW > now);
        // The gap guards a live code from being replaced in a loop; once a code is used, the
        // next sign-in may get its own at once.
        let live = self.code.as_ref().is_some_and(|code| code.expires_at > now);
        if let Some(&last) = self.sends.last()
            && live
            && last + RESEND_GAP > now
        {
            return Err(Throttled { retry_after: last + RESEND_GAP - now });
        }
        if self.sends.len() >= MAX_SENDS {
            let oldest = self.sends.first().copied().unwrap_or(now);
            return Err(Throttled { retry_after: (oldest + SEND_WINDOW).saturating_sub(now).max(1) });
        }
        self.sends.push(now);
        self.code = Some(PendingCode { mac, expires_at: now + CODE_LIFETIME, wrong: 0 });
        Ok(())
    }

    /// Whether a code is live and no throttle is on: a sign-in may then reuse the code already
    /// mailed instead of sending another inside the resend gap.
    pub fn has_live_code(&self, now: u64) -> bool {
        self.locked_until <= now && self.code.as_ref().is_some_and(|code| code.expires_at > now)
    }

    /// Checks a presented code (its keyed hash) against the live one, in constant time, and
    /// counts a wrong one against this same state (sign-up codes).
    pub fn check_code(&mut self, now: u64, mac: &[u8; 32]) -> Result<CodeCheck, Throttled> {
        self.check_open(now)?;
        Ok(match self.take_code(now, mac) {
            None => CodeCheck::Expired,
            Some(true) => {
                self.wrong = 0;
                CodeCheck::Accepted
            }
            Some(false) => CodeCheck::Wrong { tries_left: self.record_wrong(now) },
        })
    }

    /// Compares a presented code (its keyed hash) with the live one in constant time: `None` if
    /// no code is live, `Some(true)` if it matches (the code is used up), `Some(false)` if not.
    /// A wrong one counts against the code itself (the [`MAX_WRONG`]th kills it); the caller
    /// counts it against the try's counter too.
    pub fn take_code(&mut self, now: u64, mac: &[u8; 32]) -> Option<bool> {
        let Some(code) = self.code.as_mut().filter(|code| code.expires_at > now) else {
            self.code = None;
            return None;
        };
        let right = bool::from(code.mac.ct_eq(mac));
        code.wrong += u32::from(!right);
        if right || code.wrong >= MAX_WRONG {
            self.code = None;
        }
        Some(right)
    }

    /// Counts a wrong try (a code, a passphrase); returns the tries left. The last one kills the
    /// code and starts the throttle.
    pub fn record_wrong(&mut self, now: u64) -> u32 {
        self.wrong += 1;
        self.last_wrong = now;
        if self.wrong >= MAX_WRONG {
            self.code = None;
            self.locked_until = now + LOCKOUT;
            return 0;
        }
        MAX_WRONG - self.wrong
    }

    /// Clears the wrong-try count after a success that did not go through [`Self::check_code`].
    pub fn record_success(&mut self) {
        self.wrong = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: u64 = 1_000_000;

    #[test]
    fn a_code_is_accepted_once_and_only_before_it_expires() {
        let mut attempts = Attempts::default();
        attempts.issue(T, [1; 32]).unwrap();
        assert_eq!(attempts.check_code(T + 10, &[1; 32]), Ok(CodeCheck::Accepted));
        assert_eq!(attempts.check_code(T + 11, &[1; 32]), Ok(CodeCheck::Expired));

        attempts.issue(T + 100, [2; 32]).unwrap();
        assert_eq!(attempts.check_code(T + 100 + CODE_LIFETIME, &[2; 32]), Ok(CodeCheck::Expired));
    }

    #[test]
    fn the_fifth_wrong_try_kills_the_code_and_a_new_code_does_not_reset_the_count() {
        let mut attempts = Attempts::default();
        attempts.issue(T, [1; 32]).unwrap();
        for left in [4, 3, 2] {
            assert_eq!(attempts.check_code(T, &[9; 32]), Ok(CodeCheck::Wrong { tries_left: left }));
        }
        attempts.issue(T + RESEND_GAP, [2; 32]).unwrap();
        assert_eq!(attempts.check_code(T + 31, &[9; 32]), Ok(CodeCheck::Wrong { tries_left: 1 }));
        assert_eq!(attempts.check_code(T + 31, &[9; 32]), Ok(CodeCheck::Wrong { tries_left: 0 }));
        // Dead and throttled: even the right code and new codes are refused for a while ...
        assert_eq!(attempts.check_code(T + 32, &[2; 32]), Err(Throttled { retry_after: LOCKOUT - 1 }));
        assert!(attempts.issue(T + 100, [3; 32]).is_err());
        // ... but never for good.
        attempts.issue(T + 31 + LOCKOUT, [3; 32]).unwrap();
        assert_eq!(attempts.check_code(T + 32 + LOCKOUT, &[3; 32]), Ok(CodeCheck::Accepted));
    }

    #[test]
    fn sending_is_limited_to_one_code_per_gap_and_ten_an_hour() {
        let mut attempts = Attempts::default();
        attempts.issue(T, [1; 32]).unwrap();
        assert_eq!(attempts.issue(T + 10, [1; 32]), Err(Throttled { retry_after: 20 }));
        for i in 1..10 {
            attempts.issue(T + i * RESEND_GAP, [1; 32]).unwrap();
        }
        let refused = attempts.issue(T + 10 * RESEND_GAP, [1; 32]).unwrap_err();
        assert_eq!(refused.retry_after, SEND_WINDOW - 10 * RESEND_GAP);
        attempts.issue(T + SEND_WINDOW, [1; 32]).unwrap();
    }

    #[test]
    fn a_count_without_a_wrong_try_for_the_lockout_time_starts_again() {
        let mut attempts = Attempts::default();
        for _ in 0..MAX_WRONG - 1 {
            attempts.record_wrong(T);
        }
        assert!(!attempts.is_idle(T + LOCKOUT - 1));
        assert_eq!(attempts.check_open(T + LOCKOUT - 1), Ok(()));
        assert_eq!(attempts.record_wrong(T + LOCKOUT - 1), 0, "still counted just before");
        let mut attempts = Attempts::default();
        attempts.record_wrong(T);
        assert!(attempts.is_idle(T + LOCKOUT));
        assert_eq!(attempts.check_open(T + LOCKOUT), Ok(()));
        assert_eq!(attempts.record_wrong(T + LOCKOUT), MAX_WRONG - 1);
    }

    #[test]
    fn an_idle_state_can_be_forgotten() {
        let mut attempts = Attempts::default();
        assert!(attempts.is_idle(T));
        attempts.issue(T, [1; 32]).unwrap();
        assert!(!attempts.is_idle(T + 1));
        assert!(attempts.is_idle(T + SEND_WINDOW));
    }
}
