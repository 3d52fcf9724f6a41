//! Bitwarden's unencrypted JSON export: `{"encrypted": false, "folders": [...], "items": [...]}`
//! (docs/interchange.md, "Bitwarden JSON"). An export protected by a file password is
//! recognised here and opened by [`super::bitwarden_protected`]; one encrypted with the
//! Bitwarden account's key is refused.

use std::collections::HashMap;

use serde::Deserialize;

use super::common::{self, Budget, nullable, text};
use super::{Format, Import, ImportError, Lost, Report, Skip, dates};
use crate::crypto::vault::{CustomField, FieldKind, PasswordChange, RecordFields, VaultRecord};

/// An identity's custom field that carries `birth_date` (Bitwarden has no such member).
pub const BIRTH_DATE_FIELD: &str = "Birth date";
/// The prefix of an identity's custom field that carries a document Bitwarden has no slot for.
pub const DOCUMENT_PREFIX: &str = "Document: ";
/// The label of the document read from Bitwarden's `ssn`.
pub const SSN_LABEL: &str = "Social security number";
/// The label of the document read from Bitwarden's `passportNumber`.
pub const PASSPORT_LABEL: &str = "Passport";
/// The label of the document read from Bitwarden's `licenseNumber`.
pub const LICENSE_LABEL: &str = "Driver's licence";
/// The name of the custom field that carries an identity's Bitwarden `username`.
pub const USERNAME_FIELD: &str = "Username";
/// The name of the custom field that carries a card's Bitwarden `brand`.
pub const BRAND_FIELD: &str = "Brand";

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Export {
    #[serde(default, deserialize_with = "nullable")]
    encrypted: bool,
    #[serde(default, deserialize_with = "nullable")]
    password_protected: bool,
    #[serde(default, deserialize_with = "common::bounded_list")]
    folders: Vec<Folder>,
    #[serde(default, deserialize_with = "common::bounded_list")]
    collections: Vec<Folder>,
    #[serde(default, deserialize_with = "bounded_items")]
    items: Option<Vec<Item>>,
}

/// `items`, counted while read ([`common::bounded_list`]); `null` is an empty list.
fn bounded_items<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<Vec<Item>>, D::Error> {
    common::bounded_list(deserializer).map(Some)
}

#[derive(Deserialize)]
struct Folder {
    #[serde(default, deserialize_with = "text")]
    id: String,
    #[serde(default, deserialize_with = "text")]
    name: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Item {
    #[serde(rename = "type", default, deserialize_with = "nullable")]
    kind: u64,
    #[serde(default, deserialize_with = "text")]
    folder_id: String,
    #[serde(default, deserialize_with = "nullable")]
    collection_ids: Vec<String>,
    #[serde(default, deserialize_with = "nullable")]
    reprompt: u64,
    #[serde(default, deserialize_with = "text")]
    name: String,
    #[serde(default, deserialize_with = "text")]
    notes: String,
    #[serde(default, deserialize_with = "nullable")]
    favorite: bool,
    #[serde(default, deserialize_with = "nullable")]
    fields: Vec<Field>,
    #[serde(default, deserialize_with = "nullable")]
    login: Login,
    #[serde(default, deserialize_with = "nullable")]
    card: Card,
    #[serde(default, deserialize_with = "nullable")]
    identity: Identity,
    #[serde(default, deserialize_with = "nullable")]
    password_history: Vec<History>,
    #[serde(default, deserialize_with = "nullable")]
    attachments: Vec<serde::de::IgnoredAny>,
}

#[derive(Deserialize)]
struct Field {
    #[serde(default, deserialize_with = "text")]
    name: String,
    #[serde(default, deserialize_with = "text")]
    value: String,
    #[serde(rename = "type", default, deserialize_with = "nullable")]
    kind: u64,
}

#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Login {
    #[serde(default, deserialize_with = "nullable")]
    uris: Vec<Uri>,
    #[serde(default, deserialize_with = "text")]
    username: String,
    #[serde(default, deserialize_with = "text")]
    password: String,
    #[serde(default, deserialize_with = "text")]
    totp: String,
    #[serde(default, deserialize_with = "nullable")]
    fido2_credentials: Vec<serde::de::IgnoredAny>,
}

