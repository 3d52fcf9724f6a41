//! `coffer shares --destroy`: ends one of the account's live shares with the session alone
//! (`POST /api/v1/my/shares/{id}/destroy`), as "My shares" does in the browser; the share's
//! management link is not needed.

use coffer_shared::api::ErrorCode;
use coffer_shared::api::paths;
use coffer_shared::id::ShareId;

use crate::account::session::origin_of;
use crate::account::{Session, current};
use crate::exit::{Failure, Kind, Outcome};
use crate::link::{self, LinkKind};
use crate::prompt;
use crate::ui::Ui;

/// The share `target` names: an id as listed, or a share link of the session's server, whose
/// key (the part after `#`) is neither needed nor read.
fn share_id(session: &Session, target: &str) -> Outcome<ShareId> {
    let wrong = || Failure::usage("--destroy takes a share's id (the ID column) or its link.");
    let target = target.trim();
    if let Ok(id) = target.parse::<ShareId>() {
        return Ok(id);
    }
    let (origin, id) = link::locate(LinkKind::Share, target).map_err(|_| wrong())?;
    if origin_of(&origin) != session.origin() {
        return Err(Failure::usage("That link is of another server than the one you are signed in to."));
    }
    Ok(id)
}

/// Destroys the share `target` names, after asking unless `yes`.
pub async fn run(session: &Session, target: &str, yes: bool, ui: Ui) -> Outcome {
    let id = share_id(session, target)?;
    let question = format!("Destroy share {id} now? Nobody will be able to open it.");
    if !yes && !prompt::confirm(&question)? {
        return Err(Failure::new(Kind::Declined, "Nothing was destroyed."));
    }
    session.client()?.post_empty(&paths::my_share_destroy(&id)).await.map_err(|error| {
        if error.code() == ErrorCode::NotFound {
            Failure::new(Kind::NotFound, "No live share of yours has that id (it may have ended already).")
        } else {
            current::failure(error)
        }
    })?;
    if ui.json {
        ui.json(&serde_json::json!({ "destroyed": id.as_str() }));
    } else {
        ui.line("Destroyed. The share and its files are deleted from the server.");
    }
    Ok(())
}
