//! The account's security events (`GET /api/v1/activity`; the events are specified in
//! `docs/audit.md`): their types, severities and the page the list answers with.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Most events one page of the activity list holds.
pub const ACTIVITY_PAGE_MAX: u32 = 100;
/// Events per page when the request does not say.
pub const ACTIVITY_PAGE_DEFAULT: u32 = 50;
/// Longest text search, in characters.
pub const ACTIVITY_SEARCH_MAX: usize = 100;
/// Most country codes one search may name (`country`): more than ISO 3166-1 assigns.
pub const ACTIVITY_COUNTRIES_MAX: usize = 300;

/// The ISO 3166-1 alpha-2 country code of a place as the log writes it (`"Berlin, DE"` or
/// `"DE"`), or `None` for a place without one (`"Berlin"`).
pub fn place_country(place: &str) -> Option<&str> {
    let code = place.rsplit_once(", ").map_or(place, |(_, code)| code);
    is_country_code(code).then_some(code)
}

/// Whether `code` has the shape of an ISO 3166-1 alpha-2 code: two capital ASCII letters.
pub fn is_country_code(code: &str) -> bool {
    code.len() == 2 && code.bytes().all(|byte| byte.is_ascii_uppercase())
}

/// How much an event deserves the account holder's attention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Something that happened as it should.
    Info,
    /// A failure, a refusal, or a change that weakens or replaces a credential.
    Warning,
}

impl Severity {
    /// The wire name, `info` or `warning`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Info => "info",
            Self::Warning => "warning",
        }
    }
}

impl FromStr for Severity {
    type Err = UnknownName;

    fn from_str(text: &str) -> Result<Self, UnknownName> {
        match text {
            "info" => Ok(Self::Info),
            "warning" => Ok(Self::Warning),
            _ => Err(UnknownName),
        }
    }
}

/// A name that is not one of the known ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not a known name")]
pub struct UnknownName;

/// Declares [`EventType`] with its wire names and severities in one table.
macro_rules! event_types {
    ($($variant:ident => $name:literal, $severity:ident;)+) => {
        /// The type of a security event (`docs/audit.md`, "Event types"). Names are stable.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(rename_all = "snake_case")]
        pub enum EventType {
            $(
                #[doc = concat!("`", $name, "`.")]
                $variant,
            )+
        }

        impl EventType {
            /// Every type, in the order of `docs/audit.md`.
            pub const ALL: &'static [EventType] = &[$(Self::$variant),+];

            /// The wire name, e.g. `signin_failed`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $name,)+
                }
            }

            /// The type's fixed severity.
            pub fn severity(self) -> Severity {
                match self {
                    $(Self::$variant => Severity::$severity,)+
                }
            }
        }
    };
}

event_types! {
    SignedUp => "signed_up", Info;
    CodeSent => "code_sent", Info;
    CodeAccepted => "code_accepted", Info;
    CodeWrong => "code_wrong", Warning;
    CodeExpired => "code_expired", Info;
    CodeLocked => "code_locked", Warning;
    SigninSucceeded => "signin_succeeded", Info;
    SigninFailed => "signin_failed", Warning;
    SignedOut => "signed_out", Info;
    SessionCreated => "session_created", Info;
    SessionExpired => "session_expired", Info;
    SessionEnded => "session_ended", Info;
    AccessDenied => "access_denied", Warning;
    InputRejected => "input_rejected", Info;
    RateLimited => "rate_limited", Warning;
    RecordCreated => "record_created", Info;
    RecordChanged => "record_changed", Info;
    RecordDeleted => "record_deleted", Info;
    ShareCreated => "share_created", Info;
    ShareOpened => "share_opened", Info;
    ShareClaimed => "share_claimed", Info;
    ShareWrongToken => "share_wrong_token", Warning;
    ShareUsedUp => "share_used_up", Info;
    ShareExpired => "share_expired", Info;
    ShareDestroyed => "share_destroyed", Info;
    FileUploaded => "file_uploaded", Info;
    FileDownloaded => "file_downloaded", Info;
    FileDeleted => "file_deleted", Info;
    PassphraseChanged => "passphrase_changed", Warning;
    TotpEnrolled => "totp_enrolled", Info;
    TotpRemoved => "totp_removed", Warning;
    RecoveryCodesRenewed => "recovery_codes_renewed", Warning;
    NotificationsChanged => "notifications_changed", Warning;
    AccountDeleted => "account_deleted", Warning;
}

impl EventType {
    /// Whether the account's Activity shows the client (IP, user agent, place): not for events
    /// about its shares other than their creation, whose client is usually a reader.
    pub fn shows_client_to_account(self) -> bool {
        !matches!(
            self,
            Self::ShareOpened
                | Self::ShareClaimed
                | Self::ShareWrongToken
                | Self::ShareUsedUp
                | Self::ShareExpired
                | Self::ShareDestroyed
        )
    }
}

impl fmt::Display for EventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for EventType {
    type Err = UnknownName;

    fn from_str(text: &str) -> Result<Self, UnknownName> {
        Self::ALL.iter().copied().find(|kind| kind.as_str() == text).ok_or(UnknownName)
    }
}

/// One event of the signed-in account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActivityEvent {
    /// Its position in the account's log, from 1; never changes.
    pub id: u64,
    /// Unix seconds.
    pub time: u64,
    /// The event's type.
    #[serde(rename = "type")]
    pub kind: EventType,
    /// `info` or `warning`.
    pub severity: Severity,
    /// Public id of the session that made the request, if one did.
    pub session: Option<String>,
    /// The client's IP (null for the server's own events and for a share's readers).
    pub ip: Option<String>,
    /// The client's `User-Agent`, cut to 256 characters.
    pub user_agent: Option<String>,
    /// An approximate place for the IP, when the server knows one.
    pub place: Option<String>,
    /// The type's members (`docs/audit.md`): strings, numbers and booleans.
    pub detail: BTreeMap<String, serde_json::Value>,
}

/// `GET /api/v1/activity`: a page of events, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActivityPage {
    /// The events.
    pub events: Vec<ActivityEvent>,
    /// Pass as `before` for the next page; null on the last.
    pub next: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_round_trips_through_its_name_and_serde() {
        for &kind in EventType::ALL {
            assert_eq!(kind.as_str().parse::<EventType>(), Ok(kind));
            let json = serde_json::to_string(&kind).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
        }
        assert_eq!(EventType::ALL.len(), 34);
        assert!("signin".parse::<EventType>().is_err());
    }

    #[test]
    fn severities_are_fixed_per_type() {
        assert_eq!(EventType::SigninFailed.severity(), Severity::Warning);
        assert_eq!(EventType::ShareCreated.severity(), Severity::Info);
        assert_eq!("warning".parse::<Severity>(), Ok(Severity::Warning));
    }

    #[test]
    fn a_place_names_its_country_by_code_when_it_has_one() {
        assert_eq!(place_country("Berlin, DE"), Some("DE"));
        assert_eq!(place_country("DE"), Some("DE"));
        assert_eq!(place_country("Washington, D.C., US"), Some("US"));
        assert_eq!(place_country("Berlin"), None);
        assert_eq!(place_country("Berlin, de"), None);
    }
}
