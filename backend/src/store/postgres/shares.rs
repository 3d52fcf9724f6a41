//! Shares on PostgreSQL. A claim locks the share's row (`SELECT ... FOR UPDATE`), checks and
//! counts, and updates or deletes the row in the same transaction: claims of one share from any
//! number of servers take turns, so with N views allowed exactly N succeed. The decisions are
//! [`ShareRecord`]'s, as in redb.

use coffer_shared::api::ShareState;
use coffer_shared::crypto::envelope::Header;
use coffer_shared::id::{AccountId, ShareId};
use coffer_shared::token::TokenHash;
use tokio_postgres::{GenericClient, Row, Transaction};

use super::file_shares::{self, attach_all, check_all};
use super::rows::{big, count, hash, int, unsigned};
use super::{PgStore, SWEEP_BATCH, pg};
use super::{accounts, owned_shares};
use crate::audit::record::NewEvent;
use crate::audit::writer::Sink;
use crate::store::redb::share_record::{Envelope, ShareRecord};
use crate::store::{
    Account, ClaimOutcome, EndedShare, InsertOutcome, NewShare, OwnedShare, ShareOwner, SignatureContext,
    StoreError, StoredStatus, from_json,
};

/// The columns [`record`] reads, in its order: all but the envelope, which only a counted view
/// reads.
const COLUMNS: &str = "header, access_hash, status_hash, manage_hash, created_at, expires_at, max_views, \
                       views_used, max_wrong_claims, wrong_claims, owner, read_receipt";

/// The [`COLUMNS`] of a share's row, from column `at` on, as a [`ShareRecord`] whose envelope
/// is left in the row ([`Envelope::Apart`]).
fn record(row: &Row, at: usize) -> Result<ShareRecord, StoreError> {
    let owner: Option<&str> = row.get(at + 10);
    Ok(ShareRecord {
        header: row.get(at),
        envelope: Envelope::Apart,
        access_hash: hash(row.get(at + 1))?,
        status_hash: hash(row.get(at + 2))?,
        manage_hash: hash(row.get(at + 3))?,
        created_at: unsigned(row.get(at + 4))?,
        expires_at: unsigned(row.get(at + 5))?,
        max_views: count(row.get(at + 6))?,
        views_used: count(row.get(at + 7))?,
        max_wrong_claims: count(row.get(at + 8))?,
        wrong_claims: count(row.get(at + 9))?,
        owner: owner.map(str::parse).transpose().map_err(|_| StoreError::Corrupt("share owner".into()))?,
        read_receipt: row.get(at + 11),
    })
}

/// Share `id`, its row locked until the transaction ends.
async fn read_locked(txn: &Transaction<'_>, id: &str) -> Result<Option<ShareRecord>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM shares WHERE id = $1 FOR UPDATE");
    txn.query_opt(&sql, &[&id]).await.map_err(pg)?.map(|row| record(&row, 0)).transpose()
}

/// The stored account `id`, if any.
async fn read_account(client: &impl GenericClient, id: &AccountId) -> Result<Option<Account>, StoreError> {
    let row =
        client.query_opt("SELECT record FROM accounts WHERE id = $1", &[&id.as_str()]).await.map_err(pg)?;
    row.map(|row| from_json(row.get(0))).transpose()
}

/// Deletes a share that ended as `state`, and tells its owner's summary. Its files go too,
/// except after the last view: they wait for the download tokens given out.
async fn end(
    txn: &Transaction<'_>,
    id: &str,
    record: &ShareRecord,
    state: ShareState,
) -> Result<(), StoreError> {
    txn.execute("DELETE FROM shares WHERE id = $1", &[&id]).await.map_err(pg)?;
    file_shares::on_end(txn, id, state == ShareState::UsedUp).await?;
    if let Some(owner) = &record.owner {
        let views_used = record.views_used;
        owned_shares::update(txn, owner, id, |summary| {
            summary.state = state;
            summary.views_used = views_used;
            // The link's key goes with the ciphertext it opens.
            summary.link = None;
        })
        .await?;
    }
    Ok(())
}

