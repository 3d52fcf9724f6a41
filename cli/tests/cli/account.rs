//! `coffer login`, `logout`, signed shares and `coffer shares` against the real server.

use serde_json::Value;

use crate::users::{PASSPHRASE, spawn};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_from_login_signs_shares_that_get_names_and_shares_lists() {
    let server = spawn().await;
    let user = server.sign_up("alice@example.org").await;
    let session = server.login(&user.email);
    assert!(session.starts_with("coffer-session-1."), "{session}");

    let sent = server
        .run_as(Some(&session), &["send", "--json", "--label", "Door code", "--text", "4711"], "")
        .expect(0)
        .json();
    assert_eq!(sent["signed"], true);
    let link = sent["link"].as_str().unwrap().to_owned();

    let got = server.run_as(None, &["get", "--yes", "--json", &link], "").expect(0).json();
    assert_eq!(got["text"], "4711");
    assert_eq!(got["signed"], "by");
    assert_eq!(got["address"], "alice@example.org");

    let listed = server.run_as(Some(&session), &["shares", "--json"], "").expect(0).json();
    let shares = listed["shares"].as_array().unwrap();
    assert_eq!(shares.len(), 1);
    assert_eq!(shares[0]["label"], "Door code");
    assert_eq!(shares[0]["state"], "used_up");
    assert!(shares[0].get("link").is_none(), "links only with --links");
    let table = server.run_as(Some(&session), &["shares"], "").expect(0);
    assert!(table.stdout.contains("Door code") && table.stdout.contains("1/1"), "{}", table.stdout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn anonymous_sends_are_unsigned_and_links_of_live_shares_are_listed_on_request() {
    let server = spawn().await;
    let user = server.sign_up("bob@example.org").await;
    let session = server.login(&user.email);
    let anonymous =
        server.run_as(Some(&session), &["send", "--json", "--anonymous", "--text", "a"], "").expect(0).json();
    assert_eq!(anonymous["signed"], false);
    let live = server
        .run_as(Some(&session), &["send", "--json", "--label", "Live", "--views", "2", "--text", "b"], "")
        .expect(0)
        .json();
    let listed = server.run_as(Some(&session), &["shares", "--json", "--links"], "").expect(0).json();
    let shares = listed["shares"].as_array().unwrap();
    assert_eq!(shares.len(), 1, "the anonymous share is not in My shares");
    assert_eq!(shares[0]["link"], live["link"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shares_destroy_ends_only_the_accounts_own_live_share() {
    let server = spawn().await;
    let owner = server.sign_up("dora@example.org").await;
    let other = server.sign_up("eve@example.org").await;
    let (owner, other) = (server.login(&owner.email), server.login(&other.email));
    let sent =
        server.run_as(Some(&owner), &["send", "--json", "--views", "3", "--text", "x"], "").expect(0).json();
    let link = sent["link"].as_str().unwrap().to_owned();
    let id = server.run_as(Some(&owner), &["shares", "--json"], "").expect(0).json()["shares"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let table = server.run_as(Some(&owner), &["shares"], "").expect(0);
    assert!(table.stdout.contains(&id), "the table lists the id to destroy by: {}", table.stdout);

    let asked = server.run_as(Some(&owner), &["shares", "--destroy", &id], "").expect(2);
    assert!(asked.stderr.contains("--yes"), "no terminal to confirm on: {asked:?}");
    let foreign = server.run_as(Some(&other), &["shares", "--destroy", &id, "--yes"], "").expect(3);
    assert!(foreign.stderr.contains("No live share of yours"), "{foreign:?}");
    server.run_as(None, &["status", "--json", &link], "").expect(0);

    let without_key = link.split('#').next().unwrap();
    let done =
        server.run_as(Some(&owner), &["shares", "--destroy", without_key, "--yes", "--json"], "").expect(0);
    assert_eq!(done.json()["destroyed"], id.as_str());
    server.run_as(None, &["get", "--yes", &link], "").expect(3);
    server.run_as(Some(&owner), &["shares", "--destroy", &id, "--yes"], "").expect(3);
    let listed = server.run_as(Some(&owner), &["shares", "--json"], "").expect(0).json();
    assert_eq!(listed["shares"][0]["state"], "destroyed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_passphrase_is_exit_code_4_and_prints_no_session() {
    let server = spawn().await;
    server.sign_up("carol@example.org").await;
    let run = server.run_as(
        None,
        &["login", "--email", "carol@example.org", "--passphrase-stdin", "--json"],
        "not the passphrase\n",
    );
    let run = run.expect(4);
    assert_eq!(run.json()["error"], "wrong_password");
    assert!(!run.stdout.contains("coffer-session-1."));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_code_passed_with_code_finishes_a_sign_in_started_again() {
    let server = spawn().await;
    let user = server.sign_up("dave@example.org").await;
    // Without a code anywhere, the first attempt stops after the server mailed one.
    let first = server.run_as(
        None,
        &["login", "--email", &user.email, "--passphrase-stdin"],
        &format!("{PASSPHRASE}\n"),
    );
    assert_eq!(first.code, 2, "{first:?}");
    let code = server.wait_for_code(&user.email, 2);
    let run = server.run_as(
        None,
        &["login", "--email", &user.email, "--passphrase-stdin", "--code", &code],
        &format!("{PASSPHRASE}\n"),
    );
    let run = run.expect(0);
    assert!(run.stdout.starts_with("export COFFER_SESSION='coffer-session-1."), "{}", run.stdout);
    let wrong = server.run_as(
        None,
        &["login", "--email", &user.email, "--passphrase-stdin", "--code", "00000000"],
        &format!("{PASSPHRASE}\n"),
    );
    assert_eq!(wrong.code, 4, "{wrong:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_session_commands_that_need_one_exit_with_code_8() {
    let server = spawn().await;
    for args in [&["vault", "list"][..], &["shares"], &["logout"]] {
        let run = server.run_as(None, args, "").expect(8);
        assert!(run.stderr.contains("Not signed in"), "{run:?}");
    }
    let damaged = server.run_as(Some("coffer-session-1.AAAA"), &["vault", "list"], "").expect(8);
    assert!(damaged.stderr.contains("does not hold a coffer session"), "{damaged:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logout_ends_the_session_on_the_server() {
    let server = spawn().await;
    let user = server.sign_up("erin@example.org").await;
    let session = server.login(&user.email);
    server.run_as(Some(&session), &["vault", "list"], "").expect(0);
    let out = server.run_as(Some(&session), &["logout"], "").expect(0);
    assert!(out.stdout.contains("unset COFFER_SESSION"), "{out:?}");
    let after = server.run_as(Some(&session), &["vault", "list"], "").expect(8);
    assert!(after.stderr.contains("session has ended"), "{after:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn remember_keeps_the_session_in_the_keyring_until_logout() {
    let server = spawn().await;
    let user = server.sign_up("frank@example.org").await;
    let run = server.login_run(&user.email, &["--remember", "--json"]).ok();
    let kept: Value = run.json();
    assert_eq!(kept["remembered"], true);
    assert!(!run.stdout.contains("coffer-session-1."), "a kept session is not printed");
    if cfg!(target_os = "linux") {
        let keys = std::fs::read_to_string("/proc/keys").expect("/proc/keys");
        let entry = format!("coffer:{}", server.address);
        assert!(keys.contains(&entry), "the kernel keeps {entry}");
    }
    server.run_as(None, &["vault", "list"], "").expect(0);
    let again = server.login_run(&user.email, &["--remember", "--json"]).ok();
    assert_eq!(again.json()["remembered"], true, "a second sign-in replaces the entry");
    server.run_as(None, &["vault", "list"], "").expect(0);
    let out = server.run_as(None, &["logout", "--json"], "").expect(0).json();
    assert_eq!(out["keyring_entry_deleted"], true);
    server.run_as(None, &["vault", "list"], "").expect(8);
}
