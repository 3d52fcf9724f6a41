//! One line of "My shares": the label, what the share holds and how it stands; for a live share
//! whose link was kept, "Copy link" and its QR code again; "Destroy" with a confirmation.

use coffer_shared::api::ShareState;
use coffer_shared::id::ShareId;
use leptos::prelude::*;

use super::copy_button::CopyButton;
use super::qr_code::QrCode;
use crate::format;
use crate::my_shares::{self, Listed};

/// A state's `data-state` value and its badge text.
pub fn state_label(state: ShareState) -> (&'static str, &'static str) {
    match state {
        ShareState::Active => ("active", "Active"),
        ShareState::Expired => ("expired", "Expired"),
        ShareState::UsedUp => ("used_up", "Used up"),
        ShareState::Destroyed => ("destroyed", "Destroyed"),
    }
}

/// The first 8 characters of an id, as read-receipt mails name a share.
fn short_id(id: &ShareId) -> String {
    id.to_string().chars().take(8).collect()
}

/// The row of `listed`. `confirming` is the share whose "Destroy" was pressed; `on_destroy`
/// destroys it; `destroying` is true while that runs.
#[component]
pub fn ShareRow(
    /// The share and its opened note.
    listed: Listed,
    /// Which share asks for confirmation now.
    confirming: RwSignal<Option<ShareId>>,
    /// Destroys a share.
    on_destroy: Callback<ShareId>,
    /// A destroy is running.
    #[prop(into)]
    destroying: Signal<bool>,
) -> impl IntoView {
    let Listed { share, label, files, password, link } = listed;
    let link = link.map(|link| link.to_string());
    let (state_value, state_text) = state_label(share.state);
    let id = share.id.clone();
    let short = short_id(&id);
    let qr_open = RwSignal::new(false);
    let title = if label.is_empty() { "Untitled share".to_owned() } else { label };
    let is_confirming = {
        let id = id.clone();
        Signal::derive(move || confirming.with(|c| c.as_ref() == Some(&id)))
    };
    let active = share.state == ShareState::Active;
    let copy = link.clone().filter(|_| active).map(|link| {
        view! {
            <CopyButton text=Signal::stored(link) testid="my-share-copy" label="Copy link" />
            <button
                type="button"
                class="secondary small"
                data-testid="my-share-qr-toggle"
                aria-expanded=move || if qr_open.get() { "true" } else { "false" }
                on:click=move |_| qr_open.update(|open| *open = !*open)
            >
                {move || if qr_open.get() { "Hide QR code" } else { "QR code" }}
            </button>
        }
    });
    let destroy = active.then(|| {
        let ask = id.clone();
        let confirm = id.clone();
        view! {
            <Show
                when=move || is_confirming.get()
                fallback=move || {
                    let ask = ask.clone();
                    view! {
                        <button
                            type="button"
                            class="secondary small"
                            data-testid="my-share-destroy"
                            on:click=move |_| confirming.set(Some(ask.clone()))
                        >
                            "Destroy"
                        </button>
                    }
                }
            >
                {
                    let confirm = confirm.clone();
                    view! {
                        <button
                            type="button"
                            class="danger small"
                            data-testid="my-share-destroy-confirm"
                            prop:disabled=move || destroying.get()
                            on:click=move |_| on_destroy.run(confirm.clone())
                        >
                            "Destroy now"
                        </button>
                        <button type="button" class="secondary small" on:click=move |_| confirming.set(None)>
                            "Keep"
                        </button>
                    }
                }
            </Show>
        }
    });
    let no_link = (active && link.is_none()).then(|| {
        view! { <span class="muted small-text" data-testid="my-share-no-link">"Link not kept for this share"</span> }
    });
    view! {
        <li class="share-row" data-testid="my-share-row" data-state=state_value data-id=id.to_string()>
            <div class="share-text">
                <div class="share-title">
                    <span class="share-label" data-testid="my-share-label">{title}</span>
                    <span class=format!("badge state-{state_value}") data-testid="my-share-state">{state_text}</span>
                </div>
                <div class="share-facts">
                    {my_shares::kind_text(files).map(|kind| view! {
                        <span class="badge" data-testid="my-share-kind">{kind}</span>
                    })}
                    {(password == Some(true)).then(|| view! {
                        <span class="badge" data-testid="my-share-password">"Password"</span>
                    })}
                    {share.read_receipt.then(|| view! {
                        <span class="badge receipt" title="You get an e-mail each time it is opened" data-testid="my-share-receipt">
                            "Read receipt"
                        </span>
                    })}
                </div>
                <span class="muted" data-testid="my-share-standing">{my_shares::standing(&share)}</span>
                <span class="muted">
                    {format!("Created {} · ", format::local_date_time(share.created_at))}
                    <span data-testid="my-share-views">
                        {format!("{} of {} views", share.views_used, share.max_views)}
                    </span>
                    " · "
                    <code class="mono" data-testid="my-share-id">{short}</code>
                </span>
                {no_link}
            </div>
            <div class="share-actions">{copy} {destroy}</div>
            {link.filter(|_| active).map(|link| view! {
                <Show when=move || qr_open.get()>
                    <div class="share-qr">
                        <QrCode data=link.clone() testid="my-share-qr" />
                    </div>
                </Show>
            })}
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_has_its_own_data_value() {
        let values: Vec<_> =
            [ShareState::Active, ShareState::Expired, ShareState::UsedUp, ShareState::Destroyed]
                .into_iter()
                .map(|state| state_label(state).0)
                .collect();
        assert_eq!(values, ["active", "expired", "used_up", "destroyed"]);
    }
}
