//! The stored record of an event and its hash (`docs/audit.md`, "What an event holds" and
//! "Chains and hashes"):
//!
//! ```text
//! hash(e) = HMAC-SHA256(chain_key, "coffer/v1/audit/event" || bytes(e))   ; v 2, written now
//! hash(e) = SHA-256("coffer/v1/audit/event" || bytes(e))                  ; v 1, older events
//! ```
//!
//! where `bytes(e)` is the record as compact JSON, members in a fixed order, `detail` sorted,
//! `prev` and `account_prev` the hashes of the previous event of each chain. Encoding and
//! decoding sit side by side here; a decoder refuses bytes that do not re-encode identically.
//! The hashes themselves are in `coffer_shared::crypto::audit_chain`.

use std::collections::BTreeMap;

use coffer_shared::api::EventType;
use coffer_shared::crypto::audit_chain::{ChainKey, unkeyed_hash};
use coffer_shared::id::AccountId;
use serde::{Deserialize, Serialize};

use super::event::Event;

/// The record version this build writes: the keyed hash.
pub const VERSION: u32 = 2;
/// The version of the events written before the chain was keyed, which this build still reads.
pub const UNKEYED_VERSION: u32 = 1;
/// The "previous hash" of a chain's first event.
pub const GENESIS: [u8; 32] = [0; 32];

/// A `detail` member's value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Value {
    /// `true` or `false`.
    Flag(bool),
    /// An unsigned integer.
    Number(u64),
    /// A fixed word or an id.
    Text(String),
}

impl Value {
    /// The value as text, for search.
    pub fn text(&self) -> String {
        match self {
            Self::Flag(flag) => flag.to_string(),
            Self::Number(number) => number.to_string(),
            Self::Text(text) => text.clone(),
        }
    }
}

// Written out rather than `#[serde(untagged)]`, which buffers every value before it tries the
// variants: `audit verify` decodes a million records in seconds with this.
impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;

        impl serde::de::Visitor<'_> for Visitor {
            type Value = Value;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string, an unsigned integer or a boolean")
            }

            fn visit_bool<E>(self, flag: bool) -> Result<Value, E> {
                Ok(Value::Flag(flag))
            }

            fn visit_u64<E>(self, number: u64) -> Result<Value, E> {
                Ok(Value::Number(number))
            }

            fn visit_str<E>(self, text: &str) -> Result<Value, E> {
                Ok(Value::Text(text.to_owned()))
            }
        }

        deserializer.deserialize_any(Visitor)
    }
}

/// An event's members, sorted by name.
pub type Detail = BTreeMap<String, Value>;

/// Where a request came from (nothing, for the server's own events).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origin {
    /// The client IP, as `ClientIp` decides it.
    pub ip: Option<String>,
    /// The cleaned, bounded `User-Agent`.
    pub user_agent: Option<String>,
    /// An approximate place for the IP.
    pub place: Option<String>,
}

/// An event as it is handed to the writer: everything but its place in the chains.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEvent {
    /// Unix seconds.
    pub time: u64,
    /// The type.
    pub kind: EventType,
    /// The type's members.
    pub detail: Detail,
    /// The account whose chain it joins too.
    pub account: Option<AccountId>,
    /// The public id of the session concerned.
    pub session: Option<String>,
    /// Where the request came from.
    pub origin: Origin,
}

impl NewEvent {
    /// `event` at `time`, for `account` and `session`, from `origin`.
    pub fn new(
        time: u64,
        event: &Event,
        account: Option<AccountId>,
        session: Option<String>,
        origin: Origin,
    ) -> Self {
        Self { time, kind: event.kind(), detail: event.detail(), account, session, origin }
    }
}

