//! One file's progress: a bar, the bytes done, the speed and the time left, and Cancel.

use leptos::prelude::*;

use crate::files::progress::{Progress, rate_text, size_text, time_left_text};
use crate::files::upload::Stage;

/// The bar of one transfer. `label` says what is happening ("Encrypting and uploading").
#[component]
pub fn TransferBar(
    /// The file's name.
    name: String,
    /// Its progress, updated by the transfer.
    progress: RwSignal<Progress>,
    /// What is happening now.
    #[prop(into)]
    label: Signal<String>,
    /// Called by the Cancel button; `None` hides it.
    #[prop(optional)]
    on_cancel: Option<Callback<()>>,
    /// For tests.
    #[prop(into)]
    testid: String,
) -> impl IntoView {
    let percent = move || progress.with(|p| (p.fraction() * 100.0).floor() as u32);
    let detail = move || {
        progress.with(|p| {
            let mut parts = vec![format!("{} of {}", size_text(p.done), size_text(p.total))];
            if p.done < p.total {
                if let Some(rate) = p.bytes_per_second() {
                    parts.push(rate_text(rate));
                }
                if let Some(left) = p.seconds_left() {
                    parts.push(time_left_text(left));
                }
            }
            parts.join(" · ")
        })
    };
    view! {
        <div class="transfer" data-testid=testid>
            <div class="transfer-head">
                <span class="file-name">{name}</span>
                <span class="muted" data-testid="transfer-label">{move || label.get()}</span>
            </div>
            <progress max="100" prop:value=move || percent().to_string()></progress>
            <div class="transfer-foot">
                <span class="muted" data-testid="transfer-detail">{detail}</span>
                {on_cancel.map(|cancel| view! {
                    <button type="button" class="link" data-testid="transfer-cancel" on:click=move |_| cancel.run(())>
                        "Cancel"
                    </button>
                })}
            </div>
        </div>
    }
}

/// One transfer of a list: a file's name, progress and what is happening.
#[derive(Debug, Clone, Copy)]
pub struct Transfer {
    /// The file's name.
    pub name: StoredValue<String>,
    /// Its progress.
    pub progress: RwSignal<Progress>,
    /// What is happening now.
    pub label: RwSignal<String>,
}

impl Transfer {
    /// A transfer of `total` bytes that has not started.
    pub fn new(name: String, total: u64) -> Self {
        Self {
            name: StoredValue::new(name),
            progress: RwSignal::new(Progress::new(total)),
            label: RwSignal::new("Waiting".to_owned()),
        }
    }

    /// Records `done` bytes now, under `label`. Does nothing once the bar is gone (its page
    /// left, or the vault locked, while the transfer went on).
    pub fn report(&self, label: &str, done: u64) {
        self.progress.update(|p| p.record(crate::files::now_ms(), done));
        if self.label.try_with_untracked(|current| current != label) == Some(true) {
            self.label.set(label.to_owned());
        }
    }

    /// Its size in bytes, `None` once the bar is gone.
    pub fn total(&self) -> Option<u64> {
        self.progress.try_with_untracked(|p| p.total)
    }
}

/// The bars of several transfers, with one Cancel for all.
#[component]
pub fn TransferList(
    /// The transfers.
    transfers: RwSignal<Vec<Transfer>>,
    /// Called by Cancel.
    on_cancel: Callback<()>,
) -> impl IntoView {
    view! {
        <div class="transfers" data-testid="transfers">
            {move || {
                transfers
                    .get()
                    .into_iter()
                    .map(|transfer| {
                        view! {
                            <TransferBar
                                name=transfer.name.get_value()
                                progress=transfer.progress
                                label=transfer.label
                                testid="upload-transfer"
                            />
                        }
                    })
                    .collect_view()
            }}
            <div class="actions">
                <button type="button" class="secondary" data-testid="upload-cancel" on:click=move |_| on_cancel.run(())>
                    "Cancel upload"
                </button>
            </div>
        </div>
    }
}

/// Shows the progress of file `position` of an upload on its bar.
pub fn report_stage(transfers: RwSignal<Vec<Transfer>>, position: usize, stage: Stage, bytes: u64) {
    let label = match stage {
        Stage::Checking => "Checking the file is the same",
        Stage::Sending => "Encrypting and uploading",
    };
    // The list may be gone (its page left, or the vault locked) while the upload goes on.
    let transfer = transfers.try_with_untracked(|all| all.get(position).copied()).flatten();
    if let Some((transfer, total)) = transfer.and_then(|transfer| Some((transfer, transfer.total()?))) {
        let done = bytes.min(total);
        transfer.report(if done == total && stage == Stage::Sending { "Uploaded" } else { label }, done);
    }
}
