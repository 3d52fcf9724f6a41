//! `spawn_app` and typed helpers for talking to it.

use std::sync::Arc;

use coffer_backend::blobs::BlobStoreUrl;
use coffer_backend::clock::ManualClock;
use coffer_backend::settings::Settings;
use coffer_backend::startup::Application;
use coffer_backend::state::AppState;
use coffer_backend::store::DatabaseUrl;
use coffer_shared::api::CreateShareRequest;
use coffer_shared::b64;
use coffer_shared::crypto::Key32;
use coffer_shared::crypto::envelope::{Envelope, Header, Kind, PasswordParams};
use coffer_shared::crypto::identity::IdentityKey;
use coffer_shared::crypto::kdf::{KdfParams, password_key};
use coffer_shared::crypto::share::{ShareKeys, SharePayload, seal_to_sign, seal_with_header, sign_sealed};
use coffer_shared::crypto::signature::SignedFile;
use coffer_shared::id::ShareId;
use coffer_shared::token::{AccessToken, ManageToken, StatusToken};
use serde_json::Value;

/// The time the manual clock starts at.
pub const START: u64 = 1_800_000_000;
/// The `User-Agent` of the tests' client.
pub const AGENT: &str = "coffer-api-tests/1.0";

/// A running application and what a test needs to drive it.
pub struct TestApp {
    pub address: String,
    /// `http://<address>` of the `--metrics-listen` exporter, when the settings asked for one.
    pub metrics: Option<String>,
    pub client: reqwest::Client,
    pub clock: Arc<ManualClock>,
    pub state: AppState,
    data_root: tempfile::TempDir,
    stop: tokio::sync::oneshot::Sender<()>,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
}

/// Starts the real application with the test defaults and rate limits off.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Starts the real application after `configure` has adjusted its settings.
pub async fn spawn_app_with(configure: impl FnOnce(&mut Settings)) -> TestApp {
    spawn_app_in(tempfile::tempdir().unwrap(), configure).await
}

/// Starts the real application with its data in `data_root/data` (which may already hold files
/// of an earlier start).
pub async fn spawn_app_in(data_root: tempfile::TempDir, configure: impl FnOnce(&mut Settings)) -> TestApp {
    spawn_on(data_root, test_database().await, test_blob_store(), configure).await
}

/// Starts the real application with its data in `data_root/data`, its metadata in `database`
/// (PostgreSQL) or, with `None`, in a redb file there, and its blobs in `blob_store` or, with
/// `None`, in the data folder.
async fn spawn_on(
    data_root: tempfile::TempDir,
    database: Option<DatabaseUrl>,
    blob_store: Option<BlobStoreUrl>,
    configure: impl FnOnce(&mut Settings),
) -> TestApp {
    let data_dir = data_root;
    let static_dir = data_dir.path().join("dist");
    std::fs::create_dir_all(&static_dir).unwrap();
    std::fs::write(static_dir.join("index.html"), "<!doctype html><title>Coffer</title>").unwrap();
    let mut settings = Settings::for_tests(data_dir.path().join("data"));
    settings.static_dir = static_dir;
    settings.rate_limit_create = 0;
    settings.rate_limit_claim = 0;
    settings.rate_limit_auth = 0;
    settings.rate_limit_upload = 0;
    settings.rate_limit_chunk = 0;
    settings.database_url = database;
    settings.blob_store = blob_store;
    configure(&mut settings);
    let clock = Arc::new(ManualClock::new(START));
    let app = Application::build_with_clock(settings, clock.clone()).await.unwrap();
    let address = format!("http://127.0.0.1:{}", app.port());
    let metrics = app.metrics_address().map(|address| format!("http://{address}"));
    let state = app.state().clone();
    let (stop, stopped) = tokio::sync::oneshot::channel();
    let server = tokio::spawn(app.run_until(async {
        // A dropped sender stops the server too.
        let _ = stopped.await;
    }));
    let client = reqwest::Client::builder().user_agent(AGENT).build().unwrap();
    TestApp { address, metrics, client, clock, state, data_root: data_dir, stop, server }
}

/// With `COFFER_TEST_DATABASE_URL` set (`scripts/services.sh`), the tests run on PostgreSQL: each
/// app gets a schema of its own in that database, created here and named in its connections'
/// `search_path`. Unset: `None`, and the app keeps a redb file in its data folder.
pub async fn test_database() -> Option<DatabaseUrl> {
    let admin = std::env::var("COFFER_TEST_DATABASE_URL").ok()?;
    let (client, connection) = tokio_postgres::connect(&admin, tokio_postgres::NoTls).await.unwrap();
    tokio::spawn(connection);
    let schema = format!("t_{}", coffer_backend::audit::record::hex(&Key32::random().expose()[..8]));
    client.batch_execute(&format!("CREATE SCHEMA {schema}")).await.unwrap();
    let separator = if admin.contains('?') { '&' } else { '?' };
    Some(format!("{admin}{separator}options=-c%20search_path%3D{schema}").parse().unwrap())
}

