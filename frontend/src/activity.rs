//! Words for the Activity page: what each security event means to the account holder
//! (`docs/audit.md`, "Event types"), the type groups the page filters by, and places.

use std::collections::HashMap;

use coffer_shared::api::{ActivityEvent, EventType, is_country_code};
use coffer_shared::words::refusal;
use serde_json::Value;

use crate::format;

/// A set of event types the page can filter by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Group {
    /// The `<option>` value.
    pub slug: &'static str,
    /// What the option says.
    pub label: &'static str,
    /// The types it selects.
    pub types: &'static [EventType],
}

/// The filter groups, in the order the page offers them (after "All events").
pub const GROUPS: &[Group] = {
    use EventType::*;
    &[
        Group {
            slug: "signin",
            label: "Sign-ins and codes",
            types: &[
                SignedUp,
                CodeSent,
                CodeAccepted,
                CodeWrong,
                CodeExpired,
                CodeLocked,
                SigninSucceeded,
                SigninFailed,
                SignedOut,
            ],
        },
        Group { slug: "sessions", label: "Sessions", types: &[SessionCreated, SessionExpired, SessionEnded] },
        Group {
            slug: "account",
            label: "Passphrase, authenticator, account",
            types: &[
                PassphraseChanged,
                TotpEnrolled,
                TotpRemoved,
                RecoveryCodesRenewed,
                NotificationsChanged,
                AccountDeleted,
            ],
        },
        Group { slug: "vault", label: "Vault items", types: &[RecordCreated, RecordChanged, RecordDeleted] },
        Group {
            slug: "shares",
            label: "Shares",
            types: &[
                ShareCreated,
                ShareOpened,
                ShareClaimed,
                ShareWrongToken,
                ShareUsedUp,
                ShareExpired,
                ShareDestroyed,
            ],
        },
        Group { slug: "files", label: "Files", types: &[FileUploaded, FileDownloaded, FileDeleted] },
        Group {
            slug: "refused",
            label: "Refused requests",
            types: &[AccessDenied, InputRejected, RateLimited],
        },
    ]
};

/// The types a filter value selects: `""` all, a group's slug its types, `type:<name>` one type.
pub fn filter_types(value: &str) -> Vec<EventType> {
    match value.strip_prefix("type:") {
        Some(name) => name.parse().map(|kind| vec![kind]).unwrap_or_default(),
        None => GROUPS
            .iter()
            .find(|group| group.slug == value)
            .map(|group| group.types.to_vec())
            .unwrap_or_default(),
    }
}

/// A type's name in the filter, e.g. "Wrong code".
pub fn type_label(kind: EventType) -> &'static str {
    use EventType::*;
    match kind {
        SignedUp => "Account created",
        CodeSent => "Code e-mailed",
        CodeAccepted => "Right code",
        CodeWrong => "Wrong code",
        CodeExpired => "Expired code",
        CodeLocked => "Codes paused",
        SigninSucceeded => "Signed in",
        SigninFailed => "Sign-in failed",
        SignedOut => "Signed out",
        SessionCreated => "Session started",
        SessionExpired => "Session timed out",
        SessionEnded => "Session ended",
        AccessDenied => "Not allowed",
        InputRejected => "Invalid request",
        RateLimited => "Too many requests",
        RecordCreated => "Item added",
        RecordChanged => "Item changed",
        RecordDeleted => "Item deleted",
        ShareCreated => "Share created",
        ShareOpened => "Share opened",
        ShareClaimed => "Share read",
        ShareWrongToken => "Wrong share password",
        ShareUsedUp => "Share used up",
        ShareExpired => "Share expired",
        ShareDestroyed => "Share destroyed",
        FileUploaded => "File uploaded",
        FileDownloaded => "File downloaded",
        FileDeleted => "Attachment deleted",
        PassphraseChanged => "Passphrase changed",
        TotpEnrolled => "Authenticator on",
        TotpRemoved => "Authenticator off",
        RecoveryCodesRenewed => "New recovery codes",
        NotificationsChanged => "Mail preferences changed",
        AccountDeleted => "Account deleted",
    }
}

fn text<'a>(event: &'a ActivityEvent, member: &str) -> &'a str {
    event.detail.get(member).and_then(Value::as_str).unwrap_or("")
}

