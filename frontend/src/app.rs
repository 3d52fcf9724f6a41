//! The whole app's root: its routes and the header's account links.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::hooks::use_navigate;
use leptos_router::path;

use crate::components::lock_button::LockButton;
use crate::components::notice_bar::NoticeBar;
use crate::components::toast::Toasts;
use crate::frame::{Frame, SignedOutLinks};
use crate::pages::account::AccountPage;
use crate::pages::activity::ActivityPage;
use crate::pages::create::AccountCreatePage;
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
    AutoLock::provide(session, Toasts::get());
    view! {
        <Router>
            <Frame nav=|| view! { <Nav /> }>
                <NoticeBar />
                <main>
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
                    </Routes>
                </main>
            </Frame>
        </Router>
    }
}

/// The header's links: the vault, my shares, the account, sign-out and (unlocked) Lock now when
/// signed in; else sign-in and sign-up.
#[component]
fn Nav() -> impl IntoView {
    let session = Session::get();
    let navigate = use_navigate();
    let sign_out = move |_| {
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            session.sign_out().await;
            navigate("/signin", Default::default());
        });
    };
    move || match session.state() {
        AuthState::Checking => ().into_any(),
        state @ (AuthState::Locked | AuthState::Unlocked) => view! {
            <a href="/vault" data-testid="nav-vault">"Vault"</a>
            <a href="/shares" data-testid="nav-shares">"Shares"</a>
            <a href="/activity" data-testid="nav-activity">"Activity"</a>
            <a href="/account" data-testid="nav-account">"Account"</a>
            {(state == AuthState::Unlocked).then(|| view! { <LockButton /> })}
            <button type="button" class="link" data-testid="nav-signout" on:click=sign_out.clone()>
                "Sign out"
            </button>
        }
        .into_any(),
        AuthState::SignedOut => view! { <SignedOutLinks /> }.into_any(),
    }
}
