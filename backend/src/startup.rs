//! [`Application`]: binds the listener (port 0 allowed), assembles the router, runs until a
//! shutdown signal, then finishes the requests in flight.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::{Router, middleware};
use coffer_shared::crypto::audit_chain::ChainKey;
use tokio::net::{TcpListener, UnixListener};

use crate::audit::{self, AuditLog};
use crate::blobs::{BlobStore, DiskBlobs, S3Blobs, agreement};
use crate::clock::{Clock, SystemClock};
use crate::http::{security_headers, trace};
use crate::mail::Mailer;
use crate::places::{self, MmdbPlaces, Places, UnknownPlaces};
use crate::routes;
use crate::secret::ServerSecret;
use crate::settings::GEOIP_OFF;
use crate::settings::Settings;
use crate::state::AppState;
use crate::store::{PgStore, Store, StoreError};
use crate::tls::{self, Tls};

mod listeners;

/// A bound, ready-to-run server.
pub struct Application {
    listener: TcpListener,
    /// `--tls-cert`: the listener speaks HTTPS.
    tls: Option<Tls>,
    /// `--redirect-http`: a second listener that sends plain HTTP to HTTPS.
    redirect: Option<TcpListener>,
    /// `--metrics-listen`: the Prometheus exporter's listener.
    metrics: Option<TcpListener>,
    /// `<data-dir>/backup.sock`, with the redb store and the blobs in the data folder.
    backup: Option<UnixListener>,
    router: Router,
    state: AppState,
}

/// The redb file in the data folder, or the PostgreSQL database of `--database-url`, which
/// must agree with this server on the server secret.
async fn open_store(settings: &Settings, secret: &ServerSecret) -> Result<Store, StoreError> {
    let Some(url) = &settings.database_url else {
        let store = Store::open_with_cache(&settings.data_dir, settings.db_cache_bytes)?;
        // Again once the file is held: a restore that began meanwhile must not find a server
        // serving from the folder it fills.
        refuse_restore_under_way(settings).map_err(|error| StoreError::Database(error.to_string()))?;
        return Ok(store);
    };
    let server = settings.server_name();
    let store = PgStore::connect(url.expose(), settings.database_pool, &server).await?;
    store.agree_on_secret(secret.fingerprint()).await?;
    store.check_clock().await?;
    tracing::info!(event = "database_connected", database = %url, server = %server);
    Ok(Store::Postgres(store))
}

/// Refuses a data folder a restore is being made in (or was left in half-way): a server would
/// make a new secret or database beside half the restored files, and its sweep would take the
/// restored blobs for orphans.
fn refuse_restore_under_way(settings: &Settings) -> std::io::Result<()> {
    match crate::backup::restore::under_way(&settings.data_dir) {
        None => Ok(()),
        Some(staging) => Err(std::io::Error::other(format!(
            "{} is there: a restore into this data folder is under way or stopped half-way; run it \
             again to finish it (if it answers that the folder already holds a database, it had \
             finished: remove that folder)",
            staging.display()
        ))),
    }
}

/// The bucket of `--blob-store`, which must answer, or the data folder's `blobs/`.
async fn open_blobs(settings: &Settings) -> std::io::Result<Arc<dyn BlobStore>> {
    let Some(url) = &settings.blob_store else {
        if settings.database_url.is_some() {
            tracing::warn!(
                event = "blobs_on_disk",
                "files are kept in this server's data folder: with several servers, give each the same --blob-store"
            );
        }
        let blobs = DiskBlobs::open(&settings.blob_dir(), settings.min_free_disk)?;
        return Ok(Arc::new(blobs.with_capacity(settings.disk_capacity)));
    };
    let blobs = S3Blobs::open(url, settings.blob_buffer_bytes).map_err(std::io::Error::other)?;
    blobs.check().await.map_err(|error| std::io::Error::other(format!("--blob-store {url}: {error}")))?;
    tracing::info!(event = "blob_store_connected", blob_store = %url);
    Ok(Arc::new(blobs))
}

impl Application {
    /// Opens the database and binds the listener, with the system clock.
    pub async fn build(settings: Settings) -> std::io::Result<Self> {
        Self::build_with_clock(settings, Arc::new(SystemClock)).await
    }

