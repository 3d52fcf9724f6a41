//! Device cookies, after OWASP's "Slow Down Online Guessing Attacks with Device Cookies": a
//! browser that has signed in to an account holds a cookie for that account, and its wrong
//! tries are counted apart from every other client's (see [`super::guard`]).
//!
//! ```text
//! Set-Cookie: __Host-coffer_device_<hex(address_key[0..8])>=<b64u(nonce || device_tag)>;
//!             Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=34560000
//! ```
//!
//! `address_key` and `device_tag` are specified in `docs/accounts.md` ("Device cookies"). The tag
//! binds the address, the account (a cookie from before an account was deleted means nothing
//! to a new account at the address) and the account's device epoch: raising the epoch (a
//! passphrase or authenticator change, "end other sessions") retires every cookie made before.
//! Only the server secret makes tags, so a cookie cannot be forged.

use axum::http::{HeaderMap, HeaderName, HeaderValue, header};
use coffer_shared::b64;
use coffer_shared::crypto::Key32;
use coffer_shared::crypto::random_array;
use coffer_shared::crypto::server::{
    DEVICE_NONCE_LEN, DeviceBinding, address_key, device_tag, verify_device_tag,
};

use crate::state::AppState;
use crate::store::Account;

/// The start of every device cookie's name.
pub const PREFIX: &str = "__Host-coffer_device_";
/// How long a browser keeps a device cookie: 400 days, the most browsers allow.
pub const MAX_AGE: u64 = 400 * 86_400;

/// A browser that signed in to the account before, named by its cookie's nonce.
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

/// The device this request comes from, if it carries a valid device cookie for `account`.
pub fn find(headers: &HeaderMap, server_secret: &Key32, account: &Account) -> Option<DeviceId> {
    let key = address_key(server_secret, &account.email);
    let binding = binding(&key, account);
    let name = cookie_name(&key);
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
            verify_device_tag(server_secret, binding, &nonce, &tag).then_some(DeviceId(nonce))
        })
        .next()
}

/// A fresh device cookie for `account`, as a `Set-Cookie` value.
pub fn issue(server_secret: &Key32, account: &Account) -> HeaderValue {
    let key = address_key(server_secret, &account.email);
    let nonce: [u8; DEVICE_NONCE_LEN] = random_array();
    let mut value = nonce.to_vec();
    value.extend_from_slice(&device_tag(server_secret, binding(&key, account), &nonce));
    let cookie = format!(
        "{}={}; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age={MAX_AGE}",
        cookie_name(&key),
        b64::encode(&value)
    );
    // Hex, base64url and fixed ASCII: always a valid header value.
    HeaderValue::from_str(&cookie).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The header that hands the browser acting on `account` a device cookie of its current epoch:
/// sent with every change that retired the cookies made before, so the owner's own browser stays
/// trusted.
pub fn renewed(state: &AppState, account: &Account) -> [(HeaderName, HeaderValue); 1] {
    [(header::SET_COOKIE, issue(state.server_secret.key(), account))]
}

fn binding<'a>(key: &'a [u8; 32], account: &'a Account) -> DeviceBinding<'a> {
    DeviceBinding { address_key: key, account_id: account.account_id.as_str(), epoch: account.device_epoch }
}

#[cfg(test)]
mod tests {
    use coffer_shared::api::Notifications;
    use coffer_shared::crypto::account_kdf::KdfVersion;
    use coffer_shared::id::AccountId;

    use super::*;
    use crate::store::Credentials;

    fn account(email: &str) -> Account {
        Account {
            account_id: AccountId::random(),
            email: email.to_owned(),
            credentials: Credentials {
                version: KdfVersion::V2,
                m: 19_456,
                t: 2,
                p: 1,
                kdf_salt: [0; 16],
                verifier: [0; 32],
                wrapped_vault_key: Vec::new(),
                wrapped_identity_key: Vec::new(),
            },
            public_key: [0; 32],
            created_at: 0,
            totp: None,
            totp_pending: None,
            notifications: Notifications::default(),
            last_digest_at: None,
            seen: None,
            device_epoch: 0,
        }
    }

    fn request_with(set_cookie: &HeaderValue) -> HeaderMap {
        let pair = set_cookie.to_str().unwrap().split(';').next().unwrap().to_owned();
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, HeaderValue::from_str(&format!("a=1; {pair}")).unwrap());
        headers
    }

    #[test]
    fn a_device_cookie_is_recognised_for_its_account_and_epoch_only() {
        let secret = Key32::from_bytes([5; 32]);
        let alice = account("alice@example.org");
        let headers = request_with(&issue(&secret, &alice));
        assert!(find(&headers, &secret, &alice).is_some());
        assert_eq!(find(&headers, &secret, &account("bob@example.org")), None);
        assert_eq!(find(&headers, &Key32::from_bytes([6; 32]), &alice), None);
        let recreated = Account { account_id: AccountId::random(), ..alice.clone() };
        assert_eq!(find(&headers, &secret, &recreated), None, "a new account at the address");
        let retired = Account { device_epoch: 1, ..alice };
        assert_eq!(find(&headers, &secret, &retired), None, "a raised epoch retires it");
    }

    #[test]
    fn a_cookie_the_server_did_not_make_is_not_a_device() {
        let secret = Key32::from_bytes([5; 32]);
        let alice = account("alice@example.org");
        let name = cookie_name(&address_key(&secret, &alice.email));
        let mut headers = HeaderMap::new();
        let forged = format!("{name}={}", b64::encode([0u8; 48]));
        headers.insert(header::COOKIE, HeaderValue::from_str(&forged).unwrap());
        assert_eq!(find(&headers, &secret, &alice), None);
        headers.insert(header::COOKIE, HeaderValue::from_str(&format!("{name}=short")).unwrap());
        assert_eq!(find(&headers, &secret, &alice), None);
    }
}
