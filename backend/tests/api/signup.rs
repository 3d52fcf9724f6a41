//! Sign-up: the mailed code (10 minutes, single use, 5 wrong tries across codes, throttles that
//! end), and an account made only from well-formed keys, with nothing stored otherwise; one
//! account however many creations race over several servers.

use coffer_shared::b64;
use coffer_shared::crypto::account::{AccountSecrets, WrappedKeys};
use coffer_shared::id::AccountId;
use futures_util::future::join_all;
use serde_json::{Value, json};

use crate::helpers::{TestApp, cluster, json, spawn_app};
use crate::users::{PASSPHRASE, Salt, last_code, last_mail_to, outbox, upload};

async fn ask_code(app: &TestApp, email: &str) -> reqwest::Response {
    app.post("/api/v1/signup/code", &json!({ "email": email })).await
}

async fn verify(app: &TestApp, email: &str, code: &str) -> reqwest::Response {
    app.post("/api/v1/signup/verify", &json!({ "email": email, "code": code })).await
}

async fn status_and_code(response: reqwest::Response) -> (u16, String) {
    let status = response.status().as_u16();
    let body: Value = response.json().await.unwrap();
    (status, body["code"].as_str().unwrap_or_default().to_owned())
}

/// A code that is not `code`.
fn other_than(code: &str) -> String {
    let first = if code.starts_with('0') { '1' } else { '0' };
    format!("{first}{}", &code[1..])
}

#[tokio::test]
async fn signing_up_with_the_mailed_code_creates_an_account_that_unlocks_with_the_passphrase() {
    let app = spawn_app().await;
    let user = app.sign_up("alice@example.com").await;
    let response = app.send_as(Some(&user.browser), reqwest::Method::GET, "/api/v1/session", None).await;
    assert_eq!(response.status(), 200);
    let info = json(response).await;
    assert_eq!(info["email"], "alice@example.com");
    assert_eq!(info["totp_enabled"], false);
    let wrapped = WrappedKeys {
        vault_key: b64::decode(info["wrapped_vault_key"].as_str().unwrap()).unwrap(),
        identity_key: b64::decode(info["wrapped_identity_key"].as_str().unwrap()).unwrap(),
    };
    let keys = user.salt.keys(PASSPHRASE);
    let public_key = user.secrets.identity.public_key();
    let opened = AccountSecrets::unwrap(&user.account_id, &keys, &wrapped, &public_key).unwrap();
    assert_eq!(opened.vault_key, user.secrets.vault_key);
    let wrong = user.salt.keys("not it");
    assert!(AccountSecrets::unwrap(&user.account_id, &wrong, &wrapped, &public_key).is_err());
}

#[tokio::test]
async fn a_registered_address_gets_the_same_answer_and_a_note_instead_of_a_code() {
    let app = spawn_app().await;
    app.sign_up("alice@example.com").await;
    app.clock.advance(60);
    let registered = ask_code(&app, "Alice@Example.com").await;
    let fresh = ask_code(&app, "bob@example.com").await;
    assert_eq!(
        (registered.status(), fresh.status()),
        (reqwest::StatusCode::ACCEPTED, reqwest::StatusCode::ACCEPTED)
    );
    assert_eq!(json(registered).await, json(fresh).await);
    let note = last_mail_to(&app, "alice@example.com");
    assert!(note.contains("already has one"), "{note}");
    assert!(!note.lines().any(|line| line.starts_with("Subject:") && line.contains("code")), "{note}");
}

#[tokio::test]
async fn a_code_works_once_and_only_for_ten_minutes() {
    let app = spawn_app().await;
    ask_code(&app, "a@example.com").await;
    let code = last_code(&app, "a@example.com");
    app.clock.advance(601);
    assert_eq!(
        status_and_code(verify(&app, "a@example.com", &code).await).await,
        (401, "code_expired".into())
    );

    ask_code(&app, "a@example.com").await;
    let code = last_code(&app, "a@example.com");
    assert_eq!(verify(&app, "a@example.com", &code).await.status(), 200);
    assert_eq!(
        status_and_code(verify(&app, "a@example.com", &code).await).await,
        (401, "code_expired".into())
    );
}

