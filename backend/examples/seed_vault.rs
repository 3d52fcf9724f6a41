//! Seeds a benchmark account: signs up through the API of a running server (reading the code
//! from its outbox folder), with version-2 inputs at the default Argon2id parameters, and stores `count` records of
//! every type, sealed exactly as the browser seals them.
//!
//! ```text
//! cargo run --release -p coffer-backend --example seed_vault -- \
//!     http://127.0.0.1:18556 <data-dir>/outbox bench@example.com "passphrase" 1000
//! ```
//!
//! Only loopback servers are accepted. The server must run without SMTP (mail in the outbox).

#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)] // a benchmark tool

use std::path::{Path, PathBuf};
use std::time::Instant;

use coffer_shared::api::{AccountKeysUpload, KdfInputs};
use coffer_shared::b64;
use coffer_shared::crypto::account::{AccountKeys, AccountSecrets};
use coffer_shared::crypto::account_kdf::AccountKdf;
use coffer_shared::crypto::random_array;
use coffer_shared::crypto::vault::{Document, RecordFields, VaultRecord, seal_record};
use coffer_shared::id::{AccountId, RecordId};
use serde_json::{Value, json};

/// The code in the subject of the newest message to `email`.
fn last_code(outbox: &Path, email: &str) -> String {
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(outbox).unwrap().map(|entry| entry.unwrap().path()).collect();
    files.retain(|path| path.extension().is_some_and(|ext| ext == "eml"));
    files.sort();
    files
        .iter()
        .rev()
        .filter_map(|path| std::fs::read_to_string(path).ok())
        .filter(|raw| raw.contains(email))
        .find_map(|raw| {
            let subject =
                raw.lines().find(|line| line.starts_with("Subject:") && line.contains(" code: "))?;
            Some(subject.rsplit(' ').next()?.trim().to_owned())
        })
        .expect("a code in the outbox")
}

/// The `i`th sample record: logins, cards, identities and notes in turn.
fn sample(i: usize) -> VaultRecord {
    let fields = match i % 4 {
        0 => RecordFields::Login {
            username: format!("user{i}@example.com"),
            password: b64::encode(random_array::<15>()),
            url: format!("https://site{i}.example"),
        },
        1 => RecordFields::Card {
            holder: "A. Tester".into(),
            number: format!("4111 1111 1111 {:04}", i % 10_000),
            expiry: "04/29".into(),
            cvv: "123".into(),
        },
        2 => RecordFields::Identity {
            full_name: format!("Person {i}"),
            birth_date: "1990-01-01".into(),
            phone: "+44 20 7946 0000".into(),
            address: "1 Example Street\nLondon".into(),
            documents: vec![Document { label: "Passport".into(), number: format!("X{i:07}") }],
        },
        _ => RecordFields::Note,
    };
    VaultRecord {
        fields,
        name: format!("Record {i}"),
        notes: format!("Notes for record {i}."),
        sensitive: false,
        attachments: Vec::new(),
    }
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, base, outbox, email, passphrase, count] = args.as_slice() else {
        panic!("usage: seed_vault <base-url> <outbox-dir> <email> <passphrase> <count>");
    };
    assert!(base.starts_with("http://127.0.0.1:"), "only a loopback server");
    let count: usize = count.parse().unwrap();
    let client = reqwest::Client::new();
    let post = |path: &str, body: Value| client.post(format!("{base}{path}")).json(&body).send();

    let sent = post("/api/v1/signup/code", json!({ "email": email })).await.unwrap();
    assert_eq!(sent.status(), 202);
    let code = last_code(Path::new(outbox), email);
    let verified: Value = post("/api/v1/signup/verify", json!({ "email": email, "code": code }))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();

    let kdf = AccountKdf::fresh();
    let keys = AccountKeys::derive(&kdf.master_key(passphrase, email));
    let account_id = AccountId::random();
    let secrets = AccountSecrets::generate();
    let wrapped = secrets.wrap(&account_id, &keys);
    let upload = AccountKeysUpload {
        kdf: KdfInputs::of(&kdf),
        auth_proof: keys.auth_proof().to_b64(),
        wrapped_vault_key: b64::encode(&wrapped.vault_key),
        wrapped_identity_key: b64::encode(&wrapped.identity_key),
    };
    let created = post(
        "/api/v1/signup",
        json!({
            "signup_token": verified["signup_token"],
            "account_id": account_id,
            "keys": upload,
            "public_key": b64::encode(secrets.identity.public_key()),
        }),
    )
    .await
    .unwrap();
    assert_eq!(created.status(), 201);
    let cookie = created.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();
    let info: Value = created.json().await.unwrap();
    let csrf = info["csrf_token"].as_str().unwrap().to_owned();

    let started = Instant::now();
    for i in 0..count {
        let id = RecordId::random();
        let body =
            json!({ "id": id, "envelope": b64::encode(seal_record(&secrets.vault_key, &id, &sample(i))) });
        let response = client
            .post(format!("{base}/api/v1/vault/records"))
            .header("cookie", &cookie)
            .header("x-coffer-csrf", &csrf)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201);
    }
    println!("seeded {email} with {count} records in {:.1} s", started.elapsed().as_secs_f64());
}
