//! Who is signed in, and the unlocked keys: one [`Session`] in a context, made by the app's root.
//!
//! The keys live in exactly one place, the [`Auth::Unlocked`] value inside the session's signal;
//! pages borrow them with [`Session::with_unlocked`] and never keep a copy in a signal or a
//! closure. Signing out (or a session that ended) replaces that value and empties the
//! decrypted record list, so every key and plaintext is dropped, and [`Key32`] zeroizes on drop.
//! Locking ([`Session::lock`], by hand or after a while without input: [`auto_lock`]) does the
//! same but keeps the session: the passphrase opens the keys again.

pub mod auto_lock;

use coffer_shared::api::{KdfInputs, SessionInfo};
use coffer_shared::crypto::Key32;
use coffer_shared::crypto::account::AccountSecrets;
use coffer_shared::crypto::identity::IdentityKey;
use coffer_shared::id::AccountId;
use coffer_shared::token::CsrfToken;
use leptos::prelude::*;

use crate::account::Derivation;
use crate::api::{self, ApiError};
use crate::vault::Entry;

/// The `localStorage` key that remembers "this browser may have a session" (no secret: the
/// cookie itself is HttpOnly). Without it the app does not ask the server, so visitors who never
/// signed in (share recipients) make no session request and see no 401 in the console.
/// `boot.js` reads it too, by this name, to pick which app to start.
const HINT_KEY: &str = "coffer-session-hint";

/// Sets or clears the session hint; storage failures only cost a sign-in.
fn set_hint(present: bool) {
    if let Some(storage) = web_sys::window().and_then(|window| window.local_storage().ok().flatten()) {
        let _ = if present { storage.set_item(HINT_KEY, "1") } else { storage.remove_item(HINT_KEY) };
    }
}

/// Whether a session may exist.
fn hint() -> bool {
    web_sys::window()
        .and_then(|window| window.local_storage().ok().flatten())
        .and_then(|storage| storage.get_item(HINT_KEY).ok().flatten())
        .is_some()
}

/// An unlocked account: the session's facts and the keys opened from it.
#[derive(Debug)]
pub struct Unlocked {
    /// The account.
    pub account_id: AccountId,
    /// Its normalized address.
    pub email: String,
    /// Sent in the CSRF header with every state-changing request.
    pub csrf_token: CsrfToken,
    /// This session's id.
    pub session_id: String,
    /// Every record key follows from it.
    pub vault_key: Key32,
    /// The identity key pair: re-wrapped at a passphrase change, held for signed shares
    /// (docs/envelope.md, "Signatures"), and dropped with the rest.
    pub identity: IdentityKey,
    /// The identity's public key (checked against the identity seed at unlock).
    pub public_key: [u8; 32],
    /// The address and KDF inputs the keys were opened with, for re-prompts and re-keys.
    pub kdf: Derivation,
    /// Whether sign-in asks for an authenticator code.
    pub totp_enabled: bool,
    /// A hash of `auth_proof` (see [`crate::account::reprompt_check`]).
    pub reprompt_check: Key32,
    /// The session as the server described it (wrapped keys, no secret), to lock again without
    /// asking it; a passphrase change here updates its KDF inputs and wrapped keys.
    info: Box<SessionInfo>,
}

impl Unlocked {
    /// After a re-key (a passphrase change, the move to KDF version 2): the new inputs, wrapped
    /// keys (base64url of the vault and identity envelopes) and re-prompt check replace the old
    /// ones, so that unlocking after a lock uses them.
    pub fn rekeyed(&mut self, kdf: Derivation, wrapped: [String; 2], check: Key32) {
        let [vault_key, identity_key] = wrapped;
        self.info.kdf = KdfInputs::of(&kdf.kdf);
        self.info.wrapped_vault_key = vault_key;
        self.info.wrapped_identity_key = identity_key;
        self.kdf = kdf;
        self.reprompt_check = check;
    }

    /// Joins a session's facts with the keys opened from it and the inputs they came from.
    pub fn new(
        info: &SessionInfo,
        secrets: AccountSecrets,
        public_key: [u8; 32],
        kdf: Derivation,
        check: Key32,
    ) -> Self {
        let AccountSecrets { vault_key, identity } = secrets;
        Self {
            account_id: info.account_id.clone(),
            email: info.email.clone(),
            csrf_token: info.csrf_token.clone(),
            session_id: info.session_id.clone(),
            vault_key,
            identity,
            public_key,
            kdf,
            totp_enabled: info.totp_enabled,
            reprompt_check: check,
            info: Box::new(info.clone()),
        }
    }
}

