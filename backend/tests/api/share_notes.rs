//! Share notes (docs/accounts.md, "Share notes"): the label and link a creator keeps sealed with
//! the vault key come back from "My shares" as they were sent; the server refuses a note it
//! could not keep honestly and then stores nothing.

use coffer_shared::b64;
use coffer_shared::crypto::envelope::Envelope;
use coffer_shared::crypto::share_note::{ShareNote, open_note, seal_note};
use coffer_shared::crypto::vault::{VaultRecord, seal_record};
use coffer_shared::id::{RecordId, ShareId};
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestShare, json, spawn_app};
use crate::users::TestUser;

fn note_for(user: &TestUser, id: &ShareId, label: &str) -> String {
    let note = ShareNote { label: label.into(), link: format!("https://coffer.example/s/{id}#KEY") };
    b64::encode(seal_note(&user.secrets.vault_key, id, &note))
}

async fn create_with_note(
    app: &TestApp,
    user: Option<&TestUser>,
    share: &TestShare,
    note: &str,
) -> reqwest::Response {
    let mut body = serde_json::to_value(&share.request).unwrap();
    body["note"] = json!(note);
    app.send_as(user.map(|user| &user.browser), Method::POST, "/api/v1/shares", Some(&body)).await
}

async fn my_shares(app: &TestApp, user: &TestUser) -> Vec<Value> {
    let response = app.send_as(Some(&user.browser), Method::GET, "/api/v1/my/shares", None).await;
    assert_eq!(response.status(), 200);
    json(response).await["shares"].as_array().unwrap().clone()
}

#[tokio::test]
async fn a_note_comes_back_as_sent_opens_only_with_the_owners_key_and_outlives_the_share() {
    let app = spawn_app().await;
    let user = app.sign_up("alice@example.com").await;
    let share = TestShare::signed("wifi: hunter2", 1, &user.secrets.identity);
    let note = note_for(&user, &share.id, "Wi-Fi for Sam");
    assert_eq!(create_with_note(&app, Some(&user), &share, &note).await.status(), 201);

    let listed = &my_shares(&app, &user).await[0];
    assert_eq!(listed["note"], note.as_str());
    assert_eq!((&listed["files"], &listed["password"]), (&json!(0), &json!(false)));
    let envelope = Envelope::parse(&b64::decode(listed["note"].as_str().unwrap()).unwrap()).unwrap();
    let opened = open_note(&user.secrets.vault_key, &share.id, &envelope).unwrap();
    assert_eq!(opened.label, "Wi-Fi for Sam");
    assert!(open_note(&user.secrets.vault_key, &ShareId::random(), &envelope).is_err());

    // Used up: the envelope is gone, the note (and so the label) stays with the summary.
    assert_eq!(app.claim(&share, &share.access_token_for(None)).await.status(), 200);
    let listed = &my_shares(&app, &user).await[0];
    assert_eq!((&listed["state"], &listed["note"]), (&json!("used_up"), &json!(note)));
}

#[tokio::test]
async fn a_note_without_a_session_or_not_a_small_share_note_is_refused_and_nothing_is_stored() {
    let app = spawn_app().await;
    let user = app.sign_up("alice@example.com").await;

    let anonymous = TestShare::new("nobody's", 1);
    let refused = create_with_note(&app, None, &anonymous, &note_for(&user, &anonymous.id, "x")).await;
    assert_eq!(refused.status(), 422);
    assert_eq!(json(refused).await["code"], "invalid_note");
    app.create(&anonymous).await; // the id was not taken

    let share = TestShare::signed("secret", 1, &user.secrets.identity);
    let record =
        b64::encode(seal_record(&user.secrets.vault_key, &RecordId::random(), &VaultRecord::default()));
    let huge = ShareNote { label: "x".repeat(4000), link: String::new() };
    let too_large = b64::encode(seal_note(&user.secrets.vault_key, &share.id, &huge));
    for bad in [record.as_str(), "not base64!", "", &too_large, "Q09GRgE"] {
        let refused = create_with_note(&app, Some(&user), &share, bad).await;
        assert_eq!(refused.status(), 422, "{bad:.40}");
        assert_eq!(json(refused).await["code"], "invalid_note");
    }
    assert!(my_shares(&app, &user).await.is_empty(), "nothing stored");
    assert_eq!(
        create_with_note(&app, Some(&user), &share, &note_for(&user, &share.id, "ok")).await.status(),
        201
    );
}
