//! [`ClientIp`]: the address a request came from. Behind a trusted reverse proxy it is the
//! right-most address in `X-Forwarded-For` that is not itself a trusted proxy; otherwise the
//! TCP peer. A client cannot spoof it by sending its own `X-Forwarded-For`, because only
//! entries added by trusted proxies are skipped.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRef, FromRequestParts};
use axum::http::request::Parts;
use ipnet::IpNet;

use super::error::ApiError;
use crate::state::AppState;

/// The proxies whose `X-Forwarded-For` is believed.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(pub Vec<IpNet>);

impl TrustedProxies {
    fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// The client's address given the TCP peer and the `X-Forwarded-For` values. IPv4 addresses
    /// mapped into IPv6 (a dual-stack listener's peers) count as the IPv4 address they carry.
    pub fn client_ip<'a>(&self, peer: IpAddr, forwarded_for: impl Iterator<Item = &'a str>) -> IpAddr {
        let peer = peer.to_canonical();
        if !self.trusts(peer) {
            return peer;
        }
        let hops: Vec<&str> = forwarded_for.flat_map(|value| value.split(',')).collect();
        let mut client = peer;
        for hop in hops.iter().rev() {
            match hop.trim().parse::<IpAddr>().map(|ip| ip.to_canonical()) {
                Ok(ip) if self.trusts(ip) => client = ip,
                Ok(ip) => return ip,
                // A garbled entry: stop at the last address a trusted proxy vouched for.
                Err(_) => return client,
            }
        }
        client
    }
}

/// The client's IP address, as decided by [`TrustedProxies`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

impl<S> FromRequestParts<S> for ClientIp
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let state = AppState::from_ref(state);
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(address)| address.ip())
            .ok_or_else(|| ApiError::Internal("the server was started without connect info".into()))?;
        // Every line, readable or not: a proxy appends the client to the line the client sent, so
        // dropping a line with one unreadable byte would drop the real client with it.
        let forwarded: Vec<String> = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
            .collect();
        Ok(Self(state.trusted_proxies.client_ip(peer, forwarded.iter().map(String::as_str))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proxies() -> TrustedProxies {
        TrustedProxies(vec!["10.0.0.0/8".parse().unwrap(), "127.0.0.1/32".parse().unwrap()])
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_claims() {
        assert_eq!(proxies().client_ip(ip("203.0.113.9"), ["1.2.3.4"].into_iter()), ip("203.0.113.9"));
    }

    #[test]
    fn behind_trusted_proxies_the_rightmost_untrusted_hop_is_the_client() {
        let hops = ["6.6.6.6, 198.51.100.7", "10.1.2.3"];
        assert_eq!(proxies().client_ip(ip("127.0.0.1"), hops.into_iter()), ip("198.51.100.7"));
    }

    #[test]
    fn without_a_forwarded_header_the_proxy_itself_is_the_client() {
        assert_eq!(proxies().client_ip(ip("10.0.0.1"), std::iter::empty()), ip("10.0.0.1"));
    }

    #[test]
    fn an_ipv4_address_mapped_into_ipv6_counts_as_itself() {
        let hops = ["::ffff:198.51.100.7"];
        assert_eq!(proxies().client_ip(ip("::ffff:127.0.0.1"), hops.into_iter()), ip("198.51.100.7"));
        assert_eq!(proxies().client_ip(ip("::ffff:203.0.113.9"), std::iter::empty()), ip("203.0.113.9"));
    }

    #[test]
    fn a_garbled_hop_stops_the_walk() {
        assert_eq!(
            proxies().client_ip(ip("10.0.0.1"), ["1.1.1.1, junk, 10.0.0.2"].into_iter()),
            ip("10.0.0.2")
        );
    }
}
