//! Which record a NAME means: the record with that id; else the one named exactly so; else the
//! one whose name matches in any case; else, for a person at a terminal only, the one whose name
//! contains it in any case. Two or more at the first step that finds any is a usage error
//! listing them (name and id, so the id can be given instead); none is exit code 3. A script
//! (or `rm --yes`) gets no part match: a record named so by an import, or one the server holds
//! back, must not turn `bank` into another record.

use crate::exit::{Failure, Kind, Outcome};

use super::store::Entry;

/// Whether a NAME may match part of a record's name: only for a person at a terminal (stdin and
/// stdout both one), never for a command that acts without asking.
pub fn parts_allowed(asks_first: bool) -> bool {
    use std::io::IsTerminal;
    asks_first && std::io::stdin().is_terminal() && std::io::stdout().is_terminal()
}

/// The index of the entry `name` means in `entries`; a part of a name only if `parts`.
pub fn find(entries: &[Entry], name: &str, parts: bool) -> Outcome<usize> {
    let lower = name.to_lowercase();
    let steps: [&dyn Fn(&Entry) -> bool; 4] = [
        &|entry| entry.id.as_str() == name,
        &|entry| entry.record.name == name,
        &|entry| entry.record.name.to_lowercase() == lower,
        &|entry| parts && entry.record.name.to_lowercase().contains(&lower),
    ];
    for step in steps {
        let found: Vec<usize> = (0..entries.len()).filter(|&index| step(&entries[index])).collect();
        match found.as_slice() {
            [] => continue,
            [one] => return Ok(*one),
            many => {
                let list: Vec<String> = many
                    .iter()
                    .map(|&index| format!("  {}  (id {})", entries[index].record.name, entries[index].id))
                    .collect();
                return Err(Failure::usage(format!(
                    "{name:?} matches {} records; name one exactly or give its id:\n{}",
                    many.len(),
                    list.join("\n")
                )));
            }
        }
    }
    let partly = !parts && entries.iter().any(|entry| entry.record.name.to_lowercase().contains(&lower));
    let hint = if partly { " (outside a terminal, give the whole name or the id)" } else { "" };
    Err(Failure::new(Kind::NotFound, format!("No record in the vault is named {name:?}{hint}.")))
}

#[cfg(test)]
mod tests {
    use coffer_shared::crypto::vault::{RecordFields, VaultRecord};
    use coffer_shared::id::RecordId;

    use super::*;

    fn entry(name: &str) -> Entry {
        let mut record = VaultRecord::new(RecordFields::Note);
        record.name = name.into();
        Entry { id: RecordId::random(), revision: 1, updated_at: 0, record }
    }

    #[test]
    fn exact_then_any_case_then_part_then_id() {
        let entries = [entry("Bank"), entry("bank"), entry("Mail"), entry("Mailbox")];
        assert_eq!(find(&entries, "Bank", true).unwrap(), 0);
        assert_eq!(find(&entries, "bank", true).unwrap(), 1);
        assert_eq!(find(&entries, "MAIL", true).unwrap(), 2);
        assert_eq!(find(&entries, "box", true).unwrap(), 3);
        assert_eq!(find(&entries, entries[2].id.as_str(), true).unwrap(), 2);
        assert_eq!(find(&entries, "nothing", true).unwrap_err().kind, Kind::NotFound);
    }

    #[test]
    fn without_a_person_to_ask_a_part_of_a_name_matches_nothing() {
        let entries = [entry("Bank (old)"), entry("Mailbox")];
        let failure = find(&entries, "bank", false).unwrap_err();
        assert_eq!(failure.kind, Kind::NotFound);
        assert!(failure.message.contains("give the whole name or the id"), "{}", failure.message);
        assert_eq!(find(&entries, "MAILBOX", false).unwrap(), 1);
    }

    #[test]
    fn an_ambiguous_name_lists_the_candidates() {
        let entries = [entry("Bank"), entry("bank"), entry("Mail")];
        let failure = find(&entries, "BANK", false).unwrap_err();
        assert_eq!(failure.kind, Kind::Usage);
        assert!(
            failure.message.contains(entries[0].id.as_str())
                && failure.message.contains(entries[1].id.as_str())
        );
        assert!(!failure.message.contains("Mail"));
    }
}
