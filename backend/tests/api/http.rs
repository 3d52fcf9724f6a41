//! What every response carries, link previews, rate limits, proxies, health and the OpenAPI
//! document.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::helpers::{TestShare, json, on_disk_blobs, spawn_app, spawn_app_with};

const BOTS: [&str; 6] = [
    "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
    "facebookexternalhit/1.1",
    "WhatsApp/2.23.20.0",
    "Mozilla/5.0 (compatible; Microsoft Office/16.0)",
    "Mozilla/5.0 (compatible; Googlebot/2.1)",
    "TelegramBot (like TwitterBot)",
];

#[tokio::test]
async fn security_headers_are_on_api_static_and_error_responses() {
    let app = spawn_app().await;
    let share = TestShare::new("s", 1);
    for path in ["/api/v1/config", "/", "/s/abc", "/api/v1/nothing", "/healthz"] {
        let response = app.client.get(format!("{}{path}", app.address)).send().await.unwrap();
        let headers = response.headers();
        let csp = headers["content-security-policy"].to_str().unwrap();
        for directive in [
            "script-src 'self' 'wasm-unsafe-eval'",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        ] {
            assert!(csp.contains(directive), "{path}: {csp}");
        }
        assert!(!csp.contains("unsafe-inline"), "{path}");
        assert_eq!(headers["referrer-policy"], "no-referrer", "{path}");
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert!(headers.get("strict-transport-security").is_none(), "{path}: HSTS is off by default");
    }
    let response = app.claim(&share, &share.request.access_token).await;
    assert_eq!(response.headers()["referrer-policy"], "no-referrer");
    assert_eq!(response.headers()["cache-control"], "no-store", "API answers are never cached");
}

#[tokio::test]
async fn hsts_is_sent_when_turned_on() {
    let app = spawn_app_with(|settings| settings.hsts = Some(true)).await;
    let response = app.client.get(format!("{}/", app.address)).send().await.unwrap();
    assert!(response.headers()["strict-transport-security"].to_str().unwrap().starts_with("max-age="));
}

#[tokio::test]
async fn link_previews_by_get_or_head_never_consume_a_view() {
    let app = spawn_app().await;
    let share = TestShare::new("preview me not", 1);
    app.create(&share).await;
    let link = format!("{}/s/{}", app.address, share.id);
    for bot in BOTS {
        let get = app.client.get(&link).header("user-agent", bot).send().await.unwrap();
        assert_eq!(get.status(), 200);
        assert!(get.text().await.unwrap().contains("<title>Coffer</title>"));
        let head = app.client.head(&link).header("user-agent", bot).send().await.unwrap();
        assert_eq!(head.status(), 200);
    }
    assert_eq!(json(app.status(&share.id, &share.request.status_token).await).await["views_left"], 1);
    let body = json(app.claim(&share, &share.request.access_token).await).await;
    assert_eq!(share.open(body["envelope"].as_str().unwrap()), "preview me not");
}

#[tokio::test]
async fn the_download_worker_folder_serves_its_script_and_never_the_app() {
    let app = spawn_app_with(|settings| {
        let folder = settings.static_dir.join("dl");
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join("download-sw.js"), "'use strict';").unwrap();
    })
    .await;
    let get = |path: &'static str| app.client.get(format!("{}{path}", app.address)).send();
    let script = get("/dl/download-sw.js").await.unwrap();
    assert_eq!(script.status(), 200);
    assert!(script.headers()["content-type"].to_str().unwrap().contains("javascript"));
    assert_eq!(script.text().await.unwrap(), "'use strict';");
    // A download the worker no longer holds, or any other path there: not found, not the app,
    // so no page of the app ever runs inside the worker's scope.
    for path in ["/dl/AAAAAAAAAAAAAAAAAAAAAA", "/dl/", "/dl/vault"] {
        let response = get(path).await.unwrap();
        assert_eq!(response.status(), 404, "{path}");
        assert!(!response.text().await.unwrap().contains("<title>Coffer</title>"), "{path}");
    }
    // Elsewhere the app still answers every path.
    assert!(get("/download").await.unwrap().text().await.unwrap().contains("<title>Coffer</title>"));
}

