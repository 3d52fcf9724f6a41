//! Shares in redb. Every method is one transaction, so counting is atomic: redb runs one write
//! transaction at a time, and a claim reads, checks and updates its counters inside one. With N
//! views allowed, exactly N claims succeed however many arrive at once.

use coffer_shared::api::ShareState;
use coffer_shared::crypto::envelope::Header;
use coffer_shared::id::{AccountId, ShareId};
use coffer_shared::token::TokenHash;
use redb::{ReadableTable, WriteTransaction};

use super::accounts::{self, read_account};
use super::file_shares::{self, FileClaim, read_share_files};
use super::files::FileRow;
use super::owned_shares::{self, OwnedShare};
use super::schema::{ACCOUNTS, ENVELOPES, EXPIRY, SHARE_FILES, SHARES};
use super::share_record::{Envelope, ShareRecord};
use super::{Db, RedbStore, StoreError};
use crate::audit::record::NewEvent;
use crate::audit::writer::Sink;

/// A share to store, already validated.
#[derive(Debug, Clone)]
pub struct NewShare {
    /// The browser-chosen id.
    pub id: ShareId,
    /// The envelope's header bytes, served with the status.
    pub header: Vec<u8>,
    /// The whole envelope.
    pub envelope: Vec<u8>,
    /// SHA-256 of the access token.
    pub access_hash: [u8; 32],
    /// SHA-256 of the status token.
    pub status_hash: [u8; 32],
    /// SHA-256 of the management token.
    pub manage_hash: [u8; 32],
    /// Creation time, Unix seconds.
    pub created_at: u64,
    /// Expiry time, Unix seconds.
    pub expires_at: u64,
    /// View limit.
    pub max_views: u32,
    /// Wrong claims before the share is destroyed.
    pub max_wrong_claims: u32,
    /// The signed-in account that created it, if any.
    pub owner: Option<AccountId>,
    /// Mail the owner at each view.
    pub read_receipt: bool,
    /// Finished uploads to attach, in order.
    pub files: Vec<FileClaim>,
    /// The creator's sealed label note (b64u of a `share-note` envelope), kept in the owner's
    /// summary.
    pub note: Option<String>,
    /// The creator's sealed link note, kept in the owner's summary until the share ends.
    pub link: Option<String>,
}

/// The result of storing a share.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InsertOutcome {
    /// Stored, with its files attached.
    Inserted,
    /// A share with that id exists; nothing stored.
    IdTaken,
    /// The file at this position of the request cannot be attached; nothing stored.
    InvalidFile(usize),
    /// The caller's signature check refused the share; nothing stored.
    BadSignature,
}

/// What a new share's signature is checked against, read inside the insert's transaction: the
/// owner's identity key and the metadata envelopes of the files being attached, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureContext {
    /// The owner's Ed25519 public key; `None` for an anonymous share (or a vanished account).
    pub owner_public_key: Option<[u8; 32]>,
    /// `(file id, metadata envelope)` of each file, in the request's order.
    pub files: Vec<(String, Vec<u8>)>,
}

/// The account that created a share, as its status names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareOwner {
    /// The owner's normalized address.
    pub email: String,
    /// The owner's Ed25519 identity public key.
    pub public_key: [u8; 32],
}

/// What the status endpoint may tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredStatus {
    /// The envelope's header bytes.
    pub header: Vec<u8>,
    /// Expiry time, Unix seconds.
    pub expires_at: u64,
    /// Views left.
    pub views_left: u32,
    /// View limit.
    pub max_views: u32,
    /// Wrong claims left before the share is destroyed.
    pub wrong_claims_left: u32,
    /// How many files the share holds.
    pub file_count: u32,
    /// Their plaintext total.
    pub file_bytes: u64,
    /// The account that created it, if any.
    pub owner: Option<AccountId>,
    /// The owner's address and key, while the account exists: the status's `signer`.
    pub signer: Option<ShareOwner>,
    /// Whether the management token (the creator's management page) asked, not the status token.
    pub by_manager: bool,
}

/// A share that ended (expired, or destroyed), for the security event log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndedShare {
    /// The share's id.
    pub id: ShareId,
    /// The account that created it, if any.
    pub owner: Option<AccountId>,
}

