//! Records as Bitwarden's unencrypted JSON export (`"encrypted": false`), which Bitwarden's
//! "Bitwarden (json)" import reads (docs/interchange.md, "Export"). Members Bitwarden has no
//! slot for travel as custom fields that [`crate::import::bitwarden_json`] reads back:
//! an identity's birth date and its documents beyond one SSN, passport and licence, and an
//! expiry that is not `MM/YY`. Attachments are not exported.

use serde_json::{Value, json};

use crate::crypto::random_array;
use crate::crypto::vault::{CustomField, Document, FieldKind, RecordFields, VaultRecord};
use crate::import::bitwarden_json::{
    BIRTH_DATE_FIELD, DOCUMENT_PREFIX, LICENSE_LABEL, PASSPORT_LABEL, SSN_LABEL,
};
use crate::import::common::split_expiry;
use crate::import::dates::format_timestamp;

/// The custom field that carries a card expiry Bitwarden's month and year cannot hold.
pub const EXPIRY_FIELD: &str = "Expiry";

/// A fresh random UUID (version 4), as Bitwarden's ids are.
pub fn uuid_v4() -> String {
    let mut bytes: [u8; 16] = random_array();
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..])
}

/// The export's JSON, pretty-printed as Bitwarden writes it. `now` (Unix seconds) dates the
/// items' creation and revision; folders get fresh ids.
pub fn export(records: &[VaultRecord], now: u64) -> Vec<u8> {
    let mut folders: Vec<(String, String)> = Vec::new();
    for record in records {
        if !record.folder.is_empty() && !folders.iter().any(|(name, _)| *name == record.folder) {
            folders.push((record.folder.clone(), uuid_v4()));
        }
    }
    let items: Vec<Value> = records
        .iter()
        .map(|record| {
            let folder_id = folders.iter().find(|(name, _)| *name == record.folder).map(|(_, id)| id.clone());
            item(record, folder_id, now)
        })
        .collect();
    let folders: Vec<Value> = folders.into_iter().map(|(name, id)| json!({"id": id, "name": name})).collect();
    let export = json!({"encrypted": false, "folders": folders, "items": items});
    serde_json::to_vec_pretty(&export).unwrap_or_default()
}

/// `null` for an empty string, as Bitwarden writes.
fn text(value: &str) -> Value {
    if value.is_empty() { Value::Null } else { Value::String(value.to_owned()) }
}

fn field(field: &CustomField) -> Value {
    let kind = match field.kind {
        FieldKind::Text => 0,
        FieldKind::Hidden => 1,
        FieldKind::Boolean => 2,
    };
    json!({"name": field.name, "value": text(&field.value), "type": kind, "linkedId": null})
}

fn item(record: &VaultRecord, folder_id: Option<String>, now: u64) -> Value {
    let mut fields: Vec<Value> = record.custom_fields.iter().map(field).collect();
    let mut extra = |name: &str, value: &str, kind: FieldKind| {
        fields.push(field(&CustomField { name: name.to_owned(), value: value.to_owned(), kind }));
    };
    let mut history = Value::Null;
    let (kind, key, members) = match &record.fields {
        RecordFields::Login { username, password, urls, totp, password_history, .. } => {
            if !password_history.is_empty() {
                history = password_history
                    .iter()
                    .map(|old| json!({"lastUsedDate": format_timestamp(old.changed_at), "password": old.password}))
                    .collect();
            }
            let uris: Vec<Value> = urls.iter().map(|uri| json!({"match": null, "uri": uri})).collect();
            let login = json!({"fido2Credentials": [], "uris": uris, "username": text(username),
                "password": text(password), "totp": text(totp)});
            (1, "login", login)
        }
        RecordFields::Note => (2, "secureNote", json!({"type": 0})),
        RecordFields::Card { holder, number, expiry, cvv } => {
            let (month, year) = match split_expiry(expiry) {
                Some((month, year)) => (month.to_string(), year.to_string()),
                None => {
                    if !expiry.is_empty() {
                        extra(EXPIRY_FIELD, expiry, FieldKind::Text);
                    }
                    (String::new(), String::new())
                }
            };
            let card = json!({"cardholderName": text(holder), "brand": null, "number": text(number),
                "expMonth": text(&month), "expYear": text(&year), "code": text(cvv)});
            (3, "card", card)
        }
        RecordFields::Identity { full_name, email, phone, birth_date, company, address, documents } => {
            let words: Vec<&str> = full_name.split_whitespace().collect();
            let (first, middle, last) = match words.as_slice() {
                [] => (String::new(), String::new(), String::new()),
                [only] => ((*only).to_owned(), String::new(), String::new()),
                [first, middle @ .., last] => ((*first).to_owned(), middle.join(" "), (*last).to_owned()),
            };
            let lines: Vec<&str> = address.lines().map(str::trim).filter(|line| !line.is_empty()).collect();
            let line = |at: usize| lines.get(at).copied().unwrap_or_default();
            let rest = lines.get(2..).map(|rest| rest.join("\n")).unwrap_or_default();
            let (ssn, passport, licence, others) = documents_by_slot(documents);
            if !birth_date.is_empty() {
                extra(BIRTH_DATE_FIELD, birth_date, FieldKind::Text);
            }
            for document in others {
                extra(&format!("{DOCUMENT_PREFIX}{}", document.label), &document.number, FieldKind::Hidden);
            }
            let identity = json!({"title": null, "firstName": text(&first), "middleName": text(&middle),
                "lastName": text(&last), "address1": text(line(0)), "address2": text(line(1)),
                "address3": text(&rest), "city": null, "state": null, "postalCode": null, "country": null,
                "company": text(company), "email": text(email), "phone": text(phone), "ssn": text(ssn),
                "username": null, "passportNumber": text(passport), "licenseNumber": text(licence)});
            (4, "identity", identity)
        }
    };
    let date = format_timestamp(now);
    let mut item = json!({
        "passwordHistory": history,
        "revisionDate": date,
        "creationDate": date,
        "deletedDate": null,
        "id": uuid_v4(),
        "organizationId": null,
        "folderId": folder_id,
        "type": kind,
        "reprompt": u8::from(record.sensitive),
        "name": record.name,
        "notes": text(&record.notes),
        "favorite": record.favorite,
        "fields": fields,
        "collectionIds": null,
    });
    item[key] = members;
    item
}