/// With `COFFER_TEST_S3_URL` set (`scripts/services.sh`), the tests keep their blobs in that
/// bucket, each app in a folder of its own. Unset: `None`, and the app keeps them in its data
/// folder.
pub fn test_blob_store() -> Option<BlobStoreUrl> {
    let bucket = std::env::var("COFFER_TEST_S3_URL").ok()?;
    let folder = format!("t_{}", coffer_backend::audit::record::hex(&Key32::random().expose()[..8]));
    let (base, query) = bucket.split_once('?').unwrap_or((&bucket, ""));
    Some(format!("{}/{folder}?{query}", base.trim_end_matches('/')).parse().unwrap())
}

/// Keeps an app's blobs in its data folder whatever blob store the run uses: for the tests of
/// the blob files themselves (torn, or on a disk that is full) and of the room their file
/// system has (the free-space floor and what clients not signed in may take of it).
pub fn on_disk_blobs(settings: &mut Settings) {
    settings.blob_store = None;
}

/// Keeps an app on the embedded defaults (redb, blobs in the data folder) whatever stores the
/// run uses: for the tests of the redb file itself (its tables opened directly, the operator's
/// commands over the file, a process killed on it).
pub fn embedded(settings: &mut Settings) {
    settings.database_url = None;
    settings.blob_store = None;
}

/// `count` servers of one cluster, each `configure`d: on PostgreSQL all on the first one's
/// database, each with an id of its own (`server-1`, ...) and the first one's server secret; on
/// redb the one server a file has. Each keeps its blobs and its mail in its own data folder.
pub async fn cluster(count: usize, configure: impl Fn(&mut Settings)) -> Vec<TestApp> {
    let first = spawn_app_with(|settings| {
        configure(settings);
        settings.server_id = Some("server-1".into());
    })
    .await;
    let Some(url) = first.state.settings.database_url.clone() else { return vec![first] };
    assert!(
        first.state.settings.blob_store.is_some(),
        "the servers of one database share a bucket: set COFFER_TEST_S3_URL too (scripts/services.sh)"
    );
    let secret = first.data_dir().join("server-secret");
    let blob_store = first.state.settings.blob_store.clone();
    let mut servers = vec![first];
    for n in 2..=count {
        let server = spawn_app_with(|settings| {
            configure(settings);
            settings.database_url = Some(url.clone());
            settings.blob_store = blob_store.clone();
            settings.server_id = Some(format!("server-{n}"));
            settings.server_secret_file = Some(secret.clone());
        })
        .await;
        servers.push(server);
    }
    servers
}

/// A share as its creator's browser would make it, with every secret kept for the test.
pub struct TestShare {
    pub id: ShareId,
    pub share_key: Key32,
    pub password: Option<String>,
    pub text: String,
    pub request: CreateShareRequest,
}

impl TestShare {
    /// A share of `text` with no password, 1 hour, `max_views` views.
    pub fn new(text: &str, max_views: u32) -> Self {
        Self::build(text, None, max_views)
    }

    /// A share of `text` protected by `password` (Argon2id at the floor, to keep tests fast).
    pub fn with_password(text: &str, password: &str) -> Self {
        Self::build(text, Some(password), 1)
    }

    /// A share of `text` with `id` (another's, as someone who saw its link would make it).
    pub fn with_id(text: &str, max_views: u32, id: ShareId) -> Self {
        Self::build_as(id, text, None, max_views)
    }

    fn build(text: &str, password: Option<&str>, max_views: u32) -> Self {
        Self::build_as(ShareId::random(), text, password, max_views)
    }

    fn build_as(id: ShareId, text: &str, password: Option<&str>, max_views: u32) -> Self {
        let share_key = Key32::random();
        let params = password.map(|_| PasswordParams { kdf: KdfParams::FLOOR, salt: [3; 16] });
        let password_key =
            password.zip(params).map(|(password, params)| password_key(password, &params.salt, params.kdf));
        let payload = SharePayload { text: text.into(), blur: false, files: Vec::new() };
        let sealed = seal_with_header(
            &share_key,
            &id,
            &payload,
            Header::new(Kind::ShareText, params),
            password_key.as_ref(),
        );
        let request = CreateShareRequest {
            id: id.clone(),
            envelope: b64::encode(&sealed.envelope),
            access_token: AccessToken::from_key(&sealed.access_token),
            status_token: StatusToken::from_key(&sealed.status_token),
            manage_token: ManageToken::from_text(manage_token(&id)),
            expires_in: 3600,
            max_views,
            read_receipt: false,
            files: Vec::new(),
            note: None,
            link: None,
        };
        Self { id, share_key, password: password.map(Into::into), text: text.into(), request }
    }

    /// A share of `text` signed by `identity`, as a signed-in creator's browser makes it.
    pub fn signed(text: &str, max_views: u32, identity: &IdentityKey) -> Self {
        let mut share = Self::new(text, max_views);
        share.sign(identity, &[]);
        share
    }

