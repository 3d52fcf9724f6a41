//! Chrome's password CSV (also Edge's, Brave's and other Chromium browsers'):
//! `name,url,username,password[,note]`. Every row is a login.

use super::common;
use super::table::Table;
use super::{Format, Import, ImportError};
use crate::crypto::vault::VaultRecord;

/// Reads a Chrome password CSV.
pub fn parse(bytes: &[u8]) -> Result<Import, ImportError> {
    let table = Table::read(bytes, Format::ChromeCsv, &["url", "username", "password"])?;
    let mut import = Import::default();
    for row in table.rows() {
        let url = row.get("url");
        let mut record = VaultRecord::new(common::login(
            row.get("username"),
            row.get("password"),
            common::urls([url]),
            "",
        ));
        record.name = common::name_or_host(row.get("name"), url);
        record.notes = match row.get("note") {
            "" => row.get("notes").to_owned(),
            note => note.to_owned(),
        };
        import.records.push(record);
    }
    Ok(import)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::vault::RecordFields;

    #[test]
    fn rows_become_logins_named_after_their_site() {
        let csv = "\u{feff}name,url,username,password,note\r\n\
                   example.com,https://example.com/login,alice,\"pa,ss\",\"two\r\nlines\"\r\n\
                   ,https://www.shop.example:8443/cart,bob,hunter2,\r\n\
                   \r\n";
        let import = crate::import::parse(Format::ChromeCsv, csv.as_bytes()).unwrap();
        assert_eq!(import.records.len(), 2);
        let first = &import.records[0];
        assert_eq!(first.name, "example.com");
        assert_eq!(first.notes, "two\nlines");
        assert_eq!(
            first.fields,
            common::login("alice", "pa,ss", vec!["https://example.com/login".into()], "")
        );
        assert_eq!(import.records[1].name, "shop.example");
        let RecordFields::Login { username, .. } = &import.records[1].fields else { panic!("a login") };
        assert_eq!(username, "bob");
        assert!(import.report.skipped.is_empty());
    }

    #[test]
    fn the_four_column_form_without_notes_is_read_too() {
        let import = parse(b"name,url,username,password\nsite,https://site.example,u,p\n").unwrap();
        assert_eq!(import.records[0].notes, "");
        assert_eq!(
            import.records[0].fields,
            common::login("u", "p", vec!["https://site.example".into()], "")
        );
        assert_eq!(parse(b"title,website\n").unwrap_err(), ImportError::WrongFormat(Format::ChromeCsv));
    }
}
