//! Accounts as their browsers would drive them: real keys (version 2, Argon2id at the floor to
//! keep tests fast), codes read from the server's outbox, and a cookie jar of one session cookie.
//! A bare `[u8; 16]` where a [`Salt`] is asked for is a version-1 salt, as browsers made before
//! version 2 did (and as a junk proof needs no more).

use std::path::PathBuf;

use coffer_shared::api::{AccountKeysUpload, KdfInputs};
use coffer_shared::b64;
use coffer_shared::crypto::Key32;
use coffer_shared::crypto::account::{AccountKeys, AccountSecrets};
use coffer_shared::crypto::account_kdf::{AccountKdf, KdfVersion};
use coffer_shared::crypto::kdf::{KdfParams, argon2id};
use coffer_shared::id::AccountId;
use coffer_shared::token::AuthProof;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, json};

/// The passphrase every test user gets unless a test says otherwise.
pub const PASSPHRASE: &str = "correct horse battery staple";

/// One signed-in browser: its cookie and CSRF token.
#[derive(Debug, Clone)]
pub struct Browser {
    pub cookie: String,
    pub csrf: String,
    pub session_id: String,
}

/// An account and everything its owner's browser holds.
pub struct TestUser {
    pub email: String,
    pub account_id: AccountId,
    pub secrets: AccountSecrets,
    /// Bound to `email` (version 2).
    pub salt: Salt,
    pub browser: Browser,
}

/// A test account's KDF inputs at the floor parameters, with the address that version 2 binds
/// into the Argon2id salt (docs/accounts.md, "KDF versions").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Salt {
    pub version: KdfVersion,
    pub kdf_salt: [u8; 16],
    argon2_salt: [u8; 32],
}

impl Salt {
    /// Version 2 for `email`: what browsers make now.
    pub fn v2(email: &str, kdf_salt: [u8; 16]) -> Self {
        let argon2 = Self::inputs(KdfVersion::V2, kdf_salt).argon2_salt(email);
        Self { version: KdfVersion::V2, kdf_salt, argon2_salt: argon2.try_into().unwrap() }
    }

    /// Version 1: `kdf_salt` is the Argon2id salt, whatever the address.
    pub fn v1(kdf_salt: [u8; 16]) -> Self {
        let mut argon2_salt = [0; 32];
        argon2_salt[..16].copy_from_slice(&kdf_salt);
        Self { version: KdfVersion::V1, kdf_salt, argon2_salt }
    }

    fn inputs(version: KdfVersion, kdf_salt: [u8; 16]) -> AccountKdf {
        AccountKdf { version, params: KdfParams::FLOOR, kdf_salt }
    }

    /// The KDF inputs as uploaded and as pre-login answers them.
    pub fn kdf(&self) -> KdfInputs {
        KdfInputs::of(&Self::inputs(self.version, self.kdf_salt))
    }

    /// `auth_key` and `kek` of `passphrase`, as the browser derives them.
    pub fn keys(&self, passphrase: &str) -> AccountKeys {
        let salt = match self.version {
            KdfVersion::V1 => &self.argon2_salt[..16],
            KdfVersion::V2 => &self.argon2_salt[..],
        };
        AccountKeys::derive(&argon2id(passphrase, salt, KdfParams::FLOOR))
    }
}

impl From<[u8; 16]> for Salt {
    fn from(kdf_salt: [u8; 16]) -> Self {
        Self::v1(kdf_salt)
    }
}

/// The keys a browser uploads for `passphrase`, with `secrets` wrapped under it.
pub fn upload(
    passphrase: &str,
    salt: impl Into<Salt>,
    id: &AccountId,
    secrets: &AccountSecrets,
) -> AccountKeysUpload {
    let salt = salt.into();
    let keys = salt.keys(passphrase);
    let wrapped = secrets.wrap(id, &keys);
    AccountKeysUpload {
        kdf: salt.kdf(),
        auth_proof: AuthProof::from_key(&keys.auth_proof()),
        wrapped_vault_key: b64::encode(&wrapped.vault_key),
        wrapped_identity_key: b64::encode(&wrapped.identity_key),
    }
}

/// The `auth_proof` for `passphrase` with `salt` at the floor parameters, base64url.
pub fn proof(passphrase: &str, salt: impl Into<Salt>) -> String {
    salt.into().keys(passphrase).auth_proof().to_b64()
}

/// The `.eml` files of the outbox, oldest first.
pub fn outbox(app: &TestApp) -> Vec<String> {
    let dir = app.state.settings.data_dir.join("outbox");
    let mut files: Vec<PathBuf> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries.map(|entry| entry.unwrap().path()).collect(),
        Err(_) => Vec::new(),
    };
    files.retain(|path| path.extension().is_some_and(|ext| ext == "eml"));
    files.sort();
    // A message being written in the background may vanish between listing and reading.
    files.iter().filter_map(|path| std::fs::read_to_string(path).ok()).collect()
}

/// The latest message to `email`, as raw text.
pub fn last_mail_to(app: &TestApp, email: &str) -> String {
    outbox(app)
        .into_iter()
        .rev()
        .find(|raw| raw.lines().any(|line| line.starts_with("To:") && line.contains(email)))
        .unwrap_or_else(|| panic!("no mail to {email}"))
}

