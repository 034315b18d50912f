//! Configuration: one struct per command, read from flags, then the environment, then a `.env` file.
//!
//! `main` loads the `.env` file (or the one `--env-file` names) into the process environment before
//! parsing, without overriding variables already set, so the AWS SDK sees `AWS_PROFILE`,
//! `AWS_ROLE_ARN` and friends from `.env` exactly as the authentication guide shows. Tests build a
//! [`Config`] directly (or pass flags to a child process) and never touch their own environment.

use clap::{Args, Parser, Subcommand};
use serde::Serialize;
use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// The command line.
#[derive(Debug, Parser)]
#[command(name = "amazon-chat", version, about = "Chat completions over Amazon Bedrock, served as gRPC")]
pub struct Cli {
    /// A dotenv file to load before reading the environment (default: `.env` if it exists).
    #[arg(long, global = true, env = "AMAZON_CHAT_ENV_FILE", value_name = "PATH")]
    pub env_file: Option<PathBuf>,

    /// What to run.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the gRPC API.
    Serve(Config),
    /// Run the Bedrock emulator on its own (for your own CI).
    Emulator(EmulatorConfig),
    /// Check AWS credentials, identity, region and model access, with advice for each failure.
    Doctor(DoctorArgs),
    /// Inspect the configuration.
    #[command(subcommand)]
    Config(ConfigCommand),
}

/// `doctor`'s arguments: the server's configuration, and the model to probe.
#[derive(Debug, Clone, Args)]
pub struct DoctorArgs {
    /// The model to probe with a tiny Converse call.
    #[arg(long, default_value = "anthropic.claude-3-haiku-20240307-v1:0")]
    pub model: String,

    /// The configuration to check (the same flags and variables as `serve`).
    #[command(flatten)]
    pub config: Config,
}

/// `config` subcommands.
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print the effective configuration as JSON, secrets masked.
    Show(Config),
}

/// Everything `serve` needs.
#[derive(Debug, Clone, Args, Serialize)]
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "AMAZON_CHAT_HOST", default_value = "127.0.0.1")]
    pub host: String,

    /// Port to listen on (0 picks a free one; the chosen address is printed on stdout).
    #[arg(long, env = "AMAZON_CHAT_PORT", default_value_t = 8000)]
    pub port: u16,

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

    /// Attempts per Bedrock call, first included; throttling and 5xx are retried with backoff.
    #[arg(long, env = "AMAZON_CHAT_BEDROCK_MAX_ATTEMPTS", default_value_t = 3)]
    pub bedrock_max_attempts: u32,

    /// How long a unary call, or a stream's first event, may take upstream.
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

    /// Largest accepted request message, in bytes (images are inline, so this is generous).
    #[arg(long, env = "AMAZON_CHAT_MAX_REQUEST_BYTES", default_value_t = 20 * 1024 * 1024)]
    pub max_request_bytes: usize,

    /// A client API key. With no key configured the server runs open (and warns).
    #[arg(long, env = "API_KEY", hide_env_values = true)]
    pub api_key: Option<Secret>,

    /// Several client API keys, comma-separated.
    #[arg(long, env = "API_KEYS", hide_env_values = true, value_delimiter = ',')]
    pub api_keys: Vec<Secret>,

    /// A file of client API keys, one per line (`#` starts a comment).
    #[arg(long, env = "API_KEYS_FILE", value_name = "PATH")]
    pub api_keys_file: Option<PathBuf>,

    /// Log format.
    #[arg(long, env = "AMAZON_CHAT_LOG_FORMAT", value_enum, default_value = "text")]
    pub log_format: LogFormat,

    /// How long start-up waits for credentials before reporting NOT_SERVING and retrying.
    #[arg(long, env = "AMAZON_CHAT_CREDENTIALS_TIMEOUT", default_value = "5s", value_parser = parse_duration)]
    #[serde(serialize_with = "serialize_duration")]
    pub credentials_timeout: Duration,

    /// AWS credentials: the authentication guide's variables.
    #[command(flatten)]
    pub aws: AwsCredentialConfig,
}

