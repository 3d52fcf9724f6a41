//! The server's settings: every one a flag with a `COFFER_*` environment variable and a default,
//! so `coffer-server` runs with no configuration at all.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;
use ipnet::IpNet;

use coffer_shared::api::{DEFAULT_MAX_WRONG_CLAIMS, DEFAULT_VAULT_MAX_BYTES, MAX_RECORD_BYTES, MAX_RECORDS};

use crate::mail::Mailbox;
use crate::mail::smtp_url::SmtpUrl;
pub use coffer_shared::api::{EXPIRY_OPTIONS, MAX_VIEWS};

/// The `--geoip-db` value that turns places off, built-in database included.
pub const GEOIP_OFF: &str = "off";

/// How the server is configured.
#[derive(Debug, Clone, Parser)]
#[command(name = "coffer-server", version, about = "Coffer: a zero-knowledge secret-sharing server")]
pub struct Settings {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, env = "COFFER_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Serve HTTPS on `--listen` with this certificate chain (PEM, leaf first); needs
    /// `--tls-key`. Read again when the file changes or on SIGHUP.
    #[arg(long, env = "COFFER_TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// The private key of `--tls-cert` (PEM: PKCS#8, PKCS#1 or SEC1).
    #[arg(long, env = "COFFER_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// With `--tls-cert`: also listen for plain HTTP here and redirect every request to HTTPS
    /// (308), except the health checks `/healthz` and `/readyz`.
    #[arg(long, env = "COFFER_REDIRECT_HTTP", requires = "tls_cert")]
    pub redirect_http: Option<SocketAddr>,
    /// Serve Prometheus metrics at `/metrics` on this address, and nothing else there; keep it
    /// off the public network. Unset: no metrics listener.
    #[arg(long, env = "COFFER_METRICS_LISTEN")]
    pub metrics_listen: Option<SocketAddr>,
    /// Folder for the database (created if missing).
    #[arg(long, env = "COFFER_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,
    /// Folder holding the built browser app (trunk's `dist/`).
    #[arg(long, env = "COFFER_STATIC_DIR", default_value = "dist")]
    pub static_dir: PathBuf,
    /// Longest lifetime a share may have, in seconds (the expiry options above it are hidden).
    #[arg(long, env = "COFFER_MAX_EXPIRY", default_value_t = 2_592_000)]
    pub max_expiry: u64,
    /// Wrong claims after which a share is destroyed.
    #[arg(long, env = "COFFER_MAX_WRONG_CLAIMS", default_value_t = DEFAULT_MAX_WRONG_CLAIMS,
          value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub max_wrong_claims: u32,
    /// Largest envelope accepted, in bytes (1 KiB to 64 MiB).
    #[arg(long, env = "COFFER_MAX_ENVELOPE_BYTES", default_value_t = 1 << 20, value_parser = envelope_limit)]
    pub max_envelope_bytes: usize,
    /// Most sealed bytes one account's vault holds, all its records' envelopes together
    /// (64 KiB to 10,000 records of 64 KiB).
    #[arg(long, env = "COFFER_VAULT_MAX_BYTES", default_value_t = DEFAULT_VAULT_MAX_BYTES,
          value_parser = vault_limit)]
    pub vault_max_bytes: u64,
    /// Bytes of database pages the server keeps in memory (1 MiB to 16 GiB).
    #[arg(long, env = "COFFER_DB_CACHE_BYTES", default_value_t = crate::store::DEFAULT_CACHE_BYTES,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1 << 20..=1 << 34))]
    pub db_cache_bytes: usize,
    /// The PostgreSQL database the servers of a cluster share, as
    /// `postgres://user:password@host:port/database` (`docs/scaling.md`). Unset: everything is
    /// kept in one redb file in the data folder.
    #[arg(long, env = "COFFER_DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<crate::store::DatabaseUrl>,
    /// Most connections to PostgreSQL this server keeps open (1 to 1,000).
    #[arg(long, env = "COFFER_DATABASE_POOL", default_value_t = crate::store::DEFAULT_POOL_SIZE,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=1000))]
    pub database_pool: usize,
    /// This server's name among the servers sharing a database: its own chain in the security
    /// log (1 to 64 letters, digits, `.`, `_` or `-`). Unset: the host's name.
    #[arg(long, env = "COFFER_SERVER_ID", value_parser = server_id)]
    pub server_id: Option<String>,
    /// The file holding the server secret (32 bytes), for servers sharing a database: every one
    /// must be given the same file. Unset: `<data-dir>/server-secret`, created on the first start.
    #[arg(long, env = "COFFER_SERVER_SECRET_FILE")]
    pub server_secret_file: Option<PathBuf>,
    /// Shares one client IP may create per minute (0 turns the limit off).
    #[arg(long, env = "COFFER_RATE_LIMIT_CREATE", default_value_t = 30)]
    pub rate_limit_create: u32,
    /// Claims, status reads and destroys one client IP may make per minute (0 turns it off).
    #[arg(long, env = "COFFER_RATE_LIMIT_CLAIM", default_value_t = 60)]
    pub rate_limit_claim: u32,
    /// Reverse proxies (IPs or CIDRs, comma-separated) whose X-Forwarded-For is believed.
    #[arg(long, env = "COFFER_TRUSTED_PROXY", value_delimiter = ',', value_parser = ip_or_net)]
    pub trusted_proxy: Vec<IpNet>,
    /// An MMDB file (GeoLite2-City, DB-IP, ip-location-db, ...) that turns client IPs into
    /// approximate places for the security log. Unset: the country database built into the
    /// server, if it was built with one (`build.rs`); `off`: no places at all.
    #[arg(long, env = "COFFER_GEOIP_DB")]
    pub geoip_db: Option<PathBuf>,
    /// Send Strict-Transport-Security. Unset: on exactly when `--tls-cert` serves HTTPS (turn
    /// it on behind a proxy that terminates HTTPS; `--hsts=false` turns it off).
    #[arg(long, env = "COFFER_HSTS", num_args = 0..=1, require_equals = true, default_missing_value = "true",
          value_parser = clap::builder::BoolishValueParser::new())]
    pub hsts: Option<bool>,
    /// Seconds between sweeps that delete expired shares.
    #[arg(long, env = "COFFER_SWEEP_INTERVAL", default_value_t = 60)]
    pub sweep_interval: u64,
    /// SMTP relay for outgoing mail, as `scheme://[user[:password]@]host[:port]` (percent-encode
    /// special characters in the user name and password). Schemes: `smtp` = STARTTLS, required
    /// (default port 587); `smtps` = implicit TLS (465); `smtp+plain` = no TLS, loopback hosts
    /// only (25). Unset: each message is written as an .eml file to `<data-dir>/outbox/`.
    #[arg(long, env = "COFFER_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<SmtpUrl>,
    /// Sender of outgoing mail, as `Name <address>` or `address`.
    #[arg(long, env = "COFFER_MAIL_FROM", default_value = "Coffer <coffer@localhost>")]
    pub mail_from: Mailbox,
    /// Seconds without a request after which a session ends.
    #[arg(long, env = "COFFER_SESSION_IDLE", default_value_t = 1800,
          value_parser = clap::value_parser!(u64).range(60..=86_400))]
    pub session_idle: u64,
    /// Seconds after sign-in at which a session ends whatever happens.
    #[arg(long, env = "COFFER_SESSION_MAX", default_value_t = 43_200,
          value_parser = clap::value_parser!(u64).range(300..=2_592_000))]
    pub session_max: u64,
    /// Sign-up, sign-in and code requests one client IP may make per minute (0 turns it off).
    #[arg(long, env = "COFFER_RATE_LIMIT_AUTH", default_value_t = 20)]
    pub rate_limit_auth: u32,
    /// The address people reach Coffer at, for links in e-mails (e.g. `https://coffer.example`).
    /// Unset: `http://<listen address>`.
    #[arg(long, env = "COFFER_PUBLIC_URL", value_parser = public_url)]
    pub public_url: Option<String>,
    /// Largest file accepted, plaintext bytes.
    #[arg(long, env = "COFFER_MAX_FILE_SIZE", default_value_t = 10 << 30)]
    pub max_file_size: u64,
    /// Most ciphertext bytes of files kept at once, reserved by uploads and held by files
    /// (0: no quota).
    #[arg(long, env = "COFFER_STORAGE_QUOTA", default_value_t = 0)]
    pub storage_quota: u64,
    /// Where file ciphertext is kept: an S3-compatible bucket, as
    /// `s3://bucket[/folder]?endpoint=…&region=…[&access_key_id=…&secret_access_key=…]`
    /// (credentials may come from the usual AWS_* variables instead), which the servers of a
    /// cluster share (`docs/scaling.md`). Unset: `<data-dir>/blobs`.
    #[arg(long, env = "COFFER_BLOB_STORE", hide_env_values = true)]
    pub blob_store: Option<crate::blobs::BlobStoreUrl>,
    /// With `--blob-store`: most bytes of chunk bodies held in memory at once while they are
    /// checked before being stored (32 MiB to 16 GiB); past it a chunk is refused as busy (503)
    /// and the client sends it again.
    #[arg(long, env = "COFFER_BLOB_BUFFER_BYTES", default_value_t = 256 << 20,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1 << 25..=1 << 34))]
    pub blob_buffer_bytes: usize,
    /// Bytes the data folder's file system must keep free beside every upload's reservation
    /// and after every chunk written: the room the database and logs need to grow.
    #[arg(long, env = "COFFER_MIN_FREE_DISK", default_value_t = 1 << 30)]
    pub min_free_disk: u64,
    /// Upload starts one client IP may make per minute (0 turns the limit off).
    #[arg(long, env = "COFFER_RATE_LIMIT_UPLOAD", default_value_t = 120)]
    pub rate_limit_upload: u32,
    /// Upload chunks one client IP may send per minute (0 turns the limit off).
    #[arg(long, env = "COFFER_RATE_LIMIT_CHUNK", default_value_t = 1800)]
    pub rate_limit_chunk: u32,
    /// Most bytes (charged: ciphertext, 32 KiB a file, 256 a chunk) the unfinished uploads of one client network not signed in may
    /// reserve (0: no cap).
    #[arg(long, env = "COFFER_UPLOAD_RESERVE_ANONYMOUS", default_value_t = 16 << 30)]
    pub upload_reserve_anonymous: u64,
    /// Most bytes (charged as above) the unfinished uploads of one signed-in account may reserve (0: no
    /// cap).
    #[arg(long, env = "COFFER_UPLOAD_RESERVE_ACCOUNT", default_value_t = 64 << 30)]
    pub upload_reserve_account: u64,
    /// Percent of the room above the free-space floor that the files of every client not signed
    /// in may take together, from their upload's start until they are deleted (the room counted
    /// as if they held none), so clients from many networks cannot take what signed-in accounts
    /// need (100: no such share).
    #[arg(long, env = "COFFER_UPLOAD_ROOM_ANONYMOUS", default_value_t = 50,
          value_parser = clap::value_parser!(u8).range(1..=100))]
    pub upload_room_anonymous: u8,
    /// For tests and benchmarks: treat the data folder as a file system of this many bytes.
    #[arg(long, env = "COFFER_DISK_CAPACITY", hide = true)]
    pub disk_capacity: Option<u64>,
    /// Seconds after its last new chunk at which an upload not finished and attached is deleted
    /// (never later than 7 days, or this, after its start).
    #[arg(long, env = "COFFER_UPLOAD_EXPIRY", default_value_t = 86_400,
          value_parser = clap::value_parser!(u64).range(60..))]
    pub upload_expiry: u64,
    /// Seconds a claim's download token stays valid.
    #[arg(long, env = "COFFER_DOWNLOAD_WINDOW", default_value_t = 21_600,
          value_parser = clap::value_parser!(u64).range(60..))]
    pub download_window: u64,
    /// Log as JSON lines instead of text.
    #[arg(long, env = "COFFER_LOG_JSON")]
    pub log_json: bool,
    /// Tests only: let a sign-up store version-1 KDF inputs, so a test can make an account as a
    /// browser before version 2 did (docs/accounts.md, "Migration from version 1"). Browsers
    /// never send them; passphrase changes refuse them regardless.
    #[arg(long, env = "COFFER_TEST_ACCEPT_V1_KDF", hide = true)]
    pub test_accept_v1_kdf: bool,
}