    /// Seals the share again (no password), its payload listing `files` (id and metadata
    /// envelope, in order), and signs it with `identity` over the envelope and the files.
    pub fn sign(&mut self, identity: &IdentityKey, files: &[(&str, &[u8])]) {
        assert!(self.password.is_none(), "signed test shares have no password");
        let text = self.text.clone();
        let payload =
            SharePayload { text, blur: false, files: files.iter().map(|(id, _)| (*id).to_owned()).collect() };
        let header = Header::new(Kind::ShareText, None);
        let sealed = seal_to_sign(&self.share_key, &self.id, &payload, header, None, identity.public_key());
        let listed: Vec<SignedFile<'_>> =
            files.iter().map(|&(id, metadata)| SignedFile { id, metadata }).collect();
        self.request.envelope =
            b64::encode(sign_sealed(identity, &self.id, &sealed.envelope, &listed).unwrap());
    }

    /// The access token a reader who knows `password` derives.
    pub fn access_token_for(&self, password: Option<&str>) -> String {
        self.keys_for(password).access_token.to_b64()
    }

    fn keys_for(&self, password: Option<&str>) -> ShareKeys {
        let password_key = password.map(|password| password_key(password, &[3; 16], KdfParams::FLOOR));
        ShareKeys::derive(&self.share_key, &self.id, password_key.as_ref())
    }

    /// Opens a claimed envelope the way the reader's browser does.
    pub fn open(&self, envelope_b64: &str) -> String {
        let envelope = Envelope::parse(&b64::decode(envelope_b64).unwrap()).unwrap();
        self.keys_for(self.password.as_deref()).open(&self.id, &envelope).unwrap().text.clone()
    }
}

/// A management token that tests can recompute from the id alone.
pub fn manage_token(id: &ShareId) -> String {
    let mut bytes = [0x6d; 32];
    bytes[..16].copy_from_slice(&b64::decode(id.as_str()).unwrap());
    b64::encode(bytes)
}

impl TestApp {
    /// Stops the server, waits until its database is closed, and starts it again on the same
    /// data folder with `configure`d settings, as after a crash or a redeploy.
    pub async fn restart(self, configure: impl FnOnce(&mut Settings)) -> TestApp {
        let database = self.state.settings.database_url.clone();
        let blob_store = self.state.settings.blob_store.clone();
        spawn_on(self.stop().await, database, blob_store, configure).await
    }

    /// Stops the server and waits until its database is closed; returns its data root
    /// (`data/` inside it), for commands that open the database file themselves.
    pub async fn stop(self) -> tempfile::TempDir {
        let TestApp { state, data_root, stop, server, client, .. } = self;
        drop((state, client));
        let _ = stop.send(());
        server.await.unwrap().unwrap();
        data_root
    }

    /// The server's data folder.
    pub fn data_dir(&self) -> std::path::PathBuf {
        self.data_root.path().join("data")
    }

    /// `POST path` with a JSON body.
    pub async fn post(&self, path: &str, body: &Value) -> reqwest::Response {
        self.client.post(format!("{}{path}", self.address)).json(body).send().await.unwrap()
    }

    /// Creates a share; panics unless the server answers 201.
    pub async fn create(&self, share: &TestShare) {
        let response = self.post("/api/v1/shares", &serde_json::to_value(&share.request).unwrap()).await;
        assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
    }

    /// `POST /api/v1/shares/{id}/claim` with the share's status token and `access_token`.
    pub async fn claim(
        &self,
        share: &TestShare,
        access_token: &(impl AsRef<str> + ?Sized),
    ) -> reqwest::Response {
        self.claim_with(&share.id, &share.request.status_token, access_token).await
    }

    /// `POST /api/v1/shares/{id}/claim` with any tokens.
    pub async fn claim_with(
        &self,
        id: &ShareId,
        status_token: &(impl AsRef<str> + ?Sized),
        access_token: &(impl AsRef<str> + ?Sized),
    ) -> reqwest::Response {
        let body = serde_json::json!({ "status_token": status_token.as_ref(), "access_token": access_token.as_ref() });
        self.post(&format!("/api/v1/shares/{id}/claim"), &body).await
    }

    /// `POST /api/v1/shares/{id}/status`.
    pub async fn status(&self, id: &ShareId, token: &(impl AsRef<str> + ?Sized)) -> reqwest::Response {
        self.post(&format!("/api/v1/shares/{id}/status"), &serde_json::json!({ "token": token.as_ref() }))
            .await
    }

    /// `POST /api/v1/shares/{id}/destroy`.
    pub async fn destroy(&self, id: &ShareId, token: &(impl AsRef<str> + ?Sized)) -> reqwest::Response {
        self.post(&format!("/api/v1/shares/{id}/destroy"), &serde_json::json!({ "token": token.as_ref() }))
            .await
    }

    /// How many shares the database holds.
    pub async fn share_count(&self) -> u64 {
        self.state.store.share_count().await.unwrap()
    }

    /// How many envelopes the database keeps apart from their share's record.
    pub async fn envelopes_apart(&self) -> u64 {
        self.state.store.envelopes_apart().await.unwrap()
    }
}

/// Reads a JSON body.
pub async fn json(response: reqwest::Response) -> Value {
    response.json().await.unwrap()
}
