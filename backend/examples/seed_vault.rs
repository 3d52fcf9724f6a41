//! Seeds a benchmark account: signs up through the API of a running server (reading the code
//! from its outbox folder), with version-2 inputs at the default Argon2id parameters, and stores
//! `count` records of every type, sealed exactly as the browser seals them.
//!
//! ```text
//! cargo run --release -p coffer-backend --example seed_vault -- \
//!     http://127.0.0.1:18556 <data-dir>/outbox bench@example.com "passphrase" 1000
//! ```
//!
//! Only loopback servers are accepted. The server must run without SMTP (mail in the outbox).

#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)] // a benchmark tool

#[path = "support/signup.rs"]
mod signup;

use std::path::Path;
use std::time::Instant;

use coffer_shared::b64;
use coffer_shared::crypto::random_array;
use coffer_shared::crypto::vault::{Document, RecordFields, VaultRecord, seal_record};
use coffer_shared::id::RecordId;
use serde_json::json;

/// The `i`th sample record: logins, cards, identities and notes in turn.
fn sample(i: usize) -> VaultRecord {
    let fields = match i % 4 {
        0 => RecordFields::Login {
            username: format!("user{i}@example.com"),
            password: b64::encode(random_array::<15>()),
            urls: vec![format!("https://site{i}.example")],
            url: String::new(),
            totp: String::new(),
            password_history: Vec::new(),
        },
        1 => RecordFields::Card {
            holder: "A. Tester".into(),
            number: format!("4111 1111 1111 {:04}", i % 10_000),
            expiry: "04/29".into(),
            cvv: "123".into(),
        },
        2 => RecordFields::Identity {
            full_name: format!("Person {i}"),
            email: format!("person{i}@example.com"),
            company: String::new(),
            birth_date: "1990-01-01".into(),
            phone: "+44 20 7946 0000".into(),
            address: "1 Example Street\nLondon".into(),
            documents: vec![Document { label: "Passport".into(), number: format!("X{i:07}") }],
        },
        _ => RecordFields::Note,
    };
    let mut record = VaultRecord::new(fields);
    record.name = format!("Record {i}");
    record.notes = format!("Notes for record {i}.");
    record
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, base, outbox, email, passphrase, count] = args.as_slice() else {
        panic!("usage: seed_vault <base-url> <outbox-dir> <email> <passphrase> <count>");
    };
    let count: usize = count.parse().unwrap();
    let client = reqwest::Client::new();
    let signup::SignedUp { cookie, csrf, secrets } =
        signup::sign_up(&client, base, Path::new(outbox), email, passphrase).await;

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
