//! The account passphrase typed again before a record marked sensitive shows a value, as the
//! browser re-prompts (docs/accounts.md, "Re-prompt"; docs/cli.md, "The vault"). Like the
//! browser's, it guards an unlocked session, not the keys: the session already holds the vault
//! key.
//!
//! The browser compares with a value it kept from unlocking; a CLI session keeps nothing
//! derived from the passphrase (docs/cli.md, "The session's text form"). So the check is the
//! one of unlocking: the session's KDF inputs and wrapped keys (`GET /api/v1/session`), the
//! inputs checked against the floor and the ceiling, Argon2id here, and the wrapped vault key
//! must open with the derived `kek` and be the session's vault key (compared in constant time).
//! Nothing derived from the passphrase leaves this machine, so a server's weak inputs gain it
//! nothing and the remembered costs of sign-in are not consulted; a server can only make the
//! check fail.

use coffer_shared::api::SessionInfo;
use coffer_shared::api::paths;
use coffer_shared::b64;
use coffer_shared::crypto::account::{AccountKeys, AccountSecrets, WrappedKeys};
use zeroize::Zeroizing;

use crate::account::{Session, current};
use crate::exit::{Failure, Kind, Outcome};
use crate::http::Client;
use crate::prompt;
use crate::ui::Ui;

/// The flag that reads the passphrase from stdin.
const FLAG: &str = "--passphrase-stdin";

/// Asks for the account passphrase (on the terminal, or from stdin with `from_stdin`) and
/// checks it: a wrong one is exit code 4, no terminal to ask on is exit code 2.
pub async fn check(session: &Session, client: &Client, from_stdin: bool, ui: Ui) -> Outcome {
    let passphrase = if from_stdin {
        let line = prompt::stdin_line("passphrase", FLAG)?.filter(|line| !line.is_empty());
        line.ok_or_else(|| Failure::usage(format!("{FLAG} read no passphrase.")))?
    } else {
        ask()?
    };
    let info: SessionInfo = client.get(paths::SESSION).await.map_err(current::failure)?;
    let kdf = info.kdf.parse().map_err(|error| {
        Failure::new(
            Kind::Tampered,
            format!("The server asked for passphrase protection this client refuses ({error})."),
        )
    })?;
    let spinner = ui.spinner("Checking the passphrase (Argon2id)…");
    let email = session.email.clone();
    let keys = tokio::task::spawn_blocking(move || AccountKeys::derive(&kdf.master_key(&passphrase, &email)))
        .await
        .map_err(|_| Failure::new(Kind::Other, "The keys could not be derived from the passphrase."))?;
    spinner.finish_and_clear();
    let wrong = || Failure::new(Kind::WrongPassword, "Wrong passphrase. Nothing was shown.");
    let wrapped = WrappedKeys {
        vault_key: b64::decode(&info.wrapped_vault_key).map_err(|_| wrong())?,
        identity_key: b64::decode(&info.wrapped_identity_key).map_err(|_| wrong())?,
    };
    let public_key = b64::decode_array::<32>(&info.public_key).map_err(|_| wrong())?;
    let opened =
        AccountSecrets::unwrap(&info.account_id, &keys, &wrapped, &public_key).map_err(|_| wrong())?;
    if opened.vault_key != session.vault_key {
        return Err(Failure::new(
            Kind::Tampered,
            "The account's keys on the server open with this passphrase but are not this session's. \
             Nothing was shown.",
        ));
    }
    Ok(())
}

/// Asks on the terminal (`/dev/tty`) without echo.
fn ask() -> Outcome<Zeroizing<String>> {
    let passphrase = rpassword::prompt_password("This record is marked sensitive. Account passphrase: ")
        .map(Zeroizing::new)
        .map_err(|_| {
            Failure::usage(format!(
                "This record is marked sensitive: its values are shown once the account passphrase is \
                 typed again, and there is no terminal to ask on. Pass {FLAG} to read it from stdin."
            ))
        })?;
    if passphrase.is_empty() {
        return Err(Failure::usage("The passphrase is empty."));
    }
    Ok(passphrase)
}
