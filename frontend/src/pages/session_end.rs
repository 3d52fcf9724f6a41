//! `/session/end#<token>`: the link in a "new sign-in" e-mail. It ends that one session at
//! once, with no session of its own; the token is read from the fragment, which browsers never
//! send to a server.

use leptos::prelude::*;

use crate::api::account as api;

/// What happened to the session.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    Working,
    Ended,
    Gone,
    Failed(String),
}

/// Ends the session named by the link's token and says so.
#[component]
pub fn SessionEndPage() -> impl IntoView {
    let outcome = RwSignal::new(Outcome::Working);
    let token = web_sys::window()
        .and_then(|window| window.location().hash().ok())
        .map(|hash| hash.trim_start_matches('#').to_owned())
        .filter(|token| !token.is_empty());
    match token {
        None => {
            outcome.set(Outcome::Failed("This link is incomplete: the part after # is missing.".to_owned()))
        }
        Some(token) => leptos::task::spawn_local(async move {
            let next = match api::end_session_by_link(&token).await {
                Ok(()) => Outcome::Ended,
                Err(failure) if failure.is_not_found() => Outcome::Gone,
                Err(failure) => Outcome::Failed(failure.to_string()),
            };
            let _ = outcome.try_set(next);
        }),
    }
    view! {
        <section class="card" data-testid="session-end-page">
            <h1>"End a session"</h1>
            {move || match outcome.get() {
                Outcome::Working => view! { <p class="muted" aria-busy="true">"Ending the session…"</p> }.into_any(),
                Outcome::Ended => view! {
                    <p class="success" data-testid="session-end-result" data-outcome="ended">
                        "Done: that session is signed out."
                    </p>
                    <p class="muted">
                        "If it was not you, sign in and change your passphrase, and turn on an authenticator."
                    </p>
                }
                .into_any(),
                Outcome::Gone => view! {
                    <p class="notice" data-testid="session-end-result" data-outcome="gone">
                        "That session has already ended, or this link was used before."
                    </p>
                }
                .into_any(),
                Outcome::Failed(message) => view! {
                    <p class="error" role="alert" data-testid="session-end-error">{message}</p>
                }
                .into_any(),
            }}
            <a class="button secondary" href="/signin">"Sign in"</a>
        </section>
    }
}
