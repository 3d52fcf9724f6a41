//! `/`: write a secret, choose its password, lifetime and view limit, get a link.

use coffer_shared::api::{DEFAULT_MAX_WRONG_CLAIMS, EXPIRY_OPTIONS, MAX_VIEWS, ServerConfig};
use coffer_shared::crypto::share_note::MAX_LABEL_CHARS;
use leptos::prelude::*;
use zeroize::Zeroize;

use super::created::CreatedView;
use super::unlock::UnlockPage;
use crate::api;
use crate::components::error_banner::ErrorBanner;
use crate::components::file_picker::{Chosen, FilePicker};
use crate::components::kdf_progress::KdfProgress;
use crate::components::password_field::PasswordField;
use crate::components::resume_banner::ResumeBanner;
use crate::components::toast::{ToastKind, Toasts};
use crate::components::transfer_bar::{Transfer, TransferList, report_stage};
use crate::file_share;
use crate::files::draft;
use crate::files::progress::size_text;
use crate::files::upload::{Cancel, Stage};
use crate::format;
use crate::session::{AuthState, Session};
use crate::share::{self, CreateError, Created, NewShare, Phase};
use crate::signer::AccountSigner;

/// The lifetime preselected when the server allows it: one day.
const PREFERRED_EXPIRY: u64 = 86_400;

/// The limits to use now: the server's, or the protocol's defaults while they load or if they
/// could not be loaded (the server checks anyway).
fn limits(config: Option<&Result<ServerConfig, api::ApiError>>) -> ServerConfig {
    match config {
        Some(Ok(config)) => config.clone(),
        _ => ServerConfig {
            expiry_options: EXPIRY_OPTIONS.to_vec(),
            max_views: MAX_VIEWS,
            max_envelope_bytes: usize::MAX,
            max_wrong_claims: DEFAULT_MAX_WRONG_CLAIMS,
            max_file_size: 0,
            places_source: None,
        },
    }
}

/// The preselected lifetime among `options`: one day, else the longest below it, else the first.
fn default_expiry(options: &[u64]) -> u64 {
    options
        .iter()
        .copied()
        .filter(|&option| option <= PREFERRED_EXPIRY)
        .max()
        .or_else(|| options.first().copied())
        .unwrap_or(PREFERRED_EXPIRY)
}

/// The whole app's create page: a locked session is asked for its passphrase before the form.
#[component]
pub fn AccountCreatePage() -> impl IntoView {
    view! { <CreatePage when_locked=Some(ViewFn::from(|| view! { <UnlockPage purpose=LOCKED /> })) /> }
}

/// "New share" was clicked: a create page showing a created share's links goes back to an
/// empty form (the link's path is already the page's, so the router does nothing).
#[derive(Debug, Clone, Copy)]
pub struct FreshShareForm(RwSignal<u32>);

impl FreshShareForm {
    /// Makes the signal and shares it with everything below (the navigation and the pages).
    pub fn provide() {
        provide_context(Self(RwSignal::new(0)));
    }

    /// Asks for an empty form.
    pub fn ask(self) {
        self.0.update(|asked| *asked += 1);
    }
}

