//! The vault list: search, type and folder filters, "New", and the records (favourites first).
//! On wide screens it stays beside the open record (pages/record.rs); its search and filters
//! are kept while moving between the list and a record.

use std::cell::RefCell;

use leptos::prelude::*;

use super::unattached_files::UnattachedFiles;
use super::unfinished_uploads::UnfinishedUploads;
use super::vault_filters::FolderFilters;
use crate::session::Session;
use crate::vault::folders::{self, FolderFilter};
use crate::vault::{self, Entry, RecordType};

/// The search and filters, kept between pages for as long as the app runs.
#[derive(Debug, Clone, Default)]
struct ListState {
    query: String,
    kind: Option<RecordType>,
    folder: FolderFilter,
}

thread_local! {
    static STATE: RefCell<ListState> = RefCell::new(ListState::default());
}

/// One line of the list: what it shows, without any secret.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Row {
    id: String,
    kind: RecordType,
    name: String,
    subtitle: String,
    sensitive: bool,
    favorite: bool,
}

impl Row {
    fn of(entry: &Entry) -> Self {
        let record = &entry.record;
        Row {
            id: entry.id.to_string(),
            kind: RecordType::of(&record.fields),
            name: if record.name.is_empty() { "(no name)".to_owned() } else { record.name.clone() },
            subtitle: if record.sensitive { String::new() } else { vault::subtitle(record) },
            sensitive: record.sensitive,
            favorite: record.favorite,
        }
    }
}

/// The list with its search and filters. `selected` is the id of the record open beside it.
/// `extras` adds the notices about unfinished uploads and files left behind (the list page).
#[component]
pub fn VaultList(
    /// The id of the open record, if any.
    #[prop(into)]
    selected: Signal<Option<String>>,
    /// Show the upload notices.
    #[prop(default = false)]
    extras: bool,
) -> impl IntoView {
    let session = Session::get();
    let saved = STATE.with(|state| state.borrow().clone());
    let query = RwSignal::new(saved.query);
    let filter = RwSignal::new(saved.kind);
    let folder = RwSignal::new(saved.folder);
    Effect::new(move |_| {
        let state = ListState { query: query.get(), kind: filter.get(), folder: folder.get() };
        STATE.with(|saved| *saved.borrow_mut() = state);
    });
    let choosing = RwSignal::new(false);
    let rows = Memo::new(move |_| {
        let query = query.get();
        let filter = filter.get();
        folder.with(|folder| {
            session.records.with(|records| {
                let mut shown: Vec<&Entry> = records
                    .iter()
                    .flatten()
                    .filter(|entry| filter.is_none_or(|kind| RecordType::of(&entry.record.fields) == kind))
                    .filter(|entry| folder.keeps(&entry.record.folder, entry.record.favorite))
                    .filter(|entry| vault::matches(&entry.record, &query))
                    .collect();
                folders::sort(&mut shown);
                shown.into_iter().map(Row::of).collect::<Vec<_>>()
            })
        })
    });
    let total = Memo::new(move |_| session.records.with(|records| records.as_ref().map_or(0, Vec::len)));
    let chip = move |kind: Option<RecordType>| {
        let label = kind.map_or("All", RecordType::label);
        let testid = format!("filter-{}", kind.map_or("all", RecordType::slug));
        view! {
            <button
                type="button"
                class="chip"
                class:active=move || filter.get() == kind
                aria-pressed=move || if filter.get() == kind { "true" } else { "false" }
                data-testid=testid
                on:click=move |_| filter.set(kind)
            >
                {label}
            </button>
        }
    };
    let item = move |row: Row| {
        let current = {
            let id = row.id.clone();
            move || selected.with(|selected| selected.as_deref() == Some(id.as_str()))
        };
        view! {
            <li>
                <a
                    class="record-row"
                    class:selected=current.clone()
                    aria-current=move || current().then_some("page")
                    href=format!("/vault/{}", row.id)
                    data-testid="vault-item"
                    data-type=row.kind.slug()
                >
                    <span class=format!("type-badge kind-{}", row.kind.slug()) aria-hidden="true">
                        {row.kind.icon()}
                    </span>
                    <span class="record-text">
                        <span class="record-name" data-testid="vault-item-name">{row.name.clone()}</span>
                        <span class="record-sub muted" data-testid="vault-item-sub">{row.subtitle.clone()}</span>
                    </span>
                    {row.favorite.then(|| view! {
                        <span class="fav-star" title="Favourite" data-testid="vault-item-favorite">
                            <span aria-hidden="true">"★"</span>
                            <span class="visually-hidden">"Favourite"</span>
                        </span>
                    })}
                    {row.sensitive.then(|| view! { <span class="badge" title="Asks for the passphrase">"Sensitive"</span> })}
                </a>
            </li>
        }
    };
    view! {
        <section class="card vault" data-testid="vault-page">
            <div class="vault-head">
                <h1>"Vault"</h1>
                <button
                    type="button"
                    data-testid="vault-new"
                    aria-expanded=move || if choosing.get() { "true" } else { "false" }
                    on:click=move |_| choosing.update(|open| *open = !*open)
                >
                    "+ New"
                </button>
            </div>
            {extras.then(|| view! { <UnfinishedUploads /> <UnattachedFiles /> })}
            <Show when=move || choosing.get()>
                <div class="type-chooser" data-testid="type-chooser">
                    {RecordType::ALL
                        .into_iter()
                        .map(|kind| {
                            view! {
                                <a
                                    class="button secondary"
                                    href=format!("/vault/new/{}", kind.slug())
                                    data-testid=format!("new-{}", kind.slug())
                                >
                                    <span class=format!("type-badge kind-{}", kind.slug()) aria-hidden="true">
                                        {kind.icon()}
                                    </span>
                                    {kind.label()}
                                </a>
                            }
                        })
                        .collect_view()}
                </div>
            </Show>
            <input
                type="search"
                class="search"
                placeholder="Search the vault"
                aria-label="Search the vault"
                data-testid="vault-search"
                prop:value=move || query.get()
                on:input=move |ev| query.set(event_target_value(&ev))
            />
            <div class="chips" role="group" aria-label="Filter by type">
                {chip(None)}
                {RecordType::ALL.into_iter().map(|kind| chip(Some(kind))).collect_view()}
            </div>
            <FolderFilters folder />
            {move || {
                if total.get() == 0 {
                    view! {
                        <div class="empty" data-testid="vault-empty">
                            <p class="empty-mark brand-mark" aria-hidden="true">"◆"</p>
                            <h2>"Your vault is empty"</h2>
                            <p class="muted">
                                "Add logins, cards, identities and notes. Each is encrypted in this browser \
                                 before it is stored."
                            </p>
                            <button type="button" on:click=move |_| choosing.set(true)>"Add the first item"</button>
                        </div>
                    }
                    .into_any()
                } else if rows.with(Vec::is_empty) {
                    view! { <p class="muted" data-testid="vault-no-match">"Nothing matches."</p> }.into_any()
                } else {
                    view! {
                        <ul class="records" data-testid="vault-list">
                            <For each=move || rows.get() key=|row| row.clone() let(row)>
                                {item(row)}
                            </For>
                        </ul>
                    }
                    .into_any()
                }
            }}
        </section>
    }
}
