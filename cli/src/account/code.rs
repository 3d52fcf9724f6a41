//! The second sign-in step (docs/api.md, "Accounts"): the code the server asks for, from
//! `--code`, the next line of stdin, or the terminal (where `r` mails a new one, as the
//! browser's "Send a new code" does). The answer is the session: its cookie and its info.

use coffer_shared::api::ErrorCode;
use coffer_shared::api::paths;
use coffer_shared::api::{
    SecondFactor, SessionInfo, SigninChallenge, SigninResendRequest, SigninVerifyRequest,
};
use reqwest::Method;
use reqwest::header::SET_COOKIE;
use zeroize::Zeroizing;

use crate::exit::{Failure, Kind, Outcome};
use crate::http::{self, Client, HttpError, SESSION_COOKIE};
use crate::ui::Ui;

use super::ask;

/// Where the code comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeSource {
    /// `--code`: one try.
    Flag,
    /// The next line of stdin: one try.
    Stdin,
    /// The terminal: asked again after a wrong code, `r` for a new e-mail.
    Terminal,
}

/// What the terminal asks for.
fn question(factor: SecondFactor, email: &str) -> String {
    match factor {
        SecondFactor::Email => format!("Code from the e-mail just sent to {email} (r: send a new one): "),
        SecondFactor::Totp => "Authenticator code or recovery code: ".to_owned(),
    }
}

/// Runs the second factor and answers the session's cookie token and info.
pub async fn verify(
    client: &Client,
    challenge: &SigninChallenge,
    email: &str,
    flag: Option<String>,
    source: CodeSource,
    ui: Ui,
) -> Outcome<(String, SessionInfo)> {
    let mut flag = flag.map(Zeroizing::new);
    loop {
        let code = match source {
            CodeSource::Flag => flag.take().ok_or_else(|| wrong(None))?,
            CodeSource::Stdin => ask::stdin_line("code")?.ok_or_else(|| {
                Failure::usage(
                    "The sign-in needs a code: give it on the line after the passphrase, or pass --code.",
                )
            })?,
            CodeSource::Terminal => {
                let answer = Zeroizing::new(ask::line(&question(challenge.second_factor, email), "--code")?);
                if answer.eq_ignore_ascii_case("r") && challenge.second_factor == SecondFactor::Email {
                    resend(client, challenge).await?;
                    ui.note("A new code is on its way.");
                    continue;
                }
                answer
            }
        };
        match submit(client, challenge, &code).await {
            Ok(session) => return Ok(session),
            Err(error) if source == CodeSource::Terminal && error.code() == ErrorCode::WrongCode => {
                ui.warn(&error.to_string());
            }
            Err(error) => return Err(wrong(Some(error))),
        }
    }
}

/// `POST /signin/verify`; the cookie is read from `Set-Cookie`.
async fn submit(
    client: &Client,
    challenge: &SigninChallenge,
    code: &str,
) -> Result<(String, SessionInfo), HttpError> {
    let request = SigninVerifyRequest { signin_token: challenge.signin_token.clone(), code: code.to_owned() };
    let response = http::send(client.request(Method::POST, paths::SIGNIN_VERIFY).json(&request)).await?;
    let cookie = response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find_map(|value| value.strip_prefix(SESSION_COOKIE)?.strip_prefix('='))
        .map(|value| value.split(';').next().unwrap_or_default().to_owned())
        .filter(|value| !value.is_empty())
        .ok_or_else(|| HttpError::BadResponse("the sign-in set no session cookie".into()))?;
    let info = http::json(response).await?;
    Ok((cookie, info))
}

/// `POST /signin/resend`.
async fn resend(client: &Client, challenge: &SigninChallenge) -> Outcome {
    let request = SigninResendRequest { signin_token: challenge.signin_token.clone() };
    http::send(client.request(Method::POST, paths::SIGNIN_RESEND).json(&request))
        .await
        .map(drop)
        .map_err(Failure::from)
}

/// A code the server refused: exit code 4 for a wrong one, 8 for an expired sign-in.
fn wrong(error: Option<HttpError>) -> Failure {
    match error {
        None => Failure::new(Kind::WrongPassword, "That code was not accepted."),
        Some(error) => match error.code() {
            ErrorCode::WrongCode | ErrorCode::InvalidCode | ErrorCode::CodeUsed | ErrorCode::CodeExpired => {
                Failure::new(Kind::WrongPassword, error.to_string())
            }
            ErrorCode::SigninExpired => Failure::new(Kind::SignedOut, error.to_string()),
            _ => error.into(),
        },
    }
}
