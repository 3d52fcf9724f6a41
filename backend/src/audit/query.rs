//! The Activity API's query (`docs/api.md`, "Activity"): its parameters checked, the filter it
//! makes, and an account's view of a stored event, with a share reader's client hidden.

use coffer_shared::api::{
    ACTIVITY_COUNTRIES_MAX, ACTIVITY_PAGE_DEFAULT, ACTIVITY_PAGE_MAX, ACTIVITY_SEARCH_MAX, ActivityEvent,
    ErrorCode, EventType, Severity, is_country_code, place_country,
};
use serde::Deserialize;

use super::record::StoredEvent;
use crate::http::error::ApiError;

/// The query string of `GET /api/v1/activity`, as sent.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActivityQuery {
    /// Comma-separated event types.
    #[serde(rename = "type")]
    pub types: Option<String>,
    /// `info` or `warning`.
    pub severity: Option<String>,
    /// Text to search for.
    pub q: Option<String>,
    /// Comma-separated ISO 3166-1 alpha-2 codes whose places match the search too.
    pub country: Option<String>,
    /// The `next` of the previous page.
    pub before: Option<String>,
    /// Events per page.
    pub limit: Option<String>,
}

/// What a page keeps: the checked query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    types: Option<Vec<EventType>>,
    severity: Option<Severity>,
    /// Lower-cased.
    text: Option<String>,
    /// Country codes whose places match the search as well as `text`.
    countries: Option<Vec<String>>,
    /// Read below this `account_seq`.
    pub before: Option<u64>,
    /// At most this many events.
    pub limit: usize,
}

fn invalid(field: &'static str, message: &str) -> ApiError {
    ApiError::invalid(ErrorCode::InvalidField, message).with_field(field)
}

impl Filter {
    /// Checks every parameter; 422 `invalid_field` naming the first bad one.
    pub fn parse(query: &ActivityQuery) -> Result<Self, ApiError> {
        let types = match &query.types {
            Some(list) => Some(
                list.split(',')
                    .map(|name| name.trim().parse::<EventType>())
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|_| invalid("type", "type: not a list of event types"))?,
            ),
            None => None,
        };
        let severity = match &query.severity {
            Some(text) => {
                Some(text.parse().map_err(|_| invalid("severity", "severity: must be info or warning"))?)
            }
            None => None,
        };
        let text = match &query.q {
            Some(text) if (1..=ACTIVITY_SEARCH_MAX).contains(&text.chars().count()) => {
                Some(text.to_lowercase())
            }
            Some(_) => return Err(invalid("q", "q: must be 1 to 100 characters")),
            None => None,
        };
        let countries = match &query.country {
            Some(list) => Some(
                list.split(',')
                    .map(|code| is_country_code(code).then(|| code.to_owned()))
                    .collect::<Option<Vec<_>>>()
                    .filter(|codes| codes.len() <= ACTIVITY_COUNTRIES_MAX)
                    .ok_or_else(|| {
                        invalid(
                            "country",
                            &format!("country: not a list of at most {ACTIVITY_COUNTRIES_MAX} country codes"),
                        )
                    })?,
            ),
            None => None,
        };
        let before = match &query.before {
            Some(text) => Some(
                text.parse()
                    .ok()
                    .filter(|&seq: &u64| seq > 0)
                    .ok_or_else(|| invalid("before", "before: not a next"))?,
            ),
            None => None,
        };
        let limit = match &query.limit {
            Some(text) => text
                .parse::<u32>()
                .ok()
                .filter(|limit| (1..=ACTIVITY_PAGE_MAX).contains(limit))
                .ok_or_else(|| invalid("limit", "limit: must be from 1 to 100"))?,
            None => ACTIVITY_PAGE_DEFAULT,
        };
        Ok(Self { types, severity, text, countries, before, limit: limit as usize })
    }

    /// Whether the account's view of `record` passes the filter.
    pub fn keep(&self, record: &StoredEvent) -> bool {
        let Some(event) = view(0, record) else { return false };
        if self.types.as_ref().is_some_and(|types| !types.contains(&event.kind)) {
            return false;
        }
        if self.severity.is_some_and(|severity| severity != event.severity) {
            return false;
        }
        if self.text.is_none() && self.countries.is_none() {
            return true;
        }
        let in_country = |countries: &Vec<String>| {
            event
                .place
                .as_deref()
                .and_then(place_country)
                .is_some_and(|code| countries.iter().any(|c| c == code))
        };
        self.text.as_ref().is_some_and(|text| {
            let contains = |field: &str| field.to_lowercase().contains(text);
            contains(event.kind.as_str())
                || [&event.ip, &event.user_agent, &event.place]
                    .into_iter()
                    .flatten()
                    .any(|field| contains(field))
                || record.detail.values().any(|value| contains(&value.text()))
        }) || self.countries.as_ref().is_some_and(in_country)
    }
}

