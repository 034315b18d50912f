//! The core: answers a chat completion request, whole or streamed, through Bedrock.
//!
//! It validates the request, maps it with the Bedrock adapter, applies the upstream timeouts, and
//! shapes the answer (ids, timestamps, chunks). It knows nothing of tonic or HTTP: the gRPC and
//! REST layers are thin adapters over [`Chat`].

pub mod blocks;
pub mod cache;
pub mod count_tokens;
pub mod embeddings;
pub mod reasoning;
pub mod record;
pub mod retry;
pub mod structured;
pub mod turns;
pub mod validate;

use crate::auth::Caller;
use crate::bedrock::pool::BedrockPool;
use crate::bedrock::{self, Bedrock, EventStream, stream::StreamTranslator};
use crate::catalog::Catalog;
use crate::catalog::models_file::{Defaults, FailoverTarget};
use crate::error::{Error, ErrorKind, Result};
use crate::limits::{Admission, Limiter, Quota};
use crate::proto::v1 as api;
use aws_sdk_bedrockruntime::types::ConverseStreamOutput;
use futures::Stream;
use record::CallRecord;
use retry::Retrier;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tracing::Instrument as _;

/// A stream of answer chunks. Dropping it drops the upstream Bedrock stream at once.
pub type ChunkStream = Pin<Box<dyn Stream<Item = Result<api::StreamChatCompletionResponse>> + Send>>;

/// Timeouts applied to upstream calls.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    /// A unary call, or a stream's first event.
    pub upstream: Duration,
    /// The longest gap between two stream events.
    pub stream_idle: Duration,
}

/// Server-wide policies for requests.
#[derive(Debug, Clone, Default)]
pub struct Policies {
    /// Thinking budgets per reasoning level.
    pub budgets: reasoning::Budgets,
    /// `--prompt-cache auto`: place cache points for requests that set none.
    pub prompt_cache_auto: bool,
    /// `--max-open-streams` (0: no cap).
    pub max_open_streams: usize,
    /// `--s3-bucket-owner`: the account that owns the buckets of `s3://` URLs.
    pub s3_bucket_owner: Option<String>,
    /// Fetches images given by URL.
    pub fetcher: Arc<crate::fetch::Fetcher>,
    /// `--embedding-input-type`: what embeddings are for when a request does not say.
    pub embedding_input_type: String,
}

/// What the adapters tell the caller besides the answer: the caller's quota after the call, and
/// where the call was served (failover may have sent it elsewhere).
#[derive(Debug, Clone, Default)]
pub struct Served {
    /// The caller's quota.
    pub quota: Quota,
    /// The id Bedrock was called with.
    pub model_id: String,
    /// The region that answered.
    pub region: String,
    /// Upstream attempts, retries and failovers included.
    pub attempts: u32,
}

impl Served {
    /// As response headers (REST) or metadata (gRPC): OpenAI's `x-ratelimit-*`, and
    /// `x-amazon-chat-model-id`, `x-amazon-chat-region`, `x-amazon-chat-attempts`.
    pub fn headers(&self) -> Vec<(&'static str, String)> {
        let mut headers = crate::limits::headers(&self.quota);
        headers.push(("x-amazon-chat-model-id", self.model_id.clone()));
        headers.push(("x-amazon-chat-region", self.region.clone()));
        headers.push(("x-amazon-chat-attempts", self.attempts.to_string()));
        headers
    }
}

/// One target made ready: the Converse request, the client to send it with, and the
/// structured-output plan for its answer.
struct Prepared {
    converse: bedrock::ConverseRequest,
    client: Bedrock,
    structured: structured::Structured,
    /// The retry budget's name: `region/model` (`region/other` for models the catalog does not know).
    budget: String,
}

/// The chat service core.
#[derive(Clone)]
pub struct Chat {
    pool: Arc<BedrockPool>,
    catalog: Catalog,
    timeouts: Timeouts,
    policies: Policies,
    limiter: Arc<Limiter>,
    streams: Arc<tokio::sync::Semaphore>,
    retrier: Arc<Retrier>,
    /// Set when shutdown's grace period ends: calls still running end with UNAVAILABLE.
    cut: Arc<tokio::sync::watch::Sender<bool>>,
}

