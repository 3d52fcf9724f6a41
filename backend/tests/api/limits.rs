//! Every limit under concurrent attack: at least 50 wrong tries sent at once, and no more than
//! the limit of them checked (answered with anything but 429). Each test prints what it sent
//! and what was checked (`cargo test --test api limits -- --nocapture`).

use coffer_shared::crypto::totp;
use futures_util::future::join_all;
use reqwest::Method;
use serde_json::{Value, json};

use crate::account::enrol;
use crate::helpers::{TestApp, TestShare, json, spawn_app, spawn_app_with};
use crate::users::{Browser, PASSPHRASE, Salt, last_code, proof};

/// How many wrong tries each test sends at once.
const SENT: usize = 60;

/// Sends a `POST path` for each of `bodies` at once (with `browser`'s cookie and CSRF token when
/// given); answers each one's status and `code`.
async fn fire(
    app: &TestApp,
    browser: Option<&Browser>,
    path: &str,
    bodies: Vec<Value>,
) -> Vec<(u16, String)> {
    assert!(bodies.len() >= 50, "at least 50 tries at once");
    let sent = bodies.iter().map(|body| app.send_as(browser, Method::POST, path, Some(body)));
    let mut answers = Vec::new();
    for response in join_all(sent).await {
        let status = response.status().as_u16();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        answers.push((status, body["code"].as_str().unwrap_or_default().to_owned()));
    }
    answers
}

/// `SENT` bodies, the `i`th made by `body(i)`.
fn bodies(body: impl Fn(usize) -> Value) -> Vec<Value> {
    (0..SENT).map(body).collect()
}

/// How many answers were not 429 (the try was checked), printed under `limit`.
fn checked(limit: &str, answers: &[(u16, String)]) -> usize {
    let checked = answers.iter().filter(|(status, _)| *status != 429).count();
    report(limit, answers.len(), checked);
    checked
}

/// An 8-digit code other than `code`, different for each `i`.
fn other_code(code: &str, i: usize) -> String {
    format!("{:08}", (code.parse::<usize>().unwrap() + 1 + i) % 100_000_000)
}

/// Prints the figure the closing note quotes.
#[allow(clippy::print_stdout)] // the figure is the point: read with --nocapture
fn report(limit: &str, sent: usize, checked: usize) {
    println!("limit {limit}: {sent} sent at once, {checked} checked");
}

fn count(answers: &[(u16, String)], code: &str) -> usize {
    answers.iter().filter(|(_, found)| found == code).count()
}

/// A 6-digit code that matches no step of the window around the app's time.
fn wrong_totp(app: &TestApp, secret: &totp::TotpSecret, i: usize) -> String {
    let step = totp::step_at(app.clock_now());
    let window: Vec<u32> = (step - 1..=step + 1).map(|step| totp::code_at(secret, step)).collect();
    (i as u32..)
        .map(|n| (n * 7919) % 1_000_000)
        .find(|code| !window.contains(code))
        .map(|code| format!("{code:06}"))
        .unwrap()
}

