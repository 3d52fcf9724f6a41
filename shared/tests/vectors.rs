//! The committed test vectors (`tests/vectors/envelope-v1.json`), checked byte for byte.
//! This binary runs natively and, under wasm-bindgen-test, inside Chromium.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod common;

use coffer_shared::b64;
use coffer_shared::crypto::envelope::Envelope;
use coffer_shared::crypto::share::ShareKeys;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

#[test]
fn sealing_the_inputs_gives_the_committed_bytes() {
    let vectors = common::vectors();
    assert!(vectors.len() >= 3);
    for vector in vectors {
        let sealed = vector.seal();
        assert_eq!(b64::encode(&sealed.envelope), vector.envelope, "{}", vector.name);
        assert_eq!(sealed.access_token.to_b64(), vector.access_token, "{}", vector.name);
        assert_eq!(sealed.status_token.to_b64(), vector.status_token, "{}", vector.name);
    }
}

#[test]
fn the_committed_envelopes_parse_canonically_and_open() {
    for vector in common::vectors() {
        let bytes = b64::decode(&vector.envelope).unwrap();
        let envelope = Envelope::parse(&bytes).unwrap();
        assert_eq!(envelope.to_bytes(), bytes, "{}", vector.name);
        let inputs = vector.inputs();
        let keys = ShareKeys::derive(&inputs.share_key, &inputs.id, inputs.password_key.as_ref());
        assert_eq!(keys.access_token.to_b64(), vector.access_token);
        let payload = keys.open(&inputs.id, &envelope).unwrap();
        assert_eq!(payload.text, vector.text, "{}", vector.name);
        assert_eq!(payload.blur, vector.blur, "{}", vector.name);
    }
}
