//! The vault page's offer to delete attachment files that no item names any more: left by a
//! removal whose delete did not reach the server, a change lost in a conflict, or a browser that
//! closed between an upload and the save that named it. Only the account holder can tell, since
//! only the browser reads the records; nothing is deleted without a click.

use leptos::prelude::*;

use crate::api;
use crate::attachments;
use crate::components::vault_loader::Unopened;
use crate::files::progress::size_text;
use crate::session::Session;

/// Lists the account's unattached files with a Delete button; nothing when there are none, or
/// when a record could not be decrypted (its attachments would look unattached).
#[component]
pub fn UnattachedFiles() -> impl IntoView {
    let session = Session::get();
    let unopened = use_context::<Unopened>();
    let stored = LocalResource::new(api::files::vault_files);
    let found = Memo::new(move |_| {
        if unopened.is_some_and(|Unopened(count)| count.get() > 0) {
            return Vec::new();
        }
        let now = (js_sys::Date::now() / 1000.0) as u64;
        stored.with(|list| match list.as_ref().and_then(|list| list.as_ref().ok()) {
            Some(list) => attachments::unattached(session, &list.files, now),
            None => Vec::new(),
        })
    });
    let delete = Action::new_local(move |_: &()| async move {
        let ids = found.get_untracked().into_iter().map(|file| file.file.id.to_string());
        attachments::delete_files(session, ids).await;
        stored.refetch();
    });
    let summary = move || {
        found.with(|files| {
            let size = size_text(files.iter().map(|file| file.file.size).sum());
            match files.len() {
                1 => format!(
                    "1 file ({size}) on the server belongs to no item: an earlier removal or edit left it \
                     behind. It is still encrypted."
                ),
                count => format!(
                    "{count} files ({size}) on the server belong to no item: an earlier removal or edit \
                     left them behind. They are still encrypted."
                ),
            }
        })
    };
    view! {
        <Show when=move || found.with(|files| !files.is_empty())>
            <div class="notice unattached" role="status" data-testid="unattached-files">
                <p>{summary}</p>
                <button
                    type="button"
                    class="secondary"
                    data-testid="unattached-delete"
                    prop:disabled=move || delete.pending().get()
                    on:click=move |_| {
                        delete.dispatch_local(());
                    }
                >
                    {move || if found.with(|files| files.len() == 1) { "Delete it" } else { "Delete them" }}
                </button>
            </div>
        </Show>
    }
}
