//! The sign-out report (`docs/mail.md`, "Sign-out report"): after a session signs out, what was
//! done in it, mailed to the account unless its holder turned reports off.

use crate::auth::device;
use crate::mail::reports::{self, SessionReport};
use crate::state::AppState;
use crate::store::{Account, SessionRecord};

use super::summary::Summary;
use super::{READ_BUDGET, TIME_SLACK};

/// Mails `account` the report of `session`, signed out at `now`. Run in the background once
/// the handler has seen that the account wants it: failures are logged only
/// (`event = "report_failed"`).
pub async fn send(state: AppState, account: Account, session: SessionRecord, now: u64) {
    if let Err(error) = try_send(&state, &account, &session, now).await {
        tracing::error!(event = "report_failed", %error);
    }
}

async fn try_send(
    state: &AppState,
    account: &Account,
    session: &SessionRecord,
    now: u64,
) -> Result<(), String> {
    // Every event of the session is recorded at or after its start; older ones end the read.
    let since = session.created_at.saturating_sub(TIME_SLACK);
    let (mut events, cut) = state
        .store
        .audit_recent(account.account_id.clone(), READ_BUDGET, move |event| event.time >= since)
        .await
        .map_err(|e| e.to_string())?;
    events.retain(|event| event.session.as_deref() == Some(session.session_id.as_str()));
    events.reverse();
    let summary = Summary::of(&events);
    let device = device::describe(&session.user_agent);
    let report = SessionReport {
        device: &device,
        ip: &session.ip,
        place: session.place.as_deref(),
        signed_in: session.created_at,
        signed_out: now,
        events: events.len(),
        counts: summary.counts_text(),
        lines: summary.lines_text(),
        cut,
    };
    let to = account.email.parse().map_err(|_| "the account's address is not a mailbox".to_owned())?;
    state.mailer.send(reports::signout_report(to, &report)).await.map_err(|e| e.to_string())?;
    tracing::info!(event = "report_sent", kind = "signout");
    Ok(())
}
