//! Shares: create, read status, claim (the only call that consumes a view) and destroy.
//!
//! The server sees ids, envelopes and tokens, never the share key, the password or the
//! plaintext. Tokens are hashed on arrival and compared as hashes in constant time. A share made
//! while signed in gets an owner, who sees it on "My shares" and may ask for read receipts; it
//! must be signed with the owner's identity key, and its status names the owner ([`signer`]).

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use coffer_shared::api::paths::route;
use coffer_shared::api::{
    ClaimRequest, ClaimResponse, CreateShareRequest, CreateShareResponse, ErrorCode, MAX_FILES_PER_SHARE,
    ShareStatus, TokenRequest,
};
use coffer_shared::b64;
use coffer_shared::crypto::envelope::{Envelope, Kind};
use coffer_shared::crypto::random_array;
use coffer_shared::crypto::share::token_hash;
use coffer_shared::crypto::share_note::MAX_NOTE_BYTES;
use coffer_shared::id::ShareId;
use coffer_shared::token::DownloadToken;

use crate::audit::Audit;
use crate::audit::event::{DestroyedBy, Event};
use crate::audit::record::NewEvent;
use crate::audit::request::Recorder;
use crate::auth::session::SignedIn;
use crate::http::client_ip::ClientIp;
use crate::http::error::ApiError;
use crate::http::id_path::{IdPath, SharePath};
use crate::http::json::ApiJson;
use crate::http::token;
use crate::routes::files::stored_file;
use crate::settings::MAX_VIEWS;
use crate::state::AppState;
use crate::store::{ClaimOutcome, InsertOutcome, NewShare, SignatureContext};
use crate::sweeper::purge_blobs;

mod receipt;
mod signer;

/// The share routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(route::SHARES, post(create))
        .route(route::SHARE_STATUS, post(status))
        .route(route::SHARE_CLAIM, post(claim))
        .route(route::SHARE_DESTROY, post(destroy))
}

#[tracing::instrument(name = "create_share", skip_all, fields(id = %request.id))]
async fn create(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    signed_in: Option<SignedIn>,
    audit: Audit,
    ApiJson(request): ApiJson<CreateShareRequest>,
) -> Result<(StatusCode, Json<CreateShareResponse>), ApiError> {
    state.create_limiter.check(ip).await?;
    let now = state.clock.now();
    let (mut share, envelope) = validate(&state, request, now)?;
    share.owner = signed_in.map(|signed_in| signed_in.account_id);
    signer::check_flag(&envelope, share.owner.is_some())?;
    if (share.note.is_some() || share.link.is_some()) && share.owner.is_none() {
        return Err(ApiError::invalid(
            ErrorCode::InvalidNote,
            "note, link: only a share created while signed in keeps them",
        ));
    }
    let response = CreateShareResponse {
        id: share.id.clone(),
        expires_at: share.expires_at,
        max_views: share.max_views,
    };
    let created = Event::ShareCreated {
        share: share.id.clone(),
        expires_at: share.expires_at,
        max_views: share.max_views,
        files: share.files.len(),
        read_receipt: share.read_receipt && share.owner.is_some(),
    };
    let id = share.id.clone();
    let signature_ok = move |context: &SignatureContext| signer::verifies(&id, &envelope, context);
    // The event is stored with the share, in its transaction.
    let (recorder, sink) = audit.in_transaction().await?;
    let record = move |outcome: &InsertOutcome| match outcome {
        InsertOutcome::Inserted => recorder.own([created.clone()]),
        _ => Vec::new(),
    };
    match state.store.insert_share(share, signature_ok, record, sink).await? {
        InsertOutcome::Inserted => {}
        InsertOutcome::IdTaken => return Err(ApiError::IdTaken),
        InsertOutcome::InvalidFile(position) => {
            return Err(ApiError::invalid(
                ErrorCode::InvalidFile,
                format!("files[{position}]: not a finished, unattached share upload with this upload_token"),
            )
            .with_field("files[]"));
        }
        InsertOutcome::BadSignature => return Err(signer::bad_signature()),
    }
    Ok((StatusCode::CREATED, Json(response)))
}

