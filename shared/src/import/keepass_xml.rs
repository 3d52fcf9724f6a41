//! KeePass 2's unencrypted XML export (also KeePassXC's): `KeePassFile/Root/Group`, whose
//! groups nest and hold `Entry`s. A group's path below the top group becomes the folder
//! ("Banking/Cards"); the recycle bin is left out; an entry's `History` gives its earlier
//! passwords. A document type declaration is refused (no entity expansion).

use base64::Engine as _;
use roxmltree::{Document, Node};

use super::common::{self, Budget};
use super::{Format, Import, ImportError, Lost, Skip, dates};
use crate::crypto::vault::{FieldKind, PasswordChange, RecordFields, VaultRecord};

const FORMAT: Format = Format::KeePassXml;
/// Seconds from 0001-01-01 (KDBX 4 timestamps) to 1970-01-01.
const UNIX_FROM_YEAR_ONE: i64 = 62_135_596_800;
/// The deepest group nesting read: deeper files are refused rather than overflow the stack.
const MAX_DEPTH: usize = 64;
/// The name KeePass gives its recycle bin, used when the file does not say which group it is.
const RECYCLE_BIN: &str = "Recycle Bin";

/// Whether the XML's root element is `KeePassFile`, judged from its first 4 KiB.
pub fn looks_like(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    String::from_utf8_lossy(head).contains("<KeePassFile")
}

/// Reads a KeePass 2 XML export.
pub fn parse(bytes: &[u8]) -> Result<Import, ImportError> {
    if !looks_like(bytes) {
        return Err(ImportError::WrongFormat(FORMAT));
    }
    let text = std::str::from_utf8(bytes).map_err(|_| ImportError::Damaged(FORMAT))?;
    let document = Document::parse(text).map_err(|_| ImportError::Damaged(FORMAT))?;
    let file = document.root_element();
    if !file.has_tag_name("KeePassFile") {
        return Err(ImportError::WrongFormat(FORMAT));
    }
    let recycle_bin = child(file, "Meta")
        .and_then(|meta| child_text(meta, "RecycleBinUUID"))
        .filter(|uuid| !uuid.trim().trim_start_matches('A').trim_start_matches('=').is_empty())
        .map(str::to_owned);
    let top =
        child(file, "Root").and_then(|root| child(root, "Group")).ok_or(ImportError::Damaged(FORMAT))?;
    let mut walk = Walk { import: Import::default(), budget: Budget::default(), recycle_bin };
    walk.group(top, &mut Vec::new())?;
    Ok(walk.import)
}

struct Walk {
    import: Import,
    budget: Budget,
    recycle_bin: Option<String>,
}

impl Walk {
    /// Reads `group`'s entries into the folder `path`, and its subgroups below it.
    fn group<'a>(&mut self, group: Node<'a, 'a>, path: &mut Vec<&'a str>) -> Result<(), ImportError> {
        if path.len() > MAX_DEPTH {
            return Err(ImportError::Damaged(FORMAT));
        }
        let folder = common::folder_name(&path.join("/"));
        for node in group.children().filter(Node::is_element) {
            if node.has_tag_name("Entry") {
                self.budget.take()?;
                let mut record = entry(node, &mut self.import);
                record.folder.clone_from(&folder);
                self.import.records.push(record);
            } else if node.has_tag_name("Group") {
                if self.is_recycle_bin(node) {
                    self.skip_all(node)?;
                    continue;
                }
                path.push(child_text(node, "Name").unwrap_or_default());
                self.group(node, path)?;
                path.pop();
            }
        }
        Ok(())
    }

    fn is_recycle_bin(&self, group: Node<'_, '_>) -> bool {
        match &self.recycle_bin {
            Some(uuid) => child_text(group, "UUID") == Some(uuid.as_str()),
            None => child_text(group, "Name") == Some(RECYCLE_BIN),
        }
    }

    /// Counts every entry in `group` and below as deleted.
    fn skip_all(&mut self, group: Node<'_, '_>) -> Result<(), ImportError> {
        for entry in group.descendants().filter(|node| node.has_tag_name("Entry")) {
            if entry.parent().is_some_and(|parent| parent.has_tag_name("History")) {
                continue;
            }
            self.budget.take()?;
            self.import.report.skip(Skip::Deleted);
        }
        Ok(())
    }
}

fn child<'a>(node: Node<'a, 'a>, name: &str) -> Option<Node<'a, 'a>> {
    node.children().find(|child| child.has_tag_name(name))
}

fn child_text<'a>(node: Node<'a, 'a>, name: &str) -> Option<&'a str> {
    child(node, name).map(|child| child.text().unwrap_or_default())
}

/// An entry's `String`s: key, value, and whether it is protected in memory.
fn strings<'a>(entry: Node<'a, 'a>) -> Vec<(&'a str, &'a str, bool)> {
    entry
        .children()
        .filter(|node| node.has_tag_name("String"))
        .map(|string| {
            let value = child(string, "Value");
            let protected = value
                .and_then(|v| v.attribute("ProtectInMemory"))
                .is_some_and(|p| p.eq_ignore_ascii_case("true"));
            (
                child_text(string, "Key").unwrap_or_default(),
                value.and_then(|v| v.text()).unwrap_or_default(),
                protected,
            )
        })
        .collect()
}

