//! Object ids: 16 random bytes as base64url, always 22 characters.
//!
//! The browser chooses a share's id before sealing it, because the envelope's additional data
//! binds the ciphertext to its id (docs/envelope.md, "Additional data").

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::b64;
use crate::crypto::random_array;

/// The number of random bytes in an id.
pub const ID_BYTES: usize = 16;

/// A share's id, always canonical base64url of 16 bytes.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ShareId(String);

impl ShareId {
    /// Makes a new random id from the operating system's CSPRNG.
    pub fn random() -> Self {
        Self(b64::encode(random_array::<ID_BYTES>()))
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

impl FromStr for ShareId {
    type Err = InvalidId;

    fn from_str(text: &str) -> Result<Self, InvalidId> {
        b64::decode_array::<ID_BYTES>(text).map_err(|_| InvalidId)?;
        Ok(Self(text.to_owned()))
    }
}

impl fmt::Display for ShareId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for ShareId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ShareId({})", self.0)
    }
}

impl Serialize for ShareId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for ShareId {
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
}
