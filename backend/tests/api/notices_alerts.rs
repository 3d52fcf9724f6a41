//! The always-on security alerts (docs/mail.md, "Security alerts"): a new device or country in
//! the "new sign-in" mail, several wrong codes, a share destroyed by wrong passwords. Each fires
//! once when it should and not otherwise.

use reqwest::Method;
use serde_json::json;

use crate::helpers::{AGENT, TestShare, manage_token};
use crate::notice_helpers::{
    BERLIN, CHROME, OSAKA, mails_starting, mails_to, spawn_app_with_places, wait_for,
};
use crate::users::{PASSPHRASE, last_code};

const ALERT: &str = "Coffer security alert:";
const NEW_SIGNIN: &str = "New sign-in to Coffer from";

#[tokio::test]
async fn a_sign_in_from_a_new_device_or_country_is_an_alert_in_its_one_sign_in_mail() {
    let app = spawn_app_with_places().await;
    let user = app.sign_up("alice@example.com").await;
    let alice = |app: &crate::helpers::TestApp| mails_to(app, "alice@example.com").len();

    // The sign-up's own device (no place on loopback): no alert.
    let before = alice(&app);
    app.sign_in(&user).await;
    assert_eq!(alice(&app), before + 2, "the code and one sign-in mail");
    let last = mails_to(&app, "alice@example.com").pop().unwrap();
    assert!(last.subject.starts_with(NEW_SIGNIN), "{}", last.subject);
    assert!(last.subject.contains(AGENT));

    let before = alice(&app);
    app.sign_in_from(&user, BERLIN, CHROME).await;
    assert_eq!(alice(&app), before + 2, "the alert is the sign-in mail, not a second one");
    let last = mails_to(&app, "alice@example.com").pop().unwrap();
    assert_eq!(last.subject, "Coffer security alert: sign-in from a new device and country");
    assert!(
        last.body.starts_with(
            "This is a new device for your account.\nThis is a new country for your account (DE).\n"
        ),
        "{}",
        last.body
    );
    assert!(last.body.contains("/session/end#"), "the end link is still there");

    app.sign_in_from(&user, BERLIN, CHROME).await;
    let last = mails_to(&app, "alice@example.com").pop().unwrap();
    assert_eq!(last.subject, "New sign-in to Coffer from Chrome on Linux, 203.0.113.9", "same device again");
    assert!(!last.body.contains("This is a new"));

    app.sign_in_from(&user, OSAKA, CHROME).await;
    let last = mails_to(&app, "alice@example.com").pop().unwrap();
    assert_eq!(last.subject, "Coffer security alert: sign-in from a new country");
    assert!(last.body.starts_with("This is a new country for your account (JP).\n\n"), "{}", last.body);
    assert!(!last.body.contains("new device"));

    app.sign_in_from(&user, BERLIN, AGENT).await;
    let last = mails_to(&app, "alice@example.com").pop().unwrap();
    assert!(last.subject.starts_with(NEW_SIGNIN), "both seen before: {}", last.subject);
    assert_eq!(mails_starting(&app, "alice@example.com", ALERT).len(), 2);
}

#[tokio::test]
async fn several_wrong_codes_alert_the_account_once() {
    let app = spawn_app_with_places().await;
    let user = app.sign_up("alice@example.com").await;
    let body = json!({ "email": user.email, "auth_proof": crate::users::proof(PASSPHRASE, user.salt) });
    let started = app.post_from(OSAKA, CHROME, "/api/v1/signin", &body).await;
    let token = crate::helpers::json(started).await["signin_token"].as_str().unwrap().to_owned();
    let code = last_code(&app, "alice@example.com");
    let wrong = if code == "00000000" { "11111111" } else { "00000000" };
    for _ in 0..5 {
        let body = json!({ "signin_token": token, "code": wrong });
        assert_eq!(app.post_from(OSAKA, CHROME, "/api/v1/signin/verify", &body).await.status(), 401);
    }
    let alerts = wait_for(&app, "alice@example.com", ALERT, 1).await;
    assert_eq!(alerts[0].subject, "Coffer security alert: several wrong sign-in codes");
    for expected in ["(e-mailed codes)", "Chrome on Linux, 198.51.100.7, Osaka, JP", "locked for 15 minutes"]
    {
        assert!(alerts[0].body.contains(expected), "{expected:?} missing from:\n{}", alerts[0].body);
    }
    assert!(!alerts[0].body.contains(&code), "no code in the alert");
    // Another try while locked is refused (429), not a second lock.
    let body = json!({ "signin_token": token, "code": wrong });
    assert_eq!(app.post_from(OSAKA, CHROME, "/api/v1/signin/verify", &body).await.status(), 429);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(mails_starting(&app, "alice@example.com", ALERT).len(), 1);
}

#[tokio::test]
async fn a_share_destroyed_by_wrong_passwords_alerts_its_owner_without_the_readers_address() {
    let app = spawn_app_with_places().await;
    let user = app.sign_up("alice@example.com").await;
    let by_owner = TestShare::signed("kept", 1, &user.secrets.identity);
    let by_guesses = TestShare::signed("guessed", 1, &user.secrets.identity);
    for share in [&by_owner, &by_guesses] {
        let body = serde_json::to_value(&share.request).unwrap();
        let created = app.send_as(Some(&user.browser), Method::POST, "/api/v1/shares", Some(&body)).await;
        assert_eq!(created.status(), 201);
    }
    assert_eq!(app.destroy(&by_owner.id, &manage_token(&by_owner.id)).await.status(), 204);
    let wrong = TestShare::new("other", 1).request.access_token;
    for _ in 0..5 {
        let body = json!({ "status_token": by_guesses.request.status_token, "access_token": wrong });
        let path = format!("/api/v1/shares/{}/claim", by_guesses.id);
        assert_eq!(app.post_from(OSAKA, CHROME, &path, &body).await.status(), 403);
    }
    let alerts = wait_for(&app, "alice@example.com", ALERT, 1).await;
    assert_eq!(
        alerts[0].subject,
        "Coffer security alert: a share was destroyed after too many wrong passwords"
    );
    assert!(alerts[0].body.contains(&format!("Your share {}...", &by_guesses.id.as_str()[..8])));
    for never in ["198.51.100.7", "Osaka", "Chrome", "guessed", by_guesses.request.status_token.as_str()] {
        assert!(!alerts[0].body.contains(never), "{never:?} in:\n{}", alerts[0].body);
    }
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(
        mails_starting(&app, "alice@example.com", ALERT).len(),
        1,
        "the owner's destroy does not alert"
    );
}
