//! Glue between [`Attempts`](super::attempts::Attempts) and HTTP: a throttle becomes 429
//! `rate_limited`, a code check becomes 401 `wrong_code` or `code_expired`.

use axum::http::StatusCode;
use coffer_shared::api::ErrorCode;

use super::attempts::{CodeCheck, Throttled};
use crate::http::error::ApiError;
use crate::mail::{Mailbox, Message};
use crate::state::AppState;

impl From<Throttled> for ApiError {
    fn from(throttled: Throttled) -> Self {
        ApiError::RateLimited { retry_after: throttled.retry_after.max(1), limit: "throttle" }
    }
}

/// `Ok` for an accepted code; the matching 401 otherwise.
pub fn code_result(check: CodeCheck) -> Result<(), ApiError> {
    match check {
        CodeCheck::Accepted => Ok(()),
        CodeCheck::Wrong { tries_left: 0 } => Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            ErrorCode::WrongCode,
            "That code is not right, and it was the last try. Ask for a new code in 15 minutes.",
        )),
        CodeCheck::Wrong { tries_left: 1 } => Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            ErrorCode::WrongCode,
            "That code is not right. Check it and type it again: 1 try left.",
        )),
        CodeCheck::Wrong { tries_left } => Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            ErrorCode::WrongCode,
            format!("That code is not right. Check it and type it again: {tries_left} tries left."),
        )),
        CodeCheck::Used => Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            ErrorCode::CodeUsed,
            "This code was just used; wait for the next one.",
        )),
        CodeCheck::Expired => Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            ErrorCode::CodeExpired,
            "This code has expired or was already used. Ask for a new one.",
        )),
    }
}

/// A normalized address as a mail recipient.
pub fn mailbox(email: &str) -> Result<Mailbox, ApiError> {
    email.parse().map_err(|_| {
        ApiError::invalid(ErrorCode::InvalidEmail, "email: not an address mail can be sent to")
            .with_field("email")
    })
}

/// Sends `message`; a failure is 503 `mail_failed` (the detail goes to the log).
pub async fn send(state: &AppState, message: Message) -> Result<(), ApiError> {
    state.mailer.send(message).await.map_err(|error| {
        tracing::error!(event = "mail_failed", %error);
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::MailFailed,
            "The server could not send e-mail. Try again later.",
        )
    })
}
