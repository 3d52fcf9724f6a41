//! Reading a certificate and its key, and the one rustls configuration that serves them.

use std::sync::{Arc, RwLock};

use rustls::ServerConfig;
use rustls::crypto::{CryptoProvider, ring};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;

use super::TlsFiles;

/// Why a certificate could not be used.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// A file could not be read.
    #[error("{path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// A file is not what it should be.
    #[error("{path}: {message}")]
    Invalid {
        /// The file.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// rustls refused the configuration.
    #[error("TLS configuration: {0}")]
    Config(#[from] rustls::Error),
}

/// ring: no C toolchain beyond what `ring` itself builds, and only AEAD suites with ECDHE.
fn provider() -> Arc<CryptoProvider> {
    Arc::new(ring::default_provider())
}

fn read(path: &std::path::Path) -> Result<Vec<u8>, TlsError> {
    std::fs::read(path).map_err(|source| TlsError::Read { path: path.display().to_string(), source })
}

/// Reads the chain and the key of `files` and checks that they belong together.
pub fn load(files: &TlsFiles) -> Result<Arc<CertifiedKey>, TlsError> {
    let invalid = |path: &std::path::Path, message: String| TlsError::Invalid {
        path: path.display().to_string(),
        message,
    };
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&read(&files.cert)?)
        .collect::<Result<_, _>>()
        .map_err(|error| invalid(&files.cert, format!("not a PEM certificate chain ({error})")))?;
    if chain.is_empty() {
        return Err(invalid(&files.cert, "no CERTIFICATE block".into()));
    }
    let key_pem = zeroize::Zeroizing::new(read(&files.key)?);
    let key = PrivateKeyDer::from_pem_slice(&key_pem)
        .map_err(|error| invalid(&files.key, format!("not a PEM private key ({error})")))?;
    let signing = provider()
        .key_provider
        .load_private_key(key)
        .map_err(|error| invalid(&files.key, format!("an unusable private key ({error})")))?;
    let certified = CertifiedKey::new(chain, signing);
    certified
        .keys_match()
        .map_err(|error| invalid(&files.key, format!("not the key of {} ({error})", files.cert.display())))?;
    Ok(Arc::new(certified))
}

/// The certificate handshakes are answered with, replaced as a whole when the files change.
#[derive(Debug)]
pub struct CurrentCertificate(RwLock<Arc<CertifiedKey>>);

impl CurrentCertificate {
    /// Serves `certified` until [`CurrentCertificate::replace`].
    pub fn new(certified: Arc<CertifiedKey>) -> Self {
        Self(RwLock::new(certified))
    }

    /// Serves `certified` from the next handshake on.
    pub fn replace(&self, certified: Arc<CertifiedKey>) {
        *self.0.write().unwrap_or_else(std::sync::PoisonError::into_inner) = certified;
    }

    /// The certificate served now.
    pub fn get(&self) -> Arc<CertifiedKey> {
        Arc::clone(&self.0.read().unwrap_or_else(std::sync::PoisonError::into_inner))
    }
}

impl ResolvesServerCert for CurrentCertificate {
    fn resolve(&self, _hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(self.get())
    }
}

/// TLS 1.3 and 1.2 only (rustls has neither 1.1 nor 1.0), no client certificates, `h2` then
/// `http/1.1` by ALPN, the certificate from `current`.
pub fn server_config(current: Arc<CurrentCertificate>) -> Result<Arc<ServerConfig>, TlsError> {
    let mut config = ServerConfig::builder_with_provider(provider())
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])?
        .with_no_client_auth()
        .with_cert_resolver(current);
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}
