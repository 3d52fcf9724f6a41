//! HTTPS without a proxy: the real application on `--tls-cert`, reached from Rust (reqwest and
//! tokio-rustls) and from `openssl s_client`, with a test CA made here.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Parser;
use coffer_backend::settings::Settings;
use coffer_backend::startup::Application;
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
use rustls::pki_types::{CertificateDer, ServerName};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A CA, and the files a server's certificate is written to.
struct Pki {
    ca: rcgen::Certificate,
    ca_key: KeyPair,
    dir: tempfile::TempDir,
}

impl Pki {
    fn new() -> Self {
        let ca_key = KeyPair::generate().unwrap();
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, "Coffer test CA");
        let ca = params.self_signed(&ca_key).unwrap();
        let pki = Self { ca, ca_key, dir: tempfile::tempdir().unwrap() };
        std::fs::write(pki.ca_file(), pki.ca.pem()).unwrap();
        pki
    }

    fn ca_file(&self) -> PathBuf {
        self.dir.path().join("ca.pem")
    }

    fn cert_file(&self) -> PathBuf {
        self.dir.path().join("cert.pem")
    }

    fn key_file(&self) -> PathBuf {
        self.dir.path().join("key.pem")
    }

    /// Issues a certificate for `localhost` and 127.0.0.1 named `name`, writes it and its key
    /// (key first, so a reload never pairs the new certificate with the old key for long),
    /// and returns it in DER.
    fn issue(&self, name: &str) -> CertificateDer<'static> {
        let key = KeyPair::generate().unwrap();
        let mut params =
            CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()]).unwrap();
        params.distinguished_name.push(DnType::CommonName, name);
        let cert = params.signed_by(&key, &self.ca, &self.ca_key).unwrap();
        write_replacing(&self.key_file(), &key.serialize_pem());
        write_replacing(&self.cert_file(), &cert.pem());
        cert.der().clone()
    }
}

/// Writes through a temporary file and a rename, as certificate tools do.
fn write_replacing(path: &Path, text: &str) {
    let temporary = path.with_extension("new");
    std::fs::write(&temporary, text).unwrap();
    std::fs::rename(&temporary, path).unwrap();
}

/// A running HTTPS server.
struct Running {
    address: SocketAddr,
    redirect: Option<SocketAddr>,
    _data: tempfile::TempDir,
    _stop: tokio::sync::oneshot::Sender<()>,
}

async fn start(pki: &Pki, configure: impl FnOnce(&mut Settings)) -> Running {
    let data = tempfile::tempdir().unwrap();
    let mut settings = Settings::for_tests(data.path().join("data"));
    settings.static_dir = data.path().join("dist");
    settings.tls_cert = Some(pki.cert_file());
    settings.tls_key = Some(pki.key_file());
    configure(&mut settings);
    let app = Application::build(settings).await.unwrap();
    assert_eq!(app.scheme(), "https");
    let (address, redirect) = (app.address(), app.redirect_address());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(app.run_until(async {
        let _ = stopped.await;
    }));
    Running { address, redirect, _data: data, _stop: stop }
}

fn client(pki: &Pki) -> reqwest::ClientBuilder {
    let ca = reqwest::Certificate::from_pem(pki.ca.pem().as_bytes()).unwrap();
    reqwest::Client::builder().use_rustls_tls().tls_built_in_root_certs(false).add_root_certificate(ca)
}

fn url(running: &Running, path: &str) -> String {
    format!("https://localhost:{}{path}", running.address.port())
}

#[tokio::test]
async fn https_serves_http2_and_http1_over_tls_1_2_and_1_3_with_hsts() {
    let pki = Pki::new();
    pki.issue("first");
    let running = start(&pki, |_| {}).await;

    let answer = client(&pki).build().unwrap().get(url(&running, "/healthz")).send().await.unwrap();
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.version(), reqwest::Version::HTTP_2, "h2 by ALPN");
    let hsts = answer.headers().get("strict-transport-security").expect("HSTS is on with TLS");
    assert!(hsts.to_str().unwrap().starts_with("max-age="), "{hsts:?}");

    let http1 = client(&pki).http1_only().build().unwrap();
    let answer = http1.get(url(&running, "/api/v1/config")).send().await.unwrap();
    assert_eq!((answer.status().as_u16(), answer.version()), (200, reqwest::Version::HTTP_11));

    for version in [reqwest::tls::Version::TLS_1_2, reqwest::tls::Version::TLS_1_3] {
        let pinned = client(&pki).min_tls_version(version).max_tls_version(version).build().unwrap();
        let answer = pinned.get(url(&running, "/healthz")).send().await.unwrap();
        assert_eq!(answer.status(), 200, "{version:?}");
    }
    // Plain HTTP on the TLS port gets no answer it could mistake for one.
    let plain = reqwest::Client::new().get(format!("http://127.0.0.1:{}/healthz", running.address.port()));
    assert!(plain.send().await.map(|answer| answer.status() != 200).unwrap_or(true));
}