fn number(event: &ActivityEvent, member: &str) -> Option<u64> {
    event.detail.get(member).and_then(Value::as_u64)
}

/// The first 8 characters of an id, as the other pages show shares.
fn short(event: &ActivityEvent, member: &str) -> String {
    text(event, member).chars().take(8).collect()
}

fn factor(event: &ActivityEvent) -> &'static str {
    match text(event, "factor") {
        "authenticator" => "authenticator code",
        "recovery" => "recovery code",
        _ => "e-mailed code",
    }
}

fn purpose(event: &ActivityEvent) -> &'static str {
    if text(event, "purpose") == "signup" { "sign-up" } else { "sign-in" }
}

/// What the browser knows that the log does not: the names of the vault's items and attached
/// files, by id, from the decrypted records. An id not here is one this vault no longer has.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Names {
    /// Item names by record id.
    pub items: HashMap<String, String>,
    /// Attachment file names by file id.
    pub files: HashMap<String, String>,
    /// Share labels by share id (from the notes "My shares" opens).
    pub shares: HashMap<String, String>,
}

impl Names {
    fn quoted(map: &HashMap<String, String>, id: &str) -> Option<String> {
        map.get(id).filter(|name| !name.is_empty()).map(|name| format!("\u{201c}{name}\u{201d}"))
    }

    fn item(&self, event: &ActivityEvent) -> Option<String> {
        Self::quoted(&self.items, text(event, "record"))
    }

    fn file(&self, event: &ActivityEvent) -> Option<String> {
        Self::quoted(&self.files, text(event, "file"))
    }

    /// The share's label in quotes, else the start of its id.
    fn share(&self, event: &ActivityEvent) -> String {
        Self::quoted(&self.shares, text(event, "share")).unwrap_or_else(|| short(event, "share"))
    }
}

/// "Refused: a wrong code": why a request was refused, never the raw error code.
fn refused(event: &ActivityEvent) -> String {
    format!("Refused: {}", refusal::reason(text(event, "code")))
}

/// One line saying what happened; items and files are named when `names` knows them.
pub fn title(event: &ActivityEvent, names: &Names) -> String {
    use EventType::*;
    let flag = |member| event.detail.get(member) == Some(&Value::Bool(true));
    match event.kind {
        SignedUp => "Account created".to_owned(),
        CodeSent => format!("A {} code was e-mailed", purpose(event)),
        CodeAccepted => format!("Right {} for {}", factor(event), purpose(event)),
        CodeWrong => format!("Wrong {} for {}", factor(event), purpose(event)),
        CodeExpired => format!("An expired or used {} was tried", factor(event)),
        CodeLocked => "Too many wrong codes: sign-in paused".to_owned(),
        SigninSucceeded => {
            let factor = factor(event);
            let article = if factor.starts_with('r') { "a" } else { "an" };
            format!("Signed in with {article} {factor}")
        }
        SigninFailed => match text(event, "reason") {
            "wrong_passphrase" => "Sign-in failed: wrong passphrase".to_owned(),
            "throttled" => "Sign-in refused: too many tries".to_owned(),
            _ => "Sign-in failed".to_owned(),
        },
        SignedOut => "Signed out".to_owned(),
        SessionCreated => "Session started".to_owned(),
        SessionExpired => match text(event, "reason") {
            "max_age" => "Session reached its time limit".to_owned(),
            _ => "Session ended after inactivity".to_owned(),
        },
        SessionEnded => match text(event, "by") {
            "email_link" => "A session was ended from the e-mail link".to_owned(),
            "passphrase_change" => "A session was ended by the passphrase change".to_owned(),
            _ => "A session was ended from the sessions page".to_owned(),
        },
        AccessDenied | InputRejected => refused(event),
        RateLimited => "Too many requests: slowed down".to_owned(),
        RecordCreated => {
            names.item(event).map_or("Vault item added".to_owned(), |name| format!("{name} added"))
        }
        RecordChanged => {
            names.item(event).map_or("Vault item changed".to_owned(), |name| format!("{name} changed"))
        }
        RecordDeleted => {
            names.item(event).map_or("Vault item deleted".to_owned(), |name| format!("{name} deleted"))
        }
        ShareCreated => format!("Share {} created", names.share(event)),
        ShareOpened => format!("Share {} opened", names.share(event)),
        ShareClaimed => format!("Share {} read", names.share(event)),
        ShareWrongToken => format!("Wrong password for share {}", names.share(event)),
        ShareUsedUp => format!("Share {} used up", names.share(event)),
        ShareExpired => format!("Share {} expired", names.share(event)),
        ShareDestroyed => format!("Share {} destroyed", names.share(event)),
        FileUploaded if flag("vault") => names
            .file(event)
            .map_or("File attached to the vault".to_owned(), |name| format!("{name} attached")),
        FileUploaded => "File uploaded for a share".to_owned(),
        FileDownloaded if flag("preview") => {
            names.file(event).map_or("Attachment previewed".to_owned(), |name| format!("{name} previewed"))
        }
        FileDownloaded if event.detail.contains_key("share") => {
            format!("A file of share {} downloaded", names.share(event))
        }
        FileDownloaded => {
            names.file(event).map_or("Attachment downloaded".to_owned(), |name| format!("{name} downloaded"))
        }
        FileDeleted => {
            names.file(event).map_or("Attachment deleted".to_owned(), |name| format!("{name} deleted"))
        }
        PassphraseChanged => "Passphrase changed".to_owned(),
        TotpEnrolled if event.detail.get("replaced") == Some(&Value::Bool(true)) => {
            "Authenticator app replaced".to_owned()
        }
        TotpEnrolled => "Authenticator app turned on".to_owned(),
        TotpRemoved => "Authenticator app turned off".to_owned(),
        RecoveryCodesRenewed => "New recovery codes made".to_owned(),
        NotificationsChanged => "Mail preferences changed".to_owned(),
        AccountDeleted => "Account deleted".to_owned(),
    }
}

