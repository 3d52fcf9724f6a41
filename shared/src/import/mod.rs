//! Importers: other password managers' exports read into [`VaultRecord`]s, entirely in the
//! browser, so nothing leaves it in plaintext (docs/interchange.md says what maps to what).
//!
//! [`detect`] guesses a file's [`Format`] from its content; [`parse`] reads it into an
//! [`Import`]: the records and a [`Report`] of what was skipped or lost on the way. Errors are
//! coarse and never quote the file's content.

pub mod bitwarden_csv;
pub mod bitwarden_json;
pub mod bitwarden_protected;
pub mod chrome_csv;
pub(crate) mod common;
pub(crate) mod dates;
pub mod keepass_xml;
pub mod lastpass_csv;
pub mod onepassword_1pux;
pub mod onepassword_csv;
mod report;
mod table;

use std::fmt;

pub use report::{Counts, Lost, Report, Skip};

use crate::crypto::vault::VaultRecord;

/// The largest file an import reads: a browser tab holds it, and its records, in memory.
pub const MAX_BYTES: usize = 64 * 1024 * 1024;
/// The most items (records and skipped items together) one import reads.
pub const MAX_ITEMS: usize = 20_000;

/// A format the importers read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    /// Bitwarden's JSON export, unencrypted or protected by a file password
    /// ([`bitwarden_protected`]).
    BitwardenJson,
    /// Bitwarden's CSV export.
    BitwardenCsv,
    /// 1Password's 1PUX export (a ZIP archive).
    OnePassword1pux,
    /// 1Password 8's CSV export.
    OnePasswordCsv,
    /// KeePass 2's unencrypted XML export.
    KeePassXml,
    /// LastPass's CSV export.
    LastPassCsv,
    /// Chrome's (and other Chromium browsers') password CSV.
    ChromeCsv,
}

impl Format {
    /// Every format, in the order a list offers them.
    pub const ALL: [Format; 7] = [
        Format::BitwardenJson,
        Format::BitwardenCsv,
        Format::OnePassword1pux,
        Format::OnePasswordCsv,
        Format::KeePassXml,
        Format::LastPassCsv,
        Format::ChromeCsv,
    ];

    /// The name shown to the user.
    pub fn label(self) -> &'static str {
        match self {
            Format::BitwardenJson => "Bitwarden (JSON)",
            Format::BitwardenCsv => "Bitwarden (CSV)",
            Format::OnePassword1pux => "1Password (1PUX)",
            Format::OnePasswordCsv => "1Password (CSV)",
            Format::KeePassXml => "KeePass 2 (XML)",
            Format::LastPassCsv => "LastPass (CSV)",
            Format::ChromeCsv => "Chrome (CSV)",
        }
    }

    /// A stable short name, e.g. for a `<select>`'s values.
    pub fn id(self) -> &'static str {
        match self {
            Format::BitwardenJson => "bitwarden-json",
            Format::BitwardenCsv => "bitwarden-csv",
            Format::OnePassword1pux => "1password-1pux",
            Format::OnePasswordCsv => "1password-csv",
            Format::KeePassXml => "keepass-xml",
            Format::LastPassCsv => "lastpass-csv",
            Format::ChromeCsv => "chrome-csv",
        }
    }

    /// The format whose [`Format::id`] is `id`.
    pub fn from_id(id: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|format| format.id() == id)
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// What an import read: the records, in the file's order, and what it skipped or lost.
#[derive(Default)]
pub struct Import {
    /// The records to store.
    pub records: Vec<VaultRecord>,
    /// What was skipped or lost, and why.
    pub report: Report,
}

impl Import {
    /// How many records of each type.
    pub fn counts(&self) -> Counts {
        Counts::of(&self.records)
    }

    /// One line for a preview, e.g. "142 logins, 3 cards, 12 notes; 2 skipped: 2 SSH keys".
    pub fn summary(&self) -> String {
        self.report.summary(&self.counts())
    }
}