impl Chat {
    /// A core over Bedrock clients and the model catalog.
    pub fn new(
        pool: Arc<BedrockPool>,
        catalog: Catalog,
        timeouts: Timeouts,
        policies: Policies,
        limiter: Arc<Limiter>,
        retry: retry::RetryPolicy,
    ) -> Self {
        let cap = if policies.max_open_streams == 0 {
            tokio::sync::Semaphore::MAX_PERMITS
        } else {
            policies.max_open_streams
        };
        Self {
            pool,
            catalog,
            timeouts,
            policies,
            limiter,
            streams: Arc::new(tokio::sync::Semaphore::new(cap)),
            retrier: Arc::new(Retrier::new(retry)),
            cut: Arc::new(tokio::sync::watch::channel(false).0),
        }
    }

    /// The same core over other Bedrock clients (a `--thread-per-core` worker's): everything
    /// else (catalog, limits, retry budgets, caps, the shutdown cut) stays shared.
    pub fn with_pool(&self, pool: Arc<BedrockPool>) -> Self {
        Self { pool, ..self.clone() }
    }

    /// Ends every call still running (shutdown's grace period is over): streams get a final
    /// UNAVAILABLE error (an error event on REST) rather than a reset connection, unary calls an
    /// UNAVAILABLE answer.
    pub fn cut_running_calls(&self) {
        let _ = self.cut.send(true);
    }

    /// The model catalog.
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// Validates, routes (alias, allow-list, region) and maps a request for its model, or for a
    /// failover `target`: the Converse request and the client to send it with.
    fn prepare(
        &self,
        request: &mut api::ChatCompletionRequest,
        caller: &Caller,
        record: &mut CallRecord,
        target: Option<&FailoverTarget>,
    ) -> Result<Prepared> {
        validate::request(request)?;
        let route = self.allowed_chat_route(&request.model, caller, target)?;
        let (mut converse, structured) =
            map_request(request, &route.model_id, route.defaults, &self.policies)?;
        converse.model_id = route.model_id;
        attribute_to(&mut converse.metadata, &caller.name)?;
        let client =
            self.pool.client(route.region.as_deref()).map_err(|e| Error::new(ErrorKind::Internal, e))?;
        record.routed(&converse.model_id, client.region(), route.known);
        let budget =
            format!("{}/{}", client.region(), if route.known { converse.model_id.as_str() } else { "other" });
        Ok(Prepared { converse, client, structured, budget })
    }

    /// [`Chat::allowed_route`] for a chat request: an embedding model is refused.
    fn allowed_chat_route(
        &self,
        model: &str,
        caller: &Caller,
        target: Option<&FailoverTarget>,
    ) -> Result<crate::catalog::routing::Route> {
        let route = self.allowed_route(model, caller, target)?;
        if bedrock::embeddings::family(&route.model_id).is_some() {
            return Err(Error::invalid(
                "model",
                format!(
                    "{model:?} is an embedding model: embed with POST /v1/embeddings (gRPC: EmbeddingService), or chat with a chat model"
                ),
            ));
        }
        Ok(route)
    }

    /// Where a call for `model` (or its failover `target`) goes, if the caller may use that model.
    fn allowed_route(
        &self,
        model: &str,
        caller: &Caller,
        target: Option<&FailoverTarget>,
    ) -> Result<crate::catalog::routing::Route> {
        let route = match target {
            None => self.catalog.route(model)?,
            Some(target) => self.catalog.route_target(model, target)?,
        };
        let named = target.and_then(|t| t.model.as_deref()).unwrap_or(model);
        if !caller.may_use(named, &route.model_id) {
            return Err(Error::new(
                ErrorKind::ModelNotAllowed,
                format!(
                    "key {:?} may not use model {named:?} (its models are set in the keys file)",
                    caller.name
                ),
            ));
        }
        Ok(route)
    }

