//! The envelope byte format, version 1 (docs/envelope.md, "Byte layout"):
//!
//! ```text
//! envelope = header || ciphertext || [trailer]
//! header   = magic || version || kind || flags || [password] || nonce
//! aad      = "coffer/v1/aad" || u8(len(id)) || id || header || [public_key]
//! ```
//!
//! `public_key` is the trailer's, present iff `SIGNED` is set. This module seals and opens;
//! making and checking the signature itself is [`super::signature`]'s.
//!
//! Parsing and serializing sit side by side; every field has one encoding, so an envelope is
//! canonical if and only if it parses, and `to_bytes(parse(x)) == x`.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use zeroize::Zeroizing;

use super::OpenError;
use super::kdf::{KdfParams, KdfParamsError, SALT_LEN};
use super::secret::{Key32, random_array};

/// `magic = "COFR"`.
pub const MAGIC: [u8; 4] = *b"COFR";
/// The only version this release encodes.
pub const VERSION: u8 = 1;
/// The label that starts the additional data.
pub const AAD_LABEL: &[u8] = b"coffer/v1/aad";
/// The AES-GCM tag length.
pub const TAG_LEN: usize = 16;
/// The AES-GCM nonce length.
pub const NONCE_LEN: usize = 12;
/// `public_key || signature`.
pub const TRAILER_LEN: usize = 32 + 64;

const FLAG_PASSWORD: u8 = 0b01;
const FLAG_SIGNED: u8 = 0b10;
const FIXED_LEN: usize = 4 + 1 + 1 + 1;
const PASSWORD_LEN: usize = 4 + 4 + 1 + SALT_LEN;

/// What an envelope holds (docs/envelope.md, "Kinds").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A share's payload: `{"text": ..., "blur": ...}`.
    ShareText,
    /// An account's vault key, wrapped with its key-encryption key (docs/accounts.md).
    WrappedVaultKey,
    /// An account's Ed25519 identity seed, wrapped with its key-encryption key.
    WrappedIdentityKey,
    /// One vault record.
    VaultRecord,
    /// An encrypted backup of a vault's records, sealed under a passphrase.
    Backup,
    /// A streamed file's name, type, size, chunk size and SHA-256 (docs/envelope.md, "Files
    /// (streamed)").
    FileMetadata,
    /// A share's label and link, sealed for its creator with the vault key (docs/accounts.md,
    /// "Share notes").
    ShareNote,
}

impl Kind {
    fn to_byte(self) -> u8 {
        match self {
            Kind::ShareText => 1,
            Kind::WrappedVaultKey => 2,
            Kind::WrappedIdentityKey => 3,
            Kind::VaultRecord => 4,
            Kind::Backup => 5,
            Kind::FileMetadata => 6,
            Kind::ShareNote => 7,
        }
    }

    fn from_byte(byte: u8) -> Result<Self, FormatError> {
        match byte {
            1 => Ok(Kind::ShareText),
            2 => Ok(Kind::WrappedVaultKey),
            3 => Ok(Kind::WrappedIdentityKey),
            4 => Ok(Kind::VaultRecord),
            5 => Ok(Kind::Backup),
            6 => Ok(Kind::FileMetadata),
            7 => Ok(Kind::ShareNote),
            other => Err(FormatError::UnknownKind(other)),
        }
    }

    /// The `PASSWORD` and `SIGNED` columns of the kinds table: `None` where the flag is
    /// optional, `Some(required)` where it must be set or must not be.
    fn flag_rules(self) -> (Option<bool>, Option<bool>) {
        match self {
            Kind::ShareText => (None, None),
            Kind::WrappedVaultKey | Kind::WrappedIdentityKey | Kind::VaultRecord | Kind::ShareNote => {
                (Some(false), Some(false))
            }
            Kind::Backup => (Some(true), Some(false)),
            Kind::FileMetadata => (None, Some(false)),
        }
    }
}

/// The Argon2id parameters and salt of a password-protected envelope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PasswordParams {
    /// Argon2id costs, always within the accepted range.
    pub kdf: KdfParams,
    /// The random salt.
    pub salt: [u8; SALT_LEN],
}

impl PasswordParams {
    /// These costs with a fresh random salt.
    pub fn fresh(kdf: KdfParams) -> Self {
        Self { kdf, salt: random_array() }
    }
}

/// An envelope's header: everything before the ciphertext. It holds no secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// What the plaintext is.
    pub kind: Kind,
    /// Present iff the `PASSWORD` flag is set.
    pub password: Option<PasswordParams>,
    /// The `SIGNED` flag: a trailer follows the ciphertext.
    pub signed: bool,
    /// The AES-GCM nonce.
    pub nonce: [u8; NONCE_LEN],
}

