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

impl FromStr for DatabaseUrl {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let url = url::Url::parse(text).map_err(|error| format!("not a URL: {error}"))?;
        if !matches!(url.scheme(), "postgres" | "postgresql") {
            return Err("expected postgres://user:password@host:port/database".into());
        }
        tokio_postgres::Config::from_str(text).map_err(|error| error.to_string())?;
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
    fn other_schemes_are_refused() {
        for bad in ["mysql://a@b/c", "redb:///data", "db.example:5432"] {
            assert!(bad.parse::<DatabaseUrl>().is_err(), "{bad}");
        }
    }
}
