//! One request of each mode, the same workload every time: a fixed, cheap emulator answer of
//! `WORDS` words, so the numbers measure the path, not the model. Each call returns a [`Sample`].

use amazon_chat::proto::v1 as api;
use api::chat_service_client::ChatServiceClient;
use aws_sdk_bedrockruntime::types::{ContentBlock, ConversationRole, ConverseStreamOutput, Message};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client as HttpClient;
use hyper_util::client::legacy::connect::HttpConnector;
use std::time::{Duration, Instant};
use tonic::transport::Channel;

/// Words in every answer.
pub const WORDS: usize = 16;
/// The model every request names.
pub const MODEL: &str = "anthropic.claude-3-haiku-20240307-v1:0";

/// The prompt: an answer of `words` words (the emulator streams one chunk per word).
pub fn prompt(words: usize) -> String {
    format!("[[emulator:words={words}]] benchmark")
}

/// What one request measured.
#[derive(Debug, Clone, Default)]
pub struct Sample {
    /// Whether it succeeded with the expected answer.
    pub ok: bool,
    /// Request start to the last byte (unary) or the end of the stream.
    pub latency: Duration,
    /// Request start to the first content chunk (streams).
    pub first_token: Option<Duration>,
    /// Gaps between consecutive content chunks (streams).
    pub gaps: Vec<Duration>,
    /// Content chunks received (streams).
    pub chunks: usize,
}

/// The ways of making the same call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    /// AWS SDK Converse straight to the emulator.
    SdkUnary,
    /// AWS SDK ConverseStream straight to the emulator.
    SdkStream,
    /// gRPC ChatCompletion through the server.
    GrpcUnary,
    /// gRPC StreamChatCompletion through the server.
    GrpcStream,
    /// REST POST /v1/chat/completions through the server.
    RestUnary,
    /// REST with `stream: true` (Server-Sent Events) through the server.
    RestSse,
}

impl Mode {
    /// Every mode, baselines first.
    pub const ALL: [Mode; 6] =
        [Mode::SdkUnary, Mode::SdkStream, Mode::GrpcUnary, Mode::GrpcStream, Mode::RestUnary, Mode::RestSse];

    /// The baseline this mode is compared with.
    pub fn baseline(self) -> Mode {
        if self.is_stream() { Mode::SdkStream } else { Mode::SdkUnary }
    }

    /// Whether it streams.
    pub fn is_stream(self) -> bool {
        matches!(self, Mode::SdkStream | Mode::GrpcStream | Mode::RestSse)
    }

    /// Its name in reports.
    pub fn name(self) -> &'static str {
        match self {
            Mode::SdkUnary => "baseline: SDK Converse",
            Mode::SdkStream => "baseline: SDK ConverseStream",
            Mode::GrpcUnary => "gRPC unary",
            Mode::GrpcStream => "gRPC streaming",
            Mode::RestUnary => "REST unary",
            Mode::RestSse => "REST SSE",
        }
    }

    /// Its name in file names: the one `--only` takes.
    pub fn slug(self) -> &'static str {
        match self {
            Mode::SdkUnary => "sdk-unary",
            Mode::SdkStream => "sdk-stream",
            Mode::GrpcUnary => "grpc-unary",
            Mode::GrpcStream => "grpc-stream",
            Mode::RestUnary => "rest-unary",
            Mode::RestSse => "rest-sse",
        }
    }
}

/// The clients, built once.
#[derive(Clone)]
pub struct Clients {
    sdk: aws_sdk_bedrockruntime::Client,
    /// One per connection; calls take turns over them.
    grpc: Vec<ChatServiceClient<Channel>>,
    next_grpc: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    http: HttpClient<HttpConnector, Full<Bytes>>,
    rest_url: String,
    /// The length of every answer asked for, in words.
    words: usize,
    unary_body: Bytes,
    sse_body: Bytes,
}

impl Clients {
    /// Clients for the emulator (SDK) and the server (gRPC over one connection, REST).
    pub async fn new(emulator: &str, server: &str) -> Clients {
        Self::with_connections(emulator, server, 1).await
    }

