//! The always-on security alerts (`docs/mail.md`, "Security alerts"): a listener on the security
//! event log's committed events mails the account for `code_locked` (sign-in), for a share
//! destroyed by wrong passwords, and for every change of its credentials (authenticator turned
//! on, replaced or off, new recovery codes, passphrase changed). The new-device and new-country
//! alert is the "new sign-in" mail (`crate::routes::signin`). No preference turns these off.

use std::sync::Arc;

use coffer_shared::api::EventType;
use coffer_shared::id::AccountId;
use tokio::sync::broadcast::{Receiver, error::RecvError};

use crate::audit::record::{NewEvent, Origin, Value};
use crate::audit::writer::Committed;
use crate::auth::device;
use crate::mail::account_alerts::{self, ChangedFrom, CredentialChange};
use crate::mail::{Message, reports};
use crate::state::AppState;

use super::short_id;

/// Mails an alert for each alerting event `receiver` delivers, until the log closes. Each mail
/// is sent in its own task, so a slow relay does not hold up the listener.
pub async fn run(state: AppState, mut receiver: Receiver<Arc<Committed>>) {
    loop {
        match receiver.recv().await {
            Ok(committed) => {
                let event = &committed.event;
                let (Some(account), true) = (event.account.clone(), alerts(event)) else { continue };
                tokio::spawn(send(state.clone(), account, committed));
            }
            Err(RecvError::Lagged(missed)) => tracing::warn!(event = "alerts_lagged", missed),
            Err(RecvError::Closed) => return,
        }
    }
}

fn text(event: &NewEvent, member: &str) -> Option<String> {
    event.detail.get(member).map(Value::text)
}

/// Whether `event` is one that alerts its account.
pub fn alerts(event: &NewEvent) -> bool {
    match event.kind {
        EventType::CodeLocked => text(event, "purpose").as_deref() == Some("signin"),
        EventType::ShareDestroyed => text(event, "by").as_deref() == Some("wrong_tokens"),
        _ => credential_change(event).is_some(),
    }
}

fn number(event: &NewEvent, member: &str) -> Option<u64> {
    match event.detail.get(member) {
        Some(Value::Number(number)) => Some(*number),
        _ => None,
    }
}

/// The credential `event` changed, if it is one of those.
fn credential_change(event: &NewEvent) -> Option<CredentialChange> {
    Some(match event.kind {
        EventType::TotpEnrolled if text(event, "replaced").as_deref() == Some("true") => {
            CredentialChange::TotpReplaced
        }
        EventType::TotpEnrolled => CredentialChange::TotpEnrolled,
        EventType::TotpRemoved => CredentialChange::TotpRemoved,
        EventType::RecoveryCodesRenewed => CredentialChange::RecoveryCodesRenewed,
        EventType::PassphraseChanged => CredentialChange::PassphraseChanged {
            sessions_ended: number(event, "sessions_ended").unwrap_or(0),
            kdf_upgraded: text(event, "kdf_upgraded").as_deref() == Some("true"),
        },
        _ => return None,
    })
}

/// The client's device, as mail names it.
fn device_of(origin: &Origin) -> String {
    device::describe(origin.user_agent.as_deref().unwrap_or(""))
}

async fn send(state: AppState, account: AccountId, committed: Arc<Committed>) {
    let account = match state.store.account(account).await {
        Ok(Some(account)) => account,
        Ok(None) => return,
        Err(error) => return tracing::error!(event = "alert_failed", %error),
    };
    let Ok(to) = account.email.parse() else { return };
    let Some(message) = message(to, &committed.event) else { return };
    match state.mailer.send(message).await {
        Ok(()) => tracing::info!(event = "alert_sent", kind = committed.event.kind.as_str()),
        Err(error) => tracing::error!(event = "alert_failed", %error),
    }
}

/// The alert for `event`, if it is one.
fn message(to: crate::mail::Mailbox, event: &NewEvent) -> Option<Message> {
    match event.kind {
        EventType::CodeLocked => {
            let factor = match text(event, "factor").as_deref() {
                Some("authenticator") => "authenticator",
                Some("recovery") => "recovery codes",
                _ => "e-mailed codes",
            };
            let origin = &event.origin;
            let client = format!(
                "{}, {}, {}",
                device_of(origin),
                origin.ip.as_deref().unwrap_or("unknown IP"),
                origin.place.as_deref().unwrap_or("unknown place")
            );
            let locked_for = number(event, "locked_for").unwrap_or(900);
            Some(reports::codes_locked(to, factor, &client, event.time, locked_for))
        }
        EventType::ShareDestroyed => {
            let share = short_id(&text(event, "share")?);
            Some(reports::share_destroyed(to, &share, event.time))
        }
        _ => {
            let change = credential_change(event)?;
            let origin = &event.origin;
            let device = device_of(origin);
            let from = ChangedFrom {
                device: &device,
                ip: origin.ip.as_deref().unwrap_or("unknown IP"),
                place: origin.place.as_deref(),
                when: event.time,
            };
            Some(account_alerts::credential_changed(to, change, &from))
        }
    }
}
