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
            return Checked { admitted: false, refused: Some(refused), values: current };
        }
        let values = counters
            .iter()
            .map(|c| {
                let entry = map.entry(c.key.clone()).or_insert((0, now + Duration::from_secs(c.ttl)));
                entry.0 += c.add;
                entry.0.max(0) as u64
            })
            .collect();
        Checked { admitted: true, refused: None, values }
    }

    /// Adds without checking (reconciling tokens, releasing streams).
    pub fn add(&self, counters: &[Counter]) {
        let now = Instant::now();
        let mut map = self.counters.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        for c in counters {
            let entry = map.entry(c.key.clone()).or_insert((0, now + Duration::from_secs(c.ttl)));
            entry.0 += c.add;
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
