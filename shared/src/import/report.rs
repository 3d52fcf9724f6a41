//! What an import skipped or lost, counted by reason, and the one-line summary of a preview.
//! It holds counts only, never a name or a value from the file.

use std::collections::BTreeMap;

use crate::crypto::vault::{RecordFields, VaultRecord};

/// Why a whole item of the file was not imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Skip {
    /// An SSH key: Coffer has no such record type.
    SshKey,
    /// A file stored as an item of its own (1Password "Document"): files are not imported.
    FileItem,
    /// An item in the recycle bin or trash.
    Deleted,
    /// Another item type Coffer has no equivalent for.
    UnsupportedType,
}

impl Skip {
    fn describe(self, count: usize) -> String {
        match self {
            Skip::SshKey => plural(count, "SSH key", "SSH keys"),
            Skip::FileItem => plural(count, "file item", "file items"),
            Skip::Deleted => plural(count, "deleted item", "deleted items"),
            Skip::UnsupportedType => {
                plural(count, "item of an unsupported type", "items of unsupported types")
            }
        }
    }
}

/// Part of an imported item that could not be carried over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Lost {
    /// Attached files: counted per item that had any.
    Attachments,
    /// Bitwarden "linked" custom fields, which only point at another field.
    LinkedFields,
    /// Passkeys (FIDO2 credentials).
    Passkeys,
    /// Tags beyond the first (the first becomes the folder): counted per item.
    ExtraTags,
}

impl Lost {
    fn describe(self, count: usize) -> String {
        match self {
            Lost::Attachments => format!("attachments of {}", plural(count, "item", "items")),
            Lost::LinkedFields => plural(count, "linked field", "linked fields"),
            Lost::Passkeys => plural(count, "passkey", "passkeys"),
            Lost::ExtraTags => format!("extra tags of {}", plural(count, "item", "items")),
        }
    }
}

/// The skipped items and the lost parts of an import, counted by reason.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Items not imported, by reason.
    pub skipped: BTreeMap<Skip, usize>,
    /// Parts of imported items not carried over, by reason.
    pub lost: BTreeMap<Lost, usize>,
}

impl Report {
    /// Counts one skipped item.
    pub fn skip(&mut self, reason: Skip) {
        *self.skipped.entry(reason).or_default() += 1;
    }

    /// Counts `count` lost parts (nothing when zero).
    pub fn lose(&mut self, what: Lost, count: usize) {
        if count > 0 {
            *self.lost.entry(what).or_default() += count;
        }
    }

    /// How many items were skipped in all.
    pub fn skipped_total(&self) -> usize {
        self.skipped.values().sum()
    }

    /// "142 logins, 3 cards, 12 notes; 2 skipped: 2 SSH keys; not carried over: 1 passkey".
    pub fn summary(&self, counts: &Counts) -> String {
        let mut line = counts.to_string();
        if !self.skipped.is_empty() {
            let reasons: Vec<String> = self.skipped.iter().map(|(reason, &n)| reason.describe(n)).collect();
            line.push_str(&format!("; {} skipped: {}", self.skipped_total(), reasons.join(", ")));
        }
        if !self.lost.is_empty() {
            let parts: Vec<String> = self.lost.iter().map(|(what, &n)| what.describe(n)).collect();
            line.push_str(&format!("; not carried over: {}", parts.join(", ")));
        }
        line
    }
}

/// How many records of each type.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Logins.
    pub logins: usize,
    /// Cards.
    pub cards: usize,
    /// Identities.
    pub identities: usize,
    /// Secure notes.
    pub notes: usize,
}

impl Counts {
    /// Counts `records` by type.
    pub fn of(records: &[VaultRecord]) -> Counts {
        let mut counts = Counts::default();
        for record in records {
            match record.fields {
                RecordFields::Login { .. } => counts.logins += 1,
                RecordFields::Card { .. } => counts.cards += 1,
                RecordFields::Identity { .. } => counts.identities += 1,
                RecordFields::Note => counts.notes += 1,
            }
        }
        counts
    }

    /// All records.
    pub fn total(&self) -> usize {
        self.logins + self.cards + self.identities + self.notes
    }
}

impl std::fmt::Display for Counts {
    /// "142 logins, 3 cards, 12 notes", leaving out types with none; "no items" for none.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = [
            (self.logins, "login", "logins"),
            (self.cards, "card", "cards"),
            (self.identities, "identity", "identities"),
            (self.notes, "note", "notes"),
        ]
        .into_iter()
        .filter(|(n, ..)| *n > 0)
        .map(|(n, one, many)| plural(n, one, many))
        .collect();
        if parts.is_empty() { f.write_str("no items") } else { f.write_str(&parts.join(", ")) }
    }
}

fn plural(count: usize, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_counts_types_skips_and_losses() {
        let mut records = vec![VaultRecord::new(RecordFields::Note), VaultRecord::new(RecordFields::Note)];
        records.push(VaultRecord::new(RecordFields::Card {
            holder: String::new(),
            number: String::new(),
            expiry: String::new(),
            cvv: String::new(),
        }));
        let mut report = Report::default();
        assert_eq!(report.summary(&Counts::of(&records)), "1 card, 2 notes");
        report.skip(Skip::SshKey);
        report.skip(Skip::SshKey);
        report.skip(Skip::UnsupportedType);
        report.lose(Lost::Passkeys, 1);
        report.lose(Lost::LinkedFields, 0);
        assert_eq!(
            report.summary(&Counts::of(&records)),
            "1 card, 2 notes; 3 skipped: 2 SSH keys, 1 item of an unsupported type; not carried over: 1 passkey"
        );
        assert_eq!(Counts::default().to_string(), "no items");
    }
}
