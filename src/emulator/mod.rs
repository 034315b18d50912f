//! A Bedrock Runtime emulator that speaks Bedrock's real wire protocol, so the real SDK path (SigV4
//! signing, JSON, event-stream framing, typed exceptions) runs end to end with no AWS account.
//!
//! - `POST /model/{modelId}/converse` and `/converse-stream`, with signatures verified against the
//!   emulator's credential table ([`sigv4`]) and unknown model ids rejected as Bedrock does
//!   (embedding models too: they do not chat).
//! - `POST /model/{modelId}/invoke` (InvokeModel) for the embedding models: Titan Text Embeddings
//!   V2 and G1, Cohere Embed v3 and v4, Nova Multimodal Embeddings, each with its own body, and
//!   deterministic vectors and token counts (`embeddings`); other models get Bedrock's refusal of
//!   a body their schema does not take.
//! - `POST /model/{modelId}/count-tokens` (CountTokens) for the Claude models that count tokens, by
//!   bare model id, from a Converse or an InvokeModel input (`count_tokens`).
//! - Deterministic answers derived from the request ([`answer`]), framed as event streams
//!   ([`eventstream`]) for ConverseStream, after Bedrock's checks: documents and their citations
//!   (`documents`, `citations`), service tiers and latency-optimized inference per model and
//!   region (`tiers`), request metadata (`request_metadata`), the guardrail trace
//!   (`guardrail`).
//! - Faults and timing driven from the prompt ([`directives`]), or from an embedding call's input
//!   text, scoped to regions, models or the first N tries, to prove retries and failover.
//! - The identity side ([`issuer`]): STS AssumeRole (ExternalId checked), AssumeRoleWithWebIdentity
//!   and GetCallerIdentity at `POST /`, EC2's IMDSv2 under `/latest/`, and a container-credentials
//!   endpoint at `/container-credentials`, all issuing temporary credentials that Bedrock accepts.
//! - Bedrock's control plane for the model catalog: `GET /foundation-models` and a paginated
//!   `GET /inference-profiles`, per region, from the emulator's own table of models, regions and
//!   profiles ([`world`], written from AWS's documentation and sharing nothing with the server's);
//!   a model not offered in the caller's region is rejected with Bedrock's own message.
//! - A log of what it received: `GET /_emulator/requests` (JSON), `DELETE` to clear it.
//!
//! `serve --demo` runs it in-process on a loopback port; `amazon-chat emulator` runs it alone.

pub mod answer;
pub mod bearer;
mod citations;
mod control;
mod count_tokens;
pub mod directives;
mod documents;
mod embeddings;
pub mod eventstream;
mod guardrail;
pub mod issuer;
mod metadata;
mod models;
pub mod prompt_cache;
mod request_metadata;
mod routes;
mod schema;
pub mod sigv4;
pub mod standalone;
mod structured;
mod sts;
mod thinking;
mod tiers;
pub mod world;

use aws_credential_types::Credentials;
use issuer::{Issuer, IssuerSettings};
use serde::Serialize;
use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// The access key id of the credential the emulator always accepts (`serve --demo` signs with it).
pub const DEMO_ACCESS_KEY_ID: &str = "AKIAEMULATORDEMO0001";
/// Its secret. Not a secret: it only ever opens the emulator.
pub const DEMO_SECRET_ACCESS_KEY: &str = "emulator-demo-secret-access-key-not-a-real-one";

/// How many requests the log keeps (the oldest are dropped).
const LOG_CAPACITY: usize = 10_000;
/// How many bytes of request bodies the log keeps (the oldest are dropped): 80 prompts of 5 MB
/// must not take the process to half a gigabyte.
const LOG_BYTES: usize = 16 * 1024 * 1024;

/// How many bodies `times=N` counts per generation (two generations are kept).
const FAULT_COUNTS: usize = 10_000;

/// The demo credentials, for the SDK.
pub fn demo_credentials() -> Credentials {
    Credentials::new(DEMO_ACCESS_KEY_ID, DEMO_SECRET_ACCESS_KEY, None, None, "amazon-chat-demo")
}

