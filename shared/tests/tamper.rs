//! Tampering, wrong keys and malformed envelopes: every one must fail, and decryption failures
//! must all be the same coarse error. Runs natively and inside Chromium. Signed envelopes are
//! tampered with in `signatures.rs`.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod common;

use coffer_shared::b64;
use coffer_shared::crypto::envelope::{Envelope, FormatError};
use coffer_shared::crypto::kdf::{KdfParams, KdfParamsError, password_key};
use coffer_shared::crypto::share::{ShareKeys, SharePayload, seal_share, status_token};
use coffer_shared::crypto::{Key32, OpenError};
use coffer_shared::id::ShareId;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

fn open(keys: &ShareKeys, id: &ShareId, bytes: &[u8]) -> Result<SharePayload, ()> {
    let envelope = Envelope::parse(bytes).map_err(|_| ())?;
    keys.open(id, &envelope).map_err(|_| ())
}

#[test]
fn flipping_any_bit_of_header_ciphertext_or_tag_fails() {
    for vector in common::vectors().iter().filter(|v| v.name != "password at the defaults") {
        let inputs = vector.inputs();
        let keys = ShareKeys::derive(&inputs.share_key, &inputs.id, inputs.password_key.as_ref());
        let bytes = b64::decode(&vector.envelope).unwrap();
        assert!(open(&keys, &inputs.id, &bytes).is_ok());
        for bit in 0..bytes.len() * 8 {
            let mut tampered = bytes.clone();
            tampered[bit / 8] ^= 1 << (bit % 8);
            assert!(
                open(&keys, &inputs.id, &tampered).is_err(),
                "{}: bit {bit} flipped still opens",
                vector.name
            );
        }
    }
}

#[test]
fn truncating_or_extending_fails() {
    let vector = &common::vectors()[0];
    let inputs = vector.inputs();
    let keys = ShareKeys::derive(&inputs.share_key, &inputs.id, None);
    let bytes = b64::decode(&vector.envelope).unwrap();
    for len in 0..bytes.len() {
        assert!(open(&keys, &inputs.id, &bytes[..len]).is_err(), "truncated to {len}");
    }
    let mut longer = bytes.clone();
    longer.push(0);
    assert!(open(&keys, &inputs.id, &longer).is_err());
}

#[test]
fn an_envelope_moved_to_another_id_does_not_open() {
    let vector = &common::vectors()[0];
    let inputs = vector.inputs();
    let other: ShareId = b64::encode([9u8; 16]).parse().unwrap();
    // Even with keys derived for the other id, the additional data no longer matches.
    let keys = ShareKeys::derive(&inputs.share_key, &other, None);
    let envelope = Envelope::parse(&b64::decode(&vector.envelope).unwrap()).unwrap();
    assert_eq!(keys.open(&other, &envelope).unwrap_err(), OpenError);
}

#[test]
fn a_wrong_share_key_or_password_gives_the_same_coarse_error() {
    let id = ShareId::random();
    let key = Key32::random();
    let payload = SharePayload { text: "secret".into(), blur: false, files: Vec::new() };
    let sealed = seal_share(&key, &id, &payload, Some(("right", KdfParams::FLOOR)));
    let envelope = Envelope::parse(&sealed.envelope).unwrap();
    let salt = envelope.header.password.unwrap().salt;

    let wrong_password = password_key("wrong", &salt, KdfParams::FLOOR);
    let keys = ShareKeys::derive(&key, &id, Some(&wrong_password));
    assert_ne!(keys.access_token, sealed.access_token);
    assert_eq!(keys.open(&id, &envelope).unwrap_err(), OpenError);

    let right_password = password_key("right", &salt, KdfParams::FLOOR);
    let keys = ShareKeys::derive(&Key32::random(), &id, Some(&right_password));
    assert_eq!(keys.open(&id, &envelope).unwrap_err(), OpenError);

    let keys = ShareKeys::derive(&key, &id, Some(&right_password));
    assert_eq!(keys.access_token, sealed.access_token);
    assert_eq!(keys.open(&id, &envelope).unwrap().text, "secret");
    assert_eq!(sealed.status_token, status_token(&key, &id));
}

#[test]
fn unknown_versions_kinds_flags_and_magic_are_clear_errors() {
    let bytes = b64::decode(&common::vectors()[0].envelope).unwrap();
    let with = |index: usize, value: u8| {
        let mut changed = bytes.clone();
        changed[index] = value;
        Envelope::parse(&changed).unwrap_err()
    };
    assert_eq!(with(0, b'X'), FormatError::BadMagic);
    assert_eq!(with(4, 2), FormatError::UnsupportedVersion(2));
    assert_eq!(with(4, 0), FormatError::UnsupportedVersion(0));
    assert_eq!(with(5, 8), FormatError::UnknownKind(8));
    assert_eq!(with(6, 0b100), FormatError::ReservedFlags);
    assert_eq!(FormatError::UnsupportedVersion(2).to_string(), "unsupported envelope version 2");
}

#[test]
fn parameters_below_the_floor_are_refused_when_parsing() {
    let vector = common::vectors().into_iter().find(|v| v.kdf == Some((19456, 2, 1))).unwrap();
    let mut bytes = b64::decode(&vector.envelope).unwrap();
    // m is the big-endian u32 right after the 7 fixed bytes: lower it to 8 MiB.
    bytes[7..11].copy_from_slice(&8192u32.to_be_bytes());
    assert!(matches!(Envelope::parse(&bytes), Err(FormatError::Kdf(KdfParamsError::TooWeak { .. }))));
    bytes[7..11].copy_from_slice(&(1u32 << 21).to_be_bytes());
    assert_eq!(Envelope::parse(&bytes), Err(FormatError::Kdf(KdfParamsError::TooCostly)));
}

#[test]
fn short_secrets_of_different_lengths_seal_to_the_same_size() {
    let id = ShareId::random();
    let key = Key32::random();
    let size = |text: &str| {
        let payload = SharePayload { text: text.into(), blur: false, files: Vec::new() };
        seal_share(&key, &id, &payload, None).envelope.len()
    };
    assert_eq!(size("123456"), size("a much longer password of forty characters"));
    assert_eq!(size(""), 19 + 256 + 16);
    assert!(size(&"x".repeat(300)) > size("x"));
}