/// The result of a claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClaimOutcome {
    /// The token matched: here is the envelope; the view was counted.
    Claimed {
        /// The envelope bytes.
        envelope: Vec<u8>,
        /// Views left after this one (0: the share is now deleted).
        views_left: u32,
        /// The owner, when they asked for a read receipt.
        receipt_to: Option<AccountId>,
        /// The share's files, in order; the download token given was stored when non-empty.
        files: Vec<FileRow>,
        /// The account that created it, if any.
        owner: Option<AccountId>,
    },
    /// The token did not match; the wrong claim was counted.
    WrongToken {
        /// Wrong claims left (0: the share is now deleted).
        wrong_claims_left: u32,
        /// The account that created it, if any.
        owner: Option<AccountId>,
    },
    /// The share was past its expiry and is now deleted; answered like [`Self::NotFound`].
    Expired {
        /// The account that created it, if any.
        owner: Option<AccountId>,
    },
    /// No such live share.
    NotFound,
}

fn read_record(txn: &WriteTransaction, id: &str) -> Result<Option<ShareRecord>, StoreError> {
    let shares = txn.open_table(SHARES)?;
    let Some(bytes) = shares.get(id)? else {
        return Ok(None);
    };
    ShareRecord::decode(bytes.value()).map(Some)
}

fn write_record(txn: &WriteTransaction, id: &str, record: &ShareRecord) -> Result<(), StoreError> {
    txn.open_table(SHARES)?.insert(id, record.encode()?.as_slice())?;
    Ok(())
}

/// Removes the share's rows: its record, its expiry entry and, when `apart`, its envelope.
fn delete(txn: &WriteTransaction, id: &str, expires_at: u64, apart: bool) -> Result<(), StoreError> {
    txn.open_table(SHARES)?.remove(id)?;
    txn.open_table(EXPIRY)?.remove((expires_at, id))?;
    if apart {
        txn.open_table(ENVELOPES)?.remove(id)?;
    }
    Ok(())
}

fn is_apart(record: &ShareRecord) -> bool {
    record.envelope == Envelope::Apart
}

/// Deletes a share that ended as `state`, and tells its owner's summary. Its files go too,
/// except after the last view: they wait for the download tokens given out.
fn end(txn: &WriteTransaction, id: &str, record: &ShareRecord, state: ShareState) -> Result<(), StoreError> {
    delete(txn, id, record.expires_at, is_apart(record))?;
    file_shares::on_end(txn, id, state == ShareState::UsedUp)?;
    if let Some(owner) = &record.owner {
        let views_used = record.views_used;
        owned_shares::update(txn, owner, id, |summary| {
            summary.state = state;
            summary.views_used = views_used;
            // The link's key goes with the ciphertext it opens.
            summary.link = None;
        })?;
    }
    Ok(())
}

/// Deletes the share `id` if it is stored (an account's deletion takes its shares along).
pub(super) fn delete_share(txn: &WriteTransaction, id: &str) -> Result<(), StoreError> {
    if let Some(record) = read_record(txn, id)? {
        delete(txn, id, record.expires_at, is_apart(&record))?;
    }
    file_shares::on_end(txn, id, false)
}

impl RedbStore {
    pub(crate) async fn insert_share(
        &self,
        share: NewShare,
        signature_ok: impl Fn(&SignatureContext) -> bool + Send + 'static,
        record: impl Fn(&InsertOutcome) -> Vec<NewEvent> + Send + 'static,
        sink: Sink,
    ) -> Result<InsertOutcome, StoreError> {
        self.write_recorded(move |txn| insert(txn, &share, &signature_ok), record, sink).await
    }

    pub(crate) async fn share_status(
        &self,
        id: ShareId,
        token_hash: TokenHash,
        now: u64,
    ) -> Result<Option<StoredStatus>, StoreError> {
        self.blocking(move |db: &Db| {
            let txn = db.begin_read()?;
            let shares = txn.open_table(SHARES)?;
            let Some(bytes) = shares.get(id.as_str())? else {
                return Ok(None);
            };
            let record = ShareRecord::decode(bytes.value())?;
            // Check both tokens, always, so timing does not tell which one matched.
            let status_ok = TokenHash::from(record.status_hash) == token_hash;
            let manage_ok = TokenHash::from(record.manage_hash) == token_hash;
            if !(record.is_live(now) && (status_ok | manage_ok)) {
                return Ok(None);
            }
            let mut status = record.status();
            status.by_manager = manage_ok && !status_ok;
            if let Some(files) = read_share_files(&txn.open_table(SHARE_FILES)?, id.as_str())? {
                status.file_count = u32::try_from(files.files.len()).unwrap_or(u32::MAX);
                status.file_bytes = files.bytes;
            }
            if let Some(owner) = &record.owner {
                status.signer = read_account(&txn.open_table(ACCOUNTS)?, owner.as_str())?
                    .map(|account| ShareOwner { email: account.email, public_key: account.public_key });
            }
            Ok(Some(status))
        })
        .await
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
        let work =
            move |txn: &WriteTransaction| claim(txn, id.as_str(), &status_hash, &access_hash, download, now);
        self.write_recorded(work, record, sink).await
    }