/// One request the emulator received.
#[derive(Debug, Clone, Serialize)]
pub struct Recorded {
    /// Arrival order, from 1.
    pub seq: u64,
    /// `converse`, `converse-stream`, `invoke-model`, `count-tokens`, `sts:AssumeRole`,
    /// `imds:credentials`, ...
    pub operation: String,
    /// The model id from the path, percent-decoded.
    pub model_id: String,
    /// The access key id that signed the request, if it verified; `bearer` for a Bedrock API key.
    pub access_key_id: Option<String>,
    /// The region in the signature's scope, if it verified.
    pub region: Option<String>,
    /// Whether a session token was sent.
    pub session_token_sent: bool,
    /// `ok`, `error:<Exception>`, `streaming`, `completed`, `client_closed`, `stream_error`, `stream_cut`.
    pub outcome: String,
    /// The request body as JSON (null if it was not JSON).
    pub body: serde_json::Value,
}

/// The emulator's state: accepted credentials and the request log.
pub struct Emulator {
    issuer: Issuer,
    /// IMDS session tokens and when each expires.
    imds_tokens: Mutex<HashMap<String, std::time::Instant>>,
    log: Mutex<VecDeque<(Recorded, usize)>>,
    /// The bytes the log holds.
    log_bytes: AtomicU64,
    /// Whether requests are kept and `GET /_emulator/requests` answers: yes when run on its own (its
    /// callers' tests read it), no inside `serve --demo` (nobody reads it there, and it would keep
    /// every prompt).
    keeps_log: bool,
    next_seq: AtomicU64,
    prompt_cache: prompt_cache::PromptCache,
    /// Requests seen per body, for faults scoped with `times=N`.
    fault_counts: Mutex<[HashMap<[u8; 16], u32>; 2]>,
}

impl std::fmt::Debug for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Credentials and IMDS tokens stay out of Debug output.
        f.debug_struct("Emulator")
            .field("account_id", &self.issuer.settings.account_id)
            .finish_non_exhaustive()
    }
}

impl Default for Emulator {
    fn default() -> Self {
        Self::new()
    }
}

impl Emulator {
    /// An emulator with default settings that accepts the demo credentials.
    pub fn new() -> Self {
        Self::with_settings(IssuerSettings::default())
    }

    /// An emulator with these identity settings that accepts the demo credentials.
    pub fn with_settings(settings: IssuerSettings) -> Self {
        let emulator = Self {
            issuer: Issuer::new(settings),
            imds_tokens: Mutex::default(),
            log: Mutex::default(),
            log_bytes: AtomicU64::new(0),
            keeps_log: true,
            next_seq: AtomicU64::new(1),
            prompt_cache: prompt_cache::PromptCache::default(),
            fault_counts: Mutex::default(),
        };
        emulator.accept(DEMO_ACCESS_KEY_ID, DEMO_SECRET_ACCESS_KEY, None, "emulator-demo");
        emulator
    }

    /// The emulator `serve --demo` embeds: it keeps no request log.
    pub fn embedded() -> Self {
        Self { keeps_log: false, ..Self::new() }
    }

    /// Who sent a Bedrock request (runtime or control plane): a SigV4 signature by known
    /// credentials, or a Bedrock API key.
    fn authenticate(&self, request: &sigv4::Request<'_>) -> Result<sigv4::Signer, answer::Fault> {
        match bearer::token(request.headers) {
            Some(token) => bearer::verify(token, request.headers),
            None => sigv4::verify_request(sigv4::BEDROCK, request, |id| self.issuer.lookup(id)),
        }
    }

    /// Whether a prompt's faults apply to this request (see [`directives::Scope`]); a request
    /// within `times=N` counts toward it.
    pub fn fault_applies(
        &self,
        scope: &directives::Scope,
        model_id: &str,
        region: &str,
        body: &[u8],
    ) -> bool {
        if !scope.regions.is_empty() && !scope.regions.iter().any(|r| r == region) {
            return false;
        }
        if scope.model.as_deref().is_some_and(|m| !model_id.contains(m)) {
            return false;
        }
        let Some(times) = scope.times else { return true };
        use sha2::Digest as _;
        let digest = sha2::Sha256::digest(body);
        let mut key = [0u8; 16];
        key.copy_from_slice(&digest[..16]);
        let mut counts = self.fault_counts.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let [current, previous] = &mut *counts;
        // Two generations: a full table becomes the previous one, whose counts still apply, so a
        // body seen just before the turnover (a retry on its way) keeps its count.
        if current.len() >= FAULT_COUNTS && !current.contains_key(&key) {
            *previous = std::mem::take(current);
        }
        let carried = previous.remove(&key).unwrap_or(0);
        let seen = current.entry(key).or_insert(carried);
        *seen += 1;
        *seen <= times
    }

