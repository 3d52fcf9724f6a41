//! What a save does to the form's draft before sealing it: blank rows go, the authenticator
//! key and folder are trimmed, and a replaced password goes into the history.

use coffer_shared::crypto::vault::{FieldKind, RecordFields, VaultRecord};

use super::history;

/// Removes empty URL rows and custom fields that have neither name nor value, and trims the
/// folder and the authenticator key.
pub fn tidy(record: &mut VaultRecord) {
    record.folder = record.folder.trim().to_owned();
    record.custom_fields.retain(|field| {
        let empty_value =
            field.value.is_empty() || (field.kind == FieldKind::Boolean && field.value == "false");
        !(field.name.trim().is_empty() && empty_value)
    });
    if let RecordFields::Login { urls, totp, .. } = &mut record.fields {
        urls.retain(|url| !url.trim().is_empty());
        for url in urls.iter_mut() {
            *url = url.trim().to_owned();
        }
        *totp = totp.trim().to_owned();
    }
}

/// The record to seal for an edit that started from `before` (an empty record for a new one),
/// saved at `now` (Unix seconds).
pub fn prepare(before: &VaultRecord, draft: &VaultRecord, now: u64) -> VaultRecord {
    let mut record = draft.clone();
    tidy(&mut record);
    history::record_edit(before, &mut record, now);
    record
}

#[cfg(test)]
mod tests {
    use coffer_shared::crypto::vault::CustomField;

    use super::*;
    use crate::vault::RecordType;

    #[test]
    fn blank_rows_go_and_a_replaced_password_is_kept() {
        let mut before = VaultRecord::new(RecordType::Login.empty_fields());
        if let RecordFields::Login { password, .. } = &mut before.fields {
            *password = "old".into();
        }
        let mut draft = before.clone();
        draft.folder = "  Work ".into();
        draft.custom_fields = vec![
            CustomField { name: String::new(), value: String::new(), kind: FieldKind::Text },
            CustomField { name: String::new(), value: "false".into(), kind: FieldKind::Boolean },
            CustomField { name: "PIN".into(), value: "1".into(), kind: FieldKind::Hidden },
        ];
        if let RecordFields::Login { password, urls, totp, .. } = &mut draft.fields {
            *password = "new".into();
            *urls = vec![" https://a.example ".into(), "  ".into()];
            *totp = " JBSWY3DPEHPK3PXP\n".into();
        }
        let saved = prepare(&before, &draft, 42);
        assert_eq!(saved.folder, "Work");
        assert_eq!(saved.custom_fields.len(), 1);
        let RecordFields::Login { urls, totp, password_history, .. } = &saved.fields else {
            panic!("a login")
        };
        assert_eq!(urls, &["https://a.example".to_owned()]);
        assert_eq!(totp, "JBSWY3DPEHPK3PXP");
        assert_eq!((password_history[0].password.as_str(), password_history[0].changed_at), ("old", 42));
    }
}
