//! The account's mail preferences (docs/mail.md): the sign-out report and the weekly digest,
//! each a switch saved at once; security alerts are always on.

use coffer_shared::api::Notifications;
use leptos::prelude::*;

use super::error_banner::ErrorBanner;
use crate::api::account as api;
use crate::session::Session;

/// Which preference a switch sets.
#[derive(Clone, Copy)]
enum Which {
    SignoutReport,
    WeeklyDigest,
}

impl Which {
    fn get(self, notifications: &Notifications) -> bool {
        match self {
            Self::SignoutReport => notifications.signout_report,
            Self::WeeklyDigest => notifications.weekly_digest,
        }
    }

    fn with(self, mut notifications: Notifications, on: bool) -> Notifications {
        match self {
            Self::SignoutReport => notifications.signout_report = on,
            Self::WeeklyDigest => notifications.weekly_digest = on,
        }
        notifications
    }
}

/// The "Notifications" panel: two switches, read from the session and saved through the API.
#[component]
pub fn NotificationsPanel() -> impl IntoView {
    let session = Session::get();
    let stored = RwSignal::new(None::<Notifications>);
    let error = RwSignal::new(None::<String>);
    let saved = RwSignal::new(false);
    leptos::task::spawn_local(async move {
        match api::session().await {
            Ok(info) => stored.set(Some(info.notifications)),
            Err(failure) => error.set(Some(failure.to_string())),
        }
    });
    let save = Action::new_local(move |wanted: &Notifications| {
        let wanted = *wanted;
        async move {
            error.set(None);
            saved.set(false);
            let Some(csrf) = session.csrf() else { return };
            match api::set_notifications(&csrf, wanted).await {
                Ok(now) => {
                    stored.set(Some(now));
                    saved.set(true);
                }
                Err(failure) => {
                    error.set(Some(failure.to_string()));
                    // The switch flipped in the page; put it back to what is stored.
                    stored.set(stored.get_untracked());
                }
            }
        }
    });
    let switch = move |which: Which, label: &'static str, hint: &'static str, testid: &'static str| {
        let checked = move || stored.get().is_some_and(|notifications| which.get(&notifications));
        let change = move |event: leptos::ev::Event| {
            let Some(current) = stored.get_untracked() else { return };
            save.dispatch_local(which.with(current, event_target_checked(&event)));
        };
        view! {
            <label class="switch-row">
                <input
                    type="checkbox"
                    role="switch"
                    data-testid=testid
                    prop:checked=checked
                    prop:disabled=move || stored.get().is_none() || save.pending().get()
                    on:change=change
                />
                <span>
                    <strong>{label}</strong>
                    <span class="muted">{hint}</span>
                </span>
            </label>
        }
    };
    view! {
        <div class="notifications" data-testid="notifications">
            {switch(
                Which::SignoutReport,
                "Sign-out report",
                "When a session signs out: where it was and what was done in it.",
                "notify-signout-report",
            )}
            {switch(
                Which::WeeklyDigest,
                "Weekly digest",
                "Once a week: sign-ins, warnings and a count of everything.",
                "notify-weekly-digest",
            )}
            <p class="muted">
                "Security alerts are always sent: a sign-in from a new device or country, several \
                 wrong codes, a share destroyed by wrong passwords, a changed passphrase, an \
                 authenticator turned on, replaced or off, and new recovery codes."
            </p>
            <ErrorBanner message=error testid="notifications-error" />
            {move || saved.get().then(|| view! { <p class="success" role="status" data-testid="notifications-saved">"Saved."</p> })}
        </div>
    }
}