impl Settings {
    /// The defaults, as `coffer-server` with no flags would use them, but with the data in
    /// `data_dir` and listening on 127.0.0.1 port 0: for tests.
    pub fn for_tests(data_dir: PathBuf) -> Self {
        let mut settings = Self::parse_from(["coffer-server"]);
        settings.listen = SocketAddr::from(([127, 0, 0, 1], 0));
        settings.data_dir = data_dir;
        settings
    }

    /// This server's name in a cluster: `--server-id`, or the host's name.
    pub fn server_name(&self) -> String {
        self.server_id.clone().unwrap_or_else(|| {
            let host = rustix::system::uname().nodename().to_string_lossy().into_owned();
            server_id(&host).unwrap_or_else(|_| "server".into())
        })
    }

    /// Where file blobs live.
    pub fn blob_dir(&self) -> PathBuf {
        self.data_dir.join("blobs")
    }

    /// The expiry options this server allows.
    pub fn expiry_options(&self) -> Vec<u64> {
        EXPIRY_OPTIONS.into_iter().filter(|&seconds| seconds <= self.max_expiry).collect()
    }

    /// The address for links in e-mails, without a trailing slash.
    pub fn base_url(&self) -> String {
        self.public_url.clone().unwrap_or_else(|| format!("{}://{}", self.scheme(), self.listen))
    }

