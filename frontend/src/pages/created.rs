//! The create page's result: the secret link with a QR code, the management link and the expiry.

use leptos::prelude::*;

use crate::components::copy_button::CopyButton;
use crate::components::qr_code::QrCode;
use crate::format;
use crate::share::Created;

/// Shows a created share's links. "Create another" clears `created`, which wipes the links.
#[component]
pub fn CreatedView(
    /// The share just created; `Some` while this view is shown.
    created: RwSignal<Option<Created>>,
) -> impl IntoView {
    let field = move |pick: fn(&Created) -> String| {
        Signal::derive(move || created.with(|c| c.as_ref().map(pick).unwrap_or_default()))
    };
    let link = field(|c| c.link.clone());
    let manage_link = field(|c| c.manage_link.clone());
    let summary = field(|c| {
        format!(
            "Anyone with this link can view the secret {}. It expires {}.",
            format::times(c.max_views),
            format::local_date_time(c.expires_at)
        )
    });
    let has_password = created.with_untracked(|c| c.as_ref().is_some_and(|c| c.has_password));
    let kept = created.with_untracked(|c| c.as_ref().is_some_and(|c| c.kept));
    // The form that had focus is gone: focus moves to the heading, which announces the result.
    let heading = NodeRef::<leptos::html::H1>::new();
    Effect::new(move |_| {
        if let Some(heading) = heading.get() {
            let _ = heading.focus();
        }
    });

    view! {
        <section class="card created">
            <h1 tabindex="-1" node_ref=heading data-testid="created-heading">"Your secret link is ready"</h1>
            <p data-testid="expires-at">{summary}</p>
            <div class="field">
                <label for="share-link">"Secret link"</label>
                <div class="input-with-button">
                    <input
                        id="share-link"
                        class="mono"
                        readonly
                        data-testid="share-link"
                        prop:value=link
                        on:focus=select_all
                    />
                    <CopyButton text=link testid="copy-link" label="Copy link" />
                </div>
            </div>
            {has_password
                .then(|| {
                    view! {
                        <p class="notice">
                            "This secret also needs its password. Send the password another way \
                             (a call, another app), never next to the link."
                        </p>
                    }
                })}
            <QrCode data=link.get_untracked() />
            <p class="muted center">"Scan to open the link on a phone."</p>
            {kept.then(|| view! {
                <p class="muted center" data-testid="created-kept">
                    "The link stays in " <a href="/shares">"My shares"</a>
                    ", encrypted with your vault key, until the share ends."
                </p>
            })}
            <hr />
            <div class="field">
                <label for="manage-link">"Management link (keep it for yourself)"</label>
                <div class="input-with-button">
                    <input
                        id="manage-link"
                        class="mono"
                        readonly
                        data-testid="manage-link"
                        prop:value=manage_link
                        on:focus=select_all
                    />
                    <CopyButton text=manage_link testid="copy-manage-link" label="Copy" />
                </div>
                <p class="muted">
                    "It shows how many views are left and destroys the secret early. It cannot \
                     read the secret."
                </p>
            </div>
            <div class="actions">
                <button type="button" class="secondary" on:click=move |_| created.set(None)>
                    "Create another"
                </button>
            </div>
        </section>
    }
}

/// Selects a read-only input's text, so a tap is enough to copy it by hand.
fn select_all(ev: leptos::ev::FocusEvent) {
    use wasm_bindgen::JsCast;
    if let Some(input) = ev.target().and_then(|target| target.dyn_into::<web_sys::HtmlInputElement>().ok()) {
        input.select();
    }
}
