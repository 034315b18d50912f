//! One record per finished chat call: an INFO access-log line (JSON with `--log-format json`) and
//! the call's metrics. The line sits in the call's span, so it carries the request id, protocol and
//! path too. Label values are bounded: models the catalog knows (else `other`), key names from the
//! keys file.

use crate::error::Error;
use crate::proto::v1 as api;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What is known of a call so far.
#[derive(Debug)]
pub struct CallRecord {
    started: Instant,
    /// `chat` or `embeddings`.
    operation: &'static str,
    key: Arc<str>,
    requested: String,
    user: Option<String>,
    stream: bool,
    called: Option<String>,
    region: Option<String>,
    model_label: String,
    first_token: Option<Duration>,
    done: bool,
    /// The call's span (OpenTelemetry's GenAI conventions).
    span: tracing::Span,
    /// The upstream attempts, across retries and failover.
    tally: super::retry::Tally,
}

impl CallRecord {
    /// A call starts.
    pub fn start(key: Arc<str>, request: &api::ChatCompletionRequest, stream: bool) -> Self {
        let bounded = |text: &str| text.chars().take(256).collect::<String>();
        let model = bounded(&request.model);
        let span = tracing::info_span!(
            "chat",
            otel.name = %format!("chat {model}"),
            otel.kind = "internal",
            gen_ai.operation.name = "chat",
            gen_ai.provider.name = "aws.bedrock",
            gen_ai.request.model = %model,
            gen_ai.request.max_tokens = request.max_tokens.or(request.max_completion_tokens).map(i64::from),
            gen_ai.request.temperature = request.temperature,
            gen_ai.response.model = tracing::field::Empty,
            gen_ai.usage.input_tokens = tracing::field::Empty,
            gen_ai.usage.output_tokens = tracing::field::Empty,
            error.type = tracing::field::Empty,
            aws.region = tracing::field::Empty,
        );
        Self::new(span, "chat", key, model, request.user.as_deref().map(bounded), stream)
    }

    /// An embeddings call starts.
    pub fn start_embeddings(key: Arc<str>, model: &str, user: Option<&str>) -> Self {
        let bounded = |text: &str| text.chars().take(256).collect::<String>();
        let model = bounded(model);
        let span = tracing::info_span!(
            "embeddings",
            otel.name = %format!("embeddings {model}"),
            otel.kind = "internal",
            gen_ai.operation.name = "embeddings",
            gen_ai.provider.name = "aws.bedrock",
            gen_ai.request.model = %model,
            gen_ai.response.model = tracing::field::Empty,
            gen_ai.usage.input_tokens = tracing::field::Empty,
            gen_ai.usage.output_tokens = tracing::field::Empty,
            error.type = tracing::field::Empty,
            aws.region = tracing::field::Empty,
        );
        Self::new(span, "embeddings", key, model, user.map(bounded), false)
    }

    fn new(
        span: tracing::Span,
        operation: &'static str,
        key: Arc<str>,
        requested: String,
        user: Option<String>,
        stream: bool,
    ) -> Self {
        Self {
            span,
            tally: super::retry::Tally::default(),
            started: Instant::now(),
            operation,
            key,
            requested,
            user,
            stream,
            called: None,
            region: None,
            model_label: "other".to_owned(),
            first_token: None,
            done: false,
        }
    }

    /// The count of upstream attempts, for the retry loop to keep.
    pub fn tally(&mut self) -> &mut super::retry::Tally {
        &mut self.tally
    }

    /// Where the call was served, with the caller's quota, for the response headers.
    pub fn served(&self, quota: crate::limits::Quota) -> super::Served {
        super::Served {
            quota,
            model_id: self.called.clone().unwrap_or_default(),
            region: self.region.clone().unwrap_or_default(),
            attempts: self.tally.attempts,
        }
    }

    /// The call's span, to run the call in.
    pub fn span(&self) -> &tracing::Span {
        &self.span
    }

    /// The model and region it goes to; `known` says whether the catalog lists the model (its
    /// label is the model id then, else `other`). Called again when the call fails over.
    pub fn routed(&mut self, called: &str, region: &str, known: bool) {
        self.span.record("gen_ai.response.model", called);
        self.span.record("aws.region", region);
        self.called = Some(called.to_owned());
        self.region = Some(region.to_owned());
        if known {
            self.model_label = crate::catalog::features::base_id(called).to_owned();
        }
    }