/// The body of a raw message, decoded from quoted-printable when the message says so (lettre
/// picks it for lines over 78 characters, such as a link with a token).
pub fn mail_body(raw: &str) -> String {
    let raw = raw.replace("\r\n", "\n");
    let (head, body) = raw.split_once("\n\n").unwrap();
    if !head.to_ascii_lowercase().contains("content-transfer-encoding: quoted-printable") {
        return body.to_owned();
    }
    let joined = body.replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'=' && i + 2 < bytes.len() {
            out.push(u8::from_str_radix(&joined[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// The 8-digit code of the latest code message to `email`.
pub fn last_code(app: &TestApp, email: &str) -> String {
    let subject = outbox(app)
        .into_iter()
        .rev()
        .filter(|raw| raw.lines().any(|line| line.starts_with("To:") && line.contains(email)))
        .find_map(|raw| {
            raw.lines()
                .find(|line| line.starts_with("Subject:") && line.contains(" code: "))
                .map(str::to_owned)
        })
        .unwrap_or_else(|| panic!("no code mailed to {email}"));
    let code = subject.rsplit(' ').next().unwrap().trim().to_owned();
    assert!(code.len() == 8 && code.bytes().all(|b| b.is_ascii_digit()), "{subject}");
    code
}

/// The session cookie a response sets, as `name=value`.
pub fn session_cookie(response: &reqwest::Response) -> String {
    let set_cookie = response.headers().get("set-cookie").expect("a session cookie").to_str().unwrap();
    set_cookie.split(';').next().unwrap().to_owned()
}

impl TestApp {
    /// A request with `browser`'s cookie and CSRF token (when given).
    pub async fn send_as(
        &self,
        browser: Option<&Browser>,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> reqwest::Response {
        let mut request = self.client.request(method, format!("{}{path}", self.address));
        if let Some(browser) = browser {
            request = request.header("cookie", &browser.cookie).header("x-coffer-csrf", &browser.csrf);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        request.send().await.unwrap()
    }

    /// Signs up `email` with [`PASSPHRASE`] through the API, reading the code from the outbox.
    pub async fn sign_up(&self, email: &str) -> TestUser {
        self.sign_up_with(email, PASSPHRASE).await
    }

    /// Signs up `email` with `passphrase`.
    pub async fn sign_up_with(&self, email: &str, passphrase: &str) -> TestUser {
        self.sign_up_salted(email, passphrase, Salt::v2(email, coffer_shared::crypto::random_array())).await
    }

    /// Signs up `email` with [`PASSPHRASE`] and version-1 KDF inputs, as a browser before version 2
    /// did; the app must run with `test_accept_v1_kdf`.
    pub async fn sign_up_v1(&self, email: &str) -> TestUser {
        self.sign_up_salted(email, PASSPHRASE, Salt::v1(coffer_shared::crypto::random_array())).await
    }

    /// Signs up `email` with `passphrase` and `salt`.
    pub async fn sign_up_salted(&self, email: &str, passphrase: &str, salt: Salt) -> TestUser {
        let sent = self.post("/api/v1/signup/code", &json!({ "email": email })).await;
        assert_eq!(sent.status(), 202, "{}", sent.text().await.unwrap());
        let code = last_code(self, email);
        let verified = self.post("/api/v1/signup/verify", &json!({ "email": email, "code": code })).await;
        assert_eq!(verified.status(), 200);
        let token = json(verified).await["signup_token"].as_str().unwrap().to_owned();
        let account_id = AccountId::random();
        let secrets = AccountSecrets::generate();
        let body = json!({
            "signup_token": token,
            "account_id": account_id,
            "keys": upload(passphrase, salt, &account_id, &secrets),
            "public_key": b64::encode(secrets.identity.public_key()),
        });
        let created = self.post("/api/v1/signup", &body).await;
        assert_eq!(created.status(), 201, "{}", created.text().await.unwrap());
        let cookie = session_cookie(&created);
        let info = json(created).await;
        let browser = Browser {
            cookie,
            csrf: info["csrf_token"].as_str().unwrap().to_owned(),
            session_id: info["session_id"].as_str().unwrap().to_owned(),
        };
        TestUser { email: email.to_owned(), account_id, secrets, salt, browser }
    }

    /// The first sign-in step with `passphrase`: the raw answer.
    pub async fn sign_in_start(
        &self,
        email: &str,
        salt: impl Into<Salt>,
        passphrase: &str,
    ) -> reqwest::Response {
        self.post("/api/v1/signin", &json!({ "email": email, "auth_proof": proof(passphrase, salt) })).await
    }

    /// A whole sign-in with the e-mailed code; a new browser session.
    pub async fn sign_in(&self, user: &TestUser) -> Browser {
        let started = self.sign_in_start(&user.email, user.salt, PASSPHRASE).await;
        assert_eq!(started.status(), 200);
        let challenge = json(started).await;
        assert_eq!(challenge["second_factor"], "email");
        let code = last_code(self, &user.email);
        self.finish_sign_in(challenge["signin_token"].as_str().unwrap(), &code).await
    }

    /// The second sign-in step; panics unless it succeeds.
    pub async fn finish_sign_in(&self, signin_token: &str, code: &str) -> Browser {
        let verified =
            self.post("/api/v1/signin/verify", &json!({ "signin_token": signin_token, "code": code })).await;
        assert_eq!(verified.status(), 200, "{}", verified.text().await.unwrap());
        let cookie = session_cookie(&verified);
        let info = json(verified).await;
        Browser {
            cookie,
            csrf: info["csrf_token"].as_str().unwrap().to_owned(),
            session_id: info["session_id"].as_str().unwrap().to_owned(),
        }
    }
}

impl TestUser {
    /// The vault key, for sealing records as this user's browser would.
    pub fn vault_key(&self) -> &Key32 {
        &self.secrets.vault_key
    }
}
