//! A short, human description of a `User-Agent` ("Chrome on Linux"), the same on the sessions
//! page, the Activity page and in the server's e-mails. A guess from well-known tokens.

/// "Browser on system", a tool's own `name/version`, or "Unknown device".
pub fn describe(user_agent: &str) -> String {
    const BROWSERS: [(&str, &str); 7] = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("HeadlessChrome/", "Headless Chrome"),
        ("Chromium/", "Chromium"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
    ];
    const SYSTEMS: [(&str, &str); 7] = [
        ("Android", "Android"),
        ("iPhone", "iOS"),
        ("iPad", "iPadOS"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    ];
    let find = |table: &[(&str, &'static str)]| {
        table.iter().find(|(token, _)| user_agent.contains(token)).map(|(_, name)| *name)
    };
    match (find(&BROWSERS), find(&SYSTEMS)) {
        (Some(browser), Some(system)) => format!("{browser} on {system}"),
        (Some(name), None) | (None, Some(name)) => name.to_owned(),
        (None, None) if is_product_token(user_agent) => user_agent.to_owned(),
        (None, None) => "Unknown device".to_owned(),
    }
}

/// A lone `name/version` token of a tool ("curl/8.0"): a short name of letters, digits, `-` and
/// `_`, and a version of digits and dots that starts with a digit (so no host name such as
/// `Go/evil.example`). Anything else a client sends is not repeated in a security mail, where
/// it could pose as the server's own words.
fn is_product_token(user_agent: &str) -> bool {
    let Some((name, version)) = user_agent.split_once('/') else { return false };
    let name_ok = (1..=24).contains(&name.len())
        && name.bytes().all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_');
    let version_ok = (1..=16).contains(&version.len())
        && version.starts_with(|c: char| c.is_ascii_digit())
        && version.bytes().all(|byte| byte.is_ascii_digit() || byte == b'.');
    name_ok && version_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_agents_get_short_names() {
        let chrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";
        assert_eq!(describe(chrome), "Chrome on Linux");
        let firefox = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:140.0) Gecko/20100101 Firefox/140.0";
        assert_eq!(describe(firefox), "Firefox on Windows");
        let safari = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 Version/18.0 Mobile/15E148 Safari/604.1";
        assert_eq!(describe(safari), "Safari on iOS");
        assert_eq!(describe(""), "Unknown device");
        assert_eq!(describe("curl/8.0"), "curl/8.0");
        assert_eq!(describe("URGENT call +1 555 0100 now"), "Unknown device");
        assert_eq!(describe("visit.evil.example/now"), "Unknown device");
        assert_eq!(describe("Go/evil.example"), "Unknown device");
        assert_eq!(describe("Go-http-client/1.1"), "Go-http-client/1.1");
    }
}
