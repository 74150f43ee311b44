//! Per-key token buckets: `burst` requests at once, refilled at `per_second`;
//! and per-key caps on requests in flight, so one key cannot take every
//! instance of the host.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The verdict for one request.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Decision {
    /// Whether the request may go on.
    pub allowed: bool,
    /// The bucket size (`X-RateLimit-Limit`).
    pub limit: u32,
    /// Whole tokens left (`X-RateLimit-Remaining`).
    pub remaining: u32,
    /// Seconds until the bucket is full again (`X-RateLimit-Reset`).
    pub reset_secs: u64,
    /// Seconds until one token is available (`Retry-After`), when refused.
    pub retry_after_secs: u64,
}

/// One request of a key in flight, its slot held until dropped (nothing
/// to hold when unlimited).
#[derive(Debug)]
pub struct InFlight {
    _slot: Option<OwnedSemaphorePermit>,
}

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// Token buckets and in-flight caps by key id.
#[derive(Debug)]
pub struct RateLimiter {
    per_second: f64,
    burst: u32,
    buckets: Mutex<HashMap<String, Bucket>>,
    max_in_flight: usize,
    in_flight: Mutex<HashMap<String, Arc<Semaphore>>>,
}

impl RateLimiter {
    /// A limiter; `per_second = 0` lets everything through.
    pub fn new(per_second: f64, burst: u32) -> Self {
        RateLimiter {
            per_second,
            burst: burst.max(1),
            buckets: Mutex::new(HashMap::new()),
            max_in_flight: usize::MAX,
            in_flight: Mutex::new(HashMap::new()),
        }
    }

    /// At most `max` requests of one key in flight.
    pub fn with_max_in_flight(mut self, max: usize) -> Self {
        self.max_in_flight = max.max(1);
        self
    }

    /// The most requests one key may have in flight.
    pub fn max_in_flight(&self) -> usize {
        self.max_in_flight
    }

    /// A slot for one more request of `key`, held until the guard drops;
    /// None when the key has `max_in_flight` already.
    pub fn enter(&self, key: &str) -> Option<InFlight> {
        if self.max_in_flight == usize::MAX {
            return Some(InFlight { _slot: None });
        }
        let semaphore = {
            let mut map = self.in_flight.lock().unwrap_or_else(|p| p.into_inner());
            // Keys with nothing in flight are forgotten, so the map stays small.
            map.retain(|_, s| s.available_permits() < self.max_in_flight);
            map.entry(key.to_string())
                .or_insert_with(|| Arc::new(Semaphore::new(self.max_in_flight)))
                .clone()
        };
        semaphore
            .try_acquire_owned()
            .ok()
            .map(|p| InFlight { _slot: Some(p) })
    }

    /// Takes one token from `key`'s bucket.
    pub fn check(&self, key: &str) -> Decision {
        self.check_at(key, Instant::now())
    }

    fn check_at(&self, key: &str, now: Instant) -> Decision {
        let burst = f64::from(self.burst);
        if self.per_second <= 0.0 {
            return Decision {
                allowed: true,
                limit: self.burst,
                remaining: self.burst,
                reset_secs: 0,
                retry_after_secs: 0,
            };
        }
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        let b = buckets.entry(key.to_string()).or_insert(Bucket {
            tokens: burst,
            at: now,
        });
        let elapsed = now.saturating_duration_since(b.at).as_secs_f64();
        b.tokens = (b.tokens + elapsed * self.per_second).min(burst);
        b.at = now;
        let allowed = b.tokens >= 1.0;
        if allowed {
            b.tokens -= 1.0;
        }
        let missing = burst - b.tokens;
        Decision {
            allowed,
            limit: self.burst,
            remaining: b.tokens.floor() as u32,
            reset_secs: (missing / self.per_second).ceil() as u64,
            retry_after_secs: if allowed {
                0
            } else {
                ((1.0 - b.tokens) / self.per_second).ceil().max(1.0) as u64
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn in_flight_requests_are_capped_per_key() {
        let rl = RateLimiter::new(0.0, 1).with_max_in_flight(2);
        let a = rl.enter("k").unwrap();
        let _b = rl.enter("k").unwrap();
        assert!(rl.enter("k").is_none());
        assert!(rl.enter("other").is_some());
        drop(a);
        assert!(rl.enter("k").is_some());
        assert!(RateLimiter::new(0.0, 1).enter("k").is_some());
    }

    #[test]
    fn burst_then_refill() {
        let rl = RateLimiter::new(2.0, 3);
        let t0 = Instant::now();
        for left in [2, 1, 0] {
            let d = rl.check_at("k", t0);
            assert!(d.allowed);
            assert_eq!(d.remaining, left);
        }
        let d = rl.check_at("k", t0);
        assert!(!d.allowed);
        assert_eq!(d.retry_after_secs, 1);
        assert!(rl.check_at("other", t0).allowed, "buckets are per key");
        assert!(rl.check_at("k", t0 + Duration::from_millis(600)).allowed);
    }

    #[test]
    fn zero_rate_is_unlimited() {
        let rl = RateLimiter::new(0.0, 1);
        assert!((0..100).all(|_| rl.check("k").allowed));
    }
}
