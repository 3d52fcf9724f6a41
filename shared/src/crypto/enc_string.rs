//! Bitwarden's EncString of type 2 (`AesCbc256_HmacSha256_B64`), the only type its
//! password-protected export uses (docs/interchange.md, "Bitwarden JSON, password protected"):
//!
//! ```text
//! "2." || b64(iv) || "|" || b64(ct) || "|" || b64(mac)      ; b64: standard, padded
//! ct  = AES-256-CBC(enc_key, iv, PKCS#7(plaintext))
//! mac = HMAC-SHA256(mac_key, iv || ct)
//! ```
//!
//! Opening checks the MAC, in constant time, before decrypting anything.

use aes::Aes256;
use aes::cipher::block_padding::Pkcs7;
use aes::cipher::{BlockDecryptMut, BlockEncryptMut, KeyIvInit};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

use super::OpenError;
use super::bitwarden_kdf::ExportKey;
use super::random_array;

/// The type prefix of an `AesCbc256_HmacSha256_B64` EncString.
const TYPE_2: &str = "2.";
/// AES's block, and the length of the IV.
const BLOCK: usize = 16;

fn mac(key: &ExportKey, iv: &[u8], ct: &[u8]) -> Hmac<Sha256> {
    #[allow(clippy::expect_used)]
    let mut mac = Hmac::<Sha256>::new_from_slice(key.mac().expose()).expect("HMAC takes any key length");
    mac.update(iv);
    mac.update(ct);
    mac
}

/// Encrypts `plaintext` under a fresh random IV into an EncString of type 2.
pub fn seal(key: &ExportKey, plaintext: &[u8]) -> String {
    let iv: [u8; BLOCK] = random_array();
    seal_with_iv(key, &iv, plaintext)
}

fn seal_with_iv(key: &ExportKey, iv: &[u8; BLOCK], plaintext: &[u8]) -> String {
    let ct = cbc::Encryptor::<Aes256>::new(key.enc().expose().into(), iv.into())
        .encrypt_padded_vec_mut::<Pkcs7>(plaintext);
    let tag = mac(key, iv, &ct).finalize().into_bytes();
    format!("{TYPE_2}{}|{}|{}", STANDARD.encode(iv), STANDARD.encode(&ct), STANDARD.encode(tag))
}

/// The parts of an EncString of type 2, decoded and checked for shape.
struct Parts {
    iv: [u8; BLOCK],
    ct: Vec<u8>,
    mac: [u8; 32],
}

/// The EncString is not of type 2, or its parts are not canonical base64 of the right lengths.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not an EncString of type 2")]
pub struct MalformedEncString;

fn parts(text: &str) -> Result<Parts, MalformedEncString> {
    let body = text.strip_prefix(TYPE_2).ok_or(MalformedEncString)?;
    let mut fields = body.split('|');
    let (Some(iv), Some(ct), Some(mac), None) = (fields.next(), fields.next(), fields.next(), fields.next())
    else {
        return Err(MalformedEncString);
    };
    let decode = |part: &str| STANDARD.decode(part).map_err(|_| MalformedEncString);
    let iv = decode(iv)?.try_into().map_err(|_| MalformedEncString)?;
    let ct = decode(ct)?;
    let mac = decode(mac)?.try_into().map_err(|_| MalformedEncString)?;
    if ct.is_empty() || ct.len() % BLOCK != 0 {
        return Err(MalformedEncString);
    }
    Ok(Parts { iv, ct, mac })
}

/// Checks that `text` is a well-formed EncString of type 2, without a key.
pub fn check(text: &str) -> Result<(), MalformedEncString> {
    parts(text).map(drop)
}

/// Decrypts an EncString of type 2. The MAC over `iv || ct` is verified (in constant time)
/// first; a wrong MAC, a malformed string and bad padding are one [`OpenError`].
pub fn open(key: &ExportKey, text: &str) -> Result<Zeroizing<Vec<u8>>, OpenError> {
    let Parts { iv, ct, mac: tag } = parts(text).map_err(|_| OpenError)?;
    mac(key, &iv, &ct).verify_slice(&tag).map_err(|_| OpenError)?;
    let mut buffer = Zeroizing::new(ct);
    let plaintext = cbc::Decryptor::<Aes256>::new(key.enc().expose().into(), (&iv).into())
        .decrypt_padded_mut::<Pkcs7>(&mut buffer)
        .map_err(|_| OpenError)?;
    Ok(Zeroizing::new(plaintext.to_vec()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::Key32;

    fn key(byte: u8) -> ExportKey {
        ExportKey::stretch(&Key32::from_bytes([byte; 32]))
    }

    #[test]
    fn sealed_strings_open_with_the_same_key_only() {
        for len in [0, 1, 15, 16, 17, 100] {
            let plaintext = vec![0x5a; len];
            let sealed = seal(&key(1), &plaintext);
            assert!(sealed.starts_with("2.") && sealed.split('|').count() == 3);
            assert_eq!(*open(&key(1), &sealed).unwrap(), plaintext);
            assert_eq!(open(&key(2), &sealed).unwrap_err(), OpenError);
        }
    }

    #[test]
    fn a_fixed_iv_gives_a_fixed_string() {
        let sealed = seal_with_iv(&key(7), &[0; 16], b"EncryptMe!");
        assert_eq!(sealed, seal_with_iv(&key(7), &[0; 16], b"EncryptMe!"));
        assert!(sealed.starts_with("2.AAAAAAAAAAAAAAAAAAAAAA==|"));
        assert_ne!(seal(&key(7), b"EncryptMe!"), seal(&key(7), b"EncryptMe!"));
    }

    #[test]
    fn any_changed_byte_fails_the_mac() {
        let sealed = seal(&key(3), b"the plaintext");
        let Parts { iv, ct, mac } = parts(&sealed).unwrap();
        let join = |iv: &[u8], ct: &[u8], mac: &[u8]| {
            format!("2.{}|{}|{}", STANDARD.encode(iv), STANDARD.encode(ct), STANDARD.encode(mac))
        };
        let mut flipped = (iv, ct.clone(), mac);
        flipped.0[0] ^= 1;
        assert!(open(&key(3), &join(&flipped.0, &ct, &mac)).is_err());
        let mut changed = ct.clone();
        changed[5] ^= 1;
        assert!(open(&key(3), &join(&iv, &changed, &mac)).is_err());
        let mut tag = mac;
        tag[31] ^= 1;
        assert!(open(&key(3), &join(&iv, &ct, &tag)).is_err());
        assert!(open(&key(3), &join(&iv, &ct, &mac)).is_ok());
    }

    #[test]
    fn malformed_strings_are_refused() {
        let good = seal(&key(4), b"x");
        assert_eq!(check(&good), Ok(()));
        let (_, body) = good.split_at(2);
        for bad in [
            format!("0.{body}"),
            format!("7.{body}"),
            format!("2.{body}|AAAA"),
            body.to_owned(),
            "2.AAAA|AAAA|AAAA".to_owned(),
            "2.".to_owned(),
            good.replace('=', ""),
            "2.AAAAAAAAAAAAAAAAAAAAAA==||AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=".to_owned(),
        ] {
            assert_eq!(check(&bad), Err(MalformedEncString), "{bad}");
            assert_eq!(open(&key(4), &bad).unwrap_err(), OpenError);
        }
    }
}
