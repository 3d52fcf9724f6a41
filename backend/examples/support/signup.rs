//! Signs an account up through the API of a running server, as a browser would (the code read
//! from the server's outbox folder, version-2 inputs at the default Argon2id parameters), for
//! the benchmark examples.

use std::path::{Path, PathBuf};

use coffer_shared::api::{AccountKeysUpload, KdfInputs};
use coffer_shared::b64;
use coffer_shared::crypto::account::{AccountKeys, AccountSecrets};
use coffer_shared::crypto::account_kdf::AccountKdf;
use coffer_shared::id::AccountId;
use coffer_shared::token::AuthProof;
use serde_json::{Value, json};

/// A signed-in account: what its requests carry and the keys its browser holds.
pub struct SignedUp {
    /// The `cookie` header of the session.
    pub cookie: String,
    /// The session's `X-Coffer-CSRF` token.
    pub csrf: String,
    /// The account's keys (the vault key seals records).
    pub secrets: AccountSecrets,
}

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

/// Signs `email` up with `passphrase` on the loopback server at `base`, whose mail goes to
/// `outbox`.
pub async fn sign_up(
    client: &reqwest::Client,
    base: &str,
    outbox: &Path,
    email: &str,
    passphrase: &str,
) -> SignedUp {
    assert!(base.starts_with("http://127.0.0.1:"), "only a loopback server");
    let post = |path: &str, body: Value| client.post(format!("{base}{path}")).json(&body).send();
    let sent = post("/api/v1/signup/code", json!({ "email": email })).await.unwrap();
    assert_eq!(sent.status(), 202);
    let code = last_code(outbox, email);
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
        auth_proof: AuthProof::from_key(&keys.auth_proof()),
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
    SignedUp { cookie, csrf, secrets }
}
