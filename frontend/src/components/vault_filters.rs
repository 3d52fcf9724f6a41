//! The vault list's folder filter: "All", "Favourites", each folder and "No folder" (while some
//! record has none), each with its number of records. Shown once the vault has a folder or a
//! favourite.

use leptos::prelude::*;

use crate::session::Session;
use crate::vault::folders::{self, FolderFilter};

/// The folder chips, bound to `folder`.
#[component]
pub fn FolderFilters(
    /// The chosen filter.
    folder: RwSignal<FolderFilter>,
) -> impl IntoView {
    let session = Session::get();
    let counts = Memo::new(move |_| session.records.with(|records| folders::count(records.iter().flatten())));
    let total = Memo::new(move |_| session.records.with(|records| records.as_ref().map_or(0, Vec::len)));
    // A folder that no longer exists (renamed, emptied) is not left chosen.
    Effect::new(move |_| {
        let gone = folder.with(|chosen| match chosen {
            FolderFilter::Named(name) => counts.with(|counts| counts.folders.iter().all(|(n, _)| n != name)),
            _ => false,
        });
        if gone {
            folder.set(FolderFilter::All);
        }
    });
    let chip = move |filter: FolderFilter, label: String, count: usize, testid: &'static str| {
        let active = {
            let filter = filter.clone();
            move || folder.with(|chosen| *chosen == filter)
        };
        let name = match &filter {
            FolderFilter::Named(name) => Some(name.clone()),
            _ => None,
        };
        view! {
            <button
                type="button"
                class="chip"
                class:active=active.clone()
                aria-pressed=move || if active() { "true" } else { "false" }
                data-testid=testid
                data-folder=name
                on:click=move |_| folder.set(filter.clone())
            >
                {label}
                " "
                <span class="count" data-testid="folder-count">{count}</span>
            </button>
        }
    };
    move || {
        let counts = counts.get();
        if counts.folders.is_empty() && counts.favorites == 0 {
            return ().into_any();
        }
        view! {
            <div class="chips folder-chips" role="group" aria-label="Filter by folder" data-testid="folder-filters">
                {chip(FolderFilter::All, "All folders".to_owned(), total.get(), "folder-all")}
                {chip(FolderFilter::Favorites, "★ Favourites".to_owned(), counts.favorites, "folder-favorites")}
                {counts
                    .folders
                    .iter()
                    .map(|(name, count)| chip(FolderFilter::Named(name.clone()), name.clone(), *count, "folder-item"))
                    .collect_view()}
                {(!counts.folders.is_empty() && counts.none > 0)
                    .then(|| chip(FolderFilter::NoFolder, "No folder".to_owned(), counts.none, "folder-none"))}
            </div>
        }
        .into_any()
    }
}
