//! The background sweeper: deletes expired shares, sessions, pending sign-ins, abandoned
//! uploads and released share files every `sweep_interval` seconds (recording the expired
//! shares and sessions in the security event log), mails the weekly digests that are due
//! (`docs/mail.md`), and forgets idle rate-limit buckets. Expired shares are never served even before a sweep (every read checks the
//! expiry); the sweep is what removes their bytes from disk.
//!
//! File blobs are deleted after the transaction that deleted their records commits: such a
//! transaction puts the id in the blob trash, and [`purge_blobs`] empties it.

use std::time::Duration;

use crate::audit::Event;
use crate::audit::record::Origin;
use crate::audit::system;
use crate::state::AppState;

/// Seconds between two scans of the whole blob store for blobs no record names. Such a blob is
/// rare (a crash between a commit and its blob's deletion, a chunk landing as its upload was
/// deleted), and a scan lists every blob and every file id: hourly, not every sweep.
const ORPHAN_SCAN_EVERY: u64 = 3600;

/// Runs until `stop` fires (or its sender is dropped); spawn it. A pass under way is finished
/// first, so that when this returns no sweep holds the database any more.
pub async fn run(state: AppState, mut stop: tokio::sync::oneshot::Receiver<()>) {
    let interval = state.settings.sweep_interval.max(1);
    let mut ticker = tokio::time::interval(Duration::from_secs(interval));
    // The first scan comes with the first sweep, right after the start, without holding it up.
    let mut since_scan = ORPHAN_SCAN_EVERY;
    loop {
        tokio::select! {
            _ = ticker.tick() => {}
            _ = &mut stop => return,
        }
        let started = std::time::Instant::now();
        sweep_once(&state).await;
        since_scan += interval;
        if since_scan >= ORPHAN_SCAN_EVERY {
            since_scan = 0;
            clean_blobs(&state).await;
        }
        let metrics = crate::metrics::global();
        metrics.sweeper_runs.inc();
        metrics.sweeper_seconds.observe(crate::metrics::seconds(started.elapsed()));
        for limiter in [
            &state.create_limiter,
            &state.auth_limiter,
            &state.claim_limiter,
            &state.upload_limiter,
            &state.chunk_limiter,
            &state.audit_refusals,
        ] {
            if let Err(error) = limiter.prune().await {
                tracing::warn!(event = "prune_failed", %error);
            }
        }
    }
}

/// One sweep of everything that expires.
pub async fn sweep_once(state: &AppState) {
    let settings = &state.settings;
    let now = state.clock.now();
    let mut events = Vec::new();
    match state.store.sweep_expired(now).await {
        Ok(ended) => events.extend(ended.into_iter().map(|share| {
            let event = Event::ShareExpired { share: share.id };
            system::new_event(state, &event, share.owner, None, Origin::default())
        })),
        Err(error) => tracing::error!(event = "sweep_failed", %error),
    }
    match state.store.sweep_sessions(now, settings.session_idle, settings.session_max).await {
        Ok(ended) => events.extend(ended.into_iter().map(|session| {
            let event = system::session_expired(&session, now, settings.session_max);
            system::new_event(
                state,
                &event,
                Some(session.account_id),
                Some(session.session_id),
                Origin::default(),
            )
        })),
        Err(error) => tracing::error!(event = "sweep_failed", %error),
    }
    system::record(state, events).await;
    if let Err(error) = state.audit.close_windows(now).await {
        tracing::error!(event = "audit_write_failed", %error);
    }
    if let Err(error) = state.store.sweep_pending(now).await {
        tracing::error!(event = "sweep_failed", %error);
    }
    if let Err(error) = state.store.sweep_attempts(now).await {
        tracing::error!(event = "sweep_failed", %error);
    }
    match state.store.sweep_files(now).await {
        Ok(0) => {}
        Ok(count) => tracing::info!(event = "files_swept", count),
        Err(error) => tracing::error!(event = "sweep_failed", %error),
    }
    purge_blobs(state).await;
    crate::notify::digest::send_due(state).await;
}

/// Deletes the blobs of files the database has deleted; nothing while a backup runs.
pub async fn purge_blobs(state: &AppState) {
    let Ok(_alone) = state.blob_deletions.try_write() else { return };
    let trash = match state.store.blob_trash().await {
        Ok(trash) if trash.is_empty() => return,
        Ok(trash) => trash,
        Err(error) => return tracing::error!(event = "purge_failed", %error),
    };
    let mut gone = Vec::with_capacity(trash.len());
    for id in trash {
        match state.blobs.delete(&id).await {
            Ok(()) => gone.push(id),
            Err(error) => tracing::error!(event = "purge_failed", %error),
        }
    }
    if let Err(error) = state.store.forget_trash(gone).await {
        tracing::error!(event = "purge_failed", %error);
    }
}

/// Empties the trash, then deletes blobs that no record names (a crash before the trash was
/// emptied, or a chunk written while its upload was deleted, leaves one). Run by the first
/// sweep after the start and then every [`ORPHAN_SCAN_EVERY`] seconds.
pub async fn clean_blobs(state: &AppState) {
    purge_blobs(state).await;
    let Ok(_alone) = state.blob_deletions.try_write() else { return };
    // Blobs first, records second: a record is made before its blob, so a blob listed here
    // whose record is missing from the later read was really deleted, not just started.
    let stored = match state.blobs.list().await {
        Ok(stored) => stored,
        Err(error) => return tracing::error!(event = "orphan_scan_failed", %error),
    };
    let known = match state.store.file_ids().await {
        Ok(known) => known,
        Err(error) => return tracing::error!(event = "orphan_scan_failed", %error),
    };
    for id in stored.iter().filter(|id| !known.contains(*id)) {
        match state.blobs.delete(id).await {
            Ok(()) => tracing::info!(event = "orphan_blob_deleted"),
            Err(error) => tracing::error!(event = "orphan_scan_failed", %error),
        }
    }
}
