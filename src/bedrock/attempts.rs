//! Counts the attempts of one Bedrock call: the SDK retries throttling and 5xx inside a call
//! (`--bedrock-max-attempts`), so without this a retried call looks like one slow one. Each attempt
//! counts in `amazon_chat_upstream_attempts_total`, each retry in `amazon_chat_upstream_retries_total`
//! with a log line, and the access record carries the call's total.

use aws_sdk_bedrockruntime::config::interceptors::BeforeTransmitInterceptorContextRef;
use aws_sdk_bedrockruntime::config::{ConfigBag, Intercept, RuntimeComponents};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

/// The attempts of one call, shared with whoever records the call.
#[derive(Debug, Clone, Default)]
pub struct Attempts(Arc<AtomicU32>);

impl Attempts {
    /// How many attempts were made so far.
    pub fn count(&self) -> u32 {
        self.0.load(Ordering::Relaxed)
    }
}

impl Intercept for Attempts {
    fn name(&self) -> &'static str {
        "AmazonChatAttempts"
    }

    fn read_before_attempt(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        let attempt = self.0.fetch_add(1, Ordering::Relaxed) + 1;
        metrics::counter!("amazon_chat_upstream_attempts_total").increment(1);
        if attempt > 1 {
            metrics::counter!("amazon_chat_upstream_retries_total").increment(1);
            tracing::info!(
                attempt,
                "retrying the Bedrock call (the previous attempt was throttled or failed)"
            );
        }
        Ok(())
    }
}
