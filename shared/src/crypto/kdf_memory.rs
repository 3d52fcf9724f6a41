//! What a browser remembers of an address's KDF inputs, and the check that refuses weaker ones
//! before anything is derived (docs/accounts.md, "Remembered parameters"):
//!
//! ```text
//! memory_id = b64u(SHA-256("coffer/v2/browser/kdf-memory" || UTF-8(normalize(email))))
//! entry     = {"version": kdf_version, "m": m, "t": t, "p": p}   ; under "coffer-kdf-" || memory_id
//! ```
//!
//! Inputs are refused if their version, or any of `m`, `t`, `p`, is lower than the entry's. A
//! new salt at the same or a higher cost is fine (a passphrase changed in another browser).

use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::account_kdf::{AccountKdf, KdfVersion, normalize_email};
use crate::b64;

/// The prefix of the hash that keys a browser's remembered parameters.
pub const MEMORY_LABEL: &[u8] = b"coffer/v2/browser/kdf-memory";
/// The prefix of the `localStorage` key of an entry.
pub const STORAGE_PREFIX: &str = "coffer-kdf-";

/// `memory_id`: the address, hashed so the browser's storage does not list addresses. Not a
/// secret: anyone who can read the storage can test a guessed address.
pub fn memory_id(email: &str) -> String {
    let digest =
        Sha256::new().chain_update(MEMORY_LABEL).chain_update(normalize_email(email).as_bytes()).finalize();
    b64::encode(digest)
}

/// The `localStorage` key of an address's entry: `"coffer-kdf-" || memory_id`.
pub fn storage_key(email: &str) -> String {
    format!("{STORAGE_PREFIX}{}", memory_id(email))
}

/// The entry: the version and costs last used to unlock an address's account. No salt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Remembered {
    /// `kdf_version`.
    pub version: KdfVersion,
    /// Argon2id memory cost in KiB.
    pub m: u32,
    /// Argon2id passes.
    pub t: u32,
    /// Argon2id lanes.
    pub p: u8,
}

/// A server offered weaker inputs than the remembered ones. Nothing was derived.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub struct Downgrade {
    /// What the browser remembers.
    pub remembered: Remembered,
    /// What the server offered.
    pub offered: Remembered,
}

impl Remembered {
    /// The entry for `kdf`.
    pub fn of(kdf: &AccountKdf) -> Self {
        Self { version: kdf.version, m: kdf.params.m_kib(), t: kdf.params.t(), p: kdf.params.p() }
    }

    /// Refuses `offered` if its version or any of its costs is lower than this entry's.
    pub fn check(&self, offered: &AccountKdf) -> Result<(), Downgrade> {
        let offered = Self::of(offered);
        let weaker =
            offered.version < self.version || offered.m < self.m || offered.t < self.t || offered.p < self.p;
        if weaker { Err(Downgrade { remembered: *self, offered }) } else { Ok(()) }
    }
}

impl fmt::Display for Downgrade {
    /// Lists what is weaker, e.g. "KDF version 1 instead of 2, 19 MiB of memory instead of 64 MiB".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (was, now) = (self.remembered, self.offered);
        let mut parts = Vec::new();
        if now.version < was.version {
            parts.push(format!("KDF version {} instead of {}", now.version.number(), was.version.number()));
        }
        if now.m < was.m {
            parts.push(format!("{} of memory instead of {}", mebibytes(now.m), mebibytes(was.m)));
        }
        if now.t < was.t {
            parts.push(format!("{} instead of {}", count(now.t, "pass", "passes"), was.t));
        }
        if now.p < was.p {
            parts.push(format!("{} instead of {}", count(u32::from(now.p), "lane", "lanes"), was.p));
        }
        f.write_str(&parts.join(", "))
    }
}

/// `n` and the noun in the right number.
fn count(n: u32, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `m` KiB as whole MiB when it is one, else KiB.
fn mebibytes(kib: u32) -> String {
    if kib.is_multiple_of(1024) { format!("{} MiB", kib / 1024) } else { format!("{kib} KiB") }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::kdf::{KdfParams, SALT_LEN};

    fn kdf(version: KdfVersion, m: u32, t: u32, p: u8) -> AccountKdf {
        AccountKdf { version, params: KdfParams::new(m, t, p).unwrap(), kdf_salt: [1; SALT_LEN] }
    }

    #[test]
    fn lower_version_or_any_lower_cost_is_refused() {
        let remembered = Remembered::of(&kdf(KdfVersion::V2, 65536, 3, 4));
        assert!(remembered.check(&kdf(KdfVersion::V2, 65536, 3, 4)).is_ok());
        assert!(remembered.check(&kdf(KdfVersion::V2, 131072, 4, 8)).is_ok());
        let with_other_salt = AccountKdf { kdf_salt: [2; SALT_LEN], ..kdf(KdfVersion::V2, 65536, 3, 4) };
        assert!(remembered.check(&with_other_salt).is_ok());
        for weaker in [
            kdf(KdfVersion::V1, 65536, 3, 4),
            kdf(KdfVersion::V2, 65535, 3, 4),
            kdf(KdfVersion::V2, 1 << 20, 2, 16),
            kdf(KdfVersion::V2, 1 << 20, 16, 1),
        ] {
            assert!(remembered.check(&weaker).is_err(), "{weaker:?}");
        }
    }

    #[test]
    fn a_downgrade_names_only_what_is_weaker() {
        let remembered = Remembered::of(&kdf(KdfVersion::V2, 65536, 3, 4));
        let error = remembered.check(&kdf(KdfVersion::V1, 19456, 3, 4)).unwrap_err();
        assert_eq!(error.to_string(), "KDF version 1 instead of 2, 19 MiB of memory instead of 64 MiB");
        let error = remembered.check(&kdf(KdfVersion::V2, 65536, 2, 1)).unwrap_err();
        assert_eq!(error.to_string(), "2 passes instead of 3, 1 lane instead of 4");
    }

    #[test]
    fn an_entry_is_keyed_by_the_normalized_address_and_reads_back() {
        assert_eq!(storage_key("alice@example.org"), storage_key(" Alice@Example.ORG"));
        assert_ne!(memory_id("alice@example.org"), memory_id("bob@example.org"));
        assert!(!storage_key("alice@example.org").contains("alice"));
        let entry = Remembered::of(&kdf(KdfVersion::V2, 65536, 3, 4));
        let json = serde_json::to_string(&entry).unwrap();
        assert_eq!(json, r#"{"version":2,"m":65536,"t":3,"p":4}"#);
        assert_eq!(serde_json::from_str::<Remembered>(&json).unwrap(), entry);
    }
}
