//! Signed shares (docs/envelope.md, "Signatures"): the committed vectors
//! (`tests/vectors/signature-v1.json`) byte for byte, and every kind of tampering a reader must
//! refuse. This binary runs natively and, under wasm-bindgen-test, inside Chromium.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod common;

use coffer_shared::b64;
use coffer_shared::crypto::envelope::{Envelope, Header, Kind, Trailer};
use coffer_shared::crypto::identity::{IdentityKey, fingerprint_text};
use coffer_shared::crypto::share::{
    OpenedShare, ShareKeys, ShareOpenError, SharePayload, seal_to_sign, seal_with_header, sign_sealed,
};
use coffer_shared::crypto::signature::{self, SignError, SignatureError, SignedFile, signed_message};
use coffer_shared::crypto::{Key32, OpenError};
use coffer_shared::id::ShareId;
use common::signatures::{SignatureVector, signature_vectors};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

/// A vector ready to open: its keys, envelope bytes, files and signer key.
struct Opening {
    vector: SignatureVector,
    id: ShareId,
    keys: ShareKeys,
    bytes: Vec<u8>,
    files: Vec<(String, Vec<u8>)>,
    public_key: [u8; 32],
}

impl Opening {
    fn new(vector: SignatureVector) -> Self {
        let (id, key, password_key) = (vector.share_id(), vector.key(), vector.password_key());
        Self {
            keys: ShareKeys::derive(&key, &id, password_key.as_ref()),
            bytes: b64::decode(&vector.envelope).unwrap(),
            files: vector.metadata(),
            public_key: b64::decode_array(&vector.public_key).unwrap(),
            id,
            vector,
        }
    }

    /// Opens `bytes` with `files` as the claim would list them and `named` as the status would.
    fn open(
        &self,
        bytes: &[u8],
        files: &[(String, Vec<u8>)],
        named: Option<&[u8; 32]>,
    ) -> Result<OpenedShare, Refused> {
        let envelope = Envelope::parse(bytes).map_err(|_| Refused::Parse)?;
        let listed: Vec<SignedFile<'_>> =
            files.iter().map(|(id, metadata)| SignedFile { id, metadata }).collect();
        self.keys.open_share(&self.id, &envelope, &listed, named).map_err(Refused::Open)
    }

    fn open_as_committed(&self) -> Result<OpenedShare, Refused> {
        self.open(&self.bytes, &self.files, Some(&self.public_key))
    }
}

#[derive(Debug, PartialEq)]
enum Refused {
    Parse,
    Open(ShareOpenError),
}

fn openings() -> Vec<Opening> {
    signature_vectors().into_iter().map(Opening::new).collect()
}

#[test]
fn signing_the_inputs_gives_the_committed_bytes() {
    let vectors = signature_vectors();
    assert_eq!(vectors.len(), 3);
    let account_public_key = common::accounts::account_vectors().accounts[0].public_key.clone();
    for vector in vectors {
        assert_eq!(vector.computed(), vector, "{}", vector.name);
        // The same seed as the accounts vectors: the same identity.
        assert_eq!(vector.public_key, account_public_key, "{}", vector.name);
        let public_key = b64::decode_array(&vector.public_key).unwrap();
        assert_eq!(vector.fingerprint, fingerprint_text(&public_key));
    }
}

#[test]
fn the_committed_signed_shares_verify_and_open() {
    for opening in openings() {
        let name = &opening.vector.name;
        let envelope = Envelope::parse(&opening.bytes).unwrap();
        assert_eq!(envelope.to_bytes(), opening.bytes, "{name}");
        assert!(envelope.header.signed, "{name}");
        let trailer = envelope.trailer.clone().unwrap();
        assert_eq!(b64::encode(trailer.signature), opening.vector.signature, "{name}");
        let listed: Vec<SignedFile<'_>> =
            opening.files.iter().map(|(id, metadata)| SignedFile { id, metadata }).collect();
        let message = signed_message(opening.id.as_str(), &envelope, &listed);
        assert_eq!(b64::encode(&message), opening.vector.signed_message, "{name}");
        assert!(message.starts_with(b"coffer/v1/signature\x16"), "{name}");
        assert_eq!(
            message[message.len()
                - opening.files.iter().map(|(_, m)| 1 + 22 + 4 + m.len()).sum::<usize>()
                - 4..][..4],
            (opening.files.len() as u32).to_be_bytes(),
            "{name}: u32be(n) precedes the files"
        );

        let opened = opening.open_as_committed().unwrap();
        assert_eq!(opened.signer, Some(opening.public_key), "{name}");
        assert_eq!(opened.payload.text, opening.vector.text, "{name}");
        let ids: Vec<String> = opening.files.iter().map(|(id, _)| id.clone()).collect();
        assert_eq!(opened.payload.files, ids, "{name}");
        // No signer named (an account the server no longer names): still verified.
        let unnamed = opening.open(&opening.bytes, &opening.files, None).unwrap();
        assert_eq!(unnamed.signer, Some(opening.public_key), "{name}");
    }
}

