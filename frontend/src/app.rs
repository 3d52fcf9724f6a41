//! The whole app's root: its routes and the navigation (a sidebar on wide screens once signed
//! in, with "New share" always one click away).

use leptos::prelude::*;
use leptos_router::components::{A, Route, Router, Routes};
use leptos_router::hooks::use_navigate;
use leptos_router::path;

use crate::components::lock_button::LockButton;
use crate::components::notice_bar::NoticeBar;
use crate::components::toast::Toasts;
use crate::frame::{Frame, MAIN_ID, SignedOutLinks};
use crate::pages::about::AboutPage;
use crate::pages::account::AccountPage;
use crate::pages::activity::ActivityPage;
use crate::pages::create::{AccountCreatePage, FreshShareForm};
use crate::pages::manage::ManagePage;
use crate::pages::not_found::NotFoundPage;
use crate::pages::record::{NewRecordPage, RecordPage};
use crate::pages::reveal::RevealPage;
use crate::pages::session_end::SessionEndPage;
use crate::pages::shares::SharesPage;
use crate::pages::signin::SigninPage;
use crate::pages::signup::SignupPage;
use crate::pages::vault::VaultPage;
use crate::session::auto_lock::AutoLock;
use crate::session::{AuthState, Session};

/// The root component of the whole app: the session, the frame and every route.
#[component]
pub fn App() -> impl IntoView {
    let session = Session::provide();
    Toasts::provide();
    FreshShareForm::provide();
    AutoLock::provide(session, Toasts::get());
    let shell = Signal::derive(move || matches!(session.state(), AuthState::Locked | AuthState::Unlocked));
    view! {
        <Router>
            <Frame nav=|| view! { <Nav /> } shell>
                <NoticeBar />
                <main id=MAIN_ID tabindex="-1">
                    <Routes fallback=|| view! { <NotFoundPage /> }>
                        <Route path=path!("/") view=AccountCreatePage />
                        <Route path=path!("/s/:id") view=RevealPage />
                        <Route path=path!("/m/:id") view=ManagePage />
                        <Route path=path!("/signup") view=SignupPage />
                        <Route path=path!("/signin") view=SigninPage />
                        <Route path=path!("/vault") view=VaultPage />
                        <Route path=path!("/vault/new/:kind") view=NewRecordPage />
                        <Route path=path!("/vault/:id") view=RecordPage />
                        <Route path=path!("/account") view=AccountPage />
                        <Route path=path!("/shares") view=SharesPage />
                        <Route path=path!("/activity") view=ActivityPage />
                        <Route path=path!("/session/end") view=SessionEndPage />
                        <Route path=path!("/about") view=AboutPage />
                    </Routes>
                </main>
            </Frame>
        </Router>
    }
}

/// The navigation: signed in, the vault, my shares, a new share, the activity, the account,
/// (unlocked) Lock now and sign-out, the current page marked with `aria-current`; else sign-in
/// and sign-up.
#[component]
fn Nav() -> impl IntoView {
    let session = Session::get();
    let navigate = use_navigate();
    let fresh_form = use_context::<FreshShareForm>();
    let sign_out = move |_| {
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            session.sign_out().await;
            navigate("/signin", Default::default());
        });
    };
    move || {
        match session.state() {
        AuthState::Checking => ().into_any(),
        state @ (AuthState::Locked | AuthState::Unlocked) => view! {
            <ul class="nav-links">
                <li><A href="/vault" attr:data-testid="nav-vault">"Vault"</A></li>
                <li><A href="/shares" attr:data-testid="nav-shares">"Shares"</A></li>
                <li>
                    <A href="/" exact=true attr:data-testid="nav-new-share" on:click=move |_| fresh_form.map(FreshShareForm::ask).unwrap_or(())>
                        "New share"
                    </A>
                </li>
                <li><A href="/activity" attr:data-testid="nav-activity">"Activity"</A></li>
                <li><A href="/account" attr:data-testid="nav-account">"Account"</A></li>
            </ul>
            <div class="nav-session">
                {(state == AuthState::Unlocked).then(|| view! { <LockButton /> })}
                <button type="button" class="link" data-testid="nav-signout" on:click=sign_out.clone()>
                    "Sign out"
                </button>
            </div>
        }
        .into_any(),
        AuthState::SignedOut => view! { <SignedOutLinks /> }.into_any(),
    }
    }
}
