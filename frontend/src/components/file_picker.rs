//! A drop zone and a file picker for one or more files, with the chosen files listed.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::files::progress::size_text;

/// The files chosen so far. `web_sys::File` is not `Send`, so they live in a local signal.
pub type Chosen = RwSignal<Vec<web_sys::File>, LocalStorage>;

/// Drop files here or pick them; each chosen file is listed with its size and a remove button.
#[component]
pub fn FilePicker(
    /// The chosen files.
    files: Chosen,
    /// Greyed out while uploading.
    #[prop(into)]
    disabled: Signal<bool>,
    /// The largest file the server takes (0: unknown, not checked here).
    #[prop(into)]
    max_file_size: Signal<u64>,
) -> impl IntoView {
    let dragging = RwSignal::new(false);
    let add = move |list: Option<web_sys::FileList>| {
        let Some(list) = list else { return };
        let added: Vec<web_sys::File> = (0..list.length()).filter_map(|i| list.get(i)).collect();
        files.update(|files| {
            for file in added {
                let duplicate = files.iter().any(|f| f.name() == file.name() && f.size() == file.size());
                if !duplicate {
                    files.push(file);
                }
            }
        });
    };
    let on_drop = move |ev: web_sys::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        if !disabled.get_untracked() {
            add(ev.data_transfer().and_then(|transfer| transfer.files()));
        }
    };
    let on_pick = move |ev: leptos::ev::Event| {
        let input: Option<web_sys::HtmlInputElement> = ev.target().and_then(|t| t.dyn_into().ok());
        if let Some(input) = input {
            add(input.files());
            input.set_value("");
        }
    };
    let too_large = move |size: f64| {
        let limit = max_file_size.get();
        limit > 0 && size as u64 > limit
    };

    view! {
        <div
            class="dropzone"
            class:dragging=move || dragging.get()
            data-testid="file-dropzone"
            on:dragover=move |ev: web_sys::DragEvent| {
                ev.prevent_default();
                dragging.set(true);
            }
            on:dragleave=move |_| dragging.set(false)
            on:drop=on_drop
        >
            <p>"Drop files here, or "</p>
            <label class="button secondary">
                "choose files"
                <input
                    type="file"
                    multiple
                    class="visually-hidden"
                    data-testid="file-input"
                    prop:disabled=disabled
                    on:change=on_pick
                />
            </label>
            <p class="muted hint">
                "Encrypted in this browser before upload, any size "
                {move || {
                    let limit = max_file_size.get();
                    if limit > 0 { format!("up to {} each.", size_text(limit)) } else { String::new() }
                }}
            </p>
        </div>
        // While the files upload, their transfer bars name them; the list would repeat the names.
        <ul class="file-list" data-testid="chosen-files" hidden=move || disabled.get()>
            <For
                each=move || files.get().into_iter().enumerate()
                key=|(i, file)| (*i, file.name(), file.size() as u64)
                children=move |(position, file)| {
                    let size = file.size();
                    let remove_label = format!("Remove {}", file.name());
                    view! {
                        <li class:error=move || too_large(size)>
                            <span class="file-name">{file.name()}</span>
                            <span class="muted">{size_text(size as u64)}</span>
                            {move || too_large(size).then(|| view! { <span class="error-text">"too large"</span> })}
                            <button
                                type="button"
                                class="link"
                                aria-label=remove_label
                                prop:disabled=disabled
                                on:click=move |_| files.update(|files| {
                                    if position < files.len() {
                                        files.remove(position);
                                    }
                                })
                            >
                                "Remove"
                            </button>
                        </li>
                    }
                }
            />
        </ul>
    }
}
