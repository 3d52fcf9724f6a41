//! `coffer vault` against the real server: a round trip of add, list, get, edit and rm, and
//! records sealed by the browser's code read by the CLI and the other way round.

use coffer_shared::b64;
use coffer_shared::crypto::envelope::Envelope;
use coffer_shared::crypto::vault::{RecordFields, VaultRecord, open_record, seal_record};
use coffer_shared::id::RecordId;
use serde_json::{Value, json};

use crate::users::spawn;

fn names(list: &Value) -> Vec<String> {
    list["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|record| record["name"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_login_is_added_listed_read_edited_and_removed() {
    let server = spawn().await;
    let user = server.sign_up("vera@example.org").await;
    let session = server.login(&user.email);
    let run = |args: &[&str], stdin: &str| server.run_as(Some(&session), args, stdin);

    run(
        &[
            "vault",
            "add",
            "--name",
            "Bank",
            "--username",
            "vera",
            "--url",
            "https://bank.example",
            "--password-stdin",
        ],
        "hunter2\n",
    )
    .expect(0);
    run(&["vault", "add", "--type", "note", "--name", "Wi-Fi", "--notes", "key in the drawer"], "").expect(0);
    let list = run(&["vault", "list", "--json"], "").expect(0).json();
    assert_eq!(names(&list), ["Bank", "Wi-Fi"]);
    assert!(!list.to_string().contains("hunter2"), "the list holds no password");

    assert_eq!(run(&["vault", "get", "bank", "--field", "password"], "").expect(0).stdout, "hunter2\n");
    assert_eq!(
        run(&["vault", "get", "wi-fi", "--field", "notes"], "").expect(0).stdout,
        "key in the drawer\n"
    );
    // A script gets no part match: `Wi` is not a record's whole name.
    let part = run(&["vault", "get", "Wi", "--field", "notes"], "").expect(3);
    assert!(part.stderr.contains("give the whole name or the id"), "{part:?}");
    let shown = run(&["vault", "get", "Bank"], "").expect(0);
    assert!(shown.stdout.contains("vera") && !shown.stdout.contains("hunter2"), "{shown:?}");

    run(&["vault", "edit", "Bank", "--username", "vera2", "--generate", "--length", "24"], "").expect(0);
    let new = run(&["vault", "get", "Bank", "--field", "password"], "").expect(0).stdout;
    assert_eq!(new.trim_end().chars().count(), 24);
    let full = run(&["vault", "get", "Bank", "--json"], "").expect(0).json();
    assert_eq!(full["revision"], 2);
    assert_eq!(full["fields"]["username"], "vera2");
    // Secrets are only named in JSON too: neither the password nor its history is printed.
    assert_eq!(full["fields"]["password"], serde_json::Value::Null);
    assert!(!full.to_string().contains("hunter2") && !full.to_string().contains(new.trim_end()), "{full}");

    run(&["vault", "rm", "Bank"], "").expect(2); // no terminal to confirm on
    run(&["vault", "rm", "Bank", "--yes"], "").expect(0);
    assert_eq!(names(&run(&["vault", "list", "--json"], "").expect(0).json()), ["Wi-Fi"]);
    run(&["vault", "get", "Bank"], "").expect(3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn records_sealed_by_the_browser_and_by_the_cli_open_on_either_side() {
    let server = spawn().await;
    let user = server.sign_up("walt@example.org").await;
    // A record as the browser seals and stores it.
    let mut record = VaultRecord::new(RecordFields::Login {
        username: "walt".into(),
        password: "from the browser".into(),
        urls: vec!["https://shop.example".into()],
        url: String::new(),
        totp: "JBSWY3DPEHPK3PXP".into(),
        password_history: Vec::new(),
    });
    record.name = "Shop".into();
    let id = RecordId::random();
    let envelope = b64::encode(seal_record(&user.secrets.vault_key, &id, &record));
    let created =
        server.post(Some(&user), "/api/v1/vault/records", &json!({ "id": id, "envelope": envelope })).await;
    assert_eq!(created.status(), 201);

    let session = server.login(&user.email);
    let run = |args: &[&str]| server.run_as(Some(&session), args, "");
    assert_eq!(run(&["vault", "get", "Shop", "--field", "password"]).expect(0).stdout, "from the browser\n");
    assert_eq!(
        run(&["vault", "get", id.as_str(), "--field", "url"]).expect(0).stdout,
        "https://shop.example\n"
    );
    let code = run(&["vault", "get", "Shop", "--field", "totp"]).expect(0).stdout;
    assert!(code.trim_end().len() == 6 && code.trim_end().bytes().all(|b| b.is_ascii_digit()), "{code}");

    // And a record the CLI seals, as the browser opens it.
    server
        .run_as(
            Some(&session),
            &["vault", "add", "--name", "Shop", "--username", "other", "--password-stdin"],
            "from the cli\n",
        )
        .expect(0);
    let page = server.get(&user, "/api/v1/vault/records").await;
    let opened: Vec<VaultRecord> = page["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|stored| {
            let id: RecordId = stored["id"].as_str().unwrap().parse().unwrap();
            let envelope =
                Envelope::parse(&b64::decode(stored["envelope"].as_str().unwrap()).unwrap()).unwrap();
            open_record(&user.secrets.vault_key, &id, &envelope).unwrap()
        })
        .collect();
    assert!(opened.iter().any(|record| matches!(
        &record.fields,
        RecordFields::Login { username, password, .. } if username == "other" && password == "from the cli"
    )));

    // Two records named "Shop" now: the name alone is ambiguous, and the error lists both ids.
    let ambiguous = run(&["vault", "get", "Shop", "--field", "password"]).expect(2);
    assert!(ambiguous.stderr.contains(id.as_str()), "{ambiguous:?}");
}