/// The create page: the form, then the links once the share exists.
#[component]
pub fn CreatePage(
    /// Shown instead of the form while a signed-in session is locked. Only the visitor's app,
    /// which has no sessions, passes `None` (a locked session would then get the form).
    when_locked: Option<ViewFn>,
) -> impl IntoView {
    let session = Session::get();
    let signed_in = Memo::new(move |_| matches!(session.state(), AuthState::Locked | AuthState::Unlocked));
    let read_receipt = RwSignal::new(false);
    let label = RwSignal::new(String::new());
    let config = LocalResource::new(api::config);
    let text = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let expiry = RwSignal::new(PREFERRED_EXPIRY);
    let views = RwSignal::new("1".to_owned());
    let blur = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    // The text was over the server's limit for a text share: offer to send it as a file.
    let text_too_large = RwSignal::new(false);
    let phase = RwSignal::new(None::<Phase>);
    let created = RwSignal::new(None::<Created>);
    let limits = Memo::new(move |_| config.with(|config| limits(config.as_ref())));
    let files: Chosen = RwSignal::new_local(Vec::new());
    let transfers = RwSignal::new(Vec::<Transfer>::new());
    let cancel = StoredValue::new_local(Cancel::default());
    let has_draft = RwSignal::new(draft::load().is_some());
    let toasts = Toasts::get();

    if let Some(FreshShareForm(asked)) = use_context::<FreshShareForm>() {
        Effect::new(move |before: Option<u32>| {
            let now = asked.get();
            if before.is_some_and(|before| before != now) {
                created.set(None);
            }
            now
        });
    }

    // Keep the selected lifetime among the options the server allows.
    Effect::new(move |_| {
        let options = limits.with(|limits| limits.expiry_options.clone());
        if !options.contains(&expiry.get_untracked()) {
            expiry.set(default_expiry(&options));
        }
    });

    let submit = Action::new_local(move |input: &NewShare| {
        let input = NewShare {
            text: input.text.clone(),
            password: input.password.clone(),
            label: input.label.clone(),
            ..*input
        };
        let chosen = files.get_untracked();
        async move {
            let max_bytes = limits.get_untracked().max_envelope_bytes;
            // Signed in (the form is shown only unlocked then), the share is the account's and
            // signed with its key; otherwise it is anonymous.
            let signer = AccountSigner::current(session);
            let on_phase = |now| phase.set(Some(now));
            let result = if chosen.is_empty() {
                share::create(&input, signer.as_ref(), max_bytes, on_phase).await.map_err(|failure| {
                    if let CreateError::TooLarge { size, limit } = failure {
                        text_too_large.set(true);
                        format!(
                            "This secret is too long for a text share: {} once encrypted, and this \
                             server takes up to {}. Send it as a file instead.",
                            size_text(size as u64),
                            size_text(limit as u64)
                        )
                    } else {
                        failure.to_string()
                    }
                })
            } else {
                let fresh = Cancel::default();
                cancel.set_value(fresh.clone());
                transfers.set(chosen.iter().map(|f| Transfer::new(f.name(), f.size() as u64)).collect());
                let report = move |position: usize, stage: Stage, bytes: u64| {
                    report_stage(transfers, position, stage, bytes)
                };
                let outcome =
                    file_share::create(&input, &chosen, signer.as_ref(), on_phase, &report, &fresh).await;
                has_draft.set(draft::load().is_some());
                outcome.map_err(|e| e.to_string())
            };
            phase.set(None);
            transfers.set(Vec::new());
            match result {
                Ok(share) => {
                    text.update(|t| t.zeroize());
                    password.update(|p| p.zeroize());
                    label.update(|l| l.zeroize());
                    if !chosen.is_empty() {
                        toasts.show(ToastKind::Success, "Files encrypted and uploaded.");
                    }
                    files.set(Vec::new());
                    created.set(Some(share));
                }
                Err(failure) => {
                    if !chosen.is_empty() {
                        toasts.show(ToastKind::Failure, "The upload did not finish.");
                    }
                    error.set(Some(failure));
                }
            }
        }
    });
    let busy = Signal::derive(move || submit.pending().get());
    let config_error = Signal::derive(move || {
        config.with(|config| match config {
            Some(Err(failure)) => Some(format!("Could not load this server's limits. {failure}")),
            _ => None,
        })
    });

    // Moves the text into a file named `secret.txt` among the chosen files.
    let send_as_file = move |_| {
        let Some(file) = text.with_untracked(|text| text_file(text)) else {
            error.set(Some("This browser could not make a file of the text.".to_owned()));
            return;
        };
        files.update(|files| files.push(file));
        text.update(|t| t.zeroize());
        text_too_large.set(false);
        error.set(None);
    };

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        text_too_large.set(false);
        let limits = limits.get_untracked();
        let max_views = views.with_untracked(|v| v.trim().parse::<u32>().ok());
        let max_views = match max_views {
            Some(n) if (1..=limits.max_views).contains(&n) => n,
            _ => {
                error.set(Some(format!("Views must be a whole number from 1 to {}.", limits.max_views)));
                return;
            }
        };
        let no_files = files.with_untracked(Vec::is_empty);
        if no_files && text.with_untracked(|t| t.trim().is_empty()) {
            error.set(Some("Write the secret or add a file to share first.".to_owned()));
            return;
        }
        let too_large = files.with_untracked(|files| {
            files
                .iter()
                .find(|f| limits.max_file_size > 0 && f.size() as u64 > limits.max_file_size)
                .map(|f| f.name())
        });
        if let Some(name) = too_large {
            error.set(Some(format!("{name} is larger than this server accepts.")));
            return;
        }
        submit.dispatch_local(NewShare {
            text: text.get_untracked(),
            password: password.get_untracked(),
            blur: blur.get_untracked(),
            expires_in: expiry.get_untracked(),
            max_views,
            read_receipt: signed_in.get_untracked() && read_receipt.get_untracked(),
            label: if signed_in.get_untracked() { label.get_untracked() } else { String::new() },
        });
    };

    on_cleanup(move || {
        text.try_update(|t| t.zeroize());
        password.try_update(|p| p.zeroize());
        label.try_update(|l| l.zeroize());
        created.try_set(None);
    });

    let form = move || {
        view! {
            <Show when=move || has_draft.get() && !busy.get()>
                <ResumeBanner has_draft created chosen=files />
            </Show>
            <form class="card create" on:submit=on_submit novalidate>
                <h1>"Share a secret"</h1>
                <p class="muted">
                    "Your secret is encrypted in this browser. The server stores only ciphertext \
                     and never sees the key, which travels in the link after the #."
                </p>
                <div class="field">
                    <label for="secret">"Secret"</label>
                    <textarea
                        id="secret"
                        data-testid="secret-input"
                        placeholder="Password, API key, private note…"
                        autocomplete="off"
                        spellcheck="false"
                        prop:value=move || text.get()
                        on:input=move |ev| text.set(event_target_value(&ev))
                        prop:disabled=busy
                    ></textarea>
                </div>
                <FilePicker
                    files
                    disabled=busy
                    max_file_size=Signal::derive(move || limits.get().max_file_size)
                />
                <PasswordField
                    value=password
                    label="Password (optional)"
                    testid="password-input"
                    autocomplete="new-password"
                    disabled=busy
                />
                <div class="row">
                    <div class="field">
                        <label for="expiry">"Expires after"</label>
                        <select
                            id="expiry"
                            data-testid="expiry-select"
                            prop:disabled=busy
                            on:change=move |ev| {
                                if let Ok(seconds) = event_target_value(&ev).parse() {
                                    expiry.set(seconds);
                                }
                            }
                        >
                            {move || {
                                limits
                                    .get()
                                    .expiry_options
                                    .into_iter()
                                    .map(|seconds| {
                                        view! {
                                            <option
                                                value=seconds.to_string()
                                                selected=move || expiry.get() == seconds
                                            >
                                                {format::duration(seconds)}
                                            </option>
                                        }
                                    })
                                    .collect_view()
                            }}
                        </select>
                    </div>
                    <div class="field">
                        <label for="views">"Views"</label>
                        <input
                            id="views"
                            type="number"
                            inputmode="numeric"
                            min="1"
                            max=move || limits.get().max_views.to_string()
                            data-testid="views-input"
                            prop:value=move || views.get()
                            on:input=move |ev| views.set(event_target_value(&ev))
                            prop:disabled=busy
                        />
                    </div>
                </div>
                <p class="muted hint">
                    {move || {
                        if views.get().trim() == "1" {
                            "1 view: burn after reading, deleted once viewed.".to_owned()
                        } else {
                            "Deleted after the last view or when it expires, whichever comes first."
                                .to_owned()
                        }
                    }}
                </p>
                <label class="inline">
                    <input
                        type="checkbox"
                        data-testid="blur-checkbox"
                        prop:checked=move || blur.get()
                        on:change=move |ev| blur.set(event_target_checked(&ev))
                        prop:disabled=busy
                    />
                    "Blur the secret until the reader clicks it"
                </label>
                <Show when=move || signed_in.get()>
                    <div class="field">
                        <label for="share-label">"Label, for you only"</label>
                        <input
                            id="share-label"
                            type="text"
                            data-testid="share-label"
                            maxlength=MAX_LABEL_CHARS.to_string()
                            autocomplete="off"
                            placeholder="Wi-Fi for Sam"
                            aria-describedby="share-label-hint"
                            prop:value=move || label.get()
                            on:input=move |ev| label.set(event_target_value(&ev))
                            prop:disabled=busy
                        />
                        <p class="muted hint" id="share-label-hint">
                            "Encrypted with your vault key and kept with the link in My shares. \
                             The reader never sees it."
                        </p>
                    </div>
                    <label class="inline">
                        <input
                            type="checkbox"
                            data-testid="read-receipt"
                            prop:checked=move || read_receipt.get()
                            on:change=move |ev| read_receipt.set(event_target_checked(&ev))
                            prop:disabled=busy
                        />
                        "E-mail me when it is opened"
                    </label>
                </Show>
                {move || {
                    session
                        .with_unlocked_tracked(|unlocked| unlocked.email.clone())
                        .map(|email| {
                            view! {
                                <p class="muted hint" data-testid="create-signed-as">
                                    "Signed with your key as " <strong>{email}</strong>
                                    ". The reader sees your address and your key's fingerprint."
                                </p>
                            }
                        })
                }}
                <ErrorBanner message=config_error testid="config-error" />
                <ErrorBanner message=error testid="create-error" />
                <Show when=move || text_too_large.get() && !busy.get()>
                    <button type="button" class="secondary" data-testid="send-as-file" on:click=send_as_file>
                        "Send it as a file"
                    </button>
                </Show>
                <Show when=move || phase.get() == Some(Phase::Strengthening)>
                    <KdfProgress />
                </Show>
                <Show when=move || !transfers.with(Vec::is_empty)>
                    <TransferList
                        transfers
                        on_cancel=Callback::new(move |()| cancel.with_value(|cancel| cancel.set(true)))
                    />
                </Show>
                <div class="actions">
                    <button type="submit" data-testid="create-button" prop:disabled=busy>
                        {move || {
                            if !busy.get() {
                                "Create secret link"
                            } else if phase.get() == Some(Phase::Strengthening) {
                                "Strengthening the password…"
                            } else if !transfers.with(Vec::is_empty) {
                                "Uploading…"
                            } else {
                                "Encrypting…"
                            }
                        }}
                    </button>
                </div>
            </form>
        }
    };

    move || {
        if created.with(Option::is_some) {
            view! { <CreatedView created=created /> }.into_any()
        } else if let (AuthState::Locked, Some(locked)) = (session.state(), &when_locked) {
            // A signed-in account's share is signed with its key, which the passphrase opens.
            locked.run().into_any()
        } else {
            form().into_any()
        }
    }
}

/// A `text/plain` file named `secret.txt` holding `text`, for a secret too long to share as text.
fn text_file(text: &str) -> Option<web_sys::File> {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::FilePropertyBag::new();
    options.set_type("text/plain;charset=utf-8");
    web_sys::File::new_with_str_sequence_and_options(&parts, "secret.txt", &options).ok()
}

/// Why the create page asks a locked session for its passphrase.
const LOCKED: &str = "Shares you create while signed in are signed with your key, so that readers \
                      can tell they come from you. Unlock to create one, or sign out to share \
                      anonymously.";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preselects_one_day_or_the_longest_shorter_option() {
        assert_eq!(default_expiry(&EXPIRY_OPTIONS), 86_400);
        assert_eq!(default_expiry(&[300, 3_600]), 3_600);
        assert_eq!(default_expiry(&[604_800, 2_592_000]), 604_800);
        assert_eq!(default_expiry(&[]), PREFERRED_EXPIRY);
    }
}
