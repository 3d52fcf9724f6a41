//! A server process killed (SIGKILL) in the middle of writing a chunk: after a restart on the
//! same data folder the upload continues from its first missing chunk, and the file reaches a
//! reader byte for byte. On redb in every run: the killed process is started on its data folder.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::io::AsyncWriteExt;

use crate::file_helpers::{TestFile, sha256_b64};
use crate::file_shares::{claim_json, create_with};
use crate::helpers::{TestShare, embedded, json, spawn_app_in};

/// The real `coffer-server` binary, serving a data folder; its log goes to a file.
pub struct Process {
    child: Child,
    /// `http://127.0.0.1:<port>`.
    pub address: String,
}

impl Process {
    /// Starts the binary on 127.0.0.1 port 0 with its data in `root/data`, and waits for the log
    /// line that names its address.
    pub fn start(root: &Path) -> Self {
        Self::start_with(root, &[])
    }

    /// [`Process::start`] with more command-line arguments.
    pub fn start_with(root: &Path, args: &[&str]) -> Self {
        let log = root.join("server.log");
        // A restart writes a new log: the address looked for is the new process's.
        let _ = std::fs::remove_file(&log);
        std::fs::create_dir_all(root.join("dist")).unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_coffer-server"))
            .args(["--listen", "127.0.0.1:0", "--log-json"])
            .arg("--data-dir")
            .arg(root.join("data"))
            .arg("--static-dir")
            .arg(root.join("dist"))
            // The restart below runs on the tests' manual clock, which starts after today: the
            // upload must not look abandoned then.
            .args(["--upload-expiry", "315360000"])
            .args(args)
            .env_remove("COFFER_DATA_DIR")
            .env("RUST_LOG", "info")
            .stdout(Stdio::from(std::fs::File::create(&log).unwrap()))
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let address = wait_for(|| {
            let text = std::fs::read_to_string(&log).ok()?;
            text.lines().find_map(|line| {
                let line: Value = serde_json::from_str(line).ok()?;
                (line["fields"]["event"] == "server_started")
                    .then(|| line["fields"]["address"].as_str().map(|address| format!("http://{address}")))?
            })
        });
        Self { child, address }
    }

    /// SIGKILL: no shutdown, no flush, no commit of anything under way.
    pub fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

/// Polls `probe` every 20 ms for up to 30 s.
fn wait_for<T>(mut probe: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(found) = probe() {
            return found;
        }
        assert!(Instant::now() < deadline, "timed out");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn blob_len(path: &PathBuf) -> u64 {
    std::fs::metadata(path).map(|meta| meta.len()).unwrap_or(0)
}

#[tokio::test]
async fn an_upload_killed_mid_chunk_continues_after_a_restart_and_arrives_byte_for_byte() {
    const CHUNK: u32 = 1 << 20;
    let root = tempfile::tempdir().unwrap();
    let share = TestShare::new("the video", 1);
    let file = TestFile::for_share(&share, 4 * CHUNK as usize - 1000, CHUNK);
    let blob = root.path().join("data").join("blobs").join(format!("{}.blob", file.id));

    let server = Process::start(root.path());
    let client = reqwest::Client::new();
    let call =
        |path: String, body: Value| client.post(format!("{}{path}", server.address)).json(&body).send();
    assert_eq!(call("/api/v1/uploads".into(), file.start_body(false)).await.unwrap().status(), 201);
    for index in 0..2 {
        let sent = client
            .put(format!("{}/api/v1/uploads/{}/chunks/{index}", server.address, file.id))
            .header("x-coffer-upload-token", &file.token)
            .header("x-coffer-chunk-sha256", sha256_b64(&file.chunks[index]))
            .body(file.chunks[index].clone())
            .send()
            .await
            .unwrap();
        assert_eq!(sent.status(), 200);
    }
    // Chunk 2 is announced whole, but only its first half is sent; the process dies once part
    // of that half is on disk.
    let third = &file.chunks[2];
    let mut stream =
        tokio::net::TcpStream::connect(server.address.trim_start_matches("http://")).await.unwrap();
    let head = format!(
        "PUT /api/v1/uploads/{}/chunks/2 HTTP/1.1\r\nHost: localhost\r\nX-Coffer-Upload-Token: {}\r\n\
         X-Coffer-Chunk-Sha256: {}\r\nContent-Length: {}\r\n\r\n",
        file.id,
        file.token,
        sha256_b64(third),
        third.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(&third[..third.len() / 2]).await.unwrap();
    stream.flush().await.unwrap();
    let two_chunks = 2 * file.chunks[0].len() as u64;
    let blob_path = blob.clone();
    tokio::task::spawn_blocking(move || wait_for(|| (blob_len(&blob_path) > two_chunks).then_some(())))
        .await
        .unwrap();
    server.kill();
    drop(stream);
    assert!(blob_len(&blob) > two_chunks, "the torn chunk's bytes are on disk");

    // The same data folder, served again.
    let app = spawn_app_in(root, embedded).await;
    let status = json(app.upload_call(&file, "status").await).await;
    assert_eq!(status["received"], json!([[0, 1]]), "the torn chunk was never counted");
    assert_eq!(app.finish_upload(&file).await.status(), 409);
    for index in 2..4 {
        assert_eq!(app.put_chunk(&file, index, file.chunks[index as usize].clone()).await.status(), 200);
    }
    assert_eq!(app.finish_upload(&file).await.status(), 200);
    assert_eq!(create_with(&app, &share, &[&file]).await.status(), 201);
    let claimed = claim_json(&app, &share).await;
    let response = app.download(&file.id, claimed["download_token"].as_str().unwrap(), None).await;
    assert_eq!(response.status(), 200);
    let bytes = response.bytes().await.unwrap();
    assert_eq!(bytes.as_ref(), file.ciphertext().as_slice());
    assert_eq!(file.open(&bytes, claimed["files"][0]["metadata"].as_str().unwrap()), file.plaintext);
}
