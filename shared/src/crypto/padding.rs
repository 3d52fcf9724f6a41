//! Length-hiding padding for JSON plaintexts (docs/envelope.md, "A share's payload"; the same
//! rule for vault records and backups, docs/accounts.md):
//!
//! ```text
//! plaintext = json || 0x00 * n        ; n >= 0 makes len(plaintext) a multiple of 256
//! ```
//!
//! JSON text never ends in a zero byte, so stripping trailing zeros is unambiguous.

use serde::Serialize;
use serde::de::DeserializeOwned;
use zeroize::Zeroizing;

use super::OpenError;

/// Plaintexts are padded with zero bytes to a multiple of this.
pub const PADDING_BLOCK: usize = 256;

/// `plaintext = json || 0x00 * n`, up to the next multiple of [`PADDING_BLOCK`] (one whole
/// block for an empty input).
pub fn pad(plaintext: &mut Vec<u8>) {
    let padded = plaintext.len().div_ceil(PADDING_BLOCK).max(1) * PADDING_BLOCK;
    plaintext.resize(padded, 0);
}

/// Strips the padding; a length that is not a multiple of the block is refused.
pub fn unpad(plaintext: &[u8]) -> Result<&[u8], OpenError> {
    if plaintext.is_empty() || !plaintext.len().is_multiple_of(PADDING_BLOCK) {
        return Err(OpenError);
    }
    let end = plaintext.iter().rposition(|&byte| byte != 0).map_or(0, |last| last + 1);
    Ok(&plaintext[..end])
}

/// `pad(json)`: serializes a value and pads it.
pub fn padded_json(value: &impl Serialize) -> Zeroizing<Vec<u8>> {
    #[allow(clippy::expect_used)]
    let mut plaintext = Zeroizing::new(serde_json::to_vec(value).expect("plaintext types always serialize"));
    pad(&mut plaintext);
    plaintext
}

/// Strips the padding and parses the JSON; any failure is the coarse [`OpenError`].
pub fn parse_padded_json<T: DeserializeOwned>(plaintext: &[u8]) -> Result<T, OpenError> {
    serde_json::from_slice(unpad(plaintext)?).map_err(|_| OpenError)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn padding_fills_whole_blocks_and_comes_off_again() {
        for len in [0, 1, 255, 256, 257, 1000] {
            let mut plaintext = vec![b'x'; len];
            pad(&mut plaintext);
            assert_eq!(plaintext.len(), len.div_ceil(PADDING_BLOCK).max(1) * PADDING_BLOCK);
            assert_eq!(unpad(&plaintext).unwrap(), vec![b'x'; len].as_slice());
        }
    }

    #[test]
    fn unpadding_refuses_partial_blocks() {
        assert_eq!(unpad(&[]), Err(OpenError));
        assert_eq!(unpad(&[b'{'; 255]), Err(OpenError));
        assert_eq!(unpad(&[b'{'; 257]), Err(OpenError));
    }
}
