//! Reading the security event log as an account (`GET /api/v1/activity`) and as the operator
//! (the export), and finding one event in both.

use coffer_shared::crypto::audit_chain::ChainKey;
use coffer_shared::id::AccountId;
use reqwest::Method;
use serde_json::Value;

use crate::helpers::{AGENT, TestApp, json};
use crate::users::{Browser, TestUser};

/// One event as the account's Activity shows it and as the export writes it.
#[derive(Debug)]
pub struct Logged {
    pub api: Value,
    pub export: Value,
}

impl TestApp {
    /// `GET /api/v1/activity?{query}` as `browser`; panics unless 200.
    pub async fn activity(&self, browser: &Browser, query: &str) -> Value {
        let response =
            self.send_as(Some(browser), Method::GET, &format!("/api/v1/activity?{query}"), None).await;
        assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
        json(response).await
    }

    /// Every event, as `coffer-server audit export` writes it (the same code, in process).
    pub async fn export(&self) -> Vec<Value> {
        let store = self.state.store.clone();
        let key = self.chain_key();
        let bytes = tokio::task::spawn_blocking(move || {
            let mut out = Vec::new();
            coffer_backend::audit::export::export(&store, &key, None, &mut out).unwrap();
            out
        })
        .await
        .unwrap();
        String::from_utf8(bytes).unwrap().lines().map(|line| serde_json::from_str(line).unwrap()).collect()
    }

    /// The key of the app's chain, from its server secret.
    pub fn chain_key(&self) -> ChainKey {
        ChainKey::derive(self.state.server_secret.key())
    }

    /// The exported events of `kind`, oldest first.
    pub async fn exported(&self, kind: &str) -> Vec<Value> {
        self.export().await.into_iter().filter(|event| event["type"] == kind).collect()
    }

    /// The newest event of `kind` in `account`'s Activity (read with `browser`), and the same
    /// event in the export; checks that the two agree.
    pub async fn logged_for(&self, browser: &Browser, account: &AccountId, kind: &str) -> Logged {
        let page = self.activity(browser, &format!("type={kind}&limit=1")).await;
        let api = page["events"]
            .as_array()
            .unwrap()
            .first()
            .unwrap_or_else(|| panic!("no {kind} in the Activity"))
            .clone();
        let export = self
            .export()
            .await
            .into_iter()
            .find(|event| event["account"] == account.as_str() && event["account_seq"] == api["id"])
            .unwrap_or_else(|| panic!("{kind} #{} is not in the export", api["id"]));
        for member in ["time", "type", "severity", "session", "detail"] {
            assert_eq!(api[member], export[member], "{kind}: {member}");
        }
        if api["ip"].is_string() {
            for member in ["ip", "user_agent", "place"] {
                assert_eq!(api[member], export[member], "{kind}: {member}");
            }
        }
        Logged { api, export }
    }

    /// [`Self::logged_for`] for `user`, read with its own browser.
    pub async fn logged(&self, user: &TestUser, kind: &str) -> Logged {
        self.logged_for(&user.browser, &user.account_id, kind).await
    }
}

/// Checks that an event came from the tests' client (127.0.0.1 with [`AGENT`]).
pub fn from_test_client(event: &Value) {
    assert_eq!(event["ip"], "127.0.0.1", "{event}");
    assert_eq!(event["user_agent"], AGENT, "{event}");
    assert_eq!(event["place"], Value::Null, "{event}");
}
