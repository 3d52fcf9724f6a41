//! Outgoing mail: a [`Mailer`] that sends plain-text [`Message`]s through an SMTP relay when
//! `--smtp-url` is set, and otherwise writes them as `.eml` files to `<data_dir>/outbox/`, so a
//! fresh install works with no set-up.
//!
//! Mail never carries a secret other than a one-time code, and a message's body is never logged.
//!
//! - [`smtp_url`]: the `--smtp-url` setting and its scheme set.
//! - [`smtp`]: the SMTP transport (lettre, rustls).
//! - [`outbox`]: the `.eml` folder transport.
//! - [`templates`], [`reports`] and [`account_alerts`]: the texts.

pub mod account_alerts;
pub mod outbox;
pub mod reports;
pub mod smtp;
pub mod smtp_url;
pub mod templates;

pub use lettre::message::Mailbox;

use lettre::AsyncTransport;
use lettre::message::header::ContentType;

use crate::settings::Settings;
use outbox::Outbox;
use smtp::SmtpTransport;
use smtp_url::SmtpUrl;

/// One plain-text message to one recipient.
#[derive(Debug, Clone)]
pub struct Message {
    /// The recipient.
    pub to: Mailbox,
    /// The subject line.
    pub subject: String,
    /// The body, as plain text.
    pub text_body: String,
}

/// Why a message could not be sent. Callers log it; none of the variants holds the body.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// The message could not be assembled (for example a header that cannot be encoded).
    #[error("could not build the message: {0}")]
    Build(#[from] lettre::error::Error),
    /// The SMTP relay could not be reached, refused the message, or TLS failed. Shown by its
    /// kind and reply code only: a relay's reply text often quotes the recipient's address.
    #[error("SMTP: {}", smtp_summary(.0))]
    Smtp(#[from] lettre::transport::smtp::Error),
    /// The outbox file could not be written.
    #[error("outbox: {0}")]
    Outbox(#[from] std::io::Error),
}

/// What went wrong with the relay, without its words.
fn smtp_summary(error: &lettre::transport::smtp::Error) -> String {
    let kind = if error.is_permanent() {
        "refused (permanent)"
    } else if error.is_transient() {
        "refused (transient)"
    } else if error.is_timeout() {
        "timed out"
    } else if error.is_tls() {
        "TLS failed"
    } else {
        "connection or protocol failure"
    };
    match error.status() {
        Some(code) => format!("{kind}, reply code {code}"),
        None => kind.to_owned(),
    }
}

/// Where messages go.
#[derive(Debug)]
enum Transport {
    Smtp { client: Box<SmtpTransport>, relay: SmtpUrl },
    Outbox(Outbox),
}

/// Sends [`Message`]s from the configured sender.
#[derive(Debug)]
pub struct Mailer {
    from: Mailbox,
    transport: Transport,
}

impl Mailer {
    /// The mailer the settings ask for: SMTP when `--smtp-url` is set, otherwise the outbox.
    pub fn from_settings(settings: &Settings) -> Result<Self, MailError> {
        let transport = match &settings.smtp_url {
            Some(url) => Transport::Smtp { client: Box::new(smtp::transport(url)?), relay: url.clone() },
            None => Transport::Outbox(Outbox::new(settings.data_dir.join("outbox"))),
        };
        Ok(Self { from: settings.mail_from.clone(), transport })
    }

    /// A short description for the start-up log: the relay (password redacted) or the folder.
    pub fn describe(&self) -> String {
        match &self.transport {
            Transport::Smtp { relay, .. } => format!("{relay:?}"),
            Transport::Outbox(outbox) => format!("outbox {}", outbox.dir().display()),
        }
    }

    /// Sends `message`, or writes it to the outbox; returns once the relay has accepted it or
    /// the file is complete.
    #[tracing::instrument(name = "mail_send", skip_all)]
    pub async fn send(&self, message: Message) -> Result<(), MailError> {
        let _in_flight = InFlight::start();
        let sent = self.deliver(message).await;
        crate::metrics::global().mail(sent.is_ok());
        sent
    }

    async fn deliver(&self, message: Message) -> Result<(), MailError> {
        let email = lettre::Message::builder()
            .from(self.from.clone())
            .to(message.to)
            .subject(message.subject)
            .header(ContentType::TEXT_PLAIN)
            .body(message.text_body)?;
        match &self.transport {
            Transport::Smtp { client, .. } => {
                client.send(email).await?;
                tracing::info!(event = "mail_sent");
            }
            Transport::Outbox(outbox) => {
                let path = outbox.write(email.formatted()).await?;
                tracing::info!(event = "mail_written", path = %path.display());
            }
        }
        Ok(())
    }
}

/// Counts a mail in `coffer_mail_in_flight` while it lives, however its sending ends.
struct InFlight;

impl InFlight {
    fn start() -> Self {
        crate::metrics::global().mail_in_flight.inc();
        Self
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        crate::metrics::global().mail_in_flight.dec();
    }
}
