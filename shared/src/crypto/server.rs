//! The server's side of accounts (docs/accounts.md, "What the server stores" and "Pre-login"):
//!
//! ```text
//! auth_verifier = HMAC-SHA256(server_secret, "coffer/v1/account/verifier" || auth_proof)
//! prelogin_salt = HMAC-SHA256(server_secret, "coffer/v1/prelogin" || normalize(email))[0..16]   ; with version 2, defaults
//! code_mac      = HMAC-SHA256(server_secret, "coffer/v1/code" || purpose || 0x00 || code)
//! csrf_token    = HMAC-SHA256(server_secret, "coffer/v1/csrf" || SHA-256(session_token))
//! token_hash    = SHA-256(token)          ; sessions, sign-up and sign-in tokens, end links
//! address_key   = HMAC-SHA256(server_secret, "coffer/v1/address" || normalize(email))
//! device_tag    = HMAC-SHA256(server_secret, "coffer/v1/device" || address_key
//!                             || u8(len(account_id)) || account_id || u64be(device_epoch) || nonce)
//! ```
//!
//! It lives here with the rest of the cryptography; only the server calls it.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::account_kdf::{AccountKdf, KdfVersion};
use super::kdf::{KdfParams, SALT_LEN};
use super::secret::Key32;

/// The prefix of the server's keyed hash of an `auth_proof`.
pub const VERIFIER_LABEL: &[u8] = b"coffer/v1/account/verifier";
/// The prefix of an unknown address's salt.
pub const PRELOGIN_LABEL: &[u8] = b"coffer/v1/prelogin";

/// The prefix of the keyed hash of a one-time code or recovery code.
pub const CODE_LABEL: &[u8] = b"coffer/v1/code";
/// The prefix of a session's CSRF token.
pub const CSRF_LABEL: &[u8] = b"coffer/v1/csrf";
/// The prefix of the keyed hash that names an address's throttles, known or not.
pub const ADDRESS_LABEL: &[u8] = b"coffer/v1/address";
/// The prefix of a device cookie's tag.
pub const DEVICE_LABEL: &[u8] = b"coffer/v1/device";
/// Random bytes of a device cookie.
pub const DEVICE_NONCE_LEN: usize = 16;

pub use super::account_kdf::normalize_email;

/// `auth_verifier = HMAC-SHA256(server_secret, "coffer/v1/account/verifier" || auth_proof)`:
/// what the server stores instead of the proof.
pub fn auth_verifier(server_secret: &Key32, auth_proof: &Key32) -> [u8; 32] {
    hmac(server_secret, &[VERIFIER_LABEL, auth_proof.expose()])
}

/// Whether a presented proof matches a stored verifier, compared in constant time.
pub fn verify_auth_proof(server_secret: &Key32, auth_proof: &Key32, stored: &[u8; 32]) -> bool {
    auth_verifier(server_secret, auth_proof).ct_eq(stored).into()
}

/// The pre-login answer for an address without an account, shaped like a new account's: version
/// 2, the default parameters and
/// `HMAC-SHA256(server_secret, "coffer/v1/prelogin" || normalize(email))[0..16]`.
pub fn fake_prelogin(server_secret: &Key32, email: &str) -> AccountKdf {
    let mac = hmac(server_secret, &[PRELOGIN_LABEL, normalize_email(email).as_bytes()]);
    let mut salt = [0u8; SALT_LEN];
    salt.copy_from_slice(&mac[..SALT_LEN]);
    AccountKdf { version: KdfVersion::CURRENT, params: KdfParams::DEFAULT, kdf_salt: salt }
}

/// `code_mac`: what the server stores instead of a one-time code. `purpose` names what the code
/// is for (e.g. `signup:alice@example.org`), so a code for one purpose never passes for another;
/// the key keeps a leaked database from being searched for 8-digit codes offline.
pub fn code_mac(server_secret: &Key32, purpose: &str, code: &str) -> [u8; 32] {
    hmac(server_secret, &[CODE_LABEL, purpose.as_bytes(), &[0], code.as_bytes()])
}

/// `token_hash = SHA-256(token)`: the only form in which the server keeps a bearer token.
/// Tokens are 256 random bits, so an unkeyed hash is enough.
pub fn token_hash(token: &[u8]) -> [u8; 32] {
    Sha256::digest(token).into()
}

/// `csrf_token`: bound to one session, recomputed on every request, never stored.
pub fn csrf_token(server_secret: &Key32, session_hash: &[u8; 32]) -> [u8; 32] {
    hmac(server_secret, &[CSRF_LABEL, session_hash])
}

/// `address_key = HMAC-SHA256(server_secret, "coffer/v1/address" || normalize(email))`: names
/// the wrong-passphrase counters of an address whether or not it has an account, so unknown
/// addresses are counted exactly like known ones without storing the address.
pub fn address_key(server_secret: &Key32, email: &str) -> [u8; 32] {
    hmac(server_secret, &[ADDRESS_LABEL, normalize_email(email).as_bytes()])
}