    /// Calls Bedrock for a prepared request: retried on its target, then on each target of the
    /// model's failover chain, all within one deadline. `call` makes one attempt. `pristine` is
    /// the request as it came (before defaults), kept only when there is a chain to prepare again.
    /// Each target's attempts run in a client span of `operation` naming that target.
    async fn call_upstream<T, F, Fut>(
        &self,
        operation: &'static str,
        prepared: Prepared,
        pristine: Option<&api::ChatCompletionRequest>,
        caller: &Caller,
        record: &mut CallRecord,
        call: F,
    ) -> Result<(T, Prepared)>
    where
        F: Fn(bedrock::ConverseRequest, Bedrock) -> Fut,
        Fut: Future<Output = Result<T>>,
    {
        let deadline = tokio::time::Instant::now() + self.timeouts.upstream;
        let requested = pristine.map(|r| r.model.clone()).unwrap_or_default();
        let chain = pristine.map_or(&[][..], |r| self.catalog.failover(&r.model));
        let mut prepared = prepared;
        let mut next = chain.iter();
        loop {
            let model = prepared.converse.model_id.clone();
            let attempt = || call(prepared.converse.clone(), prepared.client.clone());
            let span = bedrock_span(operation, &model, prepared.client.region());
            let attempts = self.retrier.run(&prepared.budget, &model, deadline, record.tally(), attempt);
            let error = match attempts.instrument(span).await {
                Ok(value) => return Ok((value, prepared)),
                Err(error) => error,
            };
            if !retry::moves_on(&error) {
                return Err(error);
            }
            // The next target of the chain that can be prepared (for this caller, this request).
            let mut replacement = None;
            for target in next.by_ref() {
                let Some(pristine) = pristine else { break };
                let mut request = pristine.clone();
                match self.prepare(&mut request, caller, record, Some(target)) {
                    Ok(ready) => {
                        replacement = Some(ready);
                        break;
                    }
                    Err(skipped) => tracing::warn!(
                        model = %requested,
                        target = ?target,
                        "failover target skipped: {}",
                        skipped.message
                    ),
                }
            }
            let Some(ready) = replacement else { return Err(error) };
            metrics::counter!("amazon_chat_upstream_failovers_total").increment(1);
            tracing::warn!(
                from = %prepared.budget,
                to = %ready.budget,
                upstream = error.upstream_code.as_deref().unwrap_or(error.class().reason),
                "failing over: {}",
                error.message
            );
            prepared = ready;
        }
    }

    /// Answers in one piece, with the caller's quota after the call and where it was served.
    pub async fn complete(
        &self,
        request: api::ChatCompletionRequest,
        caller: &Caller,
    ) -> Result<(api::ChatCompletionResponse, Served)> {
        record_on_call_span(&request);
        let mut record = CallRecord::start(caller.name.clone(), &request, false);
        let span = record.span().clone();
        let result = self.complete_recorded(request, caller, &mut record).instrument(span).await;
        record.finish(result.as_ref().map(|(response, _)| response.usage.as_ref()));
        result
    }

    async fn complete_recorded(
        &self,
        mut request: api::ChatCompletionRequest,
        caller: &Caller,
        record: &mut CallRecord,
    ) -> Result<(api::ChatCompletionResponse, Served)> {
        let admitted = self.admit_and_inline_images(&mut request, caller, false).await?;
        let pristine = self.pristine_for_failover(&request);
        let prepared = self.prepare(&mut request, caller, record, None)?;
        let (admission, quota) = match admitted {
            Some(admitted) => admitted,
            None => self.limiter.admit(caller, &request, false).await?,
        };
        let call = |converse, client: Bedrock| async move { client.converse(converse).await };
        let called = self.call_upstream("Converse", prepared, pristine.as_ref(), caller, record, call);
        let called = until_cut(self.cut.subscribe(), called);
        let (mut answer, prepared) = match called.await {
            Ok(called) => called,
            Err(error) => {
                admission.finish(Some(0)); // Bedrock did not answer: no tokens were used
                return Err(error);
            }
        };
        admission.finish(answer.usage.as_ref().map(|u| u64::from(u.total_tokens)));
        prepared.structured.shape(&mut answer.message, &mut answer.finish_reason)?;
        if answer.finish_reason == "stop" && answer.stop_reason == "tool_use" {
            answer.stop_reason = "end_turn".to_owned(); // the answer tool's call became the answer
        }
        let served = record.served(quota);
        let response = api::ChatCompletionResponse {
            id: completion_id(),
            object: "chat.completion".to_owned(),
            created: unix_now(),
            model: request.model,
            choices: vec![api::Choice {
                index: 0,
                message: Some(answer.message),
                finish_reason: answer.finish_reason.to_owned(),
                stop_reason: Some(answer.stop_reason),
                stop_sequence: answer.stop_sequence,
            }],
            usage: answer.usage,
            service_tier: answer.service_tier,
            guardrail_trace_json: answer.guardrail_trace_json,
        };
        Ok((response, served))
    }

