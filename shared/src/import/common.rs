//! Pieces every importer uses: record builders, custom fields, card expiries, names and
//! addresses, and the item budget ([`super::MAX_ITEMS`]).

use std::cell::Cell;
use std::collections::HashSet;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};

use super::{Format, ImportError, MAX_ITEMS};
use crate::crypto::vault::{
    CustomField, Document, FieldKind, PASSWORD_HISTORY_LEN, PasswordChange, RecordFields,
};

/// A JSON value read as text whatever its type (`null` is `""`): Bitwarden writes numbers as
/// strings in some versions and not in others.
pub fn text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    Ok(match Option::<serde_json::Value>::deserialize(deserializer)? {
        None | Some(serde_json::Value::Null) => String::new(),
        Some(serde_json::Value::String(text)) => text,
        Some(other) => other.to_string(),
    })
}

/// `null` read as the type's default.
pub fn nullable<'de, D: Deserializer<'de>, T: Default + Deserialize<'de>>(
    deserializer: D,
) -> Result<T, D::Error> {
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// `bytes` without a leading UTF-8 byte order mark.
pub fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

thread_local! {
    /// Items [`bounded_list`] has read since [`reset_listed`].
    static LISTED: Cell<usize> = const { Cell::new(0) };
}

/// The start of the message [`bounded_list`] stops with.
const TOO_MANY: &str = "too many items";

/// Starts counting a file's listed items afresh (before each parse that uses [`bounded_list`]).
pub fn reset_listed() {
    LISTED.with(|listed| listed.set(0));
}

/// A JSON list of items (`null` is empty) read one at a time, stopping at the item past
/// [`MAX_ITEMS`] counted over every such list since [`reset_listed`]: a file of millions of
/// tiny items is refused before it is held in memory, not after.
pub fn bounded_list<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> Result<Vec<T>, D::Error> {
    struct Bounded<T>(PhantomData<T>);

    impl<'de, T: Deserialize<'de>> Visitor<'de> for Bounded<T> {
        type Value = Vec<T>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a list")
        }

        fn visit_unit<E: de::Error>(self) -> Result<Vec<T>, E> {
            Ok(Vec::new())
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
            let mut items = Vec::new();
            while let Some(item) = seq.next_element()? {
                let listed = LISTED.with(|listed| {
                    listed.set(listed.get() + 1);
                    listed.get()
                });
                if listed > MAX_ITEMS {
                    return Err(de::Error::custom(TOO_MANY));
                }
                items.push(item);
            }
            Ok(items)
        }
    }

    deserializer.deserialize_any(Bounded(PhantomData))
}

/// Maps a JSON error to [`ImportError::TooManyItems`] when [`bounded_list`] stopped it, and to
/// [`ImportError::Damaged`] otherwise.
pub fn json_error(format: Format) -> impl Fn(serde_json::Error) -> ImportError {
    move |error| {
        if error.to_string().starts_with(TOO_MANY) {
            ImportError::TooManyItems
        } else {
            ImportError::Damaged(format)
        }
    }
}

/// Counts the file's items and refuses the one past [`MAX_ITEMS`].
#[derive(Debug, Default)]
pub struct Budget(usize);

impl Budget {
    /// Counts one item.
    pub fn take(&mut self) -> Result<(), ImportError> {
        self.0 += 1;
        if self.0 > MAX_ITEMS { Err(ImportError::TooManyItems) } else { Ok(()) }
    }

    /// Refuses a list longer than [`MAX_ITEMS`] before any of it is read.
    pub fn check_len(len: usize) -> Result<(), ImportError> {
        if len > MAX_ITEMS { Err(ImportError::TooManyItems) } else { Ok(()) }
    }
}

/// A login's members.
pub fn login(username: &str, password: &str, urls: Vec<String>, totp: &str) -> RecordFields {
    RecordFields::Login {
        username: username.to_owned(),
        password: password.to_owned(),
        urls,
        url: String::new(),
        totp: totp.trim().to_owned(),
        password_history: Vec::new(),
    }
}

