//! `/shares`: the shares this account created while signed in, newest first, with the label and
//! link each was sealed with in this account (opened here with the vault key), what it holds,
//! where it stands, filters by state and a search; "Copy link", its QR code and "Destroy" for
//! live ones. The server keeps only a summary and the sealed notes.

use coffer_shared::api::MyShareList;
use coffer_shared::id::ShareId;
use leptos::prelude::*;

use crate::api::account as api;
use crate::components::error_banner::ErrorBanner;
use crate::components::require_unlocked::RequireUnlocked;
use crate::components::share_row::ShareRow;
use crate::my_shares::{self, Listed, StateFilter};
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

/// The list, loaded when shown.
#[component]
fn SharesList() -> impl IntoView {
    let session = Session::get();
    let list = LocalResource::new(api::my_shares);
    let error = RwSignal::new(None::<String>);
    let confirming = RwSignal::new(None::<ShareId>);
    let filter = RwSignal::new(StateFilter::All);
    let query = RwSignal::new(String::new());
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
    let on_destroy = Callback::new(move |id: ShareId| {
        error.set(None);
        destroy.dispatch_local(id);
    });
    let opened = Memo::new(move |_| {
        list.with(|list| match list {
            Some(Ok(MyShareList { shares })) => Some(Ok(my_shares::open_all(session, shares.clone()))),
            Some(Err(failure)) => Some(Err(failure.to_string())),
            None => None,
        })
    });
    let count = move |wanted: StateFilter| {
        opened.with(|opened| match opened {
            Some(Ok(all)) => all.iter().filter(|listed| wanted.keeps(listed.share.state)).count(),
            _ => 0,
        })
    };
    let chip = move |wanted: StateFilter| {
        view! {
            <button
                type="button"
                class="chip"
                class:active=move || filter.get() == wanted
                aria-pressed=move || if filter.get() == wanted { "true" } else { "false" }
                data-testid=format!("my-shares-filter-{}", wanted.slug())
                on:click=move |_| filter.set(wanted)
            >
                {wanted.label()}
                <span class="count">{move || count(wanted)}</span>
            </button>
        }
    };
    let shown = move |all: &[Listed]| -> Vec<Listed> {
        let (wanted, query) = (filter.get(), query.get());
        all.iter()
            .filter(|listed| wanted.keeps(listed.share.state) && my_shares::matches(listed, &query))
            .cloned()
            .collect()
    };
    view! {
        <section class="card shares" data-testid="my-shares">
            <div class="vault-head">
                <h1>"My shares"</h1>
                <a class="button" href="/" data-testid="my-shares-new">"+ New share"</a>
            </div>
            <p class="muted">
                "Shares you created while signed in. Their labels and links are encrypted with your \
                 vault key: only you can read them."
            </p>
            {move || match opened.get() {
                None => view! { <p class="muted" aria-busy="true">"Loading shares…"</p> }.into_any(),
                Some(Err(failure)) => view! {
                    <ErrorBanner message=Signal::stored(Some(failure)) testid="my-shares-error" />
                }
                .into_any(),
                Some(Ok(all)) if all.is_empty() => view! {
                    <div class="empty" data-testid="my-shares-empty">
                        <h2>"No shares yet"</h2>
                        <p class="muted">"Shares you create while signed in show up here."</p>
                        <a class="button" href="/">"Share a secret"</a>
                    </div>
                }
                .into_any(),
                Some(Ok(all)) => view! {
                    <input
                        type="search"
                        class="search"
                        placeholder="Search by label"
                        aria-label="Search shares by label"
                        data-testid="my-shares-search"
                        prop:value=move || query.get()
                        on:input=move |ev| query.set(event_target_value(&ev))
                    />
                    <div class="chips" role="group" aria-label="Filter by state">
                        {StateFilter::ALL.into_iter().map(chip).collect_view()}
                    </div>
                    {move || {
                        let rows = shown(&all);
                        if rows.is_empty() {
                            view! { <p class="muted" data-testid="my-shares-no-match">"No share matches."</p> }
                                .into_any()
                        } else {
                            view! {
                                <ul class="share-list">
                                    {rows
                                        .into_iter()
                                        .map(|listed| view! {
                                            <ShareRow
                                                listed
                                                confirming
                                                on_destroy
                                                destroying=destroy.pending()
                                            />
                                        })
                                        .collect_view()}
                                </ul>
                            }
                            .into_any()
                        }
                    }}
                }
                .into_any(),
            }}
            <ErrorBanner message=error testid="my-share-error" />
        </section>
    }
}