/// Checks every field of a create request against the rules and this server's limits; returns
/// the share to store and its parsed envelope.
fn validate(
    state: &AppState,
    request: CreateShareRequest,
    now: u64,
) -> Result<(NewShare, Envelope), ApiError> {
    let settings = &state.settings;
    if request.envelope.len() > settings.max_envelope_bytes.div_ceil(3) * 4 {
        return Err(ApiError::TooLarge);
    }
    let envelope = b64::decode(&request.envelope).map_err(|_| {
        ApiError::malformed(ErrorCode::InvalidEnvelope, "envelope: not canonical base64url")
            .with_field("envelope")
    })?;
    if envelope.len() > settings.max_envelope_bytes {
        return Err(ApiError::TooLarge);
    }
    let parsed = Envelope::parse(&envelope).map_err(|error| {
        ApiError::invalid(ErrorCode::InvalidEnvelope, format!("envelope: {error}")).with_field("envelope")
    })?;
    if parsed.header.kind != Kind::ShareText {
        return Err(ApiError::invalid(
            ErrorCode::InvalidEnvelope,
            "envelope: a share must hold a share-text envelope",
        )
        .with_field("envelope"));
    }
    if !settings.expiry_options().contains(&request.expires_in) {
        return Err(ApiError::invalid(
            ErrorCode::InvalidExpiry,
            format!("expires_in: must be one of {:?} seconds", settings.expiry_options()),
        )
        .with_field("expires_in"));
    }
    if !(1..=MAX_VIEWS).contains(&request.max_views) {
        return Err(ApiError::invalid(
            ErrorCode::InvalidViews,
            format!("max_views: must be from 1 to {MAX_VIEWS}"),
        )
        .with_field("max_views"));
    }
    if request.files.len() > MAX_FILES_PER_SHARE {
        return Err(ApiError::invalid(
            ErrorCode::InvalidFile,
            format!("files: at most {MAX_FILES_PER_SHARE}"),
        )
        .with_field("files"));
    }
    let files = request
        .files
        .iter()
        .enumerate()
        .map(|(position, file)| {
            let hash = file.upload_token.hash().map_err(|_| {
                ApiError::invalid(
                    ErrorCode::InvalidToken,
                    format!("files[{position}].upload_token: must be base64url of 32 bytes"),
                )
                .with_field("files[].upload_token")
            })?;
            Ok((file.id.clone(), hash))
        })
        .collect::<Result<_, ApiError>>()?;
    let share = NewShare {
        id: request.id,
        header: parsed.header.to_bytes(),
        envelope,
        access_hash: *token::hash("access_token", &request.access_token)?.as_bytes(),
        status_hash: *token::hash("status_token", &request.status_token)?.as_bytes(),
        manage_hash: *token::hash("manage_token", &request.manage_token)?.as_bytes(),
        created_at: now,
        expires_at: now + request.expires_in,
        max_views: request.max_views,
        max_wrong_claims: settings.max_wrong_claims,
        owner: None,
        read_receipt: request.read_receipt,
        files,
        note: request.note.map(|note| checked_note("note", note)).transpose()?,
        link: request.link.map(|link| checked_note("link", link)).transpose()?,
    };
    Ok((share, parsed))
}

/// A create request's `note` or `link` (named `field`), if it is b64u of a well-formed
/// `share-note` envelope of at most [`MAX_NOTE_BYTES`]. Whose vault key sealed it only its
/// owner's browser can tell.
fn checked_note(field: &'static str, note: String) -> Result<String, ApiError> {
    let refuse = || {
        ApiError::invalid(
            ErrorCode::InvalidNote,
            format!("{field}: must be b64u of a share-note envelope of at most {MAX_NOTE_BYTES} bytes"),
        )
        .with_field(field)
    };
    if note.len() > MAX_NOTE_BYTES.div_ceil(3) * 4 {
        return Err(refuse());
    }
    let bytes = b64::decode(&note).map_err(|_| refuse())?;
    let envelope = Envelope::parse(&bytes).map_err(|_| refuse())?;
    if bytes.len() > MAX_NOTE_BYTES || envelope.header.kind != Kind::ShareNote {
        return Err(refuse());
    }
    Ok(note)
}

#[tracing::instrument(name = "share_status", skip_all, fields(id = %id))]
async fn status(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    audit: Audit,
    IdPath(id): SharePath,
    ApiJson(request): ApiJson<TokenRequest>,
) -> Result<Json<ShareStatus>, ApiError> {
    state.claim_limiter.check(ip).await?;
    let hash = token::hash("token", &request.token)?;
    let status = state.store.share_status(id.clone(), hash, state.clock.now()).await?;
    let status = status.ok_or(ApiError::NotFound)?;
    // A reader's page opened the link; the creator's management page reading it is no news.
    if !status.by_manager {
        let opened = Event::ShareOpened { share: id, views_left: status.views_left };
        audit.record_for(status.owner.clone(), [opened]).await?;
    }
    Ok(Json(ShareStatus {
        header: b64::encode(&status.header),
        expires_at: status.expires_at,
        views_left: status.views_left,
        max_views: status.max_views,
        wrong_claims_left: status.wrong_claims_left,
        file_count: status.file_count,
        file_bytes: status.file_bytes,
        signer: status.signer.map(signer::status_signer),
    }))
}

