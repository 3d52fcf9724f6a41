//! Folding repeats (`docs/audit.md`, "Repeats, folded"): the two types recorded for requests
//! that succeed, change nothing and may be repeated at will (`file_downloaded`, `share_opened`)
//! are recorded once per key and window; further requests of the key in the window are counted
//! in memory and written as one aggregate, with `repeated`, when the window has closed.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;

use coffer_shared::api::EventType;

use super::record::{NewEvent, Value};
use crate::http::rate_limit::network_of;

/// Seconds a window stays open after the event that opened it.
pub const REPEAT_WINDOW: u64 = 60;
/// Most windows open at once; a new key past that is recorded as if it were no repeat.
pub const MAX_WINDOWS: usize = 65_536;
/// The member an aggregate adds: how many requests it folded.
pub const REPEATED: &str = "repeated";

/// The members of a foldable type that vary from one repeat to the next; `None` for the types
/// that are never folded (failures, changes, destructions: every other type).
pub fn varying(kind: EventType) -> Option<&'static [&'static str]> {
    use EventType as T;
    match kind {
        T::FileDownloaded => Some(&["from"]),
        T::ShareOpened => Some(&["views_left"]),
        T::SignedUp
        | T::CodeSent
        | T::CodeAccepted
        | T::CodeWrong
        | T::CodeExpired
        | T::CodeLocked
        | T::SigninSucceeded
        | T::SigninFailed
        | T::SignedOut
        | T::SessionCreated
        | T::SessionExpired
        | T::SessionEnded
        | T::AccessDenied
        | T::InputRejected
        | T::RateLimited
        | T::RecordCreated
        | T::RecordChanged
        | T::RecordDeleted
        | T::ShareCreated
        | T::ShareClaimed
        | T::ShareWrongToken
        | T::ShareUsedUp
        | T::ShareExpired
        | T::ShareDestroyed
        | T::FileUploaded
        | T::FileDeleted
        | T::PassphraseChanged
        | T::TotpEnrolled
        | T::TotpRemoved
        | T::RecoveryCodesRenewed
        | T::NotificationsChanged
        | T::AccountDeleted => None,
    }
}

/// What makes two requests repeats of each other: the type, the members that do not vary, the
/// account and session, and the client network. Not the user agent nor the exact address.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    kind: EventType,
    members: String,
    account: Option<String>,
    session: Option<String>,
    network: IpAddr,
}

impl Key {
    /// The key of `event`, if its type is folded and it has a client.
    fn of(event: &NewEvent) -> Option<Self> {
        let varying = varying(event.kind)?;
        let network = network_of(event.origin.ip.as_deref()?.parse().ok()?);
        let mut members = event.detail.clone();
        members.retain(|name, _| !varying.contains(&name.as_str()));
        Some(Self {
            kind: event.kind,
            members: serde_json::to_string(&members).ok()?,
            account: event.account.as_ref().map(|account| account.as_str().to_owned()),
            session: event.session.clone(),
            network,
        })
    }
}

/// An open window: when it closes, how many requests it folded, and the last of them.
struct Window {
    closes: u64,
    folded: u64,
    last: Option<NewEvent>,
}

impl Window {
    /// The aggregate: the last folded request's event with `repeated`, if any was folded.
    fn aggregate(self) -> Option<NewEvent> {
        let mut last = self.last?;
        last.detail.insert(REPEATED.to_owned(), Value::Number(self.folded));
        Some(last)
    }
}

/// The open windows, and when each closes (in the order they were opened).
#[derive(Default)]
pub struct Repeats {
    windows: HashMap<Key, Window>,
    closing: VecDeque<(u64, Key)>,
}

impl Repeats {
    /// The events to write for `events`: the aggregates of the windows closed by the newest of
    /// them, then each event that is not folded into an open window (which opens one).
    pub fn take(&mut self, events: Vec<NewEvent>) -> Vec<NewEvent> {
        let Some(now) = events.iter().map(|event| event.time).max() else { return Vec::new() };
        let mut out = self.due(now);
        for event in events {
            let Some(key) = Key::of(&event) else {
                out.push(event);
                continue;
            };
            let at_capacity = self.windows.len() >= MAX_WINDOWS;
            match self.windows.entry(key.clone()) {
                Entry::Occupied(mut open) if event.time < open.get().closes => {
                    let window = open.get_mut();
                    window.folded += 1;
                    window.last = Some(event);
                    continue;
                }
                Entry::Occupied(open) => {
                    // Closed, but not yet taken out by `due` (clocks read out of order).
                    out.extend(open.remove().aggregate());
                    self.open(key, event.time);
                }
                Entry::Vacant(_) if at_capacity => {}
                Entry::Vacant(_) => self.open(key, event.time),
            }
            out.push(event);
        }
        out
    }

    fn open(&mut self, key: Key, now: u64) {
        let closes = now.saturating_add(REPEAT_WINDOW);
        self.windows.insert(key.clone(), Window { closes, folded: 0, last: None });
        self.closing.push_back((closes, key));
    }