#[tokio::test]
async fn openssl_s_client_gets_tls_1_2_and_1_3_and_is_refused_1_0_and_1_1() {
    let pki = Pki::new();
    pki.issue("first");
    let running = start(&pki, |_| {}).await;
    let connect = format!("127.0.0.1:{}", running.address.port());
    let ca = pki.ca_file();
    for (flag, accepted) in [("-tls1", false), ("-tls1_1", false), ("-tls1_2", true), ("-tls1_3", true)] {
        let mut command = std::process::Command::new("openssl");
        command
            .args(["s_client", "-brief", "-connect", &connect, "-servername", "localhost", flag])
            // Let this client offer the old versions at all, so that the refusal is the server's.
            .args(["-cipher", "DEFAULT@SECLEVEL=0", "-verify_return_error", "-CAfile"])
            .arg(&ca)
            .stdin(std::process::Stdio::null());
        let out = tokio::task::spawn_blocking(move || command.output())
            .await
            .unwrap()
            .expect("openssl s_client runs");
        let said = String::from_utf8_lossy(&out.stderr).into_owned() + &String::from_utf8_lossy(&out.stdout);
        if accepted {
            assert!(out.status.success(), "{flag}: {said}");
            let version = if flag == "-tls1_2" { "TLSv1.2" } else { "TLSv1.3" };
            assert!(said.contains(&format!("Protocol version: {version}")), "{flag}: {said}");
            assert!(said.contains("Verification: OK"), "{flag}: {said}");
        } else {
            assert!(!out.status.success(), "{flag} was accepted: {said}");
            // The server's alert (handshake failure or protocol version), not the client's own
            // "no protocols available".
            assert!(said.contains("alert") && !said.contains("no protocols available"), "{flag}: {said}");
        }
    }
}

/// One HTTP/1.1 request on an open TLS connection; the status code.
async fn ask<S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin>(stream: &mut S) -> u16 {
    stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n").await.unwrap();
    let mut seen = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        let read = stream.read(&mut buffer).await.unwrap();
        assert!(read > 0, "the connection was closed");
        seen.extend_from_slice(&buffer[..read]);
        let text = String::from_utf8_lossy(&seen);
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let length: usize = head
                .lines()
                .find_map(|line| {
                    line.to_ascii_lowercase().strip_prefix("content-length: ").map(str::to_owned)
                })
                .and_then(|value| value.trim().parse().ok())
                .unwrap();
            if body.len() >= length {
                return head[9..12].parse().unwrap();
            }
        }
    }
}

/// A TLS connection to `running` that trusts the test CA; the certificate it was shown.
async fn connect(
    pki: &Pki,
    running: &Running,
) -> (tokio_rustls::client::TlsStream<tokio::net::TcpStream>, CertificateDer<'static>) {
    let mut roots = rustls::RootCertStore::empty();
    roots.add(pki.ca.der().clone()).unwrap();
    let config =
        rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth();
    let tcp = tokio::net::TcpStream::connect(running.address).await.unwrap();
    let name = ServerName::try_from("localhost").unwrap();
    let stream = tokio_rustls::TlsConnector::from(Arc::new(config)).connect(name, tcp).await.unwrap();
    let shown = stream.get_ref().1.peer_certificates().unwrap()[0].clone();
    (stream, shown)
}

#[tokio::test]
async fn a_certificate_swapped_on_disk_serves_new_handshakes_and_open_connections_stay() {
    let pki = Pki::new();
    let first = pki.issue("first");
    let running = start(&pki, |_| {}).await;
    let (mut open, shown) = connect(&pki, &running).await;
    assert_eq!(shown, first);
    assert_eq!(ask(&mut open).await, 200);

    // A key that is not the certificate's: refused, the first certificate stays.
    let stray = KeyPair::generate().unwrap();
    write_replacing(&pki.key_file(), &stray.serialize_pem());
    tokio::time::sleep(coffer_backend::tls::POLL * 2).await;
    assert_eq!(connect(&pki, &running).await.1, first, "a mismatched pair is not served");
    assert_eq!(ask(&mut open).await, 200);

    let second = pki.issue("second");
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if connect(&pki, &running).await.1 == second {
            break;
        }
        // In use all along (an idle connection is closed after a while, as it should be).
        assert_eq!(ask(&mut open).await, 200);
        assert!(Instant::now() < deadline, "the new certificate was never served");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(ask(&mut open).await, 200, "the connection opened before the swap still works");
}

#[tokio::test]
async fn a_key_that_is_not_the_certificates_stops_the_start() {
    let pki = Pki::new();
    pki.issue("first");
    write_replacing(&pki.key_file(), &KeyPair::generate().unwrap().serialize_pem());
    let data = tempfile::tempdir().unwrap();
    let mut settings = Settings::for_tests(data.path().join("data"));
    settings.tls_cert = Some(pki.cert_file());
    settings.tls_key = Some(pki.key_file());
    let error = Application::build(settings).await.err().expect("refused");
    assert!(error.to_string().contains("key.pem"), "{error}");
}