    /// Fetches the request's images given by http(s) URL and puts them in as data URLs, so the
    /// mapping (and every failover target) sends bytes. Only a valid request (at most 20 images)
    /// for a model the caller may use, admitted by the caller's rate limits, makes the server fetch
    /// anything: a key over its limit gets its 429 before any fetch. The images are fetched
    /// concurrently. Returns the admission when there was something to fetch (the call is then
    /// admitted already), `None` otherwise.
    async fn admit_and_inline_images(
        &self,
        request: &mut api::ChatCompletionRequest,
        caller: &Caller,
        stream: bool,
    ) -> Result<Option<(Admission, Quota)>> {
        use crate::fetch::Fetcher;
        let remote: Vec<(usize, usize, String)> = image_urls(request)
            .filter(|(_, _, url)| Fetcher::is_remote(url))
            .map(|(i, j, url)| (i, j, url.to_owned()))
            .collect();
        if remote.is_empty() {
            return Ok(None);
        }
        validate::request(request)?;
        self.allowed_chat_route(&request.model, caller, None)?;
        let (admission, quota) = self.limiter.admit(caller, request, stream).await?;
        match self.inline_images(request, &remote).await {
            Ok(()) => Ok(Some((admission, quota))),
            Err(error) => {
                admission.finish(Some(0)); // nothing reached Bedrock
                Err(error)
            }
        }
    }

    /// Fetches the `remote` images (message, part, URL) and puts them in as data URLs.
    async fn inline_images(
        &self,
        request: &mut api::ChatCompletionRequest,
        remote: &[(usize, usize, String)],
    ) -> Result<()> {
        use crate::fetch::sniff;
        let fetcher = &self.policies.fetcher;
        let fetches = remote.iter().map(|(i, j, url)| async move {
            let field = format!("messages[{i}].content.parts[{j}].image_url.url");
            fetcher.image(url, &field).await
        });
        let images = futures::future::try_join_all(fetches).await?;
        for (&(i, j, _), (kind, bytes)) in remote.iter().zip(images) {
            if let Some(image) = image_url_mut(request, i, j) {
                use base64::Engine as _;
                let data = base64::engine::general_purpose::STANDARD.encode(bytes);
                image.url = format!("data:{};base64,{data}", sniff::media_type(kind));
            }
        }
        Ok(())
    }

    /// A copy of the request as it came, for preparing failover targets; only when it has some.
    fn pristine_for_failover(
        &self,
        request: &api::ChatCompletionRequest,
    ) -> Option<api::ChatCompletionRequest> {
        (!self.catalog.failover(&request.model).is_empty()).then(|| request.clone())
    }

    /// Answers as a stream of chunks.
    ///
    /// Waits for Bedrock's first event before returning, so a request that Bedrock rejects at once
    /// fails with a normal error rather than a stream that breaks after it started.
    pub async fn stream(
        &self,
        request: api::ChatCompletionRequest,
        caller: &Caller,
    ) -> Result<(ChunkStream, Served)> {
        record_on_call_span(&request);
        let mut record = CallRecord::start(caller.name.clone(), &request, true);
        let span = record.span().clone();
        match self.stream_recorded(request, caller, &mut record).instrument(span).await {
            Ok((mut state, quota)) => {
                state.record = Some(record);
                // Boxed, and stepped through `&mut`: the state (1.4 KB) and the step's future
                // (3.6 KB while it held the state by value) were copied several times per chunk
                // (docs/benchmarks.md, "Fewer copies per chunk").
                let chunks = futures::stream::unfold(Box::new(state), |mut state| async move {
                    let chunk = state.next_chunk().await?;
                    Some((chunk, state))
                });
                Ok((Box::pin(chunks), quota))
            }
            Err(error) => {
                record.finish(Err(&error));
                Err(error)
            }
        }
    }

