//! The security event log of accounts: sign-up, codes, sign-in, sessions, credentials and
//! deletion, each found with its fields in the account's Activity and in the export.

use coffer_shared::crypto::Key32;
use coffer_shared::crypto::totp;
use reqwest::Method;
use serde_json::{Value, json};

use crate::account::enrol;
use crate::audit_helpers::from_test_client;
use crate::helpers::{json, spawn_app, spawn_app_with};
use crate::signin::end_link_token;
use crate::users::{PASSPHRASE, Salt, last_code, last_mail_to, proof, upload};

/// A code that is not `code` (its last digit changed).
fn other_than(code: &str) -> String {
    let last = code.as_bytes()[7];
    format!("{}{}", &code[..7], if last == b'9' { '0' } else { char::from(last + 1) })
}

#[tokio::test]
async fn a_sign_up_records_its_code_the_account_and_the_first_session() {
    let app = spawn_app().await;
    let user = app.sign_up("alice@example.com").await;
    let signed_up = app.logged(&user, "signed_up").await;
    assert_eq!(signed_up.api["severity"], "info");
    assert_eq!(signed_up.api["session"], user.browser.session_id);
    assert_eq!(signed_up.api["detail"], json!({}));
    from_test_client(&signed_up.api);
    assert_eq!(signed_up.export["account"], user.account_id.as_str());
    let created = app.logged(&user, "session_created").await;
    assert_eq!(created.api["detail"], json!({ "via": "signup" }));
    assert_eq!(created.api["session"], user.browser.session_id);

    // Before the account existed, its codes are in the server's chain only.
    let sent = app.exported("code_sent").await;
    assert_eq!(sent.len(), 1);
    assert_eq!((&sent[0]["account"], &sent[0]["detail"]), (&Value::Null, &json!({ "purpose": "signup" })));
    from_test_client(&sent[0]);
    let accepted = app.exported("code_accepted").await;
    assert_eq!(accepted[0]["detail"], json!({ "purpose": "signup", "factor": "email" }));
    assert_eq!(accepted[0]["account"], Value::Null);

    // A sign-up attempt with the address now lands in the account's log.
    assert_eq!(app.post("/api/v1/signup/code", &json!({ "email": "alice@example.com" })).await.status(), 202);
    let again = app.logged(&user, "code_sent").await;
    assert_eq!(
        (&again.api["detail"], &again.api["session"]),
        (&json!({ "purpose": "signup" }), &Value::Null)
    );
    from_test_client(&again.api);
}

#[tokio::test]
async fn sign_up_code_failures_are_recorded_and_the_codes_are_not() {
    let app = spawn_app().await;
    let app = &app;
    let email = "bob@example.com";
    app.post("/api/v1/signup/code", &json!({ "email": email })).await;
    let code = last_code(app, email);
    let verify = |code: String| async move {
        app.post("/api/v1/signup/verify", &json!({ "email": email, "code": code })).await
    };
    for _ in 0..4 {
        assert_eq!(verify(other_than(&code)).await.status(), 401);
    }
    assert_eq!(verify(other_than(&code)).await.status(), 401);
    assert_eq!(verify(code.clone()).await.status(), 429, "throttled, even for the right code");
    let wrong: Vec<Value> =
        app.exported("code_wrong").await.into_iter().map(|e| e["detail"].clone()).collect();
    let tries: Vec<Value> = (1..=4)
        .rev()
        .map(|left| json!({ "purpose": "signup", "factor": "email", "tries_left": left }))
        .collect();
    assert_eq!(wrong, tries);
    let locked = app.exported("code_locked").await;
    assert_eq!(locked[0]["detail"], json!({ "purpose": "signup", "factor": "email", "locked_for": 900 }));
    assert_eq!((&locked[0]["severity"], &locked[0]["account"]), (&json!("warning"), &Value::Null));
    let limited = app.exported("rate_limited").await;
    assert_eq!(limited[0]["detail"], json!({ "limit": "throttle", "retry_after": 900 }));

    let email = "carol@example.com";
    app.post("/api/v1/signup/code", &json!({ "email": email })).await;
    let late = last_code(app, email);
    app.clock.advance(601);
    let expired = app.post("/api/v1/signup/verify", &json!({ "email": email, "code": late })).await;
    assert_eq!(expired.status(), 401);
    assert_eq!(
        app.exported("code_expired").await[0]["detail"],
        json!({ "purpose": "signup", "factor": "email" })
    );

    let everything = serde_json::to_string(&app.export().await).unwrap();
    for secret in [&code, &other_than(&code), &late, &"bob@example.com".to_owned(), &"carol@".to_owned()] {
        assert!(!everything.contains(secret.as_str()), "the log holds {secret}");
    }
}

