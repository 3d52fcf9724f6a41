//! The committed account vectors (`tests/vectors/accounts-v1.json` and the version-2 KDF's
//! `accounts-v2.json`), checked byte for byte, and an account's key life cycle. This binary runs natively and, under wasm-bindgen-test, inside
//! Chromium.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod common;

use coffer_shared::b64;
use coffer_shared::crypto::Key32;
use coffer_shared::crypto::account::{AccountKeys, AccountSecrets, WrappedKeys};
use coffer_shared::crypto::account_kdf::KdfVersion;
use coffer_shared::crypto::backup::open_backup;
use coffer_shared::crypto::envelope::{Envelope, PasswordParams};
use coffer_shared::crypto::kdf::{KdfParams, password_key};
use coffer_shared::crypto::server::{fake_prelogin, verify_auth_proof};
use coffer_shared::crypto::vault::{VaultRecord, open_record, seal_record};
use coffer_shared::id::{AccountId, RecordId};
use common::account_kdf::kdf_vectors;
use common::accounts::{AccountVector, account_vectors, key};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

fn wrapped(vector: &AccountVector) -> WrappedKeys {
    WrappedKeys {
        vault_key: b64::decode(&vector.wrapped_vault_key).unwrap(),
        identity_key: b64::decode(&vector.wrapped_identity_key).unwrap(),
    }
}

fn parses_canonically(text: &str) -> Envelope {
    let bytes = b64::decode(text).unwrap();
    let envelope = Envelope::parse(&bytes).unwrap();
    assert_eq!(envelope.to_bytes(), bytes);
    envelope
}

#[test]
fn computing_the_inputs_gives_the_committed_outputs() {
    let file = account_vectors();
    assert!(file.accounts.len() >= 2 && file.records.len() >= 4 && file.backups.len() >= 2);
    let computed = file.computed();
    for (expected, got) in file.accounts.iter().zip(&computed.accounts) {
        assert_eq!(got, expected, "{}", expected.name);
    }
    for (expected, got) in file.records.iter().zip(&computed.records) {
        assert_eq!(got, expected, "{}", expected.name);
    }
    for (expected, got) in file.backups.iter().zip(&computed.backups) {
        assert_eq!(got, expected, "{}", expected.name);
    }
    assert_eq!(computed.server, file.server);
}

#[test]
fn the_committed_wrapped_keys_parse_canonically_and_unwrap() {
    for vector in account_vectors().accounts {
        parses_canonically(&vector.wrapped_vault_key);
        parses_canonically(&vector.wrapped_identity_key);
        let keys = AccountKeys::derive(&key(&vector.master_key));
        assert_eq!(keys.auth_proof().to_b64(), vector.auth_proof);
        let public_key = b64::decode_array(&vector.public_key).unwrap();
        let secrets = AccountSecrets::unwrap(&vector.id(), &keys, &wrapped(&vector), &public_key).unwrap();
        assert_eq!(secrets.vault_key.to_b64(), vector.vault_key, "{}", vector.name);
        assert_eq!(secrets.identity.seed().to_b64(), vector.identity_seed, "{}", vector.name);
    }
}

#[test]
fn the_committed_records_and_backups_open() {
    let file = account_vectors();
    for vector in &file.records {
        let envelope = parses_canonically(&vector.envelope);
        let record = open_record(&key(&vector.vault_key), &vector.id(), &envelope).unwrap();
        assert_eq!(record, vector.record, "{}", vector.name);
    }
    for vector in &file.backups {
        let envelope = parses_canonically(&vector.envelope);
        assert_eq!(envelope.header.password, Some(vector.params()), "{}", vector.name);
        let backup = open_backup(&key(&vector.password_key), &envelope).unwrap();
        assert_eq!(backup, vector.backup(), "{}", vector.name);
    }
}

#[test]
fn the_server_accepts_the_proof_and_fakes_the_same_salt_for_both_spellings() {
    let server = account_vectors().server;
    for vector in &server {
        let stored = b64::decode_array(&vector.auth_verifier).unwrap();
        assert!(verify_auth_proof(&key(&vector.server_secret), &key(&vector.auth_proof), &stored));
        let fake = fake_prelogin(&key(&vector.server_secret), &vector.email);
        assert_eq!((fake.version, fake.params), (KdfVersion::V2, KdfParams::DEFAULT));
        assert_eq!(b64::encode(fake.kdf_salt), vector.prelogin_salt);
    }
    assert_eq!(server[0].prelogin_salt, server[1].prelogin_salt);
}

