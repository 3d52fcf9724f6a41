//! Share and management links (docs/envelope.md, "Keys for a share"): `/s/<id>#<b64u(K)>` and
//! `/m/<id>#<b64u(m)>` (the management secret; requests carry only its hash, `manage_token`).
//!
//! The key travels only in the fragment, which browsers never send to a server. This module is
//! the only place that reads `location.hash`, and the one that reads the id from the address.

use coffer_shared::crypto::Key32;
use coffer_shared::id::ShareId;

/// The page's origin, e.g. `https://coffer.example`.
pub fn origin() -> String {
    web_sys::window().and_then(|window| window.location().origin().ok()).unwrap_or_default()
}

/// `{origin}/s/{id}#{b64u(K)}`: the link that reveals the secret.
pub fn share_link(id: &ShareId, share_key: &Key32) -> String {
    format!("{}/s/{id}#{}", origin(), share_key.to_b64())
}

/// `{origin}/m/{id}#{b64u(m)}`: the link that destroys the share early.
pub fn manage_link(id: &ShareId, manage_secret: &Key32) -> String {
    format!("{}/m/{id}#{}", origin(), manage_secret.to_b64())
}

/// The 32-byte key in the current page's fragment, if it is there and well-formed.
pub fn key_from_fragment() -> Option<Key32> {
    let hash = web_sys::window()?.location().hash().ok()?;
    Key32::from_b64(hash.strip_prefix('#').unwrap_or(&hash)).ok()
}

/// The id in the current page's path (`/s/:id`, `/m/:id`, with or without a trailing `/`: its
/// last segment), if well-formed. Read from the address itself, not the router's, so that the
/// visitor's app needs no router.
pub fn id_from_path() -> Option<ShareId> {
    let path = web_sys::window()?.location().pathname().ok()?;
    last_segment(&path).parse().ok()
}

/// The last segment of `path`, ignoring one trailing `/`.
fn last_segment(path: &str) -> &str {
    let path = path.strip_suffix('/').unwrap_or(path);
    path.rsplit('/').next().unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use super::last_segment;

    #[test]
    fn the_id_is_the_last_segment_with_or_without_a_trailing_slash() {
        assert_eq!(last_segment("/s/AAAAAAAAAAAAAAAAAAAAAA"), "AAAAAAAAAAAAAAAAAAAAAA");
        assert_eq!(last_segment("/m/AAAAAAAAAAAAAAAAAAAAAA/"), "AAAAAAAAAAAAAAAAAAAAAA");
        assert_eq!(last_segment("/s/"), "s");
        assert_eq!(last_segment("/s/a//"), "");
    }
}
