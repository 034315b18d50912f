//! Per-key rate limits: requests and tokens per minute, tokens per day, concurrent streams.
//!
//! Counters live in fixed windows (the UTC minute, the UTC day) per key name. Tokens are admitted
//! on an estimate when a call starts (the prompt's size and the output limit) and reconciled with
//! Bedrock's reported usage when it ends. A key without limits costs nothing: no counter, no round
//! trip.
//!
//! With `--redis-url`, replicas share the counters through Redis ([`shared`]): one Lua script per
//! admission checks and adds every counter atomically. When Redis cannot be reached the server fails
//! open to its own counters ([`local`]), says so once in the log, counts it in the
//! `amazon_chat_rate_limit_fallbacks_total` metric, and goes back to Redis by itself when it returns.

pub mod local;
pub mod shared;

use crate::auth::Caller;
use crate::error::{Error, ErrorKind, Result};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// One counter to check and add to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counter {
    /// Its key (`rl:{name}:rpm:{minute}`).
    pub key: String,
    /// What to add.
    pub add: i64,
    /// The most it may reach.
    pub limit: u64,
    /// How long the counter lives, seconds.
    pub ttl: u64,
}

/// What a check-and-add found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    /// Whether every counter had room (and all were added to).
    pub admitted: bool,
    /// The counter that had no room.
    pub refused: Option<usize>,
    /// Each counter's value: after the add when admitted, as it was when refused.
    pub values: Vec<u64>,
    /// Whether Redis answered (else the local counters did).
    pub shared: bool,
}

/// A limit's state, for OpenAI's `x-ratelimit-*` headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// The limit.
    pub limit: u64,
    /// What is left of it.
    pub remaining: u64,
    /// When the window resets.
    pub reset: Duration,
}

/// The caller's quota after a call was admitted (or refused).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Quota {
    /// Requests per minute.
    pub requests: Option<Window>,
    /// Tokens per minute.
    pub tokens: Option<Window>,
}

/// The limiter: shared counters when configured, else (and as the fallback) local ones.
#[derive(Debug)]
pub struct Limiter {
    local: local::Local,
    shared: Option<shared::Shared>,
}

/// An admitted call: reconcile its tokens and release its stream when it ends.
#[derive(Debug)]
pub struct Admission {
    limiter: Arc<Limiter>,
    name: Arc<str>,
    minute: u64,
    day: u64,
    /// Tokens added to the per-minute counter at admission (reconciled against the real use).
    minute_tokens: Option<i64>,
    /// Tokens added to the per-day counter.
    day_tokens: Option<i64>,
    stream: bool,
    /// Whether Redis counted the admission.
    shared: bool,
    done: bool,
}

impl Limiter {
    /// Local counters only, or shared through Redis at `redis_url`.
    pub async fn new(redis_url: Option<&str>) -> std::result::Result<Arc<Self>, String> {
        let shared = match redis_url {
            Some(url) => Some(shared::Shared::connect(url).await?),
            None => None,
        };
        Ok(Arc::new(Self { local: local::Local::default(), shared }))
    }

    async fn check_and_add(&self, counters: &[Counter]) -> Checked {
        if let Some(shared) = &self.shared
            && let Some(checked) = shared.check_and_add(counters).await
        {
            return checked;
        }
        self.local.check_and_add(counters)
    }

    /// Adds where the admission was counted: Redis, or this replica. (A release that Redis does
    /// not take in time is lost; the counters' TTLs bound what that costs.)
    async fn add(&self, counters: Vec<Counter>, shared: bool) {
        match (&self.shared, shared) {
            (Some(redis), true) => {
                redis.add(&counters).await;
            }
            _ => self.local.add(&counters),
        }
    }

    /// Admits `request` of `caller`, or refuses it with RESOURCE_EXHAUSTED / 429 and when to
    /// retry. Its tokens are estimated only for a key with token limits.
    pub async fn admit(
        self: &Arc<Self>,
        caller: &Caller,
        request: &crate::proto::v1::ChatCompletionRequest,
        stream: bool,
    ) -> Result<(Admission, Quota)> {
        let limits = caller.limits;
        let estimate = if limits.tokens_per_minute.is_some() || limits.tokens_per_day.is_some() {
            estimate(request)
        } else {
            0
        };
        self.admit_estimated(caller, estimate, stream).await
    }