    /// Whether it keeps (and serves) its request log.
    pub fn keeps_log(&self) -> bool {
        self.keeps_log
    }

    /// Accepts another credential, of the IAM user `user` (with a session token: temporary ones).
    pub fn accept(
        &self,
        access_key_id: &str,
        secret_access_key: &str,
        session_token: Option<&str>,
        user: &str,
    ) {
        self.issuer.accept(access_key_id, secret_access_key, session_token, user);
    }

    /// Everything received so far, oldest first.
    pub fn requests(&self) -> Vec<Recorded> {
        self.log
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .iter()
            .map(|(r, _)| r.clone())
            .collect()
    }

    fn record(&self, mut entry: Recorded) -> u64 {
        let seq = self.next_seq.fetch_add(1, Ordering::Relaxed);
        entry.seq = seq;
        if !self.keeps_log {
            return seq;
        }
        let size = entry.body.to_string().len() + entry.operation.len() + entry.model_id.len() + 256;
        let mut log = self.log.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut bytes = self.log_bytes.load(Ordering::Relaxed) as usize + size;
        while !log.is_empty() && (log.len() >= LOG_CAPACITY || bytes > LOG_BYTES) {
            if let Some((_, dropped)) = log.pop_front() {
                bytes -= dropped;
            }
        }
        log.push_back((entry, size));
        self.log_bytes.store(bytes as u64, Ordering::Relaxed);
        seq
    }

    fn set_outcome(&self, seq: u64, outcome: impl Into<String>) {
        if let Some(entry) = self
            .log
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .iter_mut()
            .rev()
            .find(|(e, _)| e.seq == seq)
        {
            entry.0.outcome = outcome.into();
        }
    }

    fn clear(&self) {
        self.log.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clear();
        self.log_bytes.store(0, Ordering::Relaxed);
    }

    /// Serves the emulator on `listener` until the task is dropped or aborted.
    pub fn serve(self: Arc<Self>, listener: tokio::net::TcpListener) -> tokio::task::JoinHandle<()> {
        use axum::serve::ListenerExt as _;
        let router = routes::router(self);
        // Small event-stream frames must not wait for Nagle's algorithm (40 ms stalls otherwise).
        let listener = listener.tap_io(|tcp| {
            let _ = tcp.set_nodelay(true);
        });
        tokio::spawn(async move {
            if let Err(error) = axum::serve(listener, router).await {
                tracing::error!(%error, "emulator stopped");
            }
        })
    }

    /// Binds `addr` and serves; returns the bound address.
    pub async fn spawn(
        self: Arc<Self>,
        addr: SocketAddr,
    ) -> std::io::Result<(SocketAddr, tokio::task::JoinHandle<()>)> {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let bound = listener.local_addr()?;
        Ok((bound, self.serve(listener)))
    }
}

#[cfg(test)]
mod log_tests {
    use super::*;

    fn entry(body_bytes: usize) -> Recorded {
        Recorded {
            seq: 0,
            operation: "converse".into(),
            model_id: "m".into(),
            access_key_id: None,
            region: None,
            session_token_sent: false,
            outcome: String::new(),
            body: serde_json::json!({"text": "x".repeat(body_bytes)}),
        }
    }

    #[test]
    fn the_log_is_bounded_by_bytes_and_the_embedded_one_keeps_nothing() {
        let emulator = Emulator::new();
        for _ in 0..40 {
            emulator.record(entry(1024 * 1024));
        }
        let kept = emulator.requests().len();
        assert!((10..=16).contains(&kept), "about 16 MiB of 1 MiB bodies, got {kept}");
        let embedded = Emulator::embedded();
        embedded.record(entry(10));
        assert!(embedded.requests().is_empty());
    }
}
