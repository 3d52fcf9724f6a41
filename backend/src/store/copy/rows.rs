//! [`Rows`]: one table's rows streamed into PostgreSQL with `COPY … FROM STDIN BINARY`, as
//! they are read from redb: one statement per table, whatever its size, and no table held in
//! memory.

use std::pin::Pin;

use tokio_postgres::Client;
use tokio_postgres::binary_copy::BinaryCopyInWriter;
use tokio_postgres::types::{ToSql, Type};

use super::verify::Counted;
use super::{CopyError, pg_error};

/// A `COPY` into one table under way.
pub struct Rows {
    table: &'static str,
    writer: Pin<Box<BinaryCopyInWriter>>,
    written: u64,
}

impl Rows {
    /// Starts copying into `table`'s `columns` (name and type, in the order rows give them).
    pub async fn start(
        client: &Client,
        table: &'static str,
        columns: &[(&str, Type)],
    ) -> Result<Self, CopyError> {
        let names: Vec<&str> = columns.iter().map(|(name, _)| *name).collect();
        let types: Vec<Type> = columns.iter().map(|(_, kind)| kind.clone()).collect();
        let statement = format!("COPY {table} ({}) FROM STDIN BINARY", names.join(", "));
        let sink = client.copy_in(&statement).await.map_err(pg_error)?;
        Ok(Self { table, writer: Box::pin(BinaryCopyInWriter::new(sink, &types)), written: 0 })
    }

    /// Sends one row.
    pub async fn row(&mut self, values: &[&(dyn ToSql + Sync)]) -> Result<(), CopyError> {
        self.writer.as_mut().write(values).await.map_err(pg_error)?;
        self.written += 1;
        Ok(())
    }

    /// Ends the `COPY`; `source` is how many rows the redb side holds, to be checked against
    /// the table's count before the commit.
    pub async fn finish(mut self, source: u64) -> Result<Counted, CopyError> {
        let copied = self.writer.as_mut().finish().await.map_err(pg_error)?;
        if copied != self.written {
            return Err(CopyError::Mismatch(format!(
                "{}: {} rows sent, PostgreSQL took {copied}",
                self.table, self.written
            )));
        }
        Ok(Counted { table: self.table, source, target: 0 })
    }
}