#[tokio::test]
async fn sign_in_codes_and_the_sign_in_are_recorded_in_the_accounts_log() {
    let app = spawn_app().await;
    let app = &app;
    let user = app.sign_up("alice@example.com").await;
    let start = || async {
        let started = app.sign_in_start("alice@example.com", user.salt, PASSPHRASE).await;
        assert_eq!(started.status(), 200);
        json(started).await["signin_token"].as_str().unwrap().to_owned()
    };
    let verify = |token: &str, code: &str| {
        let body = json!({ "signin_token": token, "code": code });
        async move { app.post("/api/v1/signin/verify", &body).await }
    };
    let token = start().await;
    let sent = app.logged(&user, "code_sent").await;
    assert_eq!((&sent.api["detail"], &sent.api["session"]), (&json!({ "purpose": "signin" }), &Value::Null));
    from_test_client(&sent.api);
    let code = last_code(app, "alice@example.com");
    for left in [4, 3, 2, 1] {
        assert_eq!(verify(&token, &other_than(&code)).await.status(), 401);
        let wrong = app.logged(&user, "code_wrong").await;
        assert_eq!(
            wrong.api["detail"],
            json!({ "purpose": "signin", "factor": "email", "tries_left": left })
        );
        assert_eq!(wrong.api["severity"], "warning");
    }
    assert_eq!(verify(&token, &other_than(&code)).await.status(), 401);
    let locked = app.logged(&user, "code_locked").await;
    assert_eq!(locked.api["detail"], json!({ "purpose": "signin", "factor": "email", "locked_for": 900 }));
    assert_eq!(verify(&token, &code).await.status(), 429);
    let limited = app.logged(&user, "rate_limited").await;
    assert_eq!(limited.api["detail"], json!({ "limit": "throttle", "retry_after": 900 }));
    from_test_client(&limited.api);

    // A sign-in started again within 30 seconds reuses the code mailed, which then dies first.
    app.clock.advance(900);
    start().await;
    let late = last_code(app, "alice@example.com");
    app.clock.advance(10);
    let token = start().await;
    app.clock.advance(595);
    assert_eq!(verify(&token, &late).await.status(), 401);
    let expired = app.logged(&user, "code_expired").await;
    assert_eq!(expired.api["detail"], json!({ "purpose": "signin", "factor": "email" }));

    let token = start().await;
    let browser = app.finish_sign_in(&token, &last_code(app, "alice@example.com")).await;
    let accepted = app.logged(&user, "code_accepted").await;
    assert_eq!(accepted.api["detail"], json!({ "purpose": "signin", "factor": "email" }));
    let succeeded = app.logged(&user, "signin_succeeded").await;
    assert_eq!(
        (&succeeded.api["detail"], &succeeded.api["severity"]),
        (&json!({ "factor": "email" }), &json!("info"))
    );
    assert_eq!(succeeded.api["session"], browser.session_id, "the new session");
    from_test_client(&succeeded.api);
    let created = app.logged(&user, "session_created").await;
    assert_eq!(
        (&created.api["detail"], &created.api["session"]),
        (&json!({ "via": "signin" }), &json!(browser.session_id))
    );
}

