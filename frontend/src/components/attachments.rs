//! A vault record's attachments: each with its name and size, Download and Remove, and a
//! preview for images and videos (decrypted in this page into a `blob:` URL); plus the picker
//! that attaches more, with progress.

use coffer_shared::api::StoredFile;
use coffer_shared::crypto::Key32;
use coffer_shared::crypto::vault::Attachment;
use coffer_shared::id::RecordId;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::api;
use crate::attachments;
use crate::components::error_banner::ErrorBanner;
use crate::components::toast::{ToastKind, Toasts};
use crate::components::transfer_bar::{Transfer, TransferBar};
use crate::files::download::{self, Source};
use crate::files::pending::{self, Pending};
use crate::files::progress::{Progress, size_text};
use crate::files::sink::{self, MEMORY_LIMIT, Sink};
use crate::files::upload::{Cancel, Stage};
use crate::session::Session;

/// The attachments of record `id`, read from the session's list.
#[component]
pub fn Attachments(
    /// The record whose attachments are shown.
    id: RecordId,
) -> impl IntoView {
    let session = Session::get();
    let toasts = Toasts::get();
    let stored = LocalResource::new(api::files::vault_files);
    let listed = {
        let id = id.clone();
        Memo::new(move |_| {
            session.records.with(|records| {
                records
                    .iter()
                    .flatten()
                    .find(|entry| entry.id == id)
                    .map(|entry| entry.record.attachments.clone())
                    .unwrap_or_default()
            })
        })
    };
    let uploading = RwSignal::new(None::<Transfer>);
    let cancel = StoredValue::new_local(Cancel::default());
    let error = RwSignal::new(None::<String>);
    // Uploads of this record that did not finish (here or in an earlier tab), and the files
    // picked in this tab, which continue them without being selected again.
    let unfinished = RwSignal::new(attachments::pending_of(session, &id));
    let picked = StoredValue::new_local(Vec::<web_sys::File>::new());
    let record = StoredValue::new(id.clone());
    let refresh_unfinished =
        move || record.with_value(|id| unfinished.set(attachments::pending_of(session, id)));

    let run = Action::new_local({
        move |jobs: &Vec<(Pending, web_sys::File)>| {
            let jobs = jobs.clone();
            async move {
                let fresh = Cancel::default();
                cancel.set_value(fresh.clone());
                let mut jobs = jobs.into_iter();
                for (entry, file) in jobs.by_ref() {
                    let transfer = Transfer::new(file.name(), file.size() as u64);
                    uploading.set(Some(transfer));
                    let report = move |stage: Stage, bytes: u64| {
                        let Some(total) = transfer.total() else { return };
                        let done = bytes.min(total);
                        transfer.report(
                            if stage == Stage::Checking { "Checking" } else { "Encrypting and uploading" },
                            done,
                        );
                    };
                    let result = attachments::upload(session, entry, &file, report, &fresh).await;
                    if uploading.is_disposed() {
                        // The page went (or the vault locked): the entries stay to continue later.
                        return;
                    }
                    uploading.set(None);
                    match result {
                        Ok(()) => toasts.show(ToastKind::Success, format!("{} attached.", file.name())),
                        Err(failure) => {
                            toasts.show(ToastKind::Failure, format!("{} was not attached.", file.name()));
                            error.set(Some(failure.to_string()));
                            break;
                        }
                    }
                }
                if fresh.get() {
                    // Cancelled: the files after it were never sent; the user wants none of them.
                    jobs.for_each(|(entry, _)| pending::remove(&entry.file_id));
                }
                refresh_unfinished();
                stored.refetch();
            }
        }
    });
    let files_of = |ev: &leptos::ev::Event| -> Vec<web_sys::File> {
        let input: Option<web_sys::HtmlInputElement> = ev.target().and_then(|t| t.dyn_into().ok());
        let Some(input) = input else { return Vec::new() };
        let files = input
            .files()
            .map(|list| (0..list.length()).filter_map(|i| list.get(i)).collect())
            .unwrap_or_default();
        input.set_value("");
        files
    };
    let on_pick = move |ev: leptos::ev::Event| {
        let files = files_of(&ev);
        error.set(None);
        if files.is_empty() {
            return;
        }
        match record.with_value(|id| attachments::plan(session, id, &files)) {
            Ok(planned) => {
                picked.update_value(|picked| picked.extend(files.iter().cloned()));
                refresh_unfinished();
                run.dispatch_local(planned.into_iter().zip(files).collect());
            }
            Err(failure) => error.set(Some(failure.to_string())),
        }
    };
    // Continues the unfinished uploads whose file is among `files`.
    let resume_with = move |files: &[web_sys::File]| {
        error.set(None);
        let jobs: Vec<(Pending, web_sys::File)> = unfinished
            .get_untracked()
            .into_iter()
            .filter_map(|entry| {
                let file = files.iter().find(|file| entry.looks_like(file))?.clone();
                Some((entry, file))
            })
            .collect();
        if jobs.is_empty() {
            error.set(Some(
                "Select the same files as before (same names, sizes and dates) to continue.".to_owned(),
            ));
        } else {
            run.dispatch_local(jobs);
        }
    };
    let on_resume_pick = move |ev: leptos::ev::Event| resume_with(&files_of(&ev));
    let on_continue = move |_| picked.with_value(|files| resume_with(files));
    let in_tab = move || {
        unfinished.with(|list| {
            picked.with_value(|files| list.iter().any(|e| files.iter().any(|f| e.looks_like(f))))
        })
    };
    let on_discard = move |_| {
        leptos::task::spawn_local(async move {
            for entry in unfinished.get_untracked() {
                attachments::discard(session, &entry).await;
            }
            refresh_unfinished();
        });
    };
    let stored_file = move |file_id: String| {
        Signal::derive(move || {
            stored.with(|list| {
                let list = list.as_ref()?.as_ref().ok()?;
                list.files.iter().find(|f| f.file.id.as_str() == file_id).map(|f| f.file.clone())
            })
        })
    };

    view! {
        <section class="attachments" data-testid="attachments">
            <h2>"Attachments"</h2>
            {move || {
                let rows = listed.get();
                if rows.is_empty() {
                    return view! { <p class="muted">"No files attached."</p> }.into_any();
                }
                let id = id.clone();
                view! {
                    <ul class="file-list">
                        {rows
                            .into_iter()
                            .map(|attachment| {
                                let stored = stored_file(attachment.file_id.clone());
                                view! { <AttachmentRow attachment stored record=id.clone() /> }
                            })
                            .collect_view()}
                    </ul>
                }
                .into_any()
            }}
            <ErrorBanner message=error testid="attach-error" />
            <Show when=move || !unfinished.with(Vec::is_empty) && !run.pending().get()>
                <div class="notice resume" role="status" data-testid="attach-resume">
                    <p>
                        "Not finished: "
                        {move || unfinished.with(|list| {
                            list.iter()
                                .map(|entry| format!("{} ({})", entry.name, size_text(entry.size)))
                                .collect::<Vec<_>>()
                                .join(", ")
                        })}
                        ". Select the same files again to continue where the upload stopped."
                    </p>
                    <div class="actions">
                        <Show when=in_tab>
                            <button type="button" data-testid="attach-continue" on:click=on_continue>
                                "Continue"
                            </button>
                        </Show>
                        <label class="button secondary">
                            "Select files"
                            <input
                                type="file"
                                multiple
                                class="visually-hidden"
                                data-testid="attach-resume-input"
                                on:change=on_resume_pick
                            />
                        </label>
                        <button type="button" class="link" data-testid="attach-discard" on:click=on_discard>
                            "Discard"
                        </button>
                    </div>
                </div>
            </Show>
            {move || uploading.get().map(|transfer| view! {
                <TransferBar
                    name=transfer.name.get_value()
                    progress=transfer.progress
                    label=transfer.label
                    on_cancel=Callback::new(move |()| cancel.with_value(|cancel| cancel.set(true)))
                    testid="attach-transfer"
                />
            })}
            <label class="button secondary">
                "Attach files"
                <input
                    type="file"
                    multiple
                    class="visually-hidden"
                    data-testid="attach-input"
                    prop:disabled=move || run.pending().get()
                    on:change=on_pick
                />
            </label>
        </section>
    }
}

