//! `coffer get <link>`: the share's status first (no view used), a confirmation, the password,
//! then the claim; the text goes to stdout and the files into a folder, each kept only after
//! its sealed SHA-256 matched.

pub mod claim;
pub mod download;
pub mod save;

use std::path::{Path, PathBuf};

use coffer_shared::crypto::kdf::password_key;
use serde::Serialize;
use zeroize::Zeroizing;

use crate::args::GetArgs;
use crate::exit::{Failure, Kind, Outcome};
use crate::http::Client;
use crate::link::{self, LinkKind};
use crate::ui::Ui;
use crate::{prompt, time};
use claim::{Signed, Status};
use download::Source;
use save::Incoming;

/// A saved file, as `--json` reports it.
#[derive(Serialize)]
struct Saved {
    name: String,
    path: PathBuf,
    size: u64,
    sha256: String,
}

/// What `--json` prints for a revealed share.
#[derive(Serialize)]
struct Report<'a> {
    text: &'a str,
    files: Vec<Saved>,
    /// Files that could not be saved (the view is spent all the same).
    #[serde(skip_serializing_if = "<[Failed]>::is_empty")]
    failed: &'a [Failed],
    views_left: u32,
    #[serde(flatten)]
    signed: &'a Signed,
}

/// Runs `coffer get`.
pub async fn run(args: GetArgs, ui: Ui) -> Outcome {
    let text = prompt::link(args.link.as_deref())?;
    let link = link::parse(LinkKind::Share, &text)?;
    let client = Client::new(&link.origin)?;
    let dir = args.output.clone().unwrap_or_else(|| PathBuf::from("."));
    if !dir.is_dir() {
        return Err(Failure::file(&dir, "not a folder"));
    }
    // Before any view is spent: files can be written there.
    drop(Incoming::create(&dir)?);
    let token = coffer_shared::crypto::share::status_token(&link.key, &link.id);
    let status = claim::status(&client, &link.id, &token).await?;
    ui.note(&describe(&status));
    if !args.yes && !prompt::confirm(&opening_question(&status))? {
        return Err(Failure::new(Kind::Declined, "Not opened; no view was used."));
    }
    let password_key = match &status.header.password {
        Some(params) => {
            let password = if args.password_stdin {
                prompt::password_from_stdin()?
            } else {
                prompt::password("This share needs a password: ", false)?
            };
            let spinner = ui.spinner("Strengthening the password (Argon2id)…");
            let params = *params;
            let key = tokio::task::spawn_blocking(move || password_key(&password, &params.salt, params.kdf))
                .await
                .map_err(|_| Failure::new(Kind::Other, "The password could not be strengthened."))?;
            spinner.finish_and_clear();
            Some(key)
        }
        None => None,
    };
    let revealed = claim::claim(&client, &link.id, &link.key, password_key.as_ref(), &status).await?;
    // The view is spent: from here on, whatever fails, the user gets everything else.
    if !ui.json && !revealed.payload.text.is_empty() {
        print_text(&revealed.payload.text);
    }
    let mut saved = Vec::new();
    let mut failed = Vec::new();
    for file in &revealed.files {
        let token = revealed.download_token.as_deref().unwrap_or_default();
        match receive(&client, file, token, &dir, args.force, ui).await {
            Ok(kept) => saved.push(kept),
            Err(failure) => {
                ui.warn(&format!("{}: {}", save::safe_name(&file.meta.name), failure.message));
                failed.push(Failed {
                    name: save::safe_name(&file.meta.name),
                    error: failure.kind.name(),
                    message: failure.message.clone(),
                });
            }
        }
    }
    if ui.json {
        let report = Report {
            text: &revealed.payload.text,
            files: saved,
            failed: &failed,
            views_left: revealed.views_left,
            signed: &revealed.signed,
        };
        ui.json(&report);
    } else {
        for file in &saved {
            ui.note(&format!(
                "Saved {} ({}, SHA-256 checked)",
                file.path.display(),
                crate::size::text(file.size)
            ));
        }
        ui.note(&signed_line(&revealed.signed));
        ui.note(&match revealed.views_left {
            0 => "That was the last view: the share is gone from the server.".to_owned(),
            1 => "1 view is left.".to_owned(),
            left => format!("{left} views are left."),
        });
    }
    match failed.first() {
        None => Ok(()),
        Some(first) => {
            let kind = kind_named(first.error);
            Err(Failure::new(
                kind,
                format!("{} of {} files could not be saved.", failed.len(), revealed.files.len()),
            ))
        }
    }
}