#[test]
fn flipping_any_bit_of_a_signed_envelope_is_refused() {
    for opening in openings() {
        let header_len = Header::parse(&opening.bytes).unwrap().1;
        for bit in 0..opening.bytes.len() * 8 {
            let mut tampered = opening.bytes.clone();
            tampered[bit / 8] ^= 1 << (bit % 8);
            let result = opening.open(&tampered, &opening.files, Some(&opening.public_key));
            let name = &opening.vector.name;
            assert!(result.is_err(), "{name}: bit {bit} flipped still opens");
            // Past the header every byte is covered by the signature or is the key: the
            // signature check refuses before any decryption.
            if bit / 8 >= header_len {
                assert!(
                    matches!(result, Err(Refused::Open(ShareOpenError::Signature(_)))),
                    "{name}: bit {bit}: {result:?}"
                );
            }
        }
    }
}

#[test]
fn flipping_any_byte_of_a_file_metadata_is_refused() {
    for opening in openings().into_iter().filter(|o| !o.files.is_empty()) {
        for file in 0..opening.files.len() {
            for byte in 0..opening.files[file].1.len() {
                let mut files = opening.files.clone();
                files[file].1[byte] ^= 0x01;
                let result = opening.open(&opening.bytes, &files, Some(&opening.public_key));
                assert_eq!(
                    result.unwrap_err(),
                    Refused::Open(ShareOpenError::Signature(SignatureError::Invalid)),
                    "{}: file {file} byte {byte}",
                    opening.vector.name
                );
            }
        }
    }
}

#[test]
fn reordered_dropped_added_or_swapped_files_are_refused() {
    let opening = openings().into_iter().find(|o| o.files.len() == 2).unwrap();
    let invalid = Err(Refused::Open(ShareOpenError::Signature(SignatureError::Invalid)));
    let with =
        |files: Vec<(String, Vec<u8>)>| opening.open(&opening.bytes, &files, Some(&opening.public_key));
    let (first, second) = (opening.files[0].clone(), opening.files[1].clone());
    assert_eq!(with(vec![second.clone(), first.clone()]), invalid);
    assert_eq!(with(vec![first.clone()]), invalid);
    assert_eq!(with(vec![second.clone()]), invalid);
    assert_eq!(with(Vec::new()), invalid);
    assert_eq!(with(vec![first.clone(), second.clone(), second.clone()]), invalid);
    // One file's metadata under the other's id, or the ids exchanged.
    assert_eq!(with(vec![first.clone(), (second.0.clone(), first.1.clone())]), invalid);
    assert_eq!(with(vec![(second.0.clone(), first.1.clone()), (first.0.clone(), second.1.clone())]), invalid);
    assert!(with(vec![first, second]).is_ok());
}

#[test]
fn a_swapped_trailer_key_is_refused_even_with_a_valid_signature_by_it() {
    let mallory = IdentityKey::from_seed(&Key32::from_bytes([0x42; 32]));
    for opening in openings() {
        let mut envelope = Envelope::parse(&opening.bytes).unwrap();
        let listed: Vec<SignedFile<'_>> =
            opening.files.iter().map(|(id, metadata)| SignedFile { id, metadata }).collect();
        // The server puts its own key in the trailer and signs the same bytes with it.
        envelope.trailer.as_mut().unwrap().public_key = mallory.public_key();
        signature::sign(&mallory, opening.id.as_str(), &mut envelope, &listed).unwrap();
        let resigned = envelope.to_bytes();
        let name = &opening.vector.name;
        assert_eq!(
            opening.open(&resigned, &opening.files, Some(&opening.public_key)).unwrap_err(),
            Refused::Open(ShareOpenError::Signature(SignatureError::KeyMismatch)),
            "{name}"
        );
        // Even naming the new key, or none, the key is bound into the additional data: only
        // someone holding K could have sealed for it.
        for named in [Some(&mallory.public_key()), None] {
            assert_eq!(
                opening.open(&resigned, &opening.files, named).unwrap_err(),
                Refused::Open(ShareOpenError::Open(OpenError)),
                "{name}"
            );
        }
        // Another valid key with the original signature fails the signature itself.
        let mut swapped = Envelope::parse(&opening.bytes).unwrap();
        swapped.trailer.as_mut().unwrap().public_key = mallory.public_key();
        assert_eq!(
            opening.open(&swapped.to_bytes(), &opening.files, None).unwrap_err(),
            Refused::Open(ShareOpenError::Signature(SignatureError::Invalid)),
            "{name}"
        );
    }
}