    /// [`Limiter::admit`] for a call whose tokens are estimated by its caller (embeddings).
    pub async fn admit_estimated(
        self: &Arc<Self>,
        caller: &Caller,
        estimate: u64,
        stream: bool,
    ) -> Result<(Admission, Quota)> {
        let limits = caller.limits;
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default().as_secs();
        let (minute, day) = (now / 60, now / 86_400);
        let minute_reset = Duration::from_secs(60 - now % 60);
        let day_reset = Duration::from_secs(86_400 - now % 86_400);
        let name = &caller.name;
        let mut counters = Vec::new();
        let mut what = Vec::new();
        let (mut minute_tokens, mut day_tokens) = (None, None);
        if let Some(limit) = limits.requests_per_minute {
            counters.push(Counter {
                key: format!("rl:{name}:rpm:{minute}"),
                add: 1,
                limit: limit.into(),
                ttl: 120,
            });
            what.push(("requests per minute", minute_reset));
        }
        if let Some(limit) = limits.tokens_per_minute {
            let add = i64::try_from(estimate.min(u64::from(limit))).unwrap_or(i64::MAX);
            minute_tokens = Some(add);
            counters.push(Counter {
                key: format!("rl:{name}:tpm:{minute}"),
                add,
                limit: limit.into(),
                ttl: 120,
            });
            what.push(("tokens per minute", minute_reset));
        }
        if let Some(limit) = limits.tokens_per_day {
            let add = i64::try_from(estimate.min(limit)).unwrap_or(i64::MAX);
            day_tokens = Some(add);
            counters.push(Counter { key: format!("rl:{name}:tpd:{day}"), add, limit, ttl: 90_000 });
            what.push(("tokens per day", day_reset));
        }
        if stream && let Some(limit) = limits.concurrent_streams {
            counters.push(Counter {
                key: format!("rl:{name}:streams"),
                add: 1,
                limit: limit.into(),
                ttl: 3600,
            });
            what.push(("concurrent streams", Duration::from_secs(1)));
        }
        let mut admission = Admission {
            limiter: self.clone(),
            name: name.clone(),
            minute,
            day,
            minute_tokens,
            day_tokens,
            stream: stream && limits.concurrent_streams.is_some(),
            shared: false,
            done: counters.is_empty(),
        };
        if counters.is_empty() {
            return Ok((admission, Quota::default()));
        }
        let checked = self.check_and_add(&counters).await;
        admission.shared = checked.shared;
        let window =
            |key_part: &str, reset: Duration| {
                counters.iter().zip(&checked.values).find(|(c, _)| c.key.contains(key_part)).map(
                    |(c, value)| Window { limit: c.limit, remaining: c.limit.saturating_sub(*value), reset },
                )
            };
        let quota = Quota { requests: window(":rpm:", minute_reset), tokens: window(":tpm:", minute_reset) };
        if let Some(index) = checked.refused {
            admission.done = true; // nothing was added
            let (limit, retry) = what.get(index).copied().unwrap_or(("requests per minute", minute_reset));
            let error = Error::new(
                ErrorKind::RateLimited,
                format!(
                    "key {name:?} is over its limit of {} {limit}; retry in {}s",
                    counters[index].limit,
                    retry.as_secs().max(1)
                ),
            )
            .with_retry_after(retry)
            .with_quota(quota);
            return Err(error);
        }
        Ok((admission, quota))
    }
}

impl Admission {
    /// Ends the call: the tokens it really used replace the estimate, and its stream is released.
    pub fn finish(mut self, used_tokens: Option<u64>) {
        self.release(used_tokens);
    }

    fn release(&mut self, used_tokens: Option<u64>) {
        if self.done {
            return;
        }
        self.done = true;
        let used = used_tokens.map(|used| i64::try_from(used).unwrap_or(i64::MAX));
        let name = &self.name;
        let mut counters = Vec::new();
        // The real use replaces exactly what admission added (which was capped at the limit).
        if let (Some(used), Some(added)) = (used, self.minute_tokens)
            && used != added
        {
            let key = format!("rl:{name}:tpm:{}", self.minute);
            counters.push(Counter { key, add: used - added, limit: 0, ttl: 120 });
        }
        if let (Some(used), Some(added)) = (used, self.day_tokens)
            && used != added
        {
            let key = format!("rl:{name}:tpd:{}", self.day);
            counters.push(Counter { key, add: used - added, limit: 0, ttl: 90_000 });
        }
        if self.stream {
            counters.push(Counter { key: format!("rl:{name}:streams"), add: -1, limit: 0, ttl: 3600 });
        }
        if counters.is_empty() {
            return;
        }
        let limiter = self.limiter.clone();
        // Off the request path: the answer does not wait for the bookkeeping.
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let shared = self.shared;
            runtime.spawn(async move { limiter.add(counters, shared).await });
        }
    }
}

impl Drop for Admission {
    /// A call dropped midway (a client gone, an error) still releases its stream.
    fn drop(&mut self) {
        self.release(None);
    }
}

/// The tokens a request may use: its text at about four bytes a token, plus its output limit.
pub fn estimate(request: &crate::proto::v1::ChatCompletionRequest) -> u64 {
    let prompt = prost::Message::encoded_len(request) as u64 / 4;
    let output = request.max_tokens.or(request.max_completion_tokens).unwrap_or(1024);
    prompt + u64::from(output)
}

/// OpenAI's rate-limit headers for a quota: limit, remaining and reset (`12s`) of requests and tokens.
pub fn headers(quota: &Quota) -> Vec<(&'static str, String)> {
    let mut headers = Vec::new();
    let reset = |d: Duration| format!("{}s", d.as_secs().max(1));
    if let Some(w) = quota.requests {
        headers.push(("x-ratelimit-limit-requests", w.limit.to_string()));
        headers.push(("x-ratelimit-remaining-requests", w.remaining.to_string()));
        headers.push(("x-ratelimit-reset-requests", reset(w.reset)));
    }
    if let Some(w) = quota.tokens {
        headers.push(("x-ratelimit-limit-tokens", w.limit.to_string()));
        headers.push(("x-ratelimit-remaining-tokens", w.remaining.to_string()));
        headers.push(("x-ratelimit-reset-tokens", reset(w.reset)));
    }
    headers
}