/// A card's members.
pub fn card(holder: &str, number: &str, expiry: String, cvv: &str) -> RecordFields {
    RecordFields::Card { holder: holder.to_owned(), number: number.to_owned(), expiry, cvv: cvv.to_owned() }
}

/// A document, unless `number` is blank.
pub fn push_document(documents: &mut Vec<Document>, label: &str, number: &str) {
    if !number.trim().is_empty() {
        documents.push(Document { label: label.to_owned(), number: number.to_owned() });
    }
}

/// Appends a custom field, unless its value is empty or the record has [`MAX_FIELDS`].
pub fn push_field(fields: &mut Vec<CustomField>, name: &str, value: &str, kind: FieldKind) {
    if !value.is_empty() && fields.len() < MAX_FIELDS {
        fields.push(CustomField { name: name.to_owned(), value: value.to_owned(), kind });
    }
}

/// The most websites an import keeps for one login.
pub const MAX_URLS: usize = 100;
/// The most custom fields an import keeps for one record.
pub const MAX_FIELDS: usize = 200;
/// The longest folder name an import keeps, in characters: one name is copied into every record
/// of its folder, so a long one would be multiplied by the number of records.
pub const MAX_FOLDER_CHARS: usize = 256;

/// The non-empty, trimmed, distinct entries of `urls`, in order, at most [`MAX_URLS`].
pub fn urls<'a>(urls: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut seen = HashSet::new();
    urls.into_iter()
        .map(str::trim)
        .filter(|url| !url.is_empty() && seen.insert(*url))
        .take(MAX_URLS)
        .map(str::to_owned)
        .collect()
}

/// A folder name as a record keeps it: trimmed, at most [`MAX_FOLDER_CHARS`] characters.
pub fn folder_name(name: &str) -> String {
    name.trim().chars().take(MAX_FOLDER_CHARS).collect()
}

/// Earlier passwords, newest first, at most [`PASSWORD_HISTORY_LEN`], without blanks.
pub fn history(mut changes: Vec<PasswordChange>) -> Vec<PasswordChange> {
    changes.retain(|change| !change.password.is_empty());
    changes.sort_by_key(|change| std::cmp::Reverse(change.changed_at));
    changes.truncate(PASSWORD_HISTORY_LEN);
    changes
}

/// A card expiry as `MM/YY` from a month (`4`, `04`, `April`) and a year (`29`, `2029`);
/// whichever half is unreadable is kept as given.
pub fn expiry(month: &str, year: &str) -> String {
    let (month, year) = (month.trim(), year.trim());
    if month.is_empty() && year.is_empty() {
        return String::new();
    }
    let month = month_number(month).map_or_else(|| month.to_owned(), |m| format!("{m:02}"));
    let year = match year.len() {
        4 if year.bytes().all(|b| b.is_ascii_digit()) => year[2..].to_owned(),
        _ => year.to_owned(),
    };
    format!("{month}/{year}")
}

/// 1 to 12 from `4`, `04` or an English month name.
fn month_number(month: &str) -> Option<u32> {
    const NAMES: [&str; 12] =
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    if let Ok(number) = month.parse::<u32>() {
        return (1..=12).contains(&number).then_some(number);
    }
    let lower = month.to_ascii_lowercase();
    let at = NAMES.iter().position(|name| lower.len() >= 3 && lower.starts_with(name))?;
    Some(at as u32 + 1)
}

/// The month and the four-digit year of an `MM/YY` (or `MM/YYYY`, `MM-YY`) expiry, when it is
/// one; otherwise `None`.
pub fn split_expiry(expiry: &str) -> Option<(u32, u32)> {
    let (month, year) = expiry.trim().split_once(['/', '-'])?;
    let month = month.trim().parse::<u32>().ok().filter(|m| (1..=12).contains(m))?;
    let year = year.trim();
    if !year.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let year = match year.len() {
        2 => 2000 + year.parse::<u32>().ok()?,
        4 => year.parse().ok()?,
        _ => return None,
    };
    Some((month, year))
}