/// Deletes the share `id` if it is stored (an account's deletion takes its shares along).
pub(super) async fn delete_share(txn: &Transaction<'_>, id: &str) -> Result<(), StoreError> {
    txn.execute("DELETE FROM shares WHERE id = $1", &[&id]).await.map_err(pg)?;
    file_shares::on_end(txn, id, false).await
}

impl PgStore {
    pub(crate) async fn insert_share(
        &self,
        share: NewShare,
        signature_ok: impl Fn(&SignatureContext) -> bool + Send + 'static,
        record: impl Fn(&InsertOutcome) -> Vec<NewEvent> + Send + 'static,
        sink: Sink,
    ) -> Result<InsertOutcome, StoreError> {
        let (outcome, events, appended) = transaction!(self, txn => {
            let outcome = insert(&txn, &share, &signature_ok).await?;
            let events = record(&outcome);
            let appended = self.append_in(&txn, &events, sink.key()).await?;
            Ok((outcome, events, appended))
        })?;
        Self::announce(&sink, events, appended);
        Ok(outcome)
    }

    pub(crate) async fn share_status(
        &self,
        id: ShareId,
        token_hash: TokenHash,
        now: u64,
    ) -> Result<Option<StoredStatus>, StoreError> {
        let client = self.client().await?;
        let sql = format!("SELECT {COLUMNS} FROM shares WHERE id = $1");
        let Some(row) = client.query_opt(&sql, &[&id.as_str()]).await.map_err(pg)? else {
            return Ok(None);
        };
        let record = record(&row, 0)?;
        // Check both tokens, always, so timing does not tell which one matched.
        let status_ok = TokenHash::from(record.status_hash) == token_hash;
        let manage_ok = TokenHash::from(record.manage_hash) == token_hash;
        if !(record.is_live(now) && (status_ok | manage_ok)) {
            return Ok(None);
        }
        let mut status = record.status();
        status.by_manager = manage_ok && !status_ok;
        let files = client
            .query_opt("SELECT record FROM share_files WHERE share = $1", &[&id.as_str()])
            .await
            .map_err(pg)?;
        if let Some(files) = files {
            let files: crate::store::redb::file_shares::ShareFiles = from_json(files.get(0))?;
            status.file_count = u32::try_from(files.files.len()).unwrap_or(u32::MAX);
            status.file_bytes = files.bytes;
        }
        if let Some(owner) = &record.owner {
            status.signer = read_account(&**client, owner)
                .await?
                .map(|account| ShareOwner { email: account.email, public_key: account.public_key });
        }
        Ok(Some(status))
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn claim_share(
        &self,
        id: ShareId,
        status_hash: TokenHash,
        access_hash: TokenHash,
        download: ([u8; 32], u64),
        now: u64,
        record: impl Fn(&ClaimOutcome) -> Vec<NewEvent> + Send + 'static,
        sink: Sink,
    ) -> Result<ClaimOutcome, StoreError> {
        let (outcome, events, appended) = transaction!(self, txn => {
            let outcome = claim(&txn, id.as_str(), &status_hash, &access_hash, download, now).await?;
            let events = record(&outcome);
            let appended = self.append_in(&txn, &events, sink.key()).await?;
            Ok((outcome, events, appended))
        })?;
        Self::announce(&sink, events, appended);
        Ok(outcome)
    }

    pub(crate) async fn destroy_share(
        &self,
        id: ShareId,
        token_hash: TokenHash,
        now: u64,
    ) -> Result<Option<EndedShare>, StoreError> {
        transaction!(self, txn => {
            let Some(record) = read_locked(&txn, id.as_str()).await? else {
                return Ok(None);
            };
            if !(record.is_live(now) && TokenHash::from(record.manage_hash) == token_hash) {
                return Ok(None);
            }
            end(&txn, id.as_str(), &record, ShareState::Destroyed).await?;
            Ok(Some(EndedShare { id: id.clone(), owner: record.owner }))
        })
    }

    pub(crate) async fn destroy_owned_share(
        &self,
        owner: AccountId,
        id: ShareId,
        now: u64,
    ) -> Result<bool, StoreError> {
        transaction!(self, txn => {
            let Some(record) = read_locked(&txn, id.as_str()).await? else {
                return Ok(false);
            };
            let allowed = record.is_live(now) && record.owner.as_ref() == Some(&owner);
            if allowed {
                end(&txn, id.as_str(), &record, ShareState::Destroyed).await?;
            }
            Ok(allowed)
        })
    }

    pub(crate) async fn sweep_expired(&self, now: u64) -> Result<Vec<EndedShare>, StoreError> {
        let now = big(now)?;
        let mut ended = Vec::new();
        loop {
            let batch = self.sweep_batch(now).await?;
            let last = batch.len() < SWEEP_BATCH as usize;
            ended.extend(batch);
            if last {
                return Ok(ended);
            }
        }
    }

    /// Ends up to [`SWEEP_BATCH`] expired shares in one transaction.
    async fn sweep_batch(&self, now: i64) -> Result<Vec<EndedShare>, StoreError> {
        transaction!(self, txn => {
            // Rows another server is sweeping (or a claim holds) are skipped, not waited for:
            // they are that transaction's to end.
            let sql = format!(
                "SELECT id, {COLUMNS} FROM shares WHERE expires_at <= $1
                 ORDER BY expires_at LIMIT {SWEEP_BATCH} FOR UPDATE SKIP LOCKED"
            );
            let rows = txn.query(&sql, &[&now]).await.map_err(pg)?;
            let mut ended = Vec::with_capacity(rows.len());
            for row in &rows {
                let id: &str = row.get(0);
                let record = record(row, 1)?;
                end(&txn, id, &record, ShareState::Expired).await?;
                let id = id.parse().map_err(|_| StoreError::Corrupt(format!("share id {id}")))?;
                ended.push(EndedShare { id, owner: record.owner });
            }
            Ok(ended)
        })
    }

    pub(crate) async fn envelopes_apart(&self) -> Result<u64, StoreError> {
        // The envelopes PostgreSQL moved out of their rows into the table's TOAST relation
        // (any that make a row pass about 2 KiB), where counting a view does not rewrite them.
        let client = self.client().await?;
        let row = client
            .query_one(
                "SELECT reltoastrelid::regclass::text FROM pg_class WHERE oid = 'shares'::regclass",
                &[],
            )
            .await
            .map_err(pg)?;
        let toast: String = row.get(0);
        let sql = format!("SELECT count(DISTINCT chunk_id) FROM {toast}");
        let row = client.query_one(&sql, &[]).await.map_err(pg)?;
        unsigned(row.get(0))
    }

    pub(crate) async fn ping(&self) -> Result<(), StoreError> {
        let client = self.client().await?;
        client.query_one("SELECT 1", &[]).await.map_err(pg)?;
        Ok(())
    }

    pub(crate) async fn share_count(&self) -> Result<u64, StoreError> {
        let client = self.client().await?;
        let row = client.query_one("SELECT count(*) FROM shares", &[]).await.map_err(pg)?;
        unsigned(row.get(0))
    }
}

/// [`PgStore::insert_share`] in `txn`: checks, then writes only what is accepted.
async fn insert(
    txn: &Transaction<'_>,
    share: &NewShare,
    signature_ok: &impl Fn(&SignatureContext) -> bool,
) -> Result<InsertOutcome, StoreError> {
    let id = share.id.as_str();
    let owner_public_key = match &share.owner {
        Some(owner) => Some(accounts::hold_account(txn, owner.as_str()).await?.public_key),
        None => None,
    };
    // The files of an ended share wait under its id for their download window: the id is
    // still taken, or a new share of that id would hand them out again.
    let taken = txn
        .query_opt(
            "SELECT 1 FROM shares WHERE id = $1 UNION ALL SELECT 1 FROM share_files WHERE share = $1",
            &[&id],
        )
        .await
        .map_err(pg)?;
    if taken.is_some() {
        return Ok(InsertOutcome::IdTaken);
    }
    let checked = match check_all(txn, &share.files).await? {
        Ok(checked) => checked,
        Err(position) => return Ok(InsertOutcome::InvalidFile(position)),
    };
    let metadata = checked.metadata();
    let files = share.files.iter().map(|(file, _)| file.to_string()).zip(metadata).collect();
    if !signature_ok(&SignatureContext { owner_public_key, files }) {
        return Ok(InsertOutcome::BadSignature);
    }
    let read_receipt = share.read_receipt && share.owner.is_some();
    let inserted = txn
        .execute(
            "INSERT INTO shares (id, header, envelope, access_hash, status_hash, manage_hash, created_at,
                                 expires_at, max_views, views_used, max_wrong_claims, wrong_claims, owner,
                                 read_receipt)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, $10, 0, $11, $12)
             ON CONFLICT (id) DO NOTHING",
            &[
                &id,
                &share.header,
                &share.envelope,
                &share.access_hash.as_slice(),
                &share.status_hash.as_slice(),
                &share.manage_hash.as_slice(),
                &big(share.created_at)?,
                &big(share.expires_at)?,
                &int(share.max_views)?,
                &int(share.max_wrong_claims)?,
                &share.owner.as_ref().map(|owner| owner.as_str()),
                &read_receipt,
            ],
        )
        .await
        .map_err(pg)?;
    if inserted == 0 {
        // Another request stored this id since the check above; nothing was written.
        return Ok(InsertOutcome::IdTaken);
    }
    attach_all(txn, id, checked).await?;
    if let Some(owner) = &share.owner {
        let summary = OwnedShare {
            id: share.id.clone(),
            created_at: share.created_at,
            expires_at: share.expires_at,
            max_views: share.max_views,
            views_used: 0,
            state: ShareState::Active,
            read_receipt,
            files: u32::try_from(share.files.len()).ok(),
            password: Header::parse(&share.header).ok().map(|(header, _)| header.password.is_some()),
            note: share.note.clone(),
            link: share.link.clone(),
        };
        owned_shares::put(txn, owner, &summary).await?;
    }
    Ok(InsertOutcome::Inserted)
}

