//! `coffer vault` against the real server: a round trip of add, list, get, edit and rm, records
//! sealed by the browser's code read by the CLI and the other way round, members a newer client
//! wrote kept through an edit, the passphrase a sensitive record asks for, and secrets read
//! from stdin.

use coffer_shared::b64;
use coffer_shared::crypto::envelope::{self, Envelope, Header, Kind};
use coffer_shared::crypto::padding::{padded_json, parse_padded_json};
use coffer_shared::crypto::random_array;
use coffer_shared::crypto::vault::{RecordFields, VaultRecord, open_record, record_key, seal_record};
use coffer_shared::id::RecordId;
use serde_json::{Value, json};

use crate::users::{PASSPHRASE, Server, User, spawn};

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
    // An id may begin with '-' (base64url): it is still the record, not a flag.
    let dashed = std::iter::repeat_with(RecordId::random).find(|id| id.as_str().starts_with('-')).unwrap();
    let envelope = b64::encode(seal_record(&user.secrets.vault_key, &dashed, &record));
    let created = server
        .post(Some(&user), "/api/v1/vault/records", &json!({ "id": dashed, "envelope": envelope }))
        .await;
    assert_eq!(created.status(), 201);
    assert_eq!(
        run(&["vault", "get", dashed.as_str(), "--field", "password"]).expect(0).stdout,
        "from the browser\n"
    );
    let code = run(&["vault", "get", id.as_str(), "--field", "totp"]).expect(0).stdout;
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

/// Stores `envelope` as record `id` of `user`, as the browser does.
async fn store(server: &Server, user: &User, id: &RecordId, envelope: Vec<u8>) {
    let body = json!({ "id": id, "envelope": b64::encode(envelope) });
    assert_eq!(server.post(Some(user), "/api/v1/vault/records", &body).await.status(), 201);
}

