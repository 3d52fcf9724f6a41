//! The keys of Bitwarden's password-protected export (docs/interchange.md, "Bitwarden JSON,
//! password protected"): a KDF of the file password and the file's salt, stretched by
//! HKDF-Expand into an encryption key and a MAC key.
//!
//! ```text
//! material = PBKDF2-HMAC-SHA256(UTF-8(password), UTF-8(salt), iterations, 32)          ; kdfType 0
//! material = Argon2id(UTF-8(password), SHA-256(UTF-8(salt)), m MiB, t, p, 32)          ; kdfType 1
//! enc_key  = HKDF-Expand-SHA256(prk = material, info = "enc", 32)
//! mac_key  = HKDF-Expand-SHA256(prk = material, info = "mac", 32)
//! ```

use std::fmt;

use argon2::{Algorithm, Argon2, Block, Params, Version};
use hkdf::Hkdf;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::kdf::KdfParams;
use super::secret::Key32;

/// HKDF-Expand's `info` for the encryption key.
const ENC_INFO: &[u8] = b"enc";
/// HKDF-Expand's `info` for the MAC key.
const MAC_INFO: &[u8] = b"mac";

/// A Bitwarden export's KDF and its parameters. Values read from a file are checked with
/// [`BitwardenKdf::check`] before anything is derived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BitwardenKdf {
    /// `kdfType` 0: PBKDF2-HMAC-SHA256.
    Pbkdf2 {
        /// `kdfIterations`.
        iterations: u32,
    },
    /// `kdfType` 1: Argon2id version 1.3.
    Argon2id {
        /// `kdfIterations`: passes.
        iterations: u32,
        /// `kdfMemory`, in MiB.
        memory_mib: u32,
        /// `kdfParallelism`: lanes.
        parallelism: u32,
    },
}

/// The KDF is not one of Bitwarden's, or its parameters are outside the bounds Bitwarden's
/// importer accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the key derivation settings are outside the accepted bounds")]
pub struct KdfOutOfBounds;

impl BitwardenKdf {
    /// What Coffer writes: Bitwarden's default, PBKDF2-SHA256 with 600,000 iterations.
    pub const EXPORT: Self = Self::Pbkdf2 { iterations: 600_000 };
    /// The accepted PBKDF2 iterations (Bitwarden's import floor and settings ceiling).
    pub const PBKDF2_ITERATIONS: std::ops::RangeInclusive<u32> = 5_000..=2_000_000;
    /// The accepted Argon2id passes.
    pub const ARGON2_ITERATIONS: std::ops::RangeInclusive<u32> = 2..=10;
    /// The accepted Argon2id memory, in MiB.
    pub const ARGON2_MEMORY_MIB: std::ops::RangeInclusive<u32> = 16..=1_024;
    /// The accepted Argon2id lanes.
    pub const ARGON2_PARALLELISM: std::ops::RangeInclusive<u32> = 1..=16;

    /// Reads `kdfType`, `kdfIterations`, `kdfMemory` and `kdfParallelism` as a file holds them,
    /// refusing another type, a missing parameter or one outside the bounds.
    pub fn from_file(
        kind: u64,
        iterations: Option<u64>,
        memory_mib: Option<u64>,
        parallelism: Option<u64>,
    ) -> Result<Self, KdfOutOfBounds> {
        let number =
            |value: Option<u64>| value.and_then(|value| u32::try_from(value).ok()).ok_or(KdfOutOfBounds);
        let kdf = match kind {
            0 => Self::Pbkdf2 { iterations: number(iterations)? },
            1 => Self::Argon2id {
                iterations: number(iterations)?,
                memory_mib: number(memory_mib)?,
                parallelism: number(parallelism)?,
            },
            _ => return Err(KdfOutOfBounds),
        };
        kdf.check()
    }

    /// The KDF, if its parameters are within the bounds (docs/interchange.md).
    pub fn check(self) -> Result<Self, KdfOutOfBounds> {
        let within = match self {
            Self::Pbkdf2 { iterations } => Self::PBKDF2_ITERATIONS.contains(&iterations),
            Self::Argon2id { iterations, memory_mib, parallelism } => {
                Self::ARGON2_ITERATIONS.contains(&iterations)
                    && Self::ARGON2_MEMORY_MIB.contains(&memory_mib)
                    && Self::ARGON2_PARALLELISM.contains(&parallelism)
            }
        };
        if within { Ok(self) } else { Err(KdfOutOfBounds) }
    }

