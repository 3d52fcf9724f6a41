//! The inputs of the record form, bound to its draft: a text member, the authenticator key
//! (checked as it is typed), the identity's documents, the folder (with the vault's folder
//! names to pick from) and the favourite star.

use coffer_shared::crypto::otpauth::OtpAuth;
use coffer_shared::crypto::vault::{Document, RecordFields, VaultRecord};
use leptos::prelude::*;

use crate::fields::FieldKey;
use crate::session::Session;
use crate::vault::RecordType;

/// Why the draft's authenticator key cannot be saved; `None` if it is empty or usable.
pub fn totp_problem(record: &VaultRecord) -> Option<String> {
    let text = FieldKey::Totp.get(record).trim();
    if text.is_empty() {
        return None;
    }
    OtpAuth::parse(text).err().map(|error| {
        let mut message = error.to_string();
        if let Some(first) = message.get_mut(..1) {
            first.make_ascii_uppercase();
        }
        format!("{message}. Paste the otpauth://totp/… link or the key the site shows.")
    })
}

/// One text member bound to the draft. `problem` (the authenticator key's) is shown under it.
pub fn field_input(
    draft: RwSignal<VaultRecord>,
    kind: RecordType,
    key: FieldKey,
    problem: Signal<Option<String>>,
) -> impl IntoView {
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
    let (kind_attr, autocomplete) = key.input_type();
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let described = (key == FieldKey::Totp).then(|| format!("{hint_id} {error_id}"));
    let input = if key.is_multiline() {
        view! {
            <textarea id=id.clone() data-testid=id.clone() class:short=key != FieldKey::Notes prop:value=value on:input=set></textarea>
        }
        .into_any()
    } else if key.is_secret() {
        let shown = RwSignal::new(false);
        view! {
            <div class="input-with-button">
                <input
                    id=id.clone()
                    type=move || if shown.get() { "text" } else { "password" }
                    autocomplete=autocomplete
                    inputmode=key.input_mode()
                    spellcheck="false"
                    autocapitalize="off"
                    data-testid=id.clone()
                    aria-describedby=described
                    aria-invalid=move || (key == FieldKey::Totp && problem.with(Option::is_some)).then_some("true")
                    prop:value=value
                    on:input=set
                />
                <button
                    type="button"
                    class="secondary toggle"
                    aria-pressed=move || if shown.get() { "true" } else { "false" }
                    aria-label=move || format!("{} {}", if shown.get() { "Hide" } else { "Show" }, key.label(kind))
                    on:click=move |_| shown.update(|s| *s = !*s)
                >
                    {move || if shown.get() { "Hide" } else { "Show" }}
                </button>
            </div>
        }
        .into_any()
    } else {
        view! {
            <input
                id=id.clone()
                type=kind_attr
                autocomplete=autocomplete
                inputmode=key.input_mode()
                spellcheck="false"
                data-testid=id.clone()
                prop:value=value
                on:input=set
            />
        }
        .into_any()
    };
    let extra = (key == FieldKey::Totp).then(|| {
        view! {
            <p class="hint muted" id=hint_id>"Paste the otpauth://totp/… link or the base32 key from the site's 2FA setup."</p>
            <p class="field-error" id=error_id data-testid="totp-error" role="alert" hidden=move || problem.with(Option::is_none)>
                {move || problem.get().unwrap_or_default()}
            </p>
        }
    });
    view! {
        <div class="field">
            <label for=id>{key.label(kind)}</label>
            {input}
            {extra}
        </div>
    }
}

/// Edits the identity's documents list in the draft.
pub fn documents_editor(draft: RwSignal<VaultRecord>) -> impl IntoView {
    let with_docs = move |f: &mut dyn FnMut(&mut Vec<Document>)| {
        draft.update(|record| {
            if let RecordFields::Identity { documents, .. } = &mut record.fields {
                f(documents);
            }
        });
    };
    let count = Memo::new(move |_| {
        draft.with(|record| match &record.fields {
            RecordFields::Identity { documents, .. } => documents.len(),
            _ => 0,
        })
    });
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
                    class="secondary small icon"
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
            {move || (0..count.get()).map(row).collect_view()}
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

/// The folder (free text, with the vault's folder names offered) and the favourite star.
pub fn folder_and_favorite(draft: RwSignal<VaultRecord>) -> impl IntoView {
    let session = Session::get();
    let names = Memo::new(move |_| {
        session.records.with(|records| {
            let mut names: Vec<String> = records
                .iter()
                .flatten()
                .map(|entry| entry.record.folder.trim().to_owned())
                .filter(|name| !name.is_empty())
                .collect();
            names.sort_by_key(|name| name.to_lowercase());
            names.dedup();
            names
        })
    });
    let favorite = move || draft.with(|record| record.favorite);
    view! {
        <div class="folder-favorite">
            <div class="field">
                <label for="input-folder">"Folder"</label>
                <input
                    id="input-folder"
                    type="text"
                    list="folder-names"
                    autocomplete="off"
                    placeholder="No folder"
                    data-testid="input-folder"
                    prop:value=move || draft.with(|record| record.folder.clone())
                    on:input=move |ev| {
                        let text = event_target_value(&ev);
                        draft.update(|record| record.folder = text);
                    }
                />
                <datalist id="folder-names">
                    {move || names.get().into_iter().map(|name| view! { <option value=name></option> }).collect_view()}
                </datalist>
            </div>
            <button
                type="button"
                class="secondary star-toggle"
                class:on=favorite
                data-testid="input-favorite"
                aria-pressed=move || if favorite() { "true" } else { "false" }
                on:click=move |_| draft.update(|record| record.favorite = !record.favorite)
            >
                <span class="star" aria-hidden="true">{move || if favorite() { "★" } else { "☆" }}</span>
                " Favourite"
            </button>
        </div>
    }
}
