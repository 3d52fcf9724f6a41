//! Short messages in a corner that go away by themselves ("Upload complete", "Download failed").

use leptos::prelude::*;

/// How long a toast stays, in milliseconds.
const SHOWN_MS: i32 = 6_000;

/// Whether a toast reports success or failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToastKind {
    /// Something finished.
    Success,
    /// Something failed.
    Failure,
}

/// The app's toasts; [`Toasts::provide`] once at the root, [`Toasts::get`] anywhere below.
#[derive(Debug, Clone, Copy)]
pub struct Toasts {
    shown: RwSignal<Vec<(u32, ToastKind, String)>>,
    next: StoredValue<u32>,
}

impl Toasts {
    /// Puts the toasts into the context.
    pub fn provide() {
        provide_context(Self { shown: RwSignal::new(Vec::new()), next: StoredValue::new(0) });
    }

    /// The toasts from the context.
    pub fn get() -> Self {
        expect_context()
    }

    /// Shows `text` for a few seconds.
    pub fn show(&self, kind: ToastKind, text: impl Into<String>) {
        let id = self.next.get_value();
        self.next.set_value(id + 1);
        self.shown.update(|shown| shown.push((id, kind, text.into())));
        let shown = self.shown;
        set_timeout(
            move || shown.try_update(|shown| shown.retain(|(other, ..)| *other != id)).unwrap_or(()),
            std::time::Duration::from_millis(SHOWN_MS as u64),
        );
    }

    /// Takes every toast away at once (the vault locked: they may name what it holds).
    pub fn clear(&self) {
        self.shown.set(Vec::new());
    }
}

/// Where the toasts appear.
#[component]
pub fn ToastHost() -> impl IntoView {
    let toasts = Toasts::get();
    view! {
        <div class="toasts" role="status" aria-live="polite">
            <For
                each=move || toasts.shown.get()
                key=|(id, ..)| *id
                children=|(_, kind, text)| {
                    let class = match kind {
                        ToastKind::Success => "toast success",
                        ToastKind::Failure => "toast failure",
                    };
                    view! { <div class=class data-testid="toast">{text}</div> }
                }
            />
        </div>
    }
}