    async fn stream_recorded(
        &self,
        mut request: api::ChatCompletionRequest,
        caller: &Caller,
        record: &mut CallRecord,
    ) -> Result<(StreamState, Served)> {
        let admitted = self.admit_and_inline_images(&mut request, caller, true).await?;
        let pristine = self.pristine_for_failover(&request);
        let prepared = self.prepare(&mut request, caller, record, None)?;
        let slot = self.streams.clone().try_acquire_owned().map_err(|_| {
            Error::new(
                ErrorKind::Overloaded,
                format!(
                    "this server has {} streams open, its limit; retry shortly",
                    self.policies.max_open_streams
                ),
            )
            .with_retry_after(Duration::from_secs(1))
        })?;
        let (admission, quota) = match admitted {
            Some(admitted) => admitted,
            None => self.limiter.admit(caller, &request, true).await?,
        };
        let include_usage = request.stream_options.as_ref().is_some_and(|o| o.include_usage);
        // An attempt is the call and its first event together: nothing has reached the caller yet,
        // so it may be retried or failed over. Once the stream is returned, it never is.
        let model = request.model.clone();
        let open = |converse, client: Bedrock| {
            let model = model.clone();
            async move {
                let mut events = client.converse_stream(converse).await?;
                let first = Bedrock::next_event(&mut events, &model, client.region()).await?;
                Ok((events, first))
            }
        };
        let called = self.call_upstream("ConverseStream", prepared, pristine.as_ref(), caller, record, open);
        let called = until_cut(self.cut.subscribe(), called);
        let ((events, first), prepared) = match called.await {
            Ok(opened) => opened,
            Err(error) => {
                admission.finish(Some(0));
                return Err(error);
            }
        };
        let region = prepared.client.region().to_owned();
        let structured = prepared.structured;
        let translator =
            StreamTranslator::new(completion_id(), unix_now(), request.model.clone(), include_usage);
        let state = StreamState {
            events,
            translator,
            pending: first,
            model: request.model,
            region,
            idle: self.timeouts.stream_idle,
            cut: self.cut.subscribe(),
            finished: false,
            saw_stop: false,
            shaper: structured.stream_shaper(),
            admission: Some(admission),
            record: None,
            _open: OpenStream::new(),
            _slot: slot,
            deferred: None,
        };
        Ok((state, record.served(quota)))
    }
}

/// The state of one answer stream.
struct StreamState {
    events: EventStream,
    translator: StreamTranslator,
    /// The first event, read before the stream was returned.
    pending: Option<ConverseStreamOutput>,
    model: String,
    region: String,
    idle: Duration,
    /// Shutdown's cut (see [`Chat::cut_running_calls`]).
    cut: tokio::sync::watch::Receiver<bool>,
    finished: bool,
    saw_stop: bool,
    /// Structured output's shaping and checks.
    shaper: structured::StreamShaper,
    /// The rate-limit admission, settled when the stream ends (or released if it is dropped).
    admission: Option<Admission>,
    /// The call's record, finished when the stream ends (or as client-closed if it is dropped).
    record: Option<CallRecord>,
    /// Counts the stream in the open-streams gauge while it lives.
    _open: OpenStream,
    /// Its place under `--max-open-streams`, given back when the stream is dropped.
    _slot: tokio::sync::OwnedSemaphorePermit,
    /// A failed structured-output check, held until Bedrock's last event brings the usage.
    deferred: Option<Error>,
}

/// A stream counted in `amazon_chat_open_streams` for as long as it lives.
struct OpenStream;

impl OpenStream {
    fn new() -> Self {
        metrics::gauge!("amazon_chat_open_streams").increment(1.0);
        OpenStream
    }
}

impl Drop for OpenStream {
    fn drop(&mut self) {
        metrics::gauge!("amazon_chat_open_streams").decrement(1.0);
    }
}

impl StreamState {
    /// Settles the admission with the usage Bedrock reported.
    fn settle(&mut self) {
        if let Some(admission) = self.admission.take() {
            admission.finish(self.translator.usage().map(|u| u64::from(u.total_tokens)));
        }
    }

    /// Ends the record: with the usage, or with the error that ended the stream.
    fn close(&mut self, error: Option<&Error>) {
        if let Some(mut record) = self.record.take() {
            match error {
                Some(error) => record.finish(Err(error)),
                None => record.finish(Ok(self.translator.usage())),
            }
        }
    }

