//! The always-on alerts about credentials (docs/mail.md, "Security alerts"): an authenticator
//! turned on, replaced or off, new recovery codes, a changed passphrase, and a sign-in from a new
//! device, each mailed with every report switched off, naming when and from which client, and
//! never a secret. A refused change mails nothing.

use coffer_shared::crypto::totp::TotpSecret;
use reqwest::Method;
use serde_json::{Value, json};

use crate::account::{code_now, codes_of};
use crate::helpers::{TestApp, json};
use crate::notice_helpers::{
    BERLIN, CHROME, FIREFOX, Mail, mails_starting, mails_to, spawn_app_with_places, wait_for,
};
use crate::users::{Browser, PASSPHRASE, Salt, TestUser, proof, upload};

const ALERT: &str = "Coffer security alert:";
const ALICE: &str = "alice@example.com";
/// Chrome on Linux from Berlin, as every change below is made.
const FROM: (&str, &str) = (BERLIN, CHROME);

/// Waits for the one alert whose subject is `ALERT` then `what`.
async fn alert(app: &TestApp, what: &str) -> Mail {
    let subject = format!("{ALERT} {what}");
    let mails = wait_for(app, ALICE, &subject, 1).await;
    assert_eq!(mails.len(), 1, "one {what:?} alert");
    mails[0].clone()
}

/// Checks that `mail` names the time and the client, says what to do, and holds none of `secrets`.
fn check(mail: &Mail, secrets: &[&str]) {
    for expected in [
        "at 2027-01-15 08:00 UTC, from:",
        "Device: Chrome on Linux",
        "IP address: 203.0.113.9",
        "Place: Berlin, DE",
        "If it was not you, ",
    ] {
        assert!(mail.body.contains(expected), "{expected:?} missing from:\n{}", mail.body);
    }
    for secret in secrets.iter().chain(&[PASSPHRASE, "/session/end#"]) {
        assert!(
            !mail.body.contains(secret) && !mail.subject.contains(secret),
            "{secret:?} in:\n{}",
            mail.body
        );
    }
}

async fn send(app: &TestApp, browser: &Browser, path: &str, body: Option<&Value>) -> reqwest::Response {
    app.send_from(FROM, browser, Method::POST, path, body).await
}

async fn setup(app: &TestApp, browser: &Browser) -> TotpSecret {
    let setup = json(send(app, browser, "/api/v1/account/totp/setup", None).await).await;
    TotpSecret::from_base32(setup["secret"].as_str().unwrap()).unwrap()
}

async fn confirm(app: &TestApp, user: &TestUser, browser: &Browser, secret: &TotpSecret) -> Vec<String> {
    let body = json!({ "code": code_now(app, secret), "auth_proof": proof(PASSPHRASE, user.salt) });
    let confirmed = send(app, browser, "/api/v1/account/totp/confirm", Some(&body)).await;
    assert_eq!(confirmed.status(), 200);
    codes_of(confirmed).await
}

#[tokio::test]
async fn every_credential_change_mails_an_alert_with_reports_off_and_no_secret() {
    let app = spawn_app_with_places().await;
    let user = app.sign_up(ALICE).await;
    let browser = app.sign_in_from(&user, BERLIN, CHROME).await;
    assert_eq!(app.set_notifications(&browser, false, false).await.status(), 200);
    let right = json!({ "auth_proof": proof(PASSPHRASE, user.salt) });
    let wrong = json!({ "auth_proof": proof("not it", user.salt) });

    let first = setup(&app, &browser).await;
    let first_key = first.to_base32();
    let wrong_confirm = json!({ "code": code_now(&app, &first), "auth_proof": wrong["auth_proof"] });
    let refused = send(&app, &browser, "/api/v1/account/totp/confirm", Some(&wrong_confirm)).await;
    assert_eq!(refused.status(), 403);
    let codes = confirm(&app, &user, &browser, &first).await;
    let on = alert(&app, "authenticator turned on").await;
    assert!(on.body.starts_with("An authenticator app was turned on for your Coffer account at"));
    let mut secrets: Vec<&str> = codes.iter().map(String::as_str).collect();
    secrets.extend([first_key.as_str(), right["auth_proof"].as_str().unwrap()]);
    check(&on, &secrets);

    let path = "/api/v1/account/totp/recovery-codes";
    assert_eq!(send(&app, &browser, path, Some(&wrong)).await.status(), 403);
    let renewed = send(&app, &browser, path, Some(&right)).await;
    assert_eq!(renewed.status(), 200);
    let new_codes = codes_of(renewed).await;
    let renewal = alert(&app, "new recovery codes").await;
    assert!(renewal.body.contains("The old recovery codes no longer work."));
    check(&renewal, &new_codes.iter().map(String::as_str).collect::<Vec<_>>());

    let second = setup(&app, &browser).await;
    let replaced_codes = confirm(&app, &user, &browser, &second).await;
    let replaced = alert(&app, "authenticator replaced").await;
    let second_key = second.to_base32();
    let mut secrets: Vec<&str> = replaced_codes.iter().map(String::as_str).collect();
    secrets.push(second_key.as_str());
    check(&replaced, &secrets);

    assert_eq!(send(&app, &browser, "/api/v1/account/totp/disable", Some(&right)).await.status(), 204);
    check(&alert(&app, "authenticator turned off").await, &[]);

    app.sign_in_from(&user, BERLIN, CHROME).await; // with the sign-up's, two sessions the change ends
    let keys =
        upload("a brand new passphrase", Salt::v2(&user.email, [8; 16]), &user.account_id, &user.secrets);
    let body = json!({ "auth_proof": right["auth_proof"], "keys": keys });
    assert_eq!(send(&app, &browser, "/api/v1/account/passphrase", Some(&body)).await.status(), 204);
    let changed = alert(&app, "passphrase changed").await;
    assert!(changed.body.contains("2 other sessions were signed out."), "{}", changed.body);
    check(&changed, &[keys.auth_proof.as_str(), "a brand new passphrase"]);

    // One alert per change, plus the new-device sign-in's; the refusals sent none.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let subjects: Vec<String> =
        mails_starting(&app, ALICE, ALERT).into_iter().map(|mail| mail.subject).collect();
    assert_eq!(subjects.len(), 6, "{subjects:#?}");
}

#[tokio::test]
async fn a_sign_in_from_a_new_device_alerts_even_with_every_report_switched_off() {
    let app = spawn_app_with_places().await;
    let user = app.sign_up(ALICE).await;
    assert_eq!(app.set_notifications(&user.browser, false, false).await.status(), 200);
    app.sign_in_from(&user, BERLIN, FIREFOX).await;
    let last = mails_to(&app, ALICE).pop().unwrap();
    assert_eq!(last.subject, "Coffer security alert: sign-in from a new device and country");
    assert!(last.body.contains("Device: Firefox on Windows"), "{}", last.body);
}