#[tokio::test]
async fn redirect_http_sends_everything_but_health_checks_to_https() {
    let pki = Pki::new();
    pki.issue("first");
    let running =
        start(&pki, |settings| settings.redirect_http = Some(SocketAddr::from(([127, 0, 0, 1], 0)))).await;
    let redirect = running.redirect.expect("the redirect listener");
    let plain = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let base = format!("http://127.0.0.1:{}", redirect.port());

    let answer = plain.get(format!("{base}/s/abc?x=1")).send().await.unwrap();
    assert_eq!(answer.status(), 308);
    let location = answer.headers()["location"].to_str().unwrap();
    assert_eq!(location, format!("https://127.0.0.1:{}/s/abc?x=1", running.address.port()));
    let posted = plain.post(format!("{base}/api/v1/shares")).body("{}").send().await.unwrap();
    assert_eq!(posted.status(), 308, "nothing is served over plain HTTP");

    let health = plain.get(format!("{base}/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200, "health checks answer on plain HTTP");

    let cert = pki.cert_file().display().to_string();
    let key = pki.key_file().display().to_string();
    let settings = Settings::parse_from(["coffer-server", "--tls-cert", &cert, "--tls-key", &key]);
    assert!(settings.hsts(), "HSTS is on by default with TLS");
    assert!(settings.base_url().starts_with("https://"), "links in mail use https");
}

#[test]
fn sighup_reads_the_certificate_again_in_the_real_binary() {
    let pki = Pki::new();
    pki.issue("first");
    let root = tempfile::tempdir().unwrap();
    let log = root.path().join("server.log");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_coffer-server"))
        .args(["--listen", "127.0.0.1:0", "--log-json", "--tls-cert"])
        .arg(pki.cert_file())
        .arg("--tls-key")
        .arg(pki.key_file())
        .arg("--data-dir")
        .arg(root.path().join("data"))
        .arg("--static-dir")
        .arg(root.path().join("dist"))
        .env_remove("COFFER_DATA_DIR")
        .env("RUST_LOG", "info")
        .stdout(std::process::Stdio::from(std::fs::File::create(&log).unwrap()))
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let logged = |event: &str, cause: Option<&str>| {
        std::fs::read_to_string(&log).unwrap_or_default().lines().any(|line| {
            let line: serde_json::Value = serde_json::from_str(line).unwrap_or_default();
            line["fields"]["event"] == event && cause.is_none_or(|cause| line["fields"]["cause"] == cause)
        })
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    while !logged("server_started", None) {
        assert!(Instant::now() < deadline, "the server did not start");
        std::thread::sleep(Duration::from_millis(20));
    }
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(text.contains("Coffer is listening on https://"), "{text}");
    let hangup = std::process::Command::new("kill").args(["-HUP", &child.id().to_string()]).status().unwrap();
    assert!(hangup.success());
    while !logged("tls_reloaded", Some("sighup")) {
        assert!(Instant::now() < deadline, "no reload after SIGHUP");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(child.try_wait().unwrap().is_none(), "SIGHUP does not stop the server");
    child.kill().unwrap();
    child.wait().unwrap();
}

/// Reads until the server closes the connection; how long that took.
async fn closed_after<S: tokio::io::AsyncRead + Unpin>(stream: &mut S) -> Duration {
    let started = Instant::now();
    let mut buffer = [0u8; 1024];
    loop {
        match tokio::time::timeout(Duration::from_secs(30), stream.read(&mut buffer)).await {
            Ok(Ok(0) | Err(_)) => return started.elapsed(),
            Ok(Ok(_)) => {}
            Err(_) => panic!("still open after 30 s"),
        }
    }
}

#[tokio::test]
async fn clients_that_connect_and_stall_are_dropped_on_the_tls_and_redirect_listeners() {
    let pki = Pki::new();
    pki.issue("first");
    let running =
        start(&pki, |settings| settings.redirect_http = Some(SocketAddr::from(([127, 0, 0, 1], 0)))).await;
    // A finished handshake and then nothing; half a request head on the plain listener.
    let (mut silent, _) = connect(&pki, &running).await;
    let mut half = tokio::net::TcpStream::connect(running.redirect.unwrap()).await.unwrap();
    half.write_all(b"GET / HTTP/1.1\r\nHost: loc").await.unwrap();
    let (silent_for, half_for) = tokio::join!(closed_after(&mut silent), closed_after(&mut half));
    for waited in [silent_for, half_for] {
        assert!(waited < Duration::from_secs(20), "dropped after {waited:?}");
    }
    // And the listener still serves.
    let (mut fresh, _) = connect(&pki, &running).await;
    assert_eq!(ask(&mut fresh).await, 200);
}
