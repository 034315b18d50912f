//! `serve`'s settings: where to listen, the upstream, limits, timeouts, client keys and logging.

use super::aws::AwsCredentialConfig;
use super::parse::{parse_duration, serialize_duration, socket_addr};
use super::secret::Secret;
use clap::{Args, FromArgMatches as _};
use serde::Serialize;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// Everything `serve` needs.
#[derive(Debug, Clone, Args, Serialize)]
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "AMAZON_CHAT_HOST", default_value = "127.0.0.1")]
    pub host: String,

    /// Port to listen on (0 picks a free one; the chosen address is printed on stdout).
    #[arg(long, env = "AMAZON_CHAT_PORT", default_value_t = 8000)]
    pub port: u16,

    /// Serve TLS (gRPC and REST, same port) with this PEM certificate chain, leaf first; reloaded
    /// when it changes. Needs --tls-key.
    #[arg(long, env = "AMAZON_CHAT_TLS_CERT", value_name = "PATH", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,

    /// The PEM private key of --tls-cert (PKCS#8, PKCS#1 or SEC1); reloaded with it.
    #[arg(long, env = "AMAZON_CHAT_TLS_KEY", value_name = "PATH", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,

    /// Require callers to present a certificate signed by one of these PEM CA certificates (mTLS).
    #[arg(long, env = "AMAZON_CHAT_TLS_CLIENT_CA", value_name = "PATH", requires = "tls_cert")]
    pub tls_client_ca: Option<PathBuf>,

    /// Answer from the embedded Bedrock emulator instead of AWS: no account or credentials needed.
    #[arg(long, env = "AMAZON_CHAT_DEMO")]
    pub demo: bool,

    /// AWS region; default: AWS_REGION, then AWS_DEFAULT_REGION, then the profile's region.
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,

    /// Send Bedrock Runtime calls here instead of AWS (an emulator, a VPC endpoint). The SDK's own
    /// AWS_ENDPOINT_URL_BEDROCK_RUNTIME is honoured too.
    #[arg(long, env = "AMAZON_CHAT_BEDROCK_ENDPOINT", value_name = "URL")]
    pub bedrock_endpoint: Option<String>,

    /// Send Bedrock control-plane calls (the model catalog) here; default: --bedrock-endpoint when
    /// set (an emulator serves both), else AWS (or AWS_ENDPOINT_URL_BEDROCK).
    #[arg(long, env = "AMAZON_CHAT_BEDROCK_CONTROL_ENDPOINT", value_name = "URL")]
    pub bedrock_control_endpoint: Option<String>,

    /// A models file (TOML): aliases, allow-list, fallback regions, per-family defaults.
    #[arg(long, env = "AMAZON_CHAT_MODELS_FILE", value_name = "PATH")]
    pub models_file: Option<PathBuf>,

    /// Regions to route to, in order, when the home region does not offer a model (comma-separated).
    #[arg(long, env = "AMAZON_CHAT_FALLBACK_REGIONS", value_delimiter = ',')]
    pub fallback_regions: Vec<String>,

    /// How long the model catalog is cached before a background refresh.
    #[arg(long, env = "AMAZON_CHAT_CATALOG_TTL", default_value = "1h", value_parser = parse_duration)]
    #[serde(serialize_with = "serialize_duration")]
    pub catalog_ttl: Duration,

    /// Attempts per Bedrock call and target, first included; throttling and 5xx are retried with
    /// backoff while the deadline (--upstream-timeout) and the target's retry budget allow.
    #[arg(long, env = "AMAZON_CHAT_BEDROCK_MAX_ATTEMPTS", default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=10))]
    pub bedrock_max_attempts: u32,

    /// The first retry's backoff step; each further step doubles, up to --retry-max-backoff.
    #[arg(long, env = "AMAZON_CHAT_RETRY_INITIAL_BACKOFF", default_value = "100ms", value_parser = parse_duration)]
    #[serde(serialize_with = "serialize_duration")]
    pub retry_initial_backoff: Duration,

    /// The largest backoff step.
    #[arg(long, env = "AMAZON_CHAT_RETRY_MAX_BACKOFF", default_value = "5s", value_parser = parse_duration)]
    #[serde(serialize_with = "serialize_duration")]
    pub retry_max_backoff: Duration,

    /// `full`: each wait is random between zero and its step (spreads many callers' retries);
    /// `none`: exactly the step.
    #[arg(long, env = "AMAZON_CHAT_RETRY_JITTER", value_enum, default_value = "full")]
    pub retry_jitter: crate::chat::retry::Jitter,

    /// Retry tokens per upstream target (region and model): a retry costs 5, a success gives 1
    /// back; an empty budget means one attempt per call on that target until successes refill it.
    #[arg(long, env = "AMAZON_CHAT_RETRY_BUDGET", default_value_t = 500)]
    pub retry_budget: u32,

    /// How long opening a connection to AWS may take.
    #[arg(long, env = "AMAZON_CHAT_CONNECT_TIMEOUT", default_value = "5s", value_parser = parse_duration)]
    #[serde(serialize_with = "serialize_duration")]
    pub connect_timeout: Duration,

    /// A connection with no request in flight for this long is closed (HTTP/2 with GOAWAY).
    #[arg(long, env = "AMAZON_CHAT_IDLE_TIMEOUT", default_value = "120s", value_parser = parse_duration)]
    #[serde(serialize_with = "serialize_duration")]
    pub idle_timeout: Duration,

    /// Open connections at most (0: half the open-files limit, which start-up raises to the hard
    /// limit). Past it, a small reserve answers health checks only; the rest are closed.
    #[arg(long, env = "AMAZON_CHAT_MAX_CONNECTIONS", default_value_t = 0)]
    pub max_connections: usize,

    /// How long a unary call, or a stream's first event, may take upstream (retries included).
    #[arg(long, env = "AMAZON_CHAT_UPSTREAM_TIMEOUT", default_value = "300s", value_parser = parse_duration)]
    #[serde(serialize_with = "serialize_duration")]
    pub upstream_timeout: Duration,

    /// How long a stream may go without an event before it is failed with DEADLINE_EXCEEDED.
    /// Long generations are never cut while tokens keep coming.
    #[arg(long, env = "AMAZON_CHAT_STREAM_IDLE_TIMEOUT", default_value = "60s", value_parser = parse_duration)]
    #[serde(serialize_with = "serialize_duration")]
    pub stream_idle_timeout: Duration,

    /// On SIGTERM/SIGINT, how long in-flight calls may run before the server exits anyway.
    #[arg(long, env = "AMAZON_CHAT_SHUTDOWN_GRACE", default_value = "30s", value_parser = parse_duration)]
    #[serde(serialize_with = "serialize_duration")]
    pub shutdown_grace: Duration,

    /// On SIGTERM/SIGINT, how long health reports NOT_SERVING (and `/ready` 503) while the listener
    /// still accepts, so a load balancer notices before connections are refused.
    #[arg(long, env = "AMAZON_CHAT_DRAIN_DELAY", default_value = "0s", value_parser = parse_duration)]
    #[serde(serialize_with = "serialize_duration")]
    pub drain_delay: Duration,

    /// Largest accepted request message, in bytes (images are inline, so this is generous).
    #[arg(long, env = "AMAZON_CHAT_MAX_REQUEST_BYTES", default_value_t = 20 * 1024 * 1024)]
    pub max_request_bytes: usize,

    /// How long a client may take to send a request's head (HTTP/1) before the connection is
    /// closed: half-sent requests hold nothing for long.
    #[arg(long, env = "AMAZON_CHAT_HEADER_READ_TIMEOUT", default_value = "10s", value_parser = parse_duration)]
    #[serde(serialize_with = "serialize_duration")]
    pub header_read_timeout: Duration,

    /// Async runtime threads: 0 one per CPU the process may use (work-stealing); 1 a single-threaded
    /// runtime, with no hand-offs between threads (the least CPU per call at low and moderate load;
    /// one core's throughput at most: run a replica per core). See docs/benchmarks.md.
    #[arg(long, env = "AMAZON_CHAT_WORKER_THREADS", default_value_t = 0)]
    pub worker_threads: usize,

    /// Run the workers (`--worker-threads`, default one per CPU) as single-threaded runtimes, each
    /// with its own listener on the port (SO_REUSEPORT) and its own Bedrock connections: no
    /// hand-offs between threads, on every core. A connection stays on the worker that accepted
    /// it, so spread load over several connections. See docs/benchmarks.md.
    #[arg(long, env = "AMAZON_CHAT_THREAD_PER_CORE")]
    pub thread_per_core: bool,

    /// The most calls in flight at once; past it, calls are refused at once with UNAVAILABLE / 503
    /// and Retry-After (never queued). Health checks and /metrics are not counted.
    #[arg(long, env = "AMAZON_CHAT_MAX_IN_FLIGHT", default_value_t = 4096)]
    pub max_in_flight: usize,

    /// The most answer streams open at once; past it, new streams are refused the same way.
    #[arg(long, env = "AMAZON_CHAT_MAX_OPEN_STREAMS", default_value_t = 2048)]
    pub max_open_streams: usize,

    /// A client API key. With no key configured the server runs open (and warns).
    #[arg(long, env = "API_KEY", hide_env_values = true)]
    pub api_key: Option<Secret>,

    /// Several client API keys, comma-separated.
    #[arg(long, env = "API_KEYS", hide_env_values = true, value_delimiter = ',')]
    pub api_keys: Vec<Secret>,

    /// A file of client API keys, one per line (`#` starts a comment).
    #[arg(long, env = "API_KEYS_FILE", value_name = "PATH")]
    pub api_keys_file: Option<PathBuf>,

    /// A keys file (TOML): named keys stored as SHA-256 hashes, each with its models and limits
    /// (`amazon-chat keys new` makes one). Reloaded when it changes or on SIGHUP.
    #[arg(long, env = "AMAZON_CHAT_KEYS_FILE", value_name = "PATH")]
    pub keys_file: Option<PathBuf>,

    /// Share rate limits across replicas through this Redis (`redis://host:6379/0`). When Redis is
    /// unreachable each replica falls back to its own counters until it returns.
    #[arg(long, env = "AMAZON_CHAT_REDIS_URL", value_name = "URL", hide_env_values = true)]
    pub redis_url: Option<Secret>,

    /// Log format.
    #[arg(long, env = "AMAZON_CHAT_LOG_FORMAT", value_enum, default_value = "text")]
    pub log_format: LogFormat,

    /// How long start-up waits for credentials before reporting NOT_SERVING and retrying.
    #[arg(long, env = "AMAZON_CHAT_CREDENTIALS_TIMEOUT", default_value = "5s", value_parser = parse_duration)]
    #[serde(serialize_with = "serialize_duration")]
    pub credentials_timeout: Duration,

    /// How long before AWS credentials expire they are refreshed (plus up to half again, at random,
    /// so replicas do not all refresh at once). The SDK's default; short windows suit short-lived
    /// test credentials.
    #[arg(long, env = "AMAZON_CHAT_CREDENTIALS_REFRESH_WINDOW", default_value = "10s", value_parser = parse_duration)]
    #[serde(serialize_with = "serialize_duration")]
    pub credentials_refresh_window: Duration,

    /// Thinking budgets per `reasoning_effort` level for Claude models that take a budget, as
    /// LEVEL=TOKENS pairs (levels left out keep these defaults).
    #[arg(long, env = "AMAZON_CHAT_REASONING_BUDGETS", default_value = "minimal=1024,low=2048,medium=8192,high=16384,xhigh=32768", value_parser = crate::chat::reasoning::Budgets::parse)]
    #[serde(skip)]
    pub reasoning_budgets: crate::chat::reasoning::Budgets,

    /// Server-side prompt caching: `auto` places cache points (after tools, system prompt and the
    /// latest message) for models that cache, in requests that set none; `off` leaves it to callers.
    #[arg(long, env = "AMAZON_CHAT_PROMPT_CACHE", value_enum, default_value = "off")]
    pub prompt_cache: PromptCachePolicy,

    /// Image URLs (`image_url` with an http(s) URL) the server fetches and sends as bytes: `off`,
    /// `https` (https only), or `http` (plain http too).
    #[arg(long, env = "AMAZON_CHAT_IMAGE_URLS", value_enum, default_value = "https")]
    pub image_urls: crate::fetch::Schemes,

    /// The hosts image URLs may name, comma-separated (`images.example.com`, `*.example.com`);
    /// empty: any host with a public address.
    #[arg(long, env = "AMAZON_CHAT_IMAGE_URL_HOSTS", value_delimiter = ',', value_name = "HOSTS")]
    pub image_url_hosts: Vec<String>,

    /// How long fetching one image URL may take, redirects included.
    #[arg(long, env = "AMAZON_CHAT_IMAGE_URL_TIMEOUT", default_value = "10s", value_parser = parse_duration)]
    #[serde(serialize_with = "serialize_duration")]
    pub image_url_timeout: Duration,

    /// Let image URLs reach loopback addresses: for tests and local development only, never in
    /// production (private and link-local addresses stay refused).
    #[arg(long, env = "AMAZON_CHAT_IMAGE_URLS_ALLOW_LOOPBACK", hide = true)]
    pub image_urls_allow_loopback: bool,

    /// The AWS account that owns the S3 buckets of `s3://` image and document URLs: sent as
    /// Bedrock's `bucketOwner`, so Bedrock refuses a bucket someone else owns.
    #[arg(long, env = "AMAZON_CHAT_S3_BUCKET_OWNER", value_name = "ACCOUNT_ID", value_parser = parse_account_id)]
    pub s3_bucket_owner: Option<String>,

    /// What embeddings are for when a request does not say (`input_type`): Cohere's models require
    /// one, and Nova takes it as its embedding purpose.
    #[arg(long, env = "AMAZON_CHAT_EMBEDDING_INPUT_TYPE", default_value = "search_document",
        value_parser = clap::builder::PossibleValuesParser::new(crate::chat::validate::embeddings::INPUT_TYPES))]
    pub embedding_input_type: String,

    /// AWS credentials: the authentication guide's variables.
    #[command(flatten)]
    pub aws: AwsCredentialConfig,
}

