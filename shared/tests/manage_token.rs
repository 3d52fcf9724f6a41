//! The management token (docs/envelope.md, "Keys for a share"): the browser sends
//! `SHA-256("coffer/v1/manage-token" || m)`, never the secret `m` of the link's fragment. The
//! committed vectors were computed with Python's hashlib, apart from this crate. This binary runs
//! natively and, under wasm-bindgen-test, inside Chromium.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use coffer_shared::b64;
use coffer_shared::crypto::Key32;
use coffer_shared::crypto::share::{ShareKeys, manage_token, status_token};
use coffer_shared::id::ShareId;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

/// `(b64u(m), b64u(manage_token))`, from
/// `hashlib.sha256(b"coffer/v1/manage-token" + m).digest()`.
const VECTORS: [(&str, &str); 3] = [
    ("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "HTQRNAY25Ro9Y7UKX-1-liiIV6Cm8hJQ1RH0FFFY1jo"),
    ("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8", "6jRBcN5FvuCiCFW5inuhCcu3LlJwPrr5iTHD3RAw95s"),
    ("__________________________________________8", "u0T2eRBRkN--c1kfts39uVmNr7ASfom4DxKMnooCytk"),
];

#[test]
fn the_manage_token_is_the_labelled_hash_of_the_committed_vectors() {
    for (secret, token) in VECTORS {
        assert_eq!(manage_token(&Key32::from_b64(secret).unwrap()).to_b64(), token, "{secret}");
    }
}

#[test]
fn a_share_key_in_a_manage_fragment_yields_no_token_the_share_knows() {
    let id = ShareId::random();
    for _ in 0..32 {
        let share_key = Key32::random();
        let sent = manage_token(&share_key);
        let keys = ShareKeys::derive(&share_key, &id, None);
        assert_ne!(sent, share_key);
        assert_ne!(sent, keys.access_token);
        assert_ne!(sent, status_token(&share_key, &id));
        // Nothing of the fragment's text shows in what is sent, not even a part of it.
        let (fragment, sent) = (share_key.to_b64(), sent.to_b64());
        assert!(!sent.contains(&fragment[..8]) && !fragment.contains(&sent[..8]));
        assert_eq!(b64::decode(&sent).unwrap().len(), 32);
    }
}