/// A file that could not be saved, as `--json` reports it.
#[derive(Serialize)]
struct Failed {
    name: String,
    error: &'static str,
    message: String,
}

/// The kind a failure's name stands for.
fn kind_named(name: &str) -> Kind {
    [Kind::Tampered, Kind::NotFound, Kind::Network, Kind::LocalFile, Kind::Refused]
        .into_iter()
        .find(|kind| kind.name() == name)
        .unwrap_or(Kind::Other)
}

/// Downloads one file into a temporary file in `dir` and keeps it once it checked out.
async fn receive(
    client: &Client,
    file: &claim::SharedFile,
    token: &str,
    dir: &Path,
    force: bool,
    ui: Ui,
) -> Outcome<Saved> {
    let name = save::safe_name(&file.meta.name);
    let incoming = Incoming::create(dir)?;
    let bar = ui.bytes_bar(file.meta.size, &name);
    let writer = incoming.writer()?;
    let result =
        download::download(client, &file.stored, &file.key, &file.meta, Source::Share(token), writer, &bar)
            .await;
    bar.finish_and_clear();
    result?;
    let path = incoming.keep(dir, &name, force)?;
    if path.file_name().is_some_and(|kept| kept.to_string_lossy() != name) {
        ui.warn(&format!("{name} exists: saved as {} (pass --force to overwrite).", path.display()));
    }
    Ok(Saved { name, path, size: file.meta.size, sha256: file.meta.sha256.clone() })
}

/// The text on stdout: exactly as sent into a pipe or a file; on a terminal with its control
/// characters defused and a line ending added.
fn print_text(text: &str) {
    use std::io::{IsTerminal, Write};
    let mut out = std::io::stdout().lock();
    if std::io::stdout().is_terminal() {
        let shown = Zeroizing::new(crate::text::printable(text));
        let _ = out.write_all(shown.as_bytes());
        if !shown.ends_with('\n') {
            let _ = out.write_all(b"\n");
        }
    } else {
        let _ = out.write_all(text.as_bytes());
    }
    let _ = out.flush();
}

/// What the share holds and how long it lasts.
pub fn describe(status: &Status) -> String {
    let raw = &status.raw;
    let mut parts = vec![match raw.file_count {
        0 => "This share holds a text".to_owned(),
        1 => format!("This share holds 1 file ({})", crate::size::text(raw.file_bytes)),
        n => format!("This share holds {n} files ({} in all)", crate::size::text(raw.file_bytes)),
    }];
    if status.header.password.is_some() {
        parts.push("needs a password".into());
    }
    parts.push(format!("expires {} ({})", time::utc(raw.expires_at), time::from_now(raw.expires_at)));
    let mut line = parts.join(", ") + ".";
    if let Some((address, _)) = &status.signer {
        line += &format!(" The server says {address} made it; the signature is checked when it is opened.");
    }
    line
}

/// The question before a view is used.
fn opening_question(status: &Status) -> String {
    match status.raw.views_left {
        1 => "It has 1 view left: opening it now destroys it. Open it?".to_owned(),
        left => format!("It has {left} views left; opening it uses one. Open it?"),
    }
}

/// Who signed it, as the reader should take it.
fn signed_line(signed: &Signed) -> String {
    match signed {
        Signed::No => "Not signed: anyone could have made this share.".to_owned(),
        Signed::By { address, fingerprint } => format!(
            "Signed with key {fingerprint}, of the account the server names as {address}. Compare the key with the sender's to be sure."
        ),
        Signed::Unknown { fingerprint } => {
            format!("Signed by key {fingerprint}, whose account the server no longer names.")
        }
    }
}
