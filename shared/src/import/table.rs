//! CSV exports as a table: a header of lower-cased column names and rows read by column name,
//! so a file's column order, header case and extra columns do not matter.

use std::collections::HashMap;

use zeroize::Zeroize;

use super::common::Budget;
use super::{Format, ImportError};

/// A CSV file with a header row. Its cells are wiped when it is dropped.
pub struct Table {
    /// Each column name's first position, so reading a cell does not scan the header.
    columns: HashMap<String, usize>,
    rows: Vec<Vec<String>>,
}

impl Drop for Table {
    fn drop(&mut self) {
        self.rows.zeroize();
    }
}

fn reader(bytes: &[u8]) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(bytes)
}

/// A row's cells as text, with Windows line ends inside a quoted cell made `\n`.
fn cells(record: &csv::ByteRecord) -> Vec<String> {
    record.iter().map(|cell| String::from_utf8_lossy(cell).replace("\r\n", "\n")).collect()
}

/// The lower-cased, trimmed column names of the first row; `None` when there is no readable
/// first row, or it has a single column (prose, not a CSV header).
pub fn header(bytes: &[u8]) -> Option<Vec<String>> {
    let mut record = csv::ByteRecord::new();
    reader(bytes).read_byte_record(&mut record).ok().filter(|&read| read)?;
    let columns: Vec<String> = cells(&record).iter().map(|c| c.trim().to_ascii_lowercase()).collect();
    (columns.len() > 1).then_some(columns)
}

impl Table {
    /// Reads a CSV of `format` whose header names every column in `required`. Rows whose cells
    /// are all blank are left out; each other row counts against [`super::MAX_ITEMS`].
    pub fn read(bytes: &[u8], format: Format, required: &[&str]) -> Result<Table, ImportError> {
        let columns = header(bytes).ok_or(ImportError::WrongFormat(format))?;
        if !required.iter().all(|name| columns.iter().any(|column| column == name)) {
            return Err(ImportError::WrongFormat(format));
        }
        let mut index = HashMap::with_capacity(columns.len());
        for (at, name) in columns.into_iter().enumerate() {
            index.entry(name).or_insert(at);
        }
        let mut budget = Budget::default();
        let mut rows = Vec::new();
        let mut record = csv::ByteRecord::new();
        let mut reader = reader(bytes);
        reader.read_byte_record(&mut record).map_err(|_| ImportError::Damaged(format))?;
        while reader.read_byte_record(&mut record).map_err(|_| ImportError::Damaged(format))? {
            if record.iter().all(|cell| cell.iter().all(u8::is_ascii_whitespace)) {
                continue;
            }
            budget.take()?;
            rows.push(cells(&record));
        }
        Ok(Table { columns: index, rows })
    }

    /// The rows, in the file's order.
    pub fn rows(&self) -> impl Iterator<Item = Row<'_>> {
        self.rows.iter().map(|cells| Row { table: self, cells })
    }
}

/// One row of a [`Table`].
pub struct Row<'a> {
    table: &'a Table,
    cells: &'a [String],
}

impl<'a> Row<'a> {
    /// The cell under `column` (lower case); `""` when the file has no such column or the row
    /// is short.
    pub fn get(&self, column: &str) -> &'a str {
        self.table.columns.get(column).and_then(|&at| self.cells.get(at)).map_or("", String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_read_by_column_name_and_blank_rows_are_left_out() {
        let csv = "Password,NAME,extra\n\"p,1\",\"two\nlines\",x\n,,\n\nonly\n";
        let table = Table::read(csv.as_bytes(), Format::ChromeCsv, &["name", "password"]).unwrap();
        let rows: Vec<Row<'_>> = table.rows().collect();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].get("password"), "p,1");
        assert_eq!(rows[0].get("name"), "two\nlines");
        assert_eq!(rows[0].get("missing"), "");
        assert_eq!(rows[1].get("password"), "only");
        assert_eq!(rows[1].get("name"), "");
        assert!(matches!(
            Table::read(b"a,b\n1,2\n", Format::ChromeCsv, &["name"]),
            Err(ImportError::WrongFormat(Format::ChromeCsv))
        ));
        assert!(matches!(
            Table::read(b"just prose\n", Format::ChromeCsv, &[]),
            Err(ImportError::WrongFormat(Format::ChromeCsv))
        ));
    }
}
