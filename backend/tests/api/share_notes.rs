//! Share notes (docs/accounts.md, "Share notes"): the label and the link a creator keeps sealed
//! with the vault key come back from "My shares" as they were sent; the link goes when the
//! share ends; the server refuses a note it could not keep honestly and then stores nothing.

use coffer_shared::b64;
use coffer_shared::crypto::envelope::Envelope;
use coffer_shared::crypto::share_note::{ShareNote, open_note, seal_note};
use coffer_shared::crypto::vault::{VaultRecord, seal_record};
use coffer_shared::id::{RecordId, ShareId};
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestShare, json, spawn_app};
use crate::users::TestUser;

fn sealed(user: &TestUser, id: &ShareId, note: &ShareNote) -> String {
    b64::encode(seal_note(&user.secrets.vault_key, id, note))
}

fn label_for(user: &TestUser, id: &ShareId, label: &str) -> String {
    sealed(user, id, &ShareNote::label(label, 0, false))
}

fn link_for(user: &TestUser, id: &ShareId) -> String {
    sealed(user, id, &ShareNote::link(&format!("https://coffer.example/s/{id}#KEY")))
}

async fn create_with(
    app: &TestApp,
    user: Option<&TestUser>,
    share: &TestShare,
    notes: &[(&str, &str)],
) -> reqwest::Response {
    let mut body = serde_json::to_value(&share.request).unwrap();
    for (field, value) in notes {
        body[*field] = json!(value);
    }
    app.send_as(user.map(|user| &user.browser), Method::POST, "/api/v1/shares", Some(&body)).await
}

async fn my_shares(app: &TestApp, user: &TestUser) -> Vec<Value> {
    let response = app.send_as(Some(&user.browser), Method::GET, "/api/v1/my/shares", None).await;
    assert_eq!(response.status(), 200);
    json(response).await["shares"].as_array().unwrap().clone()
}

#[tokio::test]
async fn notes_come_back_as_sent_open_only_with_the_owners_key_and_the_link_goes_when_the_share_ends() {
    let app = spawn_app().await;
    let user = app.sign_up("alice@example.com").await;
    let share = TestShare::signed("wifi: hunter2", 1, &user.secrets.identity);
    let (label, link) = (label_for(&user, &share.id, "Wi-Fi for Sam"), link_for(&user, &share.id));
    let created = create_with(&app, Some(&user), &share, &[("note", &label), ("link", &link)]).await;
    assert_eq!(created.status(), 201);

    let listed = &my_shares(&app, &user).await[0];
    assert_eq!((&listed["note"], &listed["link"]), (&json!(label), &json!(link)));
    assert_eq!((&listed["files"], &listed["password"]), (&json!(0), &json!(false)));
    let envelope = Envelope::parse(&b64::decode(&label).unwrap()).unwrap();
    let opened = open_note(&user.secrets.vault_key, &share.id, &envelope).unwrap();
    assert_eq!(
        (opened.label.as_str(), opened.files, opened.password),
        ("Wi-Fi for Sam", Some(0), Some(false))
    );
    assert!(open_note(&user.secrets.vault_key, &ShareId::random(), &envelope).is_err());

    // Used up: the envelope and the link's key are gone in the same write; the label stays.
    assert_eq!(app.claim(&share, &share.access_token_for(None)).await.status(), 200);
    let listed = &my_shares(&app, &user).await[0];
    assert_eq!((&listed["state"], &listed["note"]), (&json!("used_up"), &json!(label)));
    assert_eq!(listed.get("link"), None, "{listed}");
}

#[tokio::test]
async fn destroying_a_share_drops_its_link_too() {
    let app = spawn_app().await;
    let user = app.sign_up("alice@example.com").await;
    let share = TestShare::signed("to destroy", 3, &user.secrets.identity);
    let link = link_for(&user, &share.id);
    assert_eq!(create_with(&app, Some(&user), &share, &[("link", &link)]).await.status(), 201);
    let destroy = format!("/api/v1/my/shares/{}/destroy", share.id);
    assert_eq!(app.send_as(Some(&user.browser), Method::POST, &destroy, None).await.status(), 204);
    let listed = &my_shares(&app, &user).await[0];
    assert_eq!((&listed["state"], listed.get("link")), (&json!("destroyed"), None));
}

#[tokio::test]
async fn a_note_without_a_session_or_not_a_small_share_note_is_refused_and_nothing_is_stored() {
    let app = spawn_app().await;
    let user = app.sign_up("alice@example.com").await;

    let anonymous = TestShare::new("nobody's", 1);
    for field in ["note", "link"] {
        let note = label_for(&user, &anonymous.id, "x");
        let refused = create_with(&app, None, &anonymous, &[(field, &note)]).await;
        assert_eq!(refused.status(), 422);
        assert_eq!(json(refused).await["code"], "invalid_note");
    }
    app.create(&anonymous).await; // the id was not taken

    let share = TestShare::signed("secret", 1, &user.secrets.identity);
    let record =
        b64::encode(seal_record(&user.secrets.vault_key, &RecordId::random(), &VaultRecord::default()));
    let huge = ShareNote::link(&"x".repeat(4000));
    let too_large = sealed(&user, &share.id, &huge);
    for field in ["note", "link"] {
        for bad in [record.as_str(), "not base64!", "", &too_large, "Q09GRgE"] {
            let refused = create_with(&app, Some(&user), &share, &[(field, bad)]).await;
            assert_eq!(refused.status(), 422, "{field} {bad:.40}");
            assert_eq!(json(refused).await["code"], "invalid_note");
        }
    }
    assert!(my_shares(&app, &user).await.is_empty(), "nothing stored");
    let ok = label_for(&user, &share.id, "ok");
    assert_eq!(create_with(&app, Some(&user), &share, &[("note", &ok)]).await.status(), 201);
}
