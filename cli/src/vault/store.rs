//! The vault on the server (docs/api.md, "Vault"): every page of records, opened with the vault
//! key, and records sealed here and stored under the revision protocol (docs/accounts.md,
//! "Vault records"). Only envelopes travel.

use coffer_shared::api::ErrorCode;
use coffer_shared::api::paths;
use coffer_shared::api::{CreateRecordRequest, RecordPage, StoredRecord, UpdateRecordRequest};
use coffer_shared::b64;
use coffer_shared::crypto::envelope::Envelope;
use coffer_shared::crypto::vault::{VaultRecord, open_record, seal_record};
use coffer_shared::id::RecordId;

use crate::account::{Session, current};
use crate::exit::{Failure, Kind, Outcome};
use crate::http::Client;

/// Listings made before settling for one during which the vault changed (as the browser).
const LISTINGS: usize = 3;

/// A record opened with the vault key.
#[derive(Debug)]
pub struct Entry {
    /// Its id.
    pub id: RecordId,
    /// The revision it was read at (an edit names it).
    pub revision: u64,
    /// Unix seconds of its latest edit.
    pub updated_at: u64,
    /// Its plaintext, wiped on drop.
    pub record: VaultRecord,
}

/// More pages than the largest vault fills (every page holds at least one record).
const MAX_PAGES: usize = coffer_shared::api::MAX_RECORDS + 1;

/// Every page of the vault and whether they form a snapshot (one `version` on all of them).
async fn pages(client: &Client) -> Outcome<(Vec<RecordPage>, bool)> {
    let mut pages: Vec<RecordPage> = Vec::new();
    loop {
        let path = match pages.last().and_then(|page| page.next.as_ref()) {
            None => paths::VAULT_RECORDS.to_owned(),
            // A record id: base64url, nothing to escape.
            Some(after) => format!("{}?after={after}", paths::VAULT_RECORDS),
        };
        let page: RecordPage = client.get(&path).await.map_err(current::failure)?;
        let done = page.next.is_none();
        pages.push(page);
        // A server cannot keep the client paging forever.
        if pages.len() > MAX_PAGES {
            return Err(Failure::new(
                Kind::Network,
                "The server keeps sending more vault pages than a vault can hold.",
            ));
        }
        if done {
            let snapshot = pages.iter().all(|page| page.version == pages[0].version);
            return Ok((pages, snapshot));
        }
    }
}

/// Opens one stored record; `None` if it does not open with this vault key.
pub fn open(session: &Session, stored: &StoredRecord) -> Option<Entry> {
    let envelope = Envelope::parse(&b64::decode(&stored.envelope).ok()?).ok()?;
    let record = open_record(&session.vault_key, &stored.id, &envelope).ok()?;
    Some(Entry { id: stored.id.clone(), revision: stored.revision, updated_at: stored.updated_at, record })
}

/// Every record, opened, sorted by name, each id once at its highest revision; and how many did
/// not open.
pub async fn load(session: &Session, client: &Client) -> Outcome<(Vec<Entry>, usize)> {
    let (mut listing, mut snapshot) = pages(client).await?;
    let mut listings = 1;
    while !snapshot && listings < LISTINGS {
        (listing, snapshot) = pages(client).await?;
        listings += 1;
    }
    let mut records: Vec<StoredRecord> = listing.into_iter().flat_map(|page| page.records).collect();
    records.sort_by(|a, b| a.id.as_str().cmp(b.id.as_str()).then(b.revision.cmp(&a.revision)));
    records.dedup_by(|later, kept| later.id == kept.id);
    let total = records.len();
    let mut entries: Vec<Entry> = records.iter().filter_map(|stored| open(session, stored)).collect();
    entries.sort_by_key(|entry| entry.record.name.to_lowercase());
    let failed = total - entries.len();
    Ok((entries, failed))
}

/// Seals `record` under a fresh id and creates it.
pub async fn create(session: &Session, client: &Client, record: &VaultRecord) -> Outcome<StoredRecord> {
    let id = RecordId::random();
    let envelope = b64::encode(seal_record(&session.vault_key, &id, record));
    let request = CreateRecordRequest { id, envelope };
    client.post(paths::VAULT_RECORDS, &request).await.map_err(current::failure)
}

/// Seals `record` and stores it as the edit of `revision`. Another stored revision is refused
/// with exit code 7, naming it: nothing is saved.
pub async fn update(
    session: &Session,
    client: &Client,
    id: &RecordId,
    revision: u64,
    record: &VaultRecord,
) -> Outcome<StoredRecord> {
    let envelope = b64::encode(seal_record(&session.vault_key, id, record));
    let request = UpdateRecordRequest { revision, envelope };
    client.put(&paths::vault_record(id), &request).await.map_err(|error| match error.code() {
        ErrorCode::Conflict => Failure::new(
            Kind::Refused,
            "The record was changed elsewhere since it was read; nothing was saved. Run the command \
             again to apply your change to the new revision.",
        ),
        _ => current::failure(error),
    })
}

/// Deletes a record.
pub async fn delete(client: &Client, id: &RecordId) -> Outcome {
    client.delete(&paths::vault_record(id)).await.map_err(current::failure)
}
