//! Signed shares (docs/envelope.md, "Signatures"): the status names an owned share's signer, a
//! share made with a session must be signed by the account over its envelope and its files'
//! metadata, and an anonymous share must not be signed. A refused create stores nothing.

use coffer_shared::b64;
use coffer_shared::crypto::Key32;
use coffer_shared::crypto::envelope::Envelope;
use coffer_shared::crypto::identity::IdentityKey;
use coffer_shared::crypto::share::ShareKeys;
use coffer_shared::crypto::signature::SignedFile;
use reqwest::Method;
use serde_json::{Value, json};

use crate::file_helpers::TestFile;
use crate::helpers::{TestApp, TestShare, json, spawn_app};
use crate::users::TestUser;

/// Creates `share` with `files` as `user` (or anonymously); returns status and body.
async fn create(
    app: &TestApp,
    user: Option<&TestUser>,
    share: &TestShare,
    files: &[&TestFile],
) -> (u16, Value) {
    let mut body = serde_json::to_value(&share.request).unwrap();
    body["files"] = Value::Array(files.iter().map(|file| file.share_ref()).collect());
    let browser = user.map(|user| &user.browser);
    let response = app.send_as(browser, Method::POST, "/api/v1/shares", Some(&body)).await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn refused_for_its_signature(outcome: &(u16, Value)) -> bool {
    outcome.0 == 422 && outcome.1["code"] == "invalid_signature"
}

async fn status_of(app: &TestApp, share: &TestShare) -> Value {
    let response = app.status(&share.id, &share.request.status_token).await;
    assert_eq!(response.status(), 200);
    json(response).await
}

#[tokio::test]
async fn an_owned_shares_status_names_its_owner_and_an_anonymous_one_names_nobody() {
    let app = spawn_app().await;
    let user = app.sign_up("alice@example.com").await;
    let owned = TestShare::signed("from alice", 1, &user.secrets.identity);
    assert_eq!(create(&app, Some(&user), &owned, &[]).await.0, 201);
    let anonymous = TestShare::new("from nobody", 1);
    assert_eq!(create(&app, None, &anonymous, &[]).await.0, 201);

    let status = status_of(&app, &owned).await;
    assert_eq!(
        status["signer"],
        json!({
            "address": "alice@example.com",
            "public_key": b64::encode(user.secrets.identity.public_key()),
        })
    );
    // The management token reads the same status.
    let managed = json(app.status(&owned.id, &owned.request.manage_token).await).await;
    assert_eq!(managed["signer"], status["signer"]);
    let status = status_of(&app, &anonymous).await;
    assert!(status.get("signer").is_none(), "{status}");

    // The reader's check passes against the named key, and the claim opens.
    let claimed = json(app.claim(&owned, &owned.access_token_for(None)).await).await;
    let envelope = Envelope::parse(&b64::decode(claimed["envelope"].as_str().unwrap()).unwrap()).unwrap();
    let keys = ShareKeys::derive(&owned.share_key, &owned.id, None);
    let opened =
        keys.open_share(&owned.id, &envelope, &[], Some(&user.secrets.identity.public_key())).unwrap();
    assert_eq!(opened.payload.text, "from alice");
}

#[tokio::test]
async fn a_share_made_with_a_session_must_be_signed_with_the_accounts_key() {
    let app = spawn_app().await;
    let user = app.sign_up("alice@example.com").await;

    let unsigned = TestShare::new("unsigned", 1);
    assert!(refused_for_its_signature(&create(&app, Some(&user), &unsigned, &[]).await));
    let stranger = IdentityKey::from_seed(&Key32::from_bytes([9; 32]));
    let by_stranger = TestShare::signed("someone else's key", 1, &stranger);
    assert!(refused_for_its_signature(&create(&app, Some(&user), &by_stranger, &[]).await));
    let mut forged = TestShare::signed("a broken signature", 1, &user.secrets.identity);
    let mut bytes = b64::decode(&forged.request.envelope).unwrap();
    *bytes.last_mut().unwrap() ^= 1;
    forged.request.envelope = b64::encode(bytes);
    assert!(refused_for_its_signature(&create(&app, Some(&user), &forged, &[]).await));
    // An anonymous share must not be signed, even validly.
    let signed = TestShare::signed("signed, but no session", 1, &user.secrets.identity);
    assert!(refused_for_its_signature(&create(&app, None, &signed, &[]).await));
    assert_eq!(app.share_count().await, 0, "nothing refused is stored");

    assert_eq!(create(&app, Some(&user), &signed, &[]).await.0, 201);
}

#[tokio::test]
async fn a_signed_file_share_must_cover_exactly_its_files_metadata() {
    let app = spawn_app().await;
    let user = app.sign_up("alice@example.com").await;
    let identity = &user.secrets.identity;
    let mut share = TestShare::new("see the files", 1);
    let (first, second) = (TestFile::for_share(&share, 100, 64), TestFile::for_share(&share, 10, 64));
    for file in [&first, &second] {
        app.upload(file, None, false).await;
    }
    let entry = |file: &TestFile| (file.id.to_string(), file.metadata.clone());
    let (a, b) = (entry(&first), entry(&second));

    // Signed over no files, the other order, or one file only: refused, files left unattached.
    for files in [vec![], vec![b.clone(), a.clone()], vec![a.clone()]] {
        let listed: Vec<(&str, &[u8])> = files.iter().map(|(id, m)| (id.as_str(), m.as_slice())).collect();
        share.sign(identity, &listed);
        let outcome = create(&app, Some(&user), &share, &[&first, &second]).await;
        assert!(refused_for_its_signature(&outcome), "{outcome:?}");
    }
    assert_eq!(app.share_count().await, 0);

    share.sign(identity, &[(&a.0, &a.1), (&b.0, &b.1)]);
    assert_eq!(create(&app, Some(&user), &share, &[&first, &second]).await.0, 201);
    let status = status_of(&app, &share).await;
    assert_eq!(status["file_count"], 2);
    let signer: [u8; 32] = b64::decode_array(status["signer"]["public_key"].as_str().unwrap()).unwrap();

    // The reader verifies over the files as the claim lists them.
    let claimed = json(app.claim(&share, &share.access_token_for(None)).await).await;
    let listed: Vec<(String, Vec<u8>)> = claimed["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (f["id"].as_str().unwrap().to_owned(), b64::decode(f["metadata"].as_str().unwrap()).unwrap())
        })
        .collect();
    let files: Vec<SignedFile<'_>> =
        listed.iter().map(|(id, metadata)| SignedFile { id, metadata }).collect();
    let envelope = Envelope::parse(&b64::decode(claimed["envelope"].as_str().unwrap()).unwrap()).unwrap();
    let keys = ShareKeys::derive(&share.share_key, &share.id, None);
    let opened = keys.open_share(&share.id, &envelope, &files, Some(&signer)).unwrap();
    assert_eq!(opened.payload.files, [a.0, b.0]);
    assert_eq!(opened.signer, Some(identity.public_key()));
}
