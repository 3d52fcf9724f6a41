//! A revealed share's files: name, type and size, and a Download button that streams, decrypts
//! and checks each one, with its progress.

use leptos::prelude::*;

use crate::claim::SharedFile;
use crate::components::toast::{ToastKind, Toasts};
use crate::components::transfer_bar::TransferBar;
use crate::files::download::{self, Source};
use crate::files::progress::{Progress, size_text};
use crate::files::sink::{self, Sink};
use crate::files::upload::Cancel;

/// The files of a revealed share. Downloads need `download_token`, which the claim returned.
#[component]
pub fn SharedFiles(
    /// The share's files, their metadata opened.
    files: Vec<SharedFile>,
    /// The token the claim returned, sent with each chunk's download.
    download_token: Option<String>,
) -> impl IntoView {
    let token = download_token.unwrap_or_default();
    view! {
        <section class="shared-files" data-testid="shared-files">
            <h2>{if files.len() == 1 { "1 file".to_owned() } else { format!("{} files", files.len()) }}</h2>
            <ul class="file-list">
                {files
                    .into_iter()
                    .map(|file| view! { <SharedFileRow file token=token.clone() /> })
                    .collect_view()}
            </ul>
        </section>
    }
}

/// Where one file's download stands.
#[derive(Debug, Clone, PartialEq, Eq)]
enum State {
    Idle,
    Running,
    Saved { sha256: String, streamed: bool },
    Failed(String),
}

#[component]
fn SharedFileRow(file: SharedFile, token: String) -> impl IntoView {
    let toasts = Toasts::get();
    let state = RwSignal::new(State::Idle);
    let progress = RwSignal::new(Progress::new(file.meta.size));
    let cancel = StoredValue::new_local(Cancel::default());
    let (name, size, mime_type) = (file.meta.name.clone(), file.meta.size, file.meta.mime_type.clone());
    let file = StoredValue::new(file);

    let start = Action::new_local(move |(): &()| {
        let (file, token) = (file.get_value(), token.clone());
        async move {
            let fresh = Cancel::default();
            cancel.set_value(fresh.clone());
            state.set(State::Running);
            progress.set(Progress::new(file.meta.size));
            let sink = Sink::for_download(&file.meta.name, file.meta.size, &file.meta.mime_type).await;
            let streamed = sink.is_streaming();
            let report = move |done| progress.update(|p| p.record(crate::files::now_ms(), done));
            let result = download::download(
                &file.stored.id,
                &file.key,
                &file.meta,
                &Source::Share(token),
                sink,
                report,
                &fresh,
            )
            .await;
            let saved = result.map_err(|error| error.to_string()).and_then(|blob| match blob {
                Some(blob) => sink::save_blob(&blob, &file.meta.name)
                    .map_err(|_| "The browser refused the file.".to_owned()),
                None => Ok(()),
            });
            match saved {
                Ok(()) => {
                    toasts.show(ToastKind::Success, format!("{} downloaded and verified.", file.meta.name));
                    state.set(State::Saved { sha256: file.meta.sha256.clone(), streamed });
                }
                Err(message) => {
                    toasts.show(ToastKind::Failure, format!("{}: download failed.", file.meta.name));
                    state.set(State::Failed(message));
                }
            }
        }
    });

    let label = Signal::derive(|| "Downloading and decrypting".to_owned());
    let row_name = name.clone();
    view! {
        <li class="shared-file" data-testid="shared-file">
            <div class="file-row">
                <span class="file-name" data-testid="shared-file-name">{name}</span>
                <span class="muted">{size_text(size)} " · " {mime_type}</span>
                <button
                    type="button"
                    data-testid="download-button"
                    prop:disabled=move || state.get() == State::Running
                    on:click=move |_| {
                        start.dispatch_local(());
                    }
                >
                    "Download"
                </button>
            </div>
            {move || match state.get() {
                State::Idle => ().into_any(),
                State::Running => view! {
                    <TransferBar
                        name=row_name.clone()
                        progress
                        label
                        on_cancel=Callback::new(move |()| cancel.with_value(|cancel| cancel.set(true)))
                        testid="download-transfer"
                    />
                }
                .into_any(),
                State::Saved { sha256, streamed } => view! {
                    <p class="muted" data-testid="file-verified">
                        "Decrypted and verified: SHA-256 " <code>{sha256[..16].to_owned()} "…"</code>
                        {if streamed { " (saved to your downloads as it arrived)" } else { "" }}
                    </p>
                }
                .into_any(),
                State::Failed(message) => view! {
                    <p class="error-text" role="alert" data-testid="download-error">{message}</p>
                }
                .into_any(),
            }}
        </li>
    }
}
