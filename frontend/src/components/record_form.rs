//! The form that creates or edits a record: the members of its type, the identity documents,
//! the password generator for logins, "sensitive", and the conflict view when someone saved
//! first.

use coffer_shared::crypto::vault::{Document, RecordFields, VaultRecord};
use coffer_shared::id::RecordId;
use leptos::prelude::*;

use super::conflict_view::ConflictView;
use super::error_banner::ErrorBanner;
use super::password_generator::PasswordGenerator;
use crate::fields::FieldKey;
use crate::session::Session;
use crate::vault::{self, Entry, RecordType, SaveError};

/// One text member bound to the draft.
fn field_input(draft: RwSignal<VaultRecord>, kind: RecordType, key: FieldKey) -> impl IntoView {
    let id = format!("input-{}", key.slug());
    let value = move || draft.with(|record| key.get(record).to_owned());
    let set = move |ev: leptos::ev::Event| {
        let text = event_target_value(&ev);
        draft.update(|record| {
            if let Some(member) = key.get_mut(record) {
                *member = text;
            }
        });
    };
    let input = if key.is_multiline() {
        view! {
            <textarea id=id.clone() data-testid=id.clone() class:short=key != FieldKey::Notes prop:value=value on:input=set></textarea>
        }
        .into_any()
    } else if key.is_secret() {
        let shown = RwSignal::new(false);
        let (_, autocomplete) = key.input_type();
        view! {
            <div class="input-with-button">
                <input
                    id=id.clone()
                    type=move || if shown.get() { "text" } else { "password" }
                    autocomplete=autocomplete
                    spellcheck="false"
                    data-testid=id.clone()
                    prop:value=value
                    on:input=set
                />
                <button type="button" class="secondary toggle" on:click=move |_| shown.update(|s| *s = !*s)>
                    {move || if shown.get() { "Hide" } else { "Show" }}
                </button>
            </div>
        }
        .into_any()
    } else {
        let (kind_attr, autocomplete) = key.input_type();
        view! {
            <input
                id=id.clone()
                type=kind_attr
                autocomplete=autocomplete
                spellcheck="false"
                data-testid=id.clone()
                prop:value=value
                on:input=set
            />
        }
        .into_any()
    };
    view! {
        <div class="field">
            <label for=id>{key.label(kind)}</label>
            {input}
        </div>
    }
}

/// Edits the identity's documents list in the draft.
fn documents_editor(draft: RwSignal<VaultRecord>) -> impl IntoView {
    let with_docs = move |f: &mut dyn FnMut(&mut Vec<Document>)| {
        draft.update(|record| {
            if let RecordFields::Identity { documents, .. } = &mut record.fields {
                f(documents);
            }
        });
    };
    let count = move || {
        draft.with(|record| match &record.fields {
            RecordFields::Identity { documents, .. } => documents.len(),
            _ => 0,
        })
    };
    let get = move |index: usize, number: bool| {
        draft.with(|record| match &record.fields {
            RecordFields::Identity { documents, .. } => documents
                .get(index)
                .map(|doc| if number { doc.number.clone() } else { doc.label.clone() })
                .unwrap_or_default(),
            _ => String::new(),
        })
    };
    let row = move |index: usize| {
        let set = move |number: bool| {
            move |ev: leptos::ev::Event| {
                let text = event_target_value(&ev);
                with_docs(&mut |docs| {
                    if let Some(doc) = docs.get_mut(index) {
                        if number { doc.number = text.clone() } else { doc.label = text.clone() }
                    }
                });
            }
        };
        view! {
            <div class="document-row" data-testid="document-row">
                <input
                    placeholder="Passport, ID card…"
                    aria-label="Document"
                    data-testid=format!("document-label-{index}")
                    prop:value=move || get(index, false)
                    on:input=set(false)
                />
                <input
                    type="password"
                    autocomplete="off"
                    placeholder="Number"
                    aria-label="Document number"
                    data-testid=format!("document-number-{index}")
                    prop:value=move || get(index, true)
                    on:input=set(true)
                />
                <button
                    type="button"
                    class="secondary small"
                    aria-label="Remove document"
                    on:click=move |_| with_docs(&mut |docs| {
                        if index < docs.len() {
                            docs.remove(index);
                        }
                    })
                >
                    "✕"
                </button>
            </div>
        }
    };
    view! {
        <fieldset class="documents">
            <legend>"Documents"</legend>
            {move || (0..count()).map(row).collect_view()}
            <button
                type="button"
                class="secondary small"
                data-testid="document-add"
                on:click=move |_| with_docs(&mut |docs| docs.push(Document::default()))
            >
                "+ Add document"
            </button>
        </fieldset>
    }
}

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
    let error = RwSignal::new(None::<String>);
    let conflict = RwSignal::new(None::<Entry>);
    let generator = RwSignal::new(false);
    let save = Action::new_local(move |_: &()| {
        let record = draft.get_untracked();
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
                    on:click=move |_| generator.update(|open| *open = !*open)
                >
                    {move || if generator.get() { "Close generator" } else { "Generate password" }}
                </button>
                <Show when=move || generator.get()>
                    <PasswordGenerator on_use=use_password />
                </Show>
            }
        });
        let documents =
            (key == FieldKey::Notes && kind == RecordType::Identity).then(|| documents_editor(draft));
        view! {
            {documents}
            {field_input(draft, kind, key)}
            {generator_toggle}
        }
    });
    view! {
        <form
            class="record-form"
            data-testid="record-form"
            data-type=kind.slug()
            on:submit=move |ev| {
                ev.prevent_default();
                error.set(None);
                save.dispatch_local(());
            }
        >
            {fields.collect_view()}
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
