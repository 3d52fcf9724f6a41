//! The life of a share: create, status, claim, destroy, expire.

use serde_json::json;

use crate::helpers::{TestShare, json, manage_token, spawn_app};

#[tokio::test]
async fn a_claimed_share_decrypts_to_the_original_text_and_counts_the_view() {
    let app = spawn_app().await;
    let share = TestShare::new("the launch code is 0000", 2);
    app.create(&share).await;

    let body = json(app.claim(&share, &share.request.access_token).await).await;
    assert_eq!(body["views_left"], 1);
    assert_eq!(share.open(body["envelope"].as_str().unwrap()), "the launch code is 0000");

    let status = json(app.status(&share.id, &share.request.status_token).await).await;
    assert_eq!(status["views_left"], 1);
    assert_eq!(status["max_views"], 2);
}

#[tokio::test]
async fn reading_the_status_never_consumes_a_view() {
    let app = spawn_app().await;
    let share = TestShare::new("s", 1);
    app.create(&share).await;
    for _ in 0..10 {
        let status = app.status(&share.id, &share.request.status_token).await;
        assert_eq!(status.status(), 200);
        let status = json(status).await;
        assert_eq!(status["views_left"], 1);
        assert_eq!(status["expires_at"], crate::helpers::START + 3600);
        assert_eq!(status["wrong_claims_left"], 5);
    }
    assert_eq!(app.claim(&share, &share.request.access_token).await.status(), 200);
}

#[tokio::test]
async fn the_status_carries_the_header_with_the_password_parameters() {
    let app = spawn_app().await;
    let share = TestShare::with_password("s", "pw");
    app.create(&share).await;
    let status = json(app.status(&share.id, &share.request.status_token).await).await;
    let header = coffer_shared::b64::decode(status["header"].as_str().unwrap()).unwrap();
    let (header, _) = coffer_shared::crypto::envelope::Header::parse(&header).unwrap();
    assert_eq!(header.password.unwrap().kdf, coffer_shared::crypto::kdf::KdfParams::FLOOR);
}

#[tokio::test]
async fn burn_after_reading_allows_exactly_one_claim_and_deletes_the_bytes() {
    let app = spawn_app().await;
    let share = TestShare::new("once", 1);
    app.create(&share).await;
    let first = json(app.claim(&share, &share.request.access_token).await).await;
    assert_eq!(first["views_left"], 0);
    assert_eq!(app.claim(&share, &share.request.access_token).await.status(), 404);
    assert_eq!(app.status(&share.id, &share.request.status_token).await.status(), 404);
    assert_eq!(app.share_count().await, 0);
}

#[tokio::test]
async fn the_management_token_destroys_a_share_and_other_tokens_do_not() {
    let app = spawn_app().await;
    let share = TestShare::new("s", 3);
    app.create(&share).await;
    assert_eq!(app.destroy(&share.id, &share.request.status_token).await.status(), 404);
    assert_eq!(app.destroy(&share.id, &share.request.access_token).await.status(), 404);
    assert_eq!(app.share_count().await, 1);

    let management_status = app.status(&share.id, &manage_token(&share.id)).await;
    assert_eq!(json(management_status).await["views_left"], 3);
    assert_eq!(app.destroy(&share.id, &manage_token(&share.id)).await.status(), 204);
    assert_eq!(app.claim(&share, &share.request.access_token).await.status(), 404);
    assert_eq!(app.share_count().await, 0);
}

#[tokio::test]
async fn an_expired_share_is_never_served_and_the_sweeper_deletes_it() {
    let app = spawn_app().await;
    let share = TestShare::new("s", 3);
    app.create(&share).await;
    app.clock.advance(3599);
    assert_eq!(app.status(&share.id, &share.request.status_token).await.status(), 200);
    app.clock.advance(1);
    assert_eq!(app.status(&share.id, &share.request.status_token).await.status(), 404);
    assert_eq!(app.destroy(&share.id, &manage_token(&share.id)).await.status(), 404);
    assert_eq!(app.share_count().await, 1, "not swept yet");

    let swept =
        app.state.store.sweep_expired(coffer_backend::clock::Clock::now(app.clock.as_ref())).await.unwrap();
    assert_eq!(swept.len(), 1);
    assert_eq!(swept[0].id, share.id);
    assert_eq!(app.share_count().await, 0);
}

