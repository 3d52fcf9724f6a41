//! `coffer-server backup` and `restore`, run as the real binary against a server that keeps
//! serving: a backup taken while shares and files are being created restores to a server that
//! has every share acknowledged before the backup began, the files byte for byte, the vault,
//! and a security log that verifies. A backup that was changed, or a folder that is taken, is
//! refused with nothing restored; another local user gets no backup; a running backup holds
//! back the sweep's blob deletions, and turns away every other backup asked for meanwhile.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use coffer_backend::settings::Settings;
use coffer_backend::startup::Application;
use coffer_backend::sweeper::purge_blobs;

use crate::audit_verify::{Run, audit};
use crate::file_helpers::TestFile;
use crate::file_shares::{claim_json, create_with};
use crate::helpers::{TestApp, TestShare, embedded, spawn_app_in, spawn_app_with};
use crate::vault::{create, list, note};

/// `coffer-server <args...>`, with no data folder from the environment; a command still
/// running after two minutes is killed and fails the test.
async fn server(args: &[&dyn AsRef<std::ffi::OsStr>]) -> Run {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_coffer-server"));
    command.args(args.iter().map(|arg| arg.as_ref())).env_remove("COFFER_DATA_DIR").kill_on_drop(true);
    let output = tokio::time::timeout(Duration::from_secs(120), command.output())
        .await
        .expect("the command hung")
        .unwrap();
    Run {
        code: output.status.code().unwrap(),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

async fn backup(data: &Path, to: &Path) -> Run {
    server(&[&"backup", &"--data-dir", &data, &"--to", &to]).await
}

async fn restore(from: &Path, data: &Path) -> Run {
    server(&[&"restore", &"--from", &from, &"--data-dir", &data]).await
}

/// Creates shares until `stop`, counting them in `acked`; returns each with the moment its 201
/// arrived.
async fn keep_creating(
    app: Arc<TestApp>,
    stop: Arc<AtomicBool>,
    acked: Arc<AtomicUsize>,
    tag: usize,
) -> Vec<(TestShare, Instant)> {
    let mut made = Vec::new();
    while !stop.load(Ordering::Relaxed) {
        let share = TestShare::new(&format!("writer {tag} share {}", made.len()), 1);
        app.create(&share).await;
        made.push((share, Instant::now()));
        acked.fetch_add(1, Ordering::Relaxed);
    }
    made
}

/// Waits until `ready` holds, for a minute at most (a loaded machine is slow, not stuck).
async fn until(what: &str, ready: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !ready() {
        assert!(Instant::now() < deadline, "still waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn a_backup_taken_under_write_load_restores_every_acknowledged_share_file_and_event() {
    let app = spawn_app_with(embedded).await;
    let user = app.sign_up("backed-up@example.com").await;
    create(&app, &user, &note("kept in the vault")).await;
    let with_file = TestShare::new("see the file", 2);
    let file = TestFile::for_share(&with_file, (5 << 20) / 2, 1 << 20);
    app.upload(&file, None, false).await;
    assert_eq!(create_with(&app, &with_file, &[&file]).await.status(), 201);
    let unfinished = TestFile::vault(2500, 1024);
    assert_eq!(app.start_upload(&unfinished, Some(&user.browser), true).await.status(), 201);
    assert_eq!(app.put_chunk(&unfinished, 0, unfinished.chunks[0].clone()).await.status(), 200);

    let app = Arc::new(app);
    let stop = Arc::new(AtomicBool::new(false));
    let (acked, acked_files) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let writers: Vec<_> = (0..4)
        .map(|tag| tokio::spawn(keep_creating(Arc::clone(&app), Arc::clone(&stop), Arc::clone(&acked), tag)))
        .collect();
    // Files keep arriving too: a share with a file of three chunks, again and again.
    let uploader = {
        let (app, stop, acked_files) = (Arc::clone(&app), Arc::clone(&stop), Arc::clone(&acked_files));
        tokio::spawn(async move {
            let mut made = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                let share = TestShare::new("a file under load", 1);
                let file = TestFile::for_share(&share, 2500, 1024);
                app.upload(&file, None, false).await;
                assert_eq!(create_with(&app, &share, &[&file]).await.status(), 201);
                made.push((share, file, Instant::now()));
                acked_files.fetch_add(1, Ordering::Relaxed);
            }
            made
        })
    };
    until("shares and a file before the backup", || {
        acked.load(Ordering::Relaxed) >= 20 && acked_files.load(Ordering::Relaxed) >= 1
    })
    .await;
    let folder = tempfile::tempdir().unwrap();
    let to = folder.path().join("backup");
    let started = Instant::now();
    let taken = backup(&app.data_dir(), &to).await;
    let finished = Instant::now();
    let by_then = acked.load(Ordering::Relaxed);
    until("a share after the backup", || acked.load(Ordering::Relaxed) > by_then + 4).await;
    stop.store(true, Ordering::Relaxed);
    let mut shares = Vec::new();
    for writer in writers {
        shares.extend(writer.await.unwrap());
    }
    let files = uploader.await.unwrap();
    assert_eq!(taken.code, 0, "{}{}", taken.stdout, taken.stderr);
    assert!(taken.stdout.contains("security log:"), "{}", taken.stdout);
    let mode = |path: &Path| {
        std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(path).unwrap().permissions()) & 0o777
    };
    assert_eq!(
        (mode(&to), mode(&to.join("server-secret")), mode(&to.join("coffer.redb"))),
        (0o700, 0o600, 0o600)
    );

    let before: Vec<_> = shares.iter().filter(|(_, acked)| *acked < started).collect();
    let after: Vec<_> = shares.iter().filter(|(_, acked)| *acked > finished).collect();
    let files_before: Vec<_> = files.iter().filter(|(_, _, acked)| *acked < started).collect();
    assert!(
        before.len() >= 20 && !files_before.is_empty(),
        "{} shares, {} files",
        before.len(),
        files_before.len()
    );
    assert!(!after.is_empty(), "no share was created after the backup");
    let app = Arc::into_inner(app).unwrap();
    let created = app.share_count().await;
    drop(app.stop().await);

    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("data");
    let restored = restore(&to, &data).await;
    assert_eq!(restored.code, 0, "{}{}", restored.stdout, restored.stderr);
    assert!(!data.join(".restore").exists());
    let verified = audit(&data, &["verify"]).await;
    assert_eq!(verified.code, 0, "{}{}", verified.stdout, verified.stderr);

    let app = spawn_app_in(root, embedded).await;
    let kept = app.share_count().await;
    assert!(kept > before.len() as u64 && kept <= created, "{kept} of {created}");
    for (share, _) in &before {
        let claimed = claim_json(&app, share).await;
        assert_eq!(share.open(claimed["envelope"].as_str().unwrap()), share.text);
    }
    for (share, file, _) in files_before {
        let claimed = claim_json(&app, share).await;
        let download = claimed["download_token"].as_str().unwrap();
        let bytes = app.download(&file.id, download, None).await.bytes().await.unwrap();
        assert_eq!(bytes.as_ref(), file.ciphertext().as_slice());
    }
    let claimed = claim_json(&app, &with_file).await;
    let bytes = app
        .download(&file.id, claimed["download_token"].as_str().unwrap(), None)
        .await
        .bytes()
        .await
        .unwrap();
    assert_eq!(bytes.as_ref(), file.ciphertext().as_slice());
    // What was created after the backup had finished is not in it.
    for (share, _) in &after {
        assert_eq!(app.claim(share, &share.request.access_token).await.status(), 404);
    }
    let records = list(&app, &user).await;
    assert_eq!(records.len(), 1);
    // The unfinished upload kept its first chunk and takes the rest.
    for index in 1..unfinished.chunks.len() as u64 {
        let put = app.put_chunk(&unfinished, index, unfinished.chunks[index as usize].clone()).await;
        assert_eq!(put.status(), 200);
    }
    assert_eq!(app.finish_upload(&unfinished).await.status(), 200);
}

#[tokio::test]
async fn a_changed_or_padded_backup_and_a_taken_folder_are_refused_with_nothing_restored() {
    let app = spawn_app_with(embedded).await;
    let share = TestShare::new("with a file", 1);
    let file = TestFile::for_share(&share, 3000, 1024);
    app.upload(&file, None, false).await;
    assert_eq!(create_with(&app, &share, &[&file]).await.status(), 201);
    let folder = tempfile::tempdir().unwrap();
    let good = folder.path().join("good");
    assert_eq!(backup(&app.data_dir(), &good).await.code, 0);

    // Into a folder that is not empty: refused, and the folder is left as it was.
    let private =
        |path: &Path| std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o700)).unwrap();
    let busy = folder.path().join("busy");
    std::fs::create_dir(&busy).unwrap();
    private(&busy);
    std::fs::write(busy.join("mine"), "keep").unwrap();
    let refused = backup(&app.data_dir(), &busy).await;
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    assert!(refused.stderr.contains("not empty"), "{}", refused.stderr);
    assert_eq!(std::fs::read_dir(&busy).unwrap().count(), 1);
    // Into an empty folder others may enter, or one in a folder others may change: refused
    // (someone could read the secret as it is written, or plant a link where it goes).
    let open = folder.path().join("open");
    std::fs::create_dir(&open).unwrap();
    std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o755)).unwrap();
    let refused = backup(&app.data_dir(), &open).await;
    assert!(refused.code == 2 && refused.stderr.contains("only you can enter"), "{}", refused.stderr);
    std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o777)).unwrap();
    let refused = backup(&app.data_dir(), &open.join("inside")).await;
    assert!(refused.code == 2 && refused.stderr.contains("other users"), "{}", refused.stderr);
    assert!(!open.join("inside").exists());
    // With no server on the folder: refused, and no backup folder is left.
    let nowhere = folder.path().join("nowhere");
    let refused = backup(&folder.path().join("no-server"), &nowhere).await;
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    assert!(!nowhere.exists());
    // Into the running server's own data folder: refused (it holds a database).
    let refused = restore(&good, &app.data_dir()).await;
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    assert!(refused.stderr.contains("already holds a database"), "{}", refused.stderr);
    drop(app.stop().await);

    let copy = |name: &str| {
        let to = folder.path().join(name);
        std::fs::create_dir(&to).unwrap();
        for entry in walk(&good) {
            let target = to.join(entry.strip_prefix(&good).unwrap());
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            std::fs::copy(&entry, &target).unwrap();
        }
        to
    };
    let blob = format!("blobs/{}.blob", file.id);
    let flipped = copy("flipped");
    let mut bytes = std::fs::read(flipped.join(&blob)).unwrap();
    bytes[100] ^= 1;
    std::fs::write(flipped.join(&blob), bytes).unwrap();
    let padded = copy("padded");
    std::fs::write(padded.join("blobs/extra.blob"), "x").unwrap();
    let traversal = copy("traversal");
    let manifest = std::fs::read_to_string(traversal.join("manifest.json")).unwrap();
    std::fs::write(traversal.join("manifest.json"), manifest.replace("\"server-secret\"", "\"../escaped\""))
        .unwrap();
    let unfinished = copy("unfinished");
    std::fs::remove_file(unfinished.join("manifest.json")).unwrap();
    for (backup, code, says) in [
        (&flipped, 1, "SHA-256"),
        (&padded, 1, "not in its manifest"),
        (&traversal, 1, "does not hold"),
        (&unfinished, 2, "unfinished"),
    ] {
        let data = folder.path().join(format!("data-{}", backup.file_name().unwrap().to_str().unwrap()));
        let refused = restore(backup, &data).await;
        assert_eq!(refused.code, code, "{}: {}", backup.display(), refused.stderr);
        assert!(refused.stderr.contains(says), "{}", refused.stderr);
        assert!(!data.join("coffer.redb").exists() && !folder.path().join("escaped").exists());
    }
    // A byte changed in the database itself, past the manifest: the hash catches it too.
    let changed = copy("changed");
    let mut database = std::fs::read(changed.join("coffer.redb")).unwrap();
    let last = database.len() - 1;
    database[last] ^= 0xff;
    std::fs::write(changed.join("coffer.redb"), database).unwrap();
    let refused = restore(&changed, &folder.path().join("data-changed")).await;
    assert_eq!(refused.code, 1, "{}", refused.stderr);

    // A data folder whose `blobs` is a link elsewhere: refused, nothing lands there.
    let elsewhere = folder.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    let linked = folder.path().join("data-linked");
    std::fs::create_dir(&linked).unwrap();
    std::os::unix::fs::symlink(&elsewhere, linked.join("blobs")).unwrap();
    let refused = restore(&good, &linked).await;
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    assert!(refused.stderr.contains("follows no link"), "{}", refused.stderr);
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
    assert!(!linked.join("coffer.redb").exists());
    assert_eq!(std::fs::read_dir(&linked).unwrap().count(), 1, "staging left behind");

    // The good one restores, and a second restore into the same folder is refused.
    let data = folder.path().join("data");
    assert_eq!(restore(&good, &data).await.code, 0);
    assert_eq!(restore(&good, &data).await.code, 2);
    // A server refuses a folder with a restore under way (or stopped half-way) in it, before
    // it makes a secret or a database there.
    let half = folder.path().join("half");
    std::fs::create_dir_all(half.join(".restore-0011223344556677")).unwrap();
    let refused = Application::build(Settings::for_tests(half.clone())).await.err().unwrap();
    assert!(refused.to_string().contains("restore"), "{refused}");
    assert!(!half.join("server-secret").exists() && !half.join("coffer.redb").exists());
    // Run again, the restore finishes it.
    let restored = restore(&good, &half).await;
    assert_eq!(restored.code, 0, "{}", restored.stderr);
    assert!(half.join("coffer.redb").exists());
    assert!(coffer_backend::backup::restore::under_way(&half).is_none());
}

