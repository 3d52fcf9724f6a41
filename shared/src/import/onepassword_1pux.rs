//! 1Password's 1PUX export: a ZIP archive whose `export.data` is JSON,
//! `accounts[].vaults[].items[]`, each item with a `categoryUuid`, an `overview` (title, URLs,
//! tags) and `details` (login fields, notes, sections of typed fields, password history).
//! Logins, cards, identities and notes map to their Coffer types; passports, driving licences
//! and social security numbers become identities with a document; other categories become notes
//! whose fields are custom fields. SSH keys and file items are skipped; files are not imported.

use std::io::{Cursor, Read};

use serde::Deserialize;
use serde_json::{Map, Value};
use zeroize::Zeroizing;

use super::common::{self, Budget, nullable, text};
use super::onepassword_csv::ARCHIVE_FOLDER;
use super::{Format, Import, ImportError, Lost, MAX_BYTES, Skip, dates};
use crate::crypto::vault::{CustomField, Document, FieldKind, PasswordChange, RecordFields, VaultRecord};

const FORMAT: Format = Format::OnePassword1pux;

#[derive(Deserialize)]
struct Export {
    #[serde(default, deserialize_with = "nullable")]
    accounts: Vec<Account>,
}

#[derive(Deserialize)]
struct Account {
    #[serde(default, deserialize_with = "nullable")]
    vaults: Vec<Vault>,
}

#[derive(Deserialize)]
struct Vault {
    #[serde(default, deserialize_with = "nullable")]
    attrs: VaultAttrs,
    #[serde(default, deserialize_with = "common::bounded_list")]
    items: Vec<Value>,
}

