//! Which server to talk to: `--server`, else `COFFER_SERVER`, else `server = "…"` in the config
//! file (`coffer/config.toml` in the platform's config directory, or the file `COFFER_CONFIG`
//! names). Commands given a link talk to the link's server instead.

use std::path::PathBuf;

use serde::Deserialize;
use url::Url;

use crate::exit::{Failure, Kind, Outcome};

/// The config file's contents.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    /// The server's address, e.g. `https://coffer.example`.
    server: Option<String>,
}

/// Where the config file is looked for.
pub fn config_path() -> Option<PathBuf> {
    match std::env::var_os("COFFER_CONFIG") {
        Some(path) => Some(PathBuf::from(path)),
        None => dirs::config_dir().map(|dir| dir.join("coffer").join("config.toml")),
    }
}

/// The server: `flag` (from `--server` or `COFFER_SERVER`), else the config file's.
pub fn server(flag: Option<&str>) -> Outcome<Url> {
    if let Some(flag) = flag {
        return parse_server(flag);
    }
    let path = config_path();
    let from_file = match &path {
        Some(path) if path.exists() => {
            let text = std::fs::read_to_string(path).map_err(|error| Failure::file(path, error))?;
            let file: ConfigFile = toml::from_str(&text).map_err(|error| {
                Failure::new(Kind::Usage, format!("{}: {}", path.display(), error.message()))
            })?;
            file.server
        }
        _ => None,
    };
    match from_file {
        Some(server) => parse_server(&server),
        None => Err(Failure::usage(format!(
            "Which server? Pass --server https://…, set COFFER_SERVER, or write server = \"https://…\" in {}.",
            path.map_or_else(|| "the config file".to_owned(), |path| path.display().to_string())
        ))),
    }
}

/// An `http(s)://host[:port]` address.
fn parse_server(text: &str) -> Outcome<Url> {
    let url = Url::parse(text.trim())
        .map_err(|_| Failure::usage(format!("{text:?} is not a server address (https://…).")))?;
    if !matches!(url.scheme(), "https" | "http") || url.host().is_none() {
        return Err(Failure::usage(format!("{text:?} is not a server address (https://…).")));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_server_needs_http_or_https_and_a_host() {
        assert_eq!(parse_server("https://c.example:8443").unwrap().as_str(), "https://c.example:8443/");
        assert!(parse_server("ftp://c.example").is_err());
        assert!(parse_server("c.example").is_err());
    }
}
