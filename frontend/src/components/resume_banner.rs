//! The notice of an upload that did not finish, with the way to continue it (select the same
//! files again) or to discard it.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::components::error_banner::ErrorBanner;
use crate::components::file_picker::Chosen;
use crate::components::toast::{ToastKind, Toasts};
use crate::components::transfer_bar::{Transfer, TransferList, report_stage};
use crate::file_share;
use crate::files::draft;
use crate::files::progress::size_text;
use crate::files::upload::{Cancel, Stage};
use crate::session::Session;
use crate::share::Created;
use crate::signer::AccountSigner;

/// Offers to continue the draft in local storage; sets `created` when the share is made and
/// `has_draft` to false once the draft is gone.
#[component]
pub fn ResumeBanner(
    /// Whether a draft is kept; set to false once it is gone.
    has_draft: RwSignal<bool>,
    /// Set to the share once it is created.
    created: RwSignal<Option<Created>>,
    /// The files chosen on the page: when they are the draft's (the upload failed in this tab),
    /// they continue it without choosing them again.
    chosen: Chosen,
) -> impl IntoView {
    let session = Session::get();
    let toasts = Toasts::get();
    let summary = draft::load()
        .map(|draft| {
            let names: Vec<String> =
                draft.files.iter().map(|file| format!("{} ({})", file.name, size_text(file.size))).collect();
            names.join(", ")
        })
        .unwrap_or_default();
    let error = RwSignal::new(None::<String>);
    let transfers = RwSignal::new(Vec::<Transfer>::new());
    let cancel = StoredValue::new_local(Cancel::default());

    let resume = Action::new_local(move |files: &Vec<web_sys::File>| {
        let files = files.clone();
        async move {
            let Some(draft) = draft::load() else {
                has_draft.set(false);
                return;
            };
            let fresh = Cancel::default();
            cancel.set_value(fresh.clone());
            transfers
                .set(draft.files.iter().map(|file| Transfer::new(file.name.clone(), file.size)).collect());
            let report = move |position: usize, stage: Stage, bytes: u64| {
                report_stage(transfers, position, stage, bytes);
            };
            let csrf = session.any_csrf();
            let signer = AccountSigner::current(session);
            let result =
                file_share::resume(draft, &files, csrf.as_deref(), signer.as_ref(), &report, &fresh).await;
            transfers.set(Vec::new());
            has_draft.set(draft::load().is_some());
            match result {
                Ok(share) => {
                    toasts.show(ToastKind::Success, "Upload finished.");
                    created.set(Some(share));
                }
                Err(failure) => {
                    toasts.show(ToastKind::Failure, "The upload did not finish.");
                    error.set(Some(failure.to_string()));
                }
            }
        }
    });
    let busy = Signal::derive(move || resume.pending().get());
    let on_pick = move |ev: leptos::ev::Event| {
        let input: Option<web_sys::HtmlInputElement> = ev.target().and_then(|t| t.dyn_into().ok());
        let Some(list) = input.as_ref().and_then(web_sys::HtmlInputElement::files) else { return };
        let files: Vec<web_sys::File> = (0..list.length()).filter_map(|i| list.get(i)).collect();
        error.set(None);
        resume.dispatch_local(files);
    };
    let discard = move |_| {
        error.set(None);
        leptos::task::spawn_local(async move {
            if let Some(draft) = draft::load()
                && let Err(failure) = file_share::discard(&draft).await
            {
                error.set(Some(failure.to_string()));
                return;
            }
            has_draft.set(false);
        });
    };

    view! {
        <section class="card resume" data-testid="resume-banner">
            <h2>"An upload did not finish"</h2>
            <p>{summary}</p>
            <p class="muted">
                "Choose the same files again to continue where it stopped. Only the missing parts \
                 are sent; the files are checked to be the same first."
            </p>
            <ErrorBanner message=error testid="resume-error" />
            <Show when=move || !transfers.with(Vec::is_empty)>
                <TransferList
                    transfers
                    on_cancel=Callback::new(move |()| cancel.with_value(|cancel| cancel.set(true)))
                />
            </Show>
            <div class="actions">
                <Show when=move || !chosen.with(Vec::is_empty)>
                    <button
                        type="button"
                        data-testid="resume-chosen"
                        prop:disabled=busy
                        on:click=move |_| {
                            error.set(None);
                            resume.dispatch_local(chosen.get_untracked());
                        }
                    >
                        "Continue the upload"
                    </button>
                </Show>
                <label class="button" class:secondary=move || !chosen.with(Vec::is_empty)>
                    "Choose the files to continue"
                    <input
                        type="file"
                        multiple
                        class="visually-hidden"
                        data-testid="resume-input"
                        prop:disabled=busy
                        on:change=on_pick
                    />
                </label>
                <button type="button" class="secondary" data-testid="resume-discard" prop:disabled=busy on:click=discard>
                    "Discard"
                </button>
            </div>
        </section>
    }
}