#[tokio::test]
async fn the_fifth_wrong_try_kills_the_code_and_new_codes_do_not_reset_the_count() {
    let app = spawn_app().await;
    let email = "victim@example.com";
    ask_code(&app, email).await;
    let code = last_code(&app, email);
    for _ in 0..3 {
        assert_eq!(
            status_and_code(verify(&app, email, &other_than(&code)).await).await,
            (401, "wrong_code".into())
        );
    }
    app.clock.advance(30);
    ask_code(&app, email).await;
    let code = last_code(&app, email);
    let wrong = verify(&app, email, &other_than(&code)).await;
    assert!(json(wrong).await["message"].as_str().unwrap().contains("1 try left."));
    assert_eq!(verify(&app, email, &other_than(&code)).await.status(), 401);
    // The right code is now refused too, and so is a new code, until the throttle ends.
    let refused = verify(&app, email, &code).await;
    assert_eq!(refused.status(), 429);
    assert!(refused.headers()["retry-after"].to_str().unwrap().parse::<u64>().unwrap() > 800);
    assert_eq!(ask_code(&app, email).await.status(), 429);

    app.clock.advance(900);
    assert_eq!(ask_code(&app, email).await.status(), 202);
    assert_eq!(verify(&app, email, &last_code(&app, email)).await.status(), 200);
}

#[tokio::test]
async fn codes_are_mailed_at_most_once_per_30_seconds() {
    let app = spawn_app().await;
    assert_eq!(ask_code(&app, "a@example.com").await.status(), 202);
    let again = ask_code(&app, "a@example.com").await;
    assert_eq!(again.status(), 429);
    assert_eq!(again.headers()["retry-after"], "30");
    assert_eq!(outbox(&app).len(), 1);
    app.clock.advance(30);
    assert_eq!(ask_code(&app, "a@example.com").await.status(), 202);
}

#[tokio::test]
async fn malformed_codes_and_addresses_are_refused_without_counting() {
    let app = spawn_app().await;
    ask_code(&app, "a@example.com").await;
    for code in ["", "1234567", "123456789", "abcdefgh"] {
        assert_eq!(
            status_and_code(verify(&app, "a@example.com", code).await).await,
            (422, "invalid_code".into())
        );
    }
    assert_eq!(verify(&app, "a@example.com", &last_code(&app, "a@example.com")).await.status(), 200);
    assert_eq!(status_and_code(ask_code(&app, "not an address").await).await, (422, "invalid_email".into()));
}

/// A change that makes a sign-up body invalid.
type Spoil = Box<dyn FnOnce(&mut Value)>;

/// A valid sign-up body for `token`, which `spoil` may damage.
fn signup_body(token: &str, spoil: impl FnOnce(&mut Value)) -> Value {
    let id = AccountId::random();
    let secrets = AccountSecrets::generate();
    let mut body = json!({
        "signup_token": token,
        "account_id": id,
        "keys": upload(PASSPHRASE, Salt::v2("a@example.com", [5; 16]), &id, &secrets),
        "public_key": b64::encode(secrets.identity.public_key()),
    });
    spoil(&mut body);
    body
}

