//! The SMTP transport: lettre's async client on tokio, with rustls for STARTTLS and implicit TLS.

use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, Tokio1Executor};

use super::smtp_url::{Security, SmtpUrl};

/// The relay client lettre sends through.
pub type SmtpTransport = AsyncSmtpTransport<Tokio1Executor>;

/// Builds the client for `url`. Nothing is connected yet: each message opens its own connection.
pub fn transport(url: &SmtpUrl) -> Result<SmtpTransport, lettre::transport::smtp::Error> {
    let tls = match url.security {
        Security::StartTls => Tls::Required(TlsParameters::new(url.host.clone())?),
        Security::ImplicitTls => Tls::Wrapper(TlsParameters::new(url.host.clone())?),
        Security::Plain => Tls::None,
    };
    let mut builder = SmtpTransport::builder_dangerous(url.host.as_str()).port(url.port).tls(tls);
    if let Some(username) = &url.username {
        builder = builder.credentials(Credentials::new(username.clone(), url.password.expose().to_owned()));
    }
    Ok(builder.build())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn starttls_implicit_tls_and_plain_transports_all_build() {
        for url in
            ["smtp://me:pw@mail.example.test", "smtps://mail.example.test", "smtp+plain://127.0.0.1:2525"]
        {
            transport(&url.parse().unwrap()).unwrap();
        }
    }
}
