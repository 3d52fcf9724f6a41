//! "My shares": shares made while signed in are listed with their views and how they ended;
//! their owner can destroy them without the management token; read receipts are mailed.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestShare, json, spawn_app};
use crate::users::{TestUser, last_mail_to, outbox};

async fn create_as(app: &TestApp, user: &TestUser, share: &TestShare, read_receipt: bool) {
    let mut body = serde_json::to_value(&share.request).unwrap();
    body["read_receipt"] = json!(read_receipt);
    let response = app.send_as(Some(&user.browser), Method::POST, "/api/v1/shares", Some(&body)).await;
    assert_eq!(response.status(), 201);
}

async fn my_shares(app: &TestApp, user: &TestUser) -> Vec<Value> {
    let response = app.send_as(Some(&user.browser), Method::GET, "/api/v1/my/shares", None).await;
    assert_eq!(response.status(), 200);
    json(response).await["shares"].as_array().unwrap().clone()
}

fn find<'a>(shares: &'a [Value], share: &TestShare) -> &'a Value {
    shares.iter().find(|s| s["id"] == share.id.as_str()).unwrap()
}

#[tokio::test]
async fn shares_made_while_signed_in_are_listed_with_views_and_how_they_ended() {
    let app = spawn_app().await;
    let user = app.sign_up("alice@example.com").await;
    let used_up = TestShare::signed("one view", 1, &user.secrets.identity);
    let active = TestShare::signed("two views", 2, &user.secrets.identity);
    let expiring = TestShare::signed("expires", 3, &user.secrets.identity);
    for share in [&used_up, &active, &expiring] {
        create_as(&app, &user, share, false).await;
        app.clock.advance(1);
    }
    let anonymous = TestShare::new("nobody's", 1);
    app.create(&anonymous).await;

    assert_eq!(app.claim(&used_up, &used_up.access_token_for(None)).await.status(), 200);
    assert_eq!(app.claim(&active, &active.access_token_for(None)).await.status(), 200);
    let shares = my_shares(&app, &user).await;
    assert_eq!(shares.len(), 3, "the anonymous share is nobody's");
    assert_eq!(shares[0]["id"], expiring.id.as_str(), "newest first");
    assert_eq!(
        (&find(&shares, &used_up)["state"], &find(&shares, &used_up)["views_used"]),
        (&json!("used_up"), &json!(1))
    );
    assert_eq!(
        (&find(&shares, &active)["state"], &find(&shares, &active)["views_used"]),
        (&json!("active"), &json!(1))
    );

    let destroy = format!("/api/v1/my/shares/{}/destroy", active.id);
    assert_eq!(app.send_as(Some(&user.browser), Method::POST, &destroy, None).await.status(), 204);
    assert_eq!(app.claim(&active, &active.access_token_for(None)).await.status(), 404);
    assert_eq!(app.send_as(Some(&user.browser), Method::POST, &destroy, None).await.status(), 404);

    for _ in 0..3 {
        app.clock.advance(1500); // within the session's idle timeout
        my_shares(&app, &user).await;
    }
    let shares = my_shares(&app, &user).await;
    assert_eq!(find(&shares, &active)["state"], "destroyed");
    assert_eq!(find(&shares, &expiring)["state"], "expired");
}

#[tokio::test]
async fn another_account_can_neither_see_nor_destroy_my_shares() {
    let app = spawn_app().await;
    let alice = app.sign_up("alice@example.com").await;
    let bob = app.sign_up("bob@example.com").await;
    let share = TestShare::signed("alice's", 1, &alice.secrets.identity);
    create_as(&app, &alice, &share, false).await;
    assert!(my_shares(&app, &bob).await.is_empty());
    let destroy = format!("/api/v1/my/shares/{}/destroy", share.id);
    assert_eq!(app.send_as(Some(&bob.browser), Method::POST, &destroy, None).await.status(), 404);
    assert_eq!(app.claim(&share, &share.access_token_for(None)).await.status(), 200);
}

#[tokio::test]
async fn a_read_receipt_tells_the_owner_that_the_share_was_opened_and_nothing_more() {
    let app = spawn_app().await;
    let user = app.sign_up("alice@example.com").await;
    let share = TestShare::signed("the secret text", 2, &user.secrets.identity);
    create_as(&app, &user, &share, true).await;
    let before = outbox(&app).len();
    assert_eq!(app.claim(&share, &share.access_token_for(None)).await.status(), 200);
    let mut waited = 0;
    while outbox(&app).len() == before && waited < 50 {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        waited += 1;
    }
    let receipt = last_mail_to(&app, "alice@example.com");
    assert!(receipt.contains("was opened"), "{receipt}");
    assert!(receipt.contains("1 more time"), "{receipt}");
    assert!(!receipt.contains("the secret text"));
    assert!(!receipt.contains(share.id.as_str()), "only the start of the id");
    assert_eq!(find(&my_shares(&app, &user).await, &share)["read_receipt"], true);
}

#[tokio::test]
async fn a_share_request_with_a_live_session_but_no_csrf_token_is_refused() {
    let app = spawn_app().await;
    let user = app.sign_up("alice@example.com").await;
    let share = TestShare::new("x", 1);
    let browser = crate::users::Browser { csrf: String::new(), ..user.browser.clone() };
    let body = serde_json::to_value(&share.request).unwrap();
    let response = app.send_as(Some(&browser), Method::POST, "/api/v1/shares", Some(&body)).await;
    assert_eq!(response.status(), 403);
    assert_eq!(app.share_count().await, 0);
}