    /// `https` when this server terminates TLS itself, else `http`.
    pub fn scheme(&self) -> &'static str {
        if self.tls_files().is_some() { "https" } else { "http" }
    }

    /// The certificate and key of `--tls-cert` and `--tls-key`, when both are given.
    pub fn tls_files(&self) -> Option<crate::tls::TlsFiles> {
        Some(crate::tls::TlsFiles { cert: self.tls_cert.clone()?, key: self.tls_key.clone()? })
    }

    /// Whether responses carry Strict-Transport-Security.
    pub fn hsts(&self) -> bool {
        self.hsts.unwrap_or(self.tls_files().is_some())
    }

    /// The largest request body: a base64url envelope plus the JSON around it.
    pub fn max_body_bytes(&self) -> usize {
        self.max_envelope_bytes.div_ceil(3) * 4 + 4096
    }
}

/// Parses `--server-id`: a name that reads plainly in logs and `audit verify`'s report.
fn server_id(text: &str) -> Result<String, String> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-');
    if text.is_empty() || text.len() > 64 || !text.chars().all(allowed) {
        return Err("1 to 64 letters, digits, '.', '_' or '-'".into());
    }
    // The chain a single-machine installation's log was copied into (`migrate --from`) ends
    // where that log ended: no server appends to it.
    if crate::store::copy::IMPORTED_CHAIN.split('/').next() == Some(text) {
        return Err("`imported` names the security log copied from a single-machine installation".into());
    }
    Ok(text.to_owned())
}

