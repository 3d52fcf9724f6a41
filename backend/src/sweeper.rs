//! The background sweeper: deletes expired shares, sessions and pending sign-ins every `sweep_interval` seconds and forgets
//! idle rate-limit buckets. Expired shares are never served even before a sweep (every read
//! checks the expiry); the sweep is what removes their bytes from disk.

use std::time::Duration;

use crate::state::AppState;

/// Runs forever; spawn it.
pub async fn run(state: AppState) {
    let mut ticker = tokio::time::interval(Duration::from_secs(state.settings.sweep_interval.max(1)));
    loop {
        ticker.tick().await;
        match state.store.sweep_expired(state.clock.now()).await {
            Ok(0) => {}
            Ok(count) => tracing::info!(event = "shares_swept", count),
            Err(error) => tracing::error!(event = "sweep_failed", %error),
        }
        let settings = &state.settings;
        let now = state.clock.now();
        match state.store.sweep_sessions(now, settings.session_idle, settings.session_max).await {
            Ok(0) => {}
            Ok(count) => tracing::info!(event = "sessions_expired", count),
            Err(error) => tracing::error!(event = "sweep_failed", %error),
        }
        if let Err(error) = state.store.sweep_pending(now).await {
            tracing::error!(event = "sweep_failed", %error);
        }
        state.create_limiter.prune();
        state.auth_limiter.prune();
        state.claim_limiter.prune();
    }
}
