//! The signed-in account's security events (docs/api.md, "Activity"), newest first, filtered
//! and paged. Reading them records nothing.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use coffer_shared::api::ActivityPage;
use coffer_shared::api::paths::route;

use crate::audit::query::{ActivityQuery, Filter, view};
use crate::auth::session::SignedIn;
use crate::http::error::ApiError;
use crate::http::query::ApiQuery;
use crate::state::AppState;

/// Most events one page examines, matched or not, so a narrow search costs a bounded read.
pub const SCAN_BUDGET: usize = 10_000;

/// The activity route.
pub fn router() -> Router<AppState> {
    Router::new().route(route::ACTIVITY, get(list))
}

#[tracing::instrument(name = "activity", skip_all)]
async fn list(
    State(state): State<AppState>,
    signed_in: SignedIn,
    ApiQuery(query): ApiQuery<ActivityQuery>,
) -> Result<Json<ActivityPage>, ApiError> {
    let filter = Filter::parse(&query)?;
    let (before, limit) = (filter.before, filter.limit);
    let page = state
        .store
        .audit_page(signed_in.account_id, before, limit, SCAN_BUDGET, move |record| filter.keep(record))
        .await?;
    let events = page.events.iter().filter_map(|(id, record)| view(*id, record)).collect();
    Ok(Json(ActivityPage { events, next: page.next.map(|next| next.to_string()) }))
}
