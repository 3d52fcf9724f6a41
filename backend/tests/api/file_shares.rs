//! Shares with files: attached at creation or not at all, one download token per counted view,
//! downloads streamed whole or from a range, and files that live and die with their share.

use coffer_backend::sweeper::sweep_once;
use serde_json::{Value, json};

use crate::file_helpers::TestFile;
use crate::helpers::{TestApp, TestShare, json, spawn_app};

/// Creates `share` with `files` attached; returns the response.
pub async fn create_with(app: &TestApp, share: &TestShare, files: &[&TestFile]) -> reqwest::Response {
    let mut body = serde_json::to_value(&share.request).unwrap();
    body["files"] = Value::Array(files.iter().map(|file| file.share_ref()).collect());
    app.post("/api/v1/shares", &body).await
}

/// Claims `share` with its access token; panics unless the server answers 200.
pub async fn claim_json(app: &TestApp, share: &TestShare) -> Value {
    let response = app.claim(share, &share.request.access_token).await;
    assert_eq!(response.status(), 200);
    json(response).await
}

#[tokio::test]
async fn a_file_round_trips_from_upload_through_a_share_to_the_reader() {
    let app = spawn_app().await;
    let share = TestShare::new("see attached", 1);
    // 2.5 chunks of the default 1 MiB, so bodies arrive in many pieces.
    let big = TestFile::for_share(&share, (5 << 20) / 2, 1 << 20);
    let small = TestFile::for_share(&share, 10, 1 << 20);
    app.upload(&big, None, false).await;
    app.upload(&small, None, false).await;
    assert_eq!(create_with(&app, &share, &[&big, &small]).await.status(), 201);

    let status = json(app.status(&share.id, &share.request.status_token).await).await;
    assert_eq!(
        (status["file_count"].clone(), status["file_bytes"].clone()),
        (json!(2), json!((5 << 20) / 2 + 10))
    );
    let claimed = claim_json(&app, &share).await;
    assert_eq!(share.open(claimed["envelope"].as_str().unwrap()), "see attached");
    let token = claimed["download_token"].as_str().unwrap();
    assert_eq!(token.len(), 43);
    let files = claimed["files"].as_array().unwrap();
    assert_eq!(
        files.iter().map(|file| file["id"].as_str().unwrap()).collect::<Vec<_>>(),
        [big.id.as_str(), small.id.as_str()]
    );
    assert_eq!(files[0]["size"], (5 << 20) / 2);

    for (file, listed) in [(&big, &files[0]), (&small, &files[1])] {
        let response = app.download(&file.id, token, None).await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-type"], "application/octet-stream");
        assert_eq!(response.headers()["content-length"], file.ciphertext().len().to_string().as_str());
        let bytes = response.bytes().await.unwrap();
        assert_eq!(bytes.as_ref(), file.ciphertext().as_slice());
        assert_eq!(file.open(&bytes, listed["metadata"].as_str().unwrap()), file.plaintext);
    }
    // A broken download continues from where it stopped.
    let from = 1_500_000;
    let rest = app.download(&big.id, token, Some(from)).await;
    assert_eq!(rest.status(), 206);
    let total = big.ciphertext().len();
    assert_eq!(rest.headers()["content-range"], format!("bytes {from}-{}/{total}", total - 1).as_str());
    assert_eq!(rest.bytes().await.unwrap().as_ref(), &big.ciphertext()[from as usize..]);
    assert_eq!(app.download(&big.id, token, Some(total as u64)).await.status(), 416);
}

#[tokio::test]
async fn concurrent_claims_of_three_views_give_exactly_three_download_tokens() {
    let app = spawn_app().await;
    let share = TestShare::new("three readers", 3);
    let file = TestFile::for_share(&share, 1000, 256);
    app.upload(&file, None, false).await;
    assert_eq!(create_with(&app, &share, &[&file]).await.status(), 201);
    let claims = (0..12).map(|_| app.claim(&share, &share.request.access_token));
    let responses = futures_util::future::join_all(claims).await;
    let mut tokens = Vec::new();
    for response in responses {
        if response.status() == 200 {
            tokens.push(json(response).await["download_token"].as_str().unwrap().to_owned());
        } else {
            assert_eq!(response.status(), 404);
        }
    }
    assert_eq!(tokens.len(), 3);
    tokens.dedup();
    assert_eq!(tokens.len(), 3, "every claim gets its own token");
    for token in &tokens {
        let response = app.download(&file.id, token, None).await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.bytes().await.unwrap().as_ref(), file.ciphertext().as_slice());
    }
}

