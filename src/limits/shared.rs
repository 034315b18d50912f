//! Counters shared by replicas through Redis: one Lua script checks every counter of an admission
//! and adds to all of them only if each has room, in one round trip and atomically (Redis runs a
//! script alone). A call that fails or takes longer than [`TIMEOUT`] makes the caller fall back to
//! local counters; Redis is tried again after [`RETRY_AFTER`].

use super::{Checked, Counter};
use redis::aio::ConnectionManager;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// The longest a Redis call may take before the local counters answer instead.
pub const TIMEOUT: Duration = Duration::from_millis(250);
/// How long Redis is left alone after a failure.
pub const RETRY_AFTER: Duration = Duration::from_secs(1);

/// KEYS: the counters. ARGV: add, limit and TTL of each. Returns {admitted, refused (1-based, 0
/// for none), value of each counter}.
const CHECK_AND_ADD: &str = r"
local n = #KEYS
local values = {}
for i = 1, n do
  local current = tonumber(redis.call('GET', KEYS[i]) or '0')
  local add = tonumber(ARGV[3 * i - 2])
  local limit = tonumber(ARGV[3 * i - 1])
  if add > 0 and current + add > limit then
    local refused = {0, i}
    for j = 1, n do refused[j + 2] = tonumber(redis.call('GET', KEYS[j]) or '0') end
    return refused
  end
end
for i = 1, n do
  values[i] = redis.call('INCRBY', KEYS[i], ARGV[3 * i - 2])
  redis.call('EXPIRE', KEYS[i], ARGV[3 * i])
end
local admitted = {1, 0}
for i = 1, n do admitted[i + 2] = values[i] end
return admitted
";

/// KEYS: the counters. ARGV: add and TTL of each. A counter never goes below zero, and every add
/// renews its TTL (a counter in use, like open streams, never expires under it).
const ADD: &str = r"
for i = 1, #KEYS do
  if redis.call('INCRBY', KEYS[i], ARGV[2 * i - 1]) < 0 then redis.call('SET', KEYS[i], 0) end
  redis.call('EXPIRE', KEYS[i], ARGV[2 * i])
end
return 1
";

/// A Redis connection (reconnecting by itself) and whether it is down.
pub struct Shared {
    connection: ConnectionManager,
    check_and_add: redis::Script,
    add: redis::Script,
    down_since: Mutex<Option<Instant>>,
    down: AtomicBool,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The URL may hold a password: never shown.
        f.debug_struct("Shared").field("down", &self.down.load(Ordering::Relaxed)).finish_non_exhaustive()
    }
}

impl Shared {
    /// Connects to `url` (`redis://host:port/db`). A server that is down at start is not an error:
    /// calls fall back to local counters until it answers.
    pub async fn connect(url: &str) -> Result<Self, String> {
        let client = redis::Client::open(url).map_err(|e| format!("--redis-url: {e}"))?;
        let config = redis::aio::ConnectionManagerConfig::new()
            .set_connection_timeout(Some(TIMEOUT))
            .set_response_timeout(Some(TIMEOUT))
            .set_number_of_retries(1);
        let connection = ConnectionManager::new_lazy_with_config(client, config)
            .map_err(|e| format!("--redis-url: {e}"))?;
        Ok(Self {
            connection,
            check_and_add: redis::Script::new(CHECK_AND_ADD),
            add: redis::Script::new(ADD),
            down_since: Mutex::new(None),
            down: AtomicBool::new(false),
        })
    }

    fn skipping(&self) -> bool {
        let since = *self.down_since.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        since.is_some_and(|since| since.elapsed() < RETRY_AFTER)
    }

    fn failed(&self, error: &str) {
        *self.down_since.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(Instant::now());
        metrics::counter!("amazon_chat_rate_limit_fallbacks_total").increment(1);
        if !self.down.swap(true, Ordering::Relaxed) {
            tracing::warn!(
                "Redis is unreachable ({error}): rate limits fall back to this replica's own counters until it returns"
            );
        }
    }

    fn succeeded(&self) {
        if self.down.swap(false, Ordering::Relaxed) {
            *self.down_since.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = None;
            tracing::info!("Redis is back: rate limits are shared across replicas again");
        }
    }

    /// The script's answer, or None when Redis did not give one.
    pub async fn check_and_add(&self, counters: &[Counter]) -> Option<Checked> {
        if self.skipping() {
            return None;
        }
        let mut invocation = self.check_and_add.prepare_invoke();
        for counter in counters {
            invocation.key(&counter.key).arg(counter.add).arg(counter.limit).arg(counter.ttl);
        }
        let mut connection = self.connection.clone();
        let call = invocation.invoke_async::<Vec<i64>>(&mut connection);
        match tokio::time::timeout(TIMEOUT * 2, call).await {
            Ok(Ok(reply)) if reply.len() == counters.len() + 2 => {
                self.succeeded();
                let refused = usize::try_from(reply[1]).ok().filter(|i| *i > 0).map(|i| i - 1);
                Some(Checked {
                    admitted: reply[0] == 1,
                    refused,
                    values: reply[2..].iter().map(|v| (*v).max(0) as u64).collect(),
                    shared: true,
                })
            }
            Ok(Ok(reply)) => {
                self.failed(&format!("an unexpected script reply of {} values", reply.len()));
                None
            }
            Ok(Err(error)) => {
                self.failed(&error.to_string());
                None
            }
            Err(_) => {
                self.failed("no answer in time");
                None
            }
        }
    }

    /// Adds without checking; false when Redis did not take it.
    pub async fn add(&self, counters: &[Counter]) -> bool {
        if self.skipping() {
            return false;
        }
        let mut invocation = self.add.prepare_invoke();
        for counter in counters {
            invocation.key(&counter.key).arg(counter.add).arg(counter.ttl);
        }
        let mut connection = self.connection.clone();
        match tokio::time::timeout(TIMEOUT * 2, invocation.invoke_async::<i64>(&mut connection)).await {
            Ok(Ok(_)) => {
                self.succeeded();
                true
            }
            Ok(Err(error)) => {
                self.failed(&error.to_string());
                false
            }
            Err(_) => {
                self.failed("no answer in time");
                false
            }
        }
    }
}
