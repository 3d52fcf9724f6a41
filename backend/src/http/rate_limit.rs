//! Per-client rate limits: a token bucket per client network (an IPv4 address, or an IPv6 /64,
//! since one host usually owns a whole /64). Refused requests get 429 with `Retry-After`.
//! The buckets live in this server's memory, or, for servers sharing a PostgreSQL database, in
//! it (`rate_buckets`): a client that spreads its requests over the servers gets one allowance.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Instant;

use super::error::ApiError;
use crate::store::PgStore;

/// A token-bucket limiter allowing `per_minute` requests a minute per client, in bursts of at
/// most `per_minute`. A limit of 0 turns it off.
#[derive(Debug)]
pub struct RateLimiter {
    name: &'static str,
    per_minute: u32,
    buckets: Mutex<HashMap<IpAddr, Bucket>>,
    shared: Option<PgStore>,
    /// Networks the shared bucket refused, until the token it was short of is there: their
    /// requests are refused here, without a write to the database each.
    refused: Mutex<HashMap<IpAddr, Instant>>,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    updated: Instant,
}

impl RateLimiter {
    /// A limiter called `name` (the security event log's `limit`) for `per_minute` requests a
    /// minute per client (0: unlimited).
    pub fn new(name: &'static str, per_minute: u32) -> Self {
        Self {
            name,
            per_minute,
            buckets: Mutex::new(HashMap::new()),
            shared: None,
            refused: Mutex::new(HashMap::new()),
        }
    }

    /// The same limiter with its buckets in `store`, shared with the other servers.
    pub fn shared(mut self, store: Option<PgStore>) -> Self {
        self.shared = store;
        self
    }

    /// Takes one token for `ip`, or says how long to wait.
    pub async fn check(&self, ip: IpAddr) -> Result<(), ApiError> {
        let Some(store) = &self.shared else { return self.check_at(ip, Instant::now()) };
        if self.per_minute == 0 {
            return Ok(());
        }
        let network = network_of(ip);
        let now = Instant::now();
        if let Some(until) = self.refused_until(network, now) {
            let retry_after = until.saturating_duration_since(now).as_secs().max(1);
            return Err(ApiError::RateLimited { retry_after, limit: self.name });
        }
        let capacity = f64::from(self.per_minute);
        match store.take_token(self.name, &network.to_string(), capacity, capacity / 60.0).await? {
            None => Ok(()),
            Some(retry_after) => {
                let mut refused = self.refused.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                refused.insert(network, now + std::time::Duration::from_secs(retry_after));
                Err(ApiError::RateLimited { retry_after, limit: self.name })
            }
        }
    }

    /// When a network the shared bucket refused may ask it again, if not yet.
    fn refused_until(&self, network: IpAddr, now: Instant) -> Option<Instant> {
        let refused = self.refused.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        refused.get(&network).copied().filter(|until| *until > now)
    }

    fn check_at(&self, ip: IpAddr, now: Instant) -> Result<(), ApiError> {
        if self.per_minute == 0 {
            return Ok(());
        }
        let capacity = f64::from(self.per_minute);
        let per_second = capacity / 60.0;
        let mut buckets = self.buckets.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let bucket = buckets.entry(network_of(ip)).or_insert(Bucket { tokens: capacity, updated: now });
        let elapsed = now.saturating_duration_since(bucket.updated).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * per_second).min(capacity);
        bucket.updated = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            let retry_after = ((1.0 - bucket.tokens) / per_second).ceil() as u64;
            Err(ApiError::RateLimited { retry_after: retry_after.max(1), limit: self.name })
        }
    }

    /// Forgets clients whose buckets are full again, so memory (or the shared table) stays
    /// bounded by recent clients.
    pub async fn prune(&self) -> Result<(), ApiError> {
        if let (Some(store), true) = (&self.shared, self.per_minute > 0) {
            let capacity = f64::from(self.per_minute);
            store.prune_buckets(self.name, capacity, capacity / 60.0).await?;
        }
        self.prune_local();
        let now = Instant::now();
        self.refused.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).retain(|_, until| *until > now);
        Ok(())
    }

    fn prune_local(&self) {
        let now = Instant::now();
        let per_second = f64::from(self.per_minute) / 60.0;
        let capacity = f64::from(self.per_minute);
        let mut buckets = self.buckets.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        buckets.retain(|_, bucket| {
            bucket.tokens + now.saturating_duration_since(bucket.updated).as_secs_f64() * per_second
                < capacity
        });
    }
}

/// The client network `ip` belongs to: an IPv4 address alone, an IPv6 address by its /64.
pub fn network_of(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => {
            let mut segments = v6.segments();
            segments[4..].fill(0);
            IpAddr::from(segments)
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn allows_a_burst_then_refuses_with_a_wait_then_refills() {
        let limiter = RateLimiter::new("test", 3);
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        let start = Instant::now();
        for _ in 0..3 {
            assert!(limiter.check_at(ip, start).is_ok());
        }
        let Err(ApiError::RateLimited { retry_after, limit: "test" }) = limiter.check_at(ip, start) else {
            panic!("the fourth request should be limited");
        };
        assert_eq!(retry_after, 20);
        assert!(limiter.check_at("192.0.2.2".parse().unwrap(), start).is_ok());
        assert!(limiter.check_at(ip, start + Duration::from_secs(20)).is_ok());
    }

    #[test]
    fn ipv6_clients_are_grouped_by_slash_64() {
        let limiter = RateLimiter::new("test", 1);
        let now = Instant::now();
        assert!(limiter.check_at("2001:db8::1".parse().unwrap(), now).is_ok());
        assert!(limiter.check_at("2001:db8::2".parse().unwrap(), now).is_err());
        assert!(limiter.check_at("2001:db8:0:1::1".parse().unwrap(), now).is_ok());
    }

    #[test]
    fn zero_means_unlimited() {
        let limiter = RateLimiter::new("test", 0);
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        assert!((0..1000).all(|_| limiter.check_at(ip, Instant::now()).is_ok()));
    }
}
