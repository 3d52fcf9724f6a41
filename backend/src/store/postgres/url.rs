//! [`DatabaseUrl`]: `--database-url`, whose password never reaches a log.

use std::fmt;
use std::str::FromStr;

/// A `postgres://` (or `postgresql://`) connection URL. Printed with its password replaced.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    /// The URL as given, password included: for the driver only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl DatabaseUrl {
    /// Checks that the URL is one the driver takes; the error never quotes it (a password in it
    /// must not reach a log).
    pub fn check(&self) -> Result<(), String> {
        let url =
            url::Url::parse(&self.0).map_err(|error| format!("--database-url is not a URL: {error}"))?;
        if !matches!(url.scheme(), "postgres" | "postgresql") {
            return Err("--database-url: expected postgres://user:password@host:port/database".into());
        }
        tokio_postgres::Config::from_str(&self.0).map_err(|error| format!("--database-url: {error}"))?;
        Ok(())
    }
}

/// Takes any text, so that a command-line parser refusing it never prints it back (clap quotes
/// a refused value, password and all): [`DatabaseUrl::check`] judges it where it is used.
impl FromStr for DatabaseUrl {
    type Err = std::convert::Infallible;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Ok(Self(text.to_owned()))
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match url::Url::parse(&self.0) {
            Ok(mut url) => {
                if url.password().is_some() {
                    let _ = url.set_password(Some("redacted"));
                }
                // Query parameters may carry a password too.
                if url.query().is_some() {
                    url.set_query(Some("..."));
                }
                write!(f, "{url}")
            }
            Err(_) => f.write_str("[unparseable]"),
        }
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DatabaseUrl({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_is_never_printed() {
        let url: DatabaseUrl =
            "postgres://coffer:hunter2@db.example:5432/coffer?password=hunter3".parse().unwrap();
        for shown in [url.to_string(), format!("{url:?}")] {
            assert!(!shown.contains("hunter"), "{shown}");
            assert!(shown.contains("db.example:5432/coffer"), "{shown}");
        }
        assert!(url.expose().contains("hunter2"));
    }

    #[test]
    fn other_schemes_are_refused_without_being_quoted() {
        for bad in ["mysql://a:hunter2@b/c", "redb:///hunter2", "hunter2@db.example:5432"] {
            let error = bad.parse::<DatabaseUrl>().unwrap().check().unwrap_err();
            assert!(!error.contains("hunter2"), "{error}");
        }
        assert!("postgres://a:b@c/d".parse::<DatabaseUrl>().unwrap().check().is_ok());
    }
}
