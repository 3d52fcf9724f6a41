//! Text shares: sending from stdin and `--text`, reading status without using a view, the
//! confirmation, passwords, used-up links, destroying, and an envelope that does not open.

use coffer_shared::api::CreateShareRequest;
use coffer_shared::b64;
use coffer_shared::crypto::Key32;
use coffer_shared::crypto::share::{SharePayload, manage_token, seal_share};
use coffer_shared::id::ShareId;
use coffer_shared::token::Token;

use crate::harness::Server;

#[tokio::test(flavor = "multi_thread")]
async fn a_text_from_stdin_comes_back_byte_for_byte_and_only_as_often_as_allowed() {
    let server = Server::start().await;
    let secret = "line one\nline two — ünïcödé\n";
    let (link, _) = server.send(&["--views", "2", "--expires", "1h"], secret).await;
    assert!(link.starts_with(&format!("{}/s/", server.address)), "{link}");

    let status = server.coffer(&["status", "--json", &link], "").await.ok().json();
    assert_eq!((status["views_left"].as_u64(), status["max_views"].as_u64()), (Some(2), Some(2)));
    assert_eq!(status["password"], false);
    // Reading the status used no view.
    let status = server.coffer(&["status", "--json", &link], "").await.ok().json();
    assert_eq!(status["views_left"].as_u64(), Some(2));

    let first = server.coffer(&["get", "--yes", &link], "").await.ok();
    assert_eq!(first.stdout, secret);
    assert!(first.stderr.contains("1 view is left"), "{}", first.stderr);
    let second = server.coffer(&["get", "--yes", "--json", &link], "").await.ok().json();
    assert_eq!(second["text"], secret);
    assert_eq!(second["views_left"], 0);
    assert_eq!(second["signed"], "no");

    let gone = server.coffer(&["get", "--yes", &link], "").await;
    assert_eq!(gone.code, 3, "{gone:?}");
    assert!(gone.stderr.contains("does not exist, has expired, or was already viewed"), "{}", gone.stderr);
    assert!(gone.stdout.is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn without_a_terminal_opening_needs_yes_and_uses_no_view_until_given() {
    let server = Server::start().await;
    let (link, _) = server.send(&["--text", "s3cret"], "").await;
    let refused = server.coffer(&["get", &link], "").await;
    assert_eq!(refused.code, 2, "{refused:?}");
    assert!(refused.stderr.contains("--yes"), "{}", refused.stderr);
    let status = server.coffer(&["status", "--json", &link], "").await.ok().json();
    assert_eq!(status["views_left"], 1);
    assert_eq!(server.coffer(&["get", "-y", &link], "").await.ok().stdout, "s3cret");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_password_is_counted_and_the_right_one_opens() {
    let server = Server::start().await;
    let (link, _) =
        server.send(&["--password-stdin", "--text", "behind a password"], "correct horse\n").await;
    let status = server.coffer(&["status", "--json", &link], "").await.ok().json();
    assert_eq!(status["password"], true);

    let wrong = server.coffer(&["get", "--yes", "--password-stdin", &link], "battery staple\n").await;
    assert_eq!(wrong.code, 4, "{wrong:?}");
    assert!(wrong.stderr.contains("Wrong password. 4 attempts left"), "{}", wrong.stderr);
    assert!(!wrong.stderr.contains("behind"));
    let right = server.coffer(&["get", "--yes", "--password-stdin", &link], "correct horse\n").await.ok();
    assert_eq!(right.stdout, "behind a password");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_management_link_reads_the_status_and_destroys_the_share() {
    let server = Server::start().await;
    let (link, manage) = server.send(&["--views", "3", "--text", "x"], "").await;
    // The share link cannot destroy.
    let wrong_link = server.coffer(&["destroy", "--yes", &link], "").await;
    assert_eq!(wrong_link.code, 2, "{wrong_link:?}");
    assert!(wrong_link.stderr.contains("management link"), "{}", wrong_link.stderr);
    let status = server.coffer(&["status", "--json", &manage], "").await.ok().json();
    assert_eq!(status["views_left"], 3);
    server.coffer(&["destroy", "--yes", &manage], "").await.ok();
    assert_eq!(server.coffer(&["get", "--yes", &link], "").await.code, 3);
    assert_eq!(server.coffer(&["destroy", "--yes", &manage], "").await.code, 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn limits_the_server_does_not_offer_are_refused_before_anything_is_sent() {
    let server = Server::start_with(|settings| settings.max_expiry = 3_600).await;
    let long = server.coffer(&["send", "--expires", "7d", "--text", "x"], "").await;
    assert_eq!(long.code, 2, "{long:?}");
    assert!(long.stderr.contains("5m, 1h"), "{}", long.stderr);
    let views = server.coffer(&["send", "--views", "101", "--text", "x"], "").await;
    assert_eq!(views.code, 2, "{views:?}");
    let empty = server.coffer(&["send"], "").await;
    assert_eq!(empty.code, 2, "{empty:?}");
    let no_server =
        server.command(&["send", "--text", "x"]).env_remove("COFFER_SERVER").output().await.unwrap();
    assert_eq!(no_server.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&no_server.stderr).contains("Which server?"));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_envelope_sealed_for_another_share_is_reported_as_tampered() {
    let server = Server::start().await;
    // What a malicious server (or one whose storage was swapped) would hand out: an envelope
    // sealed under the link's key but for another share's id, with the tokens of this one.
    let (id, other, key) = (ShareId::random(), ShareId::random(), Key32::random());
    let payload = SharePayload { text: "swapped".into(), blur: false, files: Vec::new() };
    let swapped = seal_share(&key, &other, &payload, None);
    let honest = seal_share(&key, &id, &payload, None);
    let request = CreateShareRequest {
        id: id.clone(),
        envelope: b64::encode(&swapped.envelope),
        access_token: Token::from_key(&honest.access_token),
        status_token: Token::from_key(&honest.status_token),
        manage_token: Token::from_key(&manage_token(&Key32::random())),
        expires_in: 3_600,
        max_views: 1,
        read_receipt: false,
        files: Vec::new(),
        note: None,
        link: None,
    };
    let client = reqwest::Client::new();
    let created =
        client.post(format!("{}/api/v1/shares", server.address)).json(&request).send().await.unwrap();
    assert!(created.status().is_success(), "{}", created.text().await.unwrap());
    let link = format!("{}/s/{id}#{}", server.address, key.to_b64());
    let run = server.coffer(&["get", "--yes", &link], "").await;
    assert_eq!(run.code, 6, "{run:?}");
    assert!(run.stderr.contains("could not be decrypted"), "{}", run.stderr);
    assert!(run.stdout.is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn the_link_and_the_password_can_come_from_stdin_out_of_the_process_list() {
    let server = Server::start().await;
    let (link, manage) =
        server.send(&["--views", "3", "--password-stdin", "--text", "quiet"], "pw-1234\n").await;
    let status = server.coffer(&["status", "--json", "-"], &format!("{link}\n")).await.ok().json();
    assert_eq!(status["views_left"], 3);
    let got =
        server.coffer(&["get", "--yes", "--password-stdin", "-"], &format!("{link}\npw-1234\n")).await.ok();
    assert_eq!(got.stdout, "quiet");
    server.coffer(&["destroy", "--yes", "-"], &format!("{manage}\n")).await.ok();
    // Without a link and without a terminal to ask on, it says how to give one.
    let none = server.coffer(&["get", "--yes"], "").await;
    assert_eq!(none.code, 2, "{none:?}");
    assert!(none.stderr.contains("`-` to read it from stdin"), "{}", none.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_damaged_link_is_refused_without_asking_the_server() {
    let server = Server::start().await;
    let (link, _) = server.send(&["--text", "x"], "").await;
    let cut = &link[..link.len() - 3];
    let run = server.coffer(&["get", "--yes", cut], "").await;
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("key (after #) is missing or damaged"), "{}", run.stderr);
    // The share is untouched.
    assert_eq!(server.coffer(&["get", "--yes", &link], "").await.ok().stdout, "x");
}

#[tokio::test(flavor = "multi_thread")]
async fn completions_are_printed_for_each_shell() {
    let server = Server::start().await;
    for shell in ["bash", "zsh", "fish"] {
        let run = server.coffer(&["completions", shell], "").await.ok();
        assert!(run.stdout.contains("send") && run.stdout.contains("password-stdin"), "{shell}");
    }
    let help = server.coffer(&["send", "--help"], "").await.ok();
    assert!(
        help.stdout.contains("Examples:") && help.stdout.contains("coffer send --resume"),
        "{}",
        help.stdout
    );
    let top = server.coffer(&["--help"], "").await.ok();
    assert!(top.stdout.contains("Exit codes:") && top.stdout.contains("4  wrong password"), "{}", top.stdout);
}
