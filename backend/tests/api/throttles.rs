//! Who a wrong try counts against: an unknown address exactly like a known one, the owner's
//! browser (with its device cookie) apart from strangers, a used authenticator code not at all,
//! and a passphrase change voids sign-ins still waiting for their second factor. Racing tries,
//! spread over three servers of one database on PostgreSQL, get no more than a lone one.

use coffer_shared::crypto::totp;
use futures_util::future::join_all;
use reqwest::Method;
use serde_json::{Value, json};

use crate::account::enrol;
use crate::helpers::{TestApp, cluster, json, spawn_app};
use crate::users::{PASSPHRASE, Salt, TestUser, last_code, proof, upload};

/// The device cookie a response sets, as `name=value`.
fn device_cookie(response: &reqwest::Response) -> String {
    let set = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|value| value.to_str().unwrap().to_owned())
        .find(|value| value.starts_with("__Host-coffer_device_"))
        .expect("a device cookie");
    set.split(';').next().unwrap().to_owned()
}

/// `POST path` carrying `cookie`.
async fn post_with(app: &TestApp, cookie: &str, path: &str, body: &Value) -> reqwest::Response {
    let url = format!("{}{path}", app.address);
    app.client.post(url).header("cookie", cookie).json(body).send().await.unwrap()
}

/// Signs `user` in from their own browser and answers the device cookie it is handed.
async fn own_browser(app: &TestApp, user: &TestUser) -> String {
    let started = json(app.sign_in_start(&user.email, user.salt, PASSPHRASE).await).await;
    let code = last_code(app, &user.email);
    let body = json!({ "signin_token": started["signin_token"], "code": code });
    let verified = app.post("/api/v1/signin/verify", &body).await;
    assert_eq!(verified.status(), 200);
    device_cookie(&verified)
}

/// Status, `Retry-After` and body of each of `tries` wrong sign-ins at `email`.
async fn wrong_signins(app: &TestApp, email: &str, salt: Salt, tries: usize) -> Vec<(u16, String, Value)> {
    let mut answers = Vec::new();
    for _ in 0..tries {
        let response = app.sign_in_start(email, salt, "not the passphrase").await;
        let status = response.status().as_u16();
        let retry = response.headers().get("retry-after").map(|v| v.to_str().unwrap().to_owned());
        answers.push((status, retry.unwrap_or_default(), json(response).await));
    }
    answers
}

#[tokio::test]
async fn an_unknown_address_gets_exactly_the_answers_and_counters_of_an_existing_one() {
    let app = spawn_app().await;
    let user = app.sign_up("alice@example.com").await;
    let known = wrong_signins(&app, "alice@example.com", user.salt, 7).await;
    let unknown = wrong_signins(&app, "nobody@example.com", user.salt, 7).await;
    let statuses: Vec<u16> = known.iter().map(|(status, _, _)| *status).collect();
    assert_eq!(statuses, [401, 401, 401, 401, 401, 429, 429]);
    assert_eq!(known, unknown);
    // The counter of an unknown address also ends like a known one's.
    app.clock.advance(900);
    assert_eq!(wrong_signins(&app, "nobody@example.com", user.salt, 1).await[0].0, 401);
}

