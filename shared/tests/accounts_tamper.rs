//! Tampering with wrapped keys, records and backups, moving them, and wrong passphrases: every
//! one must fail, and every decryption failure must be the same coarse error. Runs natively and
//! inside Chromium.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod common;

use coffer_shared::b64;
use coffer_shared::crypto::account::{AccountKeys, AccountSecrets, WrappedKeys};
use coffer_shared::crypto::backup::{Backup, open_backup, seal_backup};
use coffer_shared::crypto::envelope::{Envelope, FormatError, PasswordParams};
use coffer_shared::crypto::kdf::{KdfParams, password_key};
use coffer_shared::crypto::vault::{VaultRecord, open_record};
use coffer_shared::crypto::{Key32, OpenError};
use coffer_shared::id::{AccountId, RecordId};
use common::accounts::{AccountVector, RecordVector, account_vectors, key};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

/// Every single-bit change of `bytes`.
fn flips(bytes: &[u8]) -> impl Iterator<Item = (usize, Vec<u8>)> + '_ {
    (0..bytes.len() * 8).map(|bit| {
        let mut tampered = bytes.to_vec();
        tampered[bit / 8] ^= 1 << (bit % 8);
        (bit, tampered)
    })
}

fn account() -> (AccountVector, AccountKeys, WrappedKeys, [u8; 32]) {
    let vector = account_vectors().accounts.remove(0);
    let keys = AccountKeys::derive(&key(&vector.master_key));
    let wrapped = WrappedKeys {
        vault_key: b64::decode(&vector.wrapped_vault_key).unwrap(),
        identity_key: b64::decode(&vector.wrapped_identity_key).unwrap(),
    };
    let public_key = b64::decode_array(&vector.public_key).unwrap();
    (vector, keys, wrapped, public_key)
}

fn open(vault_key: &Key32, id: &RecordId, bytes: &[u8]) -> Result<VaultRecord, OpenError> {
    open_record(vault_key, id, &Envelope::parse(bytes).map_err(|_| OpenError)?)
}

fn records() -> Vec<(RecordVector, Vec<u8>)> {
    let records = account_vectors().records;
    records.into_iter().map(|v| (v.clone(), b64::decode(&v.envelope).unwrap())).collect()
}

#[test]
fn flipping_any_bit_of_either_wrapped_key_fails() {
    let (vector, keys, wrapped, public_key) = account();
    let id = vector.id();
    assert!(AccountSecrets::unwrap(&id, &keys, &wrapped, &public_key).is_ok());
    for (bit, tampered) in flips(&wrapped.vault_key) {
        let changed = WrappedKeys { vault_key: tampered, ..wrapped.clone() };
        let result = AccountSecrets::unwrap(&id, &keys, &changed, &public_key);
        assert_eq!(result.unwrap_err(), OpenError, "vault key bit {bit}");
    }
    for (bit, tampered) in flips(&wrapped.identity_key) {
        let changed = WrappedKeys { identity_key: tampered, ..wrapped.clone() };
        let result = AccountSecrets::unwrap(&id, &keys, &changed, &public_key);
        assert_eq!(result.unwrap_err(), OpenError, "identity key bit {bit}");
    }
}

#[test]
fn wrapped_keys_cannot_be_swapped_moved_or_truncated() {
    let (vector, keys, wrapped, public_key) = account();
    let swapped =
        WrappedKeys { vault_key: wrapped.identity_key.clone(), identity_key: wrapped.vault_key.clone() };
    assert_eq!(AccountSecrets::unwrap(&vector.id(), &keys, &swapped, &public_key).unwrap_err(), OpenError);
    let other = AccountId::from_bytes([0xbd; 16]);
    assert_eq!(AccountSecrets::unwrap(&other, &keys, &wrapped, &public_key).unwrap_err(), OpenError);
    for len in 0..wrapped.vault_key.len() {
        let short = WrappedKeys { vault_key: wrapped.vault_key[..len].to_vec(), ..wrapped.clone() };
        assert_eq!(AccountSecrets::unwrap(&vector.id(), &keys, &short, &public_key).unwrap_err(), OpenError);
    }
}

