//! `coffer vault`: the signed-in account's records, opened and sealed on this machine with the
//! vault key exactly as the browser does (docs/accounts.md, "Vault records"), so that either
//! one reads what the other wrote.

mod args;
mod edit;
mod fields;
mod find;
mod input;
mod reprompt;
mod show;
pub mod store;

pub use args::{EditArgs, GetArgs, HELP, RecordArgs, RecordType, RmArgs, VaultArgs, VaultCommand};

use crate::account::{Session, current};
use crate::exit::{Failure, Kind, Outcome};
use crate::http::Client;
use crate::prompt;
use crate::ui::Ui;

/// Runs `coffer vault …`.
pub async fn run(args: VaultArgs, server: Option<&str>, ui: Ui) -> Outcome {
    let session = current::require(server)?;
    let client = session.client()?;
    match args.command {
        VaultCommand::List => {
            let (entries, failed) = store::load(&session, &client).await?;
            show::list(&entries, failed, ui);
            Ok(())
        }
        VaultCommand::Get(args) => get(&session, &client, args, ui).await,
        VaultCommand::Add(args) => add(&session, &client, args, ui).await,
        VaultCommand::Edit(args) => edit_record(&session, &client, args, ui).await,
        VaultCommand::Rm(args) => remove(&session, &client, args, ui).await,
    }
}

async fn get(session: &Session, client: &Client, args: GetArgs, ui: Ui) -> Outcome {
    let (entries, _) = store::load(session, client).await?;
    let entry = &entries[find::find(&entries, &args.name, find::parts_allowed(true))?];
    match &args.field {
        Some(field) => {
            let value = fields::value(&entry.record, field, fields::now())?;
            // A sensitive record's name is in the list anyway; any other value waits for the
            // passphrase, as in the browser.
            if entry.record.sensitive && field.to_lowercase() != "name" {
                reprompt::check(session, client, args.passphrase_stdin, ui).await?;
            }
            if ui.json {
                ui.json(&serde_json::json!({ "field": field, "value": &*value }));
            } else if std::io::IsTerminal::is_terminal(&std::io::stdout()) {
                // Exact into a pipe; a terminal does not get a record's escape sequences.
                ui.line(&crate::text::printable(&value));
            } else {
                ui.line(&value);
            }
        }
        None => show::record(entry, ui),
    }
    Ok(())
}

async fn add(session: &Session, client: &Client, args: RecordArgs, ui: Ui) -> Outcome {
    let secrets = input::secrets(&args)?;
    let record = edit::new_record(&args, secrets)?;
    let stored = store::create(session, client, &record).await?;
    if ui.json {
        ui.json(&serde_json::json!({ "id": stored.id, "revision": stored.revision, "name": record.name }));
    } else {
        ui.line(&format!("Added {:?} (id {}).", record.name, stored.id));
    }
    Ok(())
}

async fn edit_record(session: &Session, client: &Client, args: EditArgs, ui: Ui) -> Outcome {
    let (mut entries, _) = store::load(session, client).await?;
    // An edit saves without asking: the name must be whole.
    let index = find::find(&entries, &args.record, false)?;
    let secrets = input::secrets(&args.changes)?;
    let entry = &mut entries[index];
    edit::apply(&mut entry.record, &args.changes, secrets, crate::time::now())?;
    let stored = store::update(session, client, &entry.id, entry.revision, &entry.record).await?;
    if ui.json {
        ui.json(
            &serde_json::json!({ "id": stored.id, "revision": stored.revision, "name": entry.record.name }),
        );
    } else {
        ui.line(&format!("Saved {:?} (revision {}).", entry.record.name, stored.revision));
    }
    Ok(())
}

async fn remove(session: &Session, client: &Client, args: RmArgs, ui: Ui) -> Outcome {
    let (entries, _) = store::load(session, client).await?;
    let entry = &entries[find::find(&entries, &args.name, find::parts_allowed(!args.yes))?];
    if !args.yes && !prompt::confirm(&format!("Remove {:?} from the vault?", entry.record.name))? {
        return Err(Failure::new(Kind::Declined, "Nothing was removed."));
    }
    store::delete(client, &entry.id).await?;
    // Then its attachments' bytes, as the browser does; one that is already gone is no error.
    for attachment in &entry.record.attachments {
        if let Ok(file_id) = attachment.file_id.parse() {
            let _ = client.delete(&coffer_shared::api::paths::vault_file(&file_id)).await;
        }
    }
    if ui.json {
        ui.json(&serde_json::json!({ "removed": entry.id }));
    } else {
        ui.line(&format!("Removed {:?}.", entry.record.name));
    }
    Ok(())
}