#[tokio::test]
async fn the_app_is_sent_compressed_to_browsers_that_accept_it_and_hashed_files_are_kept_for_a_year() {
    use std::io::Read;
    let script = "export function run() { return 'coffer'; }\n".repeat(500);
    let app = spawn_app_with(|settings| {
        let dir = &settings.static_dir;
        std::fs::write(dir.join("app-0123456789abcdef.js"), &script).unwrap();
        std::fs::write(dir.join("kdf-worker.js"), &script).unwrap();
        coffer_backend::precompress::precompress(dir).unwrap();
    })
    .await;
    let get = |path: &str, accept: &'static str| {
        app.client.get(format!("{}{path}", app.address)).header("accept-encoding", accept).send()
    };
    let header = |response: &reqwest::Response, name: &str| {
        response.headers().get(name).map(|value| value.to_str().unwrap().to_owned())
    };
    let brotli = get("/app-0123456789abcdef.js", "gzip, deflate, br, zstd").await.unwrap();
    assert_eq!(header(&brotli, "content-encoding").as_deref(), Some("br"));
    assert_eq!(header(&brotli, "vary").as_deref(), Some("accept-encoding"));
    assert_eq!(header(&brotli, "cache-control").as_deref(), Some("public, max-age=31536000, immutable"));
    let body = brotli.bytes().await.unwrap();
    assert!(body.len() < script.len() / 10, "{} bytes", body.len());
    let mut plain = String::new();
    ::brotli::Decompressor::new(&body[..], 4096).read_to_string(&mut plain).unwrap();
    assert_eq!(plain, script);
    let gzip = get("/app-0123456789abcdef.js", "gzip").await.unwrap();
    assert_eq!(header(&gzip, "content-encoding").as_deref(), Some("gzip"));
    let mut plain = String::new();
    flate2::read::GzDecoder::new(&gzip.bytes().await.unwrap()[..]).read_to_string(&mut plain).unwrap();
    assert_eq!(plain, script);
    let identity = get("/app-0123456789abcdef.js", "identity").await.unwrap();
    assert_eq!(header(&identity, "content-encoding"), None);
    assert_eq!(header(&identity, "vary").as_deref(), Some("accept-encoding"));
    assert_eq!(identity.text().await.unwrap(), script);
    // A fixed name, the page, and the page sent for an unknown path that looks hashed: always
    // revalidated.
    for path in ["/kdf-worker.js", "/", "/index.html", "/s/abcde-0123456789abcdef.js"] {
        let response = get(path, "br").await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(header(&response, "cache-control").as_deref(), Some("no-cache"), "{path}");
    }
}

#[tokio::test]
async fn creating_too_fast_gets_429_with_retry_after() {
    let app = spawn_app_with(|settings| settings.rate_limit_create = 2).await;
    app.create(&TestShare::new("1", 1)).await;
    app.create(&TestShare::new("2", 1)).await;
    let response =
        app.post("/api/v1/shares", &serde_json::to_value(&TestShare::new("3", 1).request).unwrap()).await;
    assert_eq!(response.status(), 429);
    let retry_after: u64 = response.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=30).contains(&retry_after), "{retry_after}");
    assert_eq!(response.json::<Value>().await.unwrap()["code"], "rate_limited");
    assert_eq!(app.share_count().await, 2);
}

#[tokio::test]
async fn claiming_too_fast_gets_429() {
    let app = spawn_app_with(|settings| settings.rate_limit_claim = 3).await;
    let share = TestShare::new("s", 10);
    app.create(&share).await;
    for _ in 0..3 {
        assert_eq!(app.claim(&share, &share.request.access_token).await.status(), 200);
    }
    assert_eq!(app.claim(&share, &share.request.access_token).await.status(), 429);
    assert_eq!(json(app.status(&share.id, &share.request.status_token).await).await["code"], "rate_limited");
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_forwarded_client_has_its_own_limit() {
    let app = spawn_app_with(|settings| {
        settings.rate_limit_create = 1;
        settings.trusted_proxy = vec!["127.0.0.1/32".parse().unwrap()];
    })
    .await;
    let create_from = |client_ip: &'static str| {
        let body = serde_json::to_value(&TestShare::new("s", 1).request).unwrap();
        app.client
            .post(format!("{}/api/v1/shares", app.address))
            .header("x-forwarded-for", client_ip)
            .json(&body)
            .send()
    };
    assert_eq!(create_from("198.51.100.1").await.unwrap().status(), 201);
    assert_eq!(create_from("198.51.100.2").await.unwrap().status(), 201);
    assert_eq!(create_from("198.51.100.1").await.unwrap().status(), 429);
}

#[tokio::test]
async fn an_untrusted_client_cannot_dodge_limits_with_x_forwarded_for() {
    let app = spawn_app_with(|settings| settings.rate_limit_create = 1).await;
    let create_as = |spoofed: &'static str| {
        let body = serde_json::to_value(&TestShare::new("s", 1).request).unwrap();
        app.client
            .post(format!("{}/api/v1/shares", app.address))
            .header("x-forwarded-for", spoofed)
            .json(&body)
            .send()
    };
    assert_eq!(create_as("198.51.100.1").await.unwrap().status(), 201);
    assert_eq!(create_as("198.51.100.2").await.unwrap().status(), 429);
}

#[tokio::test]
async fn health_and_openapi_answer() {
    let app = spawn_app().await;
    let health = json(app.client.get(format!("{}/healthz", app.address)).send().await.unwrap()).await;
    assert_eq!(health["status"], "ok");
    let ready = app.client.get(format!("{}/readyz", app.address)).send().await.unwrap();
    assert_eq!(ready.status(), 200);
    assert_eq!(json(ready).await["status"], "ready");
    let openapi =
        json(app.client.get(format!("{}/api/v1/openapi.json", app.address)).send().await.unwrap()).await;
    assert!(openapi["openapi"].as_str().unwrap().starts_with("3."));
    assert!(openapi["paths"]["/api/v1/shares/{id}/claim"].is_object());
}

