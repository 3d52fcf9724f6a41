//! The session cookie: `__Host-coffer_session=<b64u(token)>; Path=/; Secure; HttpOnly;
//! SameSite=Strict` (docs/api.md, "Sessions").
//!
//! The `__Host-` prefix makes browsers refuse the cookie unless it is `Secure`, has `Path=/` and
//! no `Domain`, so no other host or path can plant or read it.

use axum::http::{HeaderMap, HeaderValue, header};
use coffer_shared::crypto::Key32;

/// The cookie's name.
pub const NAME: &str = "__Host-coffer_session";

/// The `Set-Cookie` value that hands the browser `token`. No `Max-Age`: the browser forgets it
/// when it closes, and the server ends it on its own timeouts.
pub fn set(token: &Key32) -> HeaderValue {
    let value = format!("{NAME}={}; Path=/; Secure; HttpOnly; SameSite=Strict", token.to_b64());
    // Base64url and fixed ASCII: always a valid header value.
    HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The `Set-Cookie` value that makes the browser drop the cookie.
pub fn clear() -> HeaderValue {
    HeaderValue::from_static("__Host-coffer_session=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0")
}

/// The session token in the request's `Cookie` headers, if one is there and well-formed.
pub fn token(headers: &HeaderMap) -> Option<Key32> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == NAME)
        .and_then(|(_, value)| Key32::from_b64(value).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_round_trips_through_the_cookie_header() {
        let sent = Key32::from_bytes([7; 32]);
        let set_cookie = set(&sent);
        let pair = set_cookie.to_str().unwrap().split(';').next().unwrap().to_owned();
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, HeaderValue::from_str(&format!("other=1; {pair}")).unwrap());
        assert_eq!(token(&headers), Some(sent));
    }

    #[test]
    fn a_garbled_or_missing_cookie_is_no_token() {
        let mut headers = HeaderMap::new();
        assert_eq!(token(&headers), None);
        headers.insert(header::COOKIE, HeaderValue::from_static("__Host-coffer_session=not-base64!"));
        assert_eq!(token(&headers), None);
    }
}
