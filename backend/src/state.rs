//! [`AppState`]: what every handler can reach, cheap to clone (everything inside is shared).

use std::sync::Arc;

use crate::audit::AuditLog;
use crate::blobs::{BlobStore, ChunkLocks};
use crate::clock::Clock;
use crate::http::client_ip::TrustedProxies;
use crate::http::rate_limit::RateLimiter;
use crate::mail::Mailer;
use crate::places::{Places, UnknownPlaces};
use crate::secret::ServerSecret;
use crate::settings::Settings;
use crate::store::Store;

/// The application's shared services.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub store: Store,
    /// The bytes of files.
    pub blobs: Arc<dyn BlobStore>,
    /// One writer per chunk of an upload.
    pub chunk_locks: Arc<ChunkLocks>,
    /// Backups hold it shared while they copy blobs; the sweep deletes blobs only while it
    /// holds it alone, and skips its run when a backup is under way (the trash keeps what it
    /// would have deleted for the next run).
    pub blob_deletions: Arc<tokio::sync::RwLock<()>>,
    /// The current time.
    pub clock: Arc<dyn Clock>,
    /// The settings the server was started with.
    pub settings: Arc<Settings>,
    /// Whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Arc<TrustedProxies>,
    /// Limits share creation per client.
    pub create_limiter: Arc<RateLimiter>,
    /// Limits claims, status reads and destroys per client.
    pub claim_limiter: Arc<RateLimiter>,
    /// Limits sign-up, sign-in and code requests per client.
    pub auth_limiter: Arc<RateLimiter>,
    /// Limits upload starts per client.
    pub upload_limiter: Arc<RateLimiter>,
    /// Limits upload chunks per client.
    pub chunk_limiter: Arc<RateLimiter>,
    /// Sends mail (SMTP or the outbox folder).
    pub mailer: Arc<Mailer>,
    /// The key of the account verifiers and of the pre-login answers for unknown addresses.
    pub server_secret: Arc<ServerSecret>,
    /// The security event log's writer.
    pub audit: Arc<AuditLog>,
    /// Caps the refusals the security event log records per client.
    pub audit_refusals: Arc<RateLimiter>,
    /// Approximate places of client IPs.
    pub places: Arc<dyn Places>,
}

/// Refusal events the security event log records per client network a minute.
pub const AUDIT_REFUSALS_PER_MINUTE: u32 = 60;

impl AppState {
    /// Assembles the state from its parts.
    pub fn new(
        store: Store,
        blobs: Arc<dyn BlobStore>,
        clock: Arc<dyn Clock>,
        mailer: Mailer,
        server_secret: ServerSecret,
        settings: Settings,
        audit: AuditLog,
    ) -> Self {
        // Servers sharing a database share the per-client buckets too.
        let shared = match &store {
            Store::Postgres(store) => Some(store.clone()),
            Store::Redb(_) => None,
        };
        let limiter = |name, per_minute| Arc::new(RateLimiter::new(name, per_minute).shared(shared.clone()));
        Self {
            audit: Arc::new(audit),
            audit_refusals: Arc::new(RateLimiter::new("audit_refusals", AUDIT_REFUSALS_PER_MINUTE)),
            store,
            blobs,
            chunk_locks: Arc::new(ChunkLocks::default()),
            blob_deletions: Arc::default(),
            clock,
            server_secret: Arc::new(server_secret),
            mailer: Arc::new(mailer),
            places: Arc::new(UnknownPlaces),
            trusted_proxies: Arc::new(TrustedProxies(settings.trusted_proxy.clone())),
            create_limiter: limiter("create", settings.rate_limit_create),
            claim_limiter: limiter("claim", settings.rate_limit_claim),
            auth_limiter: limiter("auth", settings.rate_limit_auth),
            upload_limiter: limiter("upload", settings.rate_limit_upload),
            chunk_limiter: limiter("chunk", settings.rate_limit_chunk),
            settings: Arc::new(settings),
        }
    }

    /// The same state with `places` as its place lookup (the default knows no places).
    pub fn with_places(mut self, places: Arc<dyn Places>) -> Self {
        self.places = places;
        self
    }
}