#[test]
fn a_wrong_passphrase_gives_the_same_coarse_error() {
    let (vector, keys, wrapped, public_key) = account();
    let params = common::accounts::params(vector.kdf, &vector.kdf_salt);
    let wrong = AccountKeys::derive(&password_key("correct horse battery stapler", &params.salt, params.kdf));
    assert_ne!(wrong.auth_proof(), keys.auth_proof());
    assert_eq!(AccountSecrets::unwrap(&vector.id(), &wrong, &wrapped, &public_key).unwrap_err(), OpenError);

    let backup = account_vectors().backups.remove(0);
    let envelope = Envelope::parse(&b64::decode(&backup.envelope).unwrap()).unwrap();
    let params = envelope.header.password.unwrap();
    let wrong = password_key("backup passphrasf", &params.salt, params.kdf);
    assert_eq!(open_backup(&wrong, &envelope).unwrap_err(), OpenError);
}

#[test]
fn flipping_any_bit_of_a_record_or_backup_fails() {
    for (vector, bytes) in records() {
        let vault_key = key(&vector.vault_key);
        assert!(open(&vault_key, &vector.id(), &bytes).is_ok());
        for (bit, tampered) in flips(&bytes) {
            assert!(open(&vault_key, &vector.id(), &tampered).is_err(), "{}: bit {bit}", vector.name);
        }
    }
    let backup = account_vectors().backups.remove(0);
    let password_key = key(&backup.password_key);
    for (bit, tampered) in flips(&b64::decode(&backup.envelope).unwrap()) {
        if let Ok(envelope) = Envelope::parse(&tampered) {
            assert_eq!(open_backup(&password_key, &envelope).unwrap_err(), OpenError, "backup bit {bit}");
        }
    }
}

#[test]
fn a_record_moved_to_another_id_or_account_does_not_open() {
    let (vector, bytes) = records().remove(0);
    let envelope = Envelope::parse(&bytes).unwrap();
    let other_id = RecordId::from_bytes([0x77; 16]);
    assert_eq!(open_record(&key(&vector.vault_key), &other_id, &envelope).unwrap_err(), OpenError);
    let other_account = AccountSecrets::generate();
    assert_eq!(open_record(&other_account.vault_key, &vector.id(), &envelope).unwrap_err(), OpenError);
    for len in 0..bytes.len() {
        assert!(open(&key(&vector.vault_key), &vector.id(), &bytes[..len]).is_err(), "truncated to {len}");
    }
    let mut longer = bytes.clone();
    longer.push(0);
    assert_eq!(open(&key(&vector.vault_key), &vector.id(), &longer).unwrap_err(), OpenError);
}

#[test]
fn an_envelope_of_one_kind_does_not_open_as_another() {
    let (vector, bytes) = records().remove(0);
    let record = Envelope::parse(&bytes).unwrap();
    let vault_key = key(&vector.vault_key);
    assert_eq!(open_backup(&vault_key, &record).unwrap_err(), OpenError);

    let backup = seal_backup(&vault_key, PasswordParams::fresh(KdfParams::FLOOR), &Backup::default());
    let backup = Envelope::parse(&backup).unwrap();
    assert_eq!(open_record(&vault_key, &vector.id(), &backup).unwrap_err(), OpenError);

    let (account, _, wrapped, _) = account();
    let as_record: RecordId = account.account_id.parse().unwrap();
    let wrapped_key = Envelope::parse(&wrapped.vault_key).unwrap();
    assert_eq!(open_record(&key(&account.vault_key), &as_record, &wrapped_key).unwrap_err(), OpenError);
}

#[test]
fn flags_a_kind_does_not_allow_are_parse_errors() {
    let (_, _, wrapped, _) = account();
    let (_, record) = records().remove(0);
    let backup = b64::decode(&account_vectors().backups[0].envelope).unwrap();
    let with_flags = |bytes: &[u8], flags: u8| {
        let mut changed = bytes.to_vec();
        changed[6] = flags;
        Envelope::parse(&changed).unwrap_err()
    };
    assert_eq!(with_flags(&wrapped.vault_key, 0b10), FormatError::FlagsForKind);
    assert_eq!(with_flags(&wrapped.identity_key, 0b10), FormatError::FlagsForKind);
    assert_eq!(with_flags(&record, 0b10), FormatError::FlagsForKind);
    // A PASSWORD flag on a record is checked before the (now missing) parameters are read.
    assert_eq!(with_flags(&record, 0b01), FormatError::FlagsForKind);
    assert_eq!(with_flags(&backup, 0b00), FormatError::FlagsForKind);
    assert_eq!(with_flags(&backup, 0b11), FormatError::FlagsForKind);
}