/// What a device cookie is bound to: the address, the account at it, and the account's device
/// epoch (raised to retire every device cookie made before).
#[derive(Debug, Clone, Copy)]
pub struct DeviceBinding<'a> {
    /// `address_key` of the account's address.
    pub address_key: &'a [u8; 32],
    /// The account's id (its text form).
    pub account_id: &'a str,
    /// The account's device epoch.
    pub epoch: u64,
}

/// `device_tag = HMAC-SHA256(server_secret, "coffer/v1/device" || address_key ||
/// u8(len(account_id)) || account_id || u64be(device_epoch) || nonce)`: the tag of a device
/// cookie, which a browser receives when it signs in to the account.
pub fn device_tag(
    server_secret: &Key32,
    binding: DeviceBinding<'_>,
    nonce: &[u8; DEVICE_NONCE_LEN],
) -> [u8; 32] {
    let id = binding.account_id.as_bytes();
    let id_len = [u8::try_from(id.len()).unwrap_or(u8::MAX)];
    let epoch = binding.epoch.to_be_bytes();
    hmac(server_secret, &[DEVICE_LABEL, binding.address_key, &id_len, id, &epoch, nonce])
}

/// Whether `tag` is the device tag of `nonce` for `binding`, compared in constant time.
pub fn verify_device_tag(
    server_secret: &Key32,
    binding: DeviceBinding<'_>,
    nonce: &[u8; DEVICE_NONCE_LEN],
    tag: &[u8; 32],
) -> bool {
    device_tag(server_secret, binding, nonce).ct_eq(tag).into()
}

fn hmac(key: &Key32, parts: &[&[u8]]) -> [u8; 32] {
    #[allow(clippy::expect_used)]
    let mut mac = Hmac::<Sha256>::new_from_slice(key.expose()).expect("HMAC takes keys of any length");
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fake_answers_are_deterministic_per_normalized_address() {
        let secret = Key32::from_bytes([3; 32]);
        let fake = fake_prelogin(&secret, "alice@example.org");
        assert_eq!(fake.params, KdfParams::DEFAULT);
        assert_eq!(fake.version, KdfVersion::V2);
        assert_eq!(fake, fake_prelogin(&secret, "  Alice@Example.ORG "));
        assert_ne!(fake, fake_prelogin(&secret, "bob@example.org"));
        assert_ne!(fake, fake_prelogin(&Key32::from_bytes([4; 32]), "alice@example.org"));
    }

    #[test]
    fn codes_and_csrf_tokens_are_bound_to_their_purpose_and_session() {
        let secret = Key32::from_bytes([3; 32]);
        let mac = code_mac(&secret, "signup:a@b.c", "12345678");
        assert_eq!(mac, code_mac(&secret, "signup:a@b.c", "12345678"));
        assert_ne!(mac, code_mac(&secret, "signin:a@b.c", "12345678"));
        assert_ne!(mac, code_mac(&secret, "signup:a@b.c", "12345679"));
        assert_ne!(mac, code_mac(&Key32::from_bytes([4; 32]), "signup:a@b.c", "12345678"));
        assert_ne!(csrf_token(&secret, &[1; 32]), csrf_token(&secret, &[2; 32]));
        assert_eq!(token_hash(b"abc")[..4], [0xba, 0x78, 0x16, 0xbf]);
    }

    #[test]
    fn address_keys_and_device_tags_are_bound_to_the_address_and_the_secret() {
        let secret = Key32::from_bytes([3; 32]);
        let alice = address_key(&secret, "alice@example.org");
        assert_eq!(alice, address_key(&secret, " Alice@Example.ORG"));
        assert_ne!(alice, address_key(&secret, "bob@example.org"));
        assert_ne!(alice, address_key(&Key32::from_bytes([4; 32]), "alice@example.org"));
        let binding = DeviceBinding { address_key: &alice, account_id: "a", epoch: 0 };
        let tag = device_tag(&secret, binding, &[7; 16]);
        assert!(verify_device_tag(&secret, binding, &[7; 16], &tag));
        assert!(!verify_device_tag(&secret, binding, &[8; 16], &tag));
        let bob = address_key(&secret, "bob@example.org");
        assert!(!verify_device_tag(&secret, DeviceBinding { address_key: &bob, ..binding }, &[7; 16], &tag));
        assert!(!verify_device_tag(&secret, DeviceBinding { account_id: "b", ..binding }, &[7; 16], &tag));
        assert!(!verify_device_tag(&secret, DeviceBinding { epoch: 1, ..binding }, &[7; 16], &tag));
    }

    #[test]
    fn a_verifier_accepts_only_its_proof_and_secret() {
        let secret = Key32::from_bytes([3; 32]);
        let proof = Key32::from_bytes([9; 32]);
        let stored = auth_verifier(&secret, &proof);
        assert_ne!(&stored, proof.expose());
        assert!(verify_auth_proof(&secret, &proof, &stored));
        assert!(!verify_auth_proof(&secret, &Key32::from_bytes([8; 32]), &stored));
        assert!(!verify_auth_proof(&Key32::from_bytes([4; 32]), &proof, &stored));
    }
}