#[derive(Default, Deserialize)]
struct VaultAttrs {
    #[serde(default, deserialize_with = "text")]
    name: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Item {
    #[serde(default, deserialize_with = "nullable")]
    fav_index: u64,
    #[serde(default, deserialize_with = "text")]
    state: String,
    #[serde(default, deserialize_with = "nullable")]
    trashed: bool,
    #[serde(default, deserialize_with = "text")]
    category_uuid: String,
    #[serde(default, deserialize_with = "nullable")]
    details: Details,
    #[serde(default, deserialize_with = "nullable")]
    overview: Overview,
}

#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Details {
    #[serde(default, deserialize_with = "nullable")]
    login_fields: Vec<LoginField>,
    #[serde(default, deserialize_with = "text")]
    notes_plain: String,
    #[serde(default, deserialize_with = "nullable")]
    sections: Vec<Section>,
    #[serde(default, deserialize_with = "nullable")]
    password_history: Vec<OldPassword>,
    #[serde(default, deserialize_with = "text")]
    password: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LoginField {
    #[serde(default)]
    value: Value,
    #[serde(default, deserialize_with = "text")]
    name: String,
    #[serde(default, deserialize_with = "text")]
    field_type: String,
    #[serde(default, deserialize_with = "text")]
    designation: String,
}

#[derive(Deserialize)]
struct Section {
    #[serde(default, deserialize_with = "text")]
    title: String,
    #[serde(default, deserialize_with = "nullable")]
    fields: Vec<SectionField>,
}

#[derive(Deserialize)]
struct SectionField {
    #[serde(default, deserialize_with = "text")]
    title: String,
    #[serde(default, deserialize_with = "text")]
    id: String,
    #[serde(default, deserialize_with = "nullable")]
    value: Map<String, Value>,
}

#[derive(Deserialize)]
struct OldPassword {
    #[serde(default, deserialize_with = "text")]
    value: String,
    #[serde(default, deserialize_with = "nullable")]
    time: u64,
}

#[derive(Default, Deserialize)]
struct Overview {
    #[serde(default, deserialize_with = "text")]
    title: String,
    #[serde(default, deserialize_with = "text")]
    url: String,
    #[serde(default, deserialize_with = "nullable")]
    urls: Vec<LabelledUrl>,
    #[serde(default, deserialize_with = "nullable")]
    tags: Vec<String>,
}

#[derive(Deserialize)]
struct LabelledUrl {
    #[serde(default, deserialize_with = "text")]
    url: String,
}

/// What a category becomes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Login,
    Card,
    Identity,
    /// An identity holding one document with this label.
    Document(&'static str),
    Note,
}

/// The Coffer type of a `categoryUuid`, or why its items are skipped.
fn kind(category: &str) -> Result<Kind, Skip> {
    Ok(match category {
        // Login, password, database, wireless router, server, email account, API credential.
        "001" | "005" | "102" | "109" | "110" | "111" | "112" => Kind::Login,
        "002" => Kind::Card,
        "004" => Kind::Identity,
        "103" => Kind::Document("Driver's licence"),
        "106" => Kind::Document("Passport"),
        "108" => Kind::Document("Social security number"),
        "006" => return Err(Skip::FileItem),
        "114" => return Err(Skip::SshKey),
        _ => Kind::Note,
    })
}

/// Reads a 1PUX archive.
pub fn parse(bytes: &[u8]) -> Result<Import, ImportError> {
    let mut archive =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| ImportError::WrongFormat(FORMAT))?;
    let entry = archive.by_name("export.data").map_err(|_| ImportError::WrongFormat(FORMAT))?;
    let mut data = Zeroizing::new(Vec::new());
    entry.take(MAX_BYTES as u64 + 1).read_to_end(&mut data).map_err(|_| ImportError::Damaged(FORMAT))?;
    if data.len() > MAX_BYTES {
        return Err(ImportError::TooLarge);
    }
    common::reset_listed();
    let export: Export = serde_json::from_slice(&data).map_err(common::json_error(FORMAT))?;
    let vaults: Vec<Vault> = export.accounts.into_iter().flat_map(|account| account.vaults).collect();
    Budget::check_len(vaults.iter().map(|vault| vault.items.len()).sum())?;
    let name_vaults = vaults.len() > 1;
    let mut import = Import::default();
    for vault in vaults {
        for value in vault.items {
            // Early exports wrapped each item as {"item": {...}}.
            let value = match value {
                Value::Object(mut object) if object.contains_key("item") => {
                    object.remove("item").unwrap_or_default()
                }
                value => value,
            };
            let item: Item = serde_json::from_value(value).map_err(|_| ImportError::Damaged(FORMAT))?;
            if item.trashed || item.state == "deleted" {
                import.report.skip(Skip::Deleted);
                continue;
            }
            let kind = match kind(&item.category_uuid) {
                Ok(kind) => kind,
                Err(reason) => {
                    import.report.skip(reason);
                    continue;
                }
            };
            let mut record = record(&item, kind);
            let tags = &item.overview.tags;
            import.report.lose(Lost::ExtraTags, usize::from(tags.len() > 1));
            record.folder = if item.state == "archived" {
                ARCHIVE_FOLDER.to_owned()
            } else if let Some(tag) = tags.first() {
                common::folder_name(tag)
            } else if name_vaults {
                common::folder_name(&vault.attrs.name)
            } else {
                String::new()
            };
            import.records.push(record);
        }
    }
    Ok(import)
}

/// A section field's value as text, and how it is shown; `None` for an empty or unreadable one.
fn field_value(value: &Map<String, Value>) -> Option<(&str, String, FieldKind)> {
    let (key, value) = value.iter().next()?;
    let text = match (key.as_str(), value) {
        ("email", Value::Object(email)) => email.get("email_address").and_then(Value::as_str)?.to_owned(),
        ("date", Value::Number(secs)) => dates::format_date(secs.as_i64()?),
        ("monthYear", Value::Number(month_year)) => {
            let month_year = month_year.as_u64()?;
            format!("{:02}/{}", month_year % 100, month_year / 100)
        }
        ("address", Value::Object(address)) => {
            let part = |name: &str| address.get(name).and_then(Value::as_str).unwrap_or_default();
            common::address_lines(
                &[part("street")],
                part("city"),
                part("state"),
                part("zip"),
                part("country"),
            )
        }
        ("sshKey", _) => return None,
        (_, Value::String(text)) => text.clone(),
        (_, Value::Number(number)) => number.to_string(),
        _ => return None,
    };
    let kind = match key.as_str() {
        "concealed" | "totp" | "creditCardNumber" => FieldKind::Hidden,
        _ => FieldKind::Text,
    };
    (!text.is_empty()).then_some((key.as_str(), text, kind))
}

