//! The account's signed-in sessions: when, where and on what, with "End" for each and "End all
//! other sessions".

use coffer_shared::api::SessionSummary;
use leptos::prelude::*;

use super::error_banner::ErrorBanner;
use crate::api::account as api;
use crate::format;
use crate::session::Session;

/// The sessions list.
#[component]
pub fn SessionsList() -> impl IntoView {
    let session = Session::get();
    let error = RwSignal::new(None::<String>);
    let list = LocalResource::new(api::sessions);
    let end = Action::new_local(move |id: &String| {
        let id = id.clone();
        async move {
            let Some(csrf) = session.csrf() else { return };
            match api::end_session(&csrf, &id).await {
                Ok(()) => list.refetch(),
                Err(failure) => error.set(Some(failure.to_string())),
            }
        }
    });
    let end_others = Action::new_local(move |_: &()| async move {
        let Some(csrf) = session.csrf() else { return };
        match api::end_other_sessions(&csrf).await {
            Ok(_) => list.refetch(),
            Err(failure) => error.set(Some(failure.to_string())),
        }
    });
    let this_session = std::sync::Arc::new(
        session.with_unlocked(|unlocked| unlocked.session_id.clone()).unwrap_or_default(),
    );
    let row = move |summary: SessionSummary| {
        let this_session = this_session.clone();
        let SessionSummary { id, created_at, last_seen_at, ip, user_agent, place, current } = summary;
        let current = current || id == *this_session;
        let place = place.map(|place| format!(" · {place}")).unwrap_or_default();
        view! {
            <li class="session-row" data-testid="session-row" data-current=current.to_string()>
                <div class="session-text">
                    <strong>{format::device(&user_agent)}</strong>
                    {current.then(|| view! { <span class="badge ok">"This browser"</span> })}
                    <span class="muted">{format!("{ip}{place}")}</span>
                    <span class="muted">
                        {format!(
                            "Signed in {} · last seen {}",
                            format::local_date_time(created_at),
                            format::local_date_time(last_seen_at),
                        )}
                    </span>
                </div>
                {(!current)
                    .then(|| {
                        view! {
                            <button
                                type="button"
                                class="secondary small"
                                data-testid="session-end"
                                on:click=move |_| {
                                    end.dispatch_local(id.clone());
                                }
                            >
                                "End"
                            </button>
                        }
                    })}
            </li>
        }
    };
    view! {
        <div class="sessions" data-testid="sessions">
            {move || match list.get() {
                None => view! { <p class="muted">"Loading sessions…"</p> }.into_any(),
                Some(Err(failure)) => view! {
                    <ErrorBanner message=Signal::stored(Some(failure.to_string())) testid="sessions-error" />
                }
                .into_any(),
                Some(Ok(list)) => view! {
                    <ul class="session-list">{list.sessions.into_iter().map(row.clone()).collect_view()}</ul>
                }
                .into_any(),
            }}
            <ErrorBanner message=error testid="sessions-action-error" />
            <div class="actions">
                <button
                    type="button"
                    class="secondary"
                    data-testid="sessions-end-others"
                    prop:disabled=end_others.pending()
                    on:click=move |_| {
                        end_others.dispatch_local(());
                    }
                >
                    "End all other sessions"
                </button>
            </div>
        </div>
    }
}
