//! Loads and opens the vault's records once per unlock, and shows the failure if that fails.
//! The vault list also refreshes them each time it is shown (stale while revalidating), so edits
//! made in another browser appear without signing in again.

use leptos::prelude::*;

use super::error_banner::ErrorBanner;
use crate::session::Session;
use crate::vault;

/// How many records of the last load could not be decrypted (in context below a [`VaultLoader`]).
#[derive(Debug, Clone, Copy)]
pub struct Unopened(pub ReadSignal<usize>);

/// Shows `children` once the decrypted record list is in the session; with `refresh`, loads it
/// again in the background even when it is there already.
#[component]
pub fn VaultLoader(
    /// Load the list again even when it is there already.
    #[prop(optional)]
    refresh: bool,
    /// What needs the list.
    children: ChildrenFn,
) -> impl IntoView {
    let session = Session::get();
    let error = RwSignal::new(None::<String>);
    let failed = RwSignal::new(0usize);
    provide_context(Unopened(failed.read_only()));
    let load = Action::new_local(move |_: &()| async move {
        match vault::load(session).await {
            Ok((entries, unopened)) => {
                failed.set(unopened);
                session.records.update(|records| *records = Some(vault::reconcile(records.take(), entries)));
            }
            Err(failure) => {
                if !session.check_ended(&failure) {
                    error.set(Some(failure.to_string()));
                }
            }
        }
    });
    if refresh || session.records.with_untracked(Option::is_none) {
        load.dispatch_local(());
    }
    let retry = move |_| {
        error.set(None);
        load.dispatch_local(());
    };
    // Only the switch between loading and loaded re-renders: a refresh that changes the records
    // must keep the children (and their local state, such as an open "New" menu) in place.
    let loaded = Memo::new(move |_| session.records.with(Option::is_some));
    move || {
        if loaded.get() {
            view! {
                <Show when=move || { failed.get() > 0 }>
                    <p class="notice warning" data-testid="vault-unopened">
                        {move || format!(
                            "{} item(s) could not be decrypted and are not shown.",
                            failed.get(),
                        )}
                    </p>
                </Show>
                {children()}
            }
            .into_any()
        } else if error.with(Option::is_some) {
            view! {
                <section class="card">
                    <ErrorBanner message=error testid="vault-error" />
                    <div class="actions">
                        <button type="button" class="secondary" on:click=retry>"Try again"</button>
                    </div>
                </section>
            }
            .into_any()
        } else {
            view! { <p class="card muted" aria-busy="true" data-testid="vault-loading">"Decrypting your vault…"</p> }
                .into_any()
        }
    }
}