#[tokio::test]
async fn a_stopping_server_ends_a_backup_no_one_reads() {
    let app = spawn_app_with(embedded).await;
    let _stalled = stalled_backup(&app).await;
    let stopping = Instant::now();
    drop(app.stop().await);
    assert!(stopping.elapsed() < Duration::from_secs(10), "{:?}", stopping.elapsed());
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() { files.extend(walk(&path)) } else { files.push(path) }
    }
    files
}

#[tokio::test]
async fn another_local_user_gets_no_backup() {
    if Command::new("setpriv").arg("--version").output().is_err() || !is_root() {
        return eprintln!("skipped: needs root and setpriv to run as another user");
    }
    let app = spawn_app_with(embedded).await;
    let socket = app.data_dir().join("backup.sock");
    let mode = std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&socket).unwrap().permissions());
    assert_eq!(mode & 0o777, 0o600);
    // Even with a path it may walk, user 65534 cannot connect to the socket.
    let open = tempfile::tempdir().unwrap();
    let link = open.path().join("data");
    std::os::unix::fs::symlink(app.data_dir(), &link).unwrap();
    for dir in [app.data_dir(), open.path().to_owned()] {
        std::fs::set_permissions(&dir, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    }
    let mut parent = app.data_dir();
    while parent.pop() && parent != Path::new("/tmp") && parent != Path::new("/") {
        std::fs::set_permissions(&parent, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    }
    let to = open.path().join("stolen");
    std::os::unix::fs::chown(open.path(), Some(65534), Some(65534)).unwrap();
    let exe = env!("CARGO_BIN_EXE_coffer-server");
    let output = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", exe, "backup", "--data-dir"])
        .arg(&link)
        .arg("--to")
        .arg(&to)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(String::from_utf8_lossy(&output.stderr).contains("Permission denied"));
    assert!(!to.join("manifest.json").exists());
}

#[tokio::test]
async fn the_command_takes_no_backup_from_a_socket_another_user_holds() {
    if Command::new("setpriv").arg("--version").output().is_err()
        || !is_root()
        || !Path::new("/usr/bin/python3").exists()
    {
        return eprintln!("skipped: needs root, setpriv and /usr/bin/python3 to run as another user");
    }
    // A data folder others may write into, where user 65534 put a socket of its own.
    let folder = tempfile::tempdir().unwrap();
    std::fs::set_permissions(folder.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let data = folder.path().join("data");
    std::fs::create_dir(&data).unwrap();
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o1777)).unwrap();
    let listen = "import socket,sys,time; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(); time.sleep(30)";
    let mut impostor = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/python3", "-c", listen])
        .arg(data.join("backup.sock"))
        .spawn()
        .unwrap();
    for _ in 0..100 {
        if data.join("backup.sock").exists() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let to = folder.path().join("backup");
    let refused = backup(&data, &to).await;
    let _ = impostor.kill();
    let _ = impostor.wait();
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    assert!(refused.stderr.contains("held by user 65534"), "{}", refused.stderr);
    assert!(!to.exists());
}

/// Adds a 6 MiB file (more than the socket and the server's buffer hold) and asks for a
/// backup without reading it: the server stalls on its chunks, holding the blobs.
async fn stalled_backup(app: &TestApp) -> tokio::net::UnixStream {
    use tokio::io::AsyncWriteExt;

    let share = TestShare::new("large", 1);
    let large = TestFile::for_share(&share, 6 << 20, 1 << 20);
    app.upload(&large, None, false).await;
    assert_eq!(create_with(app, &share, &[&large]).await.status(), 201);
    let mut stream = tokio::net::UnixStream::connect(app.data_dir().join("backup.sock")).await.unwrap();
    stream.write_all(b"coffer-backup 1\n").await.unwrap();
    // The backup holds the blobs once it runs (and, before that, the one-at-a-time permit).
    for _ in 0..200 {
        if app.state.blob_deletions.try_write().is_err() {
            tokio::time::sleep(Duration::from_millis(100)).await;
            return stream;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the backup did not start");
}

fn is_root() -> bool {
    std::fs::metadata("/proc/self").is_ok_and(|meta| std::os::unix::fs::MetadataExt::uid(&meta) == 0)
}

#[tokio::test]
async fn the_sweep_deletes_no_blob_while_a_backup_is_being_read() {
    use tokio::io::AsyncReadExt;

    let app = spawn_app_with(embedded).await;
    let share = TestShare::new("deleted soon", 1);
    let file = TestFile::for_share(&share, 3000, 1024);
    app.upload(&file, None, false).await;
    assert_eq!(create_with(&app, &share, &[&file]).await.status(), 201);
    let blob = app.data_dir().join(format!("blobs/{}.blob", file.id));

    let mut reader = stalled_backup(&app).await;
    assert!(app.state.blob_deletions.try_write().is_err(), "the backup holds the blobs");
    let manage = crate::helpers::manage_token(&share.id);
    assert_eq!(app.destroy(&share.id, &manage).await.status(), 204);
    coffer_backend::sweeper::sweep_once(&app.state).await;
    purge_blobs(&app.state).await;
    assert!(blob.exists(), "deleted while a backup was copying the blobs");

    let mut stream = Vec::new();
    reader.read_to_end(&mut stream).await.unwrap();
    assert_eq!(stream.first(), Some(&b'T'));
    assert!(stream.len() > 6 << 20, "{} bytes", stream.len());
    for _ in 0..100 {
        purge_blobs(&app.state).await;
        if !blob.exists() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the blob outlived the backup");
}

#[tokio::test]
async fn backups_asked_for_at_once_while_one_runs_are_each_refused_and_the_next_is_taken() {
    let app = spawn_app_with(embedded).await;
    let stalled = stalled_backup(&app).await;
    let folder = tempfile::tempdir().unwrap();
    let data = app.data_dir();
    let folders: Vec<_> = (0..8).map(|n| folder.path().join(format!("at-once-{n}"))).collect();
    // Each command runs as its own process: the eight ask at once.
    let refusals = futures_util::future::join_all(folders.iter().map(|to| backup(&data, to))).await;
    for (refused, to) in refusals.into_iter().zip(&folders) {
        assert_eq!(refused.code, 2, "{}", refused.stderr);
        assert!(refused.stderr.contains("another backup is being taken"), "{}", refused.stderr);
        assert!(!to.exists(), "a refused backup leaves no folder behind");
    }
    drop(stalled);
    let to = folder.path().join("after");
    let mut taken = backup(&app.data_dir(), &to).await;
    for _ in 0..50 {
        // The server notices the dropped reader when its next write fails.
        if taken.code == 0 || !taken.stderr.contains("another backup") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        let _ = std::fs::remove_dir_all(&to);
        taken = backup(&app.data_dir(), &to).await;
    }
    assert_eq!(taken.code, 0, "{}", taken.stderr);
    assert!(to.join("manifest.json").exists());
}