/// Parses `--max-envelope-bytes`, keeping it where the body-size arithmetic cannot overflow.
fn envelope_limit(text: &str) -> Result<usize, String> {
    let bytes: usize = text.parse().map_err(|_| format!("{text:?} is not a number of bytes"))?;
    if (1024..=64 << 20).contains(&bytes) {
        Ok(bytes)
    } else {
        Err("must be from 1024 (1 KiB) to 67108864 (64 MiB)".into())
    }
}

/// Parses `--vault-max-bytes`: at least one largest record, at most what the record count
/// allows anyway.
fn vault_limit(text: &str) -> Result<u64, String> {
    let bytes: u64 = text.parse().map_err(|_| format!("{text:?} is not a number of bytes"))?;
    let (least, most) = (MAX_RECORD_BYTES as u64, (MAX_RECORDS * MAX_RECORD_BYTES) as u64);
    if (least..=most).contains(&bytes) {
        Ok(bytes)
    } else {
        Err(format!("must be from {least} (64 KiB) to {most} (10,000 records of 64 KiB)"))
    }
}

/// Parses a `--trusted-proxy` entry: a network (`10.0.0.0/8`) or one address (`127.0.0.1`).
fn ip_or_net(text: &str) -> Result<IpNet, String> {
    let text = text.trim();
    text.parse::<IpNet>()
        .or_else(|_| text.parse::<std::net::IpAddr>().map(IpNet::from))
        .map_err(|_| format!("{text:?} is neither an IP address nor a network such as 10.0.0.0/8"))
}

