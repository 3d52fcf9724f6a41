//! An opened record, read-only: each member with copy (and reveal, for secrets), a login's live
//! authenticator code, websites and password history, a card's brand, the identity documents,
//! custom fields, the folder, and when it was made and changed. Values are read from the
//! session's decrypted list by id, so nothing here keeps its own copy.

use coffer_shared::crypto::vault::{RecordFields, VaultRecord};
use coffer_shared::id::RecordId;
use leptos::prelude::*;

use super::custom_fields::CustomFieldsView;
use super::field_view::FieldView;
use super::password_history::PasswordHistory;
use super::record_totp::TotpCode;
use super::url_list::UrlLinks;
use crate::fields::FieldKey;
use crate::format;
use crate::session::Session;
use crate::vault::{RecordType, card_brand};

/// Reads from the record with `id` in the session's list (tracked).
pub fn read<R: Default>(session: Session, id: &RecordId, f: impl FnOnce(&VaultRecord) -> R) -> R {
    session.records.with(|records| {
        records
            .iter()
            .flatten()
            .find(|entry| &entry.id == id)
            .map(|entry| f(&entry.record))
            .unwrap_or_default()
    })
}

/// A text member as a [`FieldView`] (the folder's name without a copy button).
fn member(session: Session, id: &RecordId, kind: RecordType, key: FieldKey) -> impl IntoView + use<> {
    let id = id.clone();
    let value = Signal::derive(move || read(session, &id, |record| key.get(record).to_owned()));
    view! {
        <FieldView
            label=key.label(kind)
            value
            secret=key.is_secret()
            slug=key.slug().to_owned()
            multiline=key.is_multiline()
            copyable=key != FieldKey::Folder
        />
    }
}

/// The identity's documents, each number masked until revealed.
fn documents(session: Session, id: &RecordId) -> impl IntoView + use<> {
    let counted = id.clone();
    let id = id.clone();
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
                view! { <FieldView label value=document(true) secret=true slug=format!("document-{index}") /> }
            })
            .collect_view()
    }
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
        .filter(|&&key| !matches!(key, FieldKey::Name | FieldKey::Totp | FieldKey::Notes))
        .map(|&key| {
            let brand = (key == FieldKey::Number).then(|| {
                let id = id.clone();
                let value = Signal::derive(move || {
                    read(session, &id, |record| match &record.fields {
                        RecordFields::Card { number, .. } => card_brand::brand(number).unwrap_or_default().to_owned(),
                        _ => String::new(),
                    })
                });
                view! { <FieldView label="Brand" value secret=false slug="brand".to_owned() copyable=false /> }
            });
            view! {
                {member(session, &id, kind, key)}
                {brand}
            }
        })
        .collect_view();
    let login = (kind == RecordType::Login).then(|| {
        let (totp_id, urls_id) = (id.clone(), id.clone());
        let totp =
            Signal::derive(move || read(session, &totp_id, |record| FieldKey::Totp.get(record).to_owned()));
        let urls = Signal::derive(move || {
            read(session, &urls_id, |record| match &record.fields {
                RecordFields::Login { urls, .. } => urls.clone(),
                _ => Vec::new(),
            })
        });
        view! {
            <TotpCode totp />
            <UrlLinks urls />
        }
    });
    let documents = (kind == RecordType::Identity).then(|| documents(session, &id));
    let history = (kind == RecordType::Login).then(|| view! { <PasswordHistory id=id.clone() /> });
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
            {login}
            {documents}
            {member(session, &id, kind, FieldKey::Notes)}
            <CustomFieldsView id=id.clone() />
            {member(session, &id, kind, FieldKey::Folder)}
            {history}
            <p class="muted small-print">{times}</p>
        </div>
    }
}
