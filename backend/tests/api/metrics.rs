//! `--metrics-listen`: a scrape parses as OpenMetrics text, counts requests by route template
//! and status, times them, counts file bytes both ways and the database's commits, and names no
//! id, token or address.

use std::collections::BTreeMap;
use std::net::SocketAddr;

use crate::file_helpers::TestFile;
use crate::file_shares::{claim_json, create_with};
use crate::helpers::{TestApp, TestShare, spawn_app, spawn_app_with, test_database};

/// Each sample of a scrape: `name{labels}` to its value. Fails on a line that is not a comment
/// or `name[{labels}] value`, and unless the text ends with `# EOF`.
fn parse(text: &str) -> BTreeMap<String, f64> {
    assert!(text.ends_with("# EOF\n"), "OpenMetrics text ends with # EOF");
    let mut samples = BTreeMap::new();
    for line in text.lines().filter(|line| !line.starts_with('#')) {
        let (series, value) = line.rsplit_once(' ').unwrap_or_else(|| panic!("no value: {line}"));
        let name = series.split('{').next().unwrap();
        assert!(
            name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') && name.starts_with("coffer_"),
            "a metric name: {line}"
        );
        let value: f64 = value.parse().unwrap_or_else(|_| panic!("a number: {line}"));
        samples.insert(series.to_owned(), value);
    }
    samples
}

async fn scrape(app: &TestApp) -> (String, BTreeMap<String, f64>) {
    let url = format!("{}/metrics", app.metrics.as_ref().expect("a metrics listener"));
    let answer = app.client.get(url).send().await.unwrap();
    assert_eq!(answer.status(), 200);
    let kind = answer.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(kind.starts_with("application/openmetrics-text"), "{kind}");
    let text = answer.text().await.unwrap();
    let samples = parse(&text);
    (text, samples)
}

fn value(samples: &BTreeMap<String, f64>, series: &str) -> f64 {
    *samples.get(series).unwrap_or_else(|| panic!("no {series} in {samples:#?}"))
}

#[tokio::test]
async fn a_scrape_counts_requests_bytes_and_commits_by_template_with_no_ids() {
    let app =
        spawn_app_with(|settings| settings.metrics_listen = Some(SocketAddr::from(([127, 0, 0, 1], 0))))
            .await;
    let (_, before) = scrape(&app).await;
    let created = |samples: &BTreeMap<String, f64>| {
        samples
            .get(r#"coffer_http_requests_total{method="POST",route="/api/v1/shares",status="201"}"#)
            .copied()
            .unwrap_or(0.0)
    };

    let share = TestShare::new("metered", 1);
    let file = TestFile::for_share(&share, 3 << 20, 1 << 20);
    app.upload(&file, None, false).await;
    assert_eq!(create_with(&app, &share, &[&file]).await.status(), 201);
    let claimed = claim_json(&app, &share).await;
    let token = claimed["download_token"].as_str().unwrap().to_owned();
    let body = app.download(&file.id, &token, None).await.bytes().await.unwrap();
    assert_eq!(body.len(), file.ciphertext().len());
    assert_eq!(app.claim(&share, &share.request.access_token).await.status(), 404);
    let unknown =
        app.client.get(format!("{}/api/v1/no/such/{}", app.address, share.id)).send().await.unwrap();
    assert_eq!(unknown.status(), 404);

    let live = TestShare::new("still live", 2);
    app.create(&live).await;

    let (text, after) = scrape(&app).await;
    assert!(created(&after) >= created(&before) + 1.0, "the create is counted");
    let claim_404 =
        r#"coffer_http_requests_total{method="POST",route="/api/v1/shares/{id}/claim",status="404"}"#;
    assert!(value(&after, claim_404) >= 1.0);
    assert!(
        value(&after, r#"coffer_http_requests_total{method="GET",route="unmatched",status="404"}"#) >= 1.0
    );
    let timed =
        r#"coffer_http_request_duration_seconds_count{method="POST",route="/api/v1/shares/{id}/claim"}"#;
    assert!(value(&after, timed) >= 2.0);
    let upload = value(&after, "coffer_uploaded_bytes_total")
        - before.get("coffer_uploaded_bytes_total").copied().unwrap_or(0.0);
    assert!(upload >= file.ciphertext().len() as f64, "{upload}");
    let download = value(&after, "coffer_downloaded_bytes_total")
        - before.get("coffer_downloaded_bytes_total").copied().unwrap_or(0.0);
    assert!(download >= file.ciphertext().len() as f64, "{download}");
    assert!(value(&after, "coffer_shares") >= 1.0);
    assert!(after.contains_key("coffer_sessions"));
    assert!(after.contains_key("coffer_upload_reserved_bytes"));
    if test_database().await.is_none() {
        assert!(value(&after, "coffer_store_commit_duration_seconds_count") >= 1.0);
        assert!(value(&after, "coffer_store_sync_duration_seconds_count") >= 1.0);
    }

    for secret in [share.id.as_str(), live.id.as_str(), file.id.as_str(), token.as_str(), "127.0.0.1"] {
        assert!(!text.contains(secret), "the scrape names {secret}");
    }
}

#[tokio::test]
async fn without_metrics_listen_there_is_no_exporter_and_the_app_serves_no_metrics() {
    let app = spawn_app().await;
    assert!(app.metrics.is_none());
    let answer = app.client.get(format!("{}/metrics", app.address)).send().await.unwrap();
    assert!(!answer.text().await.unwrap().contains("coffer_http_requests_total"));
}
