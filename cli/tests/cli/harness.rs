//! The real server on 127.0.0.1 port 0 (in this process, with its own temporary data folder,
//! redb and blobs on disk, rate limits off) and the real `coffer` binary run against it, each
//! run with its own state and config folders so that nothing of the user's is read.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use coffer_backend::settings::Settings;
use coffer_backend::startup::Application;
use coffer_backend::state::AppState;
use tokio::io::AsyncWriteExt;

/// A running server and folders for the CLI.
pub struct Server {
    /// `http://127.0.0.1:<port>`.
    pub address: String,
    /// The app's state, for tests that look behind the API.
    #[allow(dead_code)]
    pub state: AppState,
    /// The server's data folder.
    pub data_dir: PathBuf,
    /// The CLI's state folder (`COFFER_STATE_DIR`: drafts).
    pub state_dir: PathBuf,
    /// Scratch space for the test's files.
    pub work: PathBuf,
    _root: tempfile::TempDir,
    _stop: tokio::sync::oneshot::Sender<()>,
}

/// What a run of `coffer` did.
#[derive(Debug)]
pub struct Run {
    /// The exit code.
    pub code: i32,
    /// Its stdout.
    pub stdout: String,
    /// Its stderr.
    pub stderr: String,
}

impl Run {
    /// stdout as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|error| panic!("{error}: {self:?}"))
    }

    /// Asserts success and returns self.
    pub fn ok(self) -> Self {
        self.expect(0)
    }

    /// Asserts the exit code and returns self.
    pub fn expect(self, code: i32) -> Self {
        assert_eq!(self.code, code, "{self:?}");
        self
    }
}

impl Server {
    /// Starts the server with the test defaults.
    pub async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    /// Starts the server after `configure` adjusted its settings.
    pub async fn start_with(configure: impl FnOnce(&mut Settings)) -> Self {
        let root = tempfile::tempdir().unwrap();
        let data_dir = root.path().join("data");
        let static_dir = root.path().join("dist");
        std::fs::create_dir_all(&static_dir).unwrap();
        std::fs::write(static_dir.join("index.html"), "<!doctype html><title>Coffer</title>").unwrap();
        let mut settings = Settings::for_tests(data_dir.clone());
        settings.static_dir = static_dir;
        settings.database_url = None;
        settings.blob_store = None;
        settings.rate_limit_create = 0;
        settings.rate_limit_claim = 0;
        settings.rate_limit_auth = 0;
        settings.rate_limit_upload = 0;
        settings.rate_limit_chunk = 0;
        configure(&mut settings);
        let app = Application::build(settings).await.unwrap();
        let address = format!("http://127.0.0.1:{}", app.port());
        let state = app.state().clone();
        let (stop, stopped) = tokio::sync::oneshot::channel();
        tokio::spawn(app.run_until(async {
            let _ = stopped.await;
        }));
        let (state_dir, work) = (root.path().join("cli-state"), root.path().join("work"));
        std::fs::create_dir_all(&work).unwrap();
        Server { address, state, data_dir, state_dir, work, _root: root, _stop: stop }
    }

    /// `coffer` with `args`, talking to this server, ready to spawn. It runs in a session of its
    /// own (`setsid`), without a controlling terminal, as in CI: a question it would ask on the
    /// terminal fails instead of waiting for whoever runs the tests.
    pub fn command(&self, args: &[&str]) -> tokio::process::Command {
        let mut command = tokio::process::Command::from(self.std_command(args));
        command.kill_on_drop(true);
        command
    }

    /// [`Server::command`] as a `std` command, for tests that drive it step by step.
    pub fn std_command(&self, args: &[&str]) -> std::process::Command {
        let mut command = std::process::Command::new("setsid");
        command
            .arg("--wait")
            .arg(env!("CARGO_BIN_EXE_coffer"))
            .args(args)
            .current_dir(&self.work)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("COFFER_SERVER", &self.address)
            .env("COFFER_STATE_DIR", &self.state_dir)
            .env("COFFER_CONFIG", self.work.join("no-config.toml"))
            .env("NO_COLOR", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        command
    }

    /// Where the server writes its mail (no SMTP server is configured).
    pub fn outbox(&self) -> PathBuf {
        self.data_dir.join("outbox")
    }

    /// Runs `coffer` with `args` and `stdin`, for at most a minute.
    pub async fn coffer(&self, args: &[&str], stdin: &str) -> Run {
        let mut child = self.command(args).spawn().unwrap();
        let mut input = child.stdin.take().unwrap();
        input.write_all(stdin.as_bytes()).await.unwrap();
        drop(input);
        let output = tokio::time::timeout(Duration::from_secs(60), child.wait_with_output())
            .await
            .expect("coffer ran for more than a minute")
            .unwrap();
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// A file of `size` bytes in the work folder, filled from `seed` (not compressible).
    pub fn file(&self, name: &str, size: usize, seed: u64) -> PathBuf {
        let path = self.work.join(name);
        std::fs::write(&path, pattern(size, seed)).unwrap();
        path
    }

    /// `coffer send --json` with `args`; returns the share's link and management link.
    pub async fn send(&self, args: &[&str], stdin: &str) -> (String, String) {
        let run = self.coffer(&[&["send", "--json"], args].concat(), stdin).await.ok();
        let created = run.json();
        (created["link"].as_str().unwrap().to_owned(), created["manage_link"].as_str().unwrap().to_owned())
    }
}

/// `size` bytes of xorshift output from `seed`.
pub fn pattern(size: usize, seed: u64) -> Vec<u8> {
    let mut state = seed | 1;
    let mut bytes = Vec::with_capacity(size + 8);
    while bytes.len() < size {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        bytes.extend_from_slice(&state.to_le_bytes());
    }
    bytes.truncate(size);
    bytes
}

/// The drafts the CLI keeps in `state_dir`.
pub fn drafts(state_dir: &Path) -> Vec<serde_json::Value> {
    let Ok(entries) = std::fs::read_dir(state_dir.join("drafts")) else { return Vec::new() };
    entries
        .filter_map(Result::ok)
        .filter(|entry| entry.path().extension().is_some_and(|ext| ext == "json"))
        .filter_map(|entry| serde_json::from_slice(&std::fs::read(entry.path()).ok()?).ok())
        .collect()
}
