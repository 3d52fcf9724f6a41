//! Device cookies, after OWASP's "Slow Down Online Guessing Attacks with Device Cookies": a
//! browser that has signed in to an account holds a cookie for that account's address, and its
//! wrong tries are counted apart from every other client's (see [`super::guard`]).
//!
//! ```text
//! Set-Cookie: __Host-coffer_device_<hex(address_key[0..8])>=<b64u(nonce || device_tag)>;
//!             Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=34560000
//! ```
//!
//! `address_key` and `device_tag` are specified in `docs/accounts.md` ("Device cookies"). A
//! cookie for another address, or one the server did not make, is not a device cookie; only
//! the server secret makes tags, so the cookie cannot be forged.

use axum::http::{HeaderMap, HeaderValue, header};
use coffer_shared::b64;
use coffer_shared::crypto::Key32;
use coffer_shared::crypto::random_array;
use coffer_shared::crypto::server::{DEVICE_NONCE_LEN, device_tag, verify_device_tag};

/// The start of every device cookie's name.
pub const PREFIX: &str = "__Host-coffer_device_";
/// How long a browser keeps a device cookie: 400 days, the most browsers allow.
pub const MAX_AGE: u64 = 400 * 86_400;

/// A browser that signed in to the address before, named by its cookie's nonce.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceId([u8; DEVICE_NONCE_LEN]);

impl DeviceId {
    /// The nonce as it names the device's counters.
    pub fn name(&self) -> String {
        b64::encode(self.0)
    }

    /// A device with this nonce, for unit tests of what counts against it.
    #[cfg(test)]
    pub fn for_tests(nonce: [u8; DEVICE_NONCE_LEN]) -> Self {
        Self(nonce)
    }
}

/// The cookie name for the address whose key is `address_key`.
pub fn cookie_name(address_key: &[u8; 32]) -> String {
    let hex: String = address_key[..8].iter().map(|byte| format!("{byte:02x}")).collect();
    format!("{PREFIX}{hex}")
}

/// The device this request comes from, if it carries a valid device cookie for `address_key`.
pub fn find(headers: &HeaderMap, server_secret: &Key32, address_key: &[u8; 32]) -> Option<DeviceId> {
    let name = cookie_name(address_key);
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .filter(|(found, _)| *found == name)
        .filter_map(|(_, value)| b64::decode(value).ok())
        .filter_map(|bytes| {
            let nonce: [u8; DEVICE_NONCE_LEN] = bytes.get(..DEVICE_NONCE_LEN)?.try_into().ok()?;
            let tag: [u8; 32] = bytes.get(DEVICE_NONCE_LEN..)?.try_into().ok()?;
            verify_device_tag(server_secret, address_key, &nonce, &tag).then_some(DeviceId(nonce))
        })
        .next()
}

/// A fresh device cookie for `address_key`, as a `Set-Cookie` value.
pub fn issue(server_secret: &Key32, address_key: &[u8; 32]) -> HeaderValue {
    let nonce: [u8; DEVICE_NONCE_LEN] = random_array();
    let mut value = nonce.to_vec();
    value.extend_from_slice(&device_tag(server_secret, address_key, &nonce));
    let cookie = format!(
        "{}={}; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age={MAX_AGE}",
        cookie_name(address_key),
        b64::encode(&value)
    );
    // Hex, base64url and fixed ASCII: always a valid header value.
    HeaderValue::from_str(&cookie).unwrap_or_else(|_| HeaderValue::from_static(""))
}

#[cfg(test)]
mod tests {
    use coffer_shared::crypto::server::address_key;

    use super::*;

    fn request_with(set_cookie: &HeaderValue) -> HeaderMap {
        let pair = set_cookie.to_str().unwrap().split(';').next().unwrap().to_owned();
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, HeaderValue::from_str(&format!("a=1; {pair}")).unwrap());
        headers
    }

    #[test]
    fn a_device_cookie_is_recognised_for_its_address_only() {
        let secret = Key32::from_bytes([5; 32]);
        let alice = address_key(&secret, "alice@example.org");
        let bob = address_key(&secret, "bob@example.org");
        let headers = request_with(&issue(&secret, &alice));
        assert!(find(&headers, &secret, &alice).is_some());
        assert_eq!(find(&headers, &secret, &bob), None);
        assert_eq!(find(&headers, &Key32::from_bytes([6; 32]), &alice), None);
    }

    #[test]
    fn a_cookie_the_server_did_not_make_is_not_a_device() {
        let secret = Key32::from_bytes([5; 32]);
        let alice = address_key(&secret, "alice@example.org");
        let forged = format!("{}={}", cookie_name(&alice), b64::encode([0u8; 48]));
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, HeaderValue::from_str(&forged).unwrap());
        assert_eq!(find(&headers, &secret, &alice), None);
        headers.insert(
            header::COOKIE,
            HeaderValue::from_str(&format!("{}=short", cookie_name(&alice))).unwrap(),
        );
        assert_eq!(find(&headers, &secret, &alice), None);
    }
}