/// A 12-digit AWS account id.
fn parse_account_id(text: &str) -> Result<String, String> {
    if text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit()) {
        Ok(text.to_owned())
    } else {
        Err("an AWS account id is 12 digits".to_owned())
    }
}

/// The server-side prompt-cache policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PromptCachePolicy {
    /// Only the callers' `cache_control` markers.
    Off,
    /// Also the server's own cache points, for requests that set none.
    Auto,
}

/// How logs are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

impl Config {
    /// clap's defaults exactly, with no environment or `.env` read: what `serve` runs with when
    /// given nothing (`chat --demo` starts its in-process server from here).
    // The parse can only fail if the flag definitions themselves are broken, which every test shows.
    #[allow(clippy::expect_used)]
    pub fn defaults() -> Self {
        let command = Self::augment_args(clap::Command::new("serve")).mut_args(|arg| arg.env(None));
        let matches = command.try_get_matches_from(["serve"]).expect("serve's flags all have defaults");
        Self::from_arg_matches(&matches).expect("clap's defaults form a Config")
    }

    /// The base for tests: [`Config::defaults`] (so it cannot drift from what `serve` runs with),
    /// then what tests need to differ, spelled out: a free port, one upstream attempt, and short
    /// timeouts.
    pub fn for_tests() -> Self {
        let mut config = Self::defaults();
        config.port = 0;
        config.bedrock_max_attempts = 1;
        config.upstream_timeout = Duration::from_secs(30);
        config.stream_idle_timeout = Duration::from_secs(30);
        config.shutdown_grace = Duration::from_secs(5);
        config
    }