/// Which credential method to use, and its settings. The environment variable names are the
/// authentication guide's (and the AWS SDKs'); see [`crate::credentials`] for the precedence.
#[derive(Debug, Clone, Args, Serialize)]
pub struct AwsCredentialConfig {
    /// The credential method; `auto` picks the first configured one (see the README).
    #[arg(long, env = "AMAZON_CHAT_CREDENTIALS", value_enum, default_value = "auto")]
    pub credentials: CredentialMethod,

    /// Static access key id.
    #[arg(long = "aws-access-key-id", env = "AWS_ACCESS_KEY_ID", hide = true)]
    pub access_key_id: Option<String>,

    /// Static secret access key.
    #[arg(
        long = "aws-secret-access-key",
        env = "AWS_SECRET_ACCESS_KEY",
        hide = true,
        hide_env_values = true
    )]
    pub secret_access_key: Option<Secret>,

    /// Session token of temporary static credentials.
    #[arg(long = "aws-session-token", env = "AWS_SESSION_TOKEN", hide = true, hide_env_values = true)]
    pub session_token: Option<Secret>,

    /// Named profile of the shared config/credentials files.
    #[arg(long = "aws-profile", env = "AWS_PROFILE")]
    pub profile: Option<String>,

    /// Role to assume (role assumption), or to take with a web identity token.
    #[arg(long = "aws-role-arn", env = "AWS_ROLE_ARN")]
    pub role_arn: Option<String>,

    /// Session name for the assumed role.
    #[arg(
        long = "aws-role-session-name",
        env = "AWS_ROLE_SESSION_NAME",
        default_value = "amazon-chat-session"
    )]
    pub role_session_name: String,

    /// External id the role's trust policy requires.
    #[arg(long = "aws-external-id", env = "AWS_EXTERNAL_ID")]
    pub external_id: Option<String>,

    /// Assumed-role session length in seconds (900 to 43200).
    #[arg(long = "aws-role-session-duration", env = "AWS_ROLE_SESSION_DURATION",
          value_parser = clap::value_parser!(u32).range(900..=43200))]
    pub role_session_duration: Option<u32>,

    /// OIDC token file for web identity (EKS IRSA, GitHub Actions).
    #[arg(long = "aws-web-identity-token-file", env = "AWS_WEB_IDENTITY_TOKEN_FILE")]
    pub web_identity_token_file: Option<PathBuf>,
}

impl Default for AwsCredentialConfig {
    fn default() -> Self {
        Self {
            credentials: CredentialMethod::Auto,
            access_key_id: None,
            secret_access_key: None,
            session_token: None,
            profile: None,
            role_arn: None,
            role_session_name: "amazon-chat-session".to_owned(),
            external_id: None,
            role_session_duration: None,
            web_identity_token_file: None,
        }
    }
}

/// An AWS credential method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CredentialMethod {
    /// The first configured method, in the documented precedence.
    Auto,
    /// AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (/ AWS_SESSION_TOKEN).
    Static,
    /// AWS_PROFILE.
    Profile,
    /// The platform's role: container (ECS/EKS), instance (EC2), Lambda, or the default profile.
    Platform,
    /// AWS_ROLE_ARN, assumed with base credentials.
    AssumeRole,
    /// AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN.
    WebIdentity,
}

impl fmt::Display for CredentialMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name =
            clap::ValueEnum::to_possible_value(self).map(|v| v.get_name().to_owned()).unwrap_or_default();
        f.write_str(&name)
    }
}

impl Config {
    /// A configuration with every default, listening on `127.0.0.1:0`: the base for tests.
    pub fn for_tests() -> Self {
        Self {
            host: "127.0.0.1".into(),
            port: 0,
            demo: false,
            region: None,
            bedrock_endpoint: None,
            bedrock_control_endpoint: None,
            models_file: None,
            fallback_regions: Vec::new(),
            catalog_ttl: Duration::from_secs(3600),
            bedrock_max_attempts: 1,
            upstream_timeout: Duration::from_secs(30),
            stream_idle_timeout: Duration::from_secs(30),
            shutdown_grace: Duration::from_secs(5),
            max_request_bytes: 20 * 1024 * 1024,
            api_key: None,
            api_keys: Vec::new(),
            api_keys_file: None,
            log_format: LogFormat::Text,
            credentials_timeout: Duration::from_secs(5),
            aws: AwsCredentialConfig::default(),
        }
    }