/// One item as a record of `kind`.
fn record(item: &Item, kind: Kind) -> VaultRecord {
    let details = &item.details;
    let mut custom = Vec::new();
    let (mut username, mut password, mut totp) = (String::new(), details.password.clone(), String::new());
    let mut urls: Vec<String> = item.overview.urls.iter().map(|u| u.url.clone()).collect();
    urls.push(item.overview.url.clone());
    for field in &details.login_fields {
        let value = match &field.value {
            Value::String(text) => text.clone(),
            Value::Object(object) => ["email_address", "string"]
                .iter()
                .find_map(|key| object.get(*key).and_then(Value::as_str))
                .unwrap_or_default()
                .to_owned(),
            _ => String::new(),
        };
        match field.designation.as_str() {
            "username" if username.is_empty() => username = value,
            "password" if password.is_empty() => password = value,
            _ => match field.field_type.as_str() {
                "P" => common::push_field(&mut custom, &field.name, &value, FieldKind::Hidden),
                "C" if !value.is_empty() => {
                    common::push_field(&mut custom, &field.name, "true", FieldKind::Boolean)
                }
                _ => common::push_field(&mut custom, &field.name, &value, FieldKind::Text),
            },
        }
    }

    let (mut holder, mut number, mut expiry, mut cvv) =
        (String::new(), String::new(), String::new(), String::new());
    let (mut names, mut email, mut phone, mut birth_date, mut company, mut address) =
        (Vec::new(), String::new(), String::new(), String::new(), String::new(), String::new());
    let mut documents: Vec<Document> = Vec::new();
    for section in &details.sections {
        for field in &section.fields {
            let Some((key, value, shown)) = field_value(&field.value) else { continue };
            let id = field.id.as_str();
            let slot: Option<&mut String> = match kind {
                Kind::Login => match (id, key) {
                    (_, "totp") => Some(&mut totp),
                    _ if id.starts_with("TOTP_") => Some(&mut totp),
                    ("username", _) => Some(&mut username),
                    ("password" | "credential", _) => Some(&mut password),
                    ("url" | "hostname" | "server", _) => {
                        urls.push(value);
                        continue;
                    }
                    _ => None,
                },
                Kind::Card => match id {
                    "ccnum" => Some(&mut number),
                    "cvv" => Some(&mut cvv),
                    "cardholder" => Some(&mut holder),
                    "expiry" => {
                        expiry = common::split_expiry(&value)
                            .map_or(value, |(month, year)| format!("{month:02}/{:02}", year % 100));
                        continue;
                    }
                    _ => None,
                },
                Kind::Identity | Kind::Document(_) => match (id, key) {
                    ("firstname" | "initial" | "lastname" | "fullname" | "name" | "member_name", _) => {
                        names.push(value);
                        continue;
                    }
                    ("number", _) if matches!(kind, Kind::Document(_)) => {
                        if let Kind::Document(label) = kind {
                            common::push_document(&mut documents, label, &value);
                        }
                        continue;
                    }
                    ("birthdate", _) => Some(&mut birth_date),
                    ("company", _) => Some(&mut company),
                    (_, "email") => Some(&mut email),
                    ("email", _) => Some(&mut email),
                    ("defphone", _) | (_, "phone") => Some(&mut phone),
                    (_, "address") | ("address", _) => Some(&mut address),
                    _ => None,
                },
                Kind::Note => None,
            };
            match slot {
                Some(slot) if slot.is_empty() => *slot = value,
                _ => {
                    let name = [&field.title, &section.title, &field.id].into_iter().find(|n| !n.is_empty());
                    custom.push(CustomField { name: name.cloned().unwrap_or_default(), value, kind: shown });
                }
            }
        }
    }

    let fields = match kind {
        Kind::Login => {
            let mut fields =
                common::login(&username, &password, common::urls(urls.iter().map(String::as_str)), &totp);
            if let RecordFields::Login { password_history, .. } = &mut fields {
                *password_history = common::history(
                    details
                        .password_history
                        .iter()
                        .map(|old| PasswordChange {
                            password: old.value.clone(),
                            // Some exports write milliseconds.
                            changed_at: if old.time >= 100_000_000_000 { old.time / 1000 } else { old.time },
                        })
                        .collect(),
                );
            }
            fields
        }
        Kind::Card => common::card(&holder, &number, expiry, &cvv),
        Kind::Identity | Kind::Document(_) => RecordFields::Identity {
            full_name: common::join_words(names.iter().map(String::as_str)),
            email,
            phone,
            birth_date,
            company,
            address,
            documents,
        },
        Kind::Note => {
            // A note keeps the login members it had as fields.
            common::push_field(&mut custom, "username", &username, FieldKind::Text);
            common::push_field(&mut custom, "password", &password, FieldKind::Hidden);
            for url in common::urls(urls.iter().map(String::as_str)) {
                common::push_field(&mut custom, "url", &url, FieldKind::Text);
            }
            RecordFields::Note
        }
    };
    let mut record = VaultRecord::new(fields);
    record.name = item.overview.title.clone();
    record.notes = details.notes_plain.clone();
    record.favorite = item.fav_index > 0;
    record.custom_fields = custom;
    record
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use zip::write::SimpleFileOptions;

    use super::*;

    const EXPORT_DATA: &[u8] = include_bytes!("../../tests/import/1password-export.data.json");

    /// A 1PUX archive as 1Password writes it: `export.attributes`, `export.data`, a file.
    fn archive(data: &[u8]) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        zip.start_file("export.attributes", options).unwrap();
        zip.write_all(
            br#"{"version": 3, "description": "1Password Unencrypted Export", "createdAt": 1709210096}"#,
        )
        .unwrap();
        zip.start_file("export.data", options).unwrap();
        zip.write_all(data).unwrap();
        zip.start_file("files/sampledoc__scan.pdf", options).unwrap();
        zip.write_all(b"%PDF-not-real").unwrap();
        zip.finish().unwrap().into_inner()
    }

    fn field(name: &str, value: &str, kind: FieldKind) -> CustomField {
        CustomField { name: name.into(), value: value.into(), kind }
    }

    #[test]
    fn every_category_maps_with_its_members() {
        let bytes = archive(EXPORT_DATA);
        assert_eq!(crate::import::detect("export.1pux", &bytes), Some(Format::OnePassword1pux));
        let import = parse(&bytes).unwrap();
        let names: Vec<&str> = import.records.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["Bank", "Visa", "Me", "Wi-Fi", "Editor licence", "Passport", "Router"]);

        let bank = &import.records[0];
        assert!(bank.favorite);
        assert_eq!(bank.folder, "Finance");
        assert_eq!(bank.notes, "main account");
        let RecordFields::Login { username, password, urls, totp, password_history, .. } = &bank.fields
        else {
            panic!("a login")
        };
        assert_eq!((username.as_str(), password.as_str()), ("alice@example.org", "correct horse"));
        assert_eq!(urls, &["https://bank.example", "https://m.bank.example"]);
        assert_eq!(totp, "otpauth://totp/Bank:alice?secret=JBSWY3DPEHPK3PXP");
        let history: Vec<(&str, u64)> =
            password_history.iter().map(|c| (c.password.as_str(), c.changed_at)).collect();
        assert_eq!(history, [("newer", 1_709_210_096), ("oldest", 1_700_000_000)]);
        assert_eq!(
            bank.custom_fields,
            vec![
                field("remember me", "true", FieldKind::Boolean),
                field("memorable word", "orange", FieldKind::Hidden),
                field("PIN", "4321", FieldKind::Hidden),
                field("Security", "Main St", FieldKind::Text),
            ]
        );

        let visa = &import.records[1];
        assert_eq!(visa.fields, common::card("ALICE EXAMPLE", "4111111111111111", "04/29".into(), "123"));
        assert_eq!(visa.folder, ARCHIVE_FOLDER);
        assert!(!visa.favorite);
        assert_eq!(
            visa.custom_fields,
            vec![field("type", "visa", FieldKind::Text), field("valid from", "01/2020", FieldKind::Text)]
        );

        let me = &import.records[2];
        assert_eq!(
            me.fields,
            RecordFields::Identity {
                full_name: "Alice B Example".into(),
                email: "alice@example.org".into(),
                phone: "555-0100".into(),
                birth_date: "1990-05-17".into(),
                company: "Example Ltd".into(),
                address: "1 Main St\nSpringfield, IL 62701\nus".into(),
                documents: vec![],
            }
        );
        assert_eq!(
            me.custom_fields,
            vec![
                field("occupation", "Engineer", FieldKind::Text),
                field("username", "aliceb", FieldKind::Text)
            ]
        );
        assert_eq!(me.folder, "Personal");

        assert_eq!(import.records[3].fields, RecordFields::Note);
        assert_eq!(import.records[3].notes, "the code is on the router");

        let licence = &import.records[4];
        assert_eq!(licence.fields, RecordFields::Note);
        assert_eq!(licence.notes, "bought 2020");
        assert_eq!(
            licence.custom_fields,
            vec![
                field("version", "7", FieldKind::Text),
                field("license key", "AAAA-BBBB", FieldKind::Hidden),
                field("url", "https://editor.example", FieldKind::Text),
            ]
        );

        let passport = &import.records[5];
        assert_eq!(passport.folder, "Work");
        let RecordFields::Identity { full_name, birth_date, documents, .. } = &passport.fields else {
            panic!("an identity")
        };
        assert_eq!((full_name.as_str(), birth_date.as_str()), ("Alice Example", "1985-12-01"));
        assert_eq!(documents, &[Document { label: "Passport".into(), number: "X1234567".into() }]);
        assert_eq!(passport.custom_fields, vec![field("issuing country", "Utopia", FieldKind::Text)]);

        assert_eq!(
            import.records[6].fields,
            common::login("", "router-admin", vec!["http://192.0.2.1".into()], "")
        );
    }

    #[test]
    fn ssh_keys_files_and_trash_are_counted_and_extra_tags_noted() {
        let import = parse(&archive(EXPORT_DATA)).unwrap();
        assert_eq!(import.report.skipped.get(&Skip::SshKey), Some(&1));
        assert_eq!(import.report.skipped.get(&Skip::FileItem), Some(&1));
        assert_eq!(import.report.skipped.get(&Skip::Deleted), Some(&1));
        assert_eq!(import.report.lost.get(&Lost::ExtraTags), Some(&1));
        assert!(!import.summary().contains("PRIVATE KEY"));
    }

    #[test]
    fn other_archives_and_damaged_data_are_refused() {
        assert_eq!(parse(b"not a zip").unwrap_err(), ImportError::WrongFormat(FORMAT));
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        zip.start_file("readme.txt", SimpleFileOptions::default()).unwrap();
        zip.write_all(b"hello").unwrap();
        let other = zip.finish().unwrap().into_inner();
        assert_eq!(parse(&other).unwrap_err(), ImportError::WrongFormat(FORMAT));
        assert_eq!(parse(&archive(b"{\"accounts\": [")).unwrap_err(), ImportError::Damaged(FORMAT));
        let mut truncated = archive(EXPORT_DATA);
        truncated.truncate(truncated.len() / 2);
        assert!(parse(&truncated).is_err());
    }

    #[test]
    fn millions_of_tiny_items_are_refused_while_reading_over_every_vault() {
        let items = vec!["{}"; crate::import::MAX_ITEMS / 2 + 1].join(",");
        let data =
            format!(r#"{{"accounts": [{{"vaults": [{{"items": [{items}]}}, {{"items": [{items}]}}]}}]}}"#);
        assert_eq!(parse(&archive(data.as_bytes())).unwrap_err(), ImportError::TooManyItems);
        // The count starts afresh for the next file.
        assert!(parse(&archive(EXPORT_DATA)).is_ok());
    }

    #[test]
    fn a_long_vault_name_is_cut_before_it_is_copied_into_every_record() {
        let long = "v".repeat(100_000);
        let item = r#"{"categoryUuid": "003", "overview": {"title": "n"}}"#;
        let data = format!(
            r#"{{"accounts": [{{"vaults": [{{"attrs": {{"name": "{long}"}}, "items": [{item}, {item}]}}, {{"items": []}}]}}]}}"#
        );
        let import = parse(&archive(data.as_bytes())).unwrap();
        assert!(
            import.records.iter().all(|record| record.folder.chars().count() == common::MAX_FOLDER_CHARS)
        );
    }
}
