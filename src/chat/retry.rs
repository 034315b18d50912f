//! Retries of one upstream call: which failures are retried, how long to wait, and when to stop.
//!
//! The SDK's own retries are off (one attempt per SDK call) and this loop owns them, because the
//! SDK's cannot be told three things a gateway needs:
//!
//! - **The caller's deadline.** A backoff that would end past `--upstream-timeout` is not slept:
//!   the caller gets the last upstream error (429 with Retry-After, 503) instead of a 504 that
//!   hides what Bedrock said. An attempt still running at the deadline is a 504 that says what the
//!   attempts before it met.
//! - **Whose quota.** The SDK keeps one retry quota per process, so a burst of failures on one
//!   model stops retries for every caller of every model. Here each upstream target (region and
//!   model) has its own budget of `--retry-budget` tokens: a retry costs [`RETRY_COST`], a success
//!   gives back [`SUCCESS_REFUND`]. An empty budget means one attempt per call on that target
//!   until successes refill it, which keeps a failing target from being hammered by retries.
//! - **Failover.** When a target's attempts are spent, the core can move on to the next target of
//!   the model's failover chain (the models file); see [`is_retryable`] for what qualifies.
//!
//! Backoff is exponential from `--retry-initial-backoff`, capped at `--retry-max-backoff`, with
//! full jitter by default (a uniformly random wait up to the exponential step, which spreads the
//! retries of many callers hit by the same throttling).

use crate::error::{Error, ErrorKind};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

/// What a retry costs from its target's budget (the AWS SDKs' standard cost).
pub const RETRY_COST: f64 = 5.0;
/// What a successful call gives back to its target's budget.
pub const SUCCESS_REFUND: f64 = 1.0;

/// How backoffs are randomised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Jitter {
    /// A uniformly random wait between zero and the exponential step.
    Full,
    /// Exactly the exponential step (predictable; for tests and single callers).
    None,
}

/// The retry policy (flags `--bedrock-max-attempts` and `--retry-*`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    /// Attempts per target, the first included (1: no retries).
    pub max_attempts: u32,
    /// The first backoff step.
    pub initial_backoff: Duration,
    /// The largest backoff step.
    pub max_backoff: Duration,
    /// How steps are randomised.
    pub jitter: Jitter,
    /// Each target's budget of retry tokens.
    pub budget: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(5),
            jitter: Jitter::Full,
            budget: 500,
        }
    }
}

/// Whether a failed attempt is worth another (here or, after failover, elsewhere): Bedrock's
/// throttling and its temporary failures (5xx, a model not ready, a connection that failed).
/// Not a ServiceQuotaExceededException (an account quota that retrying will not fix), not a
/// timeout (the deadline is the caller's), not anything the request itself caused.
pub fn is_retryable(error: &Error) -> bool {
    match error.kind {
        ErrorKind::ResourceExhausted => {
            error.upstream_code.as_deref() != Some("ServiceQuotaExceededException")
        }
        ErrorKind::Unavailable => true,
        _ => false,
    }
}

/// Whether a failure, once a target's retries are spent, is worth trying the next target of a
/// failover chain: what is retried, and an exceeded service quota (another model or region has
/// its own).
pub fn moves_on(error: &Error) -> bool {
    is_retryable(error) || error.kind == ErrorKind::ResourceExhausted
}

/// The retry loop and the budgets of every target.
#[derive(Debug)]
pub struct Retrier {
    policy: RetryPolicy,
    /// Tokens left per target (`region/model`); a target whose budget is full has no entry, so
    /// the map holds only targets that failed recently and a success costs one lookup.
    spent: Mutex<HashMap<String, f64>>,
}

/// One call's attempts so far, across targets.
#[derive(Debug, Default, Clone, Copy)]
pub struct Tally {
    /// Attempts made.
    pub attempts: u32,
}

impl Retrier {
    /// A retrier with full budgets.
    pub fn new(policy: RetryPolicy) -> Self {
        Self { policy, spent: Mutex::default() }
    }