#[tokio::test]
async fn a_failed_sign_in_names_its_reason_never_the_input() {
    let app = spawn_app().await;
    let user = app.sign_up("alice@example.com").await;
    assert_eq!(app.sign_in_start("nobody@example.com", user.salt, PASSPHRASE).await.status(), 401);
    let unknown = app.exported("signin_failed").await;
    assert_eq!(
        (&unknown[0]["detail"], &unknown[0]["account"]),
        (&json!({ "reason": "unknown_address" }), &Value::Null)
    );
    from_test_client(&unknown[0]);

    for left in [4, 3, 2, 1, 0] {
        assert_eq!(app.sign_in_start("alice@example.com", user.salt, "wrong guess").await.status(), 401);
        let failed = app.logged(&user, "signin_failed").await;
        assert_eq!(failed.api["detail"], json!({ "reason": "wrong_passphrase", "tries_left": left }));
        assert_eq!((&failed.api["severity"], &failed.api["session"]), (&json!("warning"), &Value::Null));
    }
    assert_eq!(app.sign_in_start("alice@example.com", user.salt, PASSPHRASE).await.status(), 429);
    let throttled = app.logged(&user, "signin_failed").await;
    assert_eq!(throttled.api["detail"], json!({ "reason": "throttled" }));
    assert!(app.exported("rate_limited").await.is_empty(), "the specific event explains the 429");

    let stale = json!({ "signin_token": Key32::random().to_b64(), "code": "12345678" });
    assert_eq!(app.post("/api/v1/signin/verify", &stale).await.status(), 401);
    let denied = app.exported("access_denied").await;
    assert_eq!(denied[0]["detail"], json!({ "status": 401, "code": "signin_expired" }));

    let everything = serde_json::to_string(&app.export().await).unwrap();
    for secret in ["nobody@", "alice@", &proof("wrong guess", user.salt), &proof(PASSPHRASE, user.salt)] {
        assert!(!everything.contains(secret), "the log holds {secret}");
    }
}

