//! LastPass's CSV export: `url,username,password,totp,extra,name,grouping,fav`. The URL
//! `http://sn` marks a secure note, whose text is `extra`; a structured note (`NoteType:Credit
//! Card`, `NoteType:Address`, ...) is read into a card, an identity, or a note whose fields
//! become custom fields. `http://group` rows only name an empty folder and are left out.

use super::common;
use super::table::Table;
use super::{Format, Import, ImportError};
use crate::crypto::vault::{FieldKind, RecordFields, VaultRecord};

/// Reads a LastPass CSV export.
pub fn parse(bytes: &[u8]) -> Result<Import, ImportError> {
    let table = Table::read(bytes, Format::LastPassCsv, &["url", "extra", "name", "grouping"])?;
    let mut import = Import::default();
    for row in table.rows() {
        let url = row.get("url").trim();
        if url == "http://group" {
            continue;
        }
        let mut record = if url == "http://sn" {
            note(row.get("extra"))
        } else {
            let mut record = VaultRecord::new(common::login(
                row.get("username"),
                row.get("password"),
                common::urls([url]),
                row.get("totp"),
            ));
            record.notes = row.get("extra").to_owned();
            record
        };
        record.name = common::name_or_host(row.get("name"), url);
        record.favorite = common::truthy(row.get("fav"));
        record.folder = match row.get("grouping").trim() {
            "(none)" => String::new(),
            grouping => grouping.replace('\\', "/"),
        };
        import.records.push(record);
    }
    Ok(import)
}

/// A secure note: a structured one read by its type, any other kept as text.
fn note(extra: &str) -> VaultRecord {
    let Some(rest) = extra.strip_prefix("NoteType:") else {
        let mut record = VaultRecord::new(RecordFields::Note);
        record.notes = extra.to_owned();
        return record;
    };
    let (kind, body) = rest.split_once('\n').unwrap_or((rest, ""));
    let (mut pairs, notes) = pairs(body);
    let mut take = |key: &str| -> String {
        pairs
            .iter_mut()
            .find(|(name, _)| name == key)
            .map(|(_, value)| std::mem::take(value))
            .unwrap_or_default()
    };
    let fields = match kind.trim() {
        "Credit Card" => {
            let expiry = take("Expiration Date");
            let (month, year) = expiry.split_once(',').unwrap_or((&expiry, ""));
            let expiry = common::expiry(month, year);
            common::card(&take("Name on Card"), &take("Number"), expiry, &take("Security Code"))
        }
        "Address" => {
            let full_name = common::join_words([
                &*take("Title"),
                &take("First Name"),
                &take("Middle Name"),
                &take("Last Name"),
            ]);
            let street = [take("Address 1"), take("Address 2"), take("Address 3")];
            let street: Vec<&str> = street.iter().map(String::as_str).collect();
            let (city, state, postcode, country) =
                (take("City / Town"), take("State"), take("Zip / Postal Code"), take("Country"));
            RecordFields::Identity {
                full_name,
                email: take("Email Address"),
                phone: take("Phone"),
                birth_date: String::new(),
                company: take("Company"),
                address: common::address_lines(&street, &city, &state, &postcode, &country),
                documents: Vec::new(),
            }
        }
        _ => RecordFields::Note,
    };
    let mut record = VaultRecord::new(fields);
    for (name, value) in &pairs {
        if name != "Language" {
            common::push_field(&mut record.custom_fields, name, value, kind_of(name));
        }
    }
    record.notes = notes;
    record
}

/// The `Key:Value` lines of a structured note, in order, and its `Notes:` (the rest of the
/// text). A line without a colon continues the value before it.
fn pairs(body: &str) -> (Vec<(String, String)>, String) {
    let mut pairs: Vec<(String, String)> = Vec::new();
    let mut lines = body.split('\n');
    while let Some(line) = lines.next() {
        if let Some(notes) = line.strip_prefix("Notes:") {
            let rest: Vec<&str> = std::iter::once(notes).chain(lines).collect();
            return (pairs, rest.join("\n"));
        }
        match (line.split_once(':'), pairs.last_mut()) {
            (Some((key, value)), _) => pairs.push((key.trim().to_owned(), value.to_owned())),
            (None, Some((_, value))) => {
                value.push('\n');
                value.push_str(line);
            }
            (None, None) => pairs.push((line.to_owned(), String::new())),
        }
    }
    (pairs, String::new())
}

/// Masks a structured note's field whose name suggests a secret.
fn kind_of(name: &str) -> FieldKind {
    let name = name.to_ascii_lowercase();
    let secret = ["password", "pin", "number", "code", "key", "secret", "ssn", "account"];
    if secret.iter().any(|word| name.contains(word)) { FieldKind::Hidden } else { FieldKind::Text }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::vault::CustomField;

    const SAMPLE: &[u8] = include_bytes!("../../tests/import/lastpass.csv");

    #[test]
    fn logins_notes_cards_and_addresses_are_read() {
        let import = parse(SAMPLE).unwrap();
        assert_eq!(import.records.len(), 5);
        let login = &import.records[0];
        assert_eq!(login.name, "Bank");
        assert_eq!(login.folder, "Finance/Banks");
        assert!(login.favorite);
        assert_eq!(login.notes, "branch: Main St, 12");
        assert_eq!(
            login.fields,
            common::login("alice", "pa,\"ss", vec!["https://bank.example/".into()], "JBSWY3DPEHPK3PXP")
        );

        let note = &import.records[1];
        assert_eq!(note.fields, RecordFields::Note);
        assert_eq!(note.name, "Alarm");
        assert_eq!(note.notes, "code 1234\nthen #");
        assert_eq!(note.folder, "");
        assert!(!note.favorite);

        let card = &import.records[2];
        assert_eq!(card.fields, common::card("Alice Example", "4111111111111111", "04/29".into(), "123"));
        assert_eq!(card.notes, "billing\naddress: home");
        assert_eq!(
            card.custom_fields,
            vec![
                CustomField { name: "Type".into(), value: "Visa".into(), kind: FieldKind::Text },
                CustomField {
                    name: "Start Date".into(),
                    value: "January,2024".into(),
                    kind: FieldKind::Text
                },
            ]
        );

        let RecordFields::Identity { full_name, email, phone, company, address, .. } =
            &import.records[3].fields
        else {
            panic!("an identity")
        };
        assert_eq!(full_name, "Alice Example");
        assert_eq!(
            (email.as_str(), phone.as_str(), company.as_str()),
            ("a@example.org", "555-0100", "Example Ltd")
        );
        assert_eq!(address, "1 Main St\nSpringfield, IL 62701\nUS");
        assert_eq!(import.records[3].custom_fields.len(), 0);

        let other = &import.records[4];
        assert_eq!(other.fields, RecordFields::Note);
        assert_eq!(
            other.custom_fields,
            vec![
                CustomField { name: "Hostname".into(), value: "db.example".into(), kind: FieldKind::Text },
                CustomField { name: "Password".into(), value: "s3cret".into(), kind: FieldKind::Hidden },
            ]
        );
        assert_eq!(other.notes, "");
    }
}
