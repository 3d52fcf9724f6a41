//! The sign-out report and the weekly digest (docs/mail.md), and the preferences that switch
//! them off (docs/api.md, "Account").

use reqwest::Method;
use serde_json::json;

use crate::helpers::{AGENT, TestShare, spawn_app};
use crate::notice_helpers::{BERLIN, CHROME, FIREFOX, mails_starting, spawn_app_with_places, wait_for};
use crate::vault::{create, note};

const REPORT: &str = "Coffer session report:";
const DIGEST: &str = "Your Coffer week:";
const DAY: u64 = 86_400;

#[tokio::test]
async fn the_sign_out_report_tells_the_device_ip_place_and_what_the_session_did() {
    let app = spawn_app_with_places().await;
    let mut user = app.sign_up("alice@example.com").await;
    // Done in the sign-up's session: not in the report of the other one.
    create(&app, &user, &note("from the first session")).await;
    user.browser = app.sign_in_from(&user, BERLIN, CHROME).await;
    let (first, _) = create(&app, &user, &note("groceries")).await;
    create(&app, &user, &note("bank")).await;
    let share = TestShare::signed("the launch code", 1, &user.secrets.identity);
    let body = serde_json::to_value(&share.request).unwrap();
    let created = app.send_as(Some(&user.browser), Method::POST, "/api/v1/shares", Some(&body)).await;
    assert_eq!(created.status(), 201);
    let refused =
        app.send_as(Some(&user.browser), Method::POST, "/api/v1/vault/records", Some(&json!({}))).await;
    assert_eq!(refused.status(), 422);
    app.clock.advance(600);
    app.sign_out(&user.browser).await;

    let reports = wait_for(&app, "alice@example.com", REPORT, 1).await;
    let report = &reports[0];
    assert_eq!(report.subject, "Coffer session report: Chrome on Linux, signed out 2027-01-15 08:10 UTC");
    for expected in [
        "Device: Chrome on Linux",
        "IP address: 203.0.113.9",
        "Place: Berlin, DE",
        "Signed in: 2027-01-15 08:00 UTC",
        "Signed out: 2027-01-15 08:10 UTC",
        "vault items added: 2\n",
        "shares created: 1\n",
        "requests rejected: 1\n",
        "sign-outs: 1\n",
        &format!("vault item added ({})", &first.as_str()[..8]),
        &format!("share created ({}, 1 views, 0 files)", &share.id.as_str()[..8]),
        "refused: an invalid request",
    ] {
        assert!(report.body.contains(expected), "{expected:?} missing from:\n{}", report.body);
    }
    for never in
        ["groceries", "the launch code", "from the first session", share.request.access_token.as_str()]
    {
        assert!(!report.body.contains(never), "{never:?} in:\n{}", report.body);
    }
}

#[tokio::test]
async fn no_sign_out_report_is_sent_when_the_holder_switched_it_off() {
    let app = spawn_app_with_places().await;
    let user = app.sign_up("alice@example.com").await;
    assert_eq!(
        app.notifications(&user.browser).await,
        json!({ "signout_report": true, "weekly_digest": true })
    );
    let set = app.set_notifications(&user.browser, false, true).await;
    assert_eq!(set.status(), 200);
    assert_eq!(
        set.json::<serde_json::Value>().await.unwrap(),
        json!({ "signout_report": false, "weekly_digest": true })
    );
    let firefox = app.sign_in_from(&user, BERLIN, FIREFOX).await;
    assert_eq!(app.notifications(&firefox).await["signout_report"], false);
    app.sign_out(&firefox).await;

    // Switched on again from the first session, whose own sign-out is then reported.
    assert_eq!(app.set_notifications(&user.browser, true, true).await.status(), 200);
    app.sign_out(&user.browser).await;
    let reports = wait_for(&app, "alice@example.com", REPORT, 1).await;
    assert!(reports[0].subject.contains(AGENT), "{}", reports[0].subject);
    assert_eq!(reports.len(), 1, "the Firefox session's sign-out was not reported: {reports:#?}");
}

