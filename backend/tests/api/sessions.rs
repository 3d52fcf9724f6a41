//! Sessions: the cookie's attributes, idle and absolute timeouts on the injectable clock, CSRF,
//! the sessions list, ending one or all others, and signing out; on PostgreSQL, each seen alike
//! by every server of one database.

use futures_util::future::join_all;
use reqwest::Method;
use serde_json::json;

use crate::helpers::{cluster, json, spawn_app};
use crate::users::Browser;

#[tokio::test]
async fn the_session_cookie_is_host_only_secure_http_only_and_strict() {
    let app = spawn_app().await;
    app.post("/api/v1/signup/code", &json!({ "email": "a@example.com" })).await;
    let code = crate::users::last_code(&app, "a@example.com");
    let verified =
        app.post("/api/v1/signup/verify", &json!({ "email": "a@example.com", "code": code })).await;
    assert_eq!(verified.headers().get("set-cookie"), None, "no cookie before the account exists");
    let user = app.sign_up("b@example.com").await;
    assert!(user.browser.cookie.starts_with("__Host-coffer_session="));
    let response = app.send_as(Some(&user.browser), Method::POST, "/api/v1/session/signout", None).await;
    let cleared = response.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    for attribute in ["Path=/", "Secure", "HttpOnly", "SameSite=Strict"] {
        assert!(cleared.contains(attribute), "{cleared}");
    }
}

async fn session_status(app: &crate::helpers::TestApp, browser: &Browser) -> u16 {
    app.send_as(Some(browser), Method::GET, "/api/v1/session", None).await.status().as_u16()
}

#[tokio::test]
async fn a_session_ends_after_thirty_idle_minutes() {
    let app = spawn_app().await;
    let user = app.sign_up("alice@example.com").await;
    app.clock.advance(1799);
    assert_eq!(session_status(&app, &user.browser).await, 200);
    app.clock.advance(1799);
    assert_eq!(session_status(&app, &user.browser).await, 200, "the last request restarted the idle time");
    app.clock.advance(1800);
    assert_eq!(session_status(&app, &user.browser).await, 401);
}

#[tokio::test]
async fn an_active_session_still_ends_twelve_hours_after_sign_in() {
    let app = spawn_app().await;
    let user = app.sign_up("alice@example.com").await;
    for _ in 0..28 {
        app.clock.advance(1500);
        assert_eq!(session_status(&app, &user.browser).await, 200);
    }
    app.clock.advance(1200); // 43,200 s after sign-in
    assert_eq!(session_status(&app, &user.browser).await, 401);
}

#[tokio::test]
async fn a_state_changing_request_without_the_csrf_token_is_refused() {
    let app = spawn_app().await;
    let user = app.sign_up("alice@example.com").await;
    for csrf in ["", "AAAA", &crate::users::proof("x", [1; 16])] {
        let browser = Browser { csrf: csrf.to_owned(), ..user.browser.clone() };
        let response = app.send_as(Some(&browser), Method::POST, "/api/v1/sessions/end-others", None).await;
        assert_eq!(response.status(), 403, "{csrf:?}");
        assert_eq!(json(response).await["code"], "csrf");
        let signout = app.send_as(Some(&browser), Method::POST, "/api/v1/session/signout", None).await;
        assert_eq!(signout.status(), 403);
    }
    assert_eq!(session_status(&app, &user.browser).await, 200, "reads need no token; nothing was ended");
}

#[tokio::test]
async fn the_sessions_page_lists_every_session_and_ends_one_or_all_others() {
    let app = spawn_app().await;
    let user = app.sign_up("alice@example.com").await;
    let second = app.sign_in(&user).await;
    app.clock.advance(1);
    let third = app.sign_in(&user).await;
    let list = json(app.send_as(Some(&user.browser), Method::GET, "/api/v1/sessions", None).await).await;
    let sessions = list["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 3);
    assert_eq!(sessions[0]["id"], third.session_id.as_str(), "newest first");
    let current: Vec<_> = sessions.iter().filter(|s| s["current"] == true).collect();
    assert_eq!(current.len(), 1);
    assert_eq!(current[0]["id"], user.browser.session_id.as_str());
    assert_eq!(current[0]["ip"], "127.0.0.1");

    let path = format!("/api/v1/sessions/{}", second.session_id);
    assert_eq!(app.send_as(Some(&user.browser), Method::DELETE, &path, None).await.status(), 204);
    assert_eq!(session_status(&app, &second).await, 401);
    assert_eq!(app.send_as(Some(&user.browser), Method::DELETE, &path, None).await.status(), 404);

    let ended = app.send_as(Some(&user.browser), Method::POST, "/api/v1/sessions/end-others", None).await;
    assert_eq!(json(ended).await["ended"], 1);
    assert_eq!(session_status(&app, &third).await, 401);
    assert_eq!(session_status(&app, &user.browser).await, 200);
}

#[tokio::test]
async fn signing_out_ends_the_session() {
    let app = spawn_app().await;
    let user = app.sign_up("alice@example.com").await;
    let response = app.send_as(Some(&user.browser), Method::POST, "/api/v1/session/signout", None).await;
    assert_eq!(response.status(), 204);
    assert_eq!(session_status(&app, &user.browser).await, 401);
    let again = app.send_as(Some(&user.browser), Method::POST, "/api/v1/session/signout", None).await;
    assert_eq!(json(again).await["code"], "unauthenticated");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sessions_ended_by_id_or_as_the_others_on_one_server_are_refused_by_every_server() {
    let servers = cluster(3, |_| {}).await;
    let server = |n: usize| &servers[n % servers.len()];
    let user = server(0).sign_up("alice@example.com").await;
    let (second, third) = (server(1).sign_in(&user).await, server(2).sign_in(&user).await);
    let path = format!("/api/v1/sessions/{}", second.session_id);
    let ended = server(2).send_as(Some(&user.browser), Method::DELETE, &path, None).await;
    assert_eq!(ended.status(), 204);
    let others = server(1).send_as(Some(&user.browser), Method::POST, "/api/v1/sessions/end-others", None);
    assert_eq!(json(others.await).await["ended"], 1);
    for server in &servers {
        assert_eq!(session_status(server, &second).await, 401);
        assert_eq!(session_status(server, &third).await, 401);
        assert_eq!(session_status(server, &user.browser).await, 200);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn servers_sweeping_at_once_end_each_dead_session_once() {
    let servers = cluster(3, |_| {}).await;
    let user = servers[0].sign_up("alice@example.com").await;
    for n in 1..8 {
        servers[n % servers.len()].sign_in(&user).await;
    }
    let settings = &servers[0].state.settings;
    let later = servers[0].clock_now() + settings.session_idle;
    let sweeps = servers.iter().flat_map(|server| {
        [0, 1].map(|_| server.state.store.sweep_sessions(later, settings.session_idle, settings.session_max))
    });
    let mut ended: Vec<String> =
        join_all(sweeps).await.into_iter().flat_map(Result::unwrap).map(|s| s.session_id).collect();
    ended.sort();
    let returned = ended.len();
    ended.dedup();
    assert_eq!((returned, ended.len()), (8, 8), "each dead session returned by one sweep: {ended:?}");
    for server in &servers {
        assert_eq!(session_status(server, &user.browser).await, 401);
    }
}
