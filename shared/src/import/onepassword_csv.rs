//! 1Password 8's CSV export: `Title,Url,Username,Password,OTPAuth,Favorite,Archived,Tags,Notes`
//! in any order and case. Every row is a login. The first tag becomes the folder; an archived
//! item is filed under "Archive".

use super::common;
use super::table::Table;
use super::{Format, Import, ImportError, Lost};
use crate::crypto::vault::VaultRecord;

/// The folder of items 1Password had archived.
pub const ARCHIVE_FOLDER: &str = "Archive";

/// Reads a 1Password CSV export.
pub fn parse(bytes: &[u8]) -> Result<Import, ImportError> {
    let table = Table::read(bytes, Format::OnePasswordCsv, &["title", "username", "password"])?;
    let mut import = Import::default();
    for row in table.rows() {
        let url = match row.get("url") {
            "" => row.get("website"),
            url => url,
        };
        let totp = match row.get("otpauth") {
            "" => row.get("one-time password"),
            totp => totp,
        };
        let mut record = VaultRecord::new(common::login(
            row.get("username"),
            row.get("password"),
            common::urls(url.split(['\n', ','])),
            totp,
        ));
        record.name = common::name_or_host(row.get("title"), url);
        record.notes = row.get("notes").to_owned();
        record.favorite = common::truthy(row.get("favorite"));
        let tags: Vec<&str> =
            row.get("tags").split([',', ';']).map(str::trim).filter(|t| !t.is_empty()).collect();
        import.report.lose(Lost::ExtraTags, usize::from(tags.len() > 1));
        record.folder = if common::truthy(row.get("archived")) {
            ARCHIVE_FOLDER.to_owned()
        } else {
            tags.first().map_or_else(String::new, |tag| (*tag).to_owned())
        };
        import.records.push(record);
    }
    Ok(import)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_column_is_read_whatever_its_case_and_place() {
        let csv = "Notes,TITLE,url,Username,Password,OTPAuth,Favorite,Archived,Tags,Extra\n\
                   \"two\nlines\",Bank,https://bank.example,alice,\"p,w\",otpauth://totp/x?secret=JBSWY3DP,true,false,\"Finance, Work\",x\n\
                   ,Old,https://old.example,bob,pw,,false,true,Finance,\n\
                   ,,https://www.untitled.example/a,carol,pw,,,,,\n";
        let import = parse(csv.as_bytes()).unwrap();
        assert_eq!(import.records.len(), 3);
        let bank = &import.records[0];
        assert_eq!(bank.name, "Bank");
        assert_eq!(bank.notes, "two\nlines");
        assert!(bank.favorite);
        assert_eq!(bank.folder, "Finance");
        assert_eq!(
            bank.fields,
            common::login(
                "alice",
                "p,w",
                vec!["https://bank.example".into()],
                "otpauth://totp/x?secret=JBSWY3DP"
            )
        );
        assert_eq!(import.records[1].folder, ARCHIVE_FOLDER);
        assert!(!import.records[1].favorite);
        assert_eq!(import.records[2].name, "untitled.example");
        assert_eq!(import.records[2].folder, "");
        assert_eq!(import.report.lost.get(&Lost::ExtraTags), Some(&1));
    }

    #[test]
    fn a_csv_without_the_columns_is_refused() {
        assert_eq!(parse(b"name,url\nx,y\n").unwrap_err(), ImportError::WrongFormat(Format::OnePasswordCsv));
    }
}