/// Where the session stands.
#[derive(Debug, Default)]
pub enum Auth {
    /// `GET /api/v1/session` has not answered yet.
    #[default]
    Checking,
    /// No session.
    SignedOut,
    /// A session exists (a reloaded page): the passphrase opens its keys.
    Locked(Box<SessionInfo>),
    /// Keys open.
    Unlocked(Box<Unlocked>),
}

/// A message for the whole app, shown under the header until dismissed or the next sign-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    /// A request answered 401: the session ended elsewhere or timed out; keys are gone.
    SessionEnded,
    /// The account was deleted from this browser.
    AccountDeleted,
}

impl Notice {
    /// The sentence shown.
    pub fn text(self) -> &'static str {
        match self {
            Notice::SessionEnded => "Your session has ended. Sign in again to open your vault.",
            Notice::AccountDeleted => "Your account and everything in it were deleted.",
        }
    }
}

/// [`Auth`] without its contents, for views to match on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthState {
    /// Still asking the server.
    Checking,
    /// No session.
    SignedOut,
    /// A session whose keys are not open.
    Locked,
    /// Keys open.
    Unlocked,
}

/// The app's session: a copyable handle to its signals.
#[derive(Debug, Clone, Copy)]
pub struct Session {
    auth: RwSignal<Auth>,
    /// The decrypted records, `None` until loaded.
    pub records: RwSignal<Option<Vec<Entry>>>,
    /// The app-wide notice, if any.
    pub notice: RwSignal<Option<Notice>>,
    state: Memo<AuthState>,
}

impl Session {
    /// Makes the session, provides it as context and asks the server whether one exists.
    pub fn provide() -> Self {
        let session = Self::provide_as(Auth::Checking);
        let auth = session.auth;
        // Any call answering 401 `unauthenticated` while a session is known means it ended
        // elsewhere. While still checking (the first `GET /session`) a 401 is the normal
        // "nobody signed in" answer, handled below.
        api::on_unauthenticated(move || {
            if matches!(session.state.get_untracked(), AuthState::Locked | AuthState::Unlocked) {
                session.end();
            }
        });
        if !hint() {
            auth.set(Auth::SignedOut);
            return session;
        }
        leptos::task::spawn_local(async move {
            let next = match api::account::session().await {
                Ok(info) => Auth::Locked(Box::new(info)),
                Err(_) => {
                    set_hint(false);
                    Auth::SignedOut
                }
            };
            // Sign-in may have finished meanwhile; only replace the first guess.
            auth.update(|auth| {
                if matches!(auth, Auth::Checking) {
                    *auth = next;
                }
            });
        });
        session
    }

    /// Provides a session that stays signed out, asking the server nothing: the visitor's app
    /// ([`crate::public_app`]), which is started only when this browser has no session hint.
    pub fn provide_signed_out() -> Self {
        Self::provide_as(Auth::SignedOut)
    }

    /// Makes the session in state `auth` and provides it as context.
    fn provide_as(auth: Auth) -> Self {
        let auth = RwSignal::new(auth);
        let state = Memo::new(move |_| {
            auth.with(|auth| match auth {
                Auth::Checking => AuthState::Checking,
                Auth::SignedOut => AuthState::SignedOut,
                Auth::Locked(_) => AuthState::Locked,
                Auth::Unlocked(_) => AuthState::Unlocked,
            })
        });
        let session = Self { auth, records: RwSignal::new(None), notice: RwSignal::new(None), state };
        provide_context(session);
        session
    }

    /// The session provided by the app's root.
    pub fn get() -> Self {
        expect_context::<Self>()
    }

    /// Where the session stands (reactive).
    pub fn state(&self) -> AuthState {
        self.state.get()
    }

    /// Where the session stands, without tracking.
    pub fn state_untracked(&self) -> AuthState {
        self.state.get_untracked()
    }

    /// Runs `f` with the unlocked keys, without tracking; `None` unless unlocked.
    pub fn with_unlocked<R>(&self, f: impl FnOnce(&Unlocked) -> R) -> Option<R> {
        self.auth.with_untracked(|auth| match auth {
            Auth::Unlocked(unlocked) => Some(f(unlocked)),
            _ => None,
        })
    }