#[derive(Deserialize)]
struct Uri {
    #[serde(default, deserialize_with = "text")]
    uri: String,
}

#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Card {
    #[serde(default, deserialize_with = "text")]
    cardholder_name: String,
    #[serde(default, deserialize_with = "text")]
    brand: String,
    #[serde(default, deserialize_with = "text")]
    number: String,
    #[serde(default, deserialize_with = "text")]
    exp_month: String,
    #[serde(default, deserialize_with = "text")]
    exp_year: String,
    #[serde(default, deserialize_with = "text")]
    code: String,
}

#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Identity {
    #[serde(default, deserialize_with = "text")]
    title: String,
    #[serde(default, deserialize_with = "text")]
    first_name: String,
    #[serde(default, deserialize_with = "text")]
    middle_name: String,
    #[serde(default, deserialize_with = "text")]
    last_name: String,
    #[serde(default, deserialize_with = "text")]
    address1: String,
    #[serde(default, deserialize_with = "text")]
    address2: String,
    #[serde(default, deserialize_with = "text")]
    address3: String,
    #[serde(default, deserialize_with = "text")]
    city: String,
    #[serde(default, deserialize_with = "text")]
    state: String,
    #[serde(default, deserialize_with = "text")]
    postal_code: String,
    #[serde(default, deserialize_with = "text")]
    country: String,
    #[serde(default, deserialize_with = "text")]
    company: String,
    #[serde(default, deserialize_with = "text")]
    email: String,
    #[serde(default, deserialize_with = "text")]
    phone: String,
    #[serde(default, deserialize_with = "text")]
    ssn: String,
    #[serde(default, deserialize_with = "text")]
    username: String,
    #[serde(default, deserialize_with = "text")]
    passport_number: String,
    #[serde(default, deserialize_with = "text")]
    license_number: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct History {
    #[serde(default, deserialize_with = "text")]
    last_used_date: String,
    #[serde(default, deserialize_with = "text")]
    password: String,
}

#[derive(Deserialize)]
struct Probe {
    encrypted: Option<serde::de::IgnoredAny>,
    items: Option<serde::de::IgnoredAny>,
    accounts: Option<serde::de::IgnoredAny>,
}

/// Whether `bytes` is a JSON object with Bitwarden's `items` or `encrypted` member.
pub fn looks_like(bytes: &[u8]) -> bool {
    serde_json::from_slice::<Probe>(bytes)
        .is_ok_and(|probe| probe.accounts.is_none() && (probe.items.is_some() || probe.encrypted.is_some()))
}

/// Reads a Bitwarden JSON export.
pub fn parse(bytes: &[u8]) -> Result<Import, ImportError> {
    const FORMAT: Format = Format::BitwardenJson;
    if !looks_like(bytes) {
        return Err(ImportError::WrongFormat(FORMAT));
    }
    common::reset_listed();
    let export: Export = serde_json::from_slice(bytes).map_err(common::json_error(FORMAT))?;
    if export.encrypted {
        return Err(if export.password_protected {
            ImportError::PasswordProtected
        } else {
            ImportError::AccountEncrypted
        });
    }
    let items = export.items.ok_or(ImportError::Damaged(FORMAT))?;
    Budget::check_len(items.len())?;
    let folders: HashMap<&str, &str> =
        export.folders.iter().map(|folder| (folder.id.as_str(), folder.name.as_str())).collect();
    let collections: HashMap<&str, &str> =
        export.collections.iter().map(|folder| (folder.id.as_str(), folder.name.as_str())).collect();
    let mut import = Import::default();
    for item in items {
        let folder = folders
            .get(item.folder_id.as_str())
            .or_else(|| item.collection_ids.first().and_then(|id| collections.get(id.as_str())))
            .copied()
            .unwrap_or_default();
        if let Some(record) = record(item, folder, &mut import.report) {
            import.records.push(record);
        }
    }
    Ok(import)
}