/// Parses `--public-url`: an http(s) origin, kept without a trailing slash.
fn public_url(text: &str) -> Result<String, String> {
    let trimmed = text.trim().trim_end_matches('/');
    let scheme_ok = trimmed.starts_with("https://") || trimmed.starts_with("http://");
    let clean = !trimmed.chars().any(|c| c.is_whitespace() || c.is_control() || c == '#' || c == '?');
    if scheme_ok && clean && trimmed.len() > "http://".len() {
        Ok(trimmed.to_owned())
    } else {
        Err("must be an http:// or https:// address such as https://coffer.example".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_server_id_is_a_plain_name_and_never_the_imported_chains() {
        assert_eq!(server_id("web-1.eu_2"), Ok("web-1.eu_2".to_owned()));
        for bad in ["", "web/1", "web 1", "imported", &"a".repeat(65)] {
            assert!(server_id(bad).is_err(), "{bad:?}");
        }
        assert!(server_id("imported-2").is_ok());
    }

    #[test]
    fn a_trusted_proxy_is_an_address_or_a_network() {
        let parsed = Settings::parse_from(["coffer-server", "--trusted-proxy", "127.0.0.1,10.0.0.0/8,::1"]);
        let expected: Vec<IpNet> =
            ["127.0.0.1/32", "10.0.0.0/8", "::1/128"].map(|net| net.parse().unwrap()).into();
        assert_eq!(parsed.trusted_proxy, expected);
        assert!(Settings::try_parse_from(["coffer-server", "--trusted-proxy", "proxy.example"]).is_err());
    }

    #[test]
    fn tls_turns_on_https_links_and_hsts_unless_hsts_is_turned_off() {
        let plain = Settings::parse_from(["coffer-server"]);
        assert!(!plain.hsts() && plain.base_url().starts_with("http://"));
        let tls = ["coffer-server", "--tls-cert", "c.pem", "--tls-key", "k.pem"];
        let served = Settings::parse_from(tls);
        assert!(served.hsts() && served.base_url().starts_with("https://"));
        let off = Settings::parse_from([&tls[..], &["--hsts=false"]].concat());
        assert!(!off.hsts());
        assert!(Settings::parse_from(["coffer-server", "--hsts"]).hsts(), "--hsts alone turns it on");
        assert!(!Settings::parse_from([&tls[..], &["--hsts=0"]].concat()).hsts(), "as COFFER_HSTS=0 was");
        assert!(
            Settings::try_parse_from(["coffer-server", "--tls-cert", "c.pem"]).is_err(),
            "a key is needed"
        );
    }
}
