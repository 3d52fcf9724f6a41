//! `/vault`: the vault list (components/vault_list.rs). On wide screens the list sits in the
//! left column of the vault's split view, with a hint where an opened record would show.

use leptos::prelude::*;

use crate::components::require_unlocked::RequireUnlocked;
use crate::components::vault_list::VaultList;
use crate::components::vault_loader::VaultLoader;

/// The vault page, behind the unlock gate.
#[component]
pub fn VaultPage() -> impl IntoView {
    view! {
        <RequireUnlocked>
            <VaultLoader refresh=true>
                <div class="vault-split" data-pane="list">
                    <VaultList selected=Signal::stored(None::<String>) extras=true />
                    <section class="card vault-detail-empty" data-testid="vault-detail-empty">
                        <p class="empty-mark brand-mark" aria-hidden="true">"◆"</p>
                        <p class="muted">"Choose an item in the list to see it here."</p>
                    </section>
                </div>
            </VaultLoader>
        </RequireUnlocked>
    }
}