/// [`PgStore::claim_share`] in `txn`, on the share's locked row. Every answer but `NotFound`
/// is a change to commit (a view, a wrong claim or an ended share); `NotFound` writes nothing.
async fn claim(
    txn: &Transaction<'_>,
    id: &str,
    status_hash: &TokenHash,
    access_hash: &TokenHash,
    (download_hash, download_until): ([u8; 32], u64),
    now: u64,
) -> Result<ClaimOutcome, StoreError> {
    let Some(mut record) = read_locked(txn, id).await? else {
        return Ok(ClaimOutcome::NotFound);
    };
    if !record.is_live(now) {
        let state = record.end_state(now);
        end(txn, id, &record, state).await?;
        return Ok(match state {
            ShareState::Expired => ClaimOutcome::Expired { owner: record.owner },
            _ => ClaimOutcome::NotFound,
        });
    }
    if TokenHash::from(record.status_hash) != *status_hash {
        return Ok(ClaimOutcome::NotFound);
    }
    let outcome = if TokenHash::from(record.access_hash) == *access_hash {
        let row = txn.query_one("SELECT envelope FROM shares WHERE id = $1", &[&id]).await.map_err(pg)?;
        let envelope: Vec<u8> = row.get(0);
        record.views_used += 1;
        let receipt_to = record.owner.clone().filter(|_| record.read_receipt);
        let files = file_shares::on_claim(txn, id, download_hash, download_until).await?;
        ClaimOutcome::Claimed {
            envelope,
            views_left: record.max_views - record.views_used,
            receipt_to,
            files,
            owner: record.owner.clone(),
        }
    } else {
        record.wrong_claims += 1;
        ClaimOutcome::WrongToken {
            wrong_claims_left: record.max_wrong_claims - record.wrong_claims,
            owner: record.owner.clone(),
        }
    };
    if record.is_live(now) {
        txn.execute(
            "UPDATE shares SET views_used = $2, wrong_claims = $3 WHERE id = $1",
            &[&id, &int(record.views_used)?, &int(record.wrong_claims)?],
        )
        .await
        .map_err(pg)?;
        if let Some(owner) = &record.owner {
            let views_used = record.views_used;
            owned_shares::update(txn, owner, id, |summary| summary.views_used = views_used).await?;
        }
    } else {
        end(txn, id, &record, record.end_state(now)).await?;
    }
    Ok(outcome)
}
