//! `GET /api/v1/activity`: the signed-in account's events only, newest first, filtered by type,
//! severity and text, paged by cursor (with a bounded scan), checked parameters, and reading it
//! records nothing.

use coffer_backend::audit::Event;
use coffer_backend::audit::event::SigninFailure;
use coffer_backend::audit::record::{NewEvent, Origin};
use coffer_shared::id::RecordId;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{START, spawn_app};
use crate::users::PASSPHRASE;
use crate::vault::{create, note};

fn ids(page: &Value) -> Vec<u64> {
    page["events"].as_array().unwrap().iter().map(|event| event["id"].as_u64().unwrap()).collect()
}

#[tokio::test]
async fn the_activity_is_the_accounts_own_newest_first_filtered_and_paged() {
    let app = spawn_app().await;
    let user = app.sign_up("alice@example.com").await;
    let other = app.sign_up("bob@example.com").await;
    let mut records = Vec::new();
    for name in ["a", "b", "c"] {
        records.push(create(&app, &user, &note(name)).await.0);
        app.clock.advance(10);
    }
    assert_eq!(app.sign_in_start("alice@example.com", user.salt, "wrong").await.status(), 401);
    let all = app.activity(&user.browser, "").await;
    let kinds: Vec<&str> =
        all["events"].as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        [
            "signin_failed",
            "record_created",
            "record_created",
            "record_created",
            "session_created",
            "signed_up"
        ]
    );
    assert_eq!(ids(&all), [6, 5, 4, 3, 2, 1]);
    assert_eq!(all["next"], Value::Null);
    let times: Vec<u64> =
        all["events"].as_array().unwrap().iter().map(|e| e["time"].as_u64().unwrap()).collect();
    assert_eq!(times[0], START + 30);
    assert!(times.windows(2).all(|pair| pair[0] >= pair[1]));
    let bobs = app.activity(&other.browser, "").await;
    assert_eq!(ids(&bobs), [2, 1], "bob sees his own sign-up only");

    assert_eq!(ids(&app.activity(&user.browser, "type=record_created").await), [5, 4, 3]);
    assert_eq!(ids(&app.activity(&user.browser, "type=signed_up,signin_failed").await), [6, 1]);
    assert_eq!(ids(&app.activity(&user.browser, "severity=warning").await), [6]);
    assert_eq!(
        ids(&app.activity(&user.browser, "severity=info&type=signin_failed").await),
        Vec::<u64>::new()
    );
    let by_record = app.activity(&user.browser, &format!("q={}", records[1].as_str().to_lowercase())).await;
    assert_eq!(ids(&by_record), [4], "text search ignores case and looks into detail");
    assert_eq!(ids(&app.activity(&user.browser, "q=WRONG_PASS").await), [6]);
    assert_eq!(ids(&app.activity(&user.browser, "q=api-TESTS").await).len(), 6, "the user agent");
    assert_eq!(ids(&app.activity(&user.browser, "q=127.0.0").await).len(), 6, "the IP");

    let mut seen = Vec::new();
    let mut query = "limit=4".to_owned();
    loop {
        let page = app.activity(&user.browser, &query).await;
        seen.extend(ids(&page));
        match page["next"].as_str() {
            Some(next) => query = format!("limit=4&before={next}"),
            None => break,
        }
    }
    assert_eq!(seen, [6, 5, 4, 3, 2, 1]);
    let first = app.activity(&user.browser, "limit=2").await;
    assert_eq!((ids(&first), &first["next"]), (vec![6, 5], &json!("5")));
    let before = app.export().await.len();
    app.activity(&user.browser, "type=record_created&q=x").await;
    assert_eq!(app.export().await.len(), before, "reading the activity records nothing");
}

#[tokio::test]
async fn bad_parameters_are_422_and_a_missing_session_401() {
    let app = spawn_app().await;
    let user = app.sign_up("alice@example.com").await;
    let long = "x".repeat(101);
    for query in [
        "type=signed_up,nothing",
        "severity=error",
        "limit=0",
        "limit=101",
        "limit=ten",
        "before=abc",
        "before=0",
        "q=",
        &format!("q={long}"),
        "colour=blue",
        "limit=1&limit=2",
    ] {
        let response =
            app.send_as(Some(&user.browser), Method::GET, &format!("/api/v1/activity?{query}"), None).await;
        assert_eq!(response.status(), 422, "{query}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["code"], "invalid_field", "{query}");
    }
    assert_eq!(app.send_as(None, Method::GET, "/api/v1/activity", None).await.status(), 401);
}

#[tokio::test]
async fn a_narrow_search_over_a_long_history_reads_on_with_next() {
    let app = spawn_app().await;
    let user = app.sign_up("alice@example.com").await;
    assert_eq!(app.sign_in_start("alice@example.com", user.salt, "wrong").await.status(), 401);
    // 10,050 newer events, written straight to the log.
    let record = RecordId::random();
    let filler = Event::RecordDeleted { record };
    let events: Vec<NewEvent> = (0..10_050)
        .map(|_| NewEvent::new(START, &filler, Some(user.account_id.clone()), None, Origin::default()))
        .collect();
    for batch in events.chunks(2000) {
        app.state.audit.append(batch.to_vec()).await.unwrap();
    }
    let first = app.activity(&user.browser, "type=signin_failed").await;
    assert_eq!(ids(&first), Vec::<u64>::new(), "the scan stopped after 10,000 events");
    let next = first["next"].as_str().unwrap();
    let second = app.activity(&user.browser, &format!("type=signin_failed&before={next}")).await;
    assert_eq!(ids(&second), [3]);
    assert_eq!(second["next"], Value::Null);
    let _ = SigninFailure::UnknownAddress;
    let _ = PASSPHRASE;
}
