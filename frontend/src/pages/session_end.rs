//! `/session/end#<token>`: the link in a "new sign-in" e-mail. Loading it changes nothing: it
//! says what will happen, and only a click on "End this session" sends the request, with no
//! session of its own. So a mail scanner that opens links and runs their scripts cannot end the
//! session. The token is read from the fragment, which browsers never send to a server.

use coffer_shared::token::EndLinkToken;
use leptos::prelude::*;

use crate::api::account as api;

/// Where the page stands.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    /// Waiting for the click.
    Asking,
    Working,
    Ended,
    Gone,
    Failed(String),
}

/// The link's token, from the fragment (the server checks its form).
fn token_of_link() -> Option<EndLinkToken> {
    web_sys::window()
        .and_then(|window| window.location().hash().ok())
        .map(|hash| hash.trim_start_matches('#').to_owned())
        .filter(|token| !token.is_empty())
        .map(EndLinkToken::from_text)
}

/// Asks, then ends the session named by the link's token and says so.
#[component]
pub fn SessionEndPage() -> impl IntoView {
    let token = token_of_link();
    let has_token = token.is_some();
    let outcome = RwSignal::new(match token {
        Some(_) => Outcome::Asking,
        None => Outcome::Failed("This link is incomplete: the part after # is missing.".to_owned()),
    });
    let end = Action::new_local(move |_: &()| {
        let token = token.clone();
        async move {
            let Some(token) = token else { return };
            let next = match api::end_session_by_link(&token).await {
                Ok(()) => Outcome::Ended,
                Err(failure) if failure.is_not_found() => Outcome::Gone,
                Err(failure) => Outcome::Failed(failure.to_string()),
            };
            let _ = outcome.try_set(next);
        }
    });
    let on_click = move |_| {
        outcome.set(Outcome::Working);
        end.dispatch_local(());
    };
    view! {
        <section class="card" data-testid="session-end-page">
            <h1>"End a session"</h1>
            {move || match outcome.get() {
                Outcome::Asking => view! {
                    <p data-testid="session-end-ask">
                        "This link signs out the session that the \"New sign-in\" e-mail names, on \
                         whatever device it is. Your other sessions stay signed in."
                    </p>
                    <p class="muted">"Nothing has been done yet."</p>
                    <div class="actions">
                        <button type="button" class="danger" data-testid="session-end-confirm" on:click=on_click>
                            "End this session"
                        </button>
                    </div>
                }
                .into_any(),
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
                    <Show when=move || has_token>
                        <div class="actions">
                            <button type="button" class="secondary" data-testid="session-end-retry" on:click=on_click>
                                "Try again"
                            </button>
                        </div>
                    </Show>
                }
                .into_any(),
            }}
            <a class="button secondary" href="/signin">"Sign in"</a>
        </section>
    }
}
