//! Events without a handler: what the sweeper finds (expired sessions and shares), and a
//! session found expired while its cookie is checked.

use coffer_shared::id::AccountId;

use super::event::{Event, Expiry};
use super::record::{NewEvent, Origin};
use crate::state::AppState;
use crate::store::SessionRecord;

/// `session_expired` for `session`, with the timeout that ended it at `now`.
pub fn session_expired(session: &SessionRecord, now: u64, max: u64) -> Event {
    let reason = if now >= session.created_at.saturating_add(max) { Expiry::MaxAge } else { Expiry::Idle };
    Event::SessionExpired { reason }
}

/// An event about `account` and `session`, from `origin`, at the state's time.
pub fn new_event(
    state: &AppState,
    event: &Event,
    account: Option<AccountId>,
    session: Option<String>,
    origin: Origin,
) -> NewEvent {
    NewEvent::new(state.clock.now(), event, account, session, origin)
}

/// Records the server's own events (no client). A failure goes to the log: nobody waits for
/// an answer.
pub async fn record(state: &AppState, events: Vec<NewEvent>) {
    if let Err(error) = state.audit.append(events).await {
        tracing::error!(event = "audit_write_failed", %error);
    }
}
