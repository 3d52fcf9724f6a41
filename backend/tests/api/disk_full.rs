//! A data folder on a small file system, filled by uploads: starts reserve against the
//! free-space floor however many come at once, a chunk never eats into the floor even when
//! something else filled the disk, and the database keeps working (shares, claims, a file
//! download, sign-up, sign-in) once uploads have filled the disk.
//!
//! Each scenario runs twice: on a real tmpfs the test mounts over the data folder (skipped, with
//! a line saying so, where mounting is not permitted), and on the server's simulated capacity
//! (`--disk-capacity`), which always runs. The figures go to the test output
//! (`cargo test --test api disk_full -- --nocapture`; scripts/bench.sh shows them).

#![allow(clippy::print_stdout)] // a skipped mount and the measured figures are printed

use std::path::PathBuf;
use std::process::Command;

use coffer_backend::settings::Settings;
use futures_util::future::join_all;
use serde_json::json;

use crate::file_helpers::{Announced, TestFile};
use crate::file_shares::{claim_json, create_with};
use crate::helpers::{TestApp, TestShare, json, on_disk_blobs, spawn_app_in, spawn_app_with};

/// The free-space floor of these tests.
const FLOOR: u64 = 32 << 20;
/// What the database and the outbox may grow by while a phase runs: the most by which a
/// "one more would not have fit" check may be off.
const SLACK: u64 = 8 << 20;
const MIB: u64 = 1 << 20;

/// Where the data folder's small file system comes from.
#[derive(Debug, Clone, Copy)]
enum Disk {
    /// `mount -t tmpfs -o size=<capacity>` over the data folder.
    Tmpfs,
    /// The server's `disk_capacity` setting.
    Simulated,
}

/// A server whose data folder sits on a file system of a given size; unmounts what it mounted.
struct SmallDisk {
    app: TestApp,
    mount: Option<PathBuf>,
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        if let Some(mount) = &self.mount {
            // Lazy: the server may still hold the database open; the kernel frees the file
            // system once it lets go.
            let _ = Command::new("umount").arg("-l").arg(mount).status();
        }
    }
}

/// Starts a server with the test floor and `configure`d settings whose data folder's file
/// system holds `capacity` bytes; `None` (after saying why) if a tmpfs cannot be mounted here.
async fn spawn_small(disk: Disk, capacity: u64, configure: impl FnOnce(&mut Settings)) -> Option<SmallDisk> {
    // The floor is the data folder's: these tests are about blobs on that disk.
    let settings = move |settings: &mut Settings| {
        on_disk_blobs(settings);
        settings.min_free_disk = FLOOR;
        configure(settings);
    };
    match disk {
        Disk::Simulated => {
            let app = spawn_app_with(|s| {
                s.disk_capacity = Some(capacity);
                settings(s);
            })
            .await;
            Some(SmallDisk { app, mount: None })
        }
        Disk::Tmpfs => {
            let root = tempfile::tempdir().unwrap();
            let data = root.path().join("data");
            std::fs::create_dir(&data).unwrap();
            let mounted = Command::new("mount")
                .args(["-t", "tmpfs", "-o", &format!("size={capacity}"), "coffer-test"])
                .arg(&data)
                .output();
            match mounted {
                Ok(output) if output.status.success() => {}
                Ok(output) => {
                    let why = String::from_utf8_lossy(&output.stderr);
                    println!("skipped on tmpfs: mount is not permitted here ({})", why.trim());
                    return None;
                }
                Err(error) => {
                    println!("skipped on tmpfs: no mount command ({error})");
                    return None;
                }
            }
            let app = spawn_app_in(root, settings).await;
            Some(SmallDisk { app, mount: Some(data) })
        }
    }
}

/// The free space the server sees on its data folder's file system.
fn free(app: &TestApp) -> u64 {
    app.state.blobs.free_bytes().unwrap()
}

/// What unfinished uploads reserve and have not written.
async fn reserved(app: &TestApp) -> u64 {
    app.state.store.reserved_bytes().await.unwrap()
}