    /// Runs `f` with the unlocked keys, tracking changes of the session.
    pub fn with_unlocked_tracked<R>(&self, f: impl FnOnce(&Unlocked) -> R) -> Option<R> {
        self.auth.with(|auth| match auth {
            Auth::Unlocked(unlocked) => Some(f(unlocked)),
            _ => None,
        })
    }

    /// Runs `f` with a locked session's facts, without tracking.
    pub fn with_locked<R>(&self, f: impl FnOnce(&SessionInfo) -> R) -> Option<R> {
        self.auth.with_untracked(|auth| match auth {
            Auth::Locked(info) => Some(f(info)),
            _ => None,
        })
    }

    /// The CSRF token of an unlocked session.
    pub fn csrf(&self) -> Option<String> {
        self.with_unlocked(|unlocked| unlocked.csrf_token.as_str().to_owned())
    }

    /// The CSRF token of any known session, locked or not (for calls that need no keys).
    pub fn any_csrf(&self) -> Option<String> {
        self.csrf().or_else(|| self.with_locked(|info| info.csrf_token.as_str().to_owned()))
    }

    /// After a passphrase change: the new KDF inputs, wrapped keys (base64url of the vault and
    /// identity envelopes) and re-prompt check replace the old ones. The keys themselves do not
    /// change.
    pub fn set_passphrase(&self, kdf: Derivation, wrapped: [String; 2], check: Key32) {
        self.auth.update(|auth| {
            if let Auth::Unlocked(unlocked) = auth {
                unlocked.rekeyed(kdf, wrapped, check);
            }
        });
    }

    /// The keys are open: the vault is reachable.
    pub fn set_unlocked(&self, unlocked: Unlocked) {
        set_hint(true);
        self.records.set(None);
        self.notice.set(None);
        self.auth.set(Auth::Unlocked(Box::new(unlocked)));
    }

    /// Marks whether the authenticator is on, after enrolling or turning it off.
    pub fn set_totp_enabled(&self, enabled: bool) {
        self.auth.update(|auth| {
            if let Auth::Unlocked(unlocked) = auth {
                unlocked.totp_enabled = enabled;
                unlocked.info.totp_enabled = enabled;
            }
        });
    }

    /// Locks the vault: drops every key and decrypted record, as signing out does, but keeps
    /// the session, whose passphrase opens the keys again. The pages behind the unlock gate
    /// are replaced by the unlock form at once. The session's facts are then read again from
    /// the server, in case the passphrase changed in another tab (a 401 ends the session).
    pub fn lock(&self) {
        let mut locked = None;
        self.auth.update(|auth| {
            if let Auth::Unlocked(unlocked) = auth {
                locked = Some(unlocked.info.clone());
            }
            if let Some(info) = &locked {
                *auth = Auth::Locked(info.clone());
            }
        });
        if locked.is_none() {
            return;
        }
        self.records.set(None);
        let auth = self.auth;
        leptos::task::spawn_local(async move {
            if let Ok(info) = api::account::session().await {
                auth.update(|auth| {
                    if matches!(auth, Auth::Locked(_)) {
                        *auth = Auth::Locked(Box::new(info));
                    }
                });
            }
        });
    }

    /// Drops every key and decrypted record, leaving `next`.
    fn forget(&self, next: Auth) {
        set_hint(false);
        self.records.set(None);
        self.auth.set(next);
    }

    /// The session ended on the server: drops every key and plaintext and says so.
    pub fn end(&self) {
        self.forget(Auth::SignedOut);
        self.notice.set(Some(Notice::SessionEnded));
    }

    /// The account was deleted: drops every key and plaintext and says so.
    pub fn deleted(&self) {
        self.forget(Auth::SignedOut);
        self.notice.set(Some(Notice::AccountDeleted));
    }

    /// Ends the session on the server (best effort) and drops every key and plaintext here.
    pub async fn sign_out(&self) {
        let csrf = self.any_csrf();
        self.notice.set(None);
        self.forget(Auth::SignedOut);
        if let Some(csrf) = csrf {
            // The keys are gone whatever the server answers; a dead session needs no ending.
            let _ = api::account::signout(&csrf).await;
        }
    }

    /// Treats a 401 `unauthenticated` as the end of the session; `true` if it was one.
    pub fn check_ended(&self, error: &ApiError) -> bool {
        if error.is_unauthenticated() {
            if self.state.get_untracked() != AuthState::SignedOut {
                self.end();
            }
            true
        } else {
            false
        }
    }
}