    /// Like [`Application::build`], with a clock of the caller's (tests move it by hand).
    pub async fn build_with_clock(settings: Settings, clock: Arc<dyn Clock>) -> std::io::Result<Self> {
        if settings.database_url.is_none() {
            refuse_restore_under_way(&settings)?;
        }
        let server_secret = match &settings.server_secret_file {
            Some(path) => ServerSecret::load_existing(path),
            None => ServerSecret::load_or_create(&settings.data_dir),
        }
        .map_err(std::io::Error::other)?;
        let store = open_store(&settings, &server_secret).await.map_err(std::io::Error::other)?;
        let blobs = open_blobs(&settings).await?;
        match &store {
            Store::Postgres(shared) => {
                shared.agree_on_blobs(blobs.as_ref()).await.map_err(std::io::Error::other)?
            }
            Store::Redb(_) if settings.blob_store.is_some() => {
                agreement::agree_in_folder(&settings.data_dir, blobs.as_ref())
                    .await
                    .map_err(std::io::Error::other)?
            }
            Store::Redb(_) => {}
        }
        if !settings.static_dir.join("index.html").exists() {
            tracing::warn!(event = "no_frontend", dir = %settings.static_dir.display(), "no built app found; the API works, the pages will not");
        }
        let mailer = Mailer::from_settings(&settings).map_err(std::io::Error::other)?;
        tracing::info!(event = "mail_configured", transport = %mailer.describe());
        let places: Arc<dyn Places> = match (&settings.geoip_db, &places::BUILTIN) {
            (Some(path), _) if path.as_os_str() == GEOIP_OFF => Arc::new(UnknownPlaces),
            (Some(path), _) => Arc::new(MmdbPlaces::open(path).map_err(std::io::Error::other)?),
            (None, Some(builtin)) => Arc::new(MmdbPlaces::builtin(builtin).map_err(std::io::Error::other)?),
            (None, None) => Arc::new(UnknownPlaces),
        };
        tracing::info!(event = "places_configured", source = places.source().as_deref().unwrap_or("none"));
        let tls = settings.tls_files().map(Tls::open).transpose().map_err(std::io::Error::other)?;
        let listener = TcpListener::bind(settings.listen).await?;
        let redirect = match settings.redirect_http {
            Some(address) => Some(TcpListener::bind(address).await?),
            None => None,
        };
        let metrics = match settings.metrics_listen {
            Some(address) => Some(TcpListener::bind(address).await?),
            None => None,
        };
        // Before any event: where the keyed part of the chain begins, kept outside the database.
        // (A PostgreSQL database only ever held keyed events.)
        if let Store::Redb(_) = &store {
            let keyed = store.clone();
            let data_dir = settings.data_dir.clone();
            tokio::task::spawn_blocking(move || audit::keyed::ensure(&data_dir, &keyed))
                .await
                .map_err(std::io::Error::other)?
                .map_err(std::io::Error::other)?;
        }
        // After the database's lock is held: no other server uses this folder's socket.
        let backup = match (&store, &settings.blob_store) {
            (Store::Redb(_), None) => match crate::backup::serve::bind(&settings.data_dir) {
                Ok(listener) => Some(listener),
                Err(error) => {
                    tracing::warn!(event = "backup_socket_failed", %error, "coffer-server backup will not reach this server");
                    None
                }
            },
            _ => None,
        };
        let audit = AuditLog::start(store.clone(), ChainKey::derive(server_secret.key()))?;
        let state =
            AppState::new(store, blobs, clock, mailer, server_secret, settings, audit).with_places(places);
        let router = router(state.clone());
        Ok(Self { listener, tls, redirect, metrics, backup, router, state })
    }

    /// The address the server listens on (with the real port when 0 was asked for).
    pub fn address(&self) -> SocketAddr {
        self.listener.local_addr().unwrap_or(self.state.settings.listen)
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.address().port()
    }

    /// The address of the `--redirect-http` listener, if there is one.
    pub fn redirect_address(&self) -> Option<SocketAddr> {
        self.redirect.as_ref().and_then(|listener| listener.local_addr().ok())
    }

    /// The address of the `--metrics-listen` exporter, if there is one.
    pub fn metrics_address(&self) -> Option<SocketAddr> {
        self.metrics.as_ref().and_then(|listener| listener.local_addr().ok())
    }

