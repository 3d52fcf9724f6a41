//! What a finished copy prints: each table's rows on both sides, the blobs, the log, the time
//! taken, and what the operator does next.

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use super::audit::IMPORTED_CHAIN;
use super::blobs::Blobs;
use super::verify::{Counted, Log};
use crate::audit::record::hex;
use crate::blobs::BlobStoreUrl;
use crate::store::DatabaseUrl;

/// A verified, committed copy.
pub struct Report {
    /// The data folder copied.
    pub from: PathBuf,
    /// The database copied into.
    pub to: DatabaseUrl,
    /// Its schema version.
    pub schema: i64,
    /// Each table's rows.
    pub tables: Vec<Counted>,
    /// The blobs read and checked (and copied, with a bucket).
    pub blobs: Blobs,
    /// The bucket the blobs went to, if any.
    pub bucket: Option<BlobStoreUrl>,
    /// The security log as verified.
    pub log: Log,
    /// Time taken.
    pub elapsed: Duration,
}

impl Report {
    /// Prints the report.
    pub fn print(&self, out: &mut impl Write) -> std::io::Result<()> {
        writeln!(out, "Copied {} into {} (schema version {}).", self.from.display(), self.to, self.schema)?;
        writeln!(out, "{:<22}{:>12}{:>12}", "table", "redb", "postgres")?;
        for table in &self.tables {
            writeln!(out, "{:<22}{:>12}{:>12}", table.table, table.source, table.target)?;
        }
        let Blobs { files, chunks, bytes } = self.blobs;
        match &self.bucket {
            Some(bucket) => writeln!(
                out,
                "blobs: {bytes} bytes of {files} files ({chunks} chunks) copied to {bucket}, each chunk's \
                 SHA-256 checked and each file's bytes found in the bucket"
            )?,
            None => writeln!(
                out,
                "blobs: {bytes} bytes of {files} files ({chunks} chunks) checked in {} and left there \
                 (no --blobs): keep that folder and run the one server with --data-dir {}",
                self.from.join("blobs").display(),
                self.from.display()
            )?,
        }
        match self.log.head {
            Some(head) => writeln!(
                out,
                "security log: {} events of {} accounts verified, as chain {IMPORTED_CHAIN}; head: seq {} hash {}",
                self.log.events,
                self.log.accounts,
                head.last_seq,
                hex(&head.hash)
            )?,
            None => writeln!(out, "security log: no events")?,
        }
        writeln!(
            out,
            "server secret: the database now requires {}: give that file to every server \
             (--server-secret-file)",
            self.from.join(crate::secret::FILE_NAME).display()
        )?;
        writeln!(out, "done in {:.2} s", self.elapsed.as_secs_f64())
    }
}