    pub(crate) async fn destroy_share(
        &self,
        id: ShareId,
        token_hash: TokenHash,
        now: u64,
    ) -> Result<Option<EndedShare>, StoreError> {
        self.blocking(move |db: &Db| {
            let txn = db.begin_write()?;
            let Some(record) = read_record(&txn, id.as_str())? else {
                return Ok(None);
            };
            if !(record.is_live(now) && TokenHash::from(record.manage_hash) == token_hash) {
                return Ok(None);
            }
            end(&txn, id.as_str(), &record, ShareState::Destroyed)?;
            txn.commit()?;
            Ok(Some(EndedShare { id, owner: record.owner }))
        })
        .await
    }

    pub(crate) async fn destroy_owned_share(
        &self,
        owner: AccountId,
        id: ShareId,
        now: u64,
    ) -> Result<bool, StoreError> {
        self.blocking(move |db: &Db| {
            let txn = db.begin_write()?;
            let id = id.as_str();
            let Some(record) = read_record(&txn, id)? else {
                return Ok(false);
            };
            let allowed = record.is_live(now) && record.owner.as_ref() == Some(&owner);
            if allowed {
                end(&txn, id, &record, ShareState::Destroyed)?;
                txn.commit()?;
            }
            Ok(allowed)
        })
        .await
    }

    pub(crate) async fn sweep_expired(&self, now: u64) -> Result<Vec<EndedShare>, StoreError> {
        self.blocking(move |db: &Db| {
            let txn = db.begin_write()?;
            let expired: Vec<(u64, String)> = {
                let expiry = txn.open_table(EXPIRY)?;
                let mut expired = Vec::new();
                for entry in expiry.range((0, "")..=(now, "~"))? {
                    let (key, _) = entry?;
                    let (expires_at, id) = key.value();
                    expired.push((expires_at, id.to_owned()));
                }
                expired
            };
            let mut ended = Vec::new();
            for (expires_at, id) in &expired {
                match read_record(&txn, id)? {
                    Some(record) => {
                        end(&txn, id, &record, ShareState::Expired)?;
                        let id = id.parse().map_err(|_| StoreError::Corrupt(format!("share id {id}")))?;
                        ended.push(EndedShare { id, owner: record.owner });
                    }
                    // An expiry entry whose record is gone: remove whatever else is left.
                    None => delete(&txn, id, *expires_at, true)?,
                }
            }
            txn.commit()?;
            Ok(ended)
        })
        .await
    }

    pub(crate) async fn envelopes_apart(&self) -> Result<u64, StoreError> {
        self.blocking(|db: &Db| {
            use redb::ReadableTableMetadata;
            Ok(db.begin_read()?.open_table(ENVELOPES)?.len()?)
        })
        .await
    }

    pub(crate) async fn ping(&self) -> Result<(), StoreError> {
        self.share_count().await.map(|_| ())
    }

    pub(crate) async fn share_count(&self) -> Result<u64, StoreError> {
        self.blocking(|db: &Db| {
            use redb::ReadableTableMetadata;
            let txn = db.begin_read()?;
            Ok(txn.open_table(SHARES)?.len()?)
        })
        .await
    }
}