    /// `https` when the listener speaks TLS, else `http`.
    pub fn scheme(&self) -> &'static str {
        if self.tls.is_some() { "https" } else { "http" }
    }

    /// The shared state, for tests that inspect the store.
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until Ctrl-C or SIGTERM, then lets requests in flight finish.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.run_until(shutdown_signal()).await
    }

    /// Serves until `signal` completes, then lets requests in flight finish and stops the
    /// sweeper and the alert listener. When it returns, the database is closed (tests then start again on the same
    /// data folder).
    pub async fn run_until(self, signal: impl Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
        let Self { listener, tls, redirect, metrics, backup, router, state } = self;
        let (stop_sweeper, sweeper_stopped) = tokio::sync::oneshot::channel();
        let sweeper = tokio::spawn(crate::sweeper::run(state.clone(), sweeper_stopped));
        // Subscribed before the first request, so no alerting event is missed.
        let alerts = tokio::spawn(crate::notify::alerts::run(state.clone(), state.audit.subscribe()));
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let https_port = listener.local_addr().map_or(443, |address| address.port());
        let side = [
            redirect.map(|redirect| (redirect, tls::redirect_router(state.clone(), https_port))),
            metrics.map(|metrics| (metrics, crate::metrics::router(state.clone()))),
        ];
        let side: Vec<_> = side
            .into_iter()
            .flatten()
            .map(|(listener, router)| tokio::spawn(listeners::serve_plain(listener, router, until(&stopped))))
            .collect();
        let backup = backup.map(|listener| {
            tokio::spawn(crate::backup::serve::serve(listener, state.clone(), until(&stopped)))
        });
        let signal = async move {
            signal.await;
            let _ = stop.send(true);
        };
        let service = router.into_make_service_with_connect_info::<SocketAddr>();
        let served = match tls {
            None => {
                listeners::bounded(axum_server::from_tcp(listener.into_std()?)?, signal).serve(service).await
            }
            Some(tls) => serve_tls(listener, tls, service, signal).await,
        };
        for listener in side {
            let _ = listener.await;
        }
        // Backups under way stop at their next row or chunk, and release the database.
        if let Some(backup) = backup {
            let _ = backup.await;
        }
        // The sweeper finishes its pass (an aborted pass would leave its blocking reads of the
        // database running, and the database open, after this returns).
        let _ = stop_sweeper.send(());
        alerts.abort();
        // A cancelled task ends with an error by design; only its end matters here.
        let _ = sweeper.await;
        let _ = alerts.await;
        state.audit.stop().await;
        served?;
        tracing::info!(event = "server_stopped");
        Ok(())
    }
}

/// Completes once `stopped` turns true (or its sender is gone).
fn until(stopped: &tokio::sync::watch::Receiver<bool>) -> impl Future<Output = ()> + Send + 'static {
    let mut stopped = stopped.clone();
    async move {
        let _ = stopped.wait_for(|stop| *stop).await;
    }
}

/// Serves HTTPS on `listener` until `signal`, then lets requests in flight finish (for
/// [`listeners::GRACE`] at most); the certificate is read again whenever its files change.
async fn serve_tls(
    listener: TcpListener,
    tls: Tls,
    service: axum::extract::connect_info::IntoMakeServiceWithConnectInfo<Router, SocketAddr>,
    signal: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let watcher = tokio::spawn(tls::watch(tls.files.clone(), Arc::clone(&tls.current)));
    let config = axum_server::tls_rustls::RustlsConfig::from_config(tls.config);
    let server = axum_server::tls_rustls::from_tcp_rustls(listener.into_std()?, config)?;
    let served = listeners::bounded(server, signal).serve(service).await;
    watcher.abort();
    served
}

/// The whole application: API, health check, static app; limits and headers on everything.
pub fn router(state: AppState) -> Router {
    let settings = Arc::clone(&state.settings);
    let api =
        routes::api_router().layer(middleware::from_fn_with_state(state.clone(), audit::request::capture));
    let app = Router::new()
        .nest(coffer_shared::api::paths::PREFIX, api)
        .merge(routes::health::router())
        .merge(routes::static_files::router(&settings.static_dir))
        .layer(DefaultBodyLimit::max(settings.max_body_bytes()));
    let app = trace::add(app).layer(middleware::from_fn(crate::metrics::record_request));
    security_headers::add(app, settings.hsts()).with_state(state)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