/// The event's particulars, in words; empty when there is nothing more to say.
pub fn particulars(event: &ActivityEvent) -> String {
    use EventType::*;
    let tries = |member| {
        number(event, member)
            .map(|left| if left == 1 { "1 try left".to_owned() } else { format!("{left} tries left") })
    };
    let parts: Vec<String> = match event.kind {
        CodeWrong | SigninFailed => tries("tries_left").into_iter().collect(),
        CodeLocked => {
            number(event, "locked_for").map(|s| format!("for {}", format::duration(s))).into_iter().collect()
        }
        ShareWrongToken => tries("wrong_claims_left").into_iter().collect(),
        ShareOpened | ShareClaimed => number(event, "views_left")
            .map(|left| format!("{} left", format::plural(left, "view")))
            .into_iter()
            .collect(),
        ShareCreated => {
            let mut parts = Vec::new();
            if let Some(views) = number(event, "max_views") {
                parts.push(format::plural(views, "view"));
            }
            if let Some(expires) = number(event, "expires_at") {
                parts.push(format!("expires {}", format::local_date_time(expires)));
            }
            match number(event, "files") {
                Some(files) if files > 0 => parts.push(format::plural(files, "file")),
                _ => {}
            }
            parts
        }
        ShareDestroyed => match text(event, "by") {
            "manage_link" => vec!["with its management link".to_owned()],
            "owner" => vec!["from My shares".to_owned()],
            "wrong_tokens" => vec!["after too many wrong passwords".to_owned()],
            _ => Vec::new(),
        },
        FileUploaded => number(event, "size").map(crate::files::progress::size_text).into_iter().collect(),
        PassphraseChanged => number(event, "sessions_ended")
            .filter(|ended| *ended > 0)
            .map(|ended| format!("{} ended", format::plural(ended, "other session")))
            .into_iter()
            .collect(),
        NotificationsChanged => {
            let on_off =
                |member| if event.detail.get(member) == Some(&Value::Bool(true)) { "on" } else { "off" };
            vec![format!(
                "sign-out report {}, weekly digest {}",
                on_off("signout_report"),
                on_off("weekly_digest")
            )]
        }
        RateLimited => number(event, "retry_after")
            .map(|seconds| format!("try again after {}", format::duration(seconds.max(1))))
            .into_iter()
            .collect(),
        _ => Vec::new(),
    };
    // An aggregate of folded repeats (docs/audit.md, "Repeats, folded").
    let repeated = number(event, "repeated")
        .map(|more| format!("{more} more {} in that minute", if more == 1 { "time" } else { "times" }));
    parts.into_iter().chain(repeated).collect::<Vec<_>>().join(" · ")
}

