//! Vault attachments: uploaded with a session, listed, downloaded and deleted by their account
//! only, served only once finished, and gone with the account.

use reqwest::Method;
use serde_json::json;

use crate::file_helpers::TestFile;
use crate::helpers::{json, spawn_app};
use crate::users::PASSPHRASE;

#[tokio::test]
async fn vault_attachments_belong_to_their_account_only() {
    let app = spawn_app().await;
    let owner = app.sign_up("owner@example.com").await;
    let stranger = app.sign_up("stranger@example.com").await;
    let file = TestFile::vault(500, 128);
    let mut no_csrf = owner.browser.clone();
    no_csrf.csrf = "AAAA".into();
    assert_eq!(app.start_upload(&file, Some(&no_csrf), true).await.status(), 403);
    app.upload(&file, Some(&owner.browser), true).await;

    let listed =
        json(app.send_as(Some(&owner.browser), Method::GET, "/api/v1/vault/files", None).await).await;
    let files = listed["files"].as_array().unwrap();
    assert_eq!(files.len(), 1);
    assert_eq!((files[0]["id"].clone(), files[0]["size"].clone()), (json!(file.id), json!(500)));
    assert_eq!(files[0]["created_at"], crate::helpers::START);
    let path = format!("/api/v1/vault/files/{}", file.id);
    let download = app.send_as(Some(&owner.browser), Method::GET, &path, None).await;
    assert_eq!(download.status(), 200);
    let bytes = download.bytes().await.unwrap();
    assert_eq!(file.open(&bytes, files[0]["metadata"].as_str().unwrap()), file.plaintext);
    let ranged = app
        .client
        .get(format!("{}{path}", app.address))
        .header("cookie", &owner.browser.cookie)
        .header("range", "bytes=100-")
        .send()
        .await
        .unwrap();
    assert_eq!(ranged.status(), 206);
    assert_eq!(ranged.bytes().await.unwrap().as_ref(), &file.ciphertext()[100..]);

    assert_eq!(app.upload_call(&file, "cancel").await.status(), 404, "an attachment is not cancelled");
    let strangers =
        json(app.send_as(Some(&stranger.browser), Method::GET, "/api/v1/vault/files", None).await).await;
    assert_eq!(strangers["files"], json!([]));
    assert_eq!(app.send_as(Some(&stranger.browser), Method::GET, &path, None).await.status(), 404);
    assert_eq!(app.send_as(Some(&stranger.browser), Method::DELETE, &path, None).await.status(), 404);
    assert_eq!(app.send_as(None, Method::GET, &path, None).await.status(), 401);
    assert_eq!(app.send_as(Some(&no_csrf), Method::DELETE, &path, None).await.status(), 403);

    assert_eq!(app.send_as(Some(&owner.browser), Method::DELETE, &path, None).await.status(), 204);
    assert_eq!(app.send_as(Some(&owner.browser), Method::GET, &path, None).await.status(), 404);
    assert!(app.blob_ids().await.is_empty());
}

#[tokio::test]
async fn deleting_the_account_deletes_its_files() {
    let app = spawn_app().await;
    let user = app.sign_up("leaving@example.com").await;
    let attached = TestFile::vault(300, 64);
    let unfinished = TestFile::vault(300, 64);
    app.upload(&attached, Some(&user.browser), true).await;
    app.start_upload(&unfinished, Some(&user.browser), true).await;
    app.put_chunk(&unfinished, 0, unfinished.chunks[0].clone()).await;
    assert_eq!(app.blob_ids().await.len(), 2);
    let proof = crate::users::proof(PASSPHRASE, user.salt);
    let deleted = app
        .send_as(
            Some(&user.browser),
            Method::POST,
            "/api/v1/account/delete",
            Some(&json!({ "auth_proof": proof })),
        )
        .await;
    assert_eq!(deleted.status(), 204);
    assert!(app.blob_ids().await.is_empty());
    assert_eq!(app.upload_call(&unfinished, "status").await.status(), 404);
}

#[tokio::test]
async fn an_attachment_is_not_served_or_listed_until_its_upload_is_finished() {
    let app = spawn_app().await;
    let owner = app.sign_up("owner@example.com").await;
    let file = TestFile::vault(1000, 256);
    assert_eq!(file.chunks.len(), 4);
    let path = format!("/api/v1/vault/files/{}", file.id);
    let started = app.start_upload(&file, Some(&owner.browser), true).await;
    assert_eq!(started.status(), 201);

    // Some chunks, then every chunk: the bytes are all on disk, but the upload is not finished.
    for sent in [1, 4] {
        for index in 0..sent {
            assert_eq!(app.put_chunk(&file, index as u64, file.chunks[index].clone()).await.status(), 200);
        }
        let refused = app.send_as(Some(&owner.browser), Method::GET, &path, None).await;
        assert_eq!(refused.status(), 404, "{sent} chunks");
        assert_eq!(json(refused).await["code"], "not_found");
        let listed = app.send_as(Some(&owner.browser), Method::GET, "/api/v1/vault/files", None).await;
        assert_eq!(json(listed).await["files"], json!([]), "{sent} chunks");
        let status = json(app.upload_call(&file, "status").await).await;
        assert_eq!((&status["received"], &status["finished"]), (&json!([[0, sent - 1]]), &json!(false)));
    }
    assert!(app.exported("file_downloaded").await.is_empty(), "a refused download records nothing");

    assert_eq!(app.finish_upload(&file).await.status(), 200);
    let download = app.send_as(Some(&owner.browser), Method::GET, &path, None).await;
    assert_eq!(download.status(), 200);
    let bytes = download.bytes().await.unwrap();
    assert_eq!(bytes.as_ref(), file.ciphertext().as_slice());
    let listed =
        json(app.send_as(Some(&owner.browser), Method::GET, "/api/v1/vault/files", None).await).await;
    assert_eq!(file.open(&bytes, listed["files"][0]["metadata"].as_str().unwrap()), file.plaintext);
    assert_eq!(app.exported("file_downloaded").await.len(), 1);
}
