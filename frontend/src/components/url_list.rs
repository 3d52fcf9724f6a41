//! A login's websites: the form's list of URL rows (add and remove) and the view's links. Only
//! `http:` and `https:` URLs become links (opened in a new tab without an opener or referrer);
//! anything else is shown as text.

use coffer_shared::crypto::vault::{RecordFields, VaultRecord};
use leptos::prelude::*;

use super::clip_button::ClipButton;

/// Whether `url` may be a link: its scheme is `http` or `https` (in any case).
pub fn is_web_link(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

/// The login's URLs in the draft (empty for other types).
fn urls_of(record: &VaultRecord) -> Vec<String> {
    match &record.fields {
        RecordFields::Login { urls, .. } => urls.clone(),
        _ => Vec::new(),
    }
}

/// Edits the login's URLs. One empty row shows while there is none.
#[component]
pub fn UrlEditor(
    /// The record being edited.
    draft: RwSignal<VaultRecord>,
) -> impl IntoView {
    let edit = move |f: &mut dyn FnMut(&mut Vec<String>)| {
        draft.update(|record| {
            if let RecordFields::Login { urls, .. } = &mut record.fields {
                f(urls);
            }
        });
    };
    let rows = Memo::new(move |_| draft.with(|record| urls_of(record).len().max(1)));
    let row = move |index: usize| {
        let value = move || draft.with(|record| urls_of(record).get(index).cloned().unwrap_or_default());
        let id = format!("input-url-{index}");
        view! {
            <div class="url-row" data-testid="url-row">
                <input
                    id=id
                    type="text"
                    inputmode="url"
                    autocomplete="off"
                    spellcheck="false"
                    autocapitalize="off"
                    placeholder="https://example.com"
                    aria-label=format!("Website {}", index + 1)
                    data-testid="input-url"
                    prop:value=value
                    on:input=move |ev| {
                        let text = event_target_value(&ev);
                        edit(&mut |urls| {
                            while urls.len() <= index {
                                urls.push(String::new());
                            }
                            urls[index].clone_from(&text);
                        });
                    }
                />
                <button
                    type="button"
                    class="secondary small icon"
                    aria-label=format!("Remove website {}", index + 1)
                    data-testid="url-remove"
                    on:click=move |_| edit(&mut |urls| {
                        if index < urls.len() {
                            urls.remove(index);
                        }
                    })
                >
                    "✕"
                </button>
            </div>
        }
    };
    view! {
        <fieldset class="list-editor urls">
            <legend>"Websites"</legend>
            {move || (0..rows.get()).map(row).collect_view()}
            <button
                type="button"
                class="secondary small"
                data-testid="url-add"
                on:click=move |_| edit(&mut |urls| {
                    if urls.is_empty() {
                        urls.push(String::new());
                    }
                    urls.push(String::new());
                })
            >
                "+ Add website"
            </button>
        </fieldset>
    }
}

/// The login's websites as links (or text), each with a copy button. Hidden when there is none.
#[component]
pub fn UrlLinks(
    /// The URLs, read from the decrypted record list.
    #[prop(into)]
    urls: Signal<Vec<String>>,
) -> impl IntoView {
    let count = Memo::new(move |_| urls.with(Vec::len));
    let row = move |index: usize| {
        let url = Signal::derive(move || urls.with(|urls| urls.get(index).cloned().unwrap_or_default()));
        let shown = move || {
            let text = url.get();
            if is_web_link(&text) {
                view! {
                    <a
                        class="field-value url-link"
                        href=text.clone()
                        target="_blank"
                        rel="noopener noreferrer"
                        data-testid="url-link"
                    >
                        {text.clone()}
                        <span class="visually-hidden">" (opens in a new tab)"</span>
                    </a>
                }
                .into_any()
            } else {
                view! { <span class="field-value" data-testid="url-text">{text}</span> }.into_any()
            }
        };
        view! {
            <li class="field-line">
                {shown}
                <span class="field-actions">
                    <ClipButton text=url testid=format!("copy-url-{index}") what="website" />
                </span>
            </li>
        }
    };
    view! {
        <Show when=move || { count.get() > 0 }>
            <div class="field-view" data-testid="field-urls">
                <span class="field-label">{move || if count.get() == 1 { "Website" } else { "Websites" }}</span>
                <ul class="url-links">{move || (0..count.get()).map(row).collect_view()}</ul>
            </div>
        </Show>
    }
}
