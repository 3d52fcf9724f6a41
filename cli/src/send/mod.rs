//! `coffer send`: seals a text and files on this machine and stores the ciphertext on the
//! server (docs/envelope.md; docs/api.md, "Shares" and "Files"). What leaves is only what the
//! browser would send: the id, the envelope, the tokens and the chunks' ciphertext. The key
//! goes into the link's fragment, which only the user sees.

pub mod draft;
pub mod expiry;
mod files;
mod mime;
mod text;
pub mod upload;

use coffer_shared::api::paths;
use std::io::Read;

use coffer_shared::api::{CreateShareRequest, ServerConfig, ShareFileRef};
use coffer_shared::b64;
use coffer_shared::crypto::envelope::PasswordParams;
use coffer_shared::crypto::kdf::{KdfParams, password_key};
use coffer_shared::crypto::share::{SealedShare, manage_token};
use coffer_shared::crypto::{Key32, random_array};
use coffer_shared::id::ShareId;
use coffer_shared::token::Token;
use serde::Serialize;
use zeroize::Zeroizing;

use crate::args::SendArgs;
use crate::exit::{Failure, Kind, Outcome};
use crate::http::Client;
use crate::link::{self, LinkKind};
use crate::signer::Signer;
use crate::ui::Ui;
use crate::{prompt, qr, time};

/// What the user asked to share, checked against the server's limits.
pub struct Order {
    /// The secret text (may be empty when there are files); wiped on drop.
    pub text: Zeroizing<String>,
    /// The password's Argon2id parameters and the key derived from it.
    pub password: Option<(PasswordParams, Key32)>,
    /// Lifetime in seconds.
    pub expires_in: u64,
    /// View limit.
    pub max_views: u32,
    /// The label for "My shares" (signed in only).
    pub label: String,
}

impl Order {
    /// The create request for share `id`: its sealed envelope and tokens, this order's limits,
    /// its `files`, and with a `signer` the two notes for "My shares" (the label, file count and
    /// password flag; the reader's `link`).
    pub fn request(
        &self,
        id: &ShareId,
        sealed: &SealedShare,
        manage_secret: &Key32,
        files: Vec<ShareFileRef>,
        signer: Option<&Signer>,
        link: &str,
    ) -> CreateShareRequest {
        let count = u32::try_from(files.len()).unwrap_or(u32::MAX);
        let notes =
            signer.map(|signer| signer.seal_notes(id, &self.label, count, self.password.is_some(), link));
        CreateShareRequest {
            id: id.clone(),
            envelope: b64::encode(&sealed.envelope),
            access_token: Token::from_key(&sealed.access_token),
            status_token: Token::from_key(&sealed.status_token),
            manage_token: Token::from_key(&manage_token(manage_secret)),
            expires_in: self.expires_in,
            max_views: self.max_views,
            read_receipt: false,
            files,
            note: notes.as_ref().map(|notes| notes.note.clone()),
            link: notes.map(|notes| notes.link),
        }
    }
}

/// A created share, as `coffer send` reports it. The links hold keys: only the user sees them.
#[derive(Serialize)]
pub struct Created {
    /// The share's id.
    pub id: ShareId,
    /// `<origin>/s/<id>#<K>`: opens the share.
    pub link: String,
    /// `<origin>/m/<id>#<m>`: destroys it early.
    pub manage_link: String,
    /// Unix seconds.
    pub expires_at: u64,
    /// The view limit the server recorded.
    pub max_views: u32,
    /// Whether the reader needs a password too.
    pub password: bool,
    /// How many files it holds.
    pub files: usize,
    /// Whether it is signed by the signed-in account.
    pub signed: bool,
}

impl std::fmt::Debug for Created {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Created").field("id", &self.id).finish_non_exhaustive()
    }
}

impl Drop for Created {
    fn drop(&mut self) {
        use zeroize::Zeroize;
        self.link.zeroize();
        self.manage_link.zeroize();
    }
}

impl Created {
    /// The links for a share of `id` on `client`'s server.
    pub fn links(
        client: &Client,
        id: &ShareId,
        share_key: &Key32,
        manage_secret: &Key32,
    ) -> (String, String) {
        let origin = client.origin();
        (
            link::format(LinkKind::Share, &origin, id, share_key),
            link::format(LinkKind::Manage, &origin, id, manage_secret),
        )
    }
}

