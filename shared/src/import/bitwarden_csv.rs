//! Bitwarden's CSV export: `folder,favorite,type,name,notes,fields,reprompt,login_uri,
//! login_username,login_password,login_totp` (an organisation's has `collections` for
//! `folder`). It holds logins and notes only; `fields` is one `name: value` per line.

use super::common;
use super::table::Table;
use super::{Format, Import, ImportError, Skip};
use crate::crypto::vault::{CustomField, FieldKind, RecordFields, VaultRecord};

/// Reads a Bitwarden CSV export.
pub fn parse(bytes: &[u8]) -> Result<Import, ImportError> {
    let table = Table::read(bytes, Format::BitwardenCsv, &["type", "name", "login_uri"])?;
    let mut import = Import::default();
    for row in table.rows() {
        let fields = match row.get("type").trim() {
            "login" | "" => common::login(
                row.get("login_username"),
                row.get("login_password"),
                common::urls(row.get("login_uri").split(',')),
                row.get("login_totp"),
            ),
            "note" => RecordFields::Note,
            _ => {
                import.report.skip(Skip::UnsupportedType);
                continue;
            }
        };
        let mut record = VaultRecord::new(fields);
        record.name = row.get("name").to_owned();
        record.notes = row.get("notes").to_owned();
        record.favorite = common::truthy(row.get("favorite"));
        record.sensitive = row.get("reprompt").trim() == "1";
        record.folder = match row.get("folder").trim() {
            "" => row.get("collections").split(',').next().unwrap_or_default().trim().to_owned(),
            folder => folder.to_owned(),
        };
        record.custom_fields = custom_fields(row.get("fields"));
        import.records.push(record);
    }
    Ok(import)
}

/// `name: value` lines as hidden fields (the CSV does not say which were shown). A line
/// without `": "` continues the value before it.
fn custom_fields(text: &str) -> Vec<CustomField> {
    let mut fields: Vec<CustomField> = Vec::new();
    for line in text.lines() {
        match (line.split_once(": "), fields.last_mut()) {
            (None, Some(last)) => {
                last.value.push('\n');
                last.value.push_str(line);
            }
            (split, _) => {
                let (name, value) = split.unwrap_or((line, ""));
                fields.push(CustomField {
                    name: name.to_owned(),
                    value: value.to_owned(),
                    kind: FieldKind::Hidden,
                });
            }
        }
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &[u8] = include_bytes!("../../tests/import/bitwarden.csv");

    #[test]
    fn logins_and_notes_are_read_with_every_column() {
        let import = parse(SAMPLE).unwrap();
        assert_eq!(import.records.len(), 2);
        let login = &import.records[0];
        assert_eq!(login.name, "Bank, main");
        assert_eq!(login.folder, "Finance/Banks");
        assert!(login.favorite && login.sensitive);
        assert_eq!(login.notes, "line one\nline \"two\"");
        assert_eq!(
            login.fields,
            common::login(
                "alice",
                "p,a\"ss",
                vec!["https://bank.example".into(), "https://m.bank.example".into()],
                "JBSWY3DPEHPK3PXP"
            )
        );
        let names: Vec<&str> = login.custom_fields.iter().map(|f| f.name.as_str()).collect();
        let values: Vec<&str> = login.custom_fields.iter().map(|f| f.value.as_str()).collect();
        assert_eq!(names, ["PIN", "Memo"]);
        assert_eq!(values, ["1234", "a: b\nmore\nFlag"]);
        assert!(login.custom_fields.iter().all(|f| f.kind == FieldKind::Hidden));

        let note = &import.records[1];
        assert_eq!(note.fields, RecordFields::Note);
        assert_eq!(note.notes, "secret words");
        assert!(!note.favorite && !note.sensitive);
        assert_eq!(note.folder, "");
        assert_eq!(import.report.skipped.get(&Skip::UnsupportedType), Some(&1));
    }

    #[test]
    fn an_organisation_export_files_items_under_their_first_collection() {
        let csv = "collections,type,name,notes,fields,reprompt,login_uri,login_username,login_password,login_totp\n\
                   \"Team vault,Other\",login,Shared,,,0,https://team.example,bob,pw,\n";
        let import = parse(csv.as_bytes()).unwrap();
        assert_eq!(import.records[0].folder, "Team vault");
        assert_eq!(
            import.records[0].fields,
            common::login("bob", "pw", vec!["https://team.example".into()], "")
        );
    }

    #[test]
    fn a_file_without_bitwarden_columns_is_the_wrong_format() {
        assert_eq!(
            parse(b"name,url,username,password\n").unwrap_err(),
            ImportError::WrongFormat(Format::BitwardenCsv)
        );
    }
}
