//! The one blob store of a cluster: every server of a database must keep file bytes in the same
//! store, or a file written through one server would be missing through another. The database
//! records the mark of the store its first server used; a store carries its mark inside it
//! (a file in the blob folder, an object in the bucket).

use coffer_shared::crypto::secret::random_array;

use super::{PgStore, pg};
use crate::blobs::BlobStore;
use crate::store::StoreError;

/// Serializes the check of servers starting at once, so that two fresh stores cannot both be
/// marked and recorded.
const AGREEMENT_LOCK: i64 = 0x636f_6666_6572_0002;

fn refused(why: &str) -> StoreError {
    StoreError::Database(format!(
        "{why}: every server of a database must be given the same --blob-store (a data folder's \
         blobs serve one server only; see docs/scaling.md)"
    ))
}

impl PgStore {
    /// Checks that `blobs` is the store the database's files are in. The first server marks
    /// its store and records the mark; a later server whose store is unmarked or marked
    /// otherwise is refused (another server's data folder, another bucket or folder).
    pub async fn agree_on_blobs(&self, blobs: &dyn BlobStore) -> Result<(), StoreError> {
        let io = |error: std::io::Error| StoreError::Database(format!("blob store: {error}"));
        let mark = blobs.mark().await.map_err(io)?;
        transaction!(self, txn => {
            txn.execute("SELECT pg_advisory_xact_lock($1)", &[&AGREEMENT_LOCK]).await.map_err(pg)?;
            let recorded = txn
                .query_opt("SELECT value FROM cluster WHERE name = 'blob_store'", &[])
                .await
                .map_err(pg)?
                .map(|row| String::from_utf8_lossy(row.get::<_, &[u8]>(0)).into_owned());
            // Read again under the lock: another server may have marked this store meanwhile.
            let mark = match &mark {
                Some(mark) => Some(mark.clone()),
                None => blobs.mark().await.map_err(io)?,
            };
            match (recorded, mark) {
                (Some(recorded), Some(mark)) if recorded == mark => Ok(()),
                (Some(_), Some(_)) => Err(refused("this server's blob store is not the cluster's")),
                (Some(_), None) => Err(refused("this server's blob store holds none of the cluster's files")),
                (None, mark) => {
                    let mark = match mark {
                        Some(mark) => mark,
                        None => {
                            let mark = crate::audit::record::hex(&random_array::<16>());
                            blobs.set_mark(&mark).await.map_err(io)?;
                            mark
                        }
                    };
                    txn.execute("INSERT INTO cluster (name, value) VALUES ('blob_store', $1)", &[&mark.as_bytes()])
                        .await
                        .map_err(pg)?;
                    Ok(())
                }
            }
        })
    }
}
