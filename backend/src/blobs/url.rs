//! [`BlobStoreUrl`]: `--blob-store`, whose credentials never reach a log.

use std::fmt;
use std::str::FromStr;

/// `s3://bucket[/prefix]?endpoint=…&region=…[&access_key_id=…&secret_access_key=…]`: an
/// S3-compatible bucket. Query keys are object_store's S3 settings (`endpoint`, `region`,
/// `access_key_id`, `secret_access_key`, `session_token`, …); what the URL leaves out comes from
/// the usual `AWS_*` environment variables. Printed without its query.
#[derive(Clone, PartialEq, Eq)]
pub struct BlobStoreUrl(String);

/// The parts of a checked [`BlobStoreUrl`].
pub struct S3Location {
    /// The bucket's name.
    pub bucket: String,
    /// The folder inside the bucket that holds the blobs (empty: the bucket's root).
    pub prefix: String,
    /// The settings of the query, in order.
    pub settings: Vec<(String, String)>,
}

impl BlobStoreUrl {
    /// The URL as given, secret key included: for a command line a test builds, never a log.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The bucket, folder and settings of the URL. The error never quotes the URL (a secret
    /// key in it must not reach a log).
    pub fn location(&self) -> Result<S3Location, String> {
        let url = url::Url::parse(&self.0).map_err(|error| format!("--blob-store is not a URL: {error}"))?;
        if url.scheme() != "s3" {
            return Err("--blob-store: expected s3://bucket?endpoint=…&region=…".into());
        }
        let bucket = url.host_str().filter(|bucket| !bucket.is_empty());
        let bucket = bucket.ok_or("--blob-store: the URL names no bucket")?.to_owned();
        if url.username() != "" || url.password().is_some() {
            return Err("--blob-store: give credentials as access_key_id=…&secret_access_key=…".into());
        }
        let prefix = url.path().trim_matches('/').to_owned();
        // Percent-decoding only: `+` stays `+` (AWS secret keys hold them), unlike form decoding.
        let decode = |text: &str| percent_encoding::percent_decode_str(text).decode_utf8_lossy().into_owned();
        let settings = url
            .query()
            .unwrap_or_default()
            .split('&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| {
                let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
                (decode(key), decode(value))
            })
            .collect();
        Ok(S3Location { bucket, prefix, settings })
    }
}

/// Takes any text, so that a command-line parser refusing it never prints it back:
/// [`BlobStoreUrl::location`] judges it where it is used.
impl FromStr for BlobStoreUrl {
    type Err = std::convert::Infallible;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Ok(Self(text.to_owned()))
    }
}

impl fmt::Display for BlobStoreUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match url::Url::parse(&self.0) {
            Ok(mut url) => {
                // Credentials ride in the query; user and password are refused but never shown.
                let _ = url.set_password(None);
                let _ = url.set_username("");
                if url.query().is_some() {
                    url.set_query(Some("..."));
                }
                url.set_fragment(None);
                write!(f, "{url}")
            }
            Err(_) => f.write_str("[unparseable]"),
        }
    }
}

impl fmt::Debug for BlobStoreUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BlobStoreUrl({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_secret_key_is_never_printed() {
        let url: BlobStoreUrl =
            "s3://files/coffer?endpoint=http://127.0.0.1:8333&secret_access_key=hunter2".parse().unwrap();
        for shown in [url.to_string(), format!("{url:?}")] {
            assert!(!shown.contains("hunter2"), "{shown}");
            assert!(shown.contains("s3://files/coffer"), "{shown}");
        }
        let location = url.location().unwrap();
        assert_eq!((location.bucket.as_str(), location.prefix.as_str()), ("files", "coffer"));
        assert_eq!(location.settings[1], ("secret_access_key".into(), "hunter2".into()));
    }

    #[test]
    fn a_plus_in_a_secret_key_stays_a_plus() {
        let url: BlobStoreUrl = "s3://files?secret_access_key=ab+c%2Fd&region=x".parse().unwrap();
        let location = url.location().unwrap();
        assert_eq!(location.settings[0], ("secret_access_key".into(), "ab+c/d".into()));
    }

    #[test]
    fn refusals_do_not_quote_the_url() {
        for text in ["s3://:hunter2@/", "file:///hunter2", "s3://key:hunter2@files", "hunter2"] {
            let error = BlobStoreUrl(text.into()).location().err().expect(text);
            assert!(!error.contains("hunter2"), "{error}");
        }
    }
}
