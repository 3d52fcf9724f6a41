//! Folding repeats (`docs/audit.md`, "Repeats, folded"): the two types recorded for requests
//! that succeed, change nothing and may be repeated at will (`file_downloaded`, `share_opened`)
//! are recorded once per key and window; further requests of the key in the window are counted
//! in memory and written as one aggregate, with `repeated`, when the window has closed.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;

use coffer_shared::api::EventType;

use super::record::{NewEvent, Value};
use crate::http::rate_limit::network_of;

/// Seconds a window stays open after the event that opened it.
pub const REPEAT_WINDOW: u64 = 60;
/// Most windows open at once; past that, a new key's requests fold into the overflow window of
/// its type and account.
pub const MAX_WINDOWS: usize = 65_536;
/// Most client networks with a window of their own for one object; past that, further
/// networks' requests of the object fold into one window for it.
pub const MAX_NETWORKS_PER_OBJECT: usize = 16;
/// The member an aggregate adds: how many requests it folded.
pub const REPEATED: &str = "repeated";
/// The member an overflow aggregate adds: its requests were of several objects.
pub const MIXED: &str = "mixed";

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
/// Two wider keys have no network: an object's (past [`MAX_NETWORKS_PER_OBJECT`] networks) and
/// an overflow (past [`MAX_WINDOWS`]), one per type and account, which also has no members nor
/// session (so an owner still sees, in their own log, a count of what was opened of theirs).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    kind: EventType,
    members: String,
    account: Option<String>,
    session: Option<String>,
    network: Option<IpAddr>,
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
            network: Some(network),
        })
    }

    /// The same key from any client network.
    fn object(&self) -> Self {
        Self { network: None, ..self.clone() }
    }

    /// The overflow key of `kind` and `account`: every such request, whatever its object.
    fn overflow(kind: EventType, account: Option<String>) -> Self {
        Self { kind, members: String::new(), account, session: None, network: None }
    }

    fn is_overflow(&self) -> bool {
        self.members.is_empty()
    }
}

/// An open window: when it closes, how many requests it folded, and the last of them.
struct Window {
    closes: u64,
    folded: u64,
    last: Option<NewEvent>,
    /// An overflow window: its requests are of several objects (of one account, or of none).
    mixed: bool,
}

impl Window {
    /// The aggregate: the last folded request's event with `repeated`, if any was folded. An
    /// overflow window's aggregate also says `mixed` and names no session (its requests came
    /// from several).
    fn aggregate(self) -> Option<NewEvent> {
        let mut last = self.last?;
        last.detail.insert(REPEATED.to_owned(), Value::Number(self.folded));
        if self.mixed {
            last.detail.insert(MIXED.to_owned(), Value::Flag(true));
            last.session = None;
        }
        Some(last)
    }
}

