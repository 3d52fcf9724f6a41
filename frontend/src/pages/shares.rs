//! `/shares`: the shares this account created while signed in, newest first: when, until when,
//! views, where each stands, whether it mails a read receipt; and "Destroy" for live ones.
//! The server keeps only a summary: the links' keys were never sent to it.

use coffer_shared::api::{MyShare, ShareState};
use coffer_shared::id::ShareId;
use leptos::prelude::*;

use crate::api::account as api;
use crate::components::error_banner::ErrorBanner;
use crate::components::require_unlocked::RequireUnlocked;
use crate::format;
use crate::session::Session;

/// The page, behind the unlock gate.
#[component]
pub fn SharesPage() -> impl IntoView {
    view! {
        <RequireUnlocked>
            <SharesList />
        </RequireUnlocked>
    }
}

/// A state's `data-state` value and its badge text.
fn state_label(state: ShareState) -> (&'static str, &'static str) {
    match state {
        ShareState::Active => ("active", "Active"),
        ShareState::Expired => ("expired", "Expired"),
        ShareState::UsedUp => ("used_up", "Used up"),
        ShareState::Destroyed => ("destroyed", "Destroyed"),
    }
}

/// The first 8 characters of an id, as read-receipt mails name a share.
fn short_id(id: &ShareId) -> String {
    id.to_string().chars().take(8).collect()
}

/// The list, loaded when shown.
#[component]
fn SharesList() -> impl IntoView {
    let session = Session::get();
    let list = LocalResource::new(api::my_shares);
    let error = RwSignal::new(None::<String>);
    let confirming = RwSignal::new(None::<ShareId>);
    let destroy = Action::new_local(move |id: &ShareId| {
        let id = id.clone();
        async move {
            let Some(csrf) = session.any_csrf() else { return };
            match api::destroy_my_share(&csrf, &id).await {
                Ok(()) => {
                    confirming.set(None);
                    list.refetch();
                }
                Err(failure) => error.set(Some(failure.to_string())),
            }
        }
    });
    let row = move |share: MyShare| {
        let MyShare { id, created_at, expires_at, max_views, views_used, state, read_receipt } = share;
        let (state_value, state_text) = state_label(state);
        let short = short_id(&id);
        let is_confirming = {
            let id = id.clone();
            Signal::derive(move || confirming.with(|c| c.as_ref() == Some(&id)))
        };
        let destroy_button = (state == ShareState::Active).then(|| {
            let id = id.clone();
            let id_confirm = id.clone();
            view! {
                <div class="share-actions">
                    <Show
                        when=move || is_confirming.get()
                        fallback=move || {
                            let id = id.clone();
                            view! {
                                <button
                                    type="button"
                                    class="secondary small"
                                    data-testid="my-share-destroy"
                                    on:click=move |_| {
                                        error.set(None);
                                        confirming.set(Some(id.clone()));
                                    }
                                >
                                    "Destroy"
                                </button>
                            }
                        }
                    >
                        {
                            let id = id_confirm.clone();
                            view! {
                                <button
                                    type="button"
                                    class="danger small"
                                    data-testid="my-share-destroy-confirm"
                                    prop:disabled=move || destroy.pending().get()
                                    on:click=move |_| {
                                        destroy.dispatch_local(id.clone());
                                    }
                                >
                                    "Destroy now"
                                </button>
                                <button type="button" class="secondary small" on:click=move |_| confirming.set(None)>
                                    "Keep"
                                </button>
                            }
                        }
                    </Show>
                </div>
            }
        });
        view! {
            <li class="share-row" data-testid="my-share-row" data-state=state_value data-id=id.to_string()>
                <div class="share-text">
                    <div class="share-title">
                        <code class="mono" data-testid="my-share-id">{short}</code>
                        <span class=format!("badge state-{state_value}") data-testid="my-share-state">{state_text}</span>
                        {read_receipt.then(|| view! {
                            <span class="badge receipt" title="You get an e-mail each time it is opened" data-testid="my-share-receipt">
                                "Read receipt"
                            </span>
                        })}
                    </div>
                    <span class="muted">{format!("Created {}", format::local_date_time(created_at))}</span>
                    <span class="muted">{format!("Expires {}", format::local_date_time(expires_at))}</span>
                    <span data-testid="my-share-views">{format!("{views_used} / {max_views} views")}</span>
                </div>
                {destroy_button}
            </li>
        }
    };
    view! {
        <section class="card shares" data-testid="my-shares">
            <h1>"My shares"</h1>
            <p class="muted">
                "Shares you created while signed in. Their links are not kept: only you had them."
            </p>
            {move || match list.get() {
                None => view! { <p class="muted" aria-busy="true">"Loading shares…"</p> }.into_any(),
                Some(Err(failure)) => view! {
                    <ErrorBanner message=Signal::stored(Some(failure.to_string())) testid="my-shares-error" />
                }
                .into_any(),
                Some(Ok(list)) if list.shares.is_empty() => view! {
                    <div class="empty" data-testid="my-shares-empty">
                        <h2>"No shares yet"</h2>
                        <p class="muted">"Shares you create while signed in show up here."</p>
                        <a class="button" href="/">"Share a secret"</a>
                    </div>
                }
                .into_any(),
                Some(Ok(list)) => view! {
                    <ul class="share-list">{list.shares.into_iter().map(row).collect_view()}</ul>
                }
                .into_any(),
            }}
            <ErrorBanner message=error testid="my-share-error" />
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_has_its_own_data_value() {
        let values: Vec<_> =
            [ShareState::Active, ShareState::Expired, ShareState::UsedUp, ShareState::Destroyed]
                .into_iter()
                .map(|state| state_label(state).0)
                .collect();
        assert_eq!(values, ["active", "expired", "used_up", "destroyed"]);
    }
}