#[tokio::test]
async fn bad_keys_are_refused_and_nothing_is_stored() {
    let app = spawn_app().await;
    ask_code(&app, "a@example.com").await;
    let verified = verify(&app, "a@example.com", &last_code(&app, "a@example.com")).await;
    let token = json(verified).await["signup_token"].as_str().unwrap().to_owned();
    let share_envelope = b64::encode(
        coffer_shared::crypto::envelope::Header::new(coffer_shared::crypto::envelope::Kind::ShareText, None)
            .to_bytes(),
    );
    let cases: Vec<(&str, Spoil)> = vec![
        ("invalid_kdf", Box::new(|b: &mut Value| b["keys"]["kdf"]["m"] = json!(1024))),
        ("invalid_kdf", Box::new(|b: &mut Value| b["keys"]["kdf"]["kdf_salt"] = json!("AAAA"))),
        ("invalid_kdf", Box::new(|b: &mut Value| b["keys"]["kdf"]["version"] = json!(1))),
        (
            "invalid_kdf",
            Box::new(|b: &mut Value| _ = b["keys"]["kdf"].as_object_mut().unwrap().remove("version")),
        ),
        ("invalid_field", Box::new(|b: &mut Value| b["keys"]["kdf"]["version"] = json!(3))),
        ("invalid_token", Box::new(|b: &mut Value| b["keys"]["auth_proof"] = json!("short"))),
        (
            "invalid_envelope",
            Box::new(move |b: &mut Value| b["keys"]["wrapped_vault_key"] = json!(share_envelope)),
        ),
        (
            "invalid_envelope",
            Box::new(|b: &mut Value| {
                let swapped = b["keys"]["wrapped_identity_key"].clone();
                b["keys"]["wrapped_vault_key"] = swapped;
            }),
        ),
        ("invalid_public_key", Box::new(|b: &mut Value| b["public_key"] = json!(b64::encode([0xff; 31])))),
        ("invalid_field", Box::new(|b: &mut Value| b["account_id"] = json!("nope"))),
    ];
    for (expected, spoil) in cases {
        let response = app.post("/api/v1/signup", &signup_body(&token, spoil)).await;
        assert_eq!(status_and_code(response).await, (422, expected.into()));
    }
    assert!(app.state.store.account_by_email("a@example.com".into()).await.unwrap().is_none());
    // The token was not used up by the refusals ...
    let created = app.post("/api/v1/signup", &signup_body(&token, |_| {})).await;
    assert_eq!(created.status(), 201);
    // ... and works only once.
    let again = app.post("/api/v1/signup", &signup_body(&token, |_| {})).await;
    assert_eq!(status_and_code(again).await, (401, "signup_expired".into()));
    let unknown = signup_body(&coffer_shared::crypto::Key32::random().to_b64(), |_| {});
    assert_eq!(
        status_and_code(app.post("/api/v1/signup", &unknown).await).await,
        (401, "signup_expired".into())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn of_twelve_racing_creations_of_one_address_over_three_servers_one_makes_the_account() {
    let servers = cluster(3, |_| {}).await;
    ask_code(&servers[0], "alice@example.com").await;
    let code = last_code(&servers[0], "alice@example.com");
    let token = json(verify(&servers[0], "alice@example.com", &code).await).await["signup_token"].clone();
    let salt = Salt::v2("alice@example.com", [5; 16]);
    let bodies: Vec<(AccountId, Value)> = (0..12)
        .map(|_| {
            let (id, secrets) = (AccountId::random(), AccountSecrets::generate());
            let keys = upload(PASSPHRASE, salt, &id, &secrets);
            let public_key = b64::encode(secrets.identity.public_key());
            let body =
                json!({ "signup_token": token, "account_id": id, "keys": keys, "public_key": public_key });
            (id, body)
        })
        .collect();
    let creates = bodies
        .iter()
        .enumerate()
        .map(|(n, (_, body))| servers[n % servers.len()].post("/api/v1/signup", body));
    let statuses: Vec<u16> = join_all(creates).await.iter().map(|r| r.status().as_u16()).collect();
    let won: Vec<&AccountId> =
        statuses.iter().zip(&bodies).filter(|(status, _)| **status == 201).map(|(_, (id, _))| id).collect();
    assert_eq!(won.len(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|&s| s == 201 || s == 401 || s == 409), "{statuses:?}");
    for server in &servers {
        let account = server.state.store.account_by_email("alice@example.com".into()).await.unwrap();
        assert_eq!(account.map(|account| account.account_id).as_ref(), Some(won[0]));
    }
}
