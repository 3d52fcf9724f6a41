//! Which blob store an installation's files are in. A store carries a mark (a file in the blob
//! folder, an object in the bucket), and the metadata store records the mark of the store its
//! files went to; a server whose blob store does not carry the recorded mark is refused at
//! start. Otherwise a server given another installation's bucket folder, or another data
//! folder, would write files the others cannot read, and its sweep would take the other
//! installation's blobs for orphans and delete them.

use std::io;

use coffer_shared::crypto::secret::random_array;

use super::BlobStore;

/// What the metadata store must do for the blob store to be agreed on.
#[derive(Debug, PartialEq, Eq)]
pub enum Agreement {
    /// The store carries the recorded mark.
    Agreed,
    /// A new store was marked with this: record it.
    Record(String),
}

/// Why a server may not use its blob store.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    /// The store is not the one the metadata store's files are in.
    #[error(
        "{0}: every server of an installation must be given the same --blob-store, and no two \
         installations one store (a data folder's blobs serve one server; see docs/scaling.md)"
    )]
    Elsewhere(&'static str),
    /// The store could not be read or marked.
    #[error("blob store: {0}")]
    Io(#[from] io::Error),
}

/// Checks `blobs` against the `recorded` mark, marking a new store when nothing is recorded.
/// The caller keeps other servers of its installation out while this runs (they would mark the
/// store too), then records a new mark.
pub async fn agree(recorded: Option<&str>, blobs: &dyn BlobStore) -> Result<Agreement, Refusal> {
    let mark = blobs.mark().await?.filter(|mark| !mark.is_empty());
    match (recorded, mark) {
        (Some(recorded), Some(mark)) if recorded == mark => Ok(Agreement::Agreed),
        (Some(_), Some(_)) => Err(Refusal::Elsewhere("this server's blob store is not its installation's")),
        (Some(_), None) => {
            Err(Refusal::Elsewhere("this server's blob store holds none of its installation's files"))
        }
        (None, Some(_)) => {
            Err(Refusal::Elsewhere("this server's blob store belongs to another installation"))
        }
        (None, None) => {
            let mark = crate::audit::record::hex(&random_array::<16>());
            blobs.set_mark(&mark).await?;
            // A server of another installation marking the same new store at the same moment:
            // the later mark stands, and the server whose mark is gone stops here.
            match blobs.mark().await? {
                Some(stored) if stored == mark => Ok(Agreement::Record(mark)),
                _ => Err(Refusal::Elsewhere(
                    "this server's blob store was just marked by another installation",
                )),
            }
        }
    }
}

/// The file in a data folder recording the mark of the bucket its redb file's blobs are in.
const RECORD: &str = "blob-store-mark";

/// [`agree`] for a server on redb whose blobs are in a bucket: the mark is recorded in the data
/// folder, beside the database. (Blobs in the data folder itself need no check: they are the
/// folder's.)
pub async fn agree_in_folder(data_dir: &std::path::Path, blobs: &dyn BlobStore) -> Result<(), Refusal> {
    let path = data_dir.join(RECORD);
    let recorded = match tokio::fs::read_to_string(&path).await {
        Ok(mark) => Some(mark),
        Err(error) if error.kind() == io::ErrorKind::NotFound => None,
        Err(error) => return Err(error.into()),
    };
    if let Agreement::Record(mark) = agree(recorded.as_deref(), blobs).await? {
        let fresh = data_dir.join(format!("{RECORD}.new"));
        tokio::fs::write(&fresh, mark).await?;
        tokio::fs::File::open(&fresh).await?.sync_all().await?;
        tokio::fs::rename(&fresh, &path).await?;
        tokio::fs::File::open(data_dir).await?.sync_all().await?;
    }
    Ok(())
}
