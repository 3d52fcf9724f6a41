//! Pre-login: the same shape for every address, stored parameters for an account, a stable
//! deterministic stand-in for an address without one, and the server secret behind it.

use coffer_backend::secret::FILE_NAME;
use coffer_shared::crypto::kdf::KdfParams;
use serde_json::{Value, json};

use crate::helpers::{TestApp, json, spawn_app, spawn_app_in};

const PRELOGIN: &str = "/api/v1/accounts/prelogin";

async fn prelogin(app: &TestApp, email: &str) -> Value {
    let response = app.post(PRELOGIN, &json!({ "email": email })).await;
    assert_eq!(response.status(), 200);
    json(response).await
}

fn assert_shape(answer: &Value) {
    let fields: Vec<&String> = answer.as_object().unwrap().keys().collect();
    assert_eq!(fields, ["kdf_salt", "m", "p", "t", "version"], "{answer}");
    let salt = coffer_shared::b64::decode(answer["kdf_salt"].as_str().unwrap()).unwrap();
    assert_eq!(salt.len(), 16);
}

#[tokio::test]
async fn an_unknown_address_gets_the_default_parameters_and_a_stable_salt() {
    let app = spawn_app().await;
    let first = prelogin(&app, "nobody@example.org").await;
    assert_shape(&first);
    assert_eq!((&first["m"], &first["t"], &first["p"]), (&json!(65536), &json!(3), &json!(4)));
    assert_eq!(first["version"], 2, "an unknown address looks like a new account");
    assert_eq!(first, prelogin(&app, "nobody@example.org").await);
    assert_ne!(first["kdf_salt"], prelogin(&app, "somebody@example.org").await["kdf_salt"]);
}

#[tokio::test]
async fn a_known_address_gets_its_stored_parameters() {
    let app = spawn_app().await;
    let user = app.sign_up("alice@example.com").await;
    let answer = prelogin(&app, "alice@example.com").await;
    assert_shape(&answer);
    let floor = KdfParams::FLOOR;
    assert_eq!(
        answer,
        json!({
            "version": 2, "kdf_salt": coffer_shared::b64::encode(user.salt.kdf_salt),
            "m": floor.m_kib(), "t": floor.t(), "p": floor.p(),
        })
    );
}

#[tokio::test]
async fn case_and_surrounding_spaces_do_not_change_the_answer() {
    let app = spawn_app().await;
    assert_eq!(prelogin(&app, "Alice@Example.com ").await, prelogin(&app, "alice@example.com").await);
    let user = app.sign_up("bob@example.com").await;
    let known = prelogin(&app, "  BOB@example.COM").await;
    assert_eq!(known, prelogin(&app, "bob@example.com").await);
    assert_eq!(known["kdf_salt"], json!(coffer_shared::b64::encode(user.salt.kdf_salt)));
}

#[tokio::test]
async fn known_and_unknown_addresses_get_answers_of_the_same_shape_and_headers() {
    let app = spawn_app().await;
    app.sign_up("carol@example.com").await;
    let known = app.post(PRELOGIN, &json!({ "email": "carol@example.com" })).await;
    let unknown = app.post(PRELOGIN, &json!({ "email": "dave@example.com" })).await;
    let names = |response: &reqwest::Response| {
        let mut names: Vec<String> = response.headers().keys().map(|name| name.to_string()).collect();
        names.retain(|name| name != "date" && name != "content-length");
        names.sort();
        names
    };
    assert_eq!(names(&known), names(&unknown));
    assert_shape(&json(known).await);
    assert_shape(&json(unknown).await);
}

#[tokio::test]
async fn addresses_that_are_not_addresses_get_invalid_email() {
    let app = spawn_app().await;
    let long = format!("{}@example.org", "a".repeat(250));
    for email in ["", "   ", "a@", "@b", "ab", "no-at-sign", "a@b@c", "a b@c", &long] {
        let response = app.post(PRELOGIN, &json!({ "email": email })).await;
        assert_eq!(response.status(), 422, "{email:?}");
        assert_eq!(json(response).await["code"], "invalid_email", "{email:?}");
    }
}

#[tokio::test]
async fn the_secret_file_is_created_with_32_private_bytes() {
    let app = spawn_app().await;
    let path = app.data_dir().join(FILE_NAME);
    assert_eq!(std::fs::read(&path).unwrap().len(), 32);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
    }
}

#[tokio::test]
async fn the_fake_answer_survives_a_restart_and_differs_between_servers() {
    let first = spawn_app().await;
    let before = prelogin(&first, "nobody@example.org").await;
    let secret = std::fs::read(first.data_dir().join(FILE_NAME)).unwrap();

    // A running test app cannot be stopped (its database stays locked), so the restart is a new
    // server started on a data folder that holds the first one's secret file.
    let root = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(root.path().join("data")).unwrap();
    std::fs::write(root.path().join("data").join(FILE_NAME), &secret).unwrap();
    let restarted = spawn_app_in(root, |_| {}).await;
    assert_eq!(prelogin(&restarted, "nobody@example.org").await, before);
    assert_eq!(std::fs::read(restarted.data_dir().join(FILE_NAME)).unwrap(), secret, "secret kept");

    let other = spawn_app().await;
    let elsewhere = prelogin(&other, "nobody@example.org").await;
    assert_shape(&elsewhere);
    assert_ne!(elsewhere["kdf_salt"], before["kdf_salt"]);
}

#[tokio::test]
async fn a_secret_file_of_the_wrong_length_stops_the_start() {
    let root = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(root.path().join("data")).unwrap();
    std::fs::write(root.path().join("data").join(FILE_NAME), [0u8; 16]).unwrap();
    let settings = coffer_backend::settings::Settings::for_tests(root.path().join("data"));
    let error = coffer_backend::startup::Application::build(settings).await.err().unwrap();
    assert!(error.to_string().contains("expected 32 bytes"), "{error}");
}