#[tokio::test]
async fn the_sweeper_keeps_shares_that_have_not_expired() {
    let app = spawn_app().await;
    let short = TestShare::new("short", 1);
    let mut long = TestShare::new("long", 1);
    long.request.expires_in = 86_400;
    app.create(&short).await;
    app.create(&long).await;
    app.clock.advance(7200);
    assert_eq!(
        app.state
            .store
            .sweep_expired(coffer_backend::clock::Clock::now(app.clock.as_ref()))
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(app.claim(&long, &long.request.access_token).await.status(), 200);
}

#[tokio::test]
async fn missing_expired_used_up_destroyed_and_wrong_token_shares_get_one_identical_404() {
    let app = spawn_app().await;
    let mut bodies = Vec::new();

    let missing = TestShare::new("never stored", 1);
    bodies.push(app.claim(&missing, &missing.request.access_token).await);

    let expired = TestShare::new("e", 1);
    app.create(&expired).await;
    let used = TestShare::new("u", 1);
    app.create(&used).await;
    app.claim(&used, &used.request.access_token).await;
    bodies.push(app.claim(&used, &used.request.access_token).await);
    let destroyed = TestShare::new("d", 1);
    app.create(&destroyed).await;
    app.destroy(&destroyed.id, &manage_token(&destroyed.id)).await;
    bodies.push(app.claim(&destroyed, &destroyed.request.access_token).await);
    let live = TestShare::new("l", 1);
    app.create(&live).await;
    bodies.push(app.status(&live.id, &missing.request.status_token).await);
    app.clock.advance(3600);
    bodies.push(app.claim(&expired, &expired.request.access_token).await);

    let first = (bodies[0].status(), bodies[0].headers().get("content-length").cloned());
    let mut texts = Vec::new();
    for response in bodies {
        assert_eq!((response.status(), response.headers().get("content-length").cloned()), first);
        texts.push(response.text().await.unwrap());
    }
    assert_eq!(first.0, 404);
    assert!(texts.iter().all(|text| text == &texts[0]), "{texts:?}");
    assert_eq!(serde_json::from_str::<serde_json::Value>(&texts[0]).unwrap()["code"], "not_found");
}

#[tokio::test]
async fn a_taken_id_gets_409_and_leaves_the_first_share_intact() {
    let app = spawn_app().await;
    let share = TestShare::new("first", 1);
    app.create(&share).await;
    let mut impostor = TestShare::new("second", 1);
    impostor.id = share.id.clone();
    impostor.request.id = share.id.clone();
    let response = app.post("/api/v1/shares", &serde_json::to_value(&impostor.request).unwrap()).await;
    assert_eq!(response.status(), 409);
    assert_eq!(json(response).await["code"], "id_taken");
    let body = json(app.claim(&share, &share.request.access_token).await).await;
    assert_eq!(share.open(body["envelope"].as_str().unwrap()), "first");
}

#[tokio::test]
async fn the_config_lists_the_expiry_options_under_the_admin_maximum() {
    let app = crate::helpers::spawn_app_with(|settings| settings.max_expiry = 86_400).await;
    let config = json(app.client.get(format!("{}/api/v1/config", app.address)).send().await.unwrap()).await;
    assert_eq!(config["expiry_options"], json!([300, 3600, 86400]));
    assert_eq!(config["max_views"], 100);
    let mut share = TestShare::new("s", 1);
    share.request.expires_in = 604_800;
    let response = app.post("/api/v1/shares", &serde_json::to_value(&share.request).unwrap()).await;
    assert_eq!(response.status(), 422);
    assert_eq!(json(response).await["code"], "invalid_expiry");
}

#[tokio::test]
async fn the_background_sweeper_deletes_expired_shares_on_its_own() {
    let app = crate::helpers::spawn_app_with(|settings| settings.sweep_interval = 1).await;
    let share = TestShare::new("s", 1);
    app.create(&share).await;
    app.clock.advance(3600);
    // The sweeper ticks every second of real time; give it a bounded while.
    for _ in 0..50 {
        if app.share_count().await == 0 {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the sweeper did not delete the expired share within 5 s");
}