/// Runs `coffer send`.
pub async fn run(args: SendArgs, client: Client, signer: Option<Signer>, ui: Ui) -> Outcome {
    if args.resume {
        if args.files.is_empty() {
            return Err(Failure::usage("--resume continues an upload of files: name the same files again."));
        }
        let created = files::resume(&client, &args.files, signer.as_ref(), ui).await?;
        report(&created, args.qr, ui);
        return Ok(());
    }
    let config: ServerConfig = client.get(paths::CONFIG).await?;
    if !args.files.is_empty() && config.max_file_size == 0 {
        return Err(Failure::new(Kind::Refused, "This server takes no files."));
    }
    let max_views = checked_views(args.views, config.max_views)?;
    let expires_in = expiry::choose(&args.expires, &config.expiry_options)?;
    let password_text = if args.password_stdin {
        Some(prompt::password_from_stdin()?)
    } else if args.password {
        Some(prompt::password("Password for the reader: ", true)?)
    } else {
        None
    };
    let text = match (&args.text, args.files.is_empty()) {
        (Some(text), _) => Zeroizing::new(text.clone()),
        (None, true) => read_stdin(ui)?,
        (None, false) => Zeroizing::new(String::new()),
    };
    if text.is_empty() && args.files.is_empty() {
        return Err(Failure::usage("Nothing to send: give a text on stdin or with --text, or files."));
    }
    let password = match password_text {
        Some(password) => {
            let spinner = ui.spinner("Strengthening the password (Argon2id)…");
            let params = PasswordParams { kdf: KdfParams::DEFAULT, salt: random_array() };
            let key = tokio::task::spawn_blocking(move || password_key(&password, &params.salt, params.kdf))
                .await
                .map_err(|_| Failure::new(Kind::Other, "The password could not be strengthened."))?;
            spinner.finish_and_clear();
            Some((params, key))
        }
        None => None,
    };
    let order =
        Order { text, password, expires_in, max_views, label: args.label.clone().unwrap_or_default() };
    let created = if args.files.is_empty() {
        text::create(&client, &order, signer.as_ref(), config.max_envelope_bytes).await?
    } else {
        files::create(&client, &order, &args.files, signer.as_ref(), config.max_file_size, ui).await?
    };
    report(&created, args.qr, ui);
    Ok(())
}

/// The view limit, if the server allows it.
fn checked_views(views: u32, max: u32) -> Outcome<u32> {
    if (1..=max).contains(&views) {
        Ok(views)
    } else {
        Err(Failure::usage(format!("--views: this server allows 1 to {max}.")))
    }
}

/// The secret from stdin, whole (a secret text is small; the server's envelope limit applies).
fn read_stdin(ui: Ui) -> Outcome<Zeroizing<String>> {
    if prompt::stdin_is_terminal() {
        ui.note("Type or paste the secret, then press Ctrl-D on a new line:");
    }
    let mut text = Zeroizing::new(String::new());
    std::io::stdin()
        .read_to_string(&mut text)
        .map_err(|error| Failure::new(Kind::LocalFile, format!("stdin is not UTF-8 text: {error}")))?;
    Ok(text)
}

/// Prints the links (and the QR code) on stdout, or the JSON object.
fn report(created: &Created, qr: bool, ui: Ui) {
    if ui.json {
        ui.json(created);
        return;
    }
    ui.line(&format!("{} {}", ui.bold("Link:"), ui.good(&created.link)));
    ui.line(&format!(
        "{} {}",
        ui.bold("Management link (keep it to destroy the share):"),
        created.manage_link
    ));
    let views =
        if created.max_views == 1 { "1 view".to_owned() } else { format!("{} views", created.max_views) };
    let mut facts = vec![
        format!("expires {} ({})", time::utc(created.expires_at), time::from_now(created.expires_at)),
        views,
    ];
    if created.password {
        facts.push("password needed".into());
    }
    if created.signed {
        facts.push("signed".into());
    }
    ui.line(&facts.join(" · "));
    if qr {
        match qr::draw(&created.link, ui.colour()) {
            Some(drawn) => ui.line(&drawn),
            None => ui.warn("The link is too long for a QR code."),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn views_must_be_within_the_servers_limit() {
        assert_eq!(checked_views(1, 100).unwrap(), 1);
        assert!(checked_views(0, 100).is_err());
        assert!(checked_views(101, 100).unwrap_err().message.contains("1 to 100"));
    }
}