/// One item as a record; `None` (counted in `report`) for a type Coffer has no equivalent for.
fn record(item: Item, folder: &str, report: &mut Report) -> Option<VaultRecord> {
    let mut custom_fields = Vec::new();
    for field in &item.fields {
        let kind = match field.kind {
            0 => FieldKind::Text,
            2 => FieldKind::Boolean,
            3 => {
                report.lose(Lost::LinkedFields, 1);
                continue;
            }
            _ => FieldKind::Hidden,
        };
        custom_fields.push(CustomField { name: field.name.clone(), value: field.value.clone(), kind });
    }
    let fields = match item.kind {
        1 => {
            let login = &item.login;
            report.lose(Lost::Passkeys, login.fido2_credentials.len());
            let mut fields = common::login(
                &login.username,
                &login.password,
                common::urls(login.uris.iter().map(|uri| uri.uri.as_str())),
                &login.totp,
            );
            if let RecordFields::Login { password_history, .. } = &mut fields {
                *password_history = common::history(
                    item.password_history
                        .iter()
                        .map(|old| PasswordChange {
                            password: old.password.clone(),
                            changed_at: dates::parse_timestamp(&old.last_used_date).unwrap_or(0),
                        })
                        .collect(),
                );
            }
            fields
        }
        2 => RecordFields::Note,
        3 => {
            let card = &item.card;
            if !card.brand.is_empty() {
                custom_fields.insert(
                    0,
                    CustomField {
                        name: BRAND_FIELD.into(),
                        value: card.brand.clone(),
                        kind: FieldKind::Text,
                    },
                );
            }
            common::card(
                &card.cardholder_name,
                &card.number,
                common::expiry(&card.exp_month, &card.exp_year),
                &card.code,
            )
        }
        4 => identity(&item.identity, &mut custom_fields),
        5 => {
            report.skip(Skip::SshKey);
            return None;
        }
        _ => {
            report.skip(Skip::UnsupportedType);
            return None;
        }
    };
    report.lose(Lost::Attachments, usize::from(!item.attachments.is_empty()));
    let mut record = VaultRecord::new(fields);
    record.name = item.name;
    record.notes = item.notes;
    record.sensitive = item.reprompt == 1;
    record.folder = common::folder_name(folder);
    record.favorite = item.favorite;
    record.custom_fields = custom_fields;
    Some(record)
}

