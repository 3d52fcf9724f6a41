//! Read receipts: a mail to a share's owner each time it is opened. It names the share by the
//! start of its id and says when and how many views are left; never the content or the link.

use coffer_shared::id::{AccountId, ShareId};

use crate::mail::Message;
use crate::mail::templates::utc_text;
use crate::state::AppState;

/// Mails `owner` that share `id` was opened at `now`. Failures are logged only.
pub async fn send(state: AppState, owner: AccountId, id: ShareId, views_left: u32, now: u64) {
    let account = match state.store.account(owner).await {
        Ok(Some(account)) => account,
        Ok(None) => return,
        Err(error) => {
            tracing::error!(event = "receipt_failed", %error);
            return;
        }
    };
    let Ok(to) = account.email.parse() else { return };
    let short: String = id.as_str().chars().take(8).collect();
    let left = match views_left {
        0 => "It has no views left and is now deleted.".to_owned(),
        1 => "It can be opened 1 more time.".to_owned(),
        n => format!("It can be opened {n} more times."),
    };
    let message = Message {
        to,
        subject: format!("Your Coffer share {short}... was opened"),
        text_body: format!(
            "Your share {short}... was opened at {}.\n{left}\n\nIf you did not expect this, destroy the \
             share from \"My shares\".\n",
            utc_text(now)
        ),
    };
    match state.mailer.send(message).await {
        Ok(()) => tracing::info!(event = "receipt_sent"),
        Err(error) => tracing::error!(event = "receipt_failed", %error),
    }
}
