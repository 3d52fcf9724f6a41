//! The vault operations the pages run, gluing `coffer_shared::crypto::vault` to the
//! [`api::vault`] client: load every page and open every record, seal and save one, delete
//! one, and the search over decrypted records.
//!
//! Only envelopes leave the browser; record plaintext is sealed before any request is made.
//!
//! - [`card_brand`]: a card's network from its number's prefix.
//! - [`edit`]: what a save does to the draft.
//! - [`folders`]: folder counts, the folder filter and the list's order.
//! - [`history`]: a login's password history on edit.

pub mod card_brand;
pub mod edit;
pub mod folders;
pub mod history;

use std::collections::BTreeMap;

use coffer_shared::api::{CreateRecordRequest, RecordPage, StoredRecord, UpdateRecordRequest};
use coffer_shared::b64;
use coffer_shared::crypto::envelope::Envelope;
use coffer_shared::crypto::vault::{RecordFields, VaultRecord, open_record, seal_record};
use coffer_shared::id::RecordId;
use leptos::prelude::Update;

use crate::api::{self, ApiError};
use crate::perf;
use crate::session::Session;

/// A decrypted record with its server metadata. The plaintext zeroizes on drop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The record's id.
    pub id: RecordId,
    /// The stored revision this plaintext came from.
    pub revision: u64,
    /// Unix seconds.
    pub created_at: u64,
    /// Unix seconds.
    pub updated_at: u64,
    /// The plaintext.
    pub record: VaultRecord,
}

/// A record's type, for icons, chips and the "New" chooser.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecordType {
    /// A login.
    Login,
    /// A payment card.
    Card,
    /// Identity details.
    Identity,
    /// A secure note.
    Note,
}

impl RecordType {
    /// Every type, in the order chips show them.
    pub const ALL: [RecordType; 4] =
        [RecordType::Login, RecordType::Card, RecordType::Identity, RecordType::Note];

    /// The type of a record's fields.
    pub fn of(fields: &RecordFields) -> Self {
        match fields {
            RecordFields::Login { .. } => RecordType::Login,
            RecordFields::Card { .. } => RecordType::Card,
            RecordFields::Identity { .. } => RecordType::Identity,
            RecordFields::Note => RecordType::Note,
        }
    }

    /// The `type` member, also used in URLs (`/vault/new/login`).
    pub fn slug(self) -> &'static str {
        match self {
            RecordType::Login => "login",
            RecordType::Card => "card",
            RecordType::Identity => "identity",
            RecordType::Note => "note",
        }
    }

    /// The type of a slug.
    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.slug() == slug)
    }

    /// A word for people.
    pub fn label(self) -> &'static str {
        match self {
            RecordType::Login => "Login",
            RecordType::Card => "Card",
            RecordType::Identity => "Identity",
            RecordType::Note => "Note",
        }
    }

    /// A one-letter badge, styled per type (`.type-badge.kind-login` …): plain text, so it shows
    /// without an emoji font and needs no image.
    pub fn icon(self) -> &'static str {
        match self {
            RecordType::Login => "L",
            RecordType::Card => "C",
            RecordType::Identity => "I",
            RecordType::Note => "N",
        }
    }

    /// Empty fields of this type.
    pub fn empty_fields(self) -> RecordFields {
        match self {
            RecordType::Login => RecordFields::Login {
                username: String::new(),
                password: String::new(),
                urls: Vec::new(),
                url: String::new(),
                totp: String::new(),
                password_history: Vec::new(),
            },
            RecordType::Card => RecordFields::Card {
                holder: String::new(),
                number: String::new(),
                expiry: String::new(),
                cvv: String::new(),
            },
            RecordType::Identity => RecordFields::Identity {
                full_name: String::new(),
                email: String::new(),
                company: String::new(),
                birth_date: String::new(),
                phone: String::new(),
                address: String::new(),
                documents: Vec::new(),
            },
            RecordType::Note => RecordFields::Note,
        }
    }
}

