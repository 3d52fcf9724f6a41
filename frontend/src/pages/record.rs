//! `/vault/:id` (an item: view, edit, delete) and `/vault/new/:kind` (a new item of a type).
//! An item marked sensitive asks for the passphrase before it is shown or edited. On wide
//! screens (vault.css) the vault list stays on the left; on phones only the item shows.

use coffer_shared::crypto::vault::VaultRecord;
use coffer_shared::id::RecordId;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};
use zeroize::Zeroize;

use crate::attachments;
use crate::components::attachments::Attachments;
use crate::components::error_banner::ErrorBanner;
use crate::components::record_form::RecordForm;
use crate::components::record_view::RecordView;
use crate::components::reprompt::Reprompt;
use crate::components::require_unlocked::RequireUnlocked;
use crate::components::vault_list::VaultList;
use crate::components::vault_loader::VaultLoader;
use crate::session::Session;
use crate::vault::{self, RecordType};

/// `/vault/:id`. Another item chosen in the list beside it replaces the one shown.
#[component]
pub fn RecordPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|params| params.get("id")));
    view! {
        <RequireUnlocked>
            <VaultLoader>
                <div class="vault-split" data-pane="detail">
                    <VaultList selected=id />
                    {move || {
                        let id = id.get().and_then(|id| id.parse::<RecordId>().ok());
                        view! { <ExistingRecord id /> }
                    }}
                </div>
            </VaultLoader>
        </RequireUnlocked>
    }
}

/// `/vault/new/:kind`.
#[component]
pub fn NewRecordPage() -> impl IntoView {
    let params = use_params_map();
    let kind = Memo::new(move |_| params.with(|params| params.get("kind")));
    view! {
        <RequireUnlocked>
            <VaultLoader>
                <div class="vault-split" data-pane="detail">
                    <VaultList selected=Signal::stored(None::<String>) />
                    {move || {
                        let kind = kind.get().and_then(|slug| RecordType::from_slug(&slug)).unwrap_or(RecordType::Login);
                        view! { <NewRecord kind /> }
                    }}
                </div>
            </VaultLoader>
        </RequireUnlocked>
    }
}

/// A form for a new record of type `kind`.
#[component]
fn NewRecord(kind: RecordType) -> impl IntoView {
    let navigate = use_navigate();
    let draft = RwSignal::new(VaultRecord::new(kind.empty_fields()));
    on_cleanup(move || {
        draft.try_update(Zeroize::zeroize);
    });
    let done = {
        let navigate = navigate.clone();
        Callback::new(move |id: RecordId| navigate(&format!("/vault/{id}"), Default::default()))
    };
    let cancel = Callback::new(move |()| navigate("/vault", Default::default()));
    view! {
        <section class="card record" data-testid="record-page">
            <a class="back" href="/vault">"← Vault"</a>
            <h1>
                <span class=format!("type-badge kind-{}", kind.slug()) aria-hidden="true">{kind.icon()}</span>
                " New " {kind.label().to_lowercase()}
            </h1>
            <RecordForm draft base=RwSignal::new(None) on_done=done on_cancel=cancel />
        </section>
    }
}

/// What the page shows for an existing record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    View,
    Edit,
    ConfirmDelete,
}