#[tokio::test]
async fn a_share_naming_a_file_it_cannot_take_is_422_and_stores_nothing() {
    let app = spawn_app().await;
    let share = TestShare::new("files", 1);
    let good = TestFile::for_share(&share, 100, 64);
    app.upload(&good, None, false).await;
    let unfinished = TestFile::for_share(&share, 100, 64);
    app.start_upload(&unfinished, None, false).await;
    let mut foreign = TestFile::for_share(&share, 100, 64);
    app.upload(&foreign, None, false).await;
    foreign.token = good.token.clone();
    let user = app.sign_up("files@example.com").await;
    let vault = TestFile::vault(100, 64);
    app.upload(&vault, Some(&user.browser), true).await;

    for (bad, position) in [(&unfinished, 1), (&foreign, 1), (&vault, 1), (&good, 1)] {
        let response = create_with(&app, &share, &[&good, bad]).await;
        assert_eq!(response.status(), 422);
        let body = json(response).await;
        assert_eq!(body["code"], "invalid_file");
        assert!(body["message"].as_str().unwrap().contains(&format!("files[{position}]")), "{body}");
    }
    assert_eq!(app.share_count().await, 0);
    // Nothing was attached by the failed attempts.
    assert_eq!(create_with(&app, &share, &[&good]).await.status(), 201);
    let other = TestShare::new("again", 1);
    assert_eq!(create_with(&app, &other, &[&good]).await.status(), 422, "a file joins one share only");
}

#[tokio::test]
async fn a_download_with_a_wrong_token_or_for_another_share_is_404() {
    let app = spawn_app().await;
    let share = TestShare::new("one", 2);
    let other = TestShare::new("two", 2);
    let file = TestFile::for_share(&share, 100, 64);
    let other_file = TestFile::for_share(&other, 100, 64);
    app.upload(&file, None, false).await;
    app.upload(&other_file, None, false).await;
    create_with(&app, &share, &[&file]).await;
    create_with(&app, &other, &[&other_file]).await;
    let token = claim_json(&app, &share).await["download_token"].as_str().unwrap().to_owned();
    assert_eq!(
        app.download(&file.id, TestShare::new("x", 1).request.access_token.as_str(), None).await.status(),
        404
    );
    assert_eq!(app.download(&other_file.id, &token, None).await.status(), 404);
    assert_eq!(app.download(&file.id, "not-a-token", None).await.status(), 404);
    app.clock.advance(21_600);
    assert_eq!(app.download(&file.id, &token, None).await.status(), 404, "past the download window");
}

#[tokio::test]
async fn files_outlive_the_last_view_until_its_download_window_ends() {
    let app = spawn_app().await;
    let share = TestShare::new("last", 1);
    let file = TestFile::for_share(&share, 100, 64);
    app.upload(&file, None, false).await;
    create_with(&app, &share, &[&file]).await;
    let token = claim_json(&app, &share).await["download_token"].as_str().unwrap().to_owned();
    assert_eq!(app.share_count().await, 0, "the last view ended the share");
    app.clock.advance(21_000);
    sweep_once(&app.state).await;
    assert_eq!(app.download(&file.id, &token, None).await.status(), 200);
    assert_eq!(app.blob_ids().await.len(), 1);
    app.clock.advance(600);
    sweep_once(&app.state).await;
    assert_eq!(app.download(&file.id, &token, None).await.status(), 404);
    assert!(app.blob_ids().await.is_empty());
}

#[tokio::test]
async fn the_id_of_a_share_whose_files_wait_for_their_window_is_not_given_again() {
    // A reader of a used-up share could otherwise make a share of its id and be handed its
    // files again at each view, and keep them from ever being deleted.
    let app = spawn_app().await;
    let share = TestShare::new("last", 1);
    let file = TestFile::for_share(&share, 100, 64);
    app.upload(&file, None, false).await;
    create_with(&app, &share, &[&file]).await;
    claim_json(&app, &share).await;
    let again = TestShare::with_id("mine now", 5, share.id.clone());
    let body = serde_json::to_value(&again.request).unwrap();
    let refused = app.post("/api/v1/shares", &body).await;
    assert_eq!(refused.status(), 409);
    assert_eq!(app.claim(&again, &again.request.access_token).await.status(), 404);
    // Once the window is over and the files are gone, the id is free.
    app.clock.advance(21_600 + 600);
    sweep_once(&app.state).await;
    assert!(app.blob_ids().await.is_empty());
    assert_eq!(app.post("/api/v1/shares", &body).await.status(), 201);
    let opened = json(app.claim(&again, &again.request.access_token).await).await;
    assert!(opened["files"].as_array().is_none_or(Vec::is_empty), "{opened}");
}

#[tokio::test]
async fn destroying_or_exhausting_a_share_deletes_its_files_at_once() {
    let app = spawn_app().await;
    let destroyed = TestShare::new("destroy me", 2);
    let file = TestFile::for_share(&destroyed, 100, 64);
    app.upload(&file, None, false).await;
    create_with(&app, &destroyed, &[&file]).await;
    let token = claim_json(&app, &destroyed).await["download_token"].as_str().unwrap().to_owned();
    assert_eq!(app.destroy(&destroyed.id, &destroyed.request.manage_token).await.status(), 204);
    assert_eq!(app.download(&file.id, &token, None).await.status(), 404);
    assert!(app.blob_ids().await.is_empty());

    let guessed = TestShare::with_password("guess", "right");
    let file = TestFile::for_share(&guessed, 100, 64);
    app.upload(&file, None, false).await;
    create_with(&app, &guessed, &[&file]).await;
    let wrong = guessed.access_token_for(Some("wrong"));
    for _ in 0..app.state.settings.max_wrong_claims {
        assert_eq!(app.claim(&guessed, &wrong).await.status(), 403);
    }
    assert!(app.blob_ids().await.is_empty(), "the last wrong claim deletes the files");
}