fn value<'a>(strings: &[(&'a str, &'a str, bool)], key: &str) -> &'a str {
    strings.iter().find(|(name, ..)| *name == key).map_or("", |(_, value, _)| value)
}

/// Unix seconds of an entry's `Times/LastModificationTime`: ISO 8601, or KDBX 4's base64 of
/// little-endian seconds since 0001-01-01.
fn modified(entry: Node<'_, '_>) -> u64 {
    let Some(text) = child(entry, "Times").and_then(|times| child_text(times, "LastModificationTime")) else {
        return 0;
    };
    if let Some(unix) = dates::parse_timestamp(text) {
        return unix;
    }
    base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .ok()
        .and_then(|bytes| <[u8; 8]>::try_from(bytes).ok())
        .and_then(|bytes| i64::from_le_bytes(bytes).checked_sub(UNIX_FROM_YEAR_ONE))
        .and_then(|unix| u64::try_from(unix).ok())
        .unwrap_or(0)
}

/// The authenticator secret: KeePassXC's `otp` URI, or KeePass's `TimeOtp-*` strings.
fn totp(strings: &[(&str, &str, bool)], title: &str) -> String {
    let otp = value(strings, "otp");
    if !otp.is_empty() {
        return otp.to_owned();
    }
    let secret = value(strings, "TimeOtp-Secret-Base32");
    let options: Vec<String> =
        [("digits", "TimeOtp-Length"), ("period", "TimeOtp-Period"), ("algorithm", "TimeOtp-Algorithm")]
            .into_iter()
            .filter(|(_, key)| !value(strings, key).is_empty())
            .map(|(name, key)| {
                format!("{name}={}", value(strings, key).trim().replace("HMAC-", "").replace("SHA-", "SHA"))
            })
            .collect();
    if secret.is_empty() || options.is_empty() {
        return secret.to_owned();
    }
    let label: String = title.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    format!("otpauth://totp/{label}?secret={}&{}", secret.trim(), options.join("&"))
}

/// Whether a string is read into a member rather than a custom field.
fn is_member(key: &str) -> bool {
    matches!(key, "Title" | "UserName" | "Password" | "URL" | "Notes" | "otp")
        || key.starts_with("TimeOtp-")
        || key.starts_with("KP2A_URL")
}

/// One entry as a login (a note when it has no user name, password, URL or authenticator).
fn entry(node: Node<'_, '_>, import: &mut Import) -> VaultRecord {
    let strings = strings(node);
    let title = value(&strings, "Title");
    let urls =
        common::urls(std::iter::once(value(&strings, "URL")).chain(
            strings.iter().filter(|(key, ..)| key.starts_with("KP2A_URL")).map(|(_, value, _)| *value),
        ));
    let mut fields =
        common::login(value(&strings, "UserName"), value(&strings, "Password"), urls, &totp(&strings, title));
    if let RecordFields::Login { username, password, urls, totp, password_history, .. } = &mut fields {
        if username.is_empty() && password.is_empty() && urls.is_empty() && totp.is_empty() {
            fields = RecordFields::Note;
        } else {
            *password_history = history(node);
        }
    }
    import.report.lose(Lost::Attachments, usize::from(child(node, "Binary").is_some()));
    let mut record = VaultRecord::new(fields);
    record.name = title.to_owned();
    record.notes = value(&strings, "Notes").to_owned();
    for (key, value, protected) in strings.iter().filter(|(key, ..)| !is_member(key)) {
        let kind = if *protected { FieldKind::Hidden } else { FieldKind::Text };
        common::push_field(&mut record.custom_fields, key, value, kind);
    }
    record
}

