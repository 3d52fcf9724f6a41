//! A login's earlier passwords: "Password history (N)", which expands to each password, masked
//! until revealed and copyable, with the date it was replaced.

use coffer_shared::crypto::vault::RecordFields;
use coffer_shared::id::RecordId;
use leptos::prelude::*;

use super::field_view::FieldView;
use super::record_view::read;
use crate::format;
use crate::session::Session;

/// The password history of the record `id`. Hidden while empty.
#[component]
pub fn PasswordHistory(
    /// The record's id.
    id: RecordId,
) -> impl IntoView {
    let session = Session::get();
    let open = RwSignal::new(false);
    let dates = {
        let id = id.clone();
        Memo::new(move |_| {
            read(session, &id, |record| match &record.fields {
                RecordFields::Login { password_history, .. } => {
                    password_history.iter().map(|change| change.changed_at).collect::<Vec<_>>()
                }
                _ => Vec::new(),
            })
        })
    };
    let entries = move || {
        let id = id.clone();
        dates
            .get()
            .into_iter()
            .enumerate()
            .map(move |(index, changed_at)| {
                let id = id.clone();
                let value = Signal::derive(move || {
                    read(session, &id, |record| match &record.fields {
                        RecordFields::Login { password_history, .. } => password_history
                            .get(index)
                            .map(|change| change.password.clone())
                            .unwrap_or_default(),
                        _ => String::new(),
                    })
                });
                let label = format!("Replaced {}", format::local_date_time(changed_at));
                view! {
                    <li data-testid="history-entry">
                        <FieldView label value secret=true slug=format!("history-{index}") />
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <div class="password-history" hidden=move || dates.with(Vec::is_empty)>
            <button
                type="button"
                class="secondary small disclosure"
                data-testid="history-toggle"
                aria-expanded=move || if open.get() { "true" } else { "false" }
                aria-controls="password-history-list"
                on:click=move |_| open.update(|open| *open = !*open)
            >
                <span aria-hidden="true">{move || if open.get() { "▾ " } else { "▸ " }}</span>
                {move || format!("Password history ({})", dates.with(Vec::len))}
            </button>
            {move || {
                open.get()
                    .then(|| {
                        view! {
                            <ul class="history-list" id="password-history-list" data-testid="history-list">
                                {entries.clone()}
                            </ul>
                        }
                    })
            }}
        </div>
    }
}