/// A place as the server gives it (`"Berlin, DE"` or `"DE"`) with the country code spelled out
/// in English when the browser knows it (`"Berlin, Germany"`).
pub fn place_text(place: &str, country_name: impl Fn(&str) -> Option<String>) -> String {
    let (city, code) = match place.rsplit_once(", ") {
        Some((city, code)) => (Some(city), code),
        None => (None, place),
    };
    let country = if is_country_code(code) {
        country_name(code).unwrap_or_else(|| code.to_owned())
    } else {
        code.to_owned()
    };
    match city {
        Some(city) => format!("{city}, {country}"),
        None => country,
    }
}

/// What stands for the place of an address the server could not place: a loopback or private
/// address is on this machine or its network; any other is simply unknown.
pub fn unplaced(ip: &str) -> &'static str {
    match ip.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(v4)) if v4.is_loopback() || v4.is_private() || v4.is_link_local() => {
            "local network"
        }
        Ok(std::net::IpAddr::V6(v6))
            if v6.is_loopback() || v6.is_unique_local() || v6.is_unicast_link_local() =>
        {
            "local network"
        }
        _ => "place unknown",
    }
}

/// Shortest search that also looks for countries by name.
const COUNTRY_SEARCH_MIN: usize = 3;

/// The ISO 3166-1 alpha-2 codes of the countries whose name, as [`place_text`] spells it,
/// contains `search` (ignoring case; 3 characters or more). The log keeps codes and the page
/// shows names, so a search for "germany" must also ask for `DE`.
pub fn countries_named(search: &str, country_name: impl Fn(&str) -> Option<String>) -> Vec<String> {
    let needle = search.trim().to_lowercase();
    if needle.chars().count() < COUNTRY_SEARCH_MIN {
        return Vec::new();
    }
    (b'A'..=b'Z')
        .flat_map(|first| {
            (b'A'..=b'Z').map(move |second| String::from_utf8_lossy(&[first, second]).into_owned())
        })
        .filter(|code| country_name(code).is_some_and(|name| name.to_lowercase().contains(&needle)))
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use coffer_shared::api::Severity;
    use serde_json::json;

    use super::*;

    fn event(kind: EventType, detail: Value) -> ActivityEvent {
        let detail: BTreeMap<String, Value> = serde_json::from_value(detail).unwrap_or_default();
        ActivityEvent {
            id: 1,
            time: 0,
            kind,
            severity: Severity::Info,
            session: None,
            ip: None,
            user_agent: None,
            place: None,
            detail,
        }
    }

    #[test]
    fn every_type_has_words_and_is_in_exactly_one_group() {
        for &kind in EventType::ALL {
            assert!(!title(&event(kind, json!({})), &Names::default()).is_empty(), "{kind}");
            let groups = GROUPS.iter().filter(|group| group.types.contains(&kind)).count();
            assert_eq!(groups, 1, "{kind}");
            assert_eq!(filter_types(&format!("type:{kind}")), vec![kind]);
            assert!(!type_label(kind).is_empty());
        }
    }

    #[test]
    fn a_filter_value_selects_all_a_group_or_one_type() {
        assert!(filter_types("").is_empty(), "no type parameter: every type");
        assert_eq!(filter_types("sessions").len(), 3);
        assert_eq!(filter_types("type:code_wrong"), vec![EventType::CodeWrong]);
        assert!(filter_types("type:nonsense").is_empty());
    }

    #[test]
    fn details_read_as_words() {
        let wrong =
            event(EventType::CodeWrong, json!({"purpose": "signin", "factor": "email", "tries_left": 1}));
        let no_names = Names::default();
        assert_eq!(title(&wrong, &no_names), "Wrong e-mailed code for sign-in");
        assert_eq!(particulars(&wrong), "1 try left");
        let failed = event(EventType::SigninFailed, json!({"reason": "wrong_passphrase", "tries_left": 4}));
        assert_eq!(
            (title(&failed, &no_names).as_str(), particulars(&failed).as_str()),
            ("Sign-in failed: wrong passphrase", "4 tries left")
        );
        let refused = event(
            EventType::InputRejected,
            json!({"status": 422, "code": "invalid_field", "field": "email"}),
        );
        assert_eq!(title(&refused, &no_names), "Refused: an invalid request");
        assert_eq!(particulars(&refused), "", "no status, code or field name");
        let wrong_code = event(EventType::InputRejected, json!({"status": 422, "code": "wrong_code"}));
        assert_eq!(title(&wrong_code, &no_names), "Refused: a wrong code");
        let share = event(
            EventType::ShareWrongToken,
            json!({"share": "AbCdEfGhIjKlMnOpQrStUv", "wrong_claims_left": 0}),
        );
        assert_eq!(title(&share, &no_names), "Wrong password for share AbCdEfGh");
        assert_eq!(particulars(&share), "0 tries left");
        let opened = event(
            EventType::ShareOpened,
            json!({"share": "AbCdEfGhIjKlMnOpQrStUv", "views_left": 2, "repeated": 41}),
        );
        assert_eq!(particulars(&opened), "2 views left · 41 more times in that minute");
        let downloaded = event(EventType::FileDownloaded, json!({"file": "x", "from": 0, "repeated": 1}));
        assert_eq!(particulars(&downloaded), "1 more time in that minute");
    }

    #[test]
    fn items_and_files_are_named_when_the_vault_knows_them() {
        let mut names = Names::default();
        names.items.insert("R1".into(), "Bank".into());
        names.files.insert("F1".into(), "photo.png".into());
        let changed = event(EventType::RecordChanged, json!({"record": "R1", "revision": 2}));
        assert_eq!(title(&changed, &names), "\u{201c}Bank\u{201d} changed");
        let gone = event(EventType::RecordDeleted, json!({"record": "R9"}));
        assert_eq!(title(&gone, &names), "Vault item deleted");
        let preview = event(EventType::FileDownloaded, json!({"file": "F1", "from": 0, "preview": true}));
        assert_eq!(title(&preview, &names), "\u{201c}photo.png\u{201d} previewed");
        let saved = event(EventType::FileDownloaded, json!({"file": "F1", "from": 0}));
        assert_eq!(title(&saved, &names), "\u{201c}photo.png\u{201d} downloaded");
        let shared =
            event(EventType::FileDownloaded, json!({"file": "F2", "from": 0, "share": "AbCdEfGhIj"}));
        assert_eq!(title(&shared, &names), "A file of share AbCdEfGh downloaded");
    }

    #[test]
    fn shares_are_named_by_their_label_when_my_shares_knows_it() {
        let mut names = Names::default();
        names.shares.insert("AbCdEfGhIj".into(), "Door code".into());
        let created = event(EventType::ShareCreated, json!({"share": "AbCdEfGhIj"}));
        assert_eq!(title(&created, &names), "Share \u{201c}Door code\u{201d} created");
        let other = event(EventType::ShareUsedUp, json!({"share": "ZyXwVuTsRq"}));
        assert_eq!(title(&other, &names), "Share ZyXwVuTs used up");
    }

    #[test]
    fn a_country_code_is_spelled_out_when_the_browser_knows_it() {
        let names = |code: &str| (code == "DE").then(|| "Germany".to_owned());
        assert_eq!(place_text("Berlin, DE", names), "Berlin, Germany");
        assert_eq!(place_text("DE", names), "Germany");
        assert_eq!(place_text("XX", names), "XX");
        assert_eq!(place_text("Springfield", names), "Springfield");
    }

    #[test]
    fn an_unplaced_address_says_local_network_or_unknown() {
        assert_eq!(unplaced("127.0.0.1"), "local network");
        assert_eq!(unplaced("192.168.1.4"), "local network");
        assert_eq!(unplaced("fd00::1"), "local network");
        assert_eq!(unplaced("203.0.113.9"), "place unknown");
    }

    #[test]
    fn a_search_for_a_country_name_asks_for_its_code() {
        let names = |code: &str| match code {
            "DE" => Some("Germany".to_owned()),
            "GB" => Some("United Kingdom".to_owned()),
            "US" => Some("United States".to_owned()),
            _ => None,
        };
        assert_eq!(countries_named(" GERMANY ", names), ["DE"]);
        assert_eq!(countries_named("united", names), ["GB", "US"]);
        assert_eq!(countries_named("ger", names), ["DE"]);
        assert!(countries_named("de", names).is_empty(), "too short: matches too much");
        assert!(countries_named("firefox", names).is_empty());
    }
}
