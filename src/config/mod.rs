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

pub mod aws;
pub mod emulator;
pub mod env_file;
pub mod parse;
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
    /// Inspect the configuration.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Manage API keys for the keys file.
    #[command(subcommand)]
    Keys(KeysCommand),
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

    /// How long to wait for the answer.
    #[arg(long, default_value = "10s", value_parser = parse_duration)]
    pub timeout: std::time::Duration,
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

    /// How long to wait for the answer.
    #[arg(long, default_value = "3s", value_parser = parse_duration)]
    pub timeout: std::time::Duration,
}

/// `config` subcommands.
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print the effective configuration as JSON, secrets masked.
    Show(Config),
}
