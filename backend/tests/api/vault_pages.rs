//! Listing the vault a page at a time (docs/api.md, "Vault"): every record once, in id order,
//! pages bounded in count and bytes, a `version` that tells a listing the vault changed under
//! it, and a bad cursor refused.

use std::collections::BTreeSet;

use coffer_shared::api::PAGE_MAX_BYTES;
use coffer_shared::b64;
use reqwest::Method;
use serde_json::Value;

use crate::helpers::{TestApp, json, spawn_app};
use crate::users::TestUser;
use crate::vault::{create, list, note};

/// `GET /api/v1/vault/records?{query}`: the page, after checking it is a 200.
async fn page(app: &TestApp, user: &TestUser, query: &str) -> Value {
    let path = format!("/api/v1/vault/records?{query}");
    let response = app.send_as(Some(&user.browser), Method::GET, &path, None).await;
    assert_eq!(response.status(), 200, "{query}");
    json(response).await
}

fn ids(page: &Value) -> Vec<String> {
    page["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|record| record["id"].as_str().unwrap().to_owned())
        .collect()
}

/// A note whose sealed envelope is a little over `kib` KiB.
fn note_of(kib: usize) -> coffer_shared::crypto::vault::VaultRecord {
    let mut record = note("big");
    record.notes = "x".repeat(kib * 1024);
    record
}

#[tokio::test]
async fn every_record_is_listed_exactly_once_across_pages_in_id_order() {
    let app = spawn_app().await;
    let alice = app.sign_up("alice@example.com").await;
    let bob = app.sign_up("bob@example.com").await;
    let mut created = BTreeSet::new();
    for i in 0..23 {
        created.insert(create(&app, &alice, &note(&format!("r{i}"))).await.0.as_str().to_owned());
    }
    create(&app, &bob, &note("bob's")).await;

    let (mut listed, mut query, mut pages) = (Vec::new(), "limit=5".to_owned(), 0);
    loop {
        let page = page(&app, &alice, &query).await;
        pages += 1;
        let on_page = ids(&page);
        assert!(on_page.len() <= 5);
        listed.extend(on_page);
        match page["next"].as_str() {
            Some(next) => {
                assert_eq!(Some(next), listed.last().map(String::as_str), "next is the page's last id");
                query = format!("limit=5&after={next}");
            }
            None => break,
        }
    }
    assert_eq!(pages, 5, "23 records in pages of 5");
    assert!(listed.windows(2).all(|pair| pair[0] < pair[1]), "strictly in id order, so never twice");
    assert_eq!(listed.into_iter().collect::<BTreeSet<_>>(), created, "all of alice's and none of bob's");
    assert_eq!(list(&app, &bob).await.len(), 1);
}

#[tokio::test]
async fn a_page_holds_at_most_its_byte_bound_of_envelopes_and_the_listing_goes_on() {
    let app = spawn_app().await;
    let user = app.sign_up("alice@example.com").await;
    for _ in 0..20 {
        create(&app, &user, &note_of(60)).await;
    }
    let first = page(&app, &user, "").await;
    let records = first["records"].as_array().unwrap();
    let sizes: Vec<usize> = records
        .iter()
        .map(|record| b64::decode(record["envelope"].as_str().unwrap()).unwrap().len())
        .collect();
    assert!(sizes.iter().all(|&size| size == sizes[0] && size > 60 * 1024));
    assert_eq!(records.len(), PAGE_MAX_BYTES / sizes[0], "as many as fit in the byte bound, no more");
    assert!(first["next"].is_string());
    assert_eq!(list(&app, &user).await.len(), 20);

    let one = page(&app, &user, "limit=1").await;
    assert_eq!(ids(&one).len(), 1);
    assert_eq!(ids(&page(&app, &user, "limit=1000").await).len(), records.len(), "the byte bound binds");
}

#[tokio::test]
async fn pages_carry_a_version_that_changes_when_the_vault_changes_between_them() {
    let app = spawn_app().await;
    let user = app.sign_up("alice@example.com").await;
    for name in ["a", "b", "c", "d"] {
        create(&app, &user, &note(name)).await;
    }
    let first = page(&app, &user, "limit=2").await;
    let after = first["next"].as_str().unwrap().to_owned();
    let second = page(&app, &user, &format!("limit=2&after={after}")).await;
    assert_eq!(first["version"], second["version"], "an unchanged vault: the pages are one snapshot");
    assert!(second["next"].is_null());

    // A deleted cursor still continues; the change shows in the version.
    let path = format!("/api/v1/vault/records/{after}");
    assert_eq!(app.send_as(Some(&user.browser), Method::DELETE, &path, None).await.status(), 204);
    let again = page(&app, &user, &format!("limit=2&after={after}")).await;
    assert_eq!(ids(&again), ids(&second));
    assert_ne!(again["version"], first["version"]);

    let before = page(&app, &user, "").await["version"].as_u64().unwrap();
    create(&app, &user, &note("e")).await;
    let path = format!("/api/v1/vault/records/{}", ids(&first)[0]);
    assert_eq!(app.send_as(Some(&user.browser), Method::DELETE, &path, None).await.status(), 204);
    assert_eq!(page(&app, &user, "").await["version"].as_u64().unwrap(), before + 2);
}

#[tokio::test]
async fn the_version_never_goes_back_not_even_when_the_vault_empties() {
    let app = spawn_app().await;
    let user = app.sign_up("alice@example.com").await;
    let version = |page: Value| page["version"].as_u64().unwrap();
    assert_eq!(version(page(&app, &user, "").await), 0, "a vault never written to");
    let mut seen = vec![0];
    for round in 0..3 {
        let (id, _) = create(&app, &user, &note(&format!("n{round}"))).await;
        seen.push(version(page(&app, &user, "").await));
        let path = format!("/api/v1/vault/records/{id}");
        assert_eq!(app.send_as(Some(&user.browser), Method::DELETE, &path, None).await.status(), 204);
        let empty = page(&app, &user, "").await;
        assert!(ids(&empty).is_empty() && empty["next"].is_null());
        seen.push(version(empty));
    }
    assert_eq!(seen, [0, 1, 2, 3, 4, 5, 6]);
    let usage = app.state.store.vault_usage(user.account_id.clone()).await.unwrap();
    assert_eq!((usage.records, usage.bytes, usage.version), (0, 0, 6));
}

#[tokio::test]
async fn a_bad_cursor_or_page_size_is_refused_with_422_invalid_field() {
    let app = spawn_app().await;
    let user = app.sign_up("alice@example.com").await;
    create(&app, &user, &note("a")).await;
    let cases = [
        ("after=not-a-cursor", "after:"),
        ("after=", "after:"),
        ("after=AAAAAAAAAAAAAAAAAAAAAB", "after:"),
        ("limit=0", "limit:"),
        ("limit=1001", "limit:"),
        ("limit=ten", "limit:"),
        ("cursor=x", "The query"),
        ("limit=1&limit=2", "The query"),
    ];
    for (query, start) in cases {
        let path = format!("/api/v1/vault/records?{query}");
        let response = app.send_as(Some(&user.browser), Method::GET, &path, None).await;
        assert_eq!(response.status(), 422, "{query}");
        let body = json(response).await;
        assert_eq!(body["code"], "invalid_field", "{query}");
        assert!(body["message"].as_str().unwrap().starts_with(start), "{query}: {}", body["message"]);
    }
}
