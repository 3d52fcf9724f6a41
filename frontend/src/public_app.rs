//! The visitor's app: the create form (`/`) and the reveal page (`/s/<id>`) for someone who is
//! not signed in, and nothing else, so that a first visit loads a small WASM module.
//!
//! `boot.js` starts it on those two addresses when this browser has no session hint (see
//! [`crate::session`]), and the whole app ([`crate::app`]) everywhere else. It has no router:
//! a link from here (sign in, sign up, the management link) loads its page anew, and `boot.js`
//! starts the app that page needs.

use leptos::prelude::*;

use crate::components::toast::Toasts;
use crate::frame::{Frame, MAIN_ID, SignedOutLinks};
use crate::pages::create::CreatePage;
use crate::pages::reveal::RevealPage;
use crate::session::Session;

/// The root component of the visitor's app: the reveal page on `/s/<id>`, else the create page.
#[component]
pub fn PublicApp() -> impl IntoView {
    Session::provide_signed_out();
    Toasts::provide();
    let path = web_sys::window().and_then(|window| window.location().pathname().ok()).unwrap_or_default();
    let page = if path.starts_with("/s/") {
        view! { <RevealPage /> }.into_any()
    } else {
        view! { <CreatePage when_locked=None /> }.into_any()
    };
    view! {
        <Frame nav=|| view! { <SignedOutLinks /> }>
            <main id=MAIN_ID tabindex="-1">{page}</main>
        </Frame>
    }
}