/// The account's view of a stored event (`id` is its `account_seq`): without the client for
/// events whose client is usually a share's reader. `None` for a type this build does not know.
pub fn view(id: u64, record: &StoredEvent) -> Option<ActivityEvent> {
    let kind: EventType = record.kind.parse().ok()?;
    let shown = kind.shows_client_to_account();
    let client = |field: &Option<String>| field.clone().filter(|_| shown);
    Some(ActivityEvent {
        id,
        time: record.time,
        kind,
        severity: kind.severity(),
        session: record.session.clone(),
        ip: client(&record.ip),
        user_agent: client(&record.user_agent),
        place: client(&record.place),
        detail: record
            .detail
            .iter()
            .map(|(name, value)| (name.clone(), serde_json::to_value(value).unwrap_or_default()))
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::record::Value;

    fn record(kind: &str, ip: &str) -> StoredEvent {
        StoredEvent {
            v: 1,
            seq: 9,
            time: 100,
            kind: kind.into(),
            severity: "info".into(),
            account: None,
            account_seq: None,
            session: None,
            ip: Some(ip.into()),
            user_agent: Some("Firefox".into()),
            place: None,
            detail: [("share".to_owned(), Value::Text("AbC".into()))].into(),
            prev: String::new(),
            account_prev: None,
        }
    }

    fn filter(q: &str) -> Filter {
        Filter::parse(&ActivityQuery { q: Some(q.into()), ..ActivityQuery::default() }).unwrap()
    }

    #[test]
    fn search_ignores_case_and_never_sees_a_readers_client() {
        assert!(filter("firefox").keep(&record("share_created", "198.51.100.7")));
        assert!(filter("abc").keep(&record("share_opened", "198.51.100.7")));
        assert!(!filter("198.51").keep(&record("share_opened", "198.51.100.7")));
        assert!(filter("198.51").keep(&record("signin_failed", "198.51.100.7")));
        assert_eq!(view(1, &record("share_claimed", "198.51.100.7")).unwrap().ip, None);
    }

    #[test]
    fn a_search_matches_the_places_in_the_countries_it_names() {
        let in_berlin =
            StoredEvent { place: Some("Berlin, DE".into()), ..record("signin_failed", "203.0.113.9") };
        let country = |codes: &str, q: Option<&str>| {
            Filter::parse(&ActivityQuery {
                country: Some(codes.into()),
                q: q.map(Into::into),
                ..ActivityQuery::default()
            })
            .unwrap()
        };
        assert!(country("AT,DE", Some("germany")).keep(&in_berlin));
        assert!(!country("AT", Some("austria")).keep(&in_berlin));
        assert!(country("AT", Some("firefox")).keep(&in_berlin), "the text still matches alone");
        assert!(country("DE", None).keep(&in_berlin));
        assert!(!country("DE", None).keep(&record("signin_failed", "203.0.113.9")), "no place");
        let read = StoredEvent { place: Some("Berlin, DE".into()), ..record("share_claimed", "203.0.113.9") };
        assert!(!country("DE", None).keep(&read), "a reader's place is not the owner's to search");
    }

    #[test]
    fn bad_parameters_are_refused() {
        let bad = [
            ActivityQuery { types: Some("signin_failed,nope".into()), ..ActivityQuery::default() },
            ActivityQuery { severity: Some("error".into()), ..ActivityQuery::default() },
            ActivityQuery { q: Some(String::new()), ..ActivityQuery::default() },
            ActivityQuery { limit: Some("101".into()), ..ActivityQuery::default() },
            ActivityQuery { before: Some("0".into()), ..ActivityQuery::default() },
            ActivityQuery { country: Some("DE,de".into()), ..ActivityQuery::default() },
            ActivityQuery { country: Some("DEU".into()), ..ActivityQuery::default() },
            ActivityQuery { country: Some(vec!["DE"; 301].join(",")), ..ActivityQuery::default() },
        ];
        for query in bad {
            assert!(Filter::parse(&query).is_err(), "{query:?}");
        }
        assert_eq!(Filter::parse(&ActivityQuery::default()).unwrap().limit, 50);
    }
}