/// What a row shows below its name.
#[derive(Debug, Clone, PartialEq, Eq)]
enum RowState {
    Idle,
    Busy,
    Failed(String),
}

#[component]
fn AttachmentRow(
    attachment: Attachment,
    stored: Signal<Option<StoredFile>>,
    record: RecordId,
) -> impl IntoView {
    let session = Session::get();
    let toasts = Toasts::get();
    let state = RwSignal::new(RowState::Idle);
    let preview = RwSignal::new(None::<String>);
    let previewable = (attachment.mime_type.starts_with("image/")
        || attachment.mime_type.starts_with("video/"))
        && attachment.size <= MEMORY_LIMIT;
    let is_video = attachment.mime_type.starts_with("video/");
    let progress = RwSignal::new(Progress::new(attachment.size));
    let downloading = RwSignal::new(false);
    let cancel = StoredValue::new_local(Cancel::default());
    let attachment = StoredValue::new(attachment);

    // Decrypts the file into `sink`: a Blob for a preview or a small download, else a stream.
    // Progress shows on the row's bar while `downloading` is set.
    let fetch = move |sink: Sink, preview: bool| async move {
        let attachment = attachment.get_value();
        let stored = stored.get_untracked().ok_or_else(|| "The file is not on the server.".to_owned())?;
        let key = Key32::from_b64(&attachment.file_key)
            .map_err(|_| "The item's file key is damaged.".to_owned())?;
        let meta = download::open_metadata(&stored, &key).map_err(|e| e.to_string())?;
        let report = move |done| progress.update(|p| p.record(crate::files::now_ms(), done));
        let cancel = cancel.get_value();
        download::download(&stored.id, &key, &meta, &Source::Vault { preview }, sink, report, &cancel)
            .await
            .map_err(|e| e.to_string())
    };

    Effect::new(move |_| {
        if previewable && stored.get().is_some() && preview.get_untracked().is_none() {
            let mime_type = attachment.with_value(|a| a.mime_type.clone());
            leptos::task::spawn_local(async move {
                match fetch(Sink::memory(&mime_type), true).await {
                    // The row is gone (the page left, or the vault locked): no URL keeps the blob.
                    Ok(Some(_)) if preview.is_disposed() => {}
                    Ok(Some(blob)) => preview.set(web_sys::Url::create_object_url_with_blob(&blob).ok()),
                    Ok(None) => {}
                    Err(message) => state.set(RowState::Failed(message)),
                }
            });
        }
    });
    on_cleanup(move || {
        if let Some(url) = preview.try_get_untracked().flatten() {
            let _ = web_sys::Url::revoke_object_url(&url);
        }
    });

    let save = move |_| {
        state.set(RowState::Busy);
        cancel.set_value(Cancel::default());
        progress.update(|p| *p = Progress::new(p.total));
        downloading.set(true);
        leptos::task::spawn_local(async move {
            let (name, size, mime_type) =
                attachment.with_value(|a| (a.name.clone(), a.size, a.mime_type.clone()));
            let result =
                fetch(Sink::for_download(&name, size, &mime_type).await, false).await.and_then(|blob| {
                    match blob {
                        Some(blob) => sink::save_blob(&blob, &name)
                            .map_err(|_| "The browser refused the file.".to_owned()),
                        None => Ok(()),
                    }
                });
            if downloading.is_disposed() {
                // The row is gone (the page left, or the vault locked): no toast names the file.
                return;
            }
            downloading.set(false);
            match result {
                Ok(()) => {
                    toasts.show(ToastKind::Success, format!("{name} downloaded and verified."));
                    state.set(RowState::Idle);
                }
                Err(message) => state.set(RowState::Failed(message)),
            }
        });
    };
    let remove = move |_| {
        state.set(RowState::Busy);
        let record = record.clone();
        leptos::task::spawn_local(async move {
            let file_id = attachment.with_value(|a| a.file_id.clone());
            match attachments::detach(session, &record, &file_id).await {
                Ok(()) => toasts.show(ToastKind::Success, "Attachment removed."),
                Err(message) => state.set(RowState::Failed(message)),
            }
        });
    };

    let (name, size) = attachment.with_value(|a| (a.name.clone(), a.size));
    let bar_name = name.clone();
    view! {
        <li class="shared-file attachment" data-testid="attachment">
            <div class="file-row">
                <span class="file-name" data-testid="attachment-name">{name.clone()}</span>
                <span class="muted">{size_text(size)}</span>
                <button type="button" class="small" data-testid="attachment-download"
                    prop:disabled=move || state.get() == RowState::Busy on:click=save>
                    "Download"
                </button>
                <button type="button" class="link" data-testid="attachment-remove"
                    prop:disabled=move || state.get() == RowState::Busy on:click=remove>
                    "Remove"
                </button>
            </div>
            <Show when=move || downloading.get()>
                <TransferBar
                    name=bar_name.clone()
                    progress
                    label=Signal::derive(|| "Downloading and decrypting".to_owned())
                    on_cancel=Callback::new(move |()| cancel.with_value(|cancel| cancel.set(true)))
                    testid="attachment-transfer"
                />
            </Show>
            {move || preview.get().map(|url| {
                if is_video {
                    view! { <video class="preview" controls src=url data-testid="attachment-preview"></video> }.into_any()
                } else {
                    view! { <img class="preview" src=url alt=name.clone() data-testid="attachment-preview" /> }.into_any()
                }
            })}
            {move || match state.get() {
                RowState::Failed(message) => Some(view! { <p class="error-text" role="alert">{message}</p> }),
                _ => None,
            }}
        </li>
    }
}