impl fmt::Debug for Import {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Import").field("records", &self.records.len()).field("report", &self.report).finish()
    }
}

/// Why a file could not be imported. Messages are coarse and never quote the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    /// Over [`MAX_BYTES`].
    #[error("This file is larger than 64 MiB, too large to import in a browser tab.")]
    TooLarge,
    /// Over [`MAX_ITEMS`].
    #[error(
        "This file holds more than 20,000 items, too many to import at once. Split it and import the parts."
    )]
    TooManyItems,
    /// The file does not have the shape of this format at all.
    #[error("This file is not a {0} export. Choose the format it was exported in.")]
    WrongFormat(Format),
    /// The file has the shape of this format but could not be read through.
    #[error("This {0} export is damaged or incomplete and could not be read. Export it again.")]
    Damaged(Format),
    /// A Bitwarden export protected by a file password: open it with
    /// [`bitwarden_protected::Protected`].
    #[error("This Bitwarden export is protected by a file password. Type it to open the file.")]
    PasswordProtected,
    /// The file password does not open a password-protected Bitwarden export (or the file's
    /// validation string was altered: the two look the same).
    #[error("This file password is wrong: the Bitwarden export did not open. Nothing was imported.")]
    WrongFilePassword,
    /// A password-protected Bitwarden export whose key derivation is unknown or outside the
    /// bounds (docs/interchange.md), refused before deriving anything.
    #[error(
        "This Bitwarden export asks for key derivation settings outside what Bitwarden itself uses \
         (PBKDF2 with 5,000 to 2,000,000 iterations, or Argon2id with 2 to 10 iterations, 16 to \
         1,024 MiB and 1 to 16 threads), so it was not opened. Export it again from Bitwarden."
    )]
    KdfOutOfBounds,
    /// A Bitwarden export encrypted with the Bitwarden account's key, which only Bitwarden opens.
    #[error(
        "This Bitwarden export is encrypted with your Bitwarden account's key and opens only in \
         that account. Export it again with a file password instead (\"Password protected\"), \
         or as unencrypted JSON."
    )]
    AccountEncrypted,
    /// [`detect`] did not recognise the file.
    #[error("This file's format was not recognised. Choose the format it was exported in.")]
    Unrecognised,
}

/// Guesses a file's format from its content (JSON keys, the ZIP signature, the XML root, the
/// CSV header), falling back on its name's extension only for a 1PUX archive.
pub fn detect(filename: &str, bytes: &[u8]) -> Option<Format> {
    let bytes = common::strip_bom(bytes);
    if bytes.starts_with(b"PK\x03\x04") {
        return Some(Format::OnePassword1pux);
    }
    let start = bytes.iter().position(|byte| !byte.is_ascii_whitespace()).map_or(&[][..], |at| &bytes[at..]);
    if start.starts_with(b"{") {
        return bitwarden_json::looks_like(bytes).then_some(Format::BitwardenJson);
    }
    if start.starts_with(b"<") {
        return keepass_xml::looks_like(bytes).then_some(Format::KeePassXml);
    }
    if let Some(header) = table::header(bytes) {
        let has = |name: &str| header.iter().any(|column| column == name);
        if has("login_uri") && has("type") {
            return Some(Format::BitwardenCsv);
        }
        if has("grouping") && has("extra") {
            return Some(Format::LastPassCsv);
        }
        if has("title") && (has("otpauth") || has("archived") || has("tags")) {
            return Some(Format::OnePasswordCsv);
        }
        if has("name") && has("url") && has("username") && has("password") {
            return Some(Format::ChromeCsv);
        }
        if has("title") && has("username") && has("password") {
            return Some(Format::OnePasswordCsv);
        }
    }
    filename.to_ascii_lowercase().ends_with(".1pux").then_some(Format::OnePassword1pux)
}

