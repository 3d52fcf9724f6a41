//! All of Coffer's cryptography, implementing `docs/envelope.md` and `docs/accounts.md`.
//!
//! - [`secret`]: key types that zeroize on drop and never print.
//! - [`kdf`]: Argon2id parameters, their floor and ceiling, the password key, and HKDF.
//! - [`account_kdf`]: an account's KDF version and inputs, and the address-bound Argon2id salt.
//! - [`kdf_memory`]: the parameters a browser remembers per address, and the downgrade check.
//! - [`envelope`]: the versioned byte format; parse and serialize side by side.
//! - [`padding`]: the length-hiding padding of JSON plaintexts.
//! - [`share`]: the keys and tokens of a share, and sealing and opening its payload.
//! - [`account`]: an account's key hierarchy and its wrapped vault and identity keys.
//! - [`identity`]: the Ed25519 identity key and its fingerprint.
//! - [`signature`]: sender signatures on shares, over the envelope and the files' metadata.
//! - [`vault`]: vault records and their per-record keys.
//! - [`otpauth`]: a vault login's authenticator (Key Uri Format) and its codes.
//! - [`share_note`]: a share's label and link, sealed for its creator.
//! - [`backup`]: the passphrase-sealed backup of a vault.
//! - [`stream`]: a file's content as a stream of AES-256-GCM chunks.
//! - `webcrypto`: the same chunks through the browser's WebCrypto AES-GCM (the `aes-gcm` crate
//!   behind the same API in native builds).
//! - [`file_meta`]: a streamed file's id, keys, sealed metadata and integrity digest.
//! - [`server`]: the server's verifier and pre-login answers for unknown addresses.
//! - [`audit_chain`]: the keyed hashes of the server's security event log.
//! - [`bitwarden_kdf`] and [`enc_string`]: the keys and the EncStrings of Bitwarden's
//!   password-protected export (docs/interchange.md), for import and export.

pub mod account;
pub mod account_kdf;
pub mod audit_chain;
pub mod backup;
pub mod bitwarden_kdf;
pub mod enc_string;
pub mod envelope;
pub mod file_meta;
pub mod identity;
pub mod kdf;
pub mod kdf_memory;
pub mod otpauth;
pub mod padding;
pub mod resume;
pub mod secret;
pub mod server;
pub mod share;
pub mod share_note;
pub mod signature;
pub mod stream;
pub mod totp;
pub mod vault;
pub mod webcrypto;

pub use secret::{Key32, random_array};

/// Opening an envelope failed. On purpose this says nothing about why: a wrong key, a wrong
/// password, a moved or altered envelope and a bad signature all look the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the secret could not be decrypted")]
pub struct OpenError;
