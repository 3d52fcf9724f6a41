//! Folders and favourites of the vault list (docs/accounts.md, "Vault records": a folder is
//! nothing but the `folder` name its records carry).

use std::collections::BTreeMap;

use super::Entry;

/// Which records the list shows, besides the type filter and the search.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum FolderFilter {
    /// Every record.
    #[default]
    All,
    /// Only favourites.
    Favorites,
    /// Only records without a folder.
    NoFolder,
    /// Only the records of this folder.
    Named(String),
}

impl FolderFilter {
    /// Whether the filter keeps a record filed in `folder`, favourite or not.
    pub fn keeps(&self, folder: &str, favorite: bool) -> bool {
        match self {
            FolderFilter::All => true,
            FolderFilter::Favorites => favorite,
            FolderFilter::NoFolder => folder.trim().is_empty(),
            FolderFilter::Named(name) => folder.trim() == name,
        }
    }
}

/// What the folder list shows: every folder's name with its number of records (by name,
/// case-insensitively), how many have no folder, and how many are favourites.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FolderCounts {
    /// `(name, records)`, sorted by name.
    pub folders: Vec<(String, usize)>,
    /// Records without a folder.
    pub none: usize,
    /// Favourite records.
    pub favorites: usize,
}

/// Counts the folders and favourites of `entries`. Names are trimmed.
pub fn count<'a>(entries: impl IntoIterator<Item = &'a Entry>) -> FolderCounts {
    let mut folders: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut counts = FolderCounts::default();
    for entry in entries {
        let name = entry.record.folder.trim();
        if name.is_empty() {
            counts.none += 1;
        } else {
            *folders.entry((name.to_lowercase(), name.to_owned())).or_default() += 1;
        }
        counts.favorites += usize::from(entry.record.favorite);
    }
    counts.folders = folders.into_iter().map(|((_, name), records)| (name, records)).collect();
    counts
}

/// Sorts entries for the list: favourites first, then by name (case-insensitively).
pub fn sort(entries: &mut [&Entry]) {
    entries.sort_by_cached_key(|entry| (!entry.record.favorite, entry.record.name.to_lowercase()));
}

#[cfg(test)]
mod tests {
    use coffer_shared::crypto::vault::VaultRecord;
    use coffer_shared::id::RecordId;

    use super::*;
    use crate::vault::RecordType;

    fn entry(byte: u8, name: &str, folder: &str, favorite: bool) -> Entry {
        let mut record = VaultRecord::new(RecordType::Note.empty_fields());
        record.name = name.into();
        record.folder = folder.into();
        record.favorite = favorite;
        Entry { id: RecordId::from_bytes([byte; 16]), revision: 1, created_at: 1, updated_at: 1, record }
    }

    #[test]
    fn folders_are_counted_and_favourites_sort_first() {
        let entries = [
            entry(1, "b", "Work", false),
            entry(2, "a", " Work ", true),
            entry(3, "c", "", false),
            entry(4, "d", "Bank", true),
        ];
        let counts = count(&entries);
        assert_eq!(counts.folders, vec![("Bank".to_owned(), 1), ("Work".to_owned(), 2)]);
        assert_eq!((counts.none, counts.favorites), (1, 2));
        let mut sorted: Vec<&Entry> = entries.iter().collect();
        sort(&mut sorted);
        let names: Vec<&str> = sorted.iter().map(|entry| entry.record.name.as_str()).collect();
        assert_eq!(names, ["a", "d", "b", "c"]);
        assert!(FolderFilter::Named("Work".into()).keeps(" Work ", false));
        assert!(FolderFilter::NoFolder.keeps("  ", false));
        assert!(!FolderFilter::Favorites.keeps("Work", false));
    }
}