/// Reads a file of `format`. Refuses files over [`MAX_BYTES`] and over [`MAX_ITEMS`] items.
pub fn parse(format: Format, bytes: &[u8]) -> Result<Import, ImportError> {
    if bytes.len() > MAX_BYTES {
        return Err(ImportError::TooLarge);
    }
    let bytes = common::strip_bom(bytes);
    match format {
        Format::BitwardenJson => bitwarden_json::parse(bytes),
        Format::BitwardenCsv => bitwarden_csv::parse(bytes),
        Format::OnePassword1pux => onepassword_1pux::parse(bytes),
        Format::OnePasswordCsv => onepassword_csv::parse(bytes),
        Format::KeePassXml => keepass_xml::parse(bytes),
        Format::LastPassCsv => lastpass_csv::parse(bytes),
        Format::ChromeCsv => chrome_csv::parse(bytes),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_detected_by_content() {
        let cases: [(&str, &[u8], Option<Format>); 11] = [
            ("x.json", include_bytes!("../../tests/import/bitwarden.json"), Some(Format::BitwardenJson)),
            ("x.csv", include_bytes!("../../tests/import/bitwarden.csv"), Some(Format::BitwardenCsv)),
            ("x.csv", include_bytes!("../../tests/import/lastpass.csv"), Some(Format::LastPassCsv)),
            ("x.xml", include_bytes!("../../tests/import/keepass.xml"), Some(Format::KeePassXml)),
            ("x.csv", b"\xEF\xBB\xBFname,url,username,password,note\n", Some(Format::ChromeCsv)),
            (
                "x.csv",
                b"Title,Url,Username,Password,OTPAuth,Favorite,Archived,Tags,Notes\n",
                Some(Format::OnePasswordCsv),
            ),
            ("x.csv", b"Password,Username,Title\n", Some(Format::OnePasswordCsv)),
            (
                "x.json",
                br#"{"encrypted": true, "passwordProtected": true, "data": "2.a|b|c"}"#,
                Some(Format::BitwardenJson),
            ),
            ("x.1pux", b"PK\x03\x04rest", Some(Format::OnePassword1pux)),
            ("x.json", br#"{"hello": "world"}"#, None),
            ("notes.txt", b"just some prose\n", None),
        ];
        for (name, bytes, expected) in cases {
            assert_eq!(detect(name, bytes), expected, "{name}");
        }
        assert_eq!(detect("export.1pux", b""), Some(Format::OnePassword1pux));
    }

    #[test]
    fn every_format_has_a_distinct_id() {
        for format in Format::ALL {
            assert_eq!(Format::from_id(format.id()), Some(format));
        }
        assert_eq!(Format::from_id("nope"), None);
    }

    #[test]
    fn files_over_the_limits_are_refused_whatever_the_format() {
        let big = vec![b' '; MAX_BYTES + 1];
        for format in Format::ALL {
            assert_eq!(parse(format, &big).unwrap_err(), ImportError::TooLarge);
        }
        let mut csv = String::from("name,url,username,password\n");
        for _ in 0..=MAX_ITEMS {
            csv.push_str("n,u,x,p\n");
        }
        assert_eq!(parse(Format::ChromeCsv, csv.as_bytes()).unwrap_err(), ImportError::TooManyItems);
        let items = vec![r#"{"type": 2}"#; MAX_ITEMS + 1].join(",");
        let json = format!(r#"{{"encrypted": false, "items": [{items}]}}"#);
        assert_eq!(parse(Format::BitwardenJson, json.as_bytes()).unwrap_err(), ImportError::TooManyItems);
    }

    #[test]
    fn errors_never_quote_the_file() {
        let secret = "hunter2-very-secret";
        let json = format!(r#"{{"encrypted": false, "items": [{{"type": 1, "favorite": "{secret}"}}]}}"#);
        let error = parse(Format::BitwardenJson, json.as_bytes()).unwrap_err();
        assert_eq!(error, ImportError::Damaged(Format::BitwardenJson));
        assert!(!error.to_string().contains(secret) && !format!("{error:?}").contains(secret));
    }
}