    /// The address to bind, or a message naming the bad flag.
    pub fn listen_addr(&self) -> Result<SocketAddr, String> {
        let host = self.host.trim_start_matches('[').trim_end_matches(']');
        format!("{host}:{}", self.port)
            .parse()
            .or_else(|_| format!("[{host}]:{}", self.port).parse())
            .map_err(|_| format!("--host: {:?} is not an IP address", self.host))
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

/// Everything `emulator` needs.
#[derive(Debug, Clone, Args)]
pub struct EmulatorConfig {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,

    /// Port to listen on (0 picks a free one; the chosen address is printed on stdout).
    #[arg(long, default_value_t = 0)]
    pub port: u16,

    /// The account id of emulated principals.
    #[arg(long, default_value = "123456789012")]
    pub account_id: String,

    /// The external id STS AssumeRole must present, as a role's trust policy would require.
    #[arg(long)]
    pub external_id: Option<String>,

    /// Lifetime of the temporary credentials it issues (short values force rollovers in tests).
    #[arg(long, value_parser = parse_duration)]
    pub credential_lifetime: Option<Duration>,

    /// The Authorization value the container-credentials endpoint requires.
    #[arg(long, hide_env_values = true, env = "AMAZON_CHAT_EMULATOR_CONTAINER_TOKEN")]
    pub container_token: Option<Secret>,

    /// More credentials to accept, as ACCESS_KEY_ID:SECRET or ACCESS_KEY_ID:SECRET:SESSION_TOKEN
    /// (repeatable). The demo credentials are always accepted.
    #[arg(long = "credential", value_name = "ID:SECRET[:TOKEN]")]
    pub credentials: Vec<Secret>,

    /// Deny every principal this model (AccessDeniedException), like a narrow IAM policy.
    #[arg(long = "deny-model", value_name = "MODEL_ID")]
    pub denied_models: Vec<String>,

    /// Deny the control plane (model listing), like a policy without the guide's enhanced permissions.
    #[arg(long)]
    pub deny_control_plane: bool,
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

/// A secret string (API key, AWS secret): its `Debug` and `Display` never show the value.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(value: String) -> Self {
        Self(value)
    }

    /// The secret itself; call only where it is used, never to log it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(****)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("****")
    }
}

impl Serialize for Secret {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str("****")
    }
}

fn serialize_duration<S: serde::Serializer>(duration: &Duration, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&format!("{}ms", duration.as_millis()))
}

impl Config {
    /// The effective configuration as pretty JSON, secrets masked (`config show`).
    pub fn show(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

impl std::str::FromStr for Secret {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self(s.trim().to_owned()))
    }
}

/// Parses `250ms`, `30s`, `5m`, or a bare number of seconds.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let (number, unit) =
        text.split_at(text.find(|c: char| !c.is_ascii_digit() && c != '.').unwrap_or(text.len()));
    let value: f64 =
        number.parse().map_err(|_| format!("{text:?} is not a duration like 250ms, 30s or 5m"))?;
    let seconds = match unit {
        "ms" => value / 1000.0,
        "" | "s" => value,
        "m" => value * 60.0,
        "h" => value * 3600.0,
        _ => return Err(format!("{text:?}: unknown unit {unit:?} (use ms, s, m or h)")),
    };
    Duration::try_from_secs_f64(seconds)
        .map_err(|_| format!("{text:?} is not a duration this server can wait"))
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
    fn durations_parse_with_units() {
        assert_eq!(parse_duration("250ms").unwrap(), Duration::from_millis(250));
        assert_eq!(parse_duration("30s").unwrap(), Duration::from_secs(30));
        assert_eq!(parse_duration("2m").unwrap(), Duration::from_secs(120));
        assert_eq!(parse_duration("7").unwrap(), Duration::from_secs(7));
        assert!(parse_duration("7 fortnights").is_err());
        assert!(parse_duration("99999999999999999999h").is_err());
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
    fn listen_addr_accepts_v4_and_v6_and_names_the_flag_otherwise() {
        let mut config = Config::for_tests();
        assert!(config.listen_addr().is_ok());
        config.host = "::1".into();
        assert!(config.listen_addr().is_ok());
        config.host = "localhost-ish".into();
        assert!(config.listen_addr().unwrap_err().contains("--host"));
    }
}
