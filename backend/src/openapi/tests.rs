//! `docs/openapi.json` is what the code generates, and it names every route of the API.
//! No endpoint lists a status twice (the document keeps one answer per status).

use coffer_shared::api::paths::{PREFIX, route};

use super::{endpoints, to_json};

const COMMITTED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/openapi.json");

#[test]
fn the_committed_document_is_the_generated_one() {
    let generated = to_json();
    if std::env::var_os("COFFER_WRITE_OPENAPI").is_some() {
        std::fs::write(COMMITTED, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(COMMITTED).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/openapi.json is not what the code generates. Regenerate it with\n    \
         COFFER_WRITE_OPENAPI=1 cargo test -p coffer-backend --lib openapi\nor\n    \
         cargo run -p coffer-backend --bin coffer-server -- openapi > docs/openapi.json"
    );
}

#[test]
fn every_route_is_described() {
    let document: serde_json::Value = serde_json::from_str(&to_json()).unwrap();
    let routes = [
        route::CONFIG,
        route::OPENAPI,
        route::SHARES,
        route::SHARE_STATUS,
        route::SHARE_CLAIM,
        route::SHARE_DESTROY,
        route::UPLOADS,
        route::UPLOAD_CHUNK,
        route::UPLOAD_STATUS,
        route::UPLOAD_FINISH,
        route::UPLOAD_CANCEL,
        route::FILE,
        route::PRELOGIN,
        route::SIGNUP_CODE,
        route::SIGNUP_VERIFY,
        route::SIGNUP,
        route::SIGNIN,
        route::SIGNIN_VERIFY,
        route::SIGNIN_RESEND,
        route::SESSION,
        route::SESSION_SIGNOUT,
        route::SESSIONS,
        route::SESSION_BY_ID,
        route::SESSIONS_END_OTHERS,
        route::SESSIONS_END_BY_LINK,
        route::TOTP_SETUP,
        route::TOTP_CONFIRM,
        route::TOTP_DISABLE,
        route::TOTP_RECOVERY_CODES,
        route::PASSPHRASE,
        route::ACCOUNT_DELETE,
        route::NOTIFICATIONS,
        route::VAULT_RECORDS,
        route::VAULT_RECORD,
        route::VAULT_FILES,
        route::VAULT_FILE,
        route::MY_SHARES,
        route::MY_SHARE_DESTROY,
        route::ACTIVITY,
    ];
    for route in routes {
        assert!(document["paths"][format!("{PREFIX}{route}")].is_object(), "{route} is not described");
    }
    let codes = &document["components"]["schemas"]["ErrorCode"]["enum"];
    assert_eq!(codes.as_array().map(Vec::len), Some(coffer_shared::api::ErrorCode::ALL.len()));
    assert!(!codes.as_array().unwrap().contains(&"unknown".into()), "Unknown is never sent");
}

#[test]
fn no_endpoint_lists_a_status_twice() {
    for endpoint in endpoints::all() {
        let mut statuses: Vec<u16> =
            endpoint.answers.iter().chain(endpoint.errors).map(|answer| answer.status).collect();
        let listed = statuses.len();
        statuses.sort_unstable();
        statuses.dedup();
        assert_eq!(statuses.len(), listed, "{} lists a status twice", endpoint.operation_id);
    }
}