#[test]
fn computing_the_kdf_inputs_gives_the_committed_version_2_outputs() {
    let file = kdf_vectors();
    assert!(file.vectors.len() >= 5);
    for (expected, got) in file.vectors.iter().zip(&file.computed().vectors) {
        assert_eq!(got, expected, "{}", expected.name);
    }
}

#[test]
fn one_kdf_salt_gives_every_address_its_own_key_in_version_2_only() {
    let vectors = kdf_vectors().vectors;
    let by_name = |name: &str| vectors.iter().find(|v| v.name == name).unwrap();
    let alice = by_name("version 2 at the floor");
    let bob = by_name("the same kdf_salt for another address");
    let spelled = by_name("an address to normalize");
    let v1 = by_name("version 1: the kdf_salt as it is");
    assert_eq!((alice.kdf_salt.as_str(), alice.kdf), (bob.kdf_salt.as_str(), bob.kdf));
    assert_ne!(alice.argon2_salt, bob.argon2_salt);
    assert_ne!(alice.auth_proof, bob.auth_proof);
    assert_eq!((&spelled.argon2_salt, &spelled.master_key), (&alice.argon2_salt, &alice.master_key));
    assert_eq!(spelled.memory_id, alice.memory_id);
    assert_eq!(b64::decode(&alice.argon2_salt).unwrap().len(), 32);
    // Version 1 is the derivation of accounts-v1.json, where the address plays no part.
    assert_eq!(v1.argon2_salt, v1.kdf_salt);
    let account = &account_vectors().accounts[0];
    assert_eq!((v1.kdf, &v1.kdf_salt, &v1.passphrase), (account.kdf, &account.kdf_salt, &account.passphrase));
    assert_eq!(v1.master_key, account.master_key);
    assert_ne!(alice.master_key, account.master_key);
}

#[test]
fn a_passphrase_change_rewraps_the_same_keys_and_leaves_records_alone() {
    let id = AccountId::random();
    let old_params = PasswordParams::fresh(KdfParams::FLOOR);
    let old_keys = AccountKeys::derive(&password_key("old passphrase", &old_params.salt, old_params.kdf));
    let secrets = AccountSecrets::generate();
    let old_wrapped = secrets.wrap(&id, &old_keys);
    let record_id = RecordId::random();
    let mut record = VaultRecord::default();
    record.name = "kept".into();
    let sealed = Envelope::parse(&seal_record(&secrets.vault_key, &record_id, &record)).unwrap();

    let new_params = PasswordParams::fresh(KdfParams::FLOOR);
    assert_ne!(new_params.salt, old_params.salt);
    let new_keys = AccountKeys::derive(&password_key("new passphrase", &new_params.salt, new_params.kdf));
    let new_wrapped = secrets.wrap(&id, &new_keys);
    assert_ne!(new_keys.auth_proof(), old_keys.auth_proof());
    assert_ne!(new_wrapped, old_wrapped);

    let public_key = secrets.identity.public_key();
    let unlocked = AccountSecrets::unwrap(&id, &new_keys, &new_wrapped, &public_key).unwrap();
    assert_eq!(unlocked.vault_key, secrets.vault_key);
    assert_eq!(open_record(&unlocked.vault_key, &record_id, &sealed).unwrap(), record);
    assert!(AccountSecrets::unwrap(&id, &old_keys, &new_wrapped, &public_key).is_err());
}

#[test]
fn the_re_prompt_recognises_only_the_same_passphrase() {
    let params = PasswordParams::fresh(KdfParams::FLOOR);
    let proof = |passphrase: &str| {
        AccountKeys::derive(&password_key(passphrase, &params.salt, params.kdf)).auth_proof()
    };
    let at_sign_in: Key32 = proof("my passphrase");
    assert_eq!(proof("my passphrase"), at_sign_in);
    assert_ne!(proof("my passphrasE"), at_sign_in);
}
