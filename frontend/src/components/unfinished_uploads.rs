//! The vault page's notice of attachment uploads that did not finish, each linking to its item,
//! where the upload continues.

use leptos::prelude::*;

use crate::files::pending;
use crate::files::progress::size_text;
use crate::session::Session;

/// Lists the signed-in account's unfinished attachment uploads; nothing when there are none.
#[component]
pub fn UnfinishedUploads() -> impl IntoView {
    let session = Session::get();
    let account_id = session.with_unlocked(|unlocked| unlocked.account_id.to_string()).unwrap_or_default();
    let entries = pending::of_account(&account_id);
    if entries.is_empty() {
        return None;
    }
    let title_of = move |record_id: &str| {
        session.records.with(|records| {
            records
                .iter()
                .flatten()
                .find(|entry| entry.id.as_str() == record_id)
                .map_or_else(|| "(a deleted item)".to_owned(), |entry| entry.record.name.clone())
        })
    };
    let rows = entries
        .into_iter()
        .map(|entry| {
            let record_id = entry.record_id.clone();
            view! {
                <li>
                    <a href=format!("/vault/{}", entry.record_id) data-testid="unfinished-upload">
                        {format!("{} ({})", entry.name, size_text(entry.size))}
                    </a>
                    {move || format!(" to “{}”", title_of(&record_id))}
                </li>
            }
        })
        .collect_view();
    Some(view! {
        <div class="notice resume" role="status" data-testid="unfinished-uploads">
            <p>"Attachment uploads that did not finish. Open the item to continue:"</p>
            <ul>{rows}</ul>
        </div>
    })
}