/// Starts every upload at once; returns the accepted ones. Every refusal must be 507
/// `storage_full`.
async fn start_all<'a>(app: &TestApp, uploads: &'a [Announced]) -> Vec<&'a Announced> {
    let answers = join_all(uploads.iter().map(|upload| app.announce(upload))).await;
    let mut accepted = Vec::new();
    for (upload, answer) in uploads.iter().zip(answers) {
        match answer.status().as_u16() {
            201 => accepted.push(upload),
            status => assert_eq!((status, json(answer).await["code"].clone()), (507, json!("storage_full"))),
        }
    }
    accepted
}

/// 50 concurrent starts of `big` bytes, then 50 concurrent 2 MiB starts, then their chunks at
/// once, then ordinary use of the database.
///
/// The simulated disk uses 1 GiB files: its free space is the smaller of the simulated room and
/// the real disk's, and the real disk's moves with whatever else runs, so the simulated capacity
/// must stay well under it.
async fn uploads_fill_the_disk_and_the_database_keeps_working(disk: Disk, big: u64) {
    let big_size = Announced::new(big, 16 << 20).ciphertext_size();
    let small_size = Announced::new(2 << 20, 1 << 20).ciphertext_size();
    // Room for two big files and about 45 small ones above the floor.
    let capacity = 2 * big_size + FLOOR + 96 * MIB;
    let Some(small_disk) = spawn_small(disk, capacity, |settings| {
        settings.upload_reserve_anonymous = 0;
        settings.upload_room_anonymous = 100;
    })
    .await
    else {
        return;
    };
    let app = &small_disk.app;
    let share = TestShare::new("kept through a full disk", 1);
    let kept = TestFile::for_share(&share, 64 << 10, 1 << 20);
    app.upload(&kept, None, false).await;

    // 1. Fifty big starts at once: no more are accepted than the room above the floor holds.
    let room = free(app).saturating_sub(reserved(app).await + FLOOR);
    let bigs: Vec<Announced> = (0..50).map(|_| Announced::new(big, 16 << 20)).collect();
    let big_accepted = start_all(app, &bigs).await;
    let big_bytes = big_accepted.len() as u64 * big_size;
    assert!(big_bytes <= room, "{} starts of {big_size} bytes accepted with {room} free", big_accepted.len());
    assert!(room - big_bytes < big_size + SLACK, "one more would have fit: the floor refuses too much");
    assert_eq!(reserved(app).await, big_bytes);

    // 2. Fifty 2 MiB starts at once fill what is left.
    let room = free(app).saturating_sub(reserved(app).await + FLOOR);
    let smalls: Vec<Announced> = (0..50).map(|_| Announced::new(2 << 20, 1 << 20)).collect();
    let small_accepted = start_all(app, &smalls).await;
    let small_bytes = small_accepted.len() as u64 * small_size;
    assert!(small_bytes <= room, "{} small starts accepted with {room} free", small_accepted.len());
    assert!(room - small_bytes < small_size + SLACK, "one more small one would have fit");
    assert!(small_accepted.len() < 50, "the disk is full: some small starts are refused");

    // 3. Every reservation can be written: all chunks of the small uploads and two 16 MiB chunks
    // of each big one, at once.
    let chunks = small_accepted
        .iter()
        .flat_map(|upload| (0..upload.chunk_count()).map(move |index| (*upload, index)))
        .chain(big_accepted.iter().flat_map(|upload| [(*upload, 0), (*upload, 1)]));
    let sent = join_all(chunks.map(|(upload, index)| app.put_announced(upload, index))).await;
    let chunk_count = sent.len();
    for answer in sent {
        assert_eq!(answer.status(), 200, "{}", answer.text().await.unwrap());
    }
    let (free_now, reserved_now) = (free(app), reserved(app).await);
    assert!(free_now >= FLOOR && free_now + SLACK >= reserved_now + FLOOR, "the floor is intact");

    // 4. The database still works: shares created and claimed, a file downloaded, an account
    // signed up and signed in.
    let shares: Vec<TestShare> = (0..20).map(|i| TestShare::new(&format!("share {i}"), 1)).collect();
    let created = join_all(shares.iter().map(|share| async move {
        app.post("/api/v1/shares", &serde_json::to_value(&share.request).unwrap()).await
    }))
    .await;
    assert!(created.iter().all(|answer| answer.status() == 201), "every share is created");
    let claimed = join_all(shares.iter().map(|share| app.claim(share, &share.request.access_token))).await;
    assert!(claimed.iter().all(|answer| answer.status() == 200), "every share is claimed");
    assert_eq!(create_with(app, &share, &[&kept]).await.status(), 201);
    let claim = claim_json(app, &share).await;
    let download = app.download(&kept.id, claim["download_token"].as_str().unwrap(), None).await;
    assert_eq!(download.status(), 200);
    assert_eq!(download.bytes().await.unwrap().as_ref(), kept.ciphertext().as_slice());
    let user = app.sign_up("full-disk@example.com").await;
    app.sign_in(&user).await;
    // 20 creates + 20 claims, the file share's create, claim and download, 3 sign-up and 2
    // sign-in requests.
    let after = 20 + 20 + 3 + 3 + 2;

    let refused =
        (50 - big_accepted.len()) as u64 * big_size + (50 - small_accepted.len()) as u64 * small_size;
    println!(
        "disk full ({disk:?}, {capacity} bytes, floor {FLOOR}): {big}-byte starts {} accepted, {} refused; \
         2 MiB starts {} accepted, {} refused; {refused} bytes refused; {chunk_count} chunks written; \
         {free_now} bytes free, {reserved_now} still reserved; {after} requests after the fill all succeeded",
        big_accepted.len(),
        50 - big_accepted.len(),
        small_accepted.len(),
        50 - small_accepted.len(),
    );
}

