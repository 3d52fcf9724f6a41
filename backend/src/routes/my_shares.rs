//! "My shares" (docs/api.md, "My shares"): the shares the signed-in account created, with views
//! used, expiry and how each ended, and a destroy that needs no management token.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use coffer_shared::api::paths::route;
use coffer_shared::api::{MyShare, MyShareList};

use crate::audit::Audit;
use crate::audit::event::{DestroyedBy, Event};
use crate::auth::session::SignedIn;
use crate::http::error::ApiError;
use crate::http::id_path::{IdPath, SharePath};
use crate::state::AppState;

/// The "My shares" routes.
pub fn router() -> Router<AppState> {
    Router::new().route(route::MY_SHARES, get(list)).route(route::MY_SHARE_DESTROY, post(destroy))
}

/// The account's shares, newest first.
#[tracing::instrument(name = "my_shares", skip_all)]
async fn list(State(state): State<AppState>, signed_in: SignedIn) -> Result<Json<MyShareList>, ApiError> {
    let now = state.clock.now();
    let shares = state
        .store
        .owned_shares(signed_in.account_id)
        .await?
        .into_iter()
        .map(|share| MyShare {
            state: share.state_at(now),
            id: share.id,
            created_at: share.created_at,
            expires_at: share.expires_at,
            max_views: share.max_views,
            views_used: share.views_used,
            read_receipt: share.read_receipt,
            files: share.files,
            password: share.password,
            note: share.note,
            link: share.link,
        })
        .collect();
    Ok(Json(MyShareList { shares }))
}

/// Destroys one of the account's live shares.
#[tracing::instrument(name = "my_share_destroy", skip_all)]
async fn destroy(
    State(state): State<AppState>,
    signed_in: SignedIn,
    audit: Audit,
    IdPath(id): SharePath,
) -> Result<StatusCode, ApiError> {
    if !state.store.destroy_owned_share(signed_in.account_id, id.clone(), state.clock.now()).await? {
        return Err(ApiError::NotFound);
    }
    audit.record(Event::ShareDestroyed { share: id, by: DestroyedBy::Owner }).await?;
    crate::sweeper::purge_blobs(&state).await;
    Ok(StatusCode::NO_CONTENT)
}