    /// The same, with `connections` gRPC connections to the server that calls take in turn (so
    /// a server with a listener per worker, `--thread-per-core`, gets work on each of them).
    pub async fn with_connections(emulator: &str, server: &str, connections: usize) -> Clients {
        let credentials = aws_sdk_bedrockruntime::config::Credentials::new(
            super::procs::ACCESS_KEY_ID,
            super::procs::SECRET_ACCESS_KEY,
            None,
            None,
            "bench",
        );
        let config = aws_sdk_bedrockruntime::Config::builder()
            .behavior_version(aws_config::BehaviorVersion::latest())
            .region(aws_sdk_bedrockruntime::config::Region::new("us-east-1"))
            .credentials_provider(credentials)
            .endpoint_url(emulator)
            .retry_config(aws_config::retry::RetryConfig::disabled())
            .build();
        let mut grpc = Vec::new();
        for _ in 0..connections.max(1) {
            let channel = Channel::from_shared(server.to_owned())
                .expect("url")
                .connect()
                .await
                .expect("connect to the server");
            grpc.push(ChatServiceClient::new(channel));
        }
        Clients {
            sdk: aws_sdk_bedrockruntime::Client::from_conf(config),
            grpc,
            next_grpc: Default::default(),
            http: HttpClient::builder(hyper_util::rt::TokioExecutor::new()).build_http(),
            rest_url: format!("{server}/v1/chat/completions"),
            words: 0,
            unary_body: Bytes::new(),
            sse_body: Bytes::new(),
        }
        .with_words(WORDS)
    }

    /// The same clients (and connections), asking for answers of `words` words: a stream's cost
    /// per chunk is the difference between two lengths.
    pub fn with_words(mut self, words: usize) -> Clients {
        let body = |stream: bool| {
            Bytes::from(
                serde_json::json!({"model": MODEL, "stream": stream, "messages": [{"role": "user", "content": prompt(words)}]})
                    .to_string(),
            )
        };
        self.words = words;
        self.unary_body = body(false);
        self.sse_body = body(true);
        self
    }

    /// The REST modes over HTTP/2 (h2c with prior knowledge: every call multiplexed on one
    /// connection, as an HTTP/2 client would) instead of HTTP/1.1, the official SDKs' protocol.
    pub fn with_rest_http2(mut self) -> Clients {
        // TCP_NODELAY as gRPC clients set it: an HTTP/2 request is a HEADERS and a DATA frame,
        // and without it Nagle holds the second write for the server's delayed ACK (~40 ms).
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        self.http =
            HttpClient::builder(hyper_util::rt::TokioExecutor::new()).http2_only(true).build(connector);
        self
    }

    /// One request of `mode`.
    pub async fn call(&self, mode: Mode) -> Sample {
        let started = Instant::now();
        let mut sample = match mode {
            Mode::SdkUnary => self.sdk_unary().await,
            Mode::SdkStream => self.sdk_stream(started).await,
            Mode::GrpcUnary => self.grpc_unary().await,
            Mode::GrpcStream => self.grpc_stream(started).await,
            Mode::RestUnary => self.rest(false, started).await,
            Mode::RestSse => self.rest(true, started).await,
        };
        sample.latency = started.elapsed();
        sample
    }

    fn user_message(&self) -> Message {
        Message::builder()
            .role(ConversationRole::User)
            .content(ContentBlock::Text(prompt(self.words)))
            .build()
            .expect("message")
    }

    async fn sdk_unary(&self) -> Sample {
        let result = self.sdk.converse().model_id(MODEL).messages(self.user_message()).send().await;
        let words = result.ok().and_then(|r| r.usage().map(|u| u.output_tokens()));
        Sample { ok: words == Some(self.words as i32), ..Sample::default() }
    }

    async fn sdk_stream(&self, started: Instant) -> Sample {
        let Ok(output) =
            self.sdk.converse_stream().model_id(MODEL).messages(self.user_message()).send().await
        else {
            return Sample::default();
        };
        let mut events = output.stream;
        let mut chunks = ChunkClock::new(started, self.words);
        loop {
            match events.recv().await {
                Ok(Some(ConverseStreamOutput::ContentBlockDelta(_))) => chunks.tick(),
                Ok(Some(_)) => {}
                Ok(None) => return chunks.finish(true),
                Err(_) => return chunks.finish(false),
            }
        }
    }

