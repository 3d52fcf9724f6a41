//! Vault attachments (docs/api.md, "Vault attachments"): files uploaded with `vault: true`,
//! listed, streamed and deleted by their account only; another account's file is not found.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use axum::{Json, Router};
use coffer_shared::api::paths::route;
use coffer_shared::api::{ErrorCode, VaultFile, VaultFileList};
use serde::Deserialize;

use super::files::{serve, stored_file};
use crate::audit::{Audit, Event};
use crate::auth::session::SignedIn;
use crate::http::error::ApiError;
use crate::http::id_path::{FilePath, IdPath};
use crate::http::query::ApiQuery;
use crate::state::AppState;
use crate::sweeper::purge_blobs;

/// The vault attachment routes.
pub fn router() -> Router<AppState> {
    Router::new().route(route::VAULT_FILES, get(list)).route(route::VAULT_FILE, get(download).delete(remove))
}

fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, "There is no such file in your vault.")
}

#[tracing::instrument(name = "list_vault_files", skip_all)]
async fn list(State(state): State<AppState>, signed_in: SignedIn) -> Result<Json<VaultFileList>, ApiError> {
    let rows = state.store.vault_files(signed_in.account_id).await?;
    let files = rows
        .into_iter()
        .map(|row| {
            let created_at = row.created_at;
            VaultFile { file: stored_file(row), created_at }
        })
        .collect();
    Ok(Json(VaultFileList { files }))
}

/// `?preview=true`: the page shows the file rather than saving it (the log says "previewed").
#[derive(Debug, Default, Deserialize)]
struct DownloadQuery {
    #[serde(default)]
    preview: bool,
}

#[tracing::instrument(name = "download_vault_file", skip_all, fields(id = %id))]
async fn download(
    State(state): State<AppState>,
    signed_in: SignedIn,
    audit: Audit,
    IdPath(id): FilePath,
    ApiQuery(query): ApiQuery<DownloadQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let row = state.store.vault_file(signed_in.account_id, id).await?.ok_or_else(not_found)?;
    serve(&state, &audit, &row, &headers, query.preview).await
}

#[tracing::instrument(name = "delete_vault_file", skip_all, fields(id = %id))]
async fn remove(
    State(state): State<AppState>,
    signed_in: SignedIn,
    audit: Audit,
    IdPath(id): FilePath,
) -> Result<StatusCode, ApiError> {
    if !state.store.delete_vault_file(signed_in.account_id, id.clone()).await? {
        return Err(not_found());
    }
    audit.record(Event::FileDeleted { file: id }).await?;
    purge_blobs(&state).await;
    Ok(StatusCode::NO_CONTENT)
}
