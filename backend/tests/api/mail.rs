//! Outgoing mail: the outbox folder with no SMTP configured, and a real SMTP server (aiosmtpd)
//! on 127.0.0.1 otherwise.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use clap::Parser;
use coffer_backend::mail::Message;
use coffer_backend::settings::Settings;

use crate::helpers::{TestApp, spawn_app, spawn_app_with};

fn message(subject: &str) -> Message {
    Message {
        to: "Rita Reader <rita@example.test>".parse().unwrap(),
        subject: subject.into(),
        text_body: "Your one-time code is 123456.\nIt expires in 10 minutes.".into(),
    }
}

/// The value of the first header `name` in a raw message (headers are not folded in these tests).
fn header(raw: &str, name: &str) -> String {
    let prefix = format!("{}:", name.to_ascii_lowercase());
    let line = raw
        .lines()
        .take_while(|line| !line.is_empty())
        .find(|line| line.to_ascii_lowercase().starts_with(&prefix))
        .unwrap_or_else(|| panic!("no {name} header in:\n{raw}"));
    line[prefix.len()..].trim().to_owned()
}

/// The body of a raw message, with CRLF turned into LF and the final line break dropped.
fn body(raw: &str) -> String {
    let raw = raw.replace("\r\n", "\n");
    let (_, body) = raw.split_once("\n\n").unwrap_or_else(|| panic!("no body in:\n{raw}"));
    body.trim_end().to_owned()
}

fn assert_is_the_message(raw: &str, subject: &str) {
    assert_eq!(header(raw, "To"), "\"Rita Reader\" <rita@example.test>");
    assert_eq!(header(raw, "From"), "Coffer <coffer@localhost>");
    assert_eq!(header(raw, "Subject"), subject);
    assert!(header(raw, "Content-Type").starts_with("text/plain"), "{raw}");
    assert_eq!(body(raw), "Your one-time code is 123456.\nIt expires in 10 minutes.");
}

/// The files in `dir`, sorted by name.
fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(dir).unwrap().map(|entry| entry.unwrap().path()).collect();
    files.sort();
    files
}

fn outbox(app: &TestApp) -> PathBuf {
    app.state.settings.data_dir.join("outbox")
}

#[tokio::test]
async fn with_no_smtp_a_message_is_written_as_one_eml_file_in_the_outbox() {
    let app = spawn_app().await;
    app.state.mailer.send(message("Your sign-up code")).await.unwrap();

    let files = files_in(&outbox(&app));
    assert_eq!(files.len(), 1, "{files:?}");
    assert_eq!(files[0].extension().unwrap(), "eml");
    assert_is_the_message(&std::fs::read_to_string(&files[0]).unwrap(), "Your sign-up code");
}

#[tokio::test]
async fn outbox_file_names_sort_in_the_order_the_messages_were_sent() {
    let app = spawn_app().await;
    for n in 0..5 {
        app.state.mailer.send(message(&format!("Message {n}"))).await.unwrap();
    }

    let subjects: Vec<String> = files_in(&outbox(&app))
        .iter()
        .map(|path| header(&std::fs::read_to_string(path).unwrap(), "Subject"))
        .collect();
    assert_eq!(subjects, (0..5).map(|n| format!("Message {n}")).collect::<Vec<_>>());
}

#[test]
fn the_smtp_password_never_shows_in_the_settings_debug_output() {
    let settings =
        Settings::parse_from(["coffer-server", "--smtp-url", "smtp://me:hunter2@mail.example.test"]);
    let debug = format!("{settings:?}");
    assert!(!debug.contains("hunter2"), "{debug}");
    assert!(debug.contains("smtp://me:[redacted]@mail.example.test:587"), "{debug}");
}

/// aiosmtpd on 127.0.0.1, storing what it receives in a maildir; killed when dropped.
struct SmtpServer {
    child: Child,
    port: u16,
    maildir: tempfile::TempDir,
}

impl SmtpServer {
    /// Starts the server and waits (at most 10 s) until it accepts connections.
    async fn start() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let maildir = tempfile::tempdir().unwrap();
        let child = Command::new("python3")
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}")])
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            // A folder that does not exist yet: Python's Maildir creates new/, cur/ and tmp/
            // only when it creates the folder itself.
            .arg(maildir.path().join("maildir"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .spawn()
            .expect("python3 must be installed, with aiosmtpd (scripts/setup.sh installs it)");
        let mut server = Self { child, port, maildir };
        for _ in 0..100 {
            if let Some(status) = server.child.try_wait().unwrap() {
                panic!("aiosmtpd exited with {status}: is it installed? (scripts/setup.sh)");
            }
            if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
                return server;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("aiosmtpd did not listen on port {port} within 10 s");
    }

    /// Waits (at most 5 s) until the maildir holds at least one message, and returns them all.
    async fn received(&self) -> Vec<String> {
        let new = self.maildir.path().join("maildir").join("new");
        for _ in 0..50 {
            let files = if new.exists() { files_in(&new) } else { Vec::new() };
            if !files.is_empty() {
                return files.iter().map(|path| std::fs::read_to_string(path).unwrap()).collect();
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("no message arrived in {}", new.display());
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn with_smtp_configured_a_message_reaches_a_real_smtp_server() {
    let server = SmtpServer::start().await;
    let url = format!("smtp+plain://127.0.0.1:{}", server.port);
    let app = spawn_app_with(|settings| settings.smtp_url = Some(url.parse().unwrap())).await;

    app.state.mailer.send(message("Your sign-in code")).await.unwrap();

    let received = server.received().await;
    assert_eq!(received.len(), 1);
    assert_is_the_message(&received[0], "Your sign-in code");
    assert!(!outbox(&app).exists(), "SMTP was configured, yet the outbox was used");
}
