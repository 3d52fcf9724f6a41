//! Coffer's server: an axum application over an embedded redb database that stores only
//! ciphertext, token hashes, expiry and view counters. It never holds a key that opens what it
//! stores.
//!
//! - [`settings`]: the one typed configuration (flags and `COFFER_*` environment variables).
//! - [`startup`]: builds the application, binds the listener, runs until stopped.
//! - [`routes`]: one module per group of endpoints under `/api/v1`.
//! - [`http`]: errors, extractors and middleware shared by the routes.
//! - [`store`]: everything that touches redb.
//! - [`blobs`]: the bytes of uploaded files, outside the database.
//! - [`secret`]: the server's own key, in its file beside the database.
//! - [`mail`]: outgoing mail, over SMTP or into the data folder's `outbox/`.
//! - [`clock`]: the injectable clock that expiry is measured with.
//! - [`audit`]: the tamper-evident security event log.
//! - [`notify`]: activity reports and security alerts by mail.
//! - [`places`]: approximate places of client IPs (unknown until an IP database is added).
//! - [`precompress`]: brotli and gzip copies of the built web app, made at build time.
//! - [`tls`]: HTTPS without a proxy, its certificate reloaded while serving.
//! - [`metrics`]: Prometheus metrics on an address of their own.
//! - [`backup`]: `coffer-server backup` and `restore`, taken while the server runs.

pub mod audit;
pub mod auth;
pub mod backup;
pub mod blobs;
pub mod clock;
pub mod http;
pub mod mail;
pub mod metrics;
pub mod notify;
pub mod openapi;
pub mod owner_only;
pub mod places;
pub mod precompress;
pub mod routes;
pub mod secret;
pub mod settings;
pub mod startup;
pub mod state;
pub mod store;
pub mod sweeper;
pub mod tls;
