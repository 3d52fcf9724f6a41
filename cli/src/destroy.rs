//! `coffer destroy <management-link>`: deletes the share and its files now. The request carries
//! only the hash of the link's secret (docs/envelope.md, "Keys for a share").

use coffer_shared::api::ErrorCode;
use coffer_shared::api::TokenRequest;
use coffer_shared::api::paths;
use coffer_shared::crypto::share::manage_token;
use coffer_shared::token::Token;

use crate::args::DestroyArgs;
use crate::exit::{Failure, Kind, Outcome};
use crate::http::Client;
use crate::link::{self, LinkKind};
use crate::prompt;
use crate::ui::Ui;

/// Runs `coffer destroy`.
pub async fn run(args: DestroyArgs, ui: Ui) -> Outcome {
    let text = prompt::link(args.link.as_deref())?;
    let link = link::parse(LinkKind::Manage, &text)?;
    let client = Client::new(&link.origin)?;
    if !args.yes && !prompt::confirm("Destroy this share now? Nobody will be able to open it.")? {
        return Err(Failure::new(Kind::Declined, "Nothing was destroyed."));
    }
    let request = TokenRequest { token: Token::from_key(&manage_token(&link.key)) };
    client.post_only(&paths::share_destroy(&link.id), &request).await.map_err(|error| {
        if error.code() == ErrorCode::NotFound {
            Failure::new(
                Kind::NotFound,
                "This share does not exist any more (expired, used up or destroyed).",
            )
        } else {
            error.into()
        }
    })?;
    if ui.json {
        ui.json(&serde_json::json!({ "destroyed": link.id.as_str() }));
    } else {
        ui.line("Destroyed. The share and its files are deleted from the server.");
    }
    Ok(())
}
