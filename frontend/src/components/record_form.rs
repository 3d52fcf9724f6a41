//! The form that creates or edits a record: folder and favourite, the members of its type, a
//! login's websites and authenticator key (checked before saving), the password generator,
//! identity documents, custom fields, "sensitive", and the conflict view when someone saved
//! first. Saving moves a replaced password into the login's history.

use coffer_shared::crypto::vault::{RecordFields, VaultRecord};
use coffer_shared::id::RecordId;
use leptos::prelude::*;

use super::conflict_view::ConflictView;
use super::custom_fields::CustomFieldsEditor;
use super::error_banner::ErrorBanner;
use super::password_generator::PasswordGenerator;
use super::record_inputs::{documents_editor, field_input, folder_and_favorite, totp_problem};
use super::url_list::UrlEditor;
use crate::fields::FieldKey;
use crate::session::Session;
use crate::vault::{self, Entry, RecordType, SaveError, edit, history};

/// The editor. `base` is `None` for a new record, else the id and the revision being edited.
#[component]
pub fn RecordForm(
    /// The record being edited (a working copy, wiped by the page when it is left).
    draft: RwSignal<VaultRecord>,
    /// The id and revision the edit started from.
    base: RwSignal<Option<(RecordId, u64)>>,
    /// Runs with the record's id after it was saved (or the stored version was taken).
    on_done: Callback<RecordId>,
    /// Runs on "Cancel".
    on_cancel: Callback<()>,
) -> impl IntoView {
    let session = Session::get();
    let kind = draft.with_untracked(|record| RecordType::of(&record.fields));
    // The record as the edit started, for the password history; dropped (and wiped) with the form.
    let before = StoredValue::new(draft.get_untracked());
    let error = RwSignal::new(None::<String>);
    let conflict = RwSignal::new(None::<Entry>);
    let generator = RwSignal::new(false);
    let checked = RwSignal::new(false);
    let problem = Memo::new(move |_| draft.with(totp_problem));
    let shown_problem = Signal::derive(move || if checked.get() { problem.get() } else { None });
    let save = Action::new_local(move |_: &()| {
        let record = before
            .with_value(|before| draft.with_untracked(|draft| edit::prepare(before, draft, vault::now())));
        let from = base.get_untracked();
        async move {
            match vault::save(session, from, record).await {
                Ok(entry) => {
                    let id = entry.id.clone();
                    vault::remember(session, entry);
                    on_done.run(id);
                }
                Err(SaveError::Conflict(current)) => conflict.set(Some(*current)),
                Err(SaveError::Locked) => {
                    error.set(Some("The vault is locked. Unlock it and save again.".to_owned()))
                }
                Err(SaveError::Api(failure)) => error.set(Some(failure.to_string())),
            }
        }
    });
    let busy = save.pending();
    let keep_mine = Callback::new(move |()| {
        if let Some(current) = conflict.get_untracked() {
            // A password set by the stored version is not lost: it joins this edit's history
            // (the one the edit started from is added when saving).
            if let RecordFields::Login { password, .. } = &current.record.fields
                && before.with_value(|before| FieldKey::Password.get(before) != password)
            {
                draft.update(|draft| history::note_replaced(draft, password, vault::now()));
            }
            base.set(Some((current.id.clone(), current.revision)));
            conflict.set(None);
            save.dispatch_local(());
        }
    });
    let take_theirs = Callback::new(move |()| {
        if let Some(current) = conflict.get_untracked() {
            let id = current.id.clone();
            vault::remember(session, current);
            conflict.set(None);
            on_done.run(id);
        }
    });
    let use_password = Callback::new(move |password: String| {
        draft.update(|record| {
            if let Some(member) = FieldKey::Password.get_mut(record) {
                *member = password;
            }
        });
        generator.set(false);
    });
    let fields = FieldKey::of(kind).iter().map(|&key| {
        let generator_toggle = (key == FieldKey::Password).then(|| {
            view! {
                <button
                    type="button"
                    class="secondary small"
                    data-testid="generator-toggle"
                    aria-expanded=move || if generator.get() { "true" } else { "false" }
                    on:click=move |_| generator.update(|open| *open = !*open)
                >
                    {move || if generator.get() { "Close generator" } else { "Generate password" }}
                </button>
                <Show when=move || generator.get()>
                    <PasswordGenerator on_use=use_password />
                </Show>
            }
        });
        let before_notes = (key == FieldKey::Notes).then(|| match kind {
            RecordType::Identity => documents_editor(draft).into_any(),
            RecordType::Login => view! { <UrlEditor draft /> }.into_any(),
            _ => ().into_any(),
        });
        let after_name = (key == FieldKey::Name).then(|| folder_and_favorite(draft));
        view! {
            {before_notes}
            {field_input(draft, kind, key, shown_problem)}
            {after_name}
            {generator_toggle}
        }
    });
    view! {
        <form
            class="record-form"
            data-testid="record-form"
            data-type=kind.slug()
            novalidate
            on:submit=move |ev| {
                ev.prevent_default();
                error.set(None);
                checked.set(true);
                if problem.with_untracked(Option::is_some) {
                    if let Some(input) = document().get_element_by_id("input-totp")
                        && let Ok(input) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(input)
                    {
                        let _ = input.focus();
                    }
                    return;
                }
                save.dispatch_local(());
            }
        >
            {fields.collect_view()}
            <CustomFieldsEditor draft />
            <label class="inline">
                <input
                    type="checkbox"
                    data-testid="input-sensitive"
                    prop:checked=move || draft.with(|record| record.sensitive)
                    on:change=move |ev| draft.update(|record| record.sensitive = event_target_checked(&ev))
                />
                "Sensitive: ask for the passphrase before showing it"
            </label>
            <ErrorBanner message=error testid="record-error" />
            {move || {
                conflict
                    .with(|current| current.as_ref().map(|current| current.record.clone()))
                    .map(|theirs| {
                        view! { <ConflictView mine=draft.get_untracked() theirs keep_mine take_theirs /> }
                    })
            }}
            <div class="actions">
                <button type="submit" data-testid="record-save" prop:disabled=busy>
                    {move || if busy.get() { "Saving…" } else { "Save" }}
                </button>
                <button type="button" class="secondary" data-testid="record-cancel" on:click=move |_| on_cancel.run(())>
                    "Cancel"
                </button>
            </div>
        </form>
    }
}