/// The signer's public key and signature that follow the ciphertext when `SIGNED` is set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trailer {
    /// The signer's Ed25519 public key.
    pub public_key: [u8; 32],
    /// The Ed25519 signature.
    pub signature: [u8; 64],
}

/// A parsed envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    /// The header, bound into the additional data.
    pub header: Header,
    /// AES-256-GCM ciphertext with the tag appended.
    pub ciphertext: Vec<u8>,
    /// Present iff `header.signed`.
    pub trailer: Option<Trailer>,
}

/// Why bytes are not a version 1 envelope. These errors describe public structure only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum FormatError {
    /// The first four bytes are not `COFR`.
    #[error("not a Coffer envelope")]
    BadMagic,
    /// A version this build does not know.
    #[error("unsupported envelope version {0}")]
    UnsupportedVersion(u8),
    /// A kind this build does not know.
    #[error("unknown envelope kind {0}")]
    UnknownKind(u8),
    /// A reserved flag bit is set.
    #[error("reserved envelope flags are set")]
    ReservedFlags,
    /// A flag this kind must not carry is set, or one it must carry is missing.
    #[error("the envelope's flags do not fit its kind")]
    FlagsForKind,
    /// Argon2id parameters outside the accepted range.
    #[error(transparent)]
    Kdf(#[from] KdfParamsError),
    /// Too short for its header, tag and trailer.
    #[error("the envelope is truncated")]
    Truncated,
}

impl Header {
    /// A fresh header for sealing: a random nonce, no signature.
    pub fn new(kind: Kind, password: Option<PasswordParams>) -> Self {
        Self { kind, password, signed: false, nonce: random_array() }
    }

    /// Serializes the header exactly as it is bound into the additional data.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(FIXED_LEN + PASSWORD_LEN + NONCE_LEN);
        out.extend_from_slice(&MAGIC);
        out.push(VERSION);
        out.push(self.kind.to_byte());
        let mut flags = 0;
        if self.password.is_some() {
            flags |= FLAG_PASSWORD;
        }
        if self.signed {
            flags |= FLAG_SIGNED;
        }
        out.push(flags);
        if let Some(password) = &self.password {
            out.extend_from_slice(&password.kdf.m_kib().to_be_bytes());
            out.extend_from_slice(&password.kdf.t().to_be_bytes());
            out.push(password.kdf.p());
            out.extend_from_slice(&password.salt);
        }
        out.extend_from_slice(&self.nonce);
        out
    }

    /// Parses a header from the start of `bytes`; returns it and the number of bytes it took.
    pub fn parse(bytes: &[u8]) -> Result<(Self, usize), FormatError> {
        let mut reader = Reader(bytes);
        if reader.take::<4>()? != MAGIC {
            return Err(FormatError::BadMagic);
        }
        let [version] = reader.take::<1>()?;
        if version != VERSION {
            return Err(FormatError::UnsupportedVersion(version));
        }
        let [kind] = reader.take::<1>()?;
        let kind = Kind::from_byte(kind)?;
        let [flags] = reader.take::<1>()?;
        if flags & !(FLAG_PASSWORD | FLAG_SIGNED) != 0 {
            return Err(FormatError::ReservedFlags);
        }
        let (has_password, signed) = (flags & FLAG_PASSWORD != 0, flags & FLAG_SIGNED != 0);
        let (password_rule, signed_rule) = kind.flag_rules();
        if password_rule.is_some_and(|required| required != has_password)
            || signed_rule.is_some_and(|required| required != signed)
        {
            return Err(FormatError::FlagsForKind);
        }
        let password = if has_password {
            let m_kib = u32::from_be_bytes(reader.take()?);
            let t = u32::from_be_bytes(reader.take()?);
            let [p] = reader.take::<1>()?;
            let kdf = KdfParams::new(m_kib, t, p)?;
            Some(PasswordParams { kdf, salt: reader.take()? })
        } else {
            None
        };
        let nonce = reader.take()?;
        let header = Self { kind, password, signed, nonce };
        Ok((header, bytes.len() - reader.0.len()))
    }
}

impl Envelope {
    /// Parses and validates a whole envelope.
    pub fn parse(bytes: &[u8]) -> Result<Self, FormatError> {
        let (header, header_len) = Header::parse(bytes)?;
        let rest = &bytes[header_len..];
        let trailer_len = if header.signed { TRAILER_LEN } else { 0 };
        if rest.len() < TAG_LEN + trailer_len {
            return Err(FormatError::Truncated);
        }
        let (ciphertext, trailer) = if header.signed {
            let (ciphertext, trailer) =
                rest.split_last_chunk::<TRAILER_LEN>().ok_or(FormatError::Truncated)?;
            let (public_key, signature) = trailer.split_first_chunk::<32>().ok_or(FormatError::Truncated)?;
            let signature = signature.try_into().map_err(|_| FormatError::Truncated)?;
            (ciphertext, Some(Trailer { public_key: *public_key, signature }))
        } else {
            (rest, None)
        };
        Ok(Self { header, ciphertext: ciphertext.to_vec(), trailer })
    }

