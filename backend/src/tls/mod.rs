//! HTTPS without a proxy (docs/deploy.md, "HTTPS"): `--tls-cert` and `--tls-key` serve TLS 1.2
//! and 1.3 with rustls (ring's suites: AES-GCM and ChaCha20-Poly1305 with forward secrecy only),
//! HTTP/2 or HTTP/1.1 by ALPN. The certificate is read again when either file changes or on
//! SIGHUP; a new certificate serves new handshakes while open connections keep theirs.

mod certificate;
mod redirect;
mod reload;

use std::path::PathBuf;
use std::sync::Arc;

pub use certificate::{CurrentCertificate, TlsError, load, server_config};
pub use redirect::router as redirect_router;
pub use reload::{POLL, watch};

/// The certificate chain and private key files, PEM.
#[derive(Debug, Clone)]
pub struct TlsFiles {
    /// The certificate chain, leaf first.
    pub cert: PathBuf,
    /// The private key (PKCS#8, PKCS#1 or SEC1).
    pub key: PathBuf,
}

/// What the HTTPS listener serves with: the rustls configuration and the certificate it reads.
#[derive(Clone)]
pub struct Tls {
    /// The files the certificate comes from.
    pub files: TlsFiles,
    /// The certificate served now; [`watch`] replaces it.
    pub current: Arc<CurrentCertificate>,
    /// The rustls configuration every handshake uses.
    pub config: Arc<rustls::ServerConfig>,
}

impl Tls {
    /// Reads the files; fails (and the server does not start) if they do not make a certificate
    /// and its matching key.
    pub fn open(files: TlsFiles) -> Result<Self, TlsError> {
        let current = Arc::new(CurrentCertificate::new(load(&files)?));
        let config = server_config(Arc::clone(&current))?;
        Ok(Self { files, current, config })
    }
}
