//! Configuration: one struct per command, read from flags, then the environment, then a `.env` file.
//!
//! `main` loads the `.env` file of the working folder (or the one `--env-file` names) into the
//! process environment before parsing ([`env_file`]), without overriding variables already set, so
//! the AWS SDK sees `AWS_PROFILE`, `AWS_ROLE_ARN` and friends from `.env` exactly as the
//! authentication guide shows. Tests build a [`Config`] from [`Config::for_tests`] (the clap
//! defaults, with no environment read) or pass flags to a child process; they never touch their own
//! environment.
//!
//! - [`serve`]: what `serve` (and `doctor`, `config show`) take: listening, limits, timeouts, keys.
//! - [`aws`]: the AWS credential method and the authentication guide's variables.
//! - [`emulator`]: what `amazon-chat emulator` takes.
//! - [`secret`]: [`Secret`], a string whose `Debug`, `Display` and JSON never show it.
//! - [`parse`]: the value parsers every command shares (durations, listen addresses).
//! - [`env_file`]: the `.env` loader.
//! - [`reference`]: the flags of every command as Markdown, for `docs/configuration.md`.

pub mod aws;
pub mod emulator;
pub mod env_file;
pub mod parse;
pub mod reference;
pub mod secret;
pub mod serve;

pub use aws::{AwsCredentialConfig, CredentialMethod};
pub use emulator::EmulatorConfig;
pub use parse::parse_duration;
pub use secret::Secret;
pub use serve::{Config, LogFormat};

use clap::{Parser, Subcommand};
use std::path::PathBuf;

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
    /// Ask a running server whether it serves: exit 0 if it does, 1 if not (for HEALTHCHECK).
    Health(HealthArgs),
    /// List the models a running server offers (a table, or --json).
    Models(ModelsArgs),
    /// Chat with a running server from the terminal (or, piped, answer stdin once and exit).
    Chat(ChatArgs),
    /// Inspect the configuration.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Manage API keys for the keys file.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Write a private CA, a server and a client certificate for trying TLS and mTLS locally.
    DevCerts(DevCertsArgs),
    /// Print a shell completion script (`source <(amazon-chat completions bash)`).
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff): `amazon-chat man > amazon-chat.1`.
    Man,
}

/// `dev-certs`' arguments.
#[derive(Debug, Clone, clap::Args)]
pub struct DevCertsArgs {
    /// The folder to write ca.pem, server.pem, server-key.pem, client.pem and client-key.pem into.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,

    /// More names (DNS names or IP addresses) for the server certificate, besides localhost,
    /// 127.0.0.1 and ::1 (repeat the flag, or separate with commas).
    #[arg(long, value_delimiter = ',')]
    pub name: Vec<String>,
}

/// `keys` subcommands.
#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Print a new random key (give it to the caller) and its keys-file entry (only the hash).
    New {
        /// The key's name, shown in logs, metrics and errors.
        #[arg(long)]
        name: String,
    },
}

/// `doctor`'s arguments: the server's configuration, and the model to probe.
#[derive(Debug, Clone, clap::Args)]
pub struct DoctorArgs {
    /// The model to probe with a tiny Converse call.
    #[arg(long, default_value = "anthropic.claude-3-haiku-20240307-v1:0")]
    pub model: String,

    /// The configuration to check (the same flags and variables as `serve`).
    #[command(flatten)]
    pub config: Config,
}

/// `models`' arguments.
#[derive(Debug, Clone, clap::Args)]
pub struct ModelsArgs {
    /// The server to ask (gRPC).
    #[arg(long, env = "AMAZON_CHAT_URL", default_value = "http://127.0.0.1:8000")]
    pub url: String,

    /// The API key, when the server has keys (sent as `authorization: Bearer`).
    #[arg(long, env = "AMAZON_CHAT_API_KEY", hide_env_values = true, value_parser = |s: &str| Ok::<_, String>(Secret::new(s.to_owned())))]
    pub api_key: Option<Secret>,

    /// Print JSON (one object per model) instead of a table.
    #[arg(long)]
    pub json: bool,

    /// TLS towards an https:// server.
    #[command(flatten)]
    pub tls: ClientTls,

    /// How long to wait for the answer.
    #[arg(long, default_value = "10s", value_parser = parse_duration)]
    pub timeout: std::time::Duration,
}

/// `chat`'s arguments.
#[derive(Debug, Clone, clap::Args)]
pub struct ChatArgs {
    /// The server to talk to (gRPC, or REST with --rest).
    #[arg(long, env = "AMAZON_CHAT_URL", default_value = "http://127.0.0.1:8000", conflicts_with = "demo")]
    pub url: String,

    /// The API key, when the server has keys (sent as `authorization: Bearer`).
    #[arg(long, env = "AMAZON_CHAT_API_KEY", hide_env_values = true, value_parser = |s: &str| Ok::<_, String>(Secret::new(s.to_owned())))]
    pub api_key: Option<Secret>,

    /// Start a demo server in this process (the built-in emulator answers) instead of --url.
    #[arg(long)]
    pub demo: bool,

    /// The model: an id, profile, Anthropic name or alias (`/model NAME` switches mid-chat).
    #[arg(long, env = "AMAZON_CHAT_MODEL", default_value = "anthropic.claude-3-haiku-20240307-v1:0")]
    pub model: String,

    /// A system prompt (`/system TEXT` replaces it mid-chat).
    #[arg(long)]
    pub system: Option<String>,

    /// Ask the model to reason first: minimal, low, medium, high or xhigh (shown dimmed).
    #[arg(long, value_name = "LEVEL")]
    pub reasoning_effort: Option<String>,

    /// Upper bound on each answer's tokens.
    #[arg(long)]
    pub max_tokens: Option<u32>,

    /// Talk REST (`/v1/chat/completions`, Server-Sent Events) instead of gRPC.
    #[arg(long)]
    pub rest: bool,

    /// TLS towards an https:// server.
    #[command(flatten)]
    pub tls: ClientTls,
}

/// `health`'s arguments.
#[derive(Debug, Clone, clap::Args)]
pub struct HealthArgs {
    /// The server to ask.
    #[arg(long, env = "AMAZON_CHAT_HEALTH_URL", default_value = "http://127.0.0.1:8000")]
    pub url: String,

    /// Ask `GET /ready` instead of gRPC health.
    #[arg(long)]
    pub rest: bool,

    /// TLS towards an https:// server.
    #[command(flatten)]
    pub tls: ClientTls,

    /// How long to wait for the answer.
    #[arg(long, default_value = "3s", value_parser = parse_duration)]
    pub timeout: std::time::Duration,
}

/// How the command-line tools trust an https:// server, and prove who they are to one that asks
/// (`--tls-client-ca` on the server).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ClientTls {
    /// PEM CA certificates to trust besides the system's (a private CA, a self-signed server).
    #[arg(long, env = "AMAZON_CHAT_CA_FILE", value_name = "PATH")]
    pub ca_file: Option<PathBuf>,

    /// A PEM client certificate, for servers that require one (mTLS). Needs --client-key.
    #[arg(long, env = "AMAZON_CHAT_CLIENT_CERT", value_name = "PATH", requires = "client_key")]
    pub client_cert: Option<PathBuf>,

    /// The PEM private key of --client-cert.
    #[arg(long, env = "AMAZON_CHAT_CLIENT_KEY", value_name = "PATH", requires = "client_cert")]
    pub client_key: Option<PathBuf>,
}

/// `config` subcommands.
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print the effective configuration as JSON, secrets masked.
    Show(Box<Config>),
    /// Print every command's flags, variables and defaults as Markdown (docs/configuration.md).
    Reference,
}
