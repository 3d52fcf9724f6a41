//! `/vault`: the decrypted records, a search box, type filter chips and "New".

use leptos::prelude::*;

use crate::components::require_unlocked::RequireUnlocked;
use crate::components::unattached_files::UnattachedFiles;
use crate::components::unfinished_uploads::UnfinishedUploads;
use crate::components::vault_loader::VaultLoader;
use crate::session::Session;
use crate::vault::{self, RecordType};

/// The vault page, behind the unlock gate.
#[component]
pub fn VaultPage() -> impl IntoView {
    view! {
        <RequireUnlocked>
            <VaultLoader refresh=true>
                <VaultList />
            </VaultLoader>
        </RequireUnlocked>
    }
}

/// One line of the list: what it shows, without any secret.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Row {
    id: String,
    kind: RecordType,
    name: String,
    subtitle: String,
    sensitive: bool,
}

/// The list with its search and filters.
#[component]
fn VaultList() -> impl IntoView {
    let session = Session::get();
    let query = RwSignal::new(String::new());
    let filter = RwSignal::new(None::<RecordType>);
    let choosing = RwSignal::new(false);
    let rows = Memo::new(move |_| {
        let query = query.get();
        let filter = filter.get();
        session.records.with(|records| {
            records
                .iter()
                .flatten()
                .filter(|entry| filter.is_none_or(|kind| RecordType::of(&entry.record.fields) == kind))
                .filter(|entry| vault::matches(&entry.record, &query))
                .map(|entry| Row {
                    id: entry.id.to_string(),
                    kind: RecordType::of(&entry.record.fields),
                    name: if entry.record.name.is_empty() {
                        "(no name)".to_owned()
                    } else {
                        entry.record.name.clone()
                    },
                    subtitle: if entry.record.sensitive {
                        String::new()
                    } else {
                        vault::subtitle(&entry.record)
                    },
                    sensitive: entry.record.sensitive,
                })
                .collect::<Vec<_>>()
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
            <UnfinishedUploads />
            <UnattachedFiles />
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
                                <li>
                                    <a
                                        class="record-row"
                                        href=format!("/vault/{}", row.id)
                                        data-testid="vault-item"
                                        data-type=row.kind.slug()
                                    >
                                        <span class=format!("type-badge kind-{}", row.kind.slug()) aria-hidden="true">
                                            {row.kind.icon()}
                                        </span>
                                        <span class="record-text">
                                            <span class="record-name" data-testid="vault-item-name">{row.name.clone()}</span>
                                            <span class="record-sub muted">{row.subtitle.clone()}</span>
                                        </span>
                                        {row.sensitive.then(|| view! { <span class="badge" title="Asks for the passphrase">"Sensitive"</span> })}
                                    </a>
                                </li>
                            </For>
                        </ul>
                    }
                    .into_any()
                }
            }}
        </section>
    }
}
