//! Writes `tests/vectors/envelope-v1.json`, `tests/vectors/accounts-v1.json`,
//! `tests/vectors/accounts-v2.json` and `tests/vectors/signature-v1.json` from fixed inputs when `COFFER_WRITE_VECTORS=1`. Without it, checks that the committed files still have
//! exactly those inputs and outputs, so the vectors cannot silently drift. Native only.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test
#![cfg(not(target_arch = "wasm32"))]

mod common;

use coffer_shared::b64;
use coffer_shared::crypto::account_kdf::KdfVersion;
use coffer_shared::crypto::vault::{
    CustomField, Document, FieldKind, PasswordChange, RecordFields, VaultRecord,
};
use common::account_kdf::{KdfVector, KdfVectorFile};
use common::accounts::{AccountVector, AccountVectorFile, BackupVector, RecordVector, ServerVector};
use common::signatures::{SignatureVector, SignatureVectorFile, SignedFileVector};
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
    write_or_compare("envelope-v1.json", common::VECTORS_JSON, &file);
}

fn write_or_compare(name: &str, committed: &str, file: &impl serde::Serialize) {
    let json = serde_json::to_string_pretty(file).unwrap() + "\n";
    if std::env::var("COFFER_WRITE_VECTORS").as_deref() == Ok("1") {
        let path = format!("{}/tests/vectors/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::write(path, &json).unwrap();
    } else {
        assert_eq!(
            committed, json,
            "{name}: run with COFFER_WRITE_VECTORS=1 to regenerate, then review the diff"
        );
    }
}

/// `N` bytes counting up from `start`.
fn bytes<const N: usize>(start: u8) -> String {
    b64::encode(std::array::from_fn::<u8, N, _>(|i| start.wrapping_add(i as u8)))
}

fn account(
    name: &str,
    passphrase: &str,
    kdf: (u32, u32, u8),
    salt_byte: u8,
    nonce_byte: u8,
) -> AccountVector {
    AccountVector {
        name: name.into(),
        passphrase: passphrase.into(),
        kdf,
        kdf_salt: b64::encode([salt_byte; 16]),
        account_id: b64::encode([0xac; 16]),
        vault_key: bytes::<32>(0x40),
        identity_seed: bytes::<32>(0x80),
        vault_key_nonce: b64::encode([nonce_byte; 12]),
        identity_key_nonce: b64::encode([nonce_byte + 1; 12]),
        master_key: String::new(),
        auth_key: String::new(),
        kek: String::new(),
        auth_proof: String::new(),
        wrapped_vault_key: String::new(),
        wrapped_identity_key: String::new(),
        public_key: String::new(),
        fingerprint: String::new(),
    }
}

fn login() -> VaultRecord {
    let mut record = VaultRecord::new(RecordFields::Login {
        username: "alice@example.org".into(),
        password: "correct horse battery staple".into(),
        urls: vec!["https://bank.example".into()],
        url: String::new(),
        totp: String::new(),
        password_history: Vec::new(),
    });
    record.name = "Bank".into();
    record
}

/// A login that uses every member added since the first records: several URLs, an
/// authenticator, password history, a folder, a favourite and custom fields.
fn full_login() -> VaultRecord {
    let mut record = VaultRecord::new(RecordFields::Login {
        username: "alice@example.org".into(),
        password: "new horse battery staple".into(),
        urls: vec!["https://mail.example/login".into(), "https://mail.example/app".into()],
        url: String::new(),
        totp: "otpauth://totp/Mail:alice?secret=JBSWY3DPEHPK3PXP&issuer=Mail&digits=8&period=60".into(),
        password_history: vec![PasswordChange {
            password: "correct horse battery staple".into(),
            changed_at: 1_767_225_600,
        }],
    });
    record.name = "Mail".into();
    record.folder = "Work".into();
    record.favorite = true;
    record.custom_fields = vec![
        CustomField { name: "Recovery e-mail".into(), value: "a@example.net".into(), kind: FieldKind::Text },
        CustomField { name: "PIN".into(), value: "4821".into(), kind: FieldKind::Hidden },
        CustomField { name: "Admin".into(), value: "true".into(), kind: FieldKind::Boolean },
    ];
    record
}

fn fixed_records() -> Vec<(&'static str, VaultRecord)> {
    let mut card = VaultRecord::new(RecordFields::Card {
        holder: "Alice Example".into(),
        number: "4111 1111 1111 1111".into(),
        expiry: "04/29".into(),
        cvv: "123".into(),
    });
    card.name = "Visa".into();
    card.sensitive = true;
    let documents = vec![
        Document { label: "Passport".into(), number: "X1234567".into() },
        Document { label: "Führerschein".into(), number: "B072RRE2I55".into() },
    ];
    let mut identity = VaultRecord::new(RecordFields::Identity {
        full_name: "Zoë Ñandú".into(),
        email: "zoe@example.ch".into(),
        phone: "+41 44 123 45 67".into(),
        birth_date: "1990-02-28".into(),
        company: "Beispiel AG".into(),
        address: "Bahnhofstrasse 1\n8001 Zürich".into(),
        documents,
    });
    identity.name = "Me".into();
    identity.notes = "🔑".into();
    let mut note = VaultRecord::new(RecordFields::Note);
    note.name = "Long note".into();
    note.notes = "A note longer than one padding block. ".repeat(8);
    note.sensitive = true;
    vec![
        ("login", login()),
        ("card, sensitive", card),
        ("identity, unicode", identity),
        ("note, two blocks", note),
        ("login with every later member", full_login()),
    ]
}

fn fixed_account_inputs() -> AccountVectorFile {
    let accounts = vec![
        account("account at the floor", "correct horse battery staple", (19456, 2, 1), 0x5a, 0x10),
        account(
            "the same account after a passphrase change",
            "ünïcödé passphrase ✓",
            (19456, 3, 2),
            0x5b,
            0x20,
        ),
    ];
    let records = fixed_records()
        .into_iter()
        .zip(1u8..)
        .map(|((name, record), n)| RecordVector {
            name: name.into(),
            vault_key: bytes::<32>(0x40),
            record_id: b64::encode([n; 16]),
            nonce: b64::encode([n ^ 0xf0; 12]),
            record,
            record_key: String::new(),
            envelope: String::new(),
        })
        .collect();
    let backup = |name: &str, records: Vec<VaultRecord>, salt: u8| BackupVector {
        name: name.into(),
        passphrase: "backup passphrase".into(),
        kdf: (19456, 2, 1),
        salt: b64::encode([salt; 16]),
        nonce: b64::encode([salt ^ 0xff; 12]),
        records,
        password_key: String::new(),
        backup_key: String::new(),
        envelope: String::new(),
    };
    let backups = vec![
        backup("empty backup", Vec::new(), 0x61),
        backup("every record type", fixed_records().into_iter().map(|(_, record)| record).collect(), 0x62),
    ];
    let server = |name: &str, email: &str| ServerVector {
        name: name.into(),
        server_secret: bytes::<32>(0xe0),
        email: email.into(),
        auth_proof: bytes::<32>(0x01),
        prelogin_salt: String::new(),
        auth_verifier: String::new(),
    };
    AccountVectorFile {
        comment: "Coffer account v1 vectors: see docs/accounts.md. All byte strings are base64url without padding; kdf is [m_kib, t, p]; records are the JSON before padding.".into(),
        accounts,
        records,
        backups,
        server: vec![server("lower-case address", "alice@example.org"), server("address to normalize", "  Alice@Example.ORG ")],
    }
}

#[test]
fn committed_account_vectors_match_their_fixed_inputs() {
    write_or_compare(
        "accounts-v1.json",
        common::accounts::ACCOUNT_VECTORS_JSON,
        &fixed_account_inputs().computed(),
    );
}

fn kdf_vector(name: &str, email: &str, version: KdfVersion, kdf: (u32, u32, u8), salt_byte: u8) -> KdfVector {
    KdfVector {
        name: name.into(),
        email: email.into(),
        passphrase: "correct horse battery staple".into(),
        version,
        kdf,
        kdf_salt: b64::encode([salt_byte; 16]),
        argon2_salt: String::new(),
        master_key: String::new(),
        auth_proof: String::new(),
        memory_id: String::new(),
    }
}

fn fixed_kdf_inputs() -> KdfVectorFile {
    use KdfVersion::{V1, V2};
    let floor = (19456, 2, 1);
    KdfVectorFile {
        comment: "Coffer account KDF version 2 vectors: see docs/accounts.md, \"KDF versions\" and \"Remembered parameters\". Byte strings are base64url without padding; kdf is [m_kib, t, p]; email is as typed (the derivation normalizes it). The version-1 vector has the inputs of the first account of accounts-v1.json.".into(),
        vectors: vec![
            kdf_vector("version 2 at the floor", "alice@example.org", V2, floor, 0x5a),
            kdf_vector("the same kdf_salt for another address", "bob@example.org", V2, floor, 0x5a),
            kdf_vector("an address to normalize", "  Alice@Example.ORG ", V2, floor, 0x5a),
            kdf_vector("a non-ASCII address", "Zoë@Exämple.org", V2, (19456, 3, 2), 0x5c),
            kdf_vector("version 1: the kdf_salt as it is", "alice@example.org", V1, floor, 0x5a),
        ],
    }
}

#[test]
fn committed_kdf_vectors_match_their_fixed_inputs() {
    write_or_compare(
        "accounts-v2.json",
        common::account_kdf::KDF_VECTORS_JSON,
        &fixed_kdf_inputs().computed(),
    );
}

fn signed_share(
    name: &str,
    id_byte: u8,
    password: Option<(&str, (u32, u32, u8))>,
    text: &str,
    files: &[(&str, &str, usize)],
) -> SignatureVector {
    let files = files
        .iter()
        .zip(1u8..)
        .map(|(&(file_name, mime_type, len), n)| SignedFileVector {
            file_id: b64::encode([id_byte << 4 | n; 16]),
            file_name: file_name.into(),
            mime_type: mime_type.into(),
            plaintext: b64::encode((0..len).map(|i| (i * 3) as u8 ^ n).collect::<Vec<_>>()),
            metadata_nonce: b64::encode([0xa0 | n; 12]),
            file_key: String::new(),
            metadata: String::new(),
        })
        .collect();
    SignatureVector {
        name: name.into(),
        id: b64::encode([id_byte; 16]),
        share_key: bytes::<32>(id_byte.wrapping_mul(16)),
        password: password.map(|(password, _)| password.into()),
        kdf: password.map(|(_, kdf)| kdf),
        salt: password.map(|_| b64::encode([0x5c; 16])),
        nonce: b64::encode([id_byte ^ 0xee; 12]),
        text: text.into(),
        blur: false,
        identity_seed: bytes::<32>(0x80),
        files,
        public_key: String::new(),
        fingerprint: String::new(),
        signed_message: String::new(),
        signature: String::new(),
        envelope: String::new(),
        access_token: String::new(),
        status_token: String::new(),
    }
}

fn fixed_signature_inputs() -> SignatureVectorFile {
    SignatureVectorFile {
        comment: "Coffer signature v1 vectors: see docs/envelope.md, \"Signatures\". Byte strings are base64url without padding; kdf is [m_kib, t, p]; identity_seed is the accounts vectors' seed; each file's metadata is its file-metadata envelope (chunk size 64) under the share's file key.".into(),
        vectors: vec![
            signed_share("signed text share", 0x21, None, "signed hunter2", &[]),
            signed_share(
                "signed share with two files and a password",
                0x22,
                Some(("correct horse battery staple", (19456, 2, 1))),
                "see the files",
                &[("report.pdf", "application/pdf", 100), ("ünïcödé.txt", "text/plain", 0)],
            ),
            signed_share("signed share of one file, no text", 0x23, None, "", &[("a.bin", "application/octet-stream", 65)]),
        ],
    }
}

#[test]
fn committed_signature_vectors_match_their_fixed_inputs() {
    let mut file = fixed_signature_inputs();
    file.vectors = file.vectors.iter().map(SignatureVector::computed).collect();
    write_or_compare("signature-v1.json", common::signatures::SIGNATURE_VECTORS_JSON, &file);
}