#[tokio::test]
async fn counters_of_made_up_addresses_are_forgotten_once_their_tries_are_old() {
    let app = spawn_app().await;
    let user = app.sign_up("alice@example.com").await;
    for i in 0..30 {
        wrong_signins(&app, &format!("made-up-{i}@example.com"), user.salt, 1).await;
    }
    let stored = app.state.store.attempts_stored().await.unwrap();
    assert!(stored >= 30, "{stored}");
    app.clock.advance(899);
    coffer_backend::sweeper::sweep_once(&app.state).await;
    assert!(app.state.store.attempts_stored().await.unwrap() >= 30, "kept while the tries count");
    app.clock.advance(1);
    coffer_backend::sweeper::sweep_once(&app.state).await;
    assert_eq!(app.state.store.attempts_stored().await.unwrap(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn servers_sweeping_at_once_forget_each_idle_counter_once() {
    let servers = cluster(3, |_| {}).await;
    let user = servers[0].sign_up("alice@example.com").await;
    for i in 0..30 {
        let server = &servers[i % servers.len()];
        wrong_signins(server, &format!("made-up-{i}@example.com"), user.salt, 1).await;
    }
    let stored = servers[0].state.store.attempts_stored().await.unwrap();
    assert!(stored >= 30, "{stored}");
    let later = servers[0].clock_now() + 900;
    let sweeps = servers.iter().flat_map(|server| [0, 1].map(|_| server.state.store.sweep_attempts(later)));
    let removed: usize = join_all(sweeps).await.into_iter().map(Result::unwrap).sum();
    assert_eq!(removed as u64, stored, "each counted by the one sweep that deleted it");
    assert_eq!(servers[0].state.store.attempts_stored().await.unwrap(), 0);
}

#[tokio::test]
async fn a_stranger_cannot_lock_the_owner_out_of_their_own_browser() {
    let app = spawn_app().await;
    let user = app.sign_up("alice@example.com").await;
    let device = own_browser(&app, &user).await;
    let refused = wrong_signins(&app, "alice@example.com", user.salt, 20).await;
    assert_eq!(refused.last().unwrap().0, 429, "the stranger is throttled");
    // Any other client is throttled too, even with the right passphrase ...
    assert_eq!(app.sign_in_start(&user.email, user.salt, PASSPHRASE).await.status(), 429);
    // ... but the owner's browser signs in.
    let body = json!({ "email": user.email, "auth_proof": proof(PASSPHRASE, user.salt) });
    let started = post_with(&app, &device, "/api/v1/signin", &body).await;
    assert_eq!(started.status(), 200);
    let token = json(started).await["signin_token"].clone();
    let code = last_code(&app, &user.email);
    let body = json!({ "signin_token": token, "code": code });
    let verified = post_with(&app, &device, "/api/v1/signin/verify", &body).await;
    assert_eq!(verified.status(), 200);
    let renewed = device_cookie(&verified);
    assert_ne!(renewed, device, "each sign-in hands out a fresh device cookie");
}

#[tokio::test]
async fn the_device_cookie_is_host_only_http_only_and_strict() {
    let app = spawn_app().await;
    let user = app.sign_up("alice@example.com").await;
    let started = json(app.sign_in_start(&user.email, user.salt, PASSPHRASE).await).await;
    let body = json!({ "signin_token": started["signin_token"], "code": last_code(&app, &user.email) });
    let verified = app.post("/api/v1/signin/verify", &body).await;
    let set: Vec<String> =
        verified.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_owned()).collect();
    let device = set.iter().find(|v| v.starts_with("__Host-coffer_device_")).unwrap();
    for attribute in ["Path=/", "Secure", "HttpOnly", "SameSite=Strict", "Max-Age=34560000"] {
        assert!(device.contains(attribute), "{device}");
    }
    assert!(set.iter().any(|v| v.starts_with("__Host-coffer_session=")), "{set:?}");
}

#[tokio::test]
async fn a_device_cookie_of_another_address_or_a_forged_one_is_not_trusted() {
    let app = spawn_app().await;
    let alice = app.sign_up("alice@example.com").await;
    let bob = app.sign_up("bob@example.com").await;
    let alices = own_browser(&app, &alice).await;
    let bobs = own_browser(&app, &bob).await;
    wrong_signins(&app, "bob@example.com", bob.salt, 5).await;
    let body = json!({ "email": bob.email, "auth_proof": proof(PASSPHRASE, bob.salt) });
    assert_eq!(post_with(&app, &alices, "/api/v1/signin", &body).await.status(), 429);
    // Alice's cookie value under the name of Bob's address: the tag binds the address.
    let (bob_name, _) = bobs.split_once('=').unwrap();
    let (_, alice_value) = alices.split_once('=').unwrap();
    let moved = format!("{bob_name}={alice_value}");
    assert_eq!(post_with(&app, &moved, "/api/v1/signin", &body).await.status(), 429);
    assert_eq!(post_with(&app, &bobs, "/api/v1/signin", &body).await.status(), 200);
}

#[tokio::test]
async fn a_stranger_who_knows_the_passphrase_cannot_lock_the_owner_out_of_the_second_factor() {
    let app = spawn_app().await;
    let user = app.sign_up("alice@example.com").await;
    let device = own_browser(&app, &user).await;
    let stranger = json(app.sign_in_start(&user.email, user.salt, PASSPHRASE).await).await;
    for _ in 0..6 {
        let body = json!({ "signin_token": stranger["signin_token"], "code": "00000001" });
        app.post("/api/v1/signin/verify", &body).await;
    }
    let body = json!({ "signin_token": stranger["signin_token"], "code": last_code(&app, &user.email) });
    assert_eq!(app.post("/api/v1/signin/verify", &body).await.status(), 429, "the stranger is throttled");
    let body = json!({ "email": user.email, "auth_proof": proof(PASSPHRASE, user.salt) });
    let owner = json(post_with(&app, &device, "/api/v1/signin", &body).await).await;
    let body = json!({ "signin_token": owner["signin_token"], "code": last_code(&app, &user.email) });
    assert_eq!(post_with(&app, &device, "/api/v1/signin/verify", &body).await.status(), 200);
}

#[tokio::test]
async fn a_used_authenticator_code_gets_its_own_answer_and_costs_no_try() {
    let app = spawn_app().await;
    let user = app.sign_up("alice@example.com").await;
    let (secret, _) = enrol(&app, &user).await;
    app.clock.advance(30);
    let code = format!("{:06}", totp::code_at(&secret, totp::step_at(app.clock_now())));
    let first = json(app.sign_in_start(&user.email, user.salt, PASSPHRASE).await).await;
    app.finish_sign_in(first["signin_token"].as_str().unwrap(), &code).await;
    // An honest second sign-in within the same 30 seconds types the same code.
    let second = json(app.sign_in_start(&user.email, user.salt, PASSPHRASE).await).await;
    let body = json!({ "signin_token": second["signin_token"], "code": code });
    let used = app.post("/api/v1/signin/verify", &body).await;
    assert_eq!(used.status(), 401);
    let used = json(used).await;
    assert_eq!(used["code"], "code_used");
    assert_eq!(used["message"], "This code was just used; wait for the next one.");
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let body = json!({ "signin_token": second["signin_token"], "code": wrong });
    let wrong = json(app.post("/api/v1/signin/verify", &body).await).await;
    assert_eq!(
        wrong["message"], "That code is not right. Check it and type it again: 4 tries left.",
        "the used code cost no try"
    );
}

#[tokio::test]
async fn a_passphrase_change_voids_sign_ins_waiting_for_their_second_factor() {
    let app = spawn_app().await;
    let user = app.sign_up("alice@example.com").await;
    let waiting = json(app.sign_in_start(&user.email, user.salt, PASSPHRASE).await).await;
    let code = last_code(&app, &user.email);
    let body = json!({
        "auth_proof": proof(PASSPHRASE, user.salt),
        "keys": upload("a brand new passphrase", Salt::v2(&user.email, [8; 16]), &user.account_id, &user.secrets),
    });
    let changed =
        app.send_as(Some(&user.browser), Method::POST, "/api/v1/account/passphrase", Some(&body)).await;
    assert_eq!(changed.status(), 204);
    let body = json!({ "signin_token": waiting["signin_token"], "code": code });
    let late = app.post("/api/v1/signin/verify", &body).await;
    assert_eq!(late.status(), 401);
    assert_eq!(json(late).await["code"], "signin_expired");
}

#[tokio::test]
async fn one_mailed_code_gets_no_more_than_five_wrong_tries_from_every_browser_together() {
    let app = spawn_app().await;
    let user = app.sign_up("alice@example.com").await;
    let device = own_browser(&app, &user).await;
    let body = json!({ "email": user.email, "auth_proof": proof(PASSPHRASE, user.salt) });
    let owner = json(post_with(&app, &device, "/api/v1/signin", &body).await).await;
    let stranger = json(app.sign_in_start(&user.email, user.salt, PASSPHRASE).await).await;
    let code = last_code(&app, &user.email);
    let wrong = |token: &Value| json!({ "signin_token": token, "code": "00000001" });
    for _ in 0..3 {
        app.post("/api/v1/signin/verify", &wrong(&stranger["signin_token"])).await;
    }
    for _ in 0..2 {
        post_with(&app, &device, "/api/v1/signin/verify", &wrong(&owner["signin_token"])).await;
    }
    let body = json!({ "signin_token": owner["signin_token"], "code": code });
    let dead = post_with(&app, &device, "/api/v1/signin/verify", &body).await;
    assert_eq!(dead.status(), 401);
    assert_eq!(json(dead).await["code"], "code_expired", "the fifth wrong try killed the code");
}

#[tokio::test]
async fn changing_the_passphrase_retires_every_device_cookie_but_the_changing_browsers() {
    let app = spawn_app().await;
    let user = app.sign_up("alice@example.com").await;
    let old = own_browser(&app, &user).await;
    let new_salt = Salt::v2(&user.email, [8; 16]);
    let body = json!({
        "auth_proof": proof(PASSPHRASE, user.salt),
        "keys": upload("a brand new passphrase", new_salt, &user.account_id, &user.secrets),
    });
    let changed =
        app.send_as(Some(&user.browser), Method::POST, "/api/v1/account/passphrase", Some(&body)).await;
    assert_eq!(changed.status(), 204);
    let renewed = device_cookie(&changed);
    wrong_signins(&app, &user.email, new_salt, 5).await;
    let body = json!({ "email": user.email, "auth_proof": proof("a brand new passphrase", new_salt) });
    assert_eq!(post_with(&app, &old, "/api/v1/signin", &body).await.status(), 429, "retired");
    assert_eq!(post_with(&app, &renewed, "/api/v1/signin", &body).await.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixty_racing_wrong_codes_over_three_servers_get_exactly_five_tries() {
    let servers = cluster(3, |_| {}).await;
    let app = &servers[0];
    let user = app.sign_up("alice@example.com").await;
    let started = json(app.sign_in_start(&user.email, user.salt, PASSPHRASE).await).await;
    let code = last_code(app, &user.email);
    let right: u32 = code.parse().unwrap();
    let tries = (1..=60).map(|n| {
        let server = &servers[n as usize % servers.len()];
        let wrong = format!("{:08}", (right + n) % 100_000_000);
        let body = json!({ "signin_token": started["signin_token"], "code": wrong });
        async move {
            let answer = server.post("/api/v1/signin/verify", &body).await;
            (answer.status().as_u16(), json(answer).await)
        }
    });
    let answers = join_all(tries).await;
    let mut counted: Vec<String> = answers
        .iter()
        .filter(|(status, body)| *status == 401 && body["code"] == "wrong_code")
        .map(|(_, body)| body["message"].as_str().unwrap().to_owned())
        .collect();
    counted.sort();
    let last = "That code is not right, and it was the last try. Ask for a new code in 15 minutes.";
    let expected = [1, 2, 3, 4].map(|left| {
        let tries = if left == 1 { "1 try".to_owned() } else { format!("{left} tries") };
        format!("That code is not right. Check it and type it again: {tries} left.")
    });
    let mut expected = [&expected[..], &[last.to_owned()]].concat();
    expected.sort();
    assert_eq!(counted, expected, "each count given out once");
    let throttled = answers.iter().filter(|(status, _)| *status == 429).count();
    assert_eq!(throttled, 55, "every other try refused: {answers:?}");
    for server in &servers {
        let body = json!({ "signin_token": started["signin_token"], "code": code });
        assert_eq!(server.post("/api/v1/signin/verify", &body).await.status(), 429, "even the right code");
    }
}
