//! Resuming: an upload killed with SIGKILL part-way continues with `--resume` from what the
//! server holds, a file changed since is refused rather than sealed twice, and two processes
//! resuming one upload at once never both send it.

use std::time::Duration;

use crate::harness::{Server, drafts};

/// Starts `coffer send FILE` and kills it once its draft records `at_least` sealed chunks.
async fn kill_part_way(server: &Server, file: &str, at_least: u64) {
    let mut child = server.command(&["send", "--json", file]).spawn().unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let sealed = drafts(&server.state_dir)
            .first()
            .and_then(|draft| draft["draft"]["files"][0]["sealed"].as_u64())
            .unwrap_or(0);
        if sealed >= at_least {
            break;
        }
        assert!(child.try_wait().unwrap().is_none(), "the upload finished before it could be killed");
        assert!(tokio::time::Instant::now() < deadline, "no progress recorded");
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    child.kill().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_killed_upload_resumes_and_the_share_opens_whole() {
    // Slow chunk uploads down so the kill lands part-way on any machine.
    let server = Server::start_with(|settings| settings.rate_limit_chunk = 600).await;
    let path = server.file("big.bin", 40 << 20, 5);
    kill_part_way(&server, "big.bin", 3).await;
    let draft = drafts(&server.state_dir);
    assert_eq!(draft.len(), 1, "the draft stays after a kill");
    assert_eq!(draft[0]["draft"]["files"][0]["finished"], false);

    let resumed = server.coffer(&["send", "--resume", "--json", "big.bin"], "").await.ok().json();
    let link = resumed["link"].as_str().unwrap();
    assert!(drafts(&server.state_dir).is_empty(), "the draft is deleted once the share exists");
    let out = server.work.join("out");
    std::fs::create_dir(&out).unwrap();
    server.coffer(&["get", "--yes", "-o", out.to_str().unwrap(), link], "").await.ok();
    assert!(std::fs::read(out.join("big.bin")).unwrap() == std::fs::read(&path).unwrap());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_file_changed_since_is_refused_and_its_draft_discarded() {
    let server = Server::start_with(|settings| settings.rate_limit_chunk = 600).await;
    let path = server.file("big.bin", 40 << 20, 6);
    kill_part_way(&server, "big.bin", 3).await;
    // Same size and time, other bytes at the start: only the chain can tell.
    let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
    let mut bytes = std::fs::read(&path).unwrap();
    bytes[10] ^= 0xff;
    std::fs::write(&path, bytes).unwrap();
    std::fs::File::options().write(true).open(&path).unwrap().set_modified(modified).unwrap();

    let run = server.coffer(&["send", "--resume", "big.bin"], "").await;
    assert_eq!(run.code, 9, "{run:?}");
    assert!(run.stderr.contains("changed since the upload began"), "{}", run.stderr);
    assert!(drafts(&server.state_dir).is_empty(), "the draft is discarded");
    let again = server.coffer(&["send", "--resume", "big.bin"], "").await;
    assert_eq!(again.code, 2, "{again:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn resume_without_a_draft_says_so() {
    let server = Server::start().await;
    server.file("a.bin", 10, 1);
    let run = server.coffer(&["send", "--resume", "a.bin"], "").await;
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("no unfinished upload of these files"), "{}", run.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn two_resumes_at_once_send_the_upload_once() {
    let server = Server::start_with(|settings| settings.rate_limit_chunk = 600).await;
    let path = server.file("big.bin", 40 << 20, 7);
    kill_part_way(&server, "big.bin", 3).await;

    let args = ["send", "--resume", "--json", "big.bin"];
    let (first, second) = tokio::join!(server.coffer(&args, ""), server.coffer(&args, ""));
    let (winner, loser) = if first.code == 0 { (first, second) } else { (second, first) };
    assert_eq!(winner.code, 0, "{winner:?}");
    assert_eq!(loser.code, 1, "{loser:?}");
    assert!(loser.stderr.contains("Another coffer process is sending this upload"), "{}", loser.stderr);
    assert!(drafts(&server.state_dir).is_empty(), "the draft is deleted once the share exists");

    let out = server.work.join("out");
    std::fs::create_dir(&out).unwrap();
    server
        .coffer(&["get", "--yes", "-o", out.to_str().unwrap(), winner.json()["link"].as_str().unwrap()], "")
        .await
        .ok();
    assert!(std::fs::read(out.join("big.bin")).unwrap() == std::fs::read(&path).unwrap());
}
