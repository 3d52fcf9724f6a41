//! Object ids: 16 random bytes as base64url, always 22 characters.
//!
//! The browser chooses an object's id before sealing it, because the envelope's additional data
//! binds the ciphertext to its id (docs/envelope.md, "Additional data"). Shares, accounts and
//! vault records share one implementation, [`Id`]; a marker type keeps them apart, so a record's
//! id cannot be passed where an account's is expected.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::b64;
use crate::crypto::random_array;

/// The number of random bytes in an id.
pub const ID_BYTES: usize = 16;

/// What an id names: only a name for `Debug` output.
pub trait IdKind {
    /// The type's name as `Debug` prints it, e.g. `ShareId`.
    const NAME: &'static str;
}

/// Marker types for [`Id`].
pub mod marker {
    /// A share.
    pub enum Share {}
    /// An account.
    pub enum Account {}
    /// A vault record.
    pub enum Record {}
    /// A signed-in session (its public id, not its token).
    pub enum Session {}
}

impl IdKind for marker::Share {
    const NAME: &'static str = "ShareId";
}

impl IdKind for marker::Account {
    const NAME: &'static str = "AccountId";
}

impl IdKind for marker::Record {
    const NAME: &'static str = "RecordId";
}

impl IdKind for marker::Session {
    const NAME: &'static str = "SessionId";
}

/// A share's id.
pub type ShareId = Id<marker::Share>;
/// An account's id (docs/accounts.md, "Account").
pub type AccountId = Id<marker::Account>;
/// A vault record's id (docs/accounts.md, "Vault records").
pub type RecordId = Id<marker::Record>;
/// A session's public id (docs/api.md, "Sessions").
pub type SessionId = Id<marker::Session>;

/// An object's id, always canonical base64url of 16 bytes.
pub struct Id<K>(String, PhantomData<fn() -> K>);

impl<K> Id<K> {
    /// Makes a new random id from the operating system's CSPRNG.
    pub fn random() -> Self {
        Self::from_bytes(random_array())
    }

    /// The id of these 16 bytes (test vectors use fixed ones).
    pub fn from_bytes(bytes: [u8; ID_BYTES]) -> Self {
        Self(b64::encode(bytes), PhantomData)
    }

    /// The id as it appears in URLs and in the additional data.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The text is not a valid id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("an id is 22 characters of base64url")]
pub struct InvalidId;

impl<K> FromStr for Id<K> {
    type Err = InvalidId;

    fn from_str(text: &str) -> Result<Self, InvalidId> {
        b64::decode_array::<ID_BYTES>(text).map_err(|_| InvalidId)?;
        Ok(Self(text.to_owned(), PhantomData))
    }
}

// Written out rather than derived: a derive would demand the same traits of the marker type.
impl<K> Clone for Id<K> {
    fn clone(&self) -> Self {
        Self(self.0.clone(), PhantomData)
    }
}

impl<K> PartialEq for Id<K> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

impl<K> Eq for Id<K> {}

impl<K> Hash for Id<K> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.hash(state);
    }
}

impl<K> PartialOrd for Id<K> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<K> Ord for Id<K> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.cmp(&other.0)
    }
}

impl<K> fmt::Display for Id<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<K: IdKind> fmt::Debug for Id<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}({})", K::NAME, self.0)
    }
}

impl<K> Serialize for Id<K> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de, K> Deserialize<'de> for Id<K> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_ids_are_22_characters_and_parse() {
        let id = ShareId::random();
        assert_eq!(id.as_str().len(), 22);
        assert_eq!(id.as_str().parse::<ShareId>().unwrap(), id);
    }

    #[test]
    fn rejects_wrong_length_and_alphabet() {
        assert!("abc".parse::<ShareId>().is_err());
        assert!("AAAAAAAAAAAAAAAAAAAAA+".parse::<ShareId>().is_err());
        assert!("AAAAAAAAAAAAAAAAAAAAAAAA".parse::<ShareId>().is_err());
    }

    #[test]
    fn kinds_share_one_encoding_and_print_their_own_name() {
        let account = AccountId::from_bytes([1; ID_BYTES]);
        let record: RecordId = account.as_str().parse().unwrap();
        assert_eq!(account.as_str(), "AQEBAQEBAQEBAQEBAQEBAQ");
        assert_eq!(format!("{account:?}"), "AccountId(AQEBAQEBAQEBAQEBAQEBAQ)");
        assert_eq!(format!("{record:?}"), "RecordId(AQEBAQEBAQEBAQEBAQEBAQ)");
        assert_eq!(serde_json::to_string(&record).unwrap(), "\"AQEBAQEBAQEBAQEBAQEBAQ\"");
        assert!(serde_json::from_str::<ShareId>("\"AQ\"").is_err());
    }
}
