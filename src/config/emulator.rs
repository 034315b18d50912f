//! `amazon-chat emulator`'s settings.

use super::parse::{parse_duration, socket_addr};
use super::secret::Secret;
use clap::Args;
use std::net::SocketAddr;
use std::time::Duration;

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

impl EmulatorConfig {
    /// The address to bind, or a message naming the bad flag (the same parser as `serve`).
    pub fn listen_addr(&self) -> Result<SocketAddr, String> {
        socket_addr("--host", &self.host, self.port)
    }
}