#[tracing::instrument(name = "claim_share", skip_all, fields(id = %id))]
async fn claim(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    audit: Audit,
    IdPath(id): SharePath,
    ApiJson(request): ApiJson<ClaimRequest>,
) -> Result<Json<ClaimResponse>, ApiError> {
    state.claim_limiter.check(ip).await?;
    let status_hash = token::hash("status_token", &request.status_token)?;
    let access_hash = token::hash("access_token", &request.access_token)?;
    let now = state.clock.now();
    // Made for every claim, stored only by a counted view of a share with files.
    let download_token = random_array::<32>();
    let download = (token_hash(&download_token), now + state.settings.download_window);
    // The events are stored with the change they record, in its transaction: a view is spent
    // only if its event is stored too.
    let (recorder, sink) = audit.in_transaction().await?;
    let record = {
        let id = id.clone();
        move |outcome: &ClaimOutcome| claim_events(&recorder, &id, outcome)
    };
    match state.store.claim_share(id.clone(), status_hash, access_hash, download, now, record, sink).await? {
        ClaimOutcome::Claimed { envelope, views_left, receipt_to, files, owner: _ } => {
            if let Some(owner) = receipt_to {
                // Mailed in the background: the reader does not wait on the owner's SMTP relay.
                tokio::spawn(receipt::send(state.clone(), owner, id, views_left, now));
            }
            Ok(Json(ClaimResponse {
                envelope: b64::encode(envelope),
                views_left,
                download_token: (!files.is_empty()).then(|| DownloadToken::from_bytes(&download_token)),
                files: files.into_iter().map(stored_file).collect(),
            }))
        }
        ClaimOutcome::WrongToken { wrong_claims_left, owner: _ } => {
            if wrong_claims_left == 0 {
                purge_blobs(&state).await;
            }
            Err(ApiError::WrongToken { wrong_claims_left })
        }
        ClaimOutcome::Expired { owner: _ } => Err(ApiError::NotFound),
        ClaimOutcome::NotFound => Err(ApiError::NotFound),
    }
}

#[tracing::instrument(name = "destroy_share", skip_all, fields(id = %id))]
async fn destroy(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    audit: Audit,
    IdPath(id): SharePath,
    ApiJson(request): ApiJson<TokenRequest>,
) -> Result<StatusCode, ApiError> {
    state.claim_limiter.check(ip).await?;
    let hash = token::hash("token", &request.token)?;
    let ended = state.store.destroy_share(id, hash, state.clock.now()).await?.ok_or(ApiError::NotFound)?;
    let destroyed = Event::ShareDestroyed { share: ended.id, by: DestroyedBy::ManageLink };
    audit.record_for(ended.owner, [destroyed]).await?;
    purge_blobs(&state).await;
    Ok(StatusCode::NO_CONTENT)
}

/// The events of a claim's outcome, for the share's owner.
fn claim_events(recorder: &Recorder, id: &ShareId, outcome: &ClaimOutcome) -> Vec<NewEvent> {
    let share = || id.clone();
    match outcome {
        ClaimOutcome::Claimed { views_left, files, owner, .. } => {
            let mut events =
                vec![Event::ShareClaimed { share: share(), views_left: *views_left, files: files.len() }];
            if *views_left == 0 {
                events.push(Event::ShareUsedUp { share: share() });
            }
            recorder.of(owner.clone(), events)
        }
        ClaimOutcome::WrongToken { wrong_claims_left, owner } => {
            let mut events =
                vec![Event::ShareWrongToken { share: share(), wrong_claims_left: *wrong_claims_left }];
            if *wrong_claims_left == 0 {
                events.push(Event::ShareDestroyed { share: share(), by: DestroyedBy::WrongTokens });
            }
            recorder.of(owner.clone(), events)
        }
        ClaimOutcome::Expired { owner } => {
            recorder.of(owner.clone(), [Event::ShareExpired { share: share() }])
        }
        ClaimOutcome::NotFound => Vec::new(),
    }
}
