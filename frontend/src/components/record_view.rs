//! An opened record, read-only: each member with copy (and reveal, for secrets), the identity
//! documents, and when it was made and changed. Values are read from the session's decrypted
//! list by id, so nothing here keeps its own copy.

use coffer_shared::crypto::vault::{RecordFields, VaultRecord};
use coffer_shared::id::RecordId;
use leptos::prelude::*;

use super::field_view::FieldView;
use crate::fields::FieldKey;
use crate::format;
use crate::session::Session;
use crate::vault::RecordType;

/// Reads from the record with `id` in the session's list (tracked).
fn read<R: Default>(session: Session, id: &RecordId, f: impl FnOnce(&VaultRecord) -> R) -> R {
    session.records.with(|records| {
        records
            .iter()
            .flatten()
            .find(|entry| &entry.id == id)
            .map(|entry| f(&entry.record))
            .unwrap_or_default()
    })
}

/// The record `id`, of type `kind`.
#[component]
pub fn RecordView(
    /// The record's id.
    id: RecordId,
    /// Its type.
    kind: RecordType,
) -> impl IntoView {
    let session = Session::get();
    let fields = FieldKey::of(kind)
        .iter()
        .filter(|&&key| key != FieldKey::Name)
        .map(|&key| {
            let id = id.clone();
            let value = Signal::derive(move || read(session, &id, |record| key.get(record).to_owned()));
            view! {
                <FieldView
                    label=key.label(kind)
                    value
                    secret=key.is_secret()
                    slug=key.slug().to_owned()
                    multiline=key.is_multiline()
                />
            }
        })
        .collect_view();
    let documents = (kind == RecordType::Identity).then(|| {
        let id = id.clone();
        let counted = id.clone();
        let count = Memo::new(move |_| {
            read(session, &counted, |record| match &record.fields {
                RecordFields::Identity { documents, .. } => documents.len(),
                _ => 0,
            })
        });
        move || {
            (0..count.get())
                .map(|index| {
                    let document = |number: bool| {
                        let id = id.clone();
                        Signal::derive(move || {
                            read(session, &id, |record| match &record.fields {
                                RecordFields::Identity { documents, .. } => documents
                                    .get(index)
                                    .map(|doc| if number { doc.number.clone() } else { doc.label.clone() })
                                    .unwrap_or_default(),
                                _ => String::new(),
                            })
                        })
                    };
                    let label = document(false).get_untracked();
                    let label = if label.is_empty() { "Document".to_owned() } else { label };
                    view! {
                        <FieldView label value=document(true) secret=true slug=format!("document-{index}") />
                    }
                })
                .collect_view()
        }
    });
    let times = {
        let id = id.clone();
        move || {
            session.records.with(|records| {
                records.iter().flatten().find(|entry| entry.id == id).map(|entry| {
                    format!(
                        "Created {} · changed {}",
                        format::local_date_time(entry.created_at),
                        format::local_date_time(entry.updated_at)
                    )
                })
            })
        }
    };
    view! {
        <div class="record-view" data-testid="record-view">
            {fields}
            {documents}
            <p class="muted small-print">{times}</p>
        </div>
    }
}