/// The passwords an entry's history shows replaced, each dated by the version that replaced it.
fn history(entry: Node<'_, '_>) -> Vec<PasswordChange> {
    let mut versions: Vec<(String, u64)> = child(entry, "History")
        .into_iter()
        .flat_map(|history| history.children().filter(|node| node.has_tag_name("Entry")))
        .map(|old| (value(&strings(old), "Password").to_owned(), modified(old)))
        .collect();
    versions.sort_by_key(|(_, at)| *at);
    versions.push((value(&strings(entry), "Password").to_owned(), modified(entry)));
    let changes = versions
        .windows(2)
        .filter(|pair| pair[0].0 != pair[1].0)
        .map(|pair| PasswordChange { password: pair[0].0.clone(), changed_at: pair[1].1 })
        .collect();
    common::history(changes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::vault::CustomField;

    const SAMPLE: &[u8] = include_bytes!("../../tests/import/keepass.xml");

    #[test]
    fn entries_are_read_with_their_group_path_history_and_fields() {
        let import = parse(SAMPLE).unwrap();
        let names: Vec<&str> = import.records.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["Top", "Bank", "Visa PIN", "Recipe"]);
        let folders: Vec<&str> = import.records.iter().map(|r| r.folder.as_str()).collect();
        assert_eq!(folders, ["", "Banking", "Banking/Cards", "Banking/Cards"]);

        let bank = &import.records[1];
        assert_eq!(bank.notes, "main account\nline two");
        let RecordFields::Login { username, password, urls, totp, password_history, .. } = &bank.fields
        else {
            panic!("a login")
        };
        assert_eq!(username, "alice");
        assert_eq!(password, "current & <new>");
        assert_eq!(urls, &["https://bank.example", "https://m.bank.example"]);
        assert_eq!(totp, "otpauth://totp/Bank:alice?secret=JBSWY3DPEHPK3PXP");
        let history: Vec<(&str, u64)> =
            password_history.iter().map(|c| (c.password.as_str(), c.changed_at)).collect();
        assert_eq!(history, [("second", 1_709_210_096), ("first", 1_704_067_200)]);
        assert_eq!(
            bank.custom_fields,
            vec![
                CustomField { name: "Customer no".into(), value: "12345".into(), kind: FieldKind::Text },
                CustomField {
                    name: "Memorable word".into(),
                    value: "orange".into(),
                    kind: FieldKind::Hidden
                },
            ]
        );

        let RecordFields::Login { totp, .. } = &import.records[2].fields else { panic!("a login") };
        assert_eq!(totp, "otpauth://totp/VisaPIN?secret=GEZDGNBVGY3TQOJQ&digits=8&algorithm=SHA256");
        assert_eq!(import.records[3].fields, RecordFields::Note);
        assert_eq!(import.records[3].notes, "flour, water");
    }

    #[test]
    fn the_recycle_bin_is_skipped_and_attachments_counted() {
        let import = parse(SAMPLE).unwrap();
        assert_eq!(import.report.skipped.get(&Skip::Deleted), Some(&2));
        assert_eq!(import.report.lost.get(&Lost::Attachments), Some(&1));
        assert!(import.records.iter().all(|r| r.name != "Deleted"));
    }

    #[test]
    fn a_named_recycle_bin_is_skipped_and_kdbx4_times_are_read() {
        let xml = r#"<?xml version="1.0" encoding="utf-8"?><KeePassFile><Root><Group><Name>Db</Name>
            <Group><Name>Recycle Bin</Name><Entry><String><Key>Title</Key><Value>gone</Value></String></Entry></Group>
            <Entry><Times><LastModificationTime>gHwG3w4AAAA=</LastModificationTime></Times>
              <String><Key>Title</Key><Value>kept</Value></String><String><Key>Password</Key><Value>new</Value></String>
              <History><Entry><Times><LastModificationTime>AAAAAAAAAAA=</LastModificationTime></Times>
                <String><Key>Password</Key><Value>old</Value></String></Entry></History></Entry>
            </Group></Root></KeePassFile>"#;
        let import = parse(xml.as_bytes()).unwrap();
        assert_eq!(import.records.len(), 1);
        assert_eq!(import.report.skipped.get(&Skip::Deleted), Some(&1));
        let RecordFields::Login { password_history, .. } = &import.records[0].fields else {
            panic!("a login")
        };
        assert_eq!(password_history[0].password, "old");
        assert_eq!(password_history[0].changed_at, 63_871_286_400 - 62_135_596_800);
    }

    #[test]
    fn other_xml_and_entity_tricks_are_refused() {
        assert_eq!(parse(b"<html></html>").unwrap_err(), ImportError::WrongFormat(FORMAT));
        let dtd = br#"<?xml version="1.0"?><!DOCTYPE KeePassFile [<!ENTITY a "aaaa">]><KeePassFile><Root><Group/></Root></KeePassFile>"#;
        assert_eq!(parse(dtd).unwrap_err(), ImportError::Damaged(FORMAT));
        assert_eq!(parse(b"<KeePassFile><Root>").unwrap_err(), ImportError::Damaged(FORMAT));
    }

    fn nested(depth: usize, times: &str) -> String {
        let open = "<Group><Name>g</Name>".repeat(depth);
        let close = "</Group>".repeat(depth);
        format!(
            "<KeePassFile><Root><Group><Name>top</Name>{open}<Entry><Times><LastModificationTime>{times}</LastModificationTime></Times>\
             <String><Key>Title</Key><Value>deep</Value></String></Entry>{close}</Group></Root></KeePassFile>"
        )
    }

    #[test]
    fn groups_nested_past_the_limit_are_refused_without_overflowing_the_stack() {
        assert_eq!(parse(nested(5_000, "").as_bytes()).unwrap_err(), ImportError::Damaged(FORMAT));
        assert_eq!(parse(nested(MAX_DEPTH, "").as_bytes()).unwrap().records.len(), 1);
    }

    #[test]
    fn a_timestamp_at_the_edge_of_i64_reads_as_unknown_without_a_panic() {
        let min = base64::engine::general_purpose::STANDARD.encode(i64::MIN.to_le_bytes());
        let xml = nested(1, &min);
        let document = Document::parse(&xml).unwrap();
        let entry = document.descendants().find(|node| node.has_tag_name("Entry")).unwrap();
        assert_eq!(modified(entry), 0);
    }
}