    /// `kdfType`: 0 for PBKDF2, 1 for Argon2id.
    pub fn kind(self) -> u8 {
        match self {
            Self::Pbkdf2 { .. } => 0,
            Self::Argon2id { .. } => 1,
        }
    }

    /// The Argon2id parameters in Coffer's own range ([`KdfParams`]), which the browser's
    /// password worker derives with (salt [`argon2_salt`]); `None` for PBKDF2 or parameters
    /// outside that range (Bitwarden accepts 16 MiB, below Coffer's floor).
    pub fn coffer_params(self) -> Option<KdfParams> {
        match self {
            Self::Pbkdf2 { .. } => None,
            Self::Argon2id { iterations, memory_mib, parallelism } => {
                let lanes = u8::try_from(parallelism).ok()?;
                KdfParams::new(memory_mib.checked_mul(1024)?, iterations, lanes).ok()
            }
        }
    }

    /// The 32 bytes of key material, before stretching. Runs the whole KDF here: up to
    /// 2,000,000 PBKDF2 iterations or Argon2id over 1 GiB within the bounds.
    ///
    /// # Panics
    /// If the parameters are outside the bounds (a programming error: check them first).
    pub fn material(self, password: &str, salt: &str) -> Key32 {
        let mut out = Zeroizing::new([0u8; 32]);
        match self.check() {
            Ok(Self::Pbkdf2 { iterations }) => {
                pbkdf2::pbkdf2_hmac::<Sha256>(password.as_bytes(), salt.as_bytes(), iterations, out.as_mut());
            }
            Ok(Self::Argon2id { iterations, memory_mib, parallelism }) => {
                #[allow(clippy::expect_used)]
                let params = Params::new(memory_mib * 1024, iterations, parallelism, Some(32))
                    .expect("bounded parameters are valid Argon2 parameters");
                let mut memory = Zeroizing::new(vec![Block::default(); params.block_count()]);
                #[allow(clippy::expect_used)]
                Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
                    .hash_password_into_with_memory(
                        password.as_bytes(),
                        &argon2_salt(salt),
                        out.as_mut(),
                        &mut memory[..],
                    )
                    .expect("a 32-byte salt and a 32-byte output are always accepted");
            }
            #[allow(clippy::panic)]
            Err(_) => panic!("KDF parameters must be checked before deriving"),
        }
        Key32::from_bytes(*out)
    }
}

/// Argon2id's salt: `SHA-256(UTF-8(salt))`, as Bitwarden hashes it.
pub fn argon2_salt(salt: &str) -> [u8; 32] {
    Sha256::digest(salt.as_bytes()).into()
}

/// The two keys of an export file: AES-256-CBC's and HMAC-SHA256's.
pub struct ExportKey {
    enc: Key32,
    mac: Key32,
}

impl ExportKey {
    /// `enc_key` and `mac_key` from the KDF's `material` (HKDF-Expand only, no Extract).
    pub fn stretch(material: &Key32) -> Self {
        #[allow(clippy::expect_used)]
        let hkdf = Hkdf::<Sha256>::from_prk(material.expose()).expect("32 bytes is a valid SHA-256 PRK");
        let expand = |info: &[u8]| {
            let mut out = Zeroizing::new([0u8; 32]);
            #[allow(clippy::expect_used)]
            hkdf.expand(info, out.as_mut()).expect("32 bytes is a valid HKDF-SHA256 output length");
            Key32::from_bytes(*out)
        };
        Self { enc: expand(ENC_INFO), mac: expand(MAC_INFO) }
    }

    /// Derives and stretches in one step, on this thread.
    ///
    /// # Panics
    /// If `kdf` is outside the bounds (check it first).
    pub fn derive(password: &str, salt: &str, kdf: BitwardenKdf) -> Self {
        Self::stretch(&kdf.material(password, salt))
    }

    /// The AES-256-CBC key.
    pub fn enc(&self) -> &Key32 {
        &self.enc
    }

    /// The HMAC-SHA256 key.
    pub fn mac(&self) -> &Key32 {
        &self.mac
    }
}

