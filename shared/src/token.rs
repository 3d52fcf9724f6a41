//! Bearer tokens as they travel ([`Token`]: 32 bytes as base64url) and as the server keeps them
//! ([`TokenHash`]: their SHA-256, compared in constant time).
//!
//! Shares, uploads, downloads, sign-up, sign-in, sessions and the passphrase proof each have
//! their own tokens; a [`marker`] type keeps the kinds apart, as [`crate::id::Id`] does
//! for ids, so a status token cannot be sent where an access token is expected.

mod kind;

use std::fmt;
use std::marker::PhantomData;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use zeroize::Zeroize;

pub use kind::{
    AccessToken, AuthProof, CsrfToken, DownloadToken, EndLinkToken, ManageToken, ShareToken, SigninToken,
    SignupToken, StatusToken, TokenKind, UploadToken, marker,
};

use crate::b64;
use crate::crypto::secret::Key32;

/// The number of bytes in a token.
pub const TOKEN_BYTES: usize = 32;

/// A bearer token as it travels: base64url of 32 bytes.
///
/// It deserializes from any string, so that a malformed token is refused by the server with its
/// documented 422 `invalid_token` (naming the field) rather than as a body that does not fit;
/// [`Token::hash`] and [`Token::to_key`] are where it is checked. It prints as `[redacted]` and its text is wiped on
/// drop.
pub struct Token<K>(String, PhantomData<fn() -> K>);

impl<K> Token<K> {
    /// The token of these bytes.
    pub fn from_bytes(bytes: &[u8; TOKEN_BYTES]) -> Self {
        Self(b64::encode(bytes), PhantomData)
    }

    /// The token of a derived key (`ShareKeys::access_token`, `status_token`, …).
    pub fn from_key(key: &Key32) -> Self {
        Self::from_bytes(key.expose())
    }

    /// The text as it travels, unchecked (a header carries it so).
    pub fn from_text(text: impl Into<String>) -> Self {
        Self(text.into(), PhantomData)
    }

    /// The base64url text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `SHA-256(token)`, what the server keeps and compares; an error unless the text is
    /// canonical base64url of exactly 32 bytes.
    pub fn hash(&self) -> Result<TokenHash, b64::DecodeError> {
        let mut bytes = b64::decode_array::<TOKEN_BYTES>(&self.0)?;
        let hash = TokenHash::of(&bytes);
        bytes.zeroize();
        Ok(hash)
    }

    /// The 32 bytes as a key, for a token the server runs through a keyed hash instead
    /// (`auth_proof`); an error unless the text is canonical base64url of exactly 32 bytes.
    pub fn to_key(&self) -> Result<Key32, b64::DecodeError> {
        Key32::from_b64(&self.0)
    }
}

impl<K> AsRef<str> for Token<K> {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl<K> Drop for Token<K> {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

// Written out rather than derived: a derive would demand the same traits of the marker type.
impl<K> Clone for Token<K> {
    fn clone(&self) -> Self {
        Self(self.0.clone(), PhantomData)
    }
}

impl<K> PartialEq for Token<K> {
    fn eq(&self, other: &Self) -> bool {
        self.0.as_bytes().ct_eq(other.0.as_bytes()).into()
    }
}

impl<K> Eq for Token<K> {}

impl<K: TokenKind> fmt::Debug for Token<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}([redacted])", K::NAME)
    }
}

impl<K> Serialize for Token<K> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de, K> Deserialize<'de> for Token<K> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self::from_text)
    }
}

/// `SHA-256(token)`: the only form in which the server keeps a bearer token. `==` compares in
/// constant time, so a store can compare a presented hash with a stored one directly.
/// Serialized as its 32 bytes, as `[u8; 32]` is.
#[derive(Clone, Copy, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TokenHash([u8; 32]);

impl TokenHash {
    /// The hash of a token's bytes.
    pub fn of(token: &[u8]) -> Self {
        Self(Sha256::digest(token).into())
    }

    /// A hash read back from storage.
    pub const fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// The 32 bytes, for storage.
    pub const fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl From<[u8; 32]> for TokenHash {
    fn from(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }
}

impl PartialEq for TokenHash {
    fn eq(&self, other: &Self) -> bool {
        self.0.ct_eq(&other.0).into()
    }
}

impl Eq for TokenHash {}

impl fmt::Debug for TokenHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenHash([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_travel_as_base64url_and_hash_to_sha256() {
        let token = AccessToken::from_bytes(&[7; 32]);
        let json = serde_json::to_string(&token).unwrap();
        assert_eq!(json, "\"BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc\"");
        let back: AccessToken = serde_json::from_str(&json).unwrap();
        assert_eq!(back, token);
        assert_eq!(back.hash().unwrap(), TokenHash::of(&[7; 32]));
        assert_eq!(format!("{token:?}"), "AccessToken([redacted])");
    }

    #[test]
    fn a_malformed_token_parses_but_does_not_hash() {
        let token: StatusToken = serde_json::from_str("\"hunter2\"").unwrap();
        assert!(token.hash().is_err());
        let proof: AuthProof = serde_json::from_str("\"AAAA\"").unwrap();
        assert!(proof.to_key().is_err());
    }

    #[test]
    fn an_auth_proof_travels_as_its_key_did() {
        let key = Key32::from_bytes([9; 32]);
        let proof = AuthProof::from_key(&key);
        assert_eq!(serde_json::to_value(&proof).unwrap(), key.to_b64());
        assert_eq!(proof.to_key().unwrap(), key);
        assert_eq!(format!("{proof:?}"), "AuthProof([redacted])");
        assert_eq!(format!("{:?}", CsrfToken::from_key(&key)), "CsrfToken([redacted])");
    }

    #[test]
    fn hashes_compare_by_value_and_store_as_bytes() {
        let hash = TokenHash::of(b"token");
        assert_eq!(hash, TokenHash::from_bytes(*hash.as_bytes()));
        assert_ne!(hash, TokenHash::of(b"other"));
        assert_eq!(serde_json::to_string(&hash).unwrap(), serde_json::to_string(hash.as_bytes()).unwrap());
    }
}