/// The line under a record's name in the list: its user name, card ending, holder, or the
/// start of a note. Never a password, full number or CVV.
pub fn subtitle(record: &VaultRecord) -> String {
    match &record.fields {
        RecordFields::Login { username, urls, .. } => {
            if username.is_empty() {
                urls.first().cloned().unwrap_or_default()
            } else {
                username.clone()
            }
        }
        RecordFields::Card { holder, number, .. } => {
            let ending = card_ending(number);
            let card = match (card_brand::brand(number), ending.is_empty()) {
                (_, true) => String::new(),
                (Some(brand), false) => format!("{brand} •••• {ending}"),
                (None, false) => format!("•••• {ending}"),
            };
            match (holder.is_empty(), card.is_empty()) {
                (_, true) => holder.clone(),
                (true, false) => card,
                (false, false) => format!("{holder} · {card}"),
            }
        }
        RecordFields::Identity { full_name, .. } => full_name.clone(),
        RecordFields::Note if record.sensitive => String::new(),
        RecordFields::Note => record.notes.lines().next().unwrap_or_default().chars().take(60).collect(),
    }
}

/// The last four digits of a card number (fewer if it has fewer).
pub fn card_ending(number: &str) -> String {
    let digits: String = number.chars().filter(char::is_ascii_digit).collect();
    digits.get(digits.len().saturating_sub(4)..).unwrap_or_default().to_string()
}

/// Whether `record` matches every word of `query` (case-insensitive) in its name, user name,
/// URLs, notes, folder, holder, a card's last four digits and brand, full name, e-mail, phone, company,
/// address, document labels or the names of its custom fields. Secrets (passwords, whole card
/// numbers, CVVs, field values) are not searched, so typing one does not find it.
pub fn matches(record: &VaultRecord, query: &str) -> bool {
    let mut haystack = format!("{}\n{}\n{}", record.name, record.notes, record.folder);
    for field in &record.custom_fields {
        haystack.push('\n');
        haystack.push_str(&field.name);
    }
    match &record.fields {
        RecordFields::Login { username, urls, .. } => {
            haystack.push_str(&format!("\n{username}\n{}", urls.join("\n")));
        }
        RecordFields::Card { holder, expiry, number, .. } => {
            let brand = card_brand::brand(number).unwrap_or_default();
            haystack.push_str(&format!("\n{holder}\n{expiry}\n{}\n{brand}", card_ending(number)))
        }
        RecordFields::Identity { full_name, email, phone, birth_date, company, address, documents } => {
            haystack
                .push_str(&format!("\n{full_name}\n{email}\n{birth_date}\n{phone}\n{company}\n{address}"));
            for document in documents {
                haystack.push('\n');
                haystack.push_str(&document.label);
            }
        }
        RecordFields::Note => {}
    }
    let haystack = haystack.to_lowercase();
    query.to_lowercase().split_whitespace().all(|word| haystack.contains(word))
}

/// Listings [`load`] makes before it settles for one during which the vault changed.
const LISTINGS: usize = 3;

/// Every page of the vault, following `next`, and whether they form a snapshot (one `version`
/// on every page: nothing was created, edited or deleted while they were read).
async fn list_pages() -> Result<(Vec<RecordPage>, bool), ApiError> {
    let mut pages: Vec<RecordPage> = Vec::new();
    loop {
        let after = pages.last().and_then(|page| page.next.as_ref());
        let page = api::vault::records_page(after).await?;
        let done = page.next.is_none();
        pages.push(page);
        if done {
            let snapshot = pages.iter().all(|page| page.version == pages[0].version);
            return Ok((pages, snapshot));
        }
    }
}

/// The records of a listing's pages, each id once at its highest revision. Pages come in id
/// order, so an id repeats only if the server broke that order; the rule keeps the newest.
pub fn records_of(pages: Vec<RecordPage>) -> Vec<StoredRecord> {
    let mut records: Vec<StoredRecord> = pages.into_iter().flat_map(|page| page.records).collect();
    records.sort_by(|a, b| a.id.as_str().cmp(b.id.as_str()).then(b.revision.cmp(&a.revision)));
    records.dedup_by(|later, kept| later.id == kept.id);
    records
}