#[tokio::test]
async fn the_authenticator_its_sign_ins_and_its_removal_are_recorded() {
    let app = spawn_app().await;
    let user = app.sign_up("alice@example.com").await;
    let (secret, recovery) = enrol(&app, &user).await;
    let enrolled = app.logged(&user, "totp_enrolled").await;
    assert_eq!(
        (&enrolled.api["session"], &enrolled.api["severity"]),
        (&json!(user.browser.session_id), &json!("info"))
    );
    from_test_client(&enrolled.api);

    let start = || async {
        json(app.sign_in_start("alice@example.com", user.salt, PASSPHRASE).await).await["signin_token"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    app.clock.advance(30);
    let fresh = format!("{:06}", totp::code_at(&secret, totp::step_at(app.clock_now())));
    app.finish_sign_in(&start().await, &fresh).await;
    let succeeded = app.logged(&user, "signin_succeeded").await;
    assert_eq!(succeeded.api["detail"], json!({ "factor": "authenticator" }));
    let accepted = app.logged(&user, "code_accepted").await;
    assert_eq!(accepted.api["detail"], json!({ "purpose": "signin", "factor": "authenticator" }));

    let token = start().await;
    let wrong =
        app.post("/api/v1/signin/verify", &json!({ "signin_token": token, "code": "zzzz-zzzz-zzzz" })).await;
    assert_eq!(wrong.status(), 401);
    let failed = app.logged(&user, "code_wrong").await;
    assert_eq!(failed.api["detail"], json!({ "purpose": "signin", "factor": "recovery", "tries_left": 4 }));
    app.finish_sign_in(&token, &recovery[0]).await;
    assert_eq!(app.logged(&user, "signin_succeeded").await.api["detail"], json!({ "factor": "recovery" }));

    let body = json!({ "auth_proof": proof(PASSPHRASE, user.salt) });
    let off =
        app.send_as(Some(&user.browser), Method::POST, "/api/v1/account/totp/disable", Some(&body)).await;
    assert_eq!(off.status(), 204);
    let removed = app.logged(&user, "totp_removed").await;
    assert_eq!(
        (&removed.api["severity"], &removed.api["session"]),
        (&json!("warning"), &json!(user.browser.session_id))
    );
    let everything = serde_json::to_string(&app.export().await).unwrap();
    for code in [&fresh, &recovery[0], &recovery[0].replace('-', "")] {
        assert!(!everything.contains(code.as_str()), "the log holds {code}");
    }
}

#[tokio::test]
async fn signing_out_and_ending_sessions_say_which_session_and_who() {
    let app = spawn_app().await;
    let user = app.sign_up("alice@example.com").await;
    let me = &user.browser;
    let second = app.sign_in(&user).await;
    let ended =
        app.send_as(Some(me), Method::DELETE, &format!("/api/v1/sessions/{}", second.session_id), None).await;
    assert_eq!(ended.status(), 204);
    let one = app.logged(&user, "session_ended").await;
    assert_eq!(one.api["detail"], json!({ "ended": second.session_id, "by": "account" }));
    assert_eq!(one.api["session"], me.session_id, "the session that ended it");
    from_test_client(&one.api);

    let third = app.sign_in(&user).await;
    let fourth = app.sign_in(&user).await;
    let others = app.send_as(Some(me), Method::POST, "/api/v1/sessions/end-others", None).await;
    assert_eq!(json(others).await["ended"], 2);
    let page = app.activity(me, "type=session_ended&limit=2").await;
    let mut ended: Vec<String> = page["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["detail"]["ended"].as_str().unwrap().to_owned())
        .collect();
    ended.sort();
    let mut expected = vec![third.session_id.clone(), fourth.session_id.clone()];
    expected.sort();
    assert_eq!(ended, expected);

    let linked = app.sign_in(&user).await;
    let token = end_link_token(&last_mail_to(&app, "alice@example.com"));
    assert_eq!(app.post("/api/v1/sessions/end-by-link", &json!({ "token": token })).await.status(), 204);
    let by_link = app.logged(&user, "session_ended").await;
    assert_eq!(by_link.api["detail"], json!({ "ended": linked.session_id, "by": "email_link" }));
    assert_eq!(by_link.api["session"], Value::Null, "no session asked");
    from_test_client(&by_link.api);

    let out = app.send_as(Some(me), Method::POST, "/api/v1/session/signout", None).await;
    assert_eq!(out.status(), 204);
    let reader = app.sign_in(&user).await;
    let signed_out = app.logged_for(&reader, &user.account_id, "signed_out").await;
    assert_eq!((&signed_out.api["session"], &signed_out.api["detail"]), (&json!(me.session_id), &json!({})));
    from_test_client(&signed_out.api);
}

#[tokio::test]
async fn sessions_that_time_out_are_recorded_as_expired() {
    let app = spawn_app().await;
    let user = app.sign_up("alice@example.com").await;
    let idle = app.sign_in(&user).await;
    app.clock.advance(1801);
    assert_eq!(app.send_as(Some(&user.browser), Method::GET, "/api/v1/session", None).await.status(), 401);
    coffer_backend::sweeper::sweep_once(&app.state).await;
    let reader = app.sign_in(&user).await;
    let page = app.activity(&reader, "type=session_expired").await;
    let expired = page["events"].as_array().unwrap();
    assert_eq!(expired.len(), 2);
    let by_request = expired.iter().find(|e| e["session"] == user.browser.session_id).unwrap();
    assert_eq!(by_request["detail"], json!({ "reason": "idle" }));
    from_test_client(by_request);
    let by_sweep = expired.iter().find(|e| e["session"] == idle.session_id).unwrap();
    assert_eq!((&by_sweep["detail"], &by_sweep["ip"]), (&json!({ "reason": "idle" }), &Value::Null));
    let denied = app.logged_for(&reader, &user.account_id, "access_denied").await;
    assert_eq!(denied.api["detail"], json!({ "status": 401, "code": "unauthenticated" }));
    assert_eq!(denied.api["session"], Value::Null);
    let exported = app.exported("session_expired").await;
    assert!(exported.iter().all(|e| e["account"] == user.account_id.as_str()));

    let app = spawn_app_with(|settings| settings.session_max = 300).await;
    let user = app.sign_up("bob@example.com").await;
    app.clock.advance(250);
    assert_eq!(app.send_as(Some(&user.browser), Method::GET, "/api/v1/session", None).await.status(), 200);
    app.clock.advance(100);
    assert_eq!(app.send_as(Some(&user.browser), Method::GET, "/api/v1/session", None).await.status(), 401);
    let reader = app.sign_in(&user).await;
    let expired = app.logged_for(&reader, &user.account_id, "session_expired").await;
    assert_eq!(
        (&expired.api["detail"], &expired.api["session"]),
        (&json!({ "reason": "max_age" }), &json!(user.browser.session_id))
    );
}

#[tokio::test]
async fn switching_mail_reports_off_is_a_warning_in_the_log() {
    let app = spawn_app().await;
    let user = app.sign_up("alice@example.com").await;
    let body = json!({ "signout_report": false, "weekly_digest": true });
    let path = "/api/v1/account/notifications";
    assert_eq!(app.send_as(Some(&user.browser), Method::PUT, path, Some(&body)).await.status(), 200);
    let changed = app.logged(&user, "notifications_changed").await;
    assert_eq!(changed.api["detail"], json!({ "signout_report": false, "weekly_digest": true }));
    assert_eq!(
        (&changed.api["severity"], &changed.api["session"]),
        (&json!("warning"), &json!(user.browser.session_id))
    );
    from_test_client(&changed.api);
    assert_eq!(changed.export["detail"], changed.api["detail"]);
}

#[tokio::test]
async fn a_passphrase_change_records_itself_and_the_sessions_it_ended() {
    let app = spawn_app().await;
    let user = app.sign_up("alice@example.com").await;
    let other = app.sign_in(&user).await;
    let body = json!({
        "auth_proof": proof(PASSPHRASE, user.salt),
        "keys": upload("a brand new passphrase", Salt::v2(&user.email, [8; 16]), &user.account_id, &user.secrets),
    });
    let changed =
        app.send_as(Some(&user.browser), Method::POST, "/api/v1/account/passphrase", Some(&body)).await;
    assert_eq!(changed.status(), 204);
    let logged = app.logged(&user, "passphrase_changed").await;
    assert_eq!(logged.api["detail"], json!({ "sessions_ended": 1 }));
    assert_eq!(
        (&logged.api["severity"], &logged.api["session"]),
        (&json!("warning"), &json!(user.browser.session_id))
    );
    from_test_client(&logged.api);
    let ended = app.logged(&user, "session_ended").await;
    assert_eq!(ended.api["detail"], json!({ "ended": other.session_id, "by": "passphrase_change" }));
    let everything = serde_json::to_string(&app.export().await).unwrap();
    assert!(!everything.contains(body["keys"]["auth_proof"].as_str().unwrap()));
    assert!(!everything.contains(body["keys"]["wrapped_vault_key"].as_str().unwrap()));
}

#[tokio::test]
async fn an_account_deletion_is_recorded_and_its_log_outlives_it() {
    let app = spawn_app().await;
    let user = app.sign_up("alice@example.com").await;
    let body = json!({ "auth_proof": proof(PASSPHRASE, user.salt) });
    let deleted = app.send_as(Some(&user.browser), Method::POST, "/api/v1/account/delete", Some(&body)).await;
    assert_eq!(deleted.status(), 204);
    let exported = app.exported("account_deleted").await;
    assert_eq!(exported.len(), 1);
    let event = &exported[0];
    assert_eq!(
        (&event["account"], &event["session"]),
        (&json!(user.account_id.as_str()), &json!(user.browser.session_id))
    );
    assert_eq!((&event["severity"], &event["detail"]), (&json!("warning"), &json!({})));
    from_test_client(event);
    // The account's chain (what its Activity read) still holds everything, newest first.
    let page = app.state.store.audit_page(user.account_id.clone(), None, 10, 100, |_| true).await.unwrap();
    let kinds: Vec<&str> = page.events.iter().map(|(_, record)| record.kind.as_str()).collect();
    assert_eq!(kinds, ["account_deleted", "session_created", "signed_up"]);
}