    /// Runs `attempt` until it succeeds, fails for good, runs out of attempts, of budget, or of
    /// time before `deadline`. `target` names the budget (`region/model`); `model` is for messages.
    pub async fn run<T, F, Fut>(
        &self,
        target: &str,
        model: &str,
        deadline: Instant,
        tally: &mut Tally,
        mut attempt: F,
    ) -> Result<T, Error>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, Error>>,
    {
        let mut here = 0;
        let mut previous: Option<Error> = None;
        loop {
            here += 1;
            tally.attempts += 1;
            metrics::counter!("amazon_chat_upstream_attempts_total").increment(1);
            let outcome = tokio::time::timeout_at(deadline, attempt()).await;
            let error = match outcome {
                Ok(Ok(value)) => {
                    self.refund(target);
                    return Ok(value);
                }
                Ok(Err(error)) => error,
                Err(_) => return Err(out_of_time(model, previous.as_ref(), tally.attempts)),
            };
            if !is_retryable(&error) {
                return Err(error);
            }
            let why_not =
                if here >= self.policy.max_attempts { Some("its attempts are spent") } else { None };
            let backoff = self.backoff(here);
            let why_not = why_not.or_else(|| {
                (Instant::now() + backoff >= deadline)
                    .then_some("the next backoff would end past the deadline")
            });
            let why_not =
                why_not.or_else(|| (!self.take(target)).then_some("the target's retry budget is spent"));
            let upstream = error.upstream_code.as_deref().unwrap_or(error.class().reason);
            if let Some(reason) = why_not {
                if here < self.policy.max_attempts {
                    let label = if reason.contains("budget") { "budget" } else { "deadline" };
                    metrics::counter!("amazon_chat_upstream_retries_skipped_total", "reason" => label)
                        .increment(1);
                }
                tracing::warn!(
                    attempt = here,
                    target,
                    upstream,
                    "Bedrock call failed; not retrying: {reason}"
                );
                return Err(error);
            }
            metrics::counter!("amazon_chat_upstream_retries_total").increment(1);
            tracing::warn!(attempt = here, target, upstream, ?backoff, "Bedrock call failed; retrying");
            tokio::time::sleep(backoff).await;
            previous = Some(error);
        }
    }

    /// The wait after attempt `n` (1-based) failed.
    fn backoff(&self, n: u32) -> Duration {
        let step = self
            .policy
            .initial_backoff
            .saturating_mul(2u32.saturating_pow(n.saturating_sub(1)))
            .min(self.policy.max_backoff);
        match self.policy.jitter {
            Jitter::None => step,
            Jitter::Full => step.mul_f64(fastrand::f64()),
        }
    }

    /// Takes a retry's cost from `target`'s budget; false when it cannot pay.
    fn take(&self, target: &str) -> bool {
        let mut spent = self.spent.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let capacity = f64::from(self.policy.budget);
        let tokens = spent.entry(target.to_owned()).or_insert(capacity);
        if *tokens < RETRY_COST {
            return false;
        }
        *tokens -= RETRY_COST;
        true
    }

    /// Gives a success's refund to `target`'s budget.
    fn refund(&self, target: &str) {
        let mut spent = self.spent.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if spent.is_empty() {
            return;
        }
        if let Some(tokens) = spent.get_mut(target) {
            *tokens += SUCCESS_REFUND;
            if *tokens >= f64::from(self.policy.budget) {
                spent.remove(target);
            }
        }
    }

    /// Tokens left in `target`'s budget.
    #[cfg(test)]
    fn budget_left(&self, target: &str) -> f64 {
        let spent = self.spent.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        spent.get(target).copied().unwrap_or(f64::from(self.policy.budget))
    }
}