/// Loads every page of the vault and opens every record with the vault key. A listing during
/// which the vault changed (another browser saved) is made again, up to [`LISTINGS`] times;
/// records that existed throughout are in every listing exactly once. Answers the entries
/// (sorted by name) and how many could not be opened.
///
/// Measured as [`perf::VAULT_LOAD`] (fetch and decrypt) and [`perf::VAULT_DECRYPT`].
pub async fn load(session: Session) -> Result<(Vec<Entry>, usize), ApiError> {
    let whole = perf::Span::start(perf::VAULT_LOAD);
    let mut listings = 1;
    let (mut pages, mut snapshot) = list_pages().await?;
    while !snapshot && listings < LISTINGS {
        (pages, snapshot) = list_pages().await?;
        listings += 1;
    }
    let records = records_of(pages);
    let decrypt = perf::Span::start(perf::VAULT_DECRYPT);
    let mut entries = Vec::with_capacity(records.len());
    let mut failed = 0;
    for stored in records {
        match open(session, &stored) {
            Some(entry) => entries.push(entry),
            None => failed += 1,
        }
    }
    entries.sort_by_key(|entry| entry.record.name.to_lowercase());
    decrypt.end();
    whole.end();
    Ok((entries, failed))
}

/// The list to show after a load: the `loaded` entries, except that an entry of `current`
/// (what the page held while loading) with a higher revision wins, as it was saved here after
/// the listing read it.
pub fn reconcile(current: Option<Vec<Entry>>, loaded: Vec<Entry>) -> Vec<Entry> {
    let mut newer: BTreeMap<RecordId, Entry> =
        current.unwrap_or_default().into_iter().map(|entry| (entry.id.clone(), entry)).collect();
    let mut entries: Vec<Entry> = loaded
        .into_iter()
        .map(|entry| match newer.remove(&entry.id) {
            Some(mine) if mine.revision > entry.revision => mine,
            _ => entry,
        })
        .collect();
    entries.sort_by_key(|entry| entry.record.name.to_lowercase());
    entries
}

/// Opens one stored record; `None` if it does not open (or the session is locked).
pub fn open(session: Session, stored: &StoredRecord) -> Option<Entry> {
    let envelope = Envelope::parse(&b64::decode(&stored.envelope).ok()?).ok()?;
    let record =
        session.with_unlocked(|unlocked| open_record(&unlocked.vault_key, &stored.id, &envelope))?.ok()?;
    Some(Entry {
        id: stored.id.clone(),
        revision: stored.revision,
        created_at: stored.created_at,
        updated_at: stored.updated_at,
        record,
    })
}

/// Why saving failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveError {
    /// Someone saved another revision first; this is the stored one, opened.
    Conflict(Box<Entry>),
    /// The session is locked or ended.
    Locked,
    /// The server refused or could not be reached.
    Api(ApiError),
}

/// Seals `record` and stores it: a new record when `base` is `None`, else an edit of the revision
/// `base` names. Answers the stored entry.
pub async fn save(
    session: Session,
    base: Option<(RecordId, u64)>,
    record: VaultRecord,
) -> Result<Entry, SaveError> {
    let csrf = session.csrf().ok_or(SaveError::Locked)?;
    let id = base.as_ref().map(|(id, _)| id.clone()).unwrap_or_else(RecordId::random);
    let sealed = session
        .with_unlocked(|unlocked| seal_record(&unlocked.vault_key, &id, &record))
        .ok_or(SaveError::Locked)?;
    let envelope = b64::encode(&sealed);
    let result = match base {
        None => api::vault::create(&csrf, &CreateRecordRequest { id: id.clone(), envelope }).await,
        Some((_, revision)) => {
            api::vault::update(&csrf, &id, &UpdateRecordRequest { revision, envelope }).await
        }
    };
    match result {
        Ok(stored) => Ok(Entry {
            id: stored.id,
            revision: stored.revision,
            created_at: stored.created_at,
            updated_at: stored.updated_at,
            record,
        }),
        Err(error) => match error.conflict().and_then(|current| open(session, current)) {
            Some(current) => Err(SaveError::Conflict(Box::new(current))),
            None => {
                session.check_ended(&error);
                Err(SaveError::Api(error))
            }
        },
    }
}