    fn grpc_request(&self) -> api::ChatCompletionRequest {
        api::ChatCompletionRequest {
            model: MODEL.to_owned(),
            messages: vec![api::Message {
                role: "user".to_owned(),
                content: Some(api::message::Content::Text(prompt(self.words))),
                ..Default::default()
            }],
            ..Default::default()
        }
    }

    /// The next gRPC connection's client.
    fn grpc(&self) -> ChatServiceClient<Channel> {
        let turn = self.next_grpc.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.grpc[turn % self.grpc.len()].clone()
    }

    async fn grpc_unary(&self) -> Sample {
        let result = self.grpc().chat_completion(self.grpc_request()).await;
        let words = result.ok().and_then(|r| r.into_inner().usage).map(|u| u.completion_tokens);
        Sample { ok: words == Some(self.words as u32), ..Sample::default() }
    }

    async fn grpc_stream(&self, started: Instant) -> Sample {
        let Ok(response) = self.grpc().stream_chat_completion(self.grpc_request()).await else {
            return Sample::default();
        };
        let mut stream = response.into_inner();
        let mut chunks = ChunkClock::new(started, self.words);
        loop {
            match stream.message().await {
                Ok(Some(chunk)) => {
                    if chunk
                        .choices
                        .first()
                        .and_then(|c| c.delta.as_ref())
                        .is_some_and(|d| d.content.is_some())
                    {
                        chunks.tick();
                    }
                }
                Ok(None) => return chunks.finish(true),
                Err(_) => return chunks.finish(false),
            }
        }
    }

    async fn rest(&self, stream: bool, started: Instant) -> Sample {
        let body = if stream { self.sse_body.clone() } else { self.unary_body.clone() };
        let request = hyper::Request::post(&self.rest_url)
            .header("content-type", "application/json")
            .body(Full::new(body))
            .expect("request");
        let Ok(response) = self.http.request(request).await else { return Sample::default() };
        if !response.status().is_success() {
            return Sample::default();
        }
        let mut body = response.into_body();
        if !stream {
            let expected = format!("\"completion_tokens\":{},", self.words);
            let ok = body
                .collect()
                .await
                .is_ok_and(|b| String::from_utf8_lossy(&b.to_bytes()).contains(&expected));
            return Sample { ok, ..Sample::default() };
        }
        let mut chunks = ChunkClock::new(started, self.words);
        let mut done = false;
        while let Some(frame) = body.frame().await {
            let Ok(frame) = frame else { return chunks.finish(false) };
            if let Some(data) = frame.data_ref() {
                // One frame may carry several events; count those with non-empty content (the
                // first chunk's `"content":""` beside the role is not a token).
                let text = String::from_utf8_lossy(data);
                for (at, _) in text.match_indices("\"content\":\"") {
                    if !text[at + 11..].starts_with('"') {
                        chunks.tick();
                    }
                }
                done |= text.contains("data: [DONE]");
            }
        }
        chunks.finish(done)
    }
}

/// Times content chunks as they arrive.
struct ChunkClock {
    started: Instant,
    /// The chunks expected: one per word asked for.
    words: usize,
    first: Option<Duration>,
    last: Option<Instant>,
    gaps: Vec<Duration>,
}

impl ChunkClock {
    fn new(started: Instant, words: usize) -> Self {
        Self { started, words, first: None, last: None, gaps: Vec::with_capacity(words) }
    }

    fn tick(&mut self) {
        let now = Instant::now();
        match self.last {
            None => self.first = Some(now - self.started),
            Some(last) => self.gaps.push(now - last),
        }
        self.last = Some(now);
    }

    fn finish(self, ok: bool) -> Sample {
        let chunks = self.gaps.len() + usize::from(self.first.is_some());
        Sample {
            // A chunk per word: a stream that lost or merged chunks failed.
            ok: ok && chunks == self.words,
            latency: Duration::ZERO,
            first_token: self.first,
            chunks,
            gaps: self.gaps,
        }
    }
}
