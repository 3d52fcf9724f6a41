//! The gate in front of the vault and account pages: signed out goes to sign-in (or home, right
//! after the account was deleted), a locked session asks for the passphrase, an unlocked one
//! shows the page.

use leptos::prelude::*;
use leptos_router::components::Redirect;

use crate::pages::unlock::UnlockPage;
use crate::session::{AuthState, Notice, Session};

/// Shows `children` only while the keys are open.
#[component]
pub fn RequireUnlocked(children: ChildrenFn) -> impl IntoView {
    let session = Session::get();
    move || match session.state() {
        AuthState::Checking => {
            view! { <p class="card muted" aria-busy="true" data-testid="session-checking">"Loading…"</p> }
                .into_any()
        }
        AuthState::SignedOut => {
            let deleted = session.notice.get_untracked() == Some(Notice::AccountDeleted);
            view! { <Redirect path=if deleted { "/" } else { "/signin" } /> }.into_any()
        }
        AuthState::Locked => view! { <UnlockPage /> }.into_any(),
        AuthState::Unlocked => children().into_any(),
    }
}