    /// Serializes the envelope; the exact inverse of [`Envelope::parse`].
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = self.header.to_bytes();
        out.extend_from_slice(&self.ciphertext);
        if let Some(trailer) = &self.trailer {
            out.extend_from_slice(&trailer.public_key);
            out.extend_from_slice(&trailer.signature);
        }
        out
    }
}

/// `ciphertext = AES-256-GCM(content_key, nonce, aad, plaintext)` for an unsigned envelope.
///
/// # Panics
///
/// If `header.signed` is set: a signed envelope binds its signer's key into the additional data,
/// so it is sealed with [`seal_to_sign`].
pub fn seal(content_key: &Key32, id: &str, header: Header, plaintext: &[u8]) -> Envelope {
    assert!(!header.signed, "a signed envelope is sealed with seal_to_sign");
    seal_with_trailer(content_key, id, header, None, plaintext)
}

/// Seals with `SIGNED` set and `public_key` bound into the additional data (docs/envelope.md,
/// "Signatures"). The trailer holds the key and a placeholder signature of 64 zero bytes until
/// [`super::signature::sign`] replaces it; until then the envelope verifies for nobody.
pub fn seal_to_sign(
    content_key: &Key32,
    id: &str,
    mut header: Header,
    public_key: [u8; 32],
    plaintext: &[u8],
) -> Envelope {
    header.signed = true;
    let trailer = Trailer { public_key, signature: [0; 64] };
    seal_with_trailer(content_key, id, header, Some(trailer), plaintext)
}

fn seal_with_trailer(
    content_key: &Key32,
    id: &str,
    header: Header,
    trailer: Option<Trailer>,
    plaintext: &[u8],
) -> Envelope {
    let aad = additional_data(id, &header, trailer.as_ref().map(|trailer| &trailer.public_key));
    let cipher = Aes256Gcm::new(content_key.expose().into());
    #[allow(clippy::expect_used)]
    let ciphertext = cipher
        .encrypt(Nonce::from_slice(&header.nonce), Payload { msg: plaintext, aad: &aad })
        .expect("AES-GCM encryption only fails past 64 GiB");
    Envelope { header, ciphertext, trailer }
}

/// Decrypts, with the trailer's public key in the additional data when the envelope is signed.
///
/// This does not check the signature: only `share-text` envelopes may be signed, and their
/// opener ([`super::share::ShareKeys::open_share`]) verifies it first. Every failure is the same
/// [`OpenError`].
pub fn open(content_key: &Key32, id: &str, envelope: &Envelope) -> Result<Zeroizing<Vec<u8>>, OpenError> {
    let signer = envelope.trailer.as_ref().map(|trailer| &trailer.public_key);
    let aad = additional_data(id, &envelope.header, signer);
    let cipher = Aes256Gcm::new(content_key.expose().into());
    cipher
        .decrypt(Nonce::from_slice(&envelope.header.nonce), Payload { msg: &envelope.ciphertext, aad: &aad })
        .map(Zeroizing::new)
        .map_err(|_| OpenError)
}

/// `aad = "coffer/v1/aad" || u8(len(id)) || id || header || [public_key]`, the signer's public
/// key present iff the header has `SIGNED`.
pub fn additional_data(id: &str, header: &Header, signer: Option<&[u8; 32]>) -> Vec<u8> {
    let mut aad = labelled_with_id(AAD_LABEL, id);
    aad.extend_from_slice(&header.to_bytes());
    if let Some(public_key) = signer {
        aad.extend_from_slice(public_key);
    }
    aad
}

/// `label || u8(len(id)) || id`.
pub(super) fn labelled_with_id(label: &[u8], id: &str) -> Vec<u8> {
    // Ids are 22 characters; a longer one would make the length byte ambiguous.
    assert!(id.len() <= usize::from(u8::MAX), "ids are at most 255 bytes");
    let mut out = Vec::with_capacity(label.len() + 1 + id.len() + 64);
    out.extend_from_slice(label);
    out.push(id.len() as u8);
    out.extend_from_slice(id.as_bytes());
    out
}

/// Reads fixed-size fields off the front of a byte slice.
struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn take<const N: usize>(&mut self) -> Result<[u8; N], FormatError> {
        if self.0.len() < N {
            return Err(FormatError::Truncated);
        }
        let (head, tail) = self.0.split_at(N);
        self.0 = tail;
        head.try_into().map_err(|_| FormatError::Truncated)
    }
}
