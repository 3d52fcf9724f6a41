//! All of Coffer's cryptography, implementing `docs/envelope.md`.
//!
//! - [`secret`]: key types that zeroize on drop and never print.
//! - [`kdf`]: Argon2id parameters, their floor and ceiling, and the password key.
//! - [`envelope`]: the versioned byte format; parse and serialize side by side.
//! - [`share`]: the keys and tokens of a share, and sealing and opening its payload.

pub mod envelope;
pub mod kdf;
pub mod secret;
pub mod share;

pub use secret::{Key32, random_array};

/// Opening an envelope failed. On purpose this says nothing about why: a wrong key, a wrong
/// password, a moved or altered envelope and a bad signature all look the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the secret could not be decrypted")]
pub struct OpenError;
