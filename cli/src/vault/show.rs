//! How `coffer vault list` and `get` print records: a table without secrets, one record with
//! its secrets masked, or JSON.

use coffer_shared::crypto::vault::{RecordFields, VaultRecord};
use serde_json::json;

use crate::text;
use crate::ui::Ui;

use super::fields;
use super::store::Entry;

/// The list's second column: a login's user name, a card's last digits, a note's first line.
fn subtitle(record: &VaultRecord) -> String {
    match &record.fields {
        RecordFields::Login { username, .. } => username.clone(),
        RecordFields::Card { number, .. } => {
            let digits: Vec<char> = number.chars().filter(char::is_ascii_digit).collect();
            let last: String = digits[digits.len().saturating_sub(4)..].iter().collect();
            if last.is_empty() { String::new() } else { format!("•••• {last}") }
        }
        RecordFields::Identity { full_name, .. } => full_name.clone(),
        // A sensitive note shows nothing of its body in a list, as in the browser.
        RecordFields::Note if record.sensitive => String::new(),
        RecordFields::Note => record.notes.lines().next().unwrap_or_default().chars().take(40).collect(),
    }
}

/// Prints the records without their secrets.
pub fn list(entries: &[Entry], failed: usize, ui: Ui) {
    if ui.json {
        let records: Vec<_> = entries
            .iter()
            .map(|entry| {
                let url = match &entry.record.fields {
                    RecordFields::Login { urls, .. } => urls.first().cloned(),
                    _ => None,
                };
                json!({
                    "id": entry.id,
                    "name": entry.record.name,
                    "type": entry.record.fields.type_name(),
                    "username": match &entry.record.fields {
                        RecordFields::Login { username, .. } => Some(username.as_str()),
                        _ => None,
                    },
                    "url": url,
                    "folder": entry.record.folder,
                    "revision": entry.revision,
                    "updated_at": entry.updated_at,
                })
            })
            .collect();
        ui.json(&json!({ "records": records, "unreadable": failed }));
        return;
    }
    if entries.is_empty() {
        ui.line("The vault is empty.");
    } else {
        let width =
            entries.iter().map(|entry| entry.record.name.chars().count()).max().unwrap_or(0).clamp(4, 40);
        ui.line(&ui.bold(&format!(
            "{:<width$}  {:<8}  {:<30}  {:<12}  ID",
            "NAME", "TYPE", "USER / DETAIL", "FOLDER"
        )));
        for entry in entries {
            let name = text::one_line(&entry.record.name, 40);
            let detail = text::one_line(&subtitle(&entry.record), 30);
            let folder = text::one_line(&entry.record.folder, 12);
            ui.line(&format!(
                "{name:<width$}  {:<8}  {detail:<30}  {folder:<12}  {}",
                entry.record.fields.type_name(),
                entry.id
            ));
        }
    }
    if failed > 0 {
        ui.warn(&format!(
            "{failed} record(s) did not open with this account's vault key and are not listed."
        ));
    }
}

/// Prints one record: every field with the secrets masked (as sentences or, with `--json`, as
/// members), the secrets only named. A secret is printed only when asked for by `--field`.
pub fn record(entry: &Entry, ui: Ui) {
    let record = &entry.record;
    if ui.json {
        let mut shown = serde_json::Map::new();
        for (name, value) in fields::members(record) {
            if !value.is_empty() {
                let masked = fields::is_secret(name) || (record.sensitive && name != "name");
                let value = if masked { json!(null) } else { json!(value) };
                shown.insert(name.to_owned(), value);
            }
        }
        let custom: Vec<&str> = record.custom_fields.iter().map(|field| field.name.as_str()).collect();
        ui.json(&json!({
            "id": entry.id,
            "revision": entry.revision,
            "type": record.fields.type_name(),
            "fields": shown,
            "custom_fields": custom,
            "secrets": "masked: ask for one with --field NAME",
        }));
        return;
    }
    ui.line(&ui.bold(&text::one_line(&record.name, 200)));
    ui.line(&format!("  {:<10} {}", "type", record.fields.type_name()));
    for (name, value) in fields::members(record).into_iter().skip(1) {
        if value.is_empty() {
            continue;
        }
        // A sensitive record shows every value masked; each one is still there with --field.
        let shown = if fields::is_secret(name) || (record.sensitive && name != "name") {
            format!("•••••••• (--field {name})")
        } else {
            value.to_owned()
        };
        ui.line(&format!("  {name:<10} {}", text::printable(&shown).replace('\n', "\n             ")));
    }
    if let RecordFields::Login { totp, .. } = &record.fields
        && !totp.is_empty()
    {
        ui.line(&format!("  {:<10} (--field totp)", "totp"));
    }
    for custom in &record.custom_fields {
        let name = text::one_line(&custom.name, 60);
        ui.line(&format!("  {name:<10} (--field {name:?})"));
    }
    ui.line(&format!("  {:<10} {}", "id", entry.id));
}