async fn signin_token(app: &TestApp, email: &str, salt: Salt) -> String {
    let started = app.sign_in_start(email, salt, PASSPHRASE).await;
    assert_eq!(started.status(), 200);
    json(started).await["signin_token"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_wrong_authenticator_codes_are_checked_no_more_than_five_times() {
    let app = spawn_app().await;
    let user = app.sign_up("alice@example.com").await;
    let (secret, _) = enrol(&app, &user).await;
    app.clock.advance(30);
    let token = signin_token(&app, &user.email, user.salt).await;
    let tries = bodies(|i| json!({ "signin_token": token, "code": wrong_totp(&app, &secret, i) }));
    let answers = fire(&app, None, "/api/v1/signin/verify", tries).await;
    assert_eq!(checked("authenticator codes", &answers), 5, "{answers:?}");
    assert_eq!(count(&answers, "wrong_code"), 5);
    // Throttled now: even the right code waits.
    let right = format!("{:06}", totp::code_at(&secret, totp::step_at(app.clock_now())));
    let later = app.post("/api/v1/signin/verify", &json!({ "signin_token": token, "code": right })).await;
    assert_eq!(later.status(), 429);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_wrong_recovery_codes_are_checked_no_more_than_five_times() {
    let app = spawn_app().await;
    let user = app.sign_up("alice@example.com").await;
    let (_, recovery) = enrol(&app, &user).await;
    let token = signin_token(&app, &user.email, user.salt).await;
    let tries = bodies(|i| json!({ "signin_token": token, "code": format!("aaaa-bbbb-{i:04}") }));
    let answers = fire(&app, None, "/api/v1/signin/verify", tries).await;
    assert_eq!(checked("recovery codes", &answers), 5, "{answers:?}");
    let later =
        app.post("/api/v1/signin/verify", &json!({ "signin_token": token, "code": recovery[0] })).await;
    assert_eq!(later.status(), 429);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_wrong_signin_codes_are_checked_no_more_than_five_times() {
    let app = spawn_app().await;
    let user = app.sign_up("alice@example.com").await;
    let token = signin_token(&app, &user.email, user.salt).await;
    let code = last_code(&app, &user.email);
    let tries = bodies(|i| json!({ "signin_token": token, "code": other_code(&code, i) }));
    let answers = fire(&app, None, "/api/v1/signin/verify", tries).await;
    assert_eq!(checked("sign-in codes", &answers), 5, "{answers:?}");
    assert_eq!(count(&answers, "wrong_code"), 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_wrong_signup_codes_are_checked_no_more_than_five_times() {
    let app = spawn_app().await;
    assert_eq!(app.post("/api/v1/signup/code", &json!({ "email": "new@example.com" })).await.status(), 202);
    let code = last_code(&app, "new@example.com");
    let tries = bodies(|i| json!({ "email": "new@example.com", "code": other_code(&code, i) }));
    let answers = fire(&app, None, "/api/v1/signup/verify", tries).await;
    assert_eq!(checked("sign-up codes", &answers), 5, "{answers:?}");
    let right = app.post("/api/v1/signup/verify", &json!({ "email": "new@example.com", "code": code })).await;
    assert_eq!(right.status(), 429, "the code died with the fifth wrong try");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_wrong_passphrases_are_checked_no_more_than_five_times_known_address_or_not() {
    let app = spawn_app().await;
    let user = app.sign_up("alice@example.com").await;
    for email in ["alice@example.com", "nobody@example.com"] {
        let tries =
            bodies(|i| json!({ "email": email, "auth_proof": proof(&format!("guess {i}"), user.salt) }));
        let answers = fire(&app, None, "/api/v1/signin", tries).await;
        assert_eq!(checked(&format!("passphrases ({email})"), &answers), 5, "{answers:?}");
        assert_eq!(count(&answers, "invalid_credentials"), 5);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_wrong_passphrase_proofs_from_a_session_are_checked_no_more_than_five_times() {
    let app = spawn_app().await;
    let user = app.sign_up("alice@example.com").await;
    let tries = bodies(|i| json!({ "auth_proof": proof(&format!("guess {i}"), user.salt) }));
    let answers = fire(&app, Some(&user.browser), "/api/v1/account/delete", tries).await;
    assert_eq!(checked("passphrase proofs of a session", &answers), 5, "{answers:?}");
    assert_eq!(count(&answers, "wrong_passphrase"), 5);
    let right = json!({ "auth_proof": proof(PASSPHRASE, user.salt) });
    let refused =
        app.send_as(Some(&user.browser), Method::POST, "/api/v1/account/delete", Some(&right)).await;
    assert_eq!(refused.status(), 429, "throttled, the right passphrase waits too");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_wrong_claims_are_checked_no_more_than_the_shares_limit() {
    let app = spawn_app().await;
    let share = TestShare::with_password("s", "right password");
    app.create(&share).await;
    let wrong = share.access_token_for(Some("wrong password"));
    let tries = bodies(|_| json!({ "status_token": share.request.status_token, "access_token": wrong }));
    let answers = fire(&app, None, &format!("/api/v1/shares/{}/claim", share.id), tries).await;
    let guessed = count(&answers, "wrong_token");
    report("wrong claims", SENT, guessed);
    assert_eq!(guessed, 5, "{answers:?}");
    assert_eq!(app.share_count().await, 0, "the fifth wrong claim destroyed the share");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_code_requests_send_one_code() {
    let app = spawn_app().await;
    let user = app.sign_up("alice@example.com").await;
    let token = signin_token(&app, &user.email, user.salt).await;
    app.clock.advance(31);
    let tries = bodies(|_| json!({ "signin_token": token }));
    let resends = fire(&app, None, "/api/v1/signin/resend", tries).await;
    let sent = resends.iter().filter(|(status, _)| *status == 202).count();
    report("code resends", SENT, sent);
    assert_eq!(sent, 1, "{resends:?}");
    let tries = bodies(|_| json!({ "email": "new@example.com" }));
    let signups = fire(&app, None, "/api/v1/signup/code", tries).await;
    let sent = signups.iter().filter(|(status, _)| *status == 202).count();
    report("sign-up codes sent", SENT, sent);
    assert_eq!(sent, 1, "{signups:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_end_links_are_checked_no_more_than_the_auth_rate_limit() {
    let app = spawn_app_with(|settings| settings.rate_limit_auth = 20).await;
    let tries = bodies(|i| json!({ "token": coffer_shared::b64::encode([i as u8; 32]) }));
    let answers = fire(&app, None, "/api/v1/sessions/end-by-link", tries).await;
    assert_eq!(checked("end links (auth bucket of 20)", &answers), 20, "{answers:?}");
    assert_eq!(count(&answers, "not_found"), 20);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_creates_get_exactly_the_rate_limit() {
    let app = spawn_app_with(|settings| settings.rate_limit_create = 30).await;
    let tries = bodies(|_| serde_json::to_value(&TestShare::new("s", 1).request).unwrap());
    let answers = fire(&app, None, "/api/v1/shares", tries).await;
    let created = answers.iter().filter(|(status, _)| *status == 201).count();
    report("create bucket of 30", SENT, created);
    assert_eq!(created, 30, "{answers:?}");
    assert_eq!(app.share_count().await, 30);
}