/// An identity's members; Bitwarden's `username` and the fields that carry a birth date or
/// further documents move between `fields` and the members.
fn identity(id: &Identity, fields: &mut Vec<CustomField>) -> RecordFields {
    let mut documents = Vec::new();
    common::push_document(&mut documents, SSN_LABEL, &id.ssn);
    common::push_document(&mut documents, PASSPORT_LABEL, &id.passport_number);
    common::push_document(&mut documents, LICENSE_LABEL, &id.license_number);
    let mut birth_date = String::new();
    fields.retain(|field| {
        if let Some(label) = field.name.strip_prefix(DOCUMENT_PREFIX) {
            common::push_document(&mut documents, label, &field.value);
            return false;
        }
        if birth_date.is_empty() && field.name == BIRTH_DATE_FIELD && dates::is_date(field.value.trim()) {
            birth_date = field.value.trim().to_owned();
            return false;
        }
        true
    });
    if !id.username.is_empty() {
        fields.insert(
            0,
            CustomField { name: USERNAME_FIELD.into(), value: id.username.clone(), kind: FieldKind::Text },
        );
    }
    RecordFields::Identity {
        full_name: common::join_words([&*id.title, &id.first_name, &id.middle_name, &id.last_name]),
        email: id.email.clone(),
        phone: id.phone.clone(),
        birth_date,
        company: id.company.clone(),
        address: common::address_lines(
            &[&id.address1, &id.address2, &id.address3],
            &id.city,
            &id.state,
            &id.postal_code,
            &id.country,
        ),
        documents,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::vault::Document;

    const SAMPLE: &str = include_str!("../../tests/import/bitwarden.json");

    fn field(name: &str, value: &str, kind: FieldKind) -> CustomField {
        CustomField { name: name.into(), value: value.into(), kind }
    }

    #[test]
    fn every_member_of_every_type_is_read() {
        let import = parse(SAMPLE.as_bytes()).unwrap();
        assert_eq!(import.records.len(), 4);
        let [login, note, card, identity] = &import.records[..] else { panic!("four records") };

        assert_eq!(login.name, "Bank");
        assert_eq!(login.notes, "main account\nsecond line");
        assert!(login.sensitive);
        assert!(login.favorite);
        assert_eq!(login.folder, "Finance/Banks");
        assert_eq!(
            login.custom_fields,
            vec![
                field("Customer no", "12345", FieldKind::Text),
                field("PIN", "0000", FieldKind::Hidden),
                field("Paperless", "true", FieldKind::Boolean),
            ]
        );
        let RecordFields::Login { username, password, urls, totp, password_history, .. } = &login.fields
        else {
            panic!("a login")
        };
        assert_eq!(username, "alice");
        assert_eq!(password, "correct horse");
        assert_eq!(urls, &["https://bank.example/login", "https://m.bank.example"]);
        assert_eq!(totp, "otpauth://totp/Bank:alice?secret=JBSWY3DPEHPK3PXP&issuer=Bank");
        assert_eq!(password_history.len(), 2);
        assert_eq!(password_history[0].password, "newer old");
        assert_eq!(password_history[0].changed_at, 1_709_210_096);
        assert_eq!(password_history[1].password, "oldest");

        assert_eq!(note.fields, RecordFields::Note);
        assert_eq!(note.name, "Wi-Fi");
        assert_eq!(note.notes, "the code is on the router");
        assert_eq!(note.folder, "");
        assert!(!note.sensitive && !note.favorite);

        assert_eq!(card.fields, common::card("ALICE EXAMPLE", "4111111111111111", "04/29".into(), "123"));
        assert_eq!(card.custom_fields, vec![field(BRAND_FIELD, "Visa", FieldKind::Text)]);
        assert_eq!(card.folder, "Finance");

        let RecordFields::Identity { full_name, email, phone, birth_date, company, address, documents } =
            &identity.fields
        else {
            panic!("an identity")
        };
        assert_eq!(full_name, "Dr Alice B Example");
        assert_eq!(email, "alice@example.org");
        assert_eq!(phone, "+44 20 7946 0000");
        assert_eq!(birth_date, "1990-05-17");
        assert_eq!(company, "Example Ltd");
        assert_eq!(address, "1 High Street\nFlat 2\nLondon, Greater London SW1A 1AA\nGB");
        assert_eq!(
            documents,
            &[
                Document { label: SSN_LABEL.into(), number: "078-05-1120".into() },
                Document { label: PASSPORT_LABEL.into(), number: "X1234567".into() },
                Document { label: LICENSE_LABEL.into(), number: "EXAMP901010AB9CD".into() },
                Document { label: "Library card".into(), number: "L-42".into() },
            ]
        );
        assert_eq!(identity.custom_fields, vec![field(USERNAME_FIELD, "aliceb", FieldKind::Text)]);
    }

    #[test]
    fn ssh_keys_unknown_types_linked_fields_and_passkeys_are_counted_never_shown() {
        let import = parse(SAMPLE.as_bytes()).unwrap();
        assert_eq!(import.report.skipped.get(&Skip::SshKey), Some(&1));
        assert_eq!(import.report.skipped.get(&Skip::UnsupportedType), Some(&1));
        assert_eq!(import.report.lost.get(&Lost::LinkedFields), Some(&1));
        assert_eq!(import.report.lost.get(&Lost::Passkeys), Some(&1));
        let summary = import.summary();
        assert_eq!(
            summary,
            "1 login, 1 card, 1 identity, 1 note; 2 skipped: 1 SSH key, 1 item of an unsupported type; \
             not carried over: 1 linked field, 1 passkey"
        );
        assert!(!summary.contains("BEGIN OPENSSH") && !format!("{import:?}").contains("alice"));
    }

    #[test]
    fn encrypted_exports_and_other_json_are_refused() {
        let protected = br#"{"encrypted": true, "passwordProtected": true, "salt": "c2FsdA==", "kdfType": 0,
            "kdfIterations": 600000, "encKeyValidation_DO_NOT_EDIT": "2.x|y|z", "data": "2.a|b|c"}"#;
        assert_eq!(parse(protected).unwrap_err(), ImportError::PasswordProtected);
        assert!(parse(protected).unwrap_err().to_string().contains("file password"));
        let account = br#"{"encrypted": true, "encKeyValidation_DO_NOT_EDIT": "2.x|y|z", "items": []}"#;
        assert_eq!(parse(account).unwrap_err(), ImportError::AccountEncrypted);
        assert!(parse(account).unwrap_err().to_string().contains("with a file password instead"));
        assert_eq!(
            parse(br#"{"accounts": []}"#).unwrap_err(),
            ImportError::WrongFormat(Format::BitwardenJson)
        );
        assert_eq!(parse(b"name,url\n").unwrap_err(), ImportError::WrongFormat(Format::BitwardenJson));
        assert_eq!(
            parse(br#"{"encrypted": false, "items": [{"type": 1, "login": 7}]}"#).unwrap_err(),
            ImportError::Damaged(Format::BitwardenJson)
        );
        assert_eq!(parse(br#"{"encrypted": false, "items": []}"#).unwrap().records.len(), 0);
    }

    #[test]
    fn nulls_and_numbers_where_strings_belong_are_accepted() {
        let json = br#"{"encrypted": false, "folders": null, "items": [{"type": 3, "name": null, "notes": null,
            "folderId": null, "fields": null, "favorite": null, "card": {"expMonth": 7, "expYear": 2030, "number": null}}]}"#;
        let import = parse(json).unwrap();
        let RecordFields::Card { expiry, number, .. } = &import.records[0].fields else { panic!("a card") };
        assert_eq!(expiry, "07/30");
        assert_eq!(number, "");
    }

    #[test]
    fn a_file_of_millions_of_empty_items_or_folders_is_refused_while_it_is_read() {
        let items = vec!["{}"; crate::import::MAX_ITEMS + 1].join(",");
        let file = format!(r#"{{"encrypted": false, "items": [{items}]}}"#);
        assert_eq!(parse(file.as_bytes()).unwrap_err(), ImportError::TooManyItems);
        let folders = vec![r#"{"id": "f"}"#; crate::import::MAX_ITEMS + 1].join(",");
        let file = format!(r#"{{"encrypted": false, "folders": [{folders}], "items": []}}"#);
        assert_eq!(parse(file.as_bytes()).unwrap_err(), ImportError::TooManyItems);
        assert!(parse(br#"{"encrypted": false, "items": []}"#).is_ok());
    }

    #[test]
    fn a_long_folder_name_is_cut_before_every_item_gets_a_copy() {
        let long = "f".repeat(50_000);
        let file = format!(
            r#"{{"encrypted": false, "folders": [{{"id": "1", "name": "{long}"}}],
                "items": [{{"type": 2, "name": "a", "folderId": "1"}}, {{"type": 2, "name": "b", "folderId": "1"}}]}}"#
        );
        let import = parse(file.as_bytes()).unwrap();
        assert!(
            import.records.iter().all(|record| record.folder.chars().count() == common::MAX_FOLDER_CHARS)
        );
    }
}