/// The deadline passed during an attempt: a 504 that says what came before.
fn out_of_time(model: &str, previous: Option<&Error>, attempts: u32) -> Error {
    let before = match previous {
        Some(error) => format!(" (attempt {attempts}; the one before failed: {})", error.message),
        None => String::new(),
    };
    Error::new(
        ErrorKind::DeadlineExceeded,
        format!("Bedrock did not answer in time for model {model:?}{before}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    fn throttled() -> Error {
        Error::new(ErrorKind::ResourceExhausted, "slow down").with_upstream_code("ThrottlingException")
    }

    fn policy(max_attempts: u32, budget: u32) -> RetryPolicy {
        RetryPolicy {
            max_attempts,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(1),
            jitter: Jitter::None,
            budget,
        }
    }

    /// Fails `failures` times with `error`, then answers 7.
    fn flaky(
        failures: u32,
        error: fn() -> Error,
    ) -> (impl FnMut() -> std::future::Ready<Result<u32, Error>>, std::sync::Arc<AtomicU32>) {
        let calls = std::sync::Arc::new(AtomicU32::new(0));
        let counter = calls.clone();
        let attempt = move || {
            let n = counter.fetch_add(1, Ordering::Relaxed);
            std::future::ready(if n < failures { Err(error()) } else { Ok(7) })
        };
        (attempt, calls)
    }

    #[tokio::test(start_paused = true)]
    async fn transient_failures_are_retried_with_exponential_backoff() {
        let retrier = Retrier::new(policy(3, 500));
        let (attempt, calls) = flaky(2, throttled);
        let started = Instant::now();
        let mut tally = Tally::default();
        let far = started + Duration::from_secs(60);
        assert_eq!(retrier.run("r/m", "m", far, &mut tally, attempt).await.unwrap(), 7);
        assert_eq!((calls.load(Ordering::Relaxed), tally.attempts), (3, 3));
        assert_eq!(started.elapsed(), Duration::from_millis(100 + 200), "100 ms, then 200 ms");
    }

    #[tokio::test(start_paused = true)]
    async fn the_last_error_comes_back_when_attempts_run_out() {
        let retrier = Retrier::new(policy(3, 500));
        let (attempt, calls) = flaky(10, throttled);
        let far = Instant::now() + Duration::from_secs(60);
        let error = retrier.run("r/m", "m", far, &mut Tally::default(), attempt).await.unwrap_err();
        assert_eq!((error.kind, calls.load(Ordering::Relaxed)), (ErrorKind::ResourceExhausted, 3));
    }

    #[tokio::test(start_paused = true)]
    async fn a_backoff_past_the_deadline_is_not_slept_and_the_upstream_error_is_kept() {
        let retrier = Retrier::new(policy(5, 500));
        let (attempt, calls) = flaky(10, throttled);
        let started = Instant::now();
        let soon = started + Duration::from_millis(250);
        let error = retrier.run("r/m", "m", soon, &mut Tally::default(), attempt).await.unwrap_err();
        assert_eq!(error.upstream_code.as_deref(), Some("ThrottlingException"), "{}", error.message);
        // 100 ms slept; the 200 ms backoff would end at 300 ms, past 250 ms.
        assert_eq!((calls.load(Ordering::Relaxed), started.elapsed()), (2, Duration::from_millis(100)));
    }

    #[tokio::test(start_paused = true)]
    async fn an_attempt_running_at_the_deadline_is_a_timeout_naming_what_came_before() {
        let retrier = Retrier::new(policy(3, 500));
        let calls = AtomicU32::new(0);
        let attempt = || {
            let n = calls.fetch_add(1, Ordering::Relaxed);
            async move {
                if n == 0 {
                    return Err(throttled());
                }
                tokio::time::sleep(Duration::from_secs(3600)).await;
                Ok(())
            }
        };
        let deadline = Instant::now() + Duration::from_secs(2);
        let error = retrier.run("r/m", "m", deadline, &mut Tally::default(), attempt).await.unwrap_err();
        assert_eq!(error.kind, ErrorKind::DeadlineExceeded);
        assert!(error.message.contains("slow down"), "{}", error.message);
    }

    #[tokio::test(start_paused = true)]
    async fn budgets_are_per_target_and_successes_refill_them() {
        // Room for two retries per target.
        let retrier = Retrier::new(policy(2, 10));
        let far = Instant::now() + Duration::from_secs(600);
        for _ in 0..2 {
            let (attempt, calls) = flaky(10, throttled);
            let _ = retrier.run("us-east-1/a", "a", far, &mut Tally::default(), attempt).await;
            assert_eq!(calls.load(Ordering::Relaxed), 2, "retried while the budget lasts");
        }
        let (attempt, calls) = flaky(10, throttled);
        let _ = retrier.run("us-east-1/a", "a", far, &mut Tally::default(), attempt).await;
        assert_eq!(calls.load(Ordering::Relaxed), 1, "spent: one attempt only");
        let (attempt, calls) = flaky(1, throttled);
        assert!(retrier.run("us-east-1/b", "b", far, &mut Tally::default(), attempt).await.is_ok());
        assert_eq!(calls.load(Ordering::Relaxed), 2, "another target keeps its own budget");
        for _ in 0..5 {
            let (attempt, _) = flaky(0, throttled);
            retrier.run("us-east-1/a", "a", far, &mut Tally::default(), attempt).await.unwrap();
        }
        assert_eq!(retrier.budget_left("us-east-1/a"), 5.0, "five successes refund one retry");
    }

    #[tokio::test(start_paused = true)]
    async fn errors_the_request_caused_are_not_retried() {
        let retrier = Retrier::new(policy(3, 500));
        let far = Instant::now() + Duration::from_secs(60);
        let (attempt, calls) = flaky(10, || Error::invalid("messages", "is empty"));
        assert!(retrier.run("r/m", "m", far, &mut Tally::default(), attempt).await.is_err());
        let (attempt, quota) = flaky(10, || {
            Error::new(ErrorKind::ResourceExhausted, "quota")
                .with_upstream_code("ServiceQuotaExceededException")
        });
        assert!(retrier.run("r/m", "m", far, &mut Tally::default(), attempt).await.is_err());
        assert_eq!((calls.load(Ordering::Relaxed), quota.load(Ordering::Relaxed)), (1, 1));
    }

    #[test]
    fn full_jitter_stays_within_the_step_and_steps_are_capped() {
        let retrier = Retrier::new(RetryPolicy { jitter: Jitter::Full, ..policy(10, 500) });
        for n in 1..12 {
            let step = Duration::from_millis(100).saturating_mul(1 << (n - 1)).min(Duration::from_secs(1));
            assert!(retrier.backoff(n) <= step);
        }
        let fixed = Retrier::new(policy(10, 500));
        assert_eq!(fixed.backoff(40), Duration::from_secs(1), "no overflow, capped");
    }
}
