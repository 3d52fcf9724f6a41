//! Key derivation: Argon2id (the parameters an envelope records, the range a decoder accepts,
//! and the key derived from a password) and HKDF-SHA256, which every other key comes from.
//!
//! Spec (docs/envelope.md, "Argon2id parameters"): defaults `m = 65536, t = 3, p = 4`; a browser
//! MUST refuse parameters below `m >= 19456, t >= 2, p >= 1`; decoders MUST reject
//! `m > 1048576`, `t > 16`, `p > 16`.

use argon2::{Algorithm, Argon2, Block, Params, Version};
use hkdf::Hkdf;
use sha2::Sha256;
use zeroize::Zeroizing;

use super::secret::Key32;

/// The length of an Argon2id salt in an envelope.
pub const SALT_LEN: usize = 16;

/// Argon2id cost parameters as recorded in an envelope. Construct with [`KdfParams::new`], which
/// enforces the accepted range, so a value of this type is always safe to derive with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KdfParams {
    m_kib: u32,
    t: u32,
    p: u8,
}

/// The parameters are outside the range the spec accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum KdfParamsError {
    /// Below the floor: a server may be trying to weaken the derivation.
    #[error("the password protection is weaker than allowed (m={m_kib} KiB, t={t}, p={p})")]
    TooWeak {
        /// Memory in KiB.
        m_kib: u32,
        /// Passes.
        t: u32,
        /// Lanes.
        p: u8,
    },
    /// Above the ceiling: deriving would exhaust the browser.
    #[error("the password protection asks for more memory or time than allowed")]
    TooCostly,
}

impl KdfParams {
    /// Coffer's defaults: 64 MiB, 3 passes, 4 lanes.
    pub const DEFAULT: Self = Self { m_kib: 65536, t: 3, p: 4 };
    /// The weakest parameters a browser accepts (OWASP's Argon2id minimum).
    pub const FLOOR: Self = Self { m_kib: 19456, t: 2, p: 1 };
    /// The largest memory cost accepted, in KiB (1 GiB).
    pub const MAX_M_KIB: u32 = 1 << 20;
    /// The largest number of passes or lanes accepted.
    pub const MAX_T_OR_P: u32 = 16;

    /// Checks the parameters against the floor and the ceiling.
    pub fn new(m_kib: u32, t: u32, p: u8) -> Result<Self, KdfParamsError> {
        if m_kib < Self::FLOOR.m_kib || t < Self::FLOOR.t || p < Self::FLOOR.p {
            return Err(KdfParamsError::TooWeak { m_kib, t, p });
        }
        if m_kib > Self::MAX_M_KIB || t > Self::MAX_T_OR_P || u32::from(p) > Self::MAX_T_OR_P {
            return Err(KdfParamsError::TooCostly);
        }
        Ok(Self { m_kib, t, p })
    }

    /// Memory cost in KiB.
    pub fn m_kib(&self) -> u32 {
        self.m_kib
    }

    /// Number of passes.
    pub fn t(&self) -> u32 {
        self.t
    }

    /// Degree of parallelism (lanes).
    pub fn p(&self) -> u8 {
        self.p
    }

    /// The larger of `self` and `other` in each of `m`, `t` and `p`: still within the range,
    /// since both are.
    pub fn max(self, other: Self) -> Self {
        Self { m_kib: self.m_kib.max(other.m_kib), t: self.t.max(other.t), p: self.p.max(other.p) }
    }
}

/// The lengths of the Argon2id salts Coffer uses: an envelope's (16 bytes) and an account's
/// version-2 `argon2_salt` (32 bytes, docs/accounts.md).
pub const ARGON2_SALT_LENS: [usize; 2] = [SALT_LEN, 32];

/// `password_key = Argon2id(UTF-8(password), salt, m, t, p)`, 32 bytes, for an envelope's salt.
pub fn password_key(password: &str, salt: &[u8; SALT_LEN], params: KdfParams) -> Key32 {
    argon2id(password, salt, params)
}