    /// Takes out the windows closed at `now`; returns the aggregates of those that folded
    /// something, in the order the windows were opened.
    pub fn due(&mut self, now: u64) -> Vec<NewEvent> {
        let mut out = Vec::new();
        while let Some((closes, _)) = self.closing.front()
            && *closes <= now
        {
            let Some((closes, key)) = self.closing.pop_front() else { break };
            // A key reopened since has a later entry; this one is stale.
            if self.windows.get(&key).is_some_and(|window| window.closes == closes) {
                out.extend(self.windows.remove(&key).and_then(Window::aggregate));
            }
        }
        out
    }

    /// Takes out every window, closed or not (an orderly stop); returns their aggregates.
    pub fn drain(&mut self) -> Vec<NewEvent> {
        let mut out = Vec::new();
        for (_, key) in std::mem::take(&mut self.closing) {
            out.extend(self.windows.remove(&key).and_then(Window::aggregate));
        }
        out
    }

    /// How many windows are open.
    pub fn open_windows(&self) -> usize {
        self.windows.len()
    }
}

#[cfg(test)]
mod tests {
    use coffer_shared::crypto::file_meta::FileId;

    use super::*;
    use crate::audit::Event;
    use crate::audit::event::{Purpose, SigninFailure};
    use crate::audit::record::Origin;

    fn from(ip: &str, agent: &str) -> Origin {
        Origin { ip: Some(ip.into()), user_agent: Some(agent.into()), place: None }
    }

    fn download(time: u64, file: &FileId, at: u64, origin: Origin) -> NewEvent {
        NewEvent::new(
            time,
            &Event::FileDownloaded { file: file.clone(), share: None, from: at },
            None,
            None,
            origin,
        )
    }

    #[test]
    fn repeats_fold_into_one_aggregate_with_the_true_count_after_the_window() {
        let mut repeats = Repeats::default();
        let file = FileId::random();
        let first = repeats.take(vec![download(100, &file, 0, from("192.0.2.1", "a"))]);
        assert_eq!(first.len(), 1, "the first is recorded");
        for n in 1..=40 {
            // A new user agent does not make a new key.
            let agent = format!("agent {n}");
            assert!(repeats.take(vec![download(100 + n, &file, n, from("192.0.2.1", &agent))]).is_empty());
        }
        assert!(repeats.due(159).is_empty(), "the window is still open");
        let closed = repeats.due(160);
        assert_eq!(closed.len(), 1);
        assert_eq!(closed[0].detail[REPEATED], Value::Number(40));
        assert_eq!(closed[0].detail["from"], Value::Number(40), "the last one's members");
        assert_eq!(closed[0].origin.user_agent.as_deref(), Some("agent 40"));
        assert_eq!(repeats.open_windows(), 0);
        assert_eq!(repeats.take(vec![download(161, &file, 0, from("192.0.2.1", "a"))]).len(), 1);
    }

    #[test]
    fn the_next_event_after_the_window_carries_the_aggregate_before_it() {
        let mut repeats = Repeats::default();
        let file = FileId::random();
        repeats.take(vec![download(100, &file, 0, from("192.0.2.1", "a"))]);
        repeats.take(vec![download(101, &file, 5, from("192.0.2.1", "a"))]);
        let sent = Event::CodeSent { purpose: Purpose::Signin };
        let other = NewEvent::new(200, &sent, None, None, Origin::default());
        let written = repeats.take(vec![other.clone()]);
        assert_eq!(written.len(), 2);
        assert_eq!(written[0].detail[REPEATED], Value::Number(1));
        assert_eq!(written[1], other);
    }

    #[test]
    fn other_networks_files_and_types_are_keys_of_their_own() {
        let mut repeats = Repeats::default();
        let (file, other_file) = (FileId::random(), FileId::random());
        for event in [
            download(100, &file, 0, from("192.0.2.1", "a")),
            download(100, &file, 0, from("192.0.2.2", "a")),
            download(100, &other_file, 0, from("192.0.2.1", "a")),
            download(100, &file, 0, from("2001:db8::1", "a")),
        ] {
            assert_eq!(repeats.take(vec![event]).len(), 1);
        }
        assert!(repeats.take(vec![download(100, &file, 0, from("2001:db8::2", "a"))]).is_empty(), "same /64");
        let failure = Event::SigninFailed(SigninFailure::WrongPassphrase { tries_left: 3 });
        for _ in 0..5 {
            let event = NewEvent::new(100, &failure, None, None, from("192.0.2.1", "a"));
            assert_eq!(repeats.take(vec![event]).len(), 1, "failures are never folded");
        }
        assert_eq!(repeats.drain().len(), 1, "an orderly stop writes the open aggregates");
    }

    #[test]
    fn past_the_most_windows_a_new_key_is_recorded_every_time() {
        let mut repeats = Repeats::default();
        for n in 0..MAX_WINDOWS {
            repeats.take(vec![download(100, &FileId::random(), n as u64, from("192.0.2.1", "a"))]);
        }
        let file = FileId::random();
        for _ in 0..3 {
            assert_eq!(repeats.take(vec![download(100, &file, 0, from("192.0.2.1", "a"))]).len(), 1);
        }
        assert_eq!(repeats.open_windows(), MAX_WINDOWS);
    }
}
