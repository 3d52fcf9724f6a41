//! The weekly digest (`docs/mail.md`, "Weekly digest"): run by the sweeper with the app's clock.
//! An account is due 7 days after its last digest (or its creation); its new digest time is
//! stored before the mail goes, so a digest is never sent twice for one week.

use coffer_shared::api::EventType;
use coffer_shared::id::AccountId;

use crate::audit::record::StoredEvent;
use crate::mail::reports::{self, Digest};
use crate::state::AppState;
use crate::store::Account;

use super::summary::{Summary, client_text, warning_line};
use super::{READ_BUDGET, TIME_SLACK};

/// The period a digest covers, and the least time between two digests of an account.
pub const WEEK: u64 = 7 * 86_400;
/// Most sign-ins, and most warnings, a digest lists.
pub const MAX_LISTED: usize = 20;

/// Sends the digests due at the state's time.
pub async fn send_due(state: &AppState) {
    let now = state.clock.now();
    let due = match state.store.digests_due(now, WEEK).await {
        Ok(due) => due,
        Err(error) => return tracing::error!(event = "digest_failed", %error),
    };
    for id in due {
        if let Err(error) = send_one(state, id, now).await {
            tracing::error!(event = "digest_failed", %error);
        }
    }
}

async fn send_one(state: &AppState, id: AccountId, now: u64) -> Result<(), String> {
    let Some(account) = state.store.take_digest(id, now, WEEK).await.map_err(|e| e.to_string())? else {
        return Ok(());
    };
    if !account.notifications.weekly_digest {
        return Ok(());
    }
    let from = now.saturating_sub(WEEK);
    let since = from.saturating_sub(TIME_SLACK);
    let (mut events, cut) = state
        .store
        .audit_recent(account.account_id.clone(), READ_BUDGET, move |event| event.time >= since)
        .await
        .map_err(|e| e.to_string())?;
    events.retain(|event| (from..now).contains(&event.time));
    if events.is_empty() {
        return Ok(());
    }
    events.reverse();
    let message = reports::weekly_digest(mailbox(&account)?, &digest(&events, from, now, cut));
    state.mailer.send(message).await.map_err(|e| e.to_string())?;
    tracing::info!(event = "report_sent", kind = "digest");
    Ok(())
}

fn mailbox(account: &Account) -> Result<crate::mail::Mailbox, String> {
    account.email.parse().map_err(|_| "the account's address is not a mailbox".to_owned())
}

/// The digest of `events` (oldest first) from `from` to `until`.
fn digest(events: &[StoredEvent], from: u64, until: u64, cut: bool) -> Digest {
    let signins: Vec<String> = events
        .iter()
        .filter(|event| event.kind == EventType::SessionCreated.as_str())
        .map(|event| {
            format!("    {}  {}\n", crate::mail::templates::utc_text(event.time), client_text(event))
        })
        .collect();
    let warnings: Vec<String> =
        events.iter().filter_map(warning_line).map(|line| format!("    {line}\n")).collect();
    let listed = |lines: &[String]| {
        let mut text: String = lines.iter().take(MAX_LISTED).cloned().collect();
        if lines.len() > MAX_LISTED {
            text.push_str(&format!("    … and {} more\n", lines.len() - MAX_LISTED));
        }
        text
    };
    Digest {
        from,
        until,
        signin_count: signins.len(),
        signins: listed(&signins),
        warning_count: warnings.len(),
        warnings: listed(&warnings),
        counts: Summary::of(events).counts_text(),
        cut,
    }
}