    /// The SDK settings the flags describe.
    pub fn sdk_settings(&self) -> crate::bedrock::sdk::Settings {
        crate::bedrock::sdk::Settings {
            max_attempts: self.bedrock_max_attempts,
            connect_timeout: self.connect_timeout,
            refresh_window: self.credentials_refresh_window,
        }
    }

    /// The retry policy the flags describe.
    pub fn retry_policy(&self) -> crate::chat::retry::RetryPolicy {
        crate::chat::retry::RetryPolicy {
            max_attempts: self.bedrock_max_attempts,
            initial_backoff: self.retry_initial_backoff,
            max_backoff: self.retry_max_backoff,
            jitter: self.retry_jitter,
            budget: self.retry_budget,
        }
    }

    /// The address to bind, or a message naming the bad flag.
    pub fn listen_addr(&self) -> Result<SocketAddr, String> {
        socket_addr("--host", &self.host, self.port)
    }

    /// The TLS files, when the server terminates TLS (clap makes --tls-cert and --tls-key come
    /// together).
    pub fn tls_files(&self) -> Option<crate::server::tls::TlsFiles> {
        Some(crate::server::tls::TlsFiles {
            cert: self.tls_cert.clone()?,
            key: self.tls_key.clone()?,
            client_ca: self.tls_client_ca.clone(),
        })
    }