impl fmt::Debug for ExportKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Bitwarden's own vectors: bitwarden/sdk-internal crates/bitwarden-crypto/src/keys/kdf.rs
    // (`test_master_key_derive_pbkdf2`, `test_master_key_derive_argon2`, where the salt is the
    // e-mail "test_key") and keys/utils.rs (`test_stretch_kdf_key`).
    const PASSWORD: &str = "67t9b5g67$%Dh89n";
    const SALT: &str = "test_key";
    const PBKDF2_MATERIAL: [u8; 32] = [
        31, 79, 104, 226, 150, 71, 177, 90, 194, 80, 172, 209, 17, 129, 132, 81, 138, 167, 69, 167, 254, 149,
        2, 27, 39, 197, 64, 42, 22, 195, 86, 75,
    ];
    const ARGON2_MATERIAL: [u8; 32] = [
        207, 240, 225, 177, 162, 19, 163, 76, 98, 106, 179, 175, 224, 9, 17, 240, 20, 147, 237, 47, 246, 150,
        141, 184, 62, 225, 131, 242, 51, 53, 225, 242,
    ];
    const ENC: [u8; 32] = [
        111, 31, 178, 45, 238, 152, 37, 114, 143, 215, 124, 83, 135, 173, 195, 23, 142, 134, 120, 249, 61,
        132, 163, 182, 113, 197, 189, 204, 188, 21, 237, 96,
    ];
    const MAC: [u8; 32] = [
        221, 127, 206, 234, 101, 27, 202, 38, 86, 52, 34, 28, 78, 28, 185, 16, 48, 61, 127, 166, 209, 247,
        194, 87, 232, 26, 48, 85, 193, 249, 179, 155,
    ];

    #[test]
    fn pbkdf2_and_argon2id_match_bitwardens_vectors() {
        let pbkdf2 = BitwardenKdf::Pbkdf2 { iterations: 10_000 }.material(PASSWORD, SALT);
        assert_eq!(pbkdf2.expose(), &PBKDF2_MATERIAL);
        let argon2 = BitwardenKdf::Argon2id { iterations: 4, memory_mib: 32, parallelism: 2 };
        assert_eq!(argon2.material(PASSWORD, SALT).expose(), &ARGON2_MATERIAL);
    }

    #[test]
    fn stretching_matches_bitwardens_vector() {
        let key = ExportKey::stretch(&Key32::from_bytes(PBKDF2_MATERIAL));
        assert_eq!(key.enc().expose(), &ENC);
        assert_eq!(key.mac().expose(), &MAC);
        assert_eq!(format!("{key:?}"), "[redacted]");
    }

    #[test]
    fn parameters_outside_bitwardens_bounds_are_refused() {
        let read = BitwardenKdf::from_file;
        assert_eq!(read(0, Some(600_000), None, None), Ok(BitwardenKdf::EXPORT));
        assert_eq!(read(0, Some(5_000), Some(7), None), Ok(BitwardenKdf::Pbkdf2 { iterations: 5_000 }));
        for hostile in [
            read(0, Some(1_000_000_000_000), None, None),
            read(0, Some(2_000_001), None, None),
            read(0, Some(4_999), None, None),
            read(0, None, None, None),
            read(1, Some(3), Some(4_096), Some(4)),
            read(1, Some(11), Some(64), Some(4)),
            read(1, Some(3), Some(15), Some(4)),
            read(1, Some(3), Some(64), Some(17)),
            read(1, Some(3), Some(64), Some(0)),
            read(1, Some(3), None, Some(4)),
            read(1, Some(3), Some(1 << 40), Some(4)),
            read(2, Some(3), Some(64), Some(4)),
        ] {
            assert_eq!(hostile, Err(KdfOutOfBounds));
        }
        assert_eq!(
            read(1, Some(10), Some(1_024), Some(16)),
            Ok(BitwardenKdf::Argon2id { iterations: 10, memory_mib: 1_024, parallelism: 16 })
        );
    }

    #[test]
    fn argon2id_goes_to_the_worker_only_within_coffers_range() {
        let within = BitwardenKdf::Argon2id { iterations: 3, memory_mib: 64, parallelism: 4 };
        assert_eq!(within.coffer_params(), Some(KdfParams::DEFAULT));
        assert_eq!(
            BitwardenKdf::Argon2id { iterations: 2, memory_mib: 16, parallelism: 1 }.coffer_params(),
            None
        );
        assert_eq!(BitwardenKdf::EXPORT.coffer_params(), None);
        let worker =
            super::super::kdf::argon2id(PASSWORD, &argon2_salt(SALT), within.coffer_params().unwrap());
        assert_eq!(worker, within.material(PASSWORD, SALT));
    }
}
