//! [`SmtpUrl`]: the `--smtp-url` setting, parsed once at start-up into the relay's address, its
//! security mode and optional credentials, with a `Debug` that never shows the password.

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

use percent_encoding::percent_decode_str;

/// How the connection to the relay is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// `smtp://`: plain connection upgraded with STARTTLS, which is required (no downgrade).
    StartTls,
    /// `smtps://`: TLS from the first byte.
    ImplicitTls,
    /// `smtp+plain://`: no TLS at all; accepted only for a loopback relay (tests, local MTA).
    Plain,
}

impl Security {
    fn scheme(self) -> &'static str {
        match self {
            Self::StartTls => "smtp",
            Self::ImplicitTls => "smtps",
            Self::Plain => "smtp+plain",
        }
    }

    fn default_port(self) -> u16 {
        match self {
            Self::StartTls => 587,
            Self::ImplicitTls => 465,
            Self::Plain => 25,
        }
    }
}

/// A secret string whose `Debug` prints `[redacted]`.
#[derive(Clone, PartialEq, Eq)]
pub struct Redacted(String);

impl Redacted {
    /// The secret itself, for the one place that must hand it on.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// A parsed `--smtp-url`: `scheme://[user[:password]@]host[:port]`.
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpUrl {
    /// How the connection is secured.
    pub security: Security,
    /// The relay's host name or IP address (also the name its TLS certificate must carry).
    pub host: String,
    /// The relay's port (the scheme's usual port when the URL names none).
    pub port: u16,
    /// User name for SMTP AUTH, percent-decoded; `None` means no authentication.
    pub username: Option<String>,
    /// Password for SMTP AUTH, percent-decoded.
    pub password: Redacted,
}

impl fmt::Debug for SmtpUrl {
    /// The URL as it was meant, with the password (if any) replaced by `[redacted]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}://", self.security.scheme())?;
        if let Some(username) = &self.username {
            write!(f, "{username}:[redacted]@")?;
        }
        write!(f, "{}:{}", self.host, self.port)
    }
}

impl FromStr for SmtpUrl {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        // Never echo `text` in an error: it may hold the password.
        let url = url::Url::parse(text).map_err(|error| format!("not a URL ({error})"))?;
        let security = match url.scheme() {
            "smtp" => Security::StartTls,
            "smtps" => Security::ImplicitTls,
            "smtp+plain" => Security::Plain,
            other => return Err(format!("scheme {other:?} is not one of smtp, smtps, smtp+plain")),
        };
        let host = match url.host() {
            Some(url::Host::Ipv6(ip)) => ip.to_string(),
            Some(host) if !host.to_string().is_empty() => host.to_string(),
            _ => return Err("the URL names no host".into()),
        };
        if security == Security::Plain && !is_loopback(&host) {
            return Err("smtp+plain (no TLS) is allowed only for a loopback host".into());
        }
        if (url.path() != "" && url.path() != "/") || url.query().is_some() || url.fragment().is_some() {
            return Err("the URL must have no path, query or fragment".into());
        }
        let decode = |part: &str| {
            percent_decode_str(part)
                .decode_utf8()
                .map(|decoded| decoded.into_owned())
                .map_err(|_| "user name or password is not UTF-8".to_string())
        };
        let username = match url.username() {
            "" => None,
            name => Some(decode(name)?),
        };
        let password = Redacted(decode(url.password().unwrap_or(""))?);
        if username.is_none() && !password.0.is_empty() {
            return Err("a password needs a user name".into());
        }
        let port = url.port().unwrap_or(security.default_port());
        Ok(Self { security, host, port, username, password })
    }
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost") || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn smtp_means_starttls_on_587_with_decoded_credentials() {
        let url: SmtpUrl = "smtp://me%40example.com:p%3Ass@mail.example.com".parse().unwrap();
        assert_eq!(url.security, Security::StartTls);
        assert_eq!((url.host.as_str(), url.port), ("mail.example.com", 587));
        assert_eq!(url.username.as_deref(), Some("me@example.com"));
        assert_eq!(url.password.expose(), "p:ss");
    }

    #[test]
    fn smtps_means_implicit_tls_on_465_without_auth() {
        let url: SmtpUrl = "smtps://mail.example.com".parse().unwrap();
        assert_eq!((url.security, url.port, url.username), (Security::ImplicitTls, 465, None));
    }

    #[test]
    fn plain_is_refused_unless_the_host_is_loopback() {
        assert!("smtp+plain://mail.example.com:25".parse::<SmtpUrl>().is_err());
        assert!("smtp+plain://10.0.0.1:25".parse::<SmtpUrl>().is_err());
        let url: SmtpUrl = "smtp+plain://127.0.0.1:2525".parse().unwrap();
        assert_eq!((url.security, url.port), (Security::Plain, 2525));
        assert_eq!("smtp+plain://[::1]:2525".parse::<SmtpUrl>().unwrap().host, "::1");
        assert!("smtp+plain://localhost".parse::<SmtpUrl>().is_ok());
    }

    #[test]
    fn other_schemes_paths_and_queries_are_refused() {
        for bad in ["http://mail.example.com", "smtp://mail.example.com/x", "smtp://h?tls=none", "smtp://"] {
            assert!(bad.parse::<SmtpUrl>().is_err(), "{bad}");
        }
    }

    #[test]
    fn debug_and_errors_never_show_the_password() {
        let url: SmtpUrl = "smtp://user:hunter2@mail.example.com:2587".parse().unwrap();
        assert_eq!(format!("{url:?}"), "smtp://user:[redacted]@mail.example.com:2587");
        let error = "ftp://user:hunter2@mail.example.com".parse::<SmtpUrl>().unwrap_err();
        assert!(!error.contains("hunter2"), "{error}");
    }
}
