//! The text log of the real binary written to a file (as a service manager's journal takes it)
//! carries no terminal colour codes, and a SIGHUP does not end a server without TLS.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[test]
fn a_text_log_that_is_not_a_terminal_has_no_escape_codes_and_sighup_is_harmless() {
    let root = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(root.path().join("dist")).unwrap();
    let log = root.path().join("server.log");
    let mut child = Command::new(env!("CARGO_BIN_EXE_coffer-server"))
        .args(["--listen", "127.0.0.1:0"])
        .arg("--data-dir")
        .arg(root.path().join("data"))
        .arg("--static-dir")
        .arg(root.path().join("dist"))
        .env_remove("COFFER_DATA_DIR")
        .env_remove("NO_COLOR")
        .env("RUST_LOG", "info")
        .stdout(Stdio::from(std::fs::File::create(&log).unwrap()))
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    let text = loop {
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        if text.contains("Coffer is listening on") {
            break text;
        }
        assert!(Instant::now() < deadline, "no start line in {text}");
        std::thread::sleep(Duration::from_millis(20));
    };
    // A reload without TLS changes nothing and must not end the server.
    let hangup = Command::new("kill").args(["-HUP", &child.id().to_string()]).status().unwrap();
    assert!(hangup.success());
    std::thread::sleep(Duration::from_millis(300));
    assert!(child.try_wait().unwrap().is_none(), "SIGHUP ended the server");
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(text.contains(" INFO "), "a text log, not JSON: {text}");
    assert!(!text.contains('\u{1b}'), "escape codes in a log written to a file: {text:?}");
}
