//! The AWS credential method and its settings: the authentication guide's variables, as flags.

use clap::Args;
use serde::Serialize;
use std::fmt;
use std::path::PathBuf;

use super::secret::Secret;

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

    /// A Bedrock API key (short- or long-term), sent as a bearer token instead of SigV4.
    #[arg(
        long = "aws-bearer-token-bedrock",
        env = "AWS_BEARER_TOKEN_BEDROCK",
        hide = true,
        hide_env_values = true
    )]
    pub bearer_token: Option<Secret>,
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
    /// AWS_BEARER_TOKEN_BEDROCK: a Bedrock API key, as a bearer token.
    BedrockApiKey,
}

impl fmt::Display for CredentialMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name =
            clap::ValueEnum::to_possible_value(self).map(|v| v.get_name().to_owned()).unwrap_or_default();
        f.write_str(&name)
    }
}