    /// Every configured API key: `--api-key`, `--api-keys` and the keys file.
    pub fn all_api_keys(&self) -> Result<Vec<Secret>, String> {
        let mut keys: Vec<Secret> = self.api_key.iter().chain(&self.api_keys).cloned().collect();
        if let Some(path) = &self.api_keys_file {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("--api-keys-file: cannot read {}: {e}", path.display()))?;
            keys.extend(
                text.lines()
                    .map(str::trim)
                    .filter(|line| !line.is_empty() && !line.starts_with('#'))
                    .map(|line| Secret::new(line.to_owned())),
            );
        }
        keys.retain(|key| !key.expose().is_empty());
        Ok(keys)
    }
}

impl Config {
    /// The effective configuration as pretty JSON, secrets masked (`config show`).
    pub fn show(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_show_in_debug_or_display() {
        let mut config = Config::for_tests();
        config.api_key = Some(Secret::new("sk-very-secret".into()));
        assert!(!format!("{config:?}").contains("sk-very-secret"));
        assert!(!format!("{}", config.api_key.unwrap()).contains("sk-very-secret"));
    }

    #[test]
    fn config_show_masks_every_secret() {
        let mut config = Config::for_tests();
        config.api_keys = vec![Secret::new("sk-one".into())];
        config.aws.access_key_id = Some("AKIDEXAMPLE".into());
        config.aws.secret_access_key = Some(Secret::new("aws-secret-value".into()));
        config.aws.session_token = Some(Secret::new("aws-session-token-value".into()));
        let shown = config.show();
        for secret in ["sk-one", "aws-secret-value", "aws-session-token-value"] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
        assert!(shown.contains("AKIDEXAMPLE"), "the access key id is not a secret");
        assert!(shown.contains("\"upstream_timeout\": \"30000ms\""), "{shown}");
    }

    #[test]
    fn api_keys_come_from_flag_list_and_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("keys");
        std::fs::write(&file, "# team keys\nkey-c\n\n  key-d  \n").unwrap();
        let mut config = Config::for_tests();
        config.api_key = Some(Secret::new("key-a".into()));
        config.api_keys = vec![Secret::new("key-b".into())];
        config.api_keys_file = Some(file);
        let keys: Vec<String> =
            config.all_api_keys().unwrap().iter().map(|k| k.expose().to_owned()).collect();
        assert_eq!(keys, ["key-a", "key-b", "key-c", "key-d"]);
    }

    #[test]
    fn tests_start_from_the_defaults_serve_runs_with() {
        let config = Config::for_tests();
        assert_eq!(config.host, "127.0.0.1");
        assert_eq!(config.catalog_ttl, Duration::from_secs(3600));
        assert_eq!(config.max_request_bytes, 20 * 1024 * 1024);
        assert_eq!(config.aws.role_session_name, "amazon-chat-session");
        assert_eq!(config.aws.credentials, crate::config::CredentialMethod::Auto);
        assert!(config.api_key.is_none() && config.api_keys.is_empty());
    }

    #[test]
    fn listen_addr_accepts_v4_and_v6_and_names_the_flag_otherwise() {
        let mut config = Config::for_tests();
        assert!(config.listen_addr().is_ok());
        config.host = "::1".into();
        assert!(config.listen_addr().is_ok());
        config.host = "localhost-ish".into();
        assert!(config.listen_addr().unwrap_err().contains("--host"));
    }
}
