//! `coffer shares`: "My shares" (`GET /api/v1/my/shares`), each label and link opened with the
//! vault key (docs/accounts.md, "Share notes") and shown as a compact table; `--destroy` ends
//! one of them.

mod destroy;

use clap::Args;
use coffer_shared::api::paths;
use coffer_shared::api::{MyShare, MyShareList, ShareState};
use coffer_shared::b64;
use coffer_shared::crypto::Key32;
use coffer_shared::crypto::envelope::Envelope;
use coffer_shared::crypto::share_note::{ShareNote, open_note};
use coffer_shared::id::ShareId;
use serde::Serialize;
use zeroize::Zeroize;

use crate::account::{Session, current};
use crate::exit::Outcome;
use crate::ui::Ui;
use crate::{text, time};

/// `coffer shares`.
#[derive(Debug, Args)]
pub struct SharesArgs {
    /// Print the links of the shares that can still be opened (they hold the shares' keys).
    #[arg(long)]
    pub links: bool,
    /// Destroy one of your live shares now, by its id (the ID column) or its link (the part
    /// after # is not needed: leave it out, since other local users can read arguments); no
    /// management link is needed.
    #[arg(long, value_name = "ID|LINK", allow_hyphen_values = true)]
    pub destroy: Option<String>,
    /// With --destroy: do not ask first.
    #[arg(long, short, requires = "destroy")]
    pub yes: bool,
}

/// `coffer shares --help` examples.
pub const HELP: &str = "\
Examples:
  coffer shares
  coffer shares --links            # the links of live shares too
  coffer shares --destroy Xq3…     # destroys a live share by the id listed
  coffer shares --json | jq '.shares[] | select(.state == \"active\") | .label'

Exit codes: 0 listed or destroyed, 3 no live share of yours has that id, 8 not signed in or the
session ended, 10 declined; see `coffer --help` for the rest.";

/// One share as listed. The link is wiped on drop and left out of `Debug`.
#[derive(Serialize)]
struct Listed {
    id: ShareId,
    label: String,
    state: ShareState,
    views_used: u32,
    max_views: u32,
    created_at: u64,
    expires_at: u64,
    files: Option<u32>,
    password: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    link: Option<String>,
}

impl Drop for Listed {
    fn drop(&mut self) {
        if let Some(link) = &mut self.link {
            link.zeroize();
        }
    }
}

/// Opens the b64u note of share `id`; `None` when missing, damaged or sealed under another key.
fn open(vault_key: &Key32, id: &ShareId, note: Option<&str>) -> Option<ShareNote> {
    let envelope = Envelope::parse(&b64::decode(note?).ok()?).ok()?;
    open_note(vault_key, id, &envelope).ok()
}

/// The summary with its notes opened; the link only when asked for, of a live share, and only
/// if it is this server's link for this share.
fn listed(session: &Session, share: MyShare, links: bool) -> Listed {
    let about = open(&session.vault_key, &share.id, share.note.as_deref());
    let link = (links && share.state == ShareState::Active)
        .then(|| open(&session.vault_key, &share.id, share.link.as_deref()))
        .flatten()
        .and_then(|note| note.link_for(&session.origin(), &share.id).map(str::to_owned));
    Listed {
        label: about.as_ref().map(|note| note.label.clone()).unwrap_or_default(),
        files: about.as_ref().and_then(|note| note.files).or(share.files),
        password: about.as_ref().and_then(|note| note.password).or(share.password),
        link,
        id: share.id.clone(),
        state: share.state,
        views_used: share.views_used,
        max_views: share.max_views,
        created_at: share.created_at,
        expires_at: share.expires_at,
    }
}

fn state_word(state: ShareState) -> &'static str {
    match state {
        ShareState::Active => "active",
        ShareState::Expired => "expired",
        ShareState::UsedUp => "used up",
        ShareState::Destroyed => "destroyed",
    }
}

/// Runs `coffer shares`.
pub async fn run(args: SharesArgs, server: Option<&str>, ui: Ui) -> Outcome {
    let session = current::require(server)?;
    if let Some(target) = &args.destroy {
        return destroy::run(&session, target, args.yes, ui).await;
    }
    let list: MyShareList = session.client()?.get(paths::MY_SHARES).await.map_err(current::failure)?;
    let shares: Vec<Listed> =
        list.shares.into_iter().map(|share| listed(&session, share, args.links)).collect();
    if ui.json {
        ui.json(&serde_json::json!({ "shares": shares }));
        return Ok(());
    }
    if shares.is_empty() {
        ui.line("No shares yet. Shares you send while signed in are listed here.");
        return Ok(());
    }
    let width = shares.iter().map(|share| share.label.chars().count()).max().unwrap_or(0).clamp(5, 40);
    ui.line(&ui.bold(&format!(
        "{:<22}  {:<width$}  {:<9}  {:>5}  {:<20}  {:>5}  {}",
        "ID", "LABEL", "STATE", "VIEWS", "EXPIRES", "FILES", "PASSWORD"
    )));
    for share in &shares {
        let label: String =
            if share.label.is_empty() { "-".into() } else { text::one_line(&share.label, 40) };
        let files = share.files.map_or_else(|| "?".to_owned(), |files| files.to_string());
        let password = match share.password {
            Some(true) => "yes",
            Some(false) => "no",
            None => "?",
        };
        ui.line(&format!(
            "{:<22}  {label:<width$}  {:<9}  {:>5}  {:<20}  {files:>5}  {password}",
            share.id.as_str(),
            state_word(share.state),
            format!("{}/{}", share.views_used, share.max_views),
            time::utc(share.expires_at),
        ));
        if let Some(link) = &share.link {
            ui.line(&format!("  {link}"));
        }
    }
    Ok(())
}