#[test]
fn a_stripped_signature_or_an_unsigned_share_with_a_named_signer_is_refused() {
    for opening in openings() {
        let mut stripped = Envelope::parse(&opening.bytes).unwrap();
        stripped.header.signed = false;
        stripped.trailer = None;
        let stripped = stripped.to_bytes();
        let name = &opening.vector.name;
        assert_eq!(
            opening.open(&stripped, &opening.files, Some(&opening.public_key)).unwrap_err(),
            Refused::Open(ShareOpenError::Signature(SignatureError::Missing)),
            "{name}"
        );
        // With no signer named, the flag in the additional data still catches it.
        assert_eq!(
            opening.open(&stripped, &opening.files, None).unwrap_err(),
            Refused::Open(ShareOpenError::Open(OpenError)),
            "{name}"
        );
    }
    // A genuinely unsigned share opens as "not signed", unless the server names a signer.
    let (id, key) = (ShareId::random(), Key32::random());
    let payload = SharePayload { text: "anonymous".into(), blur: false, files: Vec::new() };
    let sealed = seal_with_header(&key, &id, &payload, Header::new(Kind::ShareText, None), None);
    let envelope = Envelope::parse(&sealed.envelope).unwrap();
    let keys = ShareKeys::derive(&key, &id, None);
    let opened = keys.open_share(&id, &envelope, &[], None).unwrap();
    assert_eq!((opened.payload.text.as_str(), opened.signer), ("anonymous", None));
    assert_eq!(
        keys.open_share(&id, &envelope, &[], Some(&[7; 32])).unwrap_err(),
        ShareOpenError::Signature(SignatureError::Missing)
    );
}

#[test]
fn weak_or_malformed_keys_and_signatures_are_refused() {
    let opening = openings().remove(0);
    let envelope = Envelope::parse(&opening.bytes).unwrap();
    let with_trailer = |trailer: Trailer| {
        let mut changed = envelope.clone();
        changed.trailer = Some(trailer);
        opening.open(&changed.to_bytes(), &opening.files, None).unwrap_err()
    };
    let signature = envelope.trailer.as_ref().unwrap().signature;
    let invalid = Refused::Open(ShareOpenError::Signature(SignatureError::Invalid));
    // The identity point (small order) and a non-point.
    let mut identity_point = [0u8; 32];
    identity_point[0] = 1;
    assert_eq!(with_trailer(Trailer { public_key: identity_point, signature }), invalid);
    assert_eq!(with_trailer(Trailer { public_key: [0xff; 32], signature }), invalid);
    // S pushed past the group order (S + L): the same signature, non-canonical.
    let mut malleable = signature;
    add_group_order(&mut malleable[32..]);
    assert_eq!(with_trailer(Trailer { public_key: opening.public_key, signature: malleable }), invalid);
    // The placeholder an unsigned draft carries verifies for nobody.
    assert_eq!(with_trailer(Trailer { public_key: opening.public_key, signature: [0; 64] }), invalid);
}

/// Adds L = 2^252 + 27742317777372353535851937790883648493 to a little-endian scalar.
fn add_group_order(scalar: &mut [u8]) {
    const L: [u8; 32] = [
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
    ];
    let mut carry = 0u16;
    for (byte, l) in scalar.iter_mut().zip(L) {
        let sum = u16::from(*byte) + u16::from(l) + carry;
        *byte = sum as u8;
        carry = sum >> 8;
    }
}

#[test]
fn only_the_key_an_envelope_was_sealed_for_can_sign_it() {
    let (id, key) = (ShareId::random(), Key32::random());
    let alice = IdentityKey::from_seed(&Key32::from_bytes([1; 32]));
    let bob = IdentityKey::from_seed(&Key32::from_bytes([2; 32]));
    let payload = SharePayload { text: "from alice".into(), blur: false, files: Vec::new() };
    let header = || Header::new(Kind::ShareText, None);
    let sealed = seal_to_sign(&key, &id, &payload, header(), None, alice.public_key());
    assert_eq!(sign_sealed(&bob, &id, &sealed.envelope, &[]), Err(SignError::NotSealedForKey));
    let unsigned = seal_with_header(&key, &id, &payload, header(), None);
    assert_eq!(sign_sealed(&alice, &id, &unsigned.envelope, &[]), Err(SignError::NotSealedForKey));

    let signed = sign_sealed(&alice, &id, &sealed.envelope, &[]).unwrap();
    let keys = ShareKeys::derive(&key, &id, None);
    let envelope = Envelope::parse(&signed).unwrap();
    assert_eq!(keys.open_share(&id, &envelope, &[], None).unwrap().signer, Some(alice.public_key()));
    // The coarse opener checks the signature too, and refuses the unsigned placeholder.
    assert_eq!(keys.open(&id, &envelope).unwrap().text, "from alice");
    assert_eq!(keys.open(&id, &Envelope::parse(&sealed.envelope).unwrap()), Err(OpenError));
    // Signed for another share id, the signature does not verify here.
    let other = ShareId::random();
    assert_eq!(signature::verify(other.as_str(), &envelope, &[], None), Err(SignatureError::Invalid));
}

#[test]
fn a_file_share_opened_without_its_files_is_refused() {
    let opening = openings().into_iter().find(|o| !o.files.is_empty()).unwrap();
    let envelope = Envelope::parse(&opening.bytes).unwrap();
    assert_eq!(opening.keys.open(&opening.id, &envelope), Err(OpenError));
}