/// The non-blank parts joined by spaces.
pub fn join_words<'a>(parts: impl IntoIterator<Item = &'a str>) -> String {
    parts.into_iter().map(str::trim).filter(|part| !part.is_empty()).collect::<Vec<_>>().join(" ")
}

/// An address as lines: the street lines, then `city, state postcode`, then the country.
pub fn address_lines(street: &[&str], city: &str, state: &str, postcode: &str, country: &str) -> String {
    let mut lines: Vec<String> = street
        .iter()
        .flat_map(|part| part.lines())
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    let region = join_words([state, postcode]);
    let place =
        [city.trim(), region.as_str()].into_iter().filter(|p| !p.is_empty()).collect::<Vec<_>>().join(", ");
    for line in [place.as_str(), country.trim()] {
        if !line.is_empty() {
            lines.push(line.to_owned());
        }
    }
    lines.join("\n")
}

/// `name`, or when it is blank the host of `url` without `www.` (or `url` itself).
pub fn name_or_host(name: &str, url: &str) -> String {
    if !name.trim().is_empty() {
        return name.to_owned();
    }
    let rest = url.trim().split_once("://").map_or(url.trim(), |(_, rest)| rest);
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = host.rsplit_once('@').map_or(host, |(_, host)| host);
    let host = host.split(':').next().unwrap_or_default();
    host.strip_prefix("www.").unwrap_or(host).to_owned()
}

/// Whether a CSV-style flag means yes: `1`, `true`, `yes`, `x`.
pub fn truthy(value: &str) -> bool {
    matches!(value.trim().to_ascii_lowercase().as_str(), "1" | "true" | "yes" | "x" | "on")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiries_become_mm_slash_yy() {
        assert_eq!(expiry("4", "2029"), "04/29");
        assert_eq!(expiry("12", "31"), "12/31");
        assert_eq!(expiry("April", "2029"), "04/29");
        assert_eq!(expiry("", ""), "");
        assert_eq!(expiry("13", "29"), "13/29");
        assert_eq!(split_expiry("04/29"), Some((4, 2029)));
        assert_eq!(split_expiry("4-2031"), Some((4, 2031)));
        assert_eq!(split_expiry("soon"), None);
        assert_eq!(split_expiry("13/29"), None);
    }

    #[test]
    fn addresses_and_names_skip_blanks() {
        assert_eq!(
            address_lines(&["1 Main St", "", "Flat 2"], "Springfield", "IL", "62701", "US"),
            "1 Main St\nFlat 2\nSpringfield, IL 62701\nUS"
        );
        assert_eq!(address_lines(&[], "", "", "75001", ""), "75001");
        assert_eq!(join_words(["Dr", " ", "Ada ", "Lovelace"]), "Dr Ada Lovelace");
        assert_eq!(urls(["a", " ", "b", "a "]), vec!["a".to_string(), "b".to_string()]);
    }

    #[test]
    fn the_budget_refuses_the_item_past_the_limit() {
        let mut budget = Budget::default();
        for _ in 0..MAX_ITEMS {
            budget.take().unwrap();
        }
        assert_eq!(budget.take(), Err(ImportError::TooManyItems));
        assert_eq!(Budget::check_len(MAX_ITEMS + 1), Err(ImportError::TooManyItems));
        assert!(Budget::check_len(MAX_ITEMS).is_ok());
    }

    #[test]
    fn urls_are_distinct_and_capped_and_folder_names_are_cut() {
        let many: Vec<String> = (0..50_000).map(|n| format!("https://{}.example", n % 1_000)).collect();
        let kept = urls(many.iter().map(String::as_str));
        assert_eq!(kept.len(), MAX_URLS);
        assert_eq!(kept[1], "https://1.example");
        assert_eq!(folder_name(&format!("  {}", "é".repeat(1_000))).chars().count(), MAX_FOLDER_CHARS);
        let mut fields = Vec::new();
        for _ in 0..MAX_FIELDS + 5 {
            push_field(&mut fields, "n", "v", FieldKind::Text);
        }
        assert_eq!(fields.len(), MAX_FIELDS);
    }
}
