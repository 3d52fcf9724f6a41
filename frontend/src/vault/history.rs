//! A login's password history (docs/accounts.md, "Vault records", `password_history`): when an
//! edit replaces a non-empty password, the old one goes first, with the time of the edit.

use coffer_shared::crypto::vault::{PASSWORD_HISTORY_LEN, PasswordChange, RecordFields, VaultRecord};

/// The login's password, if `record` is a login.
fn password(record: &VaultRecord) -> Option<&str> {
    match &record.fields {
        RecordFields::Login { password, .. } => Some(password),
        _ => None,
    }
}

/// Records in `edited` that `previous` (a password the record held before) was replaced at
/// `now` (Unix seconds): it goes first into the history, which keeps the newest
/// [`PASSWORD_HISTORY_LEN`]. Nothing changes if `previous` is empty, equal to the new password,
/// or `edited` is not a login.
pub fn note_replaced(edited: &mut VaultRecord, previous: &str, now: u64) {
    if previous.is_empty() || password(edited).is_none_or(|current| current == previous) {
        return;
    }
    if let RecordFields::Login { password_history, .. } = &mut edited.fields {
        password_history.insert(0, PasswordChange { password: previous.to_owned(), changed_at: now });
        password_history.truncate(PASSWORD_HISTORY_LEN);
    }
}

/// Applies an edit's password change: `before` is the record as the edit started.
pub fn record_edit(before: &VaultRecord, edited: &mut VaultRecord, now: u64) {
    if let Some(previous) = password(before) {
        let previous = previous.to_owned();
        note_replaced(edited, &previous, now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vault::RecordType;

    fn login(password: &str) -> VaultRecord {
        let mut record = VaultRecord::new(RecordType::Login.empty_fields());
        if let RecordFields::Login { password: member, .. } = &mut record.fields {
            *member = password.to_owned();
        }
        record
    }

    fn history(record: &VaultRecord) -> Vec<(String, u64)> {
        match &record.fields {
            RecordFields::Login { password_history, .. } => {
                password_history.iter().map(|change| (change.password.clone(), change.changed_at)).collect()
            }
            _ => Vec::new(),
        }
    }

    #[test]
    fn a_changed_password_goes_first_and_the_list_keeps_ten() {
        let mut record = login("p0");
        for n in 1..=12u64 {
            let before = record.clone();
            if let RecordFields::Login { password, .. } = &mut record.fields {
                *password = format!("p{n}");
            }
            record_edit(&before, &mut record, 100 + n);
        }
        let kept = history(&record);
        assert_eq!(kept.len(), PASSWORD_HISTORY_LEN);
        assert_eq!(kept[0], ("p11".to_owned(), 112));
        assert_eq!(kept[9], ("p2".to_owned(), 103));
    }

    #[test]
    fn an_unchanged_or_empty_password_is_not_recorded() {
        let mut same = login("same");
        record_edit(&login("same"), &mut same, 5);
        assert!(history(&same).is_empty());
        let mut first = login("new");
        record_edit(&login(""), &mut first, 5);
        assert!(history(&first).is_empty());
        let mut note = VaultRecord::new(RecordType::Note.empty_fields());
        record_edit(&login("old"), &mut note, 5);
        assert_eq!(note.fields, RecordFields::Note);
    }
}