/// The numbers for Bitwarden's `ssn`, `passportNumber` and `licenseNumber` (the first
/// document whose label names each), and the documents left over.
fn documents_by_slot(documents: &[Document]) -> (&str, &str, &str, Vec<&Document>) {
    const SSN: [&str; 3] = [SSN_LABEL, "ssn", "social security"];
    const PASSPORT: [&str; 2] = [PASSPORT_LABEL, "passport number"];
    const LICENCE: [&str; 5] = [LICENSE_LABEL, "driver's license", "driving licence", "licence", "license"];
    let mut slots: [Option<&str>; 3] = [None; 3];
    let mut others = Vec::new();
    for document in documents {
        let label = document.label.trim();
        let slot = [&SSN[..], &PASSPORT[..], &LICENCE[..]]
            .iter()
            .position(|names| names.iter().any(|name| name.eq_ignore_ascii_case(label)))
            .filter(|&at| slots[at].is_none());
        match slot {
            Some(at) => slots[at] = Some(&document.number),
            None => others.push(document),
        }
    }
    let [ssn, passport, licence] = slots.map(Option::unwrap_or_default);
    (ssn, passport, licence, others)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::vault::{Attachment, PasswordChange};
    use crate::import::{self, Format};

    fn field(name: &str, value: &str, kind: FieldKind) -> CustomField {
        CustomField { name: name.into(), value: value.into(), kind }
    }

    /// One record of each type, using every member Bitwarden can carry.
    fn records() -> Vec<VaultRecord> {
        let mut login = VaultRecord::new(RecordFields::Login {
            username: "alice".into(),
            password: "correct horse".into(),
            urls: vec!["https://bank.example/login".into(), "https://m.bank.example".into()],
            url: String::new(),
            totp: "otpauth://totp/Bank:alice?secret=JBSWY3DPEHPK3PXP".into(),
            password_history: vec![
                PasswordChange { password: "newer".into(), changed_at: 1_709_210_096 },
                PasswordChange { password: "older".into(), changed_at: 1_600_000_000 },
            ],
        });
        login.name = "Bank".into();
        login.notes = "line one\nline \"two\"".into();
        login.sensitive = true;
        login.favorite = true;
        login.folder = "Finance/Banks".into();
        login.custom_fields = vec![
            field("Customer no", "12345", FieldKind::Text),
            field("PIN", "0000", FieldKind::Hidden),
            field("Paperless", "true", FieldKind::Boolean),
        ];

        let mut note = VaultRecord::new(RecordFields::Note);
        note.name = "Wi-Fi".into();
        note.notes = "the code is on the router".into();
        note.folder = "Home".into();

        let mut card = VaultRecord::new(RecordFields::Card {
            holder: "ALICE EXAMPLE".into(),
            number: "4111 1111 1111 1111".into(),
            expiry: "04/29".into(),
            cvv: "123".into(),
        });
        card.name = "Visa".into();
        card.folder = "Finance/Banks".into();
        card.custom_fields = vec![field("Brand", "Visa", FieldKind::Text)];

        let mut identity = VaultRecord::new(RecordFields::Identity {
            full_name: "Alice Beatrice Example".into(),
            email: "alice@example.org".into(),
            phone: "+44 20 7946 0000".into(),
            birth_date: "1990-05-17".into(),
            company: "Example Ltd".into(),
            address: "1 High Street\nFlat 2\nLondon SW1A 1AA\nUnited Kingdom".into(),
            documents: vec![
                Document { label: SSN_LABEL.into(), number: "078-05-1120".into() },
                Document { label: PASSPORT_LABEL.into(), number: "X1234567".into() },
                Document { label: LICENSE_LABEL.into(), number: "EXAMP901010AB9CD".into() },
                Document { label: "Library card".into(), number: "L-42".into() },
            ],
        });
        identity.name = "Me".into();
        identity.custom_fields = vec![field("Username", "aliceb", FieldKind::Text)];
        vec![login, note, card, identity]
    }

    #[test]
    fn records_survive_export_and_the_bitwarden_importer() {
        let bytes = export(&records(), 1_767_225_600);
        assert_eq!(import::detect("export.json", &bytes), Some(Format::BitwardenJson));
        let back = import::parse(Format::BitwardenJson, &bytes).unwrap();
        assert_eq!(back.records.len(), 4);
        for (before, after) in records().iter().zip(&back.records) {
            assert_eq!(before, after, "{}", before.name);
        }
        assert!(back.report.skipped.is_empty() && back.report.lost.is_empty());
    }

    #[test]
    fn the_json_has_bitwarden_shape_with_fresh_uuid_folder_ids() {
        let bytes = export(&records(), 1_767_225_600);
        let json: Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(json["encrypted"], false);
        let folders = json["folders"].as_array().unwrap();
        assert_eq!(folders.len(), 2);
        assert_eq!(folders[0]["name"], "Finance/Banks");
        let id = folders[0]["id"].as_str().unwrap();
        assert_eq!(id.len(), 36);
        assert_eq!(&id[14..15], "4");
        assert!(matches!(&id[19..20], "8" | "9" | "a" | "b"));
        assert_ne!(folders[0]["id"], folders[1]["id"]);
        let items = json["items"].as_array().unwrap();
        assert_eq!(items[0]["folderId"], folders[0]["id"]);
        assert_eq!(items[2]["folderId"], folders[0]["id"]);
        assert_eq!(items[0]["type"], 1);
        assert_eq!(items[0]["reprompt"], 1);
        assert_eq!(items[0]["login"]["uris"][1]["uri"], "https://m.bank.example");
        assert_eq!(items[0]["passwordHistory"][0]["lastUsedDate"], "2024-02-29T12:34:56.000Z");
        assert_eq!(items[0]["revisionDate"], "2026-01-01T00:00:00.000Z");
        assert_eq!(items[1]["secureNote"]["type"], 0);
        assert_eq!(items[2]["card"]["expMonth"], "4");
        assert_eq!(items[2]["card"]["expYear"], "2029");
        let identity = &items[3]["identity"];
        assert_eq!(
            (identity["firstName"].as_str(), identity["middleName"].as_str()),
            (Some("Alice"), Some("Beatrice"))
        );
        assert_eq!(identity["address3"], "London SW1A 1AA\nUnited Kingdom");
        assert_eq!(identity["passportNumber"], "X1234567");
        assert_eq!(items[3]["fields"][1]["name"], BIRTH_DATE_FIELD);
        assert_eq!(items[3]["fields"][2]["name"], "Document: Library card");
        assert_eq!(items[3]["fields"][2]["type"], 1);
    }

    #[test]
    fn attachments_are_left_out_and_an_odd_expiry_travels_as_a_field() {
        let mut card = VaultRecord::new(RecordFields::Card {
            holder: String::new(),
            number: "1".into(),
            expiry: "end of 2029".into(),
            cvv: String::new(),
        });
        let mut attachment = Attachment::default();
        attachment.name = "scan.png".into();
        card.attachments = vec![attachment];
        let bytes = export(&[card], 0);
        assert!(!String::from_utf8_lossy(&bytes).contains("scan.png"));
        let back = import::parse(Format::BitwardenJson, &bytes).unwrap();
        let RecordFields::Card { expiry, .. } = &back.records[0].fields else { panic!("a card") };
        assert_eq!(expiry, "");
        assert_eq!(back.records[0].custom_fields, vec![field(EXPIRY_FIELD, "end of 2029", FieldKind::Text)]);
        assert!(back.records[0].attachments.is_empty());
    }
}
