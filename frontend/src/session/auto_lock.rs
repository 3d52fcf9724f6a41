//! Locking the vault after a while without input: while the vault is unlocked, the page notes
//! every key press, click, pointer move, wheel turn and touch, and once the chosen time passes
//! with none it calls [`Session::lock`]. The time is a setting kept in this browser's local
//! storage (5, 15 or 30 minutes; 15 by default). It runs on the page's own clock (`Date.now`
//! and `setTimeout`), so a page that sleeps or is hidden locks as soon as it wakes or shows.
//! "Lock now" locks every tab of the app in this browser (a `BroadcastChannel`); the idle time
//! is each tab's own (input in one tab does not keep another open).

use std::cell::RefCell;
use std::time::Duration;

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use super::{AuthState, Session};
use crate::components::toast::Toasts;

/// The times one may choose, in minutes.
pub const CHOICES: [u32; 3] = [5, 15, 30];
/// The time when none was chosen in this browser.
pub const DEFAULT_MINUTES: u32 = 15;
/// Where the choice is kept (no secret).
const STORAGE_KEY: &str = "coffer:lock-after-minutes";
/// The channel on which "Lock now" reaches the app's other tabs (the message carries nothing).
const LOCK_CHANNEL: &str = "coffer-lock";
/// What counts as the user being there (not `scroll`: the page itself scrolls too).
const INPUT_EVENTS: [&str; 5] = ["keydown", "pointerdown", "pointermove", "wheel", "touchstart"];

/// The minutes a stored value names: one of [`CHOICES`], else [`DEFAULT_MINUTES`].
pub fn parse_minutes(stored: Option<&str>) -> u32 {
    stored
        .and_then(|text| text.parse().ok())
        .filter(|minutes| CHOICES.contains(minutes))
        .unwrap_or(DEFAULT_MINUTES)
}

thread_local! {
    /// This tab's end of [`LOCK_CHANNEL`]: it posts and listens on the same object, so a tab
    /// does not hear its own message.
    static CHANNEL: RefCell<Option<web_sys::BroadcastChannel>> = const { RefCell::new(None) };
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The page's clock, in milliseconds.
fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// The idle watch and the "Lock now" action: [`AutoLock::provide`] once at the root.
#[derive(Debug, Clone, Copy)]
pub struct AutoLock {
    session: Session,
    toasts: Toasts,
    minutes: RwSignal<u32>,
    last_input: StoredValue<f64>,
    timer: StoredValue<Option<TimeoutHandle>>,
}

impl AutoLock {
    /// Reads the setting, starts listening for input and provides the watch as context.
    pub fn provide(session: Session, toasts: Toasts) -> Self {
        let stored = storage().and_then(|storage| storage.get_item(STORAGE_KEY).ok().flatten());
        let this = Self {
            session,
            toasts,
            minutes: RwSignal::new(parse_minutes(stored.as_deref())),
            last_input: StoredValue::new(now_ms()),
            timer: StoredValue::new(None),
        };
        provide_context(this);
        this.listen();
        Effect::new(move |_| {
            if session.state() == AuthState::Unlocked {
                this.last_input.set_value(now_ms());
                this.check();
            } else {
                this.stop();
            }
        });
        this
    }

    /// The watch from the context.
    pub fn get() -> Self {
        expect_context()
    }

    /// The chosen time in minutes (reactive).
    pub fn minutes(&self) -> u32 {
        self.minutes.get()
    }

    /// Keeps `minutes` (one of [`CHOICES`]) in this browser and applies it at once; `false` if
    /// it is not a choice or the storage refused.
    pub fn set_minutes(&self, minutes: u32) -> bool {
        if !CHOICES.contains(&minutes) {
            return false;
        }
        let stored =
            storage().is_some_and(|storage| storage.set_item(STORAGE_KEY, &minutes.to_string()).is_ok());
        self.minutes.set(minutes);
        self.check();
        stored
    }

    /// Locks now, here and in the app's other tabs of this browser.
    pub fn lock_now(&self) {
        self.lock_here();
        CHANNEL.with_borrow(|channel| {
            if let Some(channel) = channel {
                let _ = channel.post_message(&JsValue::NULL);
            }
        });
    }

    /// Locks this tab: keys and decrypted records go, and so do the toasts (they may name
    /// them).
    fn lock_here(&self) {
        self.stop();
        self.session.lock();
        self.toasts.clear();
    }

    /// Locks if the time has passed without input, else checks again when it would have.
    fn check(&self) {
        self.stop();
        if self.session.state_untracked() != AuthState::Unlocked {
            return;
        }
        let limit = f64::from(self.minutes.get_untracked()) * 60_000.0;
        let idle = now_ms() - self.last_input.get_value();
        if idle >= limit {
            self.lock_here();
            return;
        }
        let this = *self;
        let wait = Duration::from_millis((limit - idle).ceil() as u64);
        self.timer.set_value(set_timeout_with_handle(move || this.check(), wait).ok());
    }

    fn stop(&self) {
        if let Some(handle) = self.timer.get_value() {
            handle.clear();
        }
        self.timer.set_value(None);
    }

    /// Notes every input (capturing, so no page can swallow it), and checks when the page
    /// shows again (timers of hidden pages are slowed down).
    fn listen(&self) {
        let Some(window) = web_sys::window() else { return };
        let this = *self;
        let on_input = Closure::<dyn Fn()>::new(move || this.last_input.set_value(now_ms()));
        let options = web_sys::AddEventListenerOptions::new();
        options.set_capture(true);
        options.set_passive(true);
        for event in INPUT_EVENTS {
            let _ = window.add_event_listener_with_callback_and_add_event_listener_options(
                event,
                on_input.as_ref().unchecked_ref(),
                &options,
            );
        }
        let on_visible = Closure::<dyn Fn()>::new(move || {
            let visible = web_sys::window()
                .and_then(|window| window.document())
                .is_some_and(|document| document.visibility_state() == web_sys::VisibilityState::Visible);
            if visible {
                this.check();
            }
        });
        if let Some(document) = window.document() {
            let _ = document
                .add_event_listener_with_callback("visibilitychange", on_visible.as_ref().unchecked_ref());
        }
        if let Ok(channel) = web_sys::BroadcastChannel::new(LOCK_CHANNEL) {
            let on_lock = Closure::<dyn Fn()>::new(move || {
                if this.session.state_untracked() == AuthState::Unlocked {
                    this.lock_here();
                }
            });
            channel.set_onmessage(Some(on_lock.as_ref().unchecked_ref()));
            on_lock.forget();
            CHANNEL.with_borrow_mut(|slot| *slot = Some(channel));
        }
        // They live as long as the page.
        on_input.forget();
        on_visible.forget();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_choice_is_kept_and_anything_else_means_fifteen_minutes() {
        for minutes in CHOICES {
            assert_eq!(parse_minutes(Some(&minutes.to_string())), minutes);
        }
        for stored in [None, Some(""), Some("0"), Some("1"), Some("60"), Some("-5"), Some("15.5"), Some("x")]
        {
            assert_eq!(parse_minutes(stored), 15, "{stored:?}");
        }
    }
}
