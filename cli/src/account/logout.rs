//! `coffer logout`: ends the session on the server, deletes the keyring's entry, and tells the
//! user to unset `COFFER_SESSION` (a program cannot unset its shell's variables).

use coffer_shared::api::paths;
use reqwest::Method;

use crate::exit::Outcome;
use crate::http::{self, Client, HttpError};
use crate::ui::Ui;

use super::current::{self, ENV, Source};
use super::keyring;
use super::session::Session;

/// Runs `coffer logout`.
pub async fn run(server: Option<&str>, ui: Ui) -> Outcome {
    let Some((session, source)) = current::find(server)? else {
        return Err(current::signed_out());
    };
    let ended = match end_on_server(&session).await {
        Ok(()) => true,
        Err(error) if error.status() == Some(401) => false,
        Err(error) => {
            ui.warn(&format!("The server did not end the session ({error}); it ends by itself when idle."));
            false
        }
    };
    let forgotten = keyring::forget(&session.origin());
    if ui.json {
        ui.json(&serde_json::json!({
            "ended_on_server": ended,
            "keyring_entry_deleted": forgotten,
            "unset_env": source == Source::Env,
        }));
    } else {
        ui.line(&if ended {
            format!("Signed out of {} on {}.", crate::text::one_line(&session.email, 254), session.origin())
        } else {
            "The session is no longer live on the server.".to_owned()
        });
        if forgotten {
            ui.line("The session kept in the system keyring is deleted.");
        }
        if source == Source::Env {
            ui.line(&format!("Now run: unset {ENV}"));
        }
    }
    Ok(())
}

/// `POST /session/signout`. A session that already ended answers 401.
pub async fn end_on_server(session: &Session) -> Result<(), HttpError> {
    let client = Client::new(&session.server)?.with_session(session.auth.clone());
    http::send(client.request(Method::POST, paths::SESSION_SIGNOUT)).await.map(drop)
}
