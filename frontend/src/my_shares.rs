//! "My shares" in the browser: each summary the server keeps, with its note (label and link)
//! opened with the vault key (docs/accounts.md, "Share notes"), and the words and filters of
//! the page.

use std::collections::HashMap;
use std::fmt;

use coffer_shared::api::{MyShare, ShareState};
use coffer_shared::b64;
use coffer_shared::crypto::Key32;
use coffer_shared::crypto::envelope::Envelope;
use coffer_shared::crypto::share_note::{ShareNote, open_note};
use coffer_shared::id::ShareId;
use zeroize::Zeroizing;

use crate::session::Session;
use crate::{format, link};

/// One share as the page shows it. `Debug` leaves the link out: it holds the share's key.
#[derive(Clone, PartialEq, Eq)]
pub struct Listed {
    /// The server's summary.
    pub share: MyShare,
    /// The creator's label; empty when there is none or the note did not open.
    pub label: String,
    /// How many files it holds: as the creator's browser sealed it, else as the server says.
    pub files: Option<u32>,
    /// Whether it asks for a password: as sealed, else as the server says.
    pub password: Option<bool>,
    /// The reader's link, while the share can still be opened and only if it is this origin's
    /// link for this share. Wiped on drop.
    pub link: Option<Zeroizing<String>>,
}

impl fmt::Debug for Listed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Listed")
            .field("share", &self.share.id)
            .field("has_link", &self.link.is_some())
            .finish_non_exhaustive()
    }
}

/// Opens the b64u `note` of share `id`; `None` when it is missing, damaged or sealed under
/// another key.
fn open(vault_key: &Key32, id: &ShareId, note: Option<&str>) -> Option<ShareNote> {
    let envelope = Envelope::parse(&b64::decode(note?).ok()?).ok()?;
    open_note(vault_key, id, &envelope).ok()
}

/// Opens the notes of `shares` with the unlocked vault key: the label note, and the link note
/// of a live share.
pub fn open_all(session: Session, shares: Vec<MyShare>) -> Vec<Listed> {
    let origin = link::origin();
    session
        .with_unlocked(|unlocked| {
            shares
                .into_iter()
                .map(|share| {
                    let about = open(&unlocked.vault_key, &share.id, share.note.as_deref());
                    let link = (share.state == ShareState::Active)
                        .then(|| open(&unlocked.vault_key, &share.id, share.link.as_deref()))
                        .flatten()
                        .and_then(|note| {
                            note.link_for(&origin, &share.id).map(|link| Zeroizing::new(link.to_owned()))
                        });
                    Listed {
                        label: about.as_ref().map(|note| note.label.clone()).unwrap_or_default(),
                        files: about.as_ref().and_then(|note| note.files).or(share.files),
                        password: about.as_ref().and_then(|note| note.password).or(share.password),
                        link,
                        share,
                    }
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The labels of `shares` by share id, for naming them elsewhere (the links are not opened).
pub fn labels(session: Session, shares: &[MyShare]) -> HashMap<String, String> {
    session
        .with_unlocked(|unlocked| {
            shares
                .iter()
                .filter_map(|share| {
                    let note = open(&unlocked.vault_key, &share.id, share.note.as_deref())?;
                    Some((share.id.to_string(), note.label.clone()))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Which shares the page lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateFilter {
    /// Every share.
    All,
    /// Those that can still be opened.
    Active,
    /// Expired, used up or destroyed.
    Ended,
}

impl StateFilter {
    /// Every filter, in the page's order.
    pub const ALL: [StateFilter; 3] = [StateFilter::All, StateFilter::Active, StateFilter::Ended];

    /// Whether a share in `state` is listed.
    pub fn keeps(self, state: ShareState) -> bool {
        match self {
            StateFilter::All => true,
            StateFilter::Active => state == ShareState::Active,
            StateFilter::Ended => state != ShareState::Active,
        }
    }

    /// The chip's text.
    pub fn label(self) -> &'static str {
        match self {
            StateFilter::All => "All",
            StateFilter::Active => "Active",
            StateFilter::Ended => "Ended",
        }
    }

    /// The chip's `data-testid` suffix.
    pub fn slug(self) -> &'static str {
        match self {
            StateFilter::All => "all",
            StateFilter::Active => "active",
            StateFilter::Ended => "ended",
        }
    }
}

/// Whether `listed` matches the search `query` (its label or the start of its id).
pub fn matches(listed: &Listed, query: &str) -> bool {
    let query = query.trim().to_lowercase();
    query.is_empty()
        || listed.label.to_lowercase().contains(&query)
        || listed.share.id.as_str().to_lowercase().starts_with(&query)
}

/// What the share holds: "Text", "1 file", "3 files"; `None` when nobody kept it.
pub fn kind_text(files: Option<u32>) -> Option<String> {
    files.map(|files| match files {
        0 => "Text".to_owned(),
        n => format::plural(u64::from(n), "file"),
    })
}

/// How the share stands in words: until when an active one lasts, and how an ended one ended
/// (never a date that has not happened).
pub fn standing(share: &MyShare) -> String {
    match share.state {
        ShareState::Active => format!("Expires {}", format::local_date_time(share.expires_at)),
        ShareState::Expired => format!("Expired {}", format::local_date_time(share.expires_at)),
        ShareState::UsedUp => format!("Used up: opened {}", format::times(share.views_used)),
        ShareState::Destroyed => "Destroyed before it expired".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use coffer_shared::id::ShareId;

    use super::*;

    fn share(state: ShareState, files: Option<u32>) -> MyShare {
        MyShare {
            id: ShareId::random(),
            created_at: 100,
            expires_at: 200,
            max_views: 2,
            views_used: 2,
            state,
            read_receipt: false,
            files,
            password: Some(false),
            note: None,
            link: None,
        }
    }

    #[test]
    fn used_up_and_destroyed_shares_say_how_they_ended_without_a_date() {
        assert_eq!(standing(&share(ShareState::UsedUp, None)), "Used up: opened twice");
        assert_eq!(standing(&share(ShareState::Destroyed, None)), "Destroyed before it expired");
    }

    #[test]
    fn filters_split_active_from_ended() {
        assert!(StateFilter::Active.keeps(ShareState::Active));
        assert!(!StateFilter::Active.keeps(ShareState::Expired));
        for state in [ShareState::Expired, ShareState::UsedUp, ShareState::Destroyed] {
            assert!(StateFilter::Ended.keeps(state) && StateFilter::All.keeps(state));
        }
    }

    #[test]
    fn the_kind_is_text_or_a_count_of_files_and_unknown_for_old_summaries() {
        assert_eq!(kind_text(Some(0)).as_deref(), Some("Text"));
        assert_eq!(kind_text(Some(3)).as_deref(), Some("3 files"));
        assert_eq!(kind_text(None), None);
    }
}
