//! Checks that an address (already normalized) is shaped like one.

use crate::http::error::ApiError;
use coffer_shared::api::ErrorCode;

/// Shortest and longest accepted address, in bytes after normalization.
const EMAIL_BYTES: std::ops::RangeInclusive<usize> = 3..=254;

/// A loose check that `email` is shaped like an address: one `@` with something on each side,
/// 3 to 254 bytes, no control characters or spaces. Whether it receives mail is what the code
/// proves.
pub fn validate(email: &str) -> Result<(), ApiError> {
    let shaped = EMAIL_BYTES.contains(&email.len())
        && email.split('@').count() == 2
        && !email.starts_with('@')
        && !email.ends_with('@')
        && !email.chars().any(|c| c.is_control() || c.is_whitespace());
    if shaped {
        Ok(())
    } else {
        Err(ApiError::invalid(
            ErrorCode::InvalidEmail,
            "email: not an e-mail address (name@domain, at most 254 bytes)",
        )
        .with_field("email"))
    }
}