/// [`RedbStore::insert_share`] in `txn`: checks, then writes only what is accepted.
fn insert(
    txn: &WriteTransaction,
    share: &NewShare,
    signature_ok: &impl Fn(&SignatureContext) -> bool,
) -> Result<InsertOutcome, StoreError> {
    let id = share.id.as_str();
    // The files of an ended share wait under its id for their download window: the id is
    // still taken, or a new share of that id would hand them out again.
    if read_record(txn, id)?.is_some() || read_share_files(&txn.open_table(SHARE_FILES)?, id)?.is_some() {
        return Ok(InsertOutcome::IdTaken);
    }
    let checked = match file_shares::check_all(txn, &share.files)? {
        Ok(checked) => checked,
        Err(position) => return Ok(InsertOutcome::InvalidFile(position)),
    };
    let metadata = checked.metadata();
    let owner_public_key = match &share.owner {
        Some(owner) => Some(accounts::existing_account(txn, owner.as_str())?.public_key),
        None => None,
    };
    let files = share.files.iter().map(|(file, _)| file.to_string()).zip(metadata).collect();
    if !signature_ok(&SignatureContext { owner_public_key, files }) {
        return Ok(InsertOutcome::BadSignature);
    }
    let (envelope, apart) = Envelope::place(&share.envelope);
    let record = ShareRecord {
        header: share.header.clone(),
        access_hash: share.access_hash,
        status_hash: share.status_hash,
        manage_hash: share.manage_hash,
        created_at: share.created_at,
        expires_at: share.expires_at,
        max_views: share.max_views,
        views_used: 0,
        max_wrong_claims: share.max_wrong_claims,
        wrong_claims: 0,
        owner: share.owner.clone(),
        read_receipt: share.read_receipt && share.owner.is_some(),
        envelope,
    };
    let bytes = record.encode()?;
    // Nothing was written above: a refusal leaves the batch's transaction as it found it.
    file_shares::attach_all(txn, id, checked)?;
    txn.open_table(SHARES)?.insert(id, bytes.as_slice())?;
    if let Some(apart) = apart {
        txn.open_table(ENVELOPES)?.insert(id, apart)?;
    }
    if let Some(owner) = &share.owner {
        let summary = OwnedShare {
            id: share.id.clone(),
            created_at: share.created_at,
            expires_at: share.expires_at,
            max_views: share.max_views,
            views_used: 0,
            state: ShareState::Active,
            read_receipt: record.read_receipt,
            files: u32::try_from(share.files.len()).ok(),
            password: Header::parse(&share.header).ok().map(|(header, _)| header.password.is_some()),
            note: share.note.clone(),
            link: share.link.clone(),
        };
        owned_shares::put(txn, owner, &summary)?;
    }
    txn.open_table(EXPIRY)?.insert((share.expires_at, id), ())?;
    Ok(InsertOutcome::Inserted)
}

/// [`RedbStore::claim_share`] in `txn`. Every answer but `NotFound` is a change to commit (a view,
/// a wrong claim or an ended share); `NotFound` writes nothing.
fn claim(
    txn: &WriteTransaction,
    id: &str,
    status_hash: &TokenHash,
    access_hash: &TokenHash,
    (download_hash, download_until): ([u8; 32], u64),
    now: u64,
) -> Result<ClaimOutcome, StoreError> {
    let Some(mut record) = read_record(txn, id)? else {
        return Ok(ClaimOutcome::NotFound);
    };
    if !record.is_live(now) {
        let state = record.end_state(now);
        end(txn, id, &record, state)?;
        return Ok(match state {
            ShareState::Expired => ClaimOutcome::Expired { owner: record.owner },
            _ => ClaimOutcome::NotFound,
        });
    }
    if TokenHash::from(record.status_hash) != *status_hash {
        return Ok(ClaimOutcome::NotFound);
    }
    let outcome = if TokenHash::from(record.access_hash) == *access_hash {
        let envelope = match &record.envelope {
            Envelope::Inline(bytes) => bytes.clone(),
            Envelope::Apart => txn
                .open_table(ENVELOPES)?
                .get(id)?
                .map(|bytes| bytes.value().to_vec())
                .ok_or_else(|| StoreError::Corrupt(format!("share {id} has no envelope")))?,
        };
        record.views_used += 1;
        let receipt_to = record.owner.clone().filter(|_| record.read_receipt);
        let files = file_shares::on_claim(txn, id, download_hash, download_until)?;
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
        write_record(txn, id, &record)?;
        if let Some(owner) = &record.owner {
            let views_used = record.views_used;
            owned_shares::update(txn, owner, id, |summary| summary.views_used = views_used)?;
        }
    } else {
        end(txn, id, &record, record.end_state(now))?;
    }
    Ok(outcome)
}
