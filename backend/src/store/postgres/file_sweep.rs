//! Deleting files nobody can reach any more, and the trash of blobs to remove after the
//! deleting transaction committed. Several servers may sweep at once: each sweeps in batches
//! of rows it locks with `SKIP LOCKED`, so they neither wait on each other nor delete (and
//! count) a row twice.

use std::collections::HashSet;

use super::files::{records, remove_files, remove_locked};
use super::rows::big;
use super::{PgStore, pg};
use crate::store::redb::file_shares::ShareFiles;
use crate::store::{StoreError, from_json};

/// Rows one sweeping transaction takes at most.
const BATCH: i64 = 500;

impl PgStore {
    pub(crate) async fn sweep_files(&self, now: u64) -> Result<usize, StoreError> {
        let now = big(now)?;
        let mut deleted = 0;
        // Uploads past their expiry that were never attached.
        loop {
            let swept = transaction!(self, txn => {
                let rows = txn
                    .query(
                        "SELECT id, record FROM files WHERE expires_at <= $1
                         ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED",
                        &[&now, &BATCH],
                    )
                    .await
                    .map_err(pg)?;
                remove_locked(&txn, &records(&rows)?).await?;
                Ok(rows.len())
            })?;
            deleted += swept;
            if swept < BATCH as usize {
                break;
            }
        }
        // The files of ended shares whose last download token has expired.
        loop {
            let (shares, files) = transaction!(self, txn => {
                let rows = txn
                    .query(
                        "SELECT share, record FROM share_files WHERE keep_until <= $1
                         ORDER BY keep_until LIMIT $2 FOR UPDATE SKIP LOCKED",
                        &[&now, &BATCH],
                    )
                    .await
                    .map_err(pg)?;
                let mut shares: Vec<&str> = Vec::with_capacity(rows.len());
                let mut ids: Vec<String> = Vec::new();
                for row in &rows {
                    shares.push(row.get(0));
                    ids.extend(from_json::<ShareFiles>(row.get(1))?.files);
                }
                remove_files(&txn, &ids).await?;
                txn.execute("DELETE FROM share_files WHERE share = ANY($1)", &[&shares]).await.map_err(pg)?;
                Ok((rows.len(), ids.len()))
            })?;
            deleted += files;
            if shares < BATCH as usize {
                break;
            }
        }
        // Expired download tokens.
        loop {
            let gone = transaction!(self, txn => {
                txn.execute(
                    "DELETE FROM download_tokens WHERE hash IN (SELECT hash FROM download_tokens
                     WHERE expires_at <= $1 LIMIT $2 FOR UPDATE SKIP LOCKED)",
                    &[&now, &BATCH],
                )
                .await
                .map_err(pg)
            })?;
            if gone < BATCH as u64 {
                break;
            }
        }
        Ok(deleted)
    }

    pub(crate) async fn blob_trash(&self) -> Result<Vec<String>, StoreError> {
        let client = self.client().await?;
        let rows = client.query("SELECT id FROM blob_trash ORDER BY id", &[]).await.map_err(pg)?;
        Ok(rows.iter().map(|row| row.get(0)).collect())
    }

    pub(crate) async fn forget_trash(&self, ids: Vec<String>) -> Result<(), StoreError> {
        let client = self.client().await?;
        client.execute("DELETE FROM blob_trash WHERE id = ANY($1)", &[&ids]).await.map_err(pg)?;
        Ok(())
    }

    pub(crate) async fn file_ids(&self) -> Result<HashSet<String>, StoreError> {
        let client = self.client().await?;
        let rows = client.query("SELECT id FROM files", &[]).await.map_err(pg)?;
        Ok(rows.iter().map(|row| row.get(0)).collect())
    }
}