    /// The first answer token arrived (streams).
    pub fn first_token(&mut self) {
        if self.first_token.is_none() {
            self.first_token = Some(self.started.elapsed());
            // An OpenTelemetry event on the span only, not a log line per stream.
            tracing_opentelemetry::OpenTelemetrySpanExt::add_event(
                &self.span,
                "gen_ai.first_token",
                Vec::new(),
            );
            metrics::histogram!("amazon_chat_time_to_first_token_seconds", "model" => self.model_label.clone())
                .record(self.started.elapsed().as_secs_f64());
        }
    }

    /// The call ended: with an answer (and its usage), or with an error.
    pub fn finish(&mut self, outcome: Result<Option<&api::Usage>, &Error>) {
        if self.done {
            return;
        }
        self.done = true;
        let latency = self.started.elapsed();
        let (status, usage) = match outcome {
            Ok(usage) => ("ok", usage.cloned()),
            Err(error) => (error.class().reason, None),
        };
        self.emit(status, usage, latency);
    }

    fn emit(&self, status: &'static str, usage: Option<api::Usage>, latency: Duration) {
        let usage = usage.unwrap_or_default();
        // As i64: OpenTelemetry has no unsigned integers (a u32 would arrive as text).
        self.span.record("gen_ai.usage.input_tokens", i64::from(usage.prompt_tokens));
        self.span.record("gen_ai.usage.output_tokens", i64::from(usage.completion_tokens));
        if status != "ok" {
            self.span.record("error.type", status);
        }
        let read = usage.cache_read_tokens.unwrap_or_default();
        let write = usage.cache_write_tokens.unwrap_or_default();
        let labels = [("model", self.model_label.clone()), ("key", self.key.to_string())];
        if self.operation == "embeddings" {
            metrics::counter!("amazon_chat_embeddings_total", "model" => self.model_label.clone(), "key" => self.key.to_string(),
                "status" => status)
            .increment(1);
            metrics::histogram!("amazon_chat_embeddings_duration_seconds", "model" => self.model_label.clone())
                .record(latency.as_secs_f64());
        } else {
            metrics::counter!("amazon_chat_completions_total", "model" => self.model_label.clone(), "key" => self.key.to_string(),
                "stream" => if self.stream { "true" } else { "false" }, "status" => status)
            .increment(1);
            metrics::histogram!("amazon_chat_completion_duration_seconds", "model" => self.model_label.clone(),
                "stream" => if self.stream { "true" } else { "false" })
            .record(latency.as_secs_f64());
        }
        for (direction, tokens) in [
            ("input", usage.prompt_tokens.saturating_sub(read).saturating_sub(write)),
            ("output", usage.completion_tokens),
            ("cache_read", read),
            ("cache_write", write),
        ] {
            if tokens > 0 {
                metrics::counter!(
                    "amazon_chat_tokens_total",
                    &[("direction", direction.to_owned()), labels[0].clone(), labels[1].clone()]
                )
                .increment(u64::from(tokens));
            }
        }
        if status == "RATE_LIMITED" {
            metrics::counter!("amazon_chat_rate_limited_total", "key" => self.key.to_string()).increment(1);
        }
        tracing::info!(
            target: "amazon_chat::access",
            operation = self.operation,
            key = %self.key,
            model = %self.requested,
            model_called = self.called.as_deref().unwrap_or("-"),
            region = self.region.as_deref().unwrap_or("-"),
            stream = self.stream,
            status,
            input_tokens = usage.prompt_tokens,
            output_tokens = usage.completion_tokens,
            cache_read_tokens = read,
            cache_write_tokens = write,
            latency_ms = latency.as_millis() as u64,
            ttft_ms = self.first_token.map(|t| t.as_millis() as u64),
            upstream_attempts = self.tally.attempts,
            user = self.user.as_deref(),
            "{} call finished",
            self.operation
        );
    }
}

impl Drop for CallRecord {
    /// A call dropped before it finished: a stream whose client went away.
    fn drop(&mut self) {
        if !self.done {
            self.done = true;
            self.emit("CLIENT_CLOSED", None, self.started.elapsed());
        }
    }
}