/// An existing record: re-prompt if sensitive, then view, edit or delete.
#[component]
fn ExistingRecord(id: Option<RecordId>) -> impl IntoView {
    let session = Session::get();
    let navigate = use_navigate();
    let Some(id) = id else {
        return view! { <NotThere /> }.into_any();
    };
    let facts = {
        let id = id.clone();
        Memo::new(move |_| {
            session.records.with(|records| {
                records.iter().flatten().find(|entry| entry.id == id).map(|entry| {
                    let record = &entry.record;
                    (RecordType::of(&record.fields), record.name.clone(), record.sensitive, record.favorite)
                })
            })
        })
    };
    let unlocked = RwSignal::new(
        facts.with_untracked(|facts| facts.as_ref().is_some_and(|(_, _, sensitive, _)| !sensitive)),
    );
    let mode = RwSignal::new(Mode::View);
    let draft = RwSignal::new(VaultRecord::default());
    let base = RwSignal::new(None::<(RecordId, u64)>);
    let error = RwSignal::new(None::<String>);
    on_cleanup(move || {
        draft.try_update(Zeroize::zeroize);
    });
    let start_edit = {
        let id = id.clone();
        move |_| {
            let current = session.records.with_untracked(|records| {
                records
                    .iter()
                    .flatten()
                    .find(|entry| entry.id == id)
                    .map(|entry| (entry.record.clone(), entry.revision))
            });
            if let Some((record, revision)) = current {
                draft.set(record);
                base.set(Some((id.clone(), revision)));
                mode.set(Mode::Edit);
            }
        }
    };
    let delete = Action::new_local({
        let (id, navigate) = (id.clone(), navigate.clone());
        move |_: &()| {
            let (id, navigate) = (id.clone(), navigate.clone());
            async move {
                let files: Vec<String> = session.records.with_untracked(|records| {
                    records
                        .iter()
                        .flatten()
                        .find(|entry| entry.id == id)
                        .map(|entry| entry.record.attachments.iter().map(|a| a.file_id.clone()).collect())
                        .unwrap_or_default()
                });
                match vault::delete(session, &id).await {
                    Ok(()) => {
                        attachments::delete_files(session, files).await;
                        attachments::discard_record(session, &id).await;
                        navigate("/vault", Default::default());
                    }
                    Err(failure) => error.set(Some(failure.to_string())),
                }
            }
        }
    });
    let done = Callback::new(move |_: RecordId| {
        draft.update(Zeroize::zeroize);
        mode.set(Mode::View);
    });
    let cancel = Callback::new(move |()| {
        draft.update(Zeroize::zeroize);
        mode.set(Mode::View);
    });
    let body = move || {
        let Some((kind, _, _, _)) = facts.get() else {
            return view! { <NotThere /> }.into_any();
        };
        if !unlocked.get() {
            return view! { <Reprompt on_ok=Callback::new(move |()| unlocked.set(true)) /> }.into_any();
        }
        match mode.get() {
            Mode::Edit => view! { <RecordForm draft base on_done=done on_cancel=cancel /> }.into_any(),
            Mode::View | Mode::ConfirmDelete => view! {
                <RecordView id=id.clone() kind />
                <Attachments id=id.clone() />
                <Show when=move || mode.get() == Mode::ConfirmDelete>
                    <div class="notice warning" role="alertdialog" data-testid="delete-confirm">
                        <p>"Delete this item? This cannot be undone."</p>
                        <div class="actions">
                            <button
                                type="button"
                                class="danger"
                                data-testid="record-delete-confirm"
                                prop:disabled=delete.pending()
                                on:click=move |_| {
                                    delete.dispatch_local(());
                                }
                            >
                                "Delete"
                            </button>
                            <button type="button" class="secondary" on:click=move |_| mode.set(Mode::View)>
                                "Keep it"
                            </button>
                        </div>
                    </div>
                </Show>
                <ErrorBanner message=error testid="record-delete-error" />
                <div class="actions">
                    <button type="button" data-testid="record-edit" on:click=start_edit.clone()>"Edit"</button>
                    <button
                        type="button"
                        class="secondary"
                        data-testid="record-delete"
                        on:click=move |_| mode.set(Mode::ConfirmDelete)
                    >
                        "Delete"
                    </button>
                </div>
            }
            .into_any(),
        }
    };
    view! {
        <section class="card record" data-testid="record-page">
            <a class="back" href="/vault">"← Vault"</a>
            <h1 data-testid="record-title">
                {move || facts.with(|facts| facts.as_ref().map(|(kind, name, _, favorite)| {
                    let name = if name.is_empty() { "(no name)".to_owned() } else { name.clone() };
                    view! {
                        <span class=format!("type-badge kind-{}", kind.slug()) aria-hidden="true">{kind.icon()}</span>
                        " "
                        <span data-testid="record-name">{name}</span>
                        {favorite.then(|| view! {
                            <span class="fav-star title-star" title="Favourite" data-testid="record-favorite">
                                <span aria-hidden="true">"★"</span>
                                <span class="visually-hidden">"Favourite"</span>
                            </span>
                        })}
                    }
                }))}
            </h1>
            {body}
        </section>
    }
    .into_any()
}

/// The item is not in this vault.
#[component]
fn NotThere() -> impl IntoView {
    view! {
        <div data-testid="record-missing">
            <p>"This item is not in your vault. It may have been deleted."</p>
            <a class="button secondary" href="/vault">"Back to the vault"</a>
        </div>
    }
}