/// Every route the server serves, as OpenAPI spells it: the routers of `backend/src/routes/`
/// nested under `/api/v1`, and `/healthz` and `/readyz`. HEAD is implied by GET. A new route goes here and into
/// `docs/openapi.json`, or the test below fails.
const ROUTES: [(&str, &str); 44] = [
    ("get", "/healthz"),
    ("get", "/readyz"),
    ("get", "/api/v1/config"),
    ("get", "/api/v1/openapi.json"),
    ("post", "/api/v1/shares"),
    ("post", "/api/v1/shares/{id}/status"),
    ("post", "/api/v1/shares/{id}/claim"),
    ("post", "/api/v1/shares/{id}/destroy"),
    ("post", "/api/v1/uploads"),
    ("put", "/api/v1/uploads/{id}/chunks/{index}"),
    ("post", "/api/v1/uploads/{id}/status"),
    ("post", "/api/v1/uploads/{id}/finish"),
    ("post", "/api/v1/uploads/{id}/cancel"),
    ("get", "/api/v1/files/{id}"),
    ("post", "/api/v1/accounts/prelogin"),
    ("post", "/api/v1/signup/code"),
    ("post", "/api/v1/signup/verify"),
    ("post", "/api/v1/signup"),
    ("post", "/api/v1/signin"),
    ("post", "/api/v1/signin/verify"),
    ("post", "/api/v1/signin/resend"),
    ("get", "/api/v1/session"),
    ("post", "/api/v1/session/signout"),
    ("get", "/api/v1/sessions"),
    ("delete", "/api/v1/sessions/{id}"),
    ("post", "/api/v1/sessions/end-others"),
    ("post", "/api/v1/sessions/end-by-link"),
    ("post", "/api/v1/account/totp/setup"),
    ("post", "/api/v1/account/totp/confirm"),
    ("post", "/api/v1/account/totp/disable"),
    ("post", "/api/v1/account/totp/recovery-codes"),
    ("post", "/api/v1/account/passphrase"),
    ("post", "/api/v1/account/delete"),
    ("put", "/api/v1/account/notifications"),
    ("get", "/api/v1/vault/records"),
    ("post", "/api/v1/vault/records"),
    ("put", "/api/v1/vault/records/{id}"),
    ("delete", "/api/v1/vault/records/{id}"),
    ("get", "/api/v1/vault/files"),
    ("get", "/api/v1/vault/files/{id}"),
    ("delete", "/api/v1/vault/files/{id}"),
    ("get", "/api/v1/my/shares"),
    ("post", "/api/v1/my/shares/{id}/destroy"),
    ("get", "/api/v1/activity"),
];

/// The keys of an OpenAPI path item that name an operation.
const OPERATIONS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

#[tokio::test]
async fn the_openapi_document_lists_exactly_the_routes_the_server_serves() {
    let app = spawn_app().await;
    let openapi =
        json(app.client.get(format!("{}/api/v1/openapi.json", app.address)).send().await.unwrap()).await;
    let documented: BTreeSet<(String, String)> = openapi["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, item)| {
            let methods = item.as_object().unwrap().keys().filter(|key| OPERATIONS.contains(&key.as_str()));
            methods.map(move |method| (method.clone(), path.clone()))
        })
        .collect();
    let served: BTreeSet<(String, String)> =
        ROUTES.iter().map(|(method, path)| ((*method).to_owned(), (*path).to_owned())).collect();
    assert_eq!(served.len(), ROUTES.len(), "ROUTES lists a route twice");
    let undocumented: Vec<_> = served.difference(&documented).collect();
    assert!(undocumented.is_empty(), "served but missing from docs/openapi.json: {undocumented:?}");
    let unserved: Vec<_> = documented.difference(&served).collect();
    assert!(unserved.is_empty(), "in docs/openapi.json but not in ROUTES: {unserved:?}");

    // And the list is the server's: each route is there with that method (it may refuse the
    // empty, unauthenticated request, but not as an unknown endpoint or method).
    for (method, path) in ROUTES {
        let url = format!(
            "{}{}",
            app.address,
            path.replace("{id}", "AAAAAAAAAAAAAAAAAAAAAA").replace("{index}", "0")
        );
        let method = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
        let response = app.client.request(method.clone(), url).send().await.unwrap();
        assert_ne!(response.status(), 405, "{method} {path}");
        let body: Value = response.json().await.unwrap_or(Value::Null);
        assert_ne!(body["code"], "no_such_endpoint", "{method} {path}");
    }
}

#[tokio::test]
async fn readyz_is_503_naming_the_checks_when_the_disk_is_below_the_floor() {
    let app = spawn_app_with(|settings| {
        on_disk_blobs(settings);
        settings.min_free_disk = u64::MAX / 2;
    })
    .await;
    let ready = app.client.get(format!("{}/readyz", app.address)).send().await.unwrap();
    assert_eq!(ready.status(), 503);
    let body = json(ready).await;
    assert_eq!(body, serde_json::json!({ "status": "unready" }), "no detail for whoever asks");
    let health = app.client.get(format!("{}/healthz", app.address)).send().await.unwrap();
    assert_eq!(health.status(), 200, "liveness does not depend on room");
}
