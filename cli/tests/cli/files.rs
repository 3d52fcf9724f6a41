//! File shares: sizes around the chunk boundaries and one over 100 MiB, text with files,
//! names that try to leave the folder, existing files, and a stored chunk that was altered.

use crate::harness::{Server, pattern};

/// The CLI's chunk size.
const CHUNK: usize = 4 << 20;

#[tokio::test(flavor = "multi_thread")]
async fn files_of_every_shape_come_back_identical_with_the_text_beside_them() {
    let server = Server::start().await;
    let sizes = [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 12_345];
    let names: Vec<String> = sizes.iter().map(|size| format!("f{size}.bin")).collect();
    for (index, (name, size)) in names.iter().zip(sizes).enumerate() {
        server.file(name, size, index as u64 + 1);
    }
    let args: Vec<&str> =
        ["--text", "the files you asked for"].into_iter().chain(names.iter().map(String::as_str)).collect();
    let (link, _) = server.send(&args, "").await;

    let out = server.work.join("out");
    std::fs::create_dir(&out).unwrap();
    let got =
        server.coffer(&["get", "--yes", "--json", "-o", out.to_str().unwrap(), &link], "").await.ok().json();
    assert_eq!(got["text"], "the files you asked for");
    let files = got["files"].as_array().unwrap();
    assert_eq!(files.len(), sizes.len());
    for (index, (name, size)) in names.iter().zip(sizes).enumerate() {
        assert_eq!(files[index]["name"], name.as_str());
        assert_eq!(std::fs::read(out.join(name)).unwrap(), pattern(size, index as u64 + 1), "{name}");
    }
    // No temporary file is left behind.
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), sizes.len());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_file_over_100_mib_streams_through_and_checks_out() {
    let server = Server::start().await;
    let size = 101 * 1024 * 1024 + 7;
    let path = server.file("large.bin", size, 42);
    let (link, _) = server.send(&[path.to_str().unwrap()], "").await;
    let status = server.coffer(&["status", "--json", &link], "").await.ok().json();
    assert_eq!((status["file_count"].as_u64(), status["file_bytes"].as_u64()), (Some(1), Some(size as u64)));
    let out = server.work.join("out");
    std::fs::create_dir(&out).unwrap();
    server.coffer(&["get", "--yes", "-o", out.to_str().unwrap(), &link], "").await.ok();
    assert!(std::fs::read(out.join("large.bin")).unwrap() == std::fs::read(&path).unwrap());
}

#[tokio::test(flavor = "multi_thread")]
async fn an_existing_file_is_never_overwritten_without_force() {
    let server = Server::start().await;
    server.file("report.txt", 10, 1);
    let (first, _) = server.send(&["--views", "2", "report.txt"], "").await;
    let out = server.work.join("out");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("report.txt"), "mine").unwrap();
    let kept = server.coffer(&["get", "--yes", "-o", out.to_str().unwrap(), &first], "").await.ok();
    assert!(kept.stderr.contains("report.txt exists: saved as"), "{}", kept.stderr);
    assert_eq!(std::fs::read_to_string(out.join("report.txt")).unwrap(), "mine");
    assert_eq!(std::fs::read(out.join("report (2).txt")).unwrap(), pattern(10, 1));
    server.coffer(&["get", "--yes", "--force", "-o", out.to_str().unwrap(), &first], "").await.ok();
    assert_eq!(std::fs::read(out.join("report.txt")).unwrap(), pattern(10, 1));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_altered_chunk_keeps_nothing_and_says_tampered() {
    let server = Server::start().await;
    server.file("data.bin", CHUNK + 100, 9);
    let (link, _) = server.send(&["data.bin"], "").await;
    // Flip one byte of every stored blob file: what a disk or an attacker on the server could do.
    let mut flipped = 0;
    for entry in walk(&server.data_dir.join("blobs")) {
        let mut bytes = std::fs::read(&entry).unwrap();
        if bytes.len() > 100 {
            bytes[50] ^= 1;
            std::fs::write(&entry, bytes).unwrap();
            flipped += 1;
        }
    }
    assert!(flipped > 0, "no blob found under the data folder");
    let out = server.work.join("out");
    std::fs::create_dir(&out).unwrap();
    let run = server.coffer(&["get", "--yes", "-o", out.to_str().unwrap(), &link], "").await;
    assert_eq!(run.code, 6, "{run:?}");
    assert!(run.stderr.contains("failed its integrity check"), "{}", run.stderr);
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 0, "nothing of the file is kept");
}

/// Every file under `dir`.
fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() { found.extend(walk(&path)) } else { found.push(path) }
    }
    found
}
