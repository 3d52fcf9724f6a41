//! Writes `tests/vectors/envelope-v1.json` from fixed inputs when `COFFER_WRITE_VECTORS=1`.
//! Without it, checks that the committed file still has exactly those inputs, so the vectors
//! cannot silently drift. Native only.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test
#![cfg(not(target_arch = "wasm32"))]

mod common;

use coffer_shared::b64;
use common::{Vector, VectorFile};

fn input(
    name: &str,
    id_byte: u8,
    password: Option<&str>,
    kdf: Option<(u32, u32, u8)>,
    text: &str,
    blur: bool,
) -> Vector {
    Vector {
        name: name.into(),
        id: b64::encode([id_byte; 16]),
        share_key: b64::encode(std::array::from_fn::<u8, 32, _>(|i| i as u8 + id_byte)),
        password: password.map(Into::into),
        kdf,
        salt: kdf.map(|_| b64::encode([0x5a; 16])),
        nonce: b64::encode([id_byte ^ 0xff; 12]),
        text: text.into(),
        blur,
        envelope: String::new(),
        access_token: String::new(),
        status_token: String::new(),
    }
}

fn fixed_inputs() -> Vec<Vector> {
    vec![
        input("no password", 1, None, None, "hunter2", false),
        input("empty text, blurred", 2, None, None, "", true),
        input("unicode text", 3, None, None, "pässwörd ✓ 🔑\nline two", false),
        input(
            "password at the floor",
            4,
            Some("correct horse battery staple"),
            Some((19456, 2, 1)),
            "with a password",
            false,
        ),
        input("password at the defaults", 5, Some("ünïcödé pass"), Some((65536, 3, 4)), "defaults", true),
    ]
}

#[test]
fn committed_vectors_match_their_fixed_inputs() {
    let mut vectors = fixed_inputs();
    for vector in &mut vectors {
        let sealed = vector.seal();
        vector.envelope = b64::encode(&sealed.envelope);
        vector.access_token = sealed.access_token.to_b64();
        vector.status_token = sealed.status_token.to_b64();
    }
    let file = VectorFile {
        comment: "Coffer envelope v1 vectors: see docs/envelope.md. All byte strings are base64url without padding; kdf is [m_kib, t, p].".into(),
        vectors,
    };
    let json = serde_json::to_string_pretty(&file).unwrap() + "\n";
    if std::env::var("COFFER_WRITE_VECTORS").as_deref() == Ok("1") {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/envelope-v1.json");
        std::fs::write(path, &json).unwrap();
    } else {
        assert_eq!(
            common::VECTORS_JSON,
            json,
            "run with COFFER_WRITE_VECTORS=1 to regenerate, then review the diff"
        );
    }
}
