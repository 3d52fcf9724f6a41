//! `/account`: the identity fingerprint, the signed-in sessions, the authenticator, the mail
//! notifications, when the vault locks itself, the passphrase, backups, sign-out and deleting
//! the account.

use coffer_shared::crypto::identity::fingerprint_text;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::components::auto_lock_setting::AutoLockSetting;
use crate::components::backup_panel::BackupPanel;
use crate::components::delete_account::DeleteAccount;
use crate::components::import_panel::ImportPanel;
use crate::components::notifications_panel::NotificationsPanel;
use crate::components::passphrase_change::PassphraseChange;
use crate::components::require_unlocked::RequireUnlocked;
use crate::components::sessions_list::SessionsList;
use crate::components::totp_panel::TotpPanel;
use crate::session::Session;

/// The account page, behind the unlock gate.
#[component]
pub fn AccountPage() -> impl IntoView {
    view! {
        <RequireUnlocked>
            <AccountSections />
        </RequireUnlocked>
    }
}

/// The sections of an unlocked account.
#[component]
fn AccountSections() -> impl IntoView {
    let session = Session::get();
    let navigate = use_navigate();
    let (email, account_id, fingerprint) = session
        .with_unlocked(|unlocked| {
            (unlocked.email.clone(), unlocked.account_id.to_string(), fingerprint_text(&unlocked.public_key))
        })
        .unwrap_or_default();
    let sign_out = move |_| {
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            session.sign_out().await;
            navigate("/signin", Default::default());
        });
    };
    view! {
        <section class="card account" data-testid="account-page">
            <h1>"Account"</h1>
            <p>"Signed in as " <strong data-testid="account-email">{email}</strong></p>
            <h2>"Identity fingerprint"</h2>
            <p class="muted">
                "Readers of the shares you create see this fingerprint beside your address. Compare \
                 it with what they see, by phone or in person, to be sure nobody swapped your key."
            </p>
            <p class="fingerprint mono" data-testid="account-fingerprint">{fingerprint}</p>
            <p class="muted small-print">"Account id " <code data-testid="account-id">{account_id}</code></p>
        </section>
        <section class="card">
            <h2>"Two-step sign-in"</h2>
            <TotpPanel />
        </section>
        <section class="card">
            <h2>"Sessions"</h2>
            <SessionsList />
        </section>
        <section class="card">
            <h2>"Notifications"</h2>
            <NotificationsPanel />
        </section>
        <section class="card" data-testid="auto-lock">
            <h2>"Locking"</h2>
            <AutoLockSetting />
        </section>
        <section class="card">
            <h2>"Passphrase"</h2>
            <PassphraseChange />
        </section>
        <section class="card">
            <h2>"Backup, import and export"</h2>
            <BackupPanel />
            <ImportPanel />
        </section>
        <section class="card">
            <div class="actions">
                <button type="button" class="secondary" data-testid="account-signout" on:click=sign_out>
                    "Sign out"
                </button>
            </div>
        </section>
        <section class="card danger-zone" data-testid="danger-zone">
            <h2>"Danger zone"</h2>
            <DeleteAccount />
        </section>
    }
}