    async fn next_chunk(&mut self) -> Option<Result<api::StreamChatCompletionResponse>> {
        loop {
            if self.finished {
                return None;
            }
            let event = match self.pending.take() {
                Some(event) => Some(event),
                None => {
                    let next = Bedrock::next_event(&mut self.events, &self.model, &self.region);
                    let waited = tokio::select! {
                        waited = tokio::time::timeout(self.idle, next) => Some(waited),
                        _ = self.cut.wait_for(|cut| *cut) => None,
                    };
                    let Some(waited) = waited else { return self.fail(cut_error()) };
                    match waited {
                        Ok(Ok(event)) => event,
                        Ok(Err(error)) => return self.fail(error),
                        Err(_) => {
                            let message = format!("Bedrock sent nothing for {:?} on this stream", self.idle);
                            return self.fail(Error::new(ErrorKind::DeadlineExceeded, message));
                        }
                    }
                }
            };
            let Some(event) = event else {
                if let Some(error) = self.deferred.take() {
                    return self.fail(error);
                }
                self.finished = true;
                self.settle();
                if self.saw_stop {
                    self.close(None);
                    return None;
                }
                let message = "Bedrock's stream ended before the answer was complete; retrying may succeed";
                let error =
                    Error::new(ErrorKind::Unavailable, message).with_retry_after(Duration::from_secs(1));
                self.close(Some(&error));
                return Some(Err(error));
            };
            self.saw_stop |= matches!(event, ConverseStreamOutput::MessageStop(_));
            if self.deferred.is_some() {
                // The answer already failed its check: only the usage is still wanted.
                let _ = self.translator.chunk(event);
                continue;
            }
            if let Some(chunk) = self.translator.chunk(event) {
                let has_token = chunk.choices.iter().filter_map(|c| c.delta.as_ref()).any(|d| {
                    d.content.is_some() || d.reasoning_content.is_some() || !d.tool_calls.is_empty()
                });
                if has_token && let Some(record) = self.record.as_mut() {
                    record.first_token();
                }
                match self.shaper.chunk(chunk) {
                    Ok(chunk) => return Some(Ok(chunk)),
                    Err(error) => self.deferred = Some(error),
                }
            }
        }
    }

    fn fail(&mut self, error: Error) -> Option<Result<api::StreamChatCompletionResponse>> {
        // A failed check that was waiting for the usage is what the caller must hear about.
        let error = self.deferred.take().unwrap_or(error);
        self.finished = true;
        self.settle();
        self.close(Some(&error));
        Some(Err(error))
    }
}

/// Maps a validated request for `model_id` onto Converse: the family's defaults, then the reasoning,
/// prompt-cache and structured-output decisions, then the mapping itself. No I/O: the property
/// tests drive it with any request.
pub fn map_request(
    request: &mut api::ChatCompletionRequest,
    model_id: &str,
    defaults: Defaults,
    policies: &Policies,
) -> Result<(bedrock::ConverseRequest, structured::Structured)> {
    let caller_max_tokens = validate::max_output_tokens(request.max_tokens, request.max_completion_tokens)?;
    let caller_temperature = request.temperature;
    apply_defaults(request, defaults);
    let default_max_tokens = validate::max_output_tokens(request.max_tokens, request.max_completion_tokens)?;
    // Claude's thinking rules are about the caller's temperature, not a models-file default.
    let default_temperature = std::mem::replace(&mut request.temperature, caller_temperature);
    let plan = reasoning::plan(request, model_id, caller_max_tokens, default_max_tokens, &policies.budgets)?;
    if !plan.is_claude_thinking() {
        request.temperature = default_temperature;
    }
    let cache = cache::plan(request, model_id, policies.prompt_cache_auto)?;
    let structured = structured::plan(request, model_id, &plan)?;
    let decisions = bedrock::Decisions {
        model_id,
        reasoning: &plan,
        cache,
        structured: &structured,
        s3_bucket_owner: policies.s3_bucket_owner.as_deref(),
    };
    let converse = bedrock::to_converse(request, &decisions)?;
    Ok((converse, structured))
}

