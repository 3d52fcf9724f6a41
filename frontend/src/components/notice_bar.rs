//! The app-wide notice under the header ("Your session has ended", "account deleted"). When a
//! session ends elsewhere, it also takes the page to sign-in.

use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate};

use crate::session::{Notice, Session};

/// Shows the session's notice, with a dismiss button.
#[component]
pub fn NoticeBar() -> impl IntoView {
    let session = Session::get();
    let navigate = use_navigate();
    let location = use_location();
    Effect::new(move |_| {
        if session.notice.get() == Some(Notice::SessionEnded)
            && location.pathname.get_untracked() != "/signin"
        {
            navigate("/signin", Default::default());
        }
    });
    move || {
        session.notice.get().map(|notice| {
            view! {
                <div class="notice app-notice" role="status" data-testid="app-notice">
                    <span data-testid=match notice {
                        Notice::SessionEnded => "session-ended",
                        Notice::AccountDeleted => "account-deleted",
                    }>{notice.text()}</span>
                    <button
                        type="button"
                        class="link"
                        aria-label="Dismiss"
                        data-testid="app-notice-dismiss"
                        on:click=move |_| session.notice.set(None)
                    >
                        "Dismiss"
                    </button>
                </div>
            }
        })
    }
}
