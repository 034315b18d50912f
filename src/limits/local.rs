//! Counters in this process: exact for one replica, and the fallback when Redis is away.

use super::{Checked, Counter};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The counters, with their expiry.
#[derive(Debug, Default)]
pub struct Local {
    counters: Mutex<HashMap<String, (i64, Instant)>>,
}

impl Local {
    /// Adds to every counter if all have room; else adds nothing.
    pub fn check_and_add(&self, counters: &[Counter]) -> Checked {
        let now = Instant::now();
        let mut map = self.counters.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        map.retain(|_, (_, expires)| *expires > now);
        let current: Vec<u64> =
            counters.iter().map(|c| map.get(&c.key).map(|(v, _)| (*v).max(0) as u64).unwrap_or(0)).collect();
        if let Some(refused) =
            counters.iter().zip(&current).position(|(c, value)| value + c.add.max(0) as u64 > c.limit)
        {
            return Checked { admitted: false, refused: Some(refused), values: current, shared: false };
        }
        let values = counters
            .iter()
            .map(|c| {
                let entry = map.entry(c.key.clone()).or_insert((0, now));
                entry.0 += c.add;
                // Every add renews the TTL, so a counter in use (open streams) never expires.
                entry.1 = now + Duration::from_secs(c.ttl);
                entry.0.max(0) as u64
            })
            .collect();
        Checked { admitted: true, refused: None, values, shared: false }
    }

    /// Adds without checking (reconciling tokens, releasing streams).
    pub fn add(&self, counters: &[Counter]) {
        let now = Instant::now();
        let mut map = self.counters.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        for c in counters {
            let entry = map.entry(c.key.clone()).or_insert((0, now));
            // Never below zero: a release must not make room that was never taken.
            entry.0 = (entry.0 + c.add).max(0);
            entry.1 = now + Duration::from_secs(c.ttl);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counter(add: i64, limit: u64) -> Counter {
        Counter { key: "rl:a:rpm:1".into(), add, limit, ttl: 60 }
    }

    #[test]
    fn admits_up_to_the_limit_then_refuses_without_adding() {
        let local = Local::default();
        assert!(local.check_and_add(&[counter(1, 2)]).admitted);
        assert_eq!(local.check_and_add(&[counter(1, 2)]).values, [2]);
        let refused = local.check_and_add(&[counter(1, 2)]);
        assert_eq!((refused.admitted, refused.refused, refused.values), (false, Some(0), vec![2]));
        local.add(&[counter(-1, 0)]);
        assert!(local.check_and_add(&[counter(1, 2)]).admitted, "released room is reused");
    }
}

#[cfg(test)]
mod reconcile_tests {
    use crate::auth::{Caller, Limits};
    use crate::limits::Limiter;

    fn caller(limits: Limits) -> Caller {
        Caller { limits, ..Caller::plain() }
    }

    /// A request estimated at `tokens` (prompt bytes / 4 + max_tokens).
    fn asking(tokens: u32) -> crate::proto::v1::ChatCompletionRequest {
        crate::proto::v1::ChatCompletionRequest { max_tokens: Some(tokens), ..Default::default() }
    }

    /// Lets the bookkeeping spawned by `finish` run.
    async fn settle() {
        for _ in 0..10 {
            tokio::task::yield_now().await;
        }
    }

    #[tokio::test]
    async fn the_real_use_replaces_exactly_what_was_admitted() {
        let limiter = Limiter::new(None).await.unwrap();
        let key = caller(Limits { tokens_per_minute: Some(10_000), ..Limits::default() });
        // An estimate above the limit is admitted at the limit, then reconciled to the real 2,000.
        let (admission, _) = limiter.admit(&key, &asking(32_100), false).await.unwrap();
        admission.finish(Some(2_000));
        settle().await;
        let (fits, _) = limiter.admit(&key, &asking(7_990), false).await.unwrap();
        fits.finish(Some(8_000));
        settle().await;
        assert!(
            limiter.admit(&key, &asking(1), false).await.is_err(),
            "2,000 + 8,000 fill the minute: no free tokens"
        );
    }

    #[tokio::test]
    async fn a_stream_slot_comes_back_once_and_never_below_zero() {
        let limiter = Limiter::new(None).await.unwrap();
        let key = caller(Limits { concurrent_streams: Some(1), ..Limits::default() });
        let (open, _) = limiter.admit(&key, &asking(1), true).await.unwrap();
        assert!(limiter.admit(&key, &asking(1), true).await.is_err());
        drop(open);
        settle().await;
        let (again, _) = limiter.admit(&key, &asking(1), true).await.unwrap();
        assert!(
            limiter.admit(&key, &asking(1), true).await.is_err(),
            "one release makes room for one stream only"
        );
        drop(again);
    }
}