/// The open windows, when each closes (in the order they were opened), and how many client
/// networks have a window of their own for each object.
#[derive(Default)]
pub struct Repeats {
    windows: HashMap<Key, Window>,
    closing: VecDeque<(u64, Key)>,
    networks: HashMap<Key, usize>,
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
            let key = self.window_for(key);
            if let Some(open) = self.windows.get_mut(&key) {
                if event.time < open.closes {
                    open.folded += 1;
                    open.last = Some(event);
                    continue;
                }
                // Closed, but not yet taken out by `due` (clocks read out of order).
                out.extend(self.close(&key));
            }
            self.open(key, event.time);
            out.push(event);
        }
        out
    }

    /// The key whose window `key`'s request goes to: its own, its object's once
    /// [`MAX_NETWORKS_PER_OBJECT`] networks have one, the overflow of its type and account once
    /// [`MAX_WINDOWS`] are open.
    fn window_for(&self, key: Key) -> Key {
        if self.windows.contains_key(&key) {
            return key;
        }
        let object = key.object();
        let key = if self.networks.get(&object).is_some_and(|n| *n >= MAX_NETWORKS_PER_OBJECT) {
            object
        } else {
            key
        };
        if self.windows.contains_key(&key) || self.windows.len() < MAX_WINDOWS {
            key
        } else {
            Key::overflow(key.kind, key.account)
        }
    }

    fn open(&mut self, key: Key, now: u64) {
        let closes = now.saturating_add(REPEAT_WINDOW);
        if key.network.is_some() {
            *self.networks.entry(key.object()).or_default() += 1;
        }
        let mixed = key.is_overflow();
        self.windows.insert(key.clone(), Window { closes, folded: 0, last: None, mixed });
        self.closing.push_back((closes, key));
    }

    /// Takes out the window of `key`; returns its aggregate.
    fn close(&mut self, key: &Key) -> Option<NewEvent> {
        let window = self.windows.remove(key)?;
        if key.network.is_some() {
            let object = key.object();
            if let Some(n) = self.networks.get_mut(&object) {
                *n -= 1;
                if *n == 0 {
                    self.networks.remove(&object);
                }
            }
        }
        window.aggregate()
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
                out.extend(self.close(&key));
            }
        }
        out
    }

    /// Takes out every window, closed or not (an orderly stop); returns their aggregates.
    pub fn drain(&mut self) -> Vec<NewEvent> {
        let mut out = Vec::new();
        for (closes, key) in std::mem::take(&mut self.closing) {
            if self.windows.get(&key).is_some_and(|window| window.closes == closes) {
                out.extend(self.close(&key));
            }
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
    use coffer_shared::id::AccountId;

    fn from(ip: &str, agent: &str) -> Origin {
        Origin { ip: Some(ip.into()), user_agent: Some(agent.into()), place: None }
    }

    fn download(time: u64, file: &FileId, at: u64, origin: Origin) -> NewEvent {
        NewEvent::new(
            time,
            &Event::FileDownloaded { file: file.clone(), share: None, from: at, preview: false },
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
    fn past_the_most_windows_new_keys_fold_into_the_overflow_window_of_their_type_and_account() {
        let mut repeats = Repeats::default();
        for n in 0..MAX_WINDOWS {
            repeats.take(vec![download(100, &FileId::random(), n as u64, from("192.0.2.1", "a"))]);
        }
        let (owner, other) = (AccountId::random(), AccountId::random());
        let written: Vec<NewEvent> = (0..1_000)
            .flat_map(|n| {
                let mut event = download(100 + n / 100, &FileId::random(), 0, from("192.0.2.9", "a"));
                event.account = Some(if n % 4 == 0 { other.clone() } else { owner.clone() });
                event.session = Some(format!("session {n}"));
                repeats.take(vec![event])
            })
            .collect();
        assert_eq!(written.len(), 2, "the first of each account opens its overflow window");
        assert_eq!(repeats.open_windows(), MAX_WINDOWS + 2);
        let closed = repeats.due(200);
        let overflows: Vec<&NewEvent> =
            closed.iter().filter(|event| event.detail.contains_key(MIXED)).collect();
        assert_eq!(overflows.len(), 2);
        for (account, requests) in [(&owner, 750), (&other, 250)] {
            let overflow = overflows.iter().find(|event| event.account.as_ref() == Some(account)).unwrap();
            assert_eq!(overflow.detail[REPEATED], Value::Number(requests - 1), "the owner's count");
            assert_eq!(overflow.detail[MIXED], Value::Flag(true));
            assert_eq!(overflow.session, None, "several sessions");
        }
        assert_eq!(repeats.open_windows(), 0);
    }

    #[test]
    fn past_sixteen_networks_an_objects_requests_fold_into_one_window_for_it() {
        let mut repeats = Repeats::default();
        let file = FileId::random();
        // 10,000 requests from 1,000 IPv6 /64s, ten each.
        let mut written = 0;
        for round in 0..10 {
            for network in 0..1_000u32 {
                let ip = format!("2001:db8:{:x}:{:x}::1", network >> 16, network & 0xffff);
                written += repeats.take(vec![download(100 + round, &file, 0, from(&ip, "a"))]).len();
            }
        }
        assert_eq!(written, MAX_NETWORKS_PER_OBJECT + 1, "one per network up to 16, then one for the file");
        assert_eq!(repeats.open_windows(), MAX_NETWORKS_PER_OBJECT + 1);
        let closed = repeats.due(200);
        let folded: u64 = closed
            .iter()
            .map(|event| match event.detail[REPEATED] {
                Value::Number(n) => n,
                _ => unreachable!(),
            })
            .sum();
        assert_eq!(folded + written as u64, 10_000, "every request is counted");
        assert!(closed.iter().all(|event| !event.detail.contains_key(MIXED)));
        // The windows are gone, and so are their networks' counts.
        assert_eq!(repeats.open_windows(), 0);
        assert!(repeats.networks.is_empty());
    }
}
