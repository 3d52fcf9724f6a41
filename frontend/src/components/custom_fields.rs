//! A record's custom fields: the form's rows (name, kind, value; add and remove) and the view
//! (text as typed, hidden masked with reveal and copy like a password, a switch as Yes or No).

use coffer_shared::crypto::vault::{CustomField, FieldKind, VaultRecord};
use coffer_shared::id::RecordId;
use leptos::prelude::*;

use super::field_view::FieldView;
use super::record_view::read;
use crate::session::Session;

/// The kinds in the order the select lists them, with their labels and `value`s.
const KINDS: [(FieldKind, &str, &str); 3] = [
    (FieldKind::Text, "text", "Text"),
    (FieldKind::Hidden, "hidden", "Hidden"),
    (FieldKind::Boolean, "boolean", "Yes / no"),
];

/// The select's value of a kind.
fn kind_value(kind: FieldKind) -> &'static str {
    KINDS.iter().find(|(k, _, _)| *k == kind).map_or("hidden", |(_, value, _)| value)
}

/// How a field's value reads in the view: a switch is "Yes" or "No".
pub fn shown_value(field: &CustomField) -> String {
    match field.kind {
        FieldKind::Boolean if field.value == "true" => "Yes".to_owned(),
        FieldKind::Boolean => "No".to_owned(),
        _ => field.value.clone(),
    }
}

/// Edits the draft's custom fields.
#[component]
pub fn CustomFieldsEditor(
    /// The record being edited.
    draft: RwSignal<VaultRecord>,
) -> impl IntoView {
    let edit = move |index: usize, f: &mut dyn FnMut(&mut CustomField)| {
        draft.update(|record| {
            if let Some(field) = record.custom_fields.get_mut(index) {
                f(field);
            }
        });
    };
    let count = Memo::new(move |_| draft.with(|record| record.custom_fields.len()));
    let row = move |index: usize| {
        let get = move |f: fn(&CustomField) -> String| {
            draft.with(|record| record.custom_fields.get(index).map(f).unwrap_or_default())
        };
        let kind = Memo::new(move |_| {
            draft.with(|record| record.custom_fields.get(index).map_or(FieldKind::Text, |field| field.kind))
        });
        let (name_id, kind_id, value_id) =
            (format!("custom-name-{index}"), format!("custom-kind-{index}"), format!("custom-value-{index}"));
        let shown = RwSignal::new(false);
        let value_input = {
            let value_id = value_id.clone();
            move || {
                let value_id = value_id.clone();
                match kind.get() {
                    FieldKind::Boolean => view! {
                        <input
                            id=value_id.clone()
                            type="checkbox"
                            data-testid=value_id
                            prop:checked=move || get(|field| field.value.clone()) == "true"
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                edit(index, &mut |field| field.value = on.to_string());
                            }
                        />
                    }
                    .into_any(),
                    kind => view! {
                        <div class="input-with-button">
                            <input
                                id=value_id.clone()
                                type=move || if kind == FieldKind::Hidden && !shown.get() { "password" } else { "text" }
                                autocomplete="off"
                                spellcheck="false"
                                data-testid=value_id
                                prop:value=move || get(|field| field.value.clone())
                                on:input=move |ev| {
                                    let text = event_target_value(&ev);
                                    edit(index, &mut |field| field.value.clone_from(&text));
                                }
                            />
                            {(kind == FieldKind::Hidden).then(|| view! {
                                <button
                                    type="button"
                                    class="secondary toggle"
                                    aria-pressed=move || if shown.get() { "true" } else { "false" }
                                    aria-label=move || if shown.get() { "Hide value" } else { "Show value" }
                                    on:click=move |_| shown.update(|s| *s = !*s)
                                >
                                    {move || if shown.get() { "Hide" } else { "Show" }}
                                </button>
                            })}
                        </div>
                    }
                    .into_any(),
                }
            }
        };
        view! {
            <div class="custom-row" data-testid="custom-row">
                <div class="field">
                    <label for=name_id.clone()>"Field name"</label>
                    <input
                        id=name_id.clone()
                        type="text"
                        autocomplete="off"
                        data-testid=name_id
                        prop:value=move || get(|field| field.name.clone())
                        on:input=move |ev| {
                            let text = event_target_value(&ev);
                            edit(index, &mut |field| field.name.clone_from(&text));
                        }
                    />
                </div>
                <div class="field">
                    <label for=kind_id.clone()>"Kind"</label>
                    <select
                        id=kind_id.clone()
                        data-testid=kind_id
                        prop:value=move || kind_value(kind.get())
                        on:change=move |ev| {
                            let chosen = event_target_value(&ev);
                            let new_kind = KINDS.iter().find(|(_, value, _)| *value == chosen).map_or(FieldKind::Text, |k| k.0);
                            edit(index, &mut |field| {
                                if new_kind == FieldKind::Boolean && field.kind != FieldKind::Boolean {
                                    field.value = (field.value == "true").to_string();
                                }
                                field.kind = new_kind;
                            });
                        }
                    >
                        {KINDS
                            .iter()
                            .map(|(k, value, label)| view! { <option value=*value selected=kind.get_untracked() == *k>{*label}</option> })
                            .collect_view()}
                    </select>
                </div>
                <div class="field custom-value" class:switch=move || kind.get() == FieldKind::Boolean>
                    <label for=value_id>{move || if kind.get() == FieldKind::Boolean { "Yes" } else { "Value" }}</label>
                    {value_input}
                </div>
                <button
                    type="button"
                    class="secondary small icon"
                    aria-label=move || {
                        let name = get(|field| field.name.clone());
                        if name.is_empty() { format!("Remove field {}", index + 1) } else { format!("Remove field {name}") }
                    }
                    data-testid=format!("custom-remove-{index}")
                    on:click=move |_| draft.update(|record| {
                        if index < record.custom_fields.len() {
                            record.custom_fields.remove(index);
                        }
                    })
                >
                    "✕"
                </button>
            </div>
        }
    };
    view! {
        <fieldset class="list-editor custom-fields">
            <legend>"Custom fields"</legend>
            {move || (0..count.get()).map(row).collect_view()}
            <button
                type="button"
                class="secondary small"
                data-testid="custom-add"
                on:click=move |_| draft.update(|record| {
                    let mut field = CustomField::default();
                    field.kind = FieldKind::Text;
                    record.custom_fields.push(field);
                })
            >
                "+ Add field"
            </button>
        </fieldset>
    }
}

/// The custom fields of the record `id`, read from the session's list.
#[component]
pub fn CustomFieldsView(
    /// The record's id.
    id: RecordId,
) -> impl IntoView {
    let session = Session::get();
    let shape = {
        let id = id.clone();
        Memo::new(move |_| {
            read(session, &id, |record| {
                record.custom_fields.iter().map(|field| (field.name.clone(), field.kind)).collect::<Vec<_>>()
            })
        })
    };
    move || {
        shape
            .get()
            .into_iter()
            .enumerate()
            .map(|(index, (name, kind))| {
                let id = id.clone();
                let value = Signal::derive(move || {
                    read(session, &id, |record| {
                        record.custom_fields.get(index).map(shown_value).unwrap_or_default()
                    })
                });
                let label = if name.is_empty() { "Field".to_owned() } else { name };
                view! {
                    <FieldView
                        label
                        value
                        secret=kind == FieldKind::Hidden
                        slug=format!("custom-{index}")
                        copyable=kind != FieldKind::Boolean
                    />
                }
            })
            .collect_view()
    }
}