#[tokio::test]
async fn uploads_filling_a_small_tmpfs_leave_the_floor_and_the_database_working() {
    uploads_fill_the_disk_and_the_database_keeps_working(Disk::Tmpfs, 10 << 30).await;
}

#[tokio::test]
async fn uploads_filling_a_small_simulated_disk_leave_the_floor_and_the_database_working() {
    uploads_fill_the_disk_and_the_database_keeps_working(Disk::Simulated, 1 << 30).await;
}

/// An upload holds its reservation, then something else fills the disk to just above the floor:
/// its next chunk is refused whole, the database still takes shares, and once room is back the
/// upload completes.
async fn a_chunk_that_would_eat_into_the_floor_is_refused_whole(disk: Disk) {
    let Some(small_disk) = spawn_small(disk, FLOOR + 48 * MIB, |_| {}).await else { return };
    let app = &small_disk.app;
    let file = TestFile::vault(4 << 20, 1 << 20);
    assert_eq!(app.start_upload(&file, None, false).await.status(), 201);
    assert_eq!(app.put_chunk(&file, 0, file.chunks[0].clone()).await.status(), 200);

    let filler = app.data_dir().join("filler");
    let fill = free(app) - FLOOR - MIB / 2;
    std::fs::write(&filler, vec![0u8; fill as usize]).unwrap();
    assert!(free(app) < FLOOR + MIB, "less than one chunk is left above the floor");
    let blob = app.data_dir().join("blobs").join(format!("{}.blob", file.id));
    let blocks = || std::os::unix::fs::MetadataExt::blocks(&std::fs::metadata(&blob).unwrap());
    let before = blocks();

    let refused = app.put_chunk(&file, 1, file.chunks[1].clone()).await;
    assert_eq!(
        (refused.status().as_u16(), json(refused).await["code"].clone()),
        (507, json!("storage_full"))
    );
    assert_eq!(json(app.upload_call(&file, "status").await).await["received"], json!([[0, 0]]));
    assert_eq!(blocks(), before, "nothing of the refused chunk is on disk");
    let share = TestShare::new("the database still writes", 1);
    app.create(&share).await;
    assert_eq!(app.claim(&share, &share.request.access_token).await.status(), 200);

    std::fs::remove_file(&filler).unwrap();
    for index in 1..4 {
        assert_eq!(app.put_chunk(&file, index, file.chunks[index as usize].clone()).await.status(), 200);
    }
    assert_eq!(app.finish_upload(&file).await.status(), 200);
    assert_eq!(std::fs::read(&blob).unwrap(), file.ciphertext());
}

#[tokio::test]
async fn a_chunk_that_would_eat_into_the_floor_of_a_tmpfs_is_refused_whole() {
    a_chunk_that_would_eat_into_the_floor_is_refused_whole(Disk::Tmpfs).await;
}

#[tokio::test]
async fn a_chunk_that_would_eat_into_the_floor_of_a_simulated_disk_is_refused_whole() {
    a_chunk_that_would_eat_into_the_floor_is_refused_whole(Disk::Simulated).await;
}
