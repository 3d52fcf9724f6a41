//! Which wrong-try counter a try is checked and counted against (OWASP's device cookies): a
//! browser with a valid device cookie for the address counts against its own counter while that
//! is not locked; every other client counts against one counter shared by the address's
//! untrusted clients. A stranger can throttle that shared counter, never the owner's browser.

use super::attempts::{Attempts, Throttled};
use super::trusted_device::DeviceId;

/// The counters of one kind of try (`what`) for one subject (an address key, an account id).
#[derive(Debug, Clone)]
pub struct Guard {
    device: Option<String>,
    untrusted: String,
}

impl Guard {
    /// The counters of `what` tries on `subject` from `device` (or from an untrusted client).
    pub fn new(what: &str, subject: &str, device: Option<&DeviceId>) -> Self {
        Self {
            device: device.map(|device| format!("{what}-device:{}", device.name())),
            untrusted: format!("{what}:{subject}"),
        }
    }

    /// The store keys of the counters, in the order [`Guard::counter`] expects them.
    pub fn purposes(&self) -> Vec<String> {
        self.device.iter().cloned().chain([self.untrusted.clone()]).collect()
    }

    /// The counter this try counts against, of `states` loaded in [`Guard::purposes`] order: the
    /// device's while it is open, otherwise the untrusted clients', refused while that is locked.
    pub fn counter<'a>(&self, states: &'a mut [Attempts], now: u64) -> Result<&'a mut Attempts, Throttled> {
        let (untrusted, device) = states.split_last_mut().ok_or(Throttled { retry_after: 1 })?;
        if let Some(device) = device.first_mut()
            && device.check_open(now).is_ok()
        {
            return Ok(device);
        }
        untrusted.check_open(now)?;
        Ok(untrusted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::attempts::{LOCKOUT, MAX_WRONG};

    const T: u64 = 1_000_000;

    fn lock(state: &mut Attempts) {
        for _ in 0..MAX_WRONG {
            state.record_wrong(T);
        }
    }

    #[test]
    fn a_device_is_not_throttled_by_the_untrusted_counter() {
        let guard = Guard::new("passphrase", "x", Some(&DeviceId::for_tests([1; 16])));
        let mut states = vec![Attempts::default(), Attempts::default()];
        lock(&mut states[1]);
        assert!(guard.counter(&mut states, T + 1).is_ok());
        let stranger = Guard::new("passphrase", "x", None);
        let mut untrusted = vec![states[1].clone()];
        assert_eq!(stranger.counter(&mut untrusted, T + 1).unwrap_err().retry_after, LOCKOUT - 1);
    }

    #[test]
    fn a_locked_device_falls_back_to_the_untrusted_counter() {
        let guard = Guard::new("passphrase", "x", Some(&DeviceId::for_tests([1; 16])));
        let mut states = vec![Attempts::default(), Attempts::default()];
        lock(&mut states[0]);
        guard.counter(&mut states, T + 1).unwrap().record_wrong(T + 1);
        assert_eq!(states[1].record_wrong(T + 1), MAX_WRONG - 2);
        lock(&mut states[1]);
        assert!(guard.counter(&mut states, T + 2).is_err());
        assert_eq!(
            guard.purposes(),
            vec![
                format!("passphrase-device:{}", coffer_shared::b64::encode([1u8; 16])),
                "passphrase:x".to_owned()
            ]
        );
    }
}
