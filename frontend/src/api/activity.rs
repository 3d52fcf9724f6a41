//! The account's security events (`GET /api/v1/activity`).

use coffer_shared::api::{ActivityPage, Severity};

use super::{ApiError, json, send};
use coffer_shared::api::paths;

/// What to list: every member optional, as the API's query parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActivityQuery {
    /// Event types, by wire name; empty for all.
    pub types: Vec<&'static str>,
    /// Only this severity.
    pub severity: Option<Severity>,
    /// Text to search for.
    pub search: String,
    /// ISO 3166-1 codes of the countries whose name contains `search`.
    pub countries: Vec<String>,
    /// The `next` of the previous page.
    pub before: Option<String>,
}

impl ActivityQuery {
    /// The query string, starting with `?` (or empty).
    fn to_query(&self) -> String {
        let encode = |value: &str| String::from(js_sys::encode_uri_component(value));
        let mut pairs = Vec::new();
        if !self.types.is_empty() {
            pairs.push(format!("type={}", self.types.join(",")));
        }
        if let Some(severity) = self.severity {
            pairs.push(format!("severity={}", severity.as_str()));
        }
        let search = self.search.trim();
        if !search.is_empty() {
            pairs.push(format!("q={}", encode(search)));
        }
        if !self.countries.is_empty() {
            pairs.push(format!("country={}", self.countries.join(",")));
        }
        if let Some(before) = &self.before {
            pairs.push(format!("before={}", encode(before)));
        }
        if pairs.is_empty() { String::new() } else { format!("?{}", pairs.join("&")) }
    }
}

/// `GET /api/v1/activity`: one page of the signed-in account's events, newest first.
pub async fn activity(query: &ActivityQuery) -> Result<ActivityPage, ApiError> {
    json(send("GET", &format!("{}{}", paths::ACTIVITY, query.to_query()), None, None).await?).await
}