/// The JSON of record `id` as stored now, opened with `user`'s vault key, and its text.
async fn stored_json(server: &Server, user: &User, id: &RecordId) -> (Value, String) {
    let page = server.get(user, "/api/v1/vault/records").await;
    let stored =
        page["records"].as_array().unwrap().iter().find(|stored| stored["id"] == id.as_str()).unwrap();
    let envelope = Envelope::parse(&b64::decode(stored["envelope"].as_str().unwrap()).unwrap()).unwrap();
    let plaintext = envelope::open(&record_key(&user.secrets.vault_key, id), id.as_str(), &envelope).unwrap();
    let value: Value = parse_padded_json(&plaintext).unwrap();
    let text =
        String::from_utf8(coffer_shared::crypto::padding::unpad(&plaintext).unwrap().to_vec()).unwrap();
    (value, text)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn members_a_newer_client_wrote_survive_an_edit_here() {
    let server = spawn().await;
    let user = server.sign_up("xena@example.org").await;
    // A record as a newer client seals it, with members this build does not know.
    let newer = json!({
        "type": "login", "username": "xena", "password": "pw", "urls": ["https://mail.example"],
        "totp": "", "name": "Mail", "notes": "", "sensitive": false,
        "passkeys": [{"rp": "mail.example", "key": "cGFzc2tleQ", "counter": 7}],
        "colour": "teal",
        "layout": {"columns": 2, "pinned": ["totp"], "deep": {"flag": true, "none": null}},
    });
    let id = RecordId::random();
    let header = Header { kind: Kind::VaultRecord, password: None, signed: false, nonce: random_array() };
    let key = record_key(&user.secrets.vault_key, &id);
    store(&server, &user, &id, envelope::seal(&key, id.as_str(), header, &padded_json(&newer)).to_bytes())
        .await;

    let session = server.login(&user.email);
    server.run_as(Some(&session), &["vault", "edit", "Mail", "--name", "Mail (work)"], "").expect(0);

    let (edited, text) = stored_json(&server, &user, &id).await;
    assert_eq!(edited["name"], "Mail (work)");
    assert_eq!(edited["password"], "pw");
    for unknown in ["passkeys", "colour", "layout"] {
        assert_eq!(edited[unknown], newer[unknown], "{unknown}: {text}");
    }
    for name in ["type", "username", "password", "name", "passkeys", "colour", "layout", "columns"] {
        assert_eq!(text.matches(&format!("\"{name}\":")).count(), 1, "{name} once: {text}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sensitive_record_shows_a_value_only_after_the_passphrase() {
    let server = spawn().await;
    let user = server.sign_up("yuri@example.org").await;
    let mut record = VaultRecord::new(RecordFields::Login {
        username: "yuri".into(),
        password: "behind the prompt".into(),
        urls: Vec::new(),
        url: String::new(),
        totp: String::new(),
        password_history: Vec::new(),
    });
    record.name = "Safe".into();
    record.sensitive = true;
    let id = RecordId::random();
    store(&server, &user, &id, seal_record(&user.secrets.vault_key, &id, &record)).await;
    let session = server.login(&user.email);
    let run = |args: &[&str], stdin: &str| server.run_as(Some(&session), args, stdin);
    let secret = "behind the prompt";

    // A script without a terminal and without the flag is told how, and gets nothing.
    let refused = run(&["vault", "get", "Safe", "--field", "password"], "").expect(2);
    assert!(refused.stderr.contains("--passphrase-stdin"), "{refused:?}");
    assert!(!refused.stdout.contains(secret) && !refused.stderr.contains(secret), "{refused:?}");

    let wrong =
        run(&["vault", "get", "Safe", "--field", "password", "--passphrase-stdin"], "not it\n").expect(4);
    assert_eq!(wrong.stdout, "", "{wrong:?}");
    assert!(!wrong.stderr.contains(secret), "{wrong:?}");
    let wrong_json =
        run(&["vault", "get", "Safe", "--field", "username", "--passphrase-stdin", "--json"], "not it\n")
            .expect(4);
    assert_eq!(wrong_json.json()["error"], "wrong_password");
    assert!(!wrong_json.stdout.contains("yuri\""), "{wrong_json:?}");
    run(&["vault", "get", "Safe", "--field", "password", "--passphrase-stdin"], "").expect(2);

    let right = run(
        &["vault", "get", "Safe", "--field", "password", "--passphrase-stdin"],
        &format!("{PASSPHRASE}\n"),
    )
    .expect(0);
    assert_eq!(right.stdout, format!("{secret}\n"));

    // Its name needs no passphrase, and the record shown whole masks every value.
    assert_eq!(run(&["vault", "get", "Safe", "--field", "name"], "").expect(0).stdout, "Safe\n");
    let shown = run(&["vault", "get", "Safe"], "").expect(0);
    assert!(!shown.stdout.contains(secret) && !shown.stdout.contains("yuri"), "{shown:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secrets_can_come_from_stdin_instead_of_the_arguments() {
    let server = spawn().await;
    let user = server.sign_up("zoe@example.org").await;
    let session = server.login(&user.email);
    let run = |args: &[&str], stdin: &str| server.run_as(Some(&session), args, stdin);

    let help = run(&["vault", "add", "--help"], "").expect(0).stdout;
    assert!(help.contains("--totp-stdin") && help.contains("--notes-stdin"), "{help}");
    assert!(help.contains("process list"), "the arguments' exposure is said: {help}");

    // stdin in order: the password's line, the authenticator secret's line, the notes to the end.
    let stdin = "pw from stdin\nJBSWY3DPEHPK3PXP\nfirst line\nsecond line\n";
    let added = run(
        &["vault", "add", "--name", "Mail", "--password-stdin", "--totp-stdin", "--notes-stdin", "--json"],
        stdin,
    )
    .expect(0)
    .json();
    let id: RecordId = added["id"].as_str().unwrap().parse().unwrap();
    let (stored, _) = stored_json(&server, &user, &id).await;
    assert_eq!(stored["password"], "pw from stdin");
    assert_eq!(stored["totp"], "JBSWY3DPEHPK3PXP");
    assert_eq!(stored["notes"], "first line\nsecond line");

    run(&["vault", "edit", "Mail", "--notes-stdin"], "replaced").expect(0);
    run(&["vault", "edit", "Mail", "--totp-stdin"], "not base32!\n").expect(2);
    run(&["vault", "edit", "Mail", "--totp-stdin"], "").expect(2);
    run(&["vault", "edit", "Mail", "--totp", "JBSWY3DPEHPK3PXP", "--totp-stdin"], "x\n").expect(2);
    let (stored, _) = stored_json(&server, &user, &id).await;
    assert_eq!(stored["notes"], "replaced");
    assert_eq!(stored["totp"], "JBSWY3DPEHPK3PXP", "a refused edit saved nothing");
}