/// `Argon2id(UTF-8(password), salt, m, t, p)`, 32 bytes, for a salt of any length Argon2 takes
/// (8 bytes or more); Coffer's are [`ARGON2_SALT_LENS`].
///
/// Argon2's working memory (`m` KiB) is wiped before it is freed: it holds values from which the
/// key follows without the password.
///
/// # Panics
///
/// If `salt` is shorter than 8 bytes (a programming error: every caller passes a fixed length).
pub fn argon2id(password: &str, salt: &[u8], params: KdfParams) -> Key32 {
    #[allow(clippy::expect_used)]
    let argon_params = Params::new(params.m_kib, params.t, u32::from(params.p), Some(32))
        .expect("KdfParams only holds parameters argon2 accepts");
    let mut memory = Zeroizing::new(vec![Block::default(); argon_params.block_count()]);
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, argon_params);
    let mut out = Zeroizing::new([0u8; 32]);
    #[allow(clippy::expect_used)]
    argon
        .hash_password_into_with_memory(password.as_bytes(), salt, out.as_mut(), &mut memory[..])
        .expect("a salt of 8 bytes or more and a 32-byte output are always accepted");
    Key32::from_bytes(*out)
}

/// `HKDF(ikm, salt, info)`: HKDF-SHA256 (RFC 5869) with a 32-byte output. An empty salt is
/// RFC 5869's "not provided" (HMAC pads both to the same key).
pub fn hkdf(ikm: &[u8], salt: &[u8], info: &[u8]) -> Key32 {
    let mut out = Zeroizing::new([0u8; 32]);
    #[allow(clippy::expect_used)]
    Hkdf::<Sha256>::new(Some(salt), ikm)
        .expand(info, out.as_mut())
        .expect("32 bytes is a valid HKDF-SHA256 output length");
    Key32::from_bytes(*out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floor_and_ceiling_are_enforced() {
        assert!(KdfParams::new(19456, 2, 1).is_ok());
        assert!(matches!(KdfParams::new(19455, 2, 1), Err(KdfParamsError::TooWeak { .. })));
        assert!(matches!(KdfParams::new(19456, 1, 1), Err(KdfParamsError::TooWeak { .. })));
        assert!(matches!(KdfParams::new(65536, 3, 0), Err(KdfParamsError::TooWeak { .. })));
        assert_eq!(KdfParams::new(1 << 21, 3, 4), Err(KdfParamsError::TooCostly));
        assert_eq!(KdfParams::new(65536, 17, 4), Err(KdfParamsError::TooCostly));
        assert_eq!(KdfParams::new(65536, 3, 17), Err(KdfParamsError::TooCostly));
        assert_eq!(KdfParams::new(65536, 3, 4), Ok(KdfParams::DEFAULT));
    }

    #[test]
    fn password_key_depends_on_password_and_salt() {
        let params = KdfParams::FLOOR;
        let a = password_key("correct horse", &[1; SALT_LEN], params);
        assert_eq!(a, password_key("correct horse", &[1; SALT_LEN], params));
        assert_ne!(a, password_key("correct horsf", &[1; SALT_LEN], params));
        assert_ne!(a, password_key("correct horse", &[2; SALT_LEN], params));
    }

    #[test]
    fn max_takes_the_larger_of_each_parameter() {
        let a = KdfParams::new(19456, 5, 1).unwrap();
        assert_eq!(a.max(KdfParams::DEFAULT), KdfParams::new(65536, 5, 4).unwrap());
        assert_eq!(KdfParams::DEFAULT.max(a), a.max(KdfParams::DEFAULT));
        assert_eq!(KdfParams::FLOOR.max(KdfParams::FLOOR), KdfParams::FLOOR);
    }

    #[test]
    fn a_32_byte_salt_is_derived_from_and_differs_from_its_first_16_bytes() {
        let long = [7u8; 32];
        let key = argon2id("pass phrase", &long, KdfParams::FLOOR);
        assert_eq!(key, argon2id("pass phrase", &long, KdfParams::FLOOR));
        assert_ne!(key, password_key("pass phrase", &[7; SALT_LEN], KdfParams::FLOOR));
    }

    #[test]
    fn an_empty_hkdf_salt_is_the_rfc_5869_default() {
        let with_none = {
            let mut out = [0u8; 32];
            Hkdf::<Sha256>::new(None, b"ikm").expand(b"info", &mut out).unwrap();
            out
        };
        assert_eq!(hkdf(b"ikm", b"", b"info").expose(), &with_none);
    }
}
