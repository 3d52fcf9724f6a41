//! `coffer login`: pre-login, the checks on the server's KDF inputs, Argon2id on this machine,
//! the passphrase's proof, the second factor, then the wrapped keys opened here exactly as the
//! browser opens them (docs/accounts.md, "Sign-in"). What leaves is the address, `auth_proof`
//! and the code; the passphrase and the keys stay here.

use coffer_shared::api::ErrorCode;
use coffer_shared::api::paths;
use coffer_shared::api::{PreloginRequest, SessionInfo, SigninChallenge, SigninRequest};
use coffer_shared::b64;
use coffer_shared::crypto::account::{AccountKeys, AccountSecrets, WrappedKeys};
use coffer_shared::crypto::account_kdf::normalize_email;
use coffer_shared::token::AuthProof;
use url::Url;

use crate::exit::{Failure, Kind, Outcome};
use crate::http::{Client, HttpError, SessionAuth};
use crate::ui::Ui;
use crate::{config, prompt};

use super::args::LoginArgs;
use super::code::{self, CodeSource};
use super::current::ENV;
use super::session::Session;
use super::{ask, kdf, keyring, logout};

/// Runs `coffer login`.
pub async fn run(args: LoginArgs, server: Option<&str>, ui: Ui) -> Outcome {
    let origin = config::server(server)?;
    if origin.scheme() == "http" && !is_loopback(&origin) {
        return Err(Failure::usage(
            "Signing in sends a proof of your passphrase and receives a session: use the server's https address (http only on this machine).",
        ));
    }
    if !args.remember && std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        // The session holds the vault key: on a terminal it would stay in the scrollback.
        return Err(Failure::usage(
            "coffer login prints a session for your shell to keep: run eval \"$(coffer login …)\", or add --remember to keep it in the system keyring.",
        ));
    }
    let client = Client::new(&origin)?;
    if args.remember {
        keyring::probe()?;
    }
    let email = match &args.email {
        Some(email) => email.trim().to_owned(),
        None => ask::line("E-mail address: ", "--email")?,
    };
    if email.is_empty() {
        return Err(Failure::usage("The e-mail address is empty."));
    }
    let passphrase = if args.passphrase_stdin {
        ask::stdin_line("passphrase")?.ok_or_else(|| Failure::usage("--passphrase-stdin read nothing."))?
    } else {
        ask::secret("Passphrase: ", "--passphrase-stdin")?
    };
    let answer = client.post(paths::PRELOGIN, &PreloginRequest { email: email.clone() }).await?;
    let inputs = kdf::checked(&email, &answer)?;
    let spinner = ui.spinner("Deriving keys from the passphrase (Argon2id)…");
    let keys = kdf::derive(passphrase, &email, inputs).await?;
    spinner.finish_and_clear();
    let request = SigninRequest { email: email.clone(), auth_proof: AuthProof::from_key(&keys.auth_proof()) };
    let challenge: SigninChallenge = client.post(paths::SIGNIN, &request).await.map_err(first_factor)?;
    let source = match (&args.code, args.passphrase_stdin && !prompt::stdin_is_terminal()) {
        (Some(_), _) => CodeSource::Flag,
        (None, true) => CodeSource::Stdin,
        (None, false) => CodeSource::Terminal,
    };
    let (cookie, info) = code::verify(&client, &challenge, &email, args.code.clone(), source, ui).await?;
    let session = open(&origin, cookie, &info, &keys)?;
    kdf::remember(&email, &inputs);
    if args.remember
        && let Err(failure) = keyring::keep(&session)
    {
        let _ = logout::end_on_server(&session).await;
        return Err(failure);
    }
    report(&session, args.remember, ui);
    Ok(())
}

/// The first factor refused: a wrong passphrase (or an unknown address) is exit code 4.
fn first_factor(error: HttpError) -> Failure {
    match error.code() {
        ErrorCode::InvalidCredentials => {
            Failure::new(Kind::WrongPassword, "Wrong e-mail address or passphrase.")
        }
        _ => error.into(),
    }
}

/// Opens the session's wrapped keys with `keys` and checks the identity against the public key
/// the server holds. A failure here after the server accepted the proof means the wrapped keys
/// were altered: exit code 6.
fn open(origin: &Url, cookie: String, info: &SessionInfo, keys: &AccountKeys) -> Outcome<Session> {
    let tampered = || {
        Failure::new(
            Kind::Tampered,
            "The server accepted the passphrase, but the keys it keeps for the account do not open \
             with it, or do not match the account's public key. Nothing was kept.",
        )
    };
    let wrapped = WrappedKeys {
        vault_key: b64::decode(&info.wrapped_vault_key).map_err(|_| tampered())?,
        identity_key: b64::decode(&info.wrapped_identity_key).map_err(|_| tampered())?,
    };
    let public_key = b64::decode_array::<32>(&info.public_key).map_err(|_| tampered())?;
    let secrets =
        AccountSecrets::unwrap(&info.account_id, keys, &wrapped, &public_key).map_err(|_| tampered())?;
    Ok(Session {
        server: origin.clone(),
        email: normalize_email(&info.email),
        auth: SessionAuth { cookie, csrf: info.csrf_token.as_str().to_owned() },
        vault_key: secrets.vault_key,
        identity: secrets.identity,
    })
}

/// Whether `origin` is this machine (`localhost`, 127.0.0.0/8, `::1`).
fn is_loopback(origin: &url::Url) -> bool {
    match origin.host() {
        Some(url::Host::Domain(name)) => name == "localhost",
        Some(url::Host::Ipv4(address)) => address.is_loopback(),
        Some(url::Host::Ipv6(address)) => address.is_loopback(),
        None => false,
    }
}

/// The session for the shell on stdout (`export COFFER_SESSION=…` or `{"session": …}`), or
/// where it was kept.
fn report(session: &Session, remembered: bool, ui: Ui) {
    let who = format!("Signed in as {} on {}.", crate::text::one_line(&session.email, 254), session.origin());
    match (remembered, ui.json) {
        (true, true) => ui.json(&serde_json::json!({ "email": session.email, "remembered": true })),
        (true, false) => ui.line(&format!("{who} The session is kept in the system keyring.")),
        (false, true) => ui.json(&serde_json::json!({ "session": &*session.encode() })),
        (false, false) => {
            ui.note(&format!(
                "{who} Run `eval \"$(coffer login …)\"` so that the line below sets {ENV} in your shell; \
                 it holds your vault key, so keep it out of files and history."
            ));
            ui.line(&format!("export {ENV}='{}'", &*session.encode()));
        }
    }
}
