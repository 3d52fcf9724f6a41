//! Share and management links (docs/envelope.md, "Keys for a share"): `<origin>/s/<id>#<b64u(K)>`
//! reveals a share, `<origin>/m/<id>#<b64u(m)>` destroys it. The key is only ever in the
//! fragment, which this client never sends: requests go to the link's origin with its id and
//! tokens derived from the key.

use coffer_shared::crypto::Key32;
use coffer_shared::id::ShareId;
use url::Url;

use crate::exit::{Failure, Outcome};

/// Which kind of link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkKind {
    /// `/s/`: reveals the share.
    Share,
    /// `/m/`: destroys the share early.
    Manage,
}

impl LinkKind {
    fn segment(self) -> &'static str {
        match self {
            LinkKind::Share => "s",
            LinkKind::Manage => "m",
        }
    }
}

/// A parsed link: where the share lives, its id and the key in the fragment.
#[derive(Debug)]
pub struct Link {
    /// The server's origin.
    pub origin: Url,
    /// The share's id.
    pub id: ShareId,
    /// `K` for a share link, the management secret `m` for a management link.
    pub key: Key32,
}

/// `{origin}/{s|m}/{id}#{b64u(key)}`.
pub fn format(kind: LinkKind, origin: &str, id: &ShareId, key: &Key32) -> String {
    format!("{}/{}/{id}#{}", origin.trim_end_matches('/'), kind.segment(), key.to_b64())
}

/// Reads a link of `kind`; says what is wrong with it otherwise, without repeating its key.
pub fn parse(kind: LinkKind, text: &str) -> Outcome<Link> {
    let (url, id) = read(kind, text)?;
    let key = url.fragment().and_then(|fragment| Key32::from_b64(fragment).ok()).ok_or_else(|| {
        Failure::usage("The link's key (after #) is missing or damaged. Copy the whole link.")
    })?;
    Ok(Link { origin: origin(&url), id, key })
}

/// The server's origin and the share's id of a link of `kind`; the key after `#` is neither
/// needed nor read.
pub fn locate(kind: LinkKind, text: &str) -> Outcome<(Url, ShareId)> {
    let (url, id) = read(kind, text)?;
    Ok((origin(&url), id))
}

/// The link's URL and share id, once it is known to be a link of `kind`.
fn read(kind: LinkKind, text: &str) -> Outcome<(Url, ShareId)> {
    let what = match kind {
        LinkKind::Share => "a share link (https://…/s/<id>#<key>)",
        LinkKind::Manage => "a management link (https://…/m/<id>#<key>)",
    };
    let wrong = || Failure::usage(format!("That is not {what}."));
    let url = Url::parse(text.trim()).map_err(|_| wrong())?;
    if !matches!(url.scheme(), "https" | "http") || url.host().is_none() {
        return Err(wrong());
    }
    let segments: Vec<&str> =
        url.path_segments().map(|s| s.filter(|s| !s.is_empty()).collect()).unwrap_or_default();
    let [segment, id] = segments.as_slice() else { return Err(wrong()) };
    if *segment != kind.segment() {
        return Err(match (kind, *segment) {
            (LinkKind::Manage, "s") => {
                Failure::usage("That is a share link; destroying needs the management link (/m/…).")
            }
            (LinkKind::Share, "m") => {
                Failure::usage("That is a management link; reading needs the share link (/s/…).")
            }
            _ => wrong(),
        });
    }
    let id: ShareId = id.parse().map_err(|_| wrong())?;
    Ok((url, id))
}

/// `url` with only its scheme, host and port.
fn origin(url: &Url) -> Url {
    let mut origin = url.clone();
    origin.set_path("/");
    origin.set_query(None);
    origin.set_fragment(None);
    origin
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_formatted_link_parses_back_to_its_origin_id_and_key() {
        let (id, key) = (ShareId::random(), Key32::random());
        let text = format(LinkKind::Share, "https://c.example:8443/", &id, &key);
        assert!(text.starts_with("https://c.example:8443/s/"), "{text}");
        let link = parse(LinkKind::Share, &text).unwrap();
        assert_eq!((link.origin.as_str(), link.id, link.key), ("https://c.example:8443/", id, key));
    }

    #[test]
    fn wrong_kinds_schemes_and_keys_are_refused_without_echoing_the_key() {
        let (id, key) = (ShareId::random(), Key32::random());
        let share = format(LinkKind::Share, "https://c.example", &id, &key);
        let error = parse(LinkKind::Manage, &share).unwrap_err();
        assert!(error.message.contains("management link") && !error.message.contains(&key.to_b64()));
        assert!(parse(LinkKind::Share, &share.replace("https", "ftp")).is_err());
        assert!(parse(LinkKind::Share, share.split('#').next().unwrap()).is_err());
        assert!(parse(LinkKind::Share, &format!("{share}x")).is_err());
        assert!(parse(LinkKind::Share, "https://c.example/s/short#abc").is_err());
    }
}