/// The stored record. The member order is the order of `bytes(e)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoredEvent {
    /// Record version.
    pub v: u32,
    /// Position in the server's chain, from 1.
    pub seq: u64,
    /// Unix seconds.
    pub time: u64,
    /// The type's name.
    #[serde(rename = "type")]
    pub kind: String,
    /// `info` or `warning`.
    pub severity: String,
    /// The account's id.
    pub account: Option<String>,
    /// Position in the account's chain, from 1.
    pub account_seq: Option<u64>,
    /// The session's public id.
    pub session: Option<String>,
    /// The client IP.
    pub ip: Option<String>,
    /// The client's `User-Agent`.
    pub user_agent: Option<String>,
    /// The IP's approximate place.
    pub place: Option<String>,
    /// The type's members.
    pub detail: Detail,
    /// Hex of the previous event's hash.
    pub prev: String,
    /// Hex of the account's previous event's hash.
    pub account_prev: Option<String>,
}

/// Where a new event goes: its `seq`, the server chain's last hash, and for an account event its
/// `account_seq` and the account chain's last hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Link {
    /// The event's `seq`.
    pub seq: u64,
    /// Hash of event `seq - 1` ([`GENESIS`] for the first).
    pub prev: [u8; 32],
    /// `(account_seq, hash of the account's previous event)`.
    pub account: Option<(u64, [u8; 32])>,
}

/// Where an event was appended: its `seq`, its `account_seq` (for an account event) and its hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Appended {
    /// Position in the server's chain.
    pub seq: u64,
    /// Position in the account's chain.
    pub account_seq: Option<u64>,
    /// The event's hash.
    pub hash: [u8; 32],
}

/// A record that does not decode, is of another version, or is not canonical.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Undecodable(pub String);

/// The record of `event` at `link`, its bytes and its keyed hash.
pub fn seal(event: &NewEvent, link: Link, key: &ChainKey) -> (StoredEvent, Vec<u8>, [u8; 32]) {
    let record = StoredEvent {
        v: VERSION,
        seq: link.seq,
        time: event.time,
        kind: event.kind.as_str().to_owned(),
        severity: event.kind.severity().as_str().to_owned(),
        account: event.account.as_ref().map(|account| account.as_str().to_owned()),
        account_seq: link.account.map(|(account_seq, _)| account_seq),
        session: event.session.clone(),
        ip: event.origin.ip.clone(),
        user_agent: event.origin.user_agent.clone(),
        place: event.origin.place.clone(),
        detail: event.detail.clone(),
        prev: hex(&link.prev),
        account_prev: link.account.map(|(_, prev)| hex(&prev)),
    };
    let bytes = encode(&record);
    let hash = key.hash(&bytes);
    (record, bytes, hash)
}

/// `bytes(e)`.
pub fn encode(record: &StoredEvent) -> Vec<u8> {
    // A struct of strings, numbers and maps with string keys always serializes.
    serde_json::to_vec(record).unwrap_or_default()
}

/// The hash of a decoded record's `bytes`, by its version: keyed for version 2, unkeyed for 1.
pub fn hash(record: &StoredEvent, bytes: &[u8], key: &ChainKey) -> [u8; 32] {
    if record.v == UNKEYED_VERSION { unkeyed_hash(bytes) } else { key.hash(bytes) }
}

/// Decodes stored bytes, refusing another version and any encoding but the canonical one.
pub fn decode(bytes: &[u8]) -> Result<StoredEvent, Undecodable> {
    let record: StoredEvent =
        serde_json::from_slice(bytes).map_err(|error| Undecodable(format!("not a record: {error}")))?;
    if record.v != VERSION && record.v != UNKEYED_VERSION {
        return Err(Undecodable(format!("version {} is neither {UNKEYED_VERSION} nor {VERSION}", record.v)));
    }
    if encode(&record) != bytes {
        return Err(Undecodable("not in canonical form".into()));
    }
    Ok(record)
}

/// Lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    bytes
        .iter()
        .flat_map(|byte| [DIGITS[usize::from(byte >> 4)], DIGITS[usize::from(byte & 15)]])
        .map(char::from)
        .collect()
}