/// The current Unix time in seconds, from the browser's clock.
pub fn now() -> u64 {
    (js_sys::Date::now() / 1000.0) as u64
}

/// Replaces (or adds) `entry` in the session's decrypted list.
pub fn remember(session: Session, entry: Entry) {
    session.records.update(|records| {
        if let Some(records) = records {
            records.retain(|existing| existing.id != entry.id);
            records.push(entry);
            records.sort_by_key(|entry| entry.record.name.to_lowercase());
        }
    });
}

/// Deletes a record on the server and from the list.
pub async fn delete(session: Session, id: &RecordId) -> Result<(), ApiError> {
    let csrf = session.csrf().ok_or(ApiError::Encode)?;
    if let Err(error) = api::vault::delete(&csrf, id).await {
        session.check_ended(&error);
        return Err(error);
    }
    session.records.update(|records| {
        if let Some(records) = records {
            records.retain(|entry| &entry.id != id);
        }
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn login() -> VaultRecord {
        let mut record = VaultRecord::new(RecordFields::Login {
            username: "alice".into(),
            password: "hunter2".into(),
            urls: vec!["https://bank.example".into()],
            url: String::new(),
            totp: String::new(),
            password_history: Vec::new(),
        });
        record.name = "Bank".into();
        record
    }

    fn stored(byte: u8, revision: u64) -> StoredRecord {
        StoredRecord {
            id: RecordId::from_bytes([byte; 16]),
            revision,
            created_at: 1,
            updated_at: 1,
            envelope: String::new(),
        }
    }

    fn entry(byte: u8, revision: u64, name: &str) -> Entry {
        let mut record = login();
        record.name = name.into();
        Entry { id: RecordId::from_bytes([byte; 16]), revision, created_at: 1, updated_at: 1, record }
    }

    #[test]
    fn a_listing_holds_each_record_once_at_its_highest_revision() {
        let page = |records, next: Option<u8>| RecordPage {
            records,
            next: next.map(|byte| RecordId::from_bytes([byte; 16])),
            version: 1,
        };
        let pages = vec![
            page(vec![stored(1, 1), stored(2, 1)], Some(2)),
            page(vec![stored(2, 3), stored(3, 1)], None),
        ];
        let listed: Vec<(RecordId, u64)> =
            records_of(pages).into_iter().map(|record| (record.id, record.revision)).collect();
        let id = |byte| RecordId::from_bytes([byte; 16]);
        assert_eq!(listed, vec![(id(1), 1), (id(2), 3), (id(3), 1)]);
    }

    #[test]
    fn a_load_keeps_an_edit_saved_here_meanwhile_and_drops_what_the_server_no_longer_has() {
        let current = vec![entry(1, 4, "mine"), entry(2, 1, "old"), entry(9, 1, "deleted elsewhere")];
        let loaded = vec![entry(1, 3, "listed"), entry(2, 2, "theirs"), entry(3, 1, "new")];
        let names: Vec<String> =
            reconcile(Some(current), loaded).iter().map(|entry| entry.record.name.clone()).collect();
        assert_eq!(names, ["mine", "new", "theirs"]);
    }

    #[test]
    fn search_finds_every_word_but_never_the_password() {
        assert!(matches(&login(), "bank ALICE"));
        assert!(matches(&login(), ""));
        assert!(!matches(&login(), "hunter2"));
        assert!(!matches(&login(), "bank bob"));
    }

    #[test]
    fn a_card_subtitle_shows_only_the_last_four_digits() {
        let card = VaultRecord::new(RecordFields::Card {
            holder: "A B".into(),
            number: "4111 1111 1111 1234".into(),
            expiry: "04/29".into(),
            cvv: "123".into(),
        });
        assert_eq!(subtitle(&card), "A B · Visa •••• 1234");
        assert!(matches(&card, "visa"), "found by its brand");
        assert!(matches(&card, "1234"), "found by its last four digits");
        assert!(!matches(&card, "4111"), "but not by the rest of its number");
    }
}
