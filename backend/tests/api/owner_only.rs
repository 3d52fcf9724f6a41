//! What the server keeps in its data folder is its own user's alone, whatever the umask: the
//! folder, the database, the secret, the blobs and the outbox of sign-in codes. A data folder
//! that others may enter is closed when the server starts.

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;

use coffer_backend::mail::Message;

use crate::helpers::{embedded, spawn_app_in, spawn_app_with};

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap_or_else(|error| panic!("{}: {error}", path.display())).mode() & 0o777
}

#[tokio::test]
async fn the_data_folder_database_secret_blobs_and_outbox_are_the_server_users_alone() {
    // The umask of this process is usually 022: files made with it would be readable by all.
    let app = spawn_app_with(embedded).await;
    let code = Message {
        to: "Rita Reader <rita@example.test>".parse().unwrap(),
        subject: "Your sign-in code".into(),
        text_body: "Your one-time code is 123456.".into(),
    };
    app.state.mailer.send(code).await.unwrap();
    let data = app.data_dir();
    assert_eq!(mode(&data), 0o700);
    assert_eq!(mode(&data.join("blobs")), 0o700);
    assert_eq!(mode(&data.join("outbox")), 0o700);
    for file in ["coffer.redb", "server-secret", "audit-keyed-from"] {
        assert_eq!(mode(&data.join(file)), 0o600, "{file}");
    }
    let mails: Vec<_> =
        std::fs::read_dir(data.join("outbox")).unwrap().map(|entry| entry.unwrap().path()).collect();
    assert_eq!(mails.len(), 1);
    assert_eq!(mode(&mails[0]), 0o600);
}

#[tokio::test]
async fn a_data_folder_others_may_enter_is_closed_at_start() {
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("data");
    std::fs::create_dir(&data).unwrap();
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
    let app = spawn_app_in(root, embedded).await;
    assert_eq!(mode(&app.data_dir()), 0o700);
}
