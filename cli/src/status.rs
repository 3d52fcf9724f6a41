//! `coffer status <link>`: what a share holds and how long it lasts, read with the status token
//! (from a share link) or the management token (from a management link). Never uses a view.

use serde::Serialize;

use crate::args::LinkArgs;
use crate::exit::Outcome;
use crate::get::{self, claim};
use crate::http::Client;
use crate::link::{self, LinkKind};
use crate::time;
use crate::ui::Ui;

/// What `--json` prints.
#[derive(Serialize)]
struct Report<'a> {
    id: &'a str,
    expires_at: u64,
    views_left: u32,
    max_views: u32,
    wrong_claims_left: u32,
    file_count: u32,
    file_bytes: u64,
    password: bool,
    /// The address the server names as the creator (checked only when opened).
    signer: Option<&'a str>,
}

/// Runs `coffer status`.
pub async fn run(args: LinkArgs, ui: Ui) -> Outcome {
    let text = crate::prompt::link(args.link.as_deref())?;
    let (link, token) = match link::parse(LinkKind::Share, &text) {
        Ok(link) => {
            let token = coffer_shared::crypto::share::status_token(&link.key, &link.id);
            (link, token)
        }
        Err(not_a_share_link) => {
            let Ok(link) = link::parse(LinkKind::Manage, &text) else { return Err(not_a_share_link) };
            let token = coffer_shared::crypto::share::manage_token(&link.key);
            (link, token)
        }
    };
    let client = Client::new(&link.origin)?;
    let status = claim::status(&client, &link.id, &token).await?;
    let raw = &status.raw;
    if ui.json {
        ui.json(&Report {
            id: link.id.as_str(),
            expires_at: raw.expires_at,
            views_left: raw.views_left,
            max_views: raw.max_views,
            wrong_claims_left: raw.wrong_claims_left,
            file_count: raw.file_count,
            file_bytes: raw.file_bytes,
            password: status.header.password.is_some(),
            signer: status.signer.as_ref().map(|(address, _)| address.as_str()),
        });
        return Ok(());
    }
    ui.line(&get::describe(&status));
    ui.line(&format!(
        "{} of {} views left; {} wrong passwords allowed before it is destroyed. Expires {}.",
        raw.views_left,
        raw.max_views,
        raw.wrong_claims_left,
        time::utc(raw.expires_at)
    ));
    Ok(())
}