/// Every image URL of the request: (message, part, URL).
fn image_urls(request: &api::ChatCompletionRequest) -> impl Iterator<Item = (usize, usize, &str)> {
    request.messages.iter().enumerate().flat_map(|(i, message)| {
        let parts = match &message.content {
            Some(api::message::Content::Parts(parts)) => parts.parts.as_slice(),
            _ => &[],
        };
        parts.iter().enumerate().filter_map(move |(j, part)| match &part.part {
            Some(api::content_part::Part::ImageUrl(image)) => Some((i, j, image.url.as_str())),
            _ => None,
        })
    })
}

fn image_url_mut(request: &mut api::ChatCompletionRequest, i: usize, j: usize) -> Option<&mut api::ImageUrl> {
    match &mut request.messages.get_mut(i)?.content {
        Some(api::message::Content::Parts(parts)) => match &mut parts.parts.get_mut(j)?.part {
            Some(api::content_part::Part::ImageUrl(image)) => Some(image),
            _ => None,
        },
        _ => None,
    }
}

/// The request-metadata key naming the caller's API key in Bedrock's invocation logs.
pub const KEY_NAME_METADATA: &str = "api_key_name";

/// Sets the caller's key name in Bedrock's request metadata, for cost attribution in invocation
/// logs. The server's value replaces a caller's `api_key_name`, so that no caller can bill another
/// team; it needs one of Bedrock's 16 pairs. Key names (up to 64 letters, digits, `.`, `_`, `-`)
/// are valid metadata values as they are.
fn attribute_to(metadata: &mut std::collections::HashMap<String, String>, key_name: &str) -> Result<()> {
    if metadata.len() >= validate::MAX_METADATA_PAIRS && !metadata.contains_key(KEY_NAME_METADATA) {
        return Err(Error::invalid(
            "metadata",
            format!(
                "holds {} pairs; the server adds {KEY_NAME_METADATA:?} (the caller's key name), so at most {} others",
                metadata.len(),
                validate::MAX_METADATA_PAIRS - 1
            ),
        ));
    }
    metadata.insert(KEY_NAME_METADATA.to_owned(), key_name.to_owned());
    Ok(())
}

/// The server's span of the call (the current one, before the chat span is entered) carries who
/// asked for what on every log line of the call; bounded, as validation has not run yet.
fn record_on_call_span(request: &api::ChatCompletionRequest) {
    let span = tracing::Span::current();
    let bounded = |text: &str| text.chars().take(validate::MAX_USER_CHARS).collect::<String>();
    span.record("model", bounded(&request.model).as_str());
    if let Some(user) = &request.user {
        span.record("user", bounded(user).as_str());
    }
}

/// The client span of a Bedrock call.
fn bedrock_span(operation: &'static str, model: &str, region: &str) -> tracing::Span {
    tracing::info_span!(
        "bedrock",
        otel.name = %format!("BedrockRuntime/{operation}"),
        otel.kind = "client",
        rpc.system = "aws-api",
        rpc.service = "BedrockRuntime",
        rpc.method = operation,
        gen_ai.provider.name = "aws.bedrock",
        gen_ai.request.model = %model,
        cloud.region = %region,
    )
}

/// Fills what the request leaves unset from the model family's defaults (models file).
fn apply_defaults(request: &mut api::ChatCompletionRequest, defaults: Defaults) {
    if request.max_tokens.is_none() && request.max_completion_tokens.is_none() {
        request.max_tokens = defaults.max_tokens;
    }
    if request.temperature.is_none() {
        request.temperature = defaults.temperature;
    }
}

/// Runs a call unless shutdown cuts it first.
async fn until_cut<T>(
    mut cut: tokio::sync::watch::Receiver<bool>,
    call: impl Future<Output = Result<T>>,
) -> Result<T> {
    tokio::select! {
        result = call => result,
        _ = cut.wait_for(|cut| *cut) => Err(cut_error()),
    }
}

/// What a call cut at the end of shutdown's grace period ends with.
fn cut_error() -> Error {
    Error::new(
        ErrorKind::Unavailable,
        "the server is shutting down and its grace period is over; retry (another replica will answer)",
    )
    .with_retry_after(Duration::from_secs(1))
}

fn completion_id() -> String {
    format!("chatcmpl-{}", uuid::Uuid::new_v4().simple())
}

fn unix_now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or_default()
}