#[tokio::test]
async fn preferences_need_both_members_as_booleans_and_the_csrf_token() {
    let app = spawn_app().await;
    let user = app.sign_up("alice@example.com").await;
    let path = "/api/v1/account/notifications";
    for bad in [
        json!({ "signout_report": false }),
        json!({ "signout_report": "no", "weekly_digest": true }),
        json!({ "signout_report": false, "weekly_digest": false, "alerts": false }),
    ] {
        let response = app.send_as(Some(&user.browser), Method::PUT, path, Some(&bad)).await;
        assert_eq!(response.status(), 422, "{bad}");
    }
    let mut no_csrf = user.browser.clone();
    no_csrf.csrf = String::new();
    let body = json!({ "signout_report": false, "weekly_digest": false });
    assert_eq!(app.send_as(Some(&no_csrf), Method::PUT, path, Some(&body)).await.status(), 403);
    assert_eq!(app.send_as(None, Method::PUT, path, Some(&body)).await.status(), 401);
    assert_eq!(
        app.notifications(&user.browser).await,
        json!({ "signout_report": true, "weekly_digest": true })
    );
}

#[tokio::test]
async fn the_weekly_digest_comes_after_seven_days_once_and_not_for_a_quiet_week() {
    let app = spawn_app_with_places().await;
    let user = app.sign_up("alice@example.com").await;
    let browser = app.sign_in_from(&user, BERLIN, CHROME).await;
    let wrong = app
        .post_from(
            BERLIN,
            CHROME,
            "/api/v1/signin",
            &json!({
        "email": "alice@example.com", "auth_proof": crate::users::proof("wrong passphrase", user.salt) }),
        )
        .await;
    assert_eq!(wrong.status(), 401);
    app.sign_out(&browser).await;
    app.sign_out(&user.browser).await;

    app.clock.advance(7 * DAY - 1);
    coffer_backend::sweeper::sweep_once(&app.state).await;
    assert!(mails_starting(&app, "alice@example.com", DIGEST).is_empty(), "not yet 7 days");
    app.clock.advance(1);
    coffer_backend::sweeper::sweep_once(&app.state).await;
    let digests = mails_starting(&app, "alice@example.com", DIGEST);
    assert_eq!(digests.len(), 1);
    let digest = &digests[0];
    assert_eq!(digest.subject, "Your Coffer week: 2 sign-ins, 1 warning");
    for expected in [
        "from 2027-01-15 08:00 UTC to 2027-01-22 08:00 UTC",
        "Chrome on Linux, 203.0.113.9, Berlin, DE",
        "failed sign-ins, Chrome on Linux, 203.0.113.9, Berlin, DE",
        "sign-outs: 2\n",
    ] {
        assert!(digest.body.contains(expected), "{expected:?} missing from:\n{}", digest.body);
    }

    coffer_backend::sweeper::sweep_once(&app.state).await;
    app.clock.advance(DAY);
    coffer_backend::sweeper::sweep_once(&app.state).await;
    assert_eq!(mails_starting(&app, "alice@example.com", DIGEST).len(), 1, "not twice in 7 days");
    app.clock.advance(7 * DAY);
    coffer_backend::sweeper::sweep_once(&app.state).await;
    assert_eq!(mails_starting(&app, "alice@example.com", DIGEST).len(), 1, "a week with no events");
}

#[tokio::test]
async fn no_weekly_digest_is_sent_when_the_holder_switched_it_off() {
    let app = spawn_app().await;
    let user = app.sign_up("alice@example.com").await;
    app.sign_up("bob@example.com").await;
    assert_eq!(app.set_notifications(&user.browser, true, false).await.status(), 200);
    app.clock.advance(7 * DAY);
    coffer_backend::sweeper::sweep_once(&app.state).await;
    assert!(mails_starting(&app, "alice@example.com", DIGEST).is_empty());
    assert_eq!(mails_starting(&app, "bob@example.com", DIGEST).len(), 1, "bob's is on");
}
