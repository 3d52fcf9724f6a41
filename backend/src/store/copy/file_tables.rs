//! The files' tables: records, chunk checksums, the files of shares, download tokens, the blob
//! trash, and the byte counters with each holder's share of them. A file's `expires_at` is a
//! column only while it is attached to nothing, and a share's files' `keep_until` only once the
//! share has ended, as PostgreSQL's backend writes them.

use redb::{ReadTransaction, ReadableTable, ReadableTableMetadata};
use tokio_postgres::Client;
use tokio_postgres::types::Type;

use super::rows::Rows;
use super::verify::Counted;
use super::{CopyError, redb_error};
use crate::store::from_json;
use crate::store::postgres::rows::big;
use crate::store::redb::file_shares::ShareFiles;
use crate::store::redb::files::FileRecord;
use crate::store::redb::schema::{
    ANONYMOUS_CIPHERTEXT, ANONYMOUS_HELD, BLOB_TRASH, DOWNLOAD_TOKENS, FILE_CHUNKS, FILES, META,
    RESERVED_BYTES, SHARE_FILES, STORED_BYTES, UPLOAD_HOLDERS,
};

/// The byte counters redb keeps in its `meta` table and PostgreSQL in `counters`.
const COUNTERS: [&str; 4] = [STORED_BYTES, RESERVED_BYTES, ANONYMOUS_HELD, ANONYMOUS_CIPHERTEXT];

/// Copies the files' tables, files before the rows that name them.
pub async fn copy(read: &ReadTransaction, client: &Client) -> Result<Vec<Counted>, CopyError> {
    Ok(vec![
        files(read, client).await?,
        file_chunks(read, client).await?,
        share_files(read, client).await?,
        download_tokens(read, client).await?,
        blob_trash(read, client).await?,
        counters(read, client).await?,
        upload_holders(read, client).await?,
    ])
}

async fn files(read: &ReadTransaction, client: &Client) -> Result<Counted, CopyError> {
    let table = read.open_table(FILES).map_err(redb_error)?;
    let columns =
        [("id", Type::TEXT), ("record", Type::BYTEA), ("expires_at", Type::INT8), ("owner", Type::TEXT)];
    let mut rows = Rows::start(client, "files", &columns).await?;
    for row in table.iter().map_err(redb_error)? {
        let (id, bytes) = row.map_err(redb_error)?;
        let record: FileRecord = from_json(bytes.value())?;
        let expires_at = match record.attached() {
            true => None,
            false => Some(big(record.expires_at)?),
        };
        let owner = record.owner.as_ref().map(|owner| owner.as_str());
        rows.row(&[&id.value(), &bytes.value(), &expires_at, &owner]).await?;
    }
    rows.finish(table.len().map_err(redb_error)?).await
}

async fn file_chunks(read: &ReadTransaction, client: &Client) -> Result<Counted, CopyError> {
    let table = read.open_table(FILE_CHUNKS).map_err(redb_error)?;
    let columns = [("file", Type::TEXT), ("chunk", Type::INT8), ("sum", Type::BYTEA)];
    let mut rows = Rows::start(client, "file_chunks", &columns).await?;
    for row in table.iter().map_err(redb_error)? {
        let (key, sum) = row.map_err(redb_error)?;
        let (file, chunk) = key.value();
        rows.row(&[&file, &big(chunk)?, &sum.value()]).await?;
    }
    rows.finish(table.len().map_err(redb_error)?).await
}

async fn share_files(read: &ReadTransaction, client: &Client) -> Result<Counted, CopyError> {
    let table = read.open_table(SHARE_FILES).map_err(redb_error)?;
    let columns = [("share", Type::TEXT), ("record", Type::BYTEA), ("keep_until", Type::INT8)];
    let mut rows = Rows::start(client, "share_files", &columns).await?;
    for row in table.iter().map_err(redb_error)? {
        let (share, bytes) = row.map_err(redb_error)?;
        let files: ShareFiles = from_json(bytes.value())?;
        let keep_until = files.ended.then(|| big(files.keep_until)).transpose()?;
        rows.row(&[&share.value(), &bytes.value(), &keep_until]).await?;
    }
    rows.finish(table.len().map_err(redb_error)?).await
}

async fn download_tokens(read: &ReadTransaction, client: &Client) -> Result<Counted, CopyError> {
    let table = read.open_table(DOWNLOAD_TOKENS).map_err(redb_error)?;
    let columns = [("hash", Type::BYTEA), ("share", Type::TEXT), ("expires_at", Type::INT8)];
    let mut rows = Rows::start(client, "download_tokens", &columns).await?;
    for row in table.iter().map_err(redb_error)? {
        let (hash, value) = row.map_err(redb_error)?;
        let (share, expires_at) = value.value();
        rows.row(&[&hash.value(), &share, &big(expires_at)?]).await?;
    }
    rows.finish(table.len().map_err(redb_error)?).await
}

async fn blob_trash(read: &ReadTransaction, client: &Client) -> Result<Counted, CopyError> {
    let table = read.open_table(BLOB_TRASH).map_err(redb_error)?;
    let mut rows = Rows::start(client, "blob_trash", &[("id", Type::TEXT)]).await?;
    for row in table.iter().map_err(redb_error)? {
        let (id, _) = row.map_err(redb_error)?;
        rows.row(&[&id.value()]).await?;
    }
    rows.finish(table.len().map_err(redb_error)?).await
}

async fn counters(read: &ReadTransaction, client: &Client) -> Result<Counted, CopyError> {
    let meta = read.open_table(META).map_err(redb_error)?;
    let mut rows = Rows::start(client, "counters", &[("name", Type::TEXT), ("value", Type::INT8)]).await?;
    let mut present = 0;
    for name in COUNTERS {
        if let Some(value) = meta.get(name).map_err(redb_error)? {
            rows.row(&[&name, &big(value.value())?]).await?;
            present += 1;
        }
    }
    rows.finish(present).await
}

async fn upload_holders(read: &ReadTransaction, client: &Client) -> Result<Counted, CopyError> {
    let table = read.open_table(UPLOAD_HOLDERS).map_err(redb_error)?;
    let mut rows =
        Rows::start(client, "upload_holders", &[("holder", Type::TEXT), ("bytes", Type::INT8)]).await?;
    for row in table.iter().map_err(redb_error)? {
        let (holder, bytes) = row.map_err(redb_error)?;
        rows.row(&[&holder.value(), &big(bytes.value())?]).await?;
    }
    rows.finish(table.len().map_err(redb_error)?).await
}
