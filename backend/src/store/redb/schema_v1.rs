//! Schema version 1, as far as version 2 changed it, and the upgrade: version 1 kept each share's
//! record as JSON in [`SHARES`] and its envelope in [`ENVELOPES`]; version 2 keeps both in one
//! binary value ([`ShareRecord`]), and only envelopes too large for a record in [`ENVELOPES`].

use coffer_shared::id::AccountId;
use redb::{ReadableTable, ReadableTableMetadata, TableHandle, WriteTransaction};
use serde::Deserialize;

use super::StoreError;
use super::schema::{ENVELOPES, SHARES};
use super::share_record::{Envelope, INLINE_MAX, ShareRecord};

/// Version 1's record: everything but the envelope, as JSON.
#[derive(Deserialize)]
struct RecordV1 {
    header: Vec<u8>,
    access_hash: [u8; 32],
    status_hash: [u8; 32],
    manage_hash: [u8; 32],
    created_at: u64,
    expires_at: u64,
    max_views: u32,
    views_used: u32,
    max_wrong_claims: u32,
    wrong_claims: u32,
    #[serde(default)]
    owner: Option<AccountId>,
    #[serde(default)]
    read_receipt: bool,
}

/// Rewrites every share of a version 1 file as a version 2 record, with its envelope when it is
/// small, and removes those envelopes from [`ENVELOPES`], in `txn` (the caller sets the new
/// version in the same one, so a crash or an error leaves the file at version 1).
pub fn upgrade(txn: &WriteTransaction) -> Result<(), StoreError> {
    let corrupt = |id: &str, what: &str| StoreError::Corrupt(format!("share {id}: {what}"));
    let has_envelopes = txn.list_tables()?.any(|table| table.name() == ENVELOPES.name());
    let mut shares = txn.open_table(SHARES)?;
    if !has_envelopes {
        // Version 1 made both tables at once: records without the other are not its files.
        return if shares.is_empty()? {
            Ok(())
        } else {
            Err(StoreError::Corrupt("no envelope table".into()))
        };
    }
    let mut envelopes = txn.open_table(ENVELOPES)?;
    let total = shares.len()?;
    tracing::info!(event = "schema_upgrade_started", from = 1, to = 2, shares = total);
    let mut moved = 0u64;
    for entry in envelopes.iter()? {
        let (id, envelope) = entry?;
        let id = id.value();
        let old: RecordV1 = {
            let old = shares.get(id)?.ok_or_else(|| corrupt(id, "an envelope without a record"))?;
            serde_json::from_slice(old.value()).map_err(|error| corrupt(id, &error.to_string()))?
        };
        let record = ShareRecord {
            header: old.header,
            access_hash: old.access_hash,
            status_hash: old.status_hash,
            manage_hash: old.manage_hash,
            created_at: old.created_at,
            expires_at: old.expires_at,
            max_views: old.max_views,
            views_used: old.views_used,
            max_wrong_claims: old.max_wrong_claims,
            wrong_claims: old.wrong_claims,
            owner: old.owner,
            read_receipt: old.read_receipt,
            envelope: Envelope::place(envelope.value()).0,
        };
        shares.insert(id, record.encode()?.as_slice())?;
        moved += 1;
    }
    if total != moved {
        return Err(StoreError::Corrupt(format!("{total} share records but {moved} envelopes")));
    }
    envelopes.retain(|_, envelope| envelope.len() > INLINE_MAX)?;
    tracing::info!(event = "schema_upgraded", from = 1, to = 2, shares = moved, apart = envelopes.len()?);
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

    use redb::Database;

    use super::*;
    use crate::store::redb::schema::{EXPIRY, META, SCHEMA_VERSION, initialise};

    const IDS: [&str; 3] = ["AAAAAAAAAAAAAAAAAAAAAA", "BBBBBBBBBBBBBBBBBBBBBA", "CCCCCCCCCCCCCCCCCCCCCA"];

    /// A version 1 file as a build of that version left it: three shares (the second owned, the
    /// third with an envelope too large for a record), their envelopes apart, and their expiry
    /// entries.
    fn version_1_file(path: &std::path::Path) -> Vec<Vec<u8>> {
        let db = Database::create(path).unwrap();
        let txn = db.begin_write().unwrap();
        let envelopes = vec![vec![1, 2, 3], vec![9; 300], vec![4; INLINE_MAX + 1]];
        {
            txn.open_table(META).unwrap().insert("schema_version", 1).unwrap();
            let mut records = txn.open_table(SHARES).unwrap();
            let mut apart = txn.open_table(ENVELOPES).unwrap();
            let mut expiry = txn.open_table(EXPIRY).unwrap();
            let owner = AccountId::from_bytes([5; 16]);
            for (index, (id, envelope)) in IDS.iter().zip(&envelopes).enumerate() {
                let owner = match index {
                    1 => format!(r#","owner":"{}","read_receipt":true"#, owner.as_str()),
                    _ => String::new(),
                };
                let json = format!(
                    r#"{{"header":[1,2],"access_hash":{a:?},"status_hash":{s:?},"manage_hash":{m:?},"created_at":10,"expires_at":{e},"max_views":3,"views_used":1,"max_wrong_claims":10,"wrong_claims":2{owner}}}"#,
                    a = [1u8; 32],
                    s = [2u8; 32],
                    m = [3u8; 32],
                    e = 20 + index,
                );
                records.insert(id, json.as_bytes()).unwrap();
                apart.insert(id, envelope.as_slice()).unwrap();
                expiry.insert((20 + index as u64, *id), ()).unwrap();
            }
        }
        txn.commit().unwrap();
        envelopes
    }

    fn schema_version(db: &Database) -> u64 {
        db.begin_read().unwrap().open_table(META).unwrap().get("schema_version").unwrap().unwrap().value()
    }

    #[test]
    fn a_version_1_file_is_upgraded_once_with_small_envelopes_in_their_records() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("coffer.redb");
        let envelopes = version_1_file(&path);
        let db = Database::open(&path).unwrap();
        initialise(&db).unwrap();
        initialise(&db).unwrap(); // a second start finds version 2 and changes nothing
        assert_eq!(schema_version(&db), SCHEMA_VERSION);
        let txn = db.begin_read().unwrap();
        let records = txn.open_table(SHARES).unwrap();
        let apart = txn.open_table(ENVELOPES).unwrap();
        assert_eq!(records.len().unwrap(), 3);
        assert_eq!(apart.len().unwrap(), 1, "only the large envelope stays apart");
        assert_eq!(apart.get(IDS[2]).unwrap().unwrap().value(), envelopes[2].as_slice());
        assert_eq!(txn.open_table(EXPIRY).unwrap().len().unwrap(), 3, "the expiry index is untouched");
        for (index, id) in IDS.iter().enumerate() {
            let record = ShareRecord::decode(records.get(id).unwrap().unwrap().value()).unwrap();
            let owned = index == 1;
            let expected = ShareRecord {
                header: vec![1, 2],
                access_hash: [1; 32],
                status_hash: [2; 32],
                manage_hash: [3; 32],
                created_at: 10,
                expires_at: 20 + index as u64,
                max_views: 3,
                views_used: 1,
                max_wrong_claims: 10,
                wrong_claims: 2,
                owner: owned.then(|| AccountId::from_bytes([5; 16])),
                read_receipt: owned,
                envelope: match index {
                    2 => Envelope::Apart,
                    _ => Envelope::Inline(envelopes[index].clone()),
                },
            };
            assert_eq!(record, expected, "share {index}");
        }
    }

    #[test]
    fn a_version_1_record_without_its_envelope_stops_the_upgrade_and_leaves_the_file_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("coffer.redb");
        version_1_file(&path);
        let db = Database::open(&path).unwrap();
        let txn = db.begin_write().unwrap();
        txn.open_table(ENVELOPES).unwrap().remove(IDS[0]).unwrap();
        txn.commit().unwrap();
        assert!(matches!(initialise(&db), Err(StoreError::Corrupt(_))));
        assert_eq!(schema_version(&db), 1);
        let txn = db.begin_read().unwrap();
        assert_eq!(txn.open_table(ENVELOPES).unwrap().len().unwrap(), 2);
        let first = txn.open_table(SHARES).unwrap().get(IDS[1]).unwrap().unwrap().value().to_vec();
        assert_eq!(first.first(), Some(&b'{'), "records are still version 1's");
    }

    #[test]
    fn a_file_of_a_newer_version_is_refused_and_left_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::create(dir.path().join("coffer.redb")).unwrap();
        let txn = db.begin_write().unwrap();
        txn.open_table(META).unwrap().insert("schema_version", SCHEMA_VERSION + 1).unwrap();
        txn.commit().unwrap();
        let refused = initialise(&db);
        assert!(
            matches!(refused, Err(StoreError::SchemaVersion { found, expected: SCHEMA_VERSION }) if found == SCHEMA_VERSION + 1)
        );
        assert_eq!(schema_version(&db), SCHEMA_VERSION + 1);
        assert!(db.begin_read().unwrap().open_table(SHARES).is_err(), "nothing was created");
    }
}