/// 32 bytes from 64 lower-case hex digits.
pub fn unhex(text: &str) -> Option<[u8; 32]> {
    let digits = text.as_bytes();
    if digits.len() != 64 {
        return None;
    }
    let value = |digit: u8| match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        _ => None,
    };
    let mut out = [0u8; 32];
    for (byte, pair) in out.iter_mut().zip(digits.chunks(2)) {
        *byte = value(pair[0])? << 4 | value(pair[1])?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::event::{Purpose, SigninFailure};

    fn sample() -> NewEvent {
        let origin = Origin {
            ip: Some("198.51.100.7".into()),
            user_agent: Some("Mozilla/5.0 \"test\"".into()),
            place: None,
        };
        let account = AccountId::from_bytes([1; 16]);
        let event = Event::SigninFailed(SigninFailure::WrongPassphrase { tries_left: 4 });
        NewEvent::new(1_800_000_000, &event, Some(account), None, origin)
    }

    fn key() -> ChainKey {
        ChainKey::derive(&coffer_shared::crypto::Key32::from_bytes([7; 32]))
    }

    #[test]
    fn a_record_has_the_documented_bytes_and_hash() {
        let link = Link { seq: 17, prev: [0x11; 32], account: Some((3, [0x22; 32])) };
        let (record, bytes, digest) = seal(&sample(), link, &key());
        let expected = format!(
            concat!(
                r#"{{"v":2,"seq":17,"time":1800000000,"type":"signin_failed","severity":"warning","#,
                r#""account":"AQEBAQEBAQEBAQEBAQEBAQ","account_seq":3,"session":null,"ip":"198.51.100.7","#,
                r#""user_agent":"Mozilla/5.0 \"test\"","place":null,"#,
                r#""detail":{{"reason":"wrong_passphrase","tries_left":4}},"prev":"{}","account_prev":"{}"}}"#
            ),
            "11".repeat(32),
            "22".repeat(32)
        );
        assert_eq!(String::from_utf8(bytes.clone()).unwrap_or_default(), expected);
        assert_eq!(digest, key().hash(&bytes));
        assert_eq!(hash(&record, &bytes, &key()), digest);
        assert_eq!(decode(&bytes).map(|record| record.seq), Ok(17));
    }

    #[test]
    fn an_old_record_keeps_its_unkeyed_hash() {
        let (_, bytes, keyed) = seal(&sample(), Link { seq: 1, prev: GENESIS, account: None }, &key());
        let old = String::from_utf8(bytes).unwrap_or_default().replacen("\"v\":2", "\"v\":1", 1);
        let record = decode(old.as_bytes()).unwrap();
        assert_eq!(hash(&record, old.as_bytes(), &key()), unkeyed_hash(old.as_bytes()));
        assert_ne!(hash(&record, old.as_bytes(), &key()), keyed);
    }

    #[test]
    fn non_canonical_or_foreign_bytes_do_not_decode() {
        let event =
            NewEvent::new(5, &Event::CodeSent { purpose: Purpose::Signup }, None, None, Origin::default());
        let (_, bytes, _) = seal(&event, Link { seq: 1, prev: GENESIS, account: None }, &key());
        let text = String::from_utf8(bytes).unwrap_or_default();
        assert!(decode(text.replace(",\"time\"", ", \"time\"").as_bytes()).is_err(), "white space");
        assert!(decode(text.replace("\"v\":2", "\"v\":3").as_bytes()).is_err(), "version");
        assert!(decode(text.replace("\"place\":null", "\"place\":null,\"x\":1").as_bytes()).is_err());
        assert!(
            decode(text.replace("\"detail\":{", "\"detail\":{\"a\":-1,").as_bytes()).is_err(),
            "negative"
        );
        assert!(
            decode(text.replace("\"detail\":{", "\"detail\":{\"a\":1.5,").as_bytes()).is_err(),
            "fraction"
        );
        assert!(decode(text.as_bytes()).is_ok());
        let listed = text.replace("\"detail\":{", "\"detail\":{\"a\":7,\"b\":true,");
        assert_eq!(
            decode(listed.as_bytes()).unwrap().detail["b"],
            Value::Flag(true),
            "members of every kind"
        );
    }

    #[test]
    fn hex_round_trips() {
        let bytes: [u8; 32] = std::array::from_fn(|i| (i * 9) as u8);
        assert_eq!(unhex(&hex(&bytes)), Some(bytes));
        assert_eq!(unhex(&"G".repeat(64)), None);
        assert_eq!(unhex("00"), None);
    }
}
