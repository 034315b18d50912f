//! Pluggable AWS credential providers: every method of the product's authentication guide, chosen
//! by configuration, each in its own module.
//!
//! | method | configured by | module |
//! |---|---|---|
//! | `web-identity` | `AWS_WEB_IDENTITY_TOKEN_FILE` + `AWS_ROLE_ARN` | [`web_identity`] |
//! | `assume-role` | `AWS_ROLE_ARN` (+ `AWS_EXTERNAL_ID`, `AWS_ROLE_SESSION_NAME`, `AWS_ROLE_SESSION_DURATION`), with base credentials from the next three | [`assume_role`] |
//! | `static` | `AWS_ACCESS_KEY_ID` + `AWS_SECRET_ACCESS_KEY` (+ `AWS_SESSION_TOKEN`; Lambda sets all three) | [`static_keys`] |
//! | `profile` | `AWS_PROFILE` (shared config/credentials files, `role_arn`/`source_profile`/`external_id` chains, `credential_source`) | [`profile`] |
//! | `platform` | nothing: the SDK's default chain finds the default profile, the ECS/EKS container role, or the EC2 instance role (IMDSv2) | [`platform`] |
//! | `bedrock-api-key` | `AWS_BEARER_TOKEN_BEDROCK`: a Bedrock API key, sent as a bearer token instead of SigV4 | [`crate::bedrock::sdk::Auth`] |
//!
//! With `--credentials auto` (the default) the first configured row wins, in the order above,
//! except that a Bedrock API key comes first: setting it is asking for it, as the AWS SDKs do.
//! `--credentials <method>` names one and nothing is guessed; the SDKs' own switch to bearer auth
//! when `AWS_BEARER_TOKEN_BEDROCK` is set is pinned off unless the method is `bedrock-api-key`. Credentials are cached by the
//! SDK's identity cache and refreshed before they expire; concurrent requests share one refresh.

pub mod advice;
pub mod assume_role;
pub mod platform;
pub mod profile;
pub mod static_keys;
pub mod web_identity;

use crate::config::{AwsCredentialConfig, CredentialMethod};
use aws_config::SdkConfig;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use std::time::Duration;

/// The method chosen, and why: printed at start-up and by `doctor`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    /// The method.
    pub method: CredentialMethod,
    /// For role assumption: where the base credentials come from.
    pub base: Option<CredentialMethod>,
    /// Why this method was chosen.
    pub reason: String,
}

impl std::fmt::Display for Selection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.base {
            Some(base) => write!(f, "{} (base credentials: {}) — {}", self.method, base, self.reason),
            None => write!(f, "{} — {}", self.method, self.reason),
        }
    }
}

/// Chooses the method: the configured one, or the first configured in the documented precedence.
pub fn select(config: &AwsCredentialConfig) -> Result<Selection, String> {
    let has_keys = config.access_key_id.is_some() && config.secret_access_key.is_some();
    let selection = |method, base, reason: &str| Ok(Selection { method, base, reason: reason.to_owned() });
    match config.credentials {
        CredentialMethod::Auto => {
            if config.bearer_token.is_some() {
                selection(CredentialMethod::BedrockApiKey, None, "AWS_BEARER_TOKEN_BEDROCK is set")
            } else if config.web_identity_token_file.is_some() {
                if config.role_arn.is_none() {
                    return Err(
                        "AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not: web identity needs both"
                            .into(),
                    );
                }
                selection(
                    CredentialMethod::WebIdentity,
                    None,
                    &format!("{} and AWS_ROLE_ARN are set", token_file(config)),
                )
            } else if config.role_arn.is_some() {
                let base = base_method(config);
                selection(CredentialMethod::AssumeRole, Some(base), "AWS_ROLE_ARN is set")
            } else if has_keys {
                selection(
                    CredentialMethod::Static,
                    None,
                    "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are set",
                )
            } else if config.profile.is_some() {
                selection(CredentialMethod::Profile, None, "AWS_PROFILE is set")
            } else {
                selection(
                    CredentialMethod::Platform,
                    None,
                    "no keys, profile or role configured: using the platform's role (container, instance, default profile)",
                )
            }
        }
        CredentialMethod::Static if !has_keys => {
            Err("--credentials static needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY".into())
        }
        CredentialMethod::Profile if config.profile.is_none() => {
            Err("--credentials profile needs AWS_PROFILE".into())
        }
        CredentialMethod::AssumeRole if config.role_arn.is_none() => {
            Err("--credentials assume-role needs AWS_ROLE_ARN".into())
        }
        CredentialMethod::WebIdentity
            if config.role_arn.is_none() || config.web_identity_token_file.is_none() =>
        {
            Err("--credentials web-identity needs AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN".into())
        }
        CredentialMethod::BedrockApiKey if config.bearer_token.is_none() => {
            Err("--credentials bedrock-api-key needs AWS_BEARER_TOKEN_BEDROCK (a Bedrock API key)".into())
        }
        CredentialMethod::AssumeRole => {
            selection(CredentialMethod::AssumeRole, Some(base_method(config)), "named by --credentials")
        }
        CredentialMethod::WebIdentity => selection(
            CredentialMethod::WebIdentity,
            None,
            &format!("named by --credentials; {}", token_file(config)),
        ),
        method => selection(method, None, "named by --credentials"),
    }
}

/// `AWS_WEB_IDENTITY_TOKEN_FILE=<path>`, so logs and doctor name the file.
fn token_file(config: &AwsCredentialConfig) -> String {
    let path = config.web_identity_token_file.as_deref().unwrap_or(std::path::Path::new(""));
    format!("AWS_WEB_IDENTITY_TOKEN_FILE={}", path.display())
}

/// The guide's "base credentials for assumption": static keys, else a profile, else the platform.
fn base_method(config: &AwsCredentialConfig) -> CredentialMethod {
    if config.access_key_id.is_some() && config.secret_access_key.is_some() {
        CredentialMethod::Static
    } else if config.profile.is_some() {
        CredentialMethod::Profile
    } else {
        CredentialMethod::Platform
    }
}

/// Builds the provider for a selection. `sdk_config` supplies the region and the STS endpoint.
pub async fn provider(
    selection: &Selection,
    config: &AwsCredentialConfig,
    sdk_config: &SdkConfig,
) -> Result<SharedCredentialsProvider, String> {
    let single = |method| async move {
        Ok::<_, String>(match method {
            CredentialMethod::Static => static_keys::provider(config)?,
            CredentialMethod::Profile => profile::provider(config, sdk_config),
            _ => platform::provider(sdk_config).await,
        })
    };
    let provider = match selection.method {
        CredentialMethod::BedrockApiKey => SharedCredentialsProvider::new(NoCredentials),
        CredentialMethod::WebIdentity => web_identity::provider(config, sdk_config)?,
        CredentialMethod::AssumeRole => {
            let base = single(selection.base.unwrap_or(CredentialMethod::Platform)).await?;
            assume_role::provider(config, sdk_config, base).await
        }
        method => single(method).await?,
    };
    Ok(SharedCredentialsProvider::new(Counted { inner: provider, method: selection.method }))
}

/// The credentials of the `bedrock-api-key` method: none. Bedrock calls carry the key; what needs
/// AWS credentials (STS in `doctor`) says so instead of finding some elsewhere.
#[derive(Debug)]
struct NoCredentials;

impl ProvideCredentials for NoCredentials {
    fn provide_credentials<'a>(&'a self) -> aws_credential_types::provider::future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        aws_credential_types::provider::future::ProvideCredentials::ready(Err(
            aws_credential_types::provider::error::CredentialsError::not_loaded(
                "the bedrock-api-key method uses a Bedrock API key, not AWS credentials",
            ),
        ))
    }
}

/// A provider that counts its resolutions (`amazon_chat_credential_refreshes_total`): the SDK's
/// identity cache calls it once per refresh, so the count is the number of refreshes.
#[derive(Debug)]
struct Counted {
    inner: SharedCredentialsProvider,
    method: CredentialMethod,
}

impl ProvideCredentials for Counted {
    fn provide_credentials<'a>(&'a self) -> aws_credential_types::provider::future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        aws_credential_types::provider::future::ProvideCredentials::new(async move {
            let result = self.inner.provide_credentials().await;
            let outcome = if result.is_ok() { "ok" } else { "failed" };
            metrics::counter!("amazon_chat_credential_refreshes_total", "method" => self.method.to_string(), "outcome" => outcome)
                .increment(1);
            result
        })
    }
}

/// Resolves credentials once, with a timeout, to learn at start-up whether they work.
pub async fn try_resolve(
    provider: &SharedCredentialsProvider,
    limit: Duration,
) -> Result<aws_credential_types::Credentials, String> {
    match tokio::time::timeout(limit, provider.provide_credentials()).await {
        Ok(Ok(credentials)) => Ok(credentials),
        Ok(Err(error)) => Err(crate::error::describe_chain(&error)),
        Err(_) => Err(format!("no answer within {limit:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Secret;

    fn config() -> AwsCredentialConfig {
        crate::config::Config::for_tests().aws
    }

    fn with_keys() -> AwsCredentialConfig {
        AwsCredentialConfig {
            access_key_id: Some("AKIDEXAMPLE".into()),
            secret_access_key: Some(Secret::new("s".into())),
            ..config()
        }
    }

    #[test]
    fn auto_follows_the_documented_precedence() {
        assert_eq!(select(&config()).unwrap().method, CredentialMethod::Platform);
        assert_eq!(select(&with_keys()).unwrap().method, CredentialMethod::Static);
        let profile = AwsCredentialConfig { profile: Some("dev".into()), ..config() };
        assert_eq!(select(&profile).unwrap().method, CredentialMethod::Profile);
        let keys_and_profile = AwsCredentialConfig { profile: Some("dev".into()), ..with_keys() };
        assert_eq!(select(&keys_and_profile).unwrap().method, CredentialMethod::Static);
        let role = AwsCredentialConfig { role_arn: Some("arn:aws:iam::1:role/r".into()), ..with_keys() };
        let selection = select(&role).unwrap();
        assert_eq!(
            (selection.method, selection.base),
            (CredentialMethod::AssumeRole, Some(CredentialMethod::Static))
        );
        let role_on_platform =
            AwsCredentialConfig { role_arn: Some("arn:aws:iam::1:role/r".into()), ..config() };
        assert_eq!(select(&role_on_platform).unwrap().base, Some(CredentialMethod::Platform));
        let web = AwsCredentialConfig { web_identity_token_file: Some("/t".into()), ..role };
        assert_eq!(select(&web).unwrap().method, CredentialMethod::WebIdentity);
    }

    #[test]
    fn a_named_method_must_be_configured() {
        let named = |method| AwsCredentialConfig { credentials: method, ..config() };
        assert!(select(&named(CredentialMethod::Static)).unwrap_err().contains("AWS_ACCESS_KEY_ID"));
        assert!(select(&named(CredentialMethod::AssumeRole)).unwrap_err().contains("AWS_ROLE_ARN"));
        assert!(
            select(&named(CredentialMethod::WebIdentity))
                .unwrap_err()
                .contains("AWS_WEB_IDENTITY_TOKEN_FILE")
        );
        assert_eq!(select(&named(CredentialMethod::Platform)).unwrap().method, CredentialMethod::Platform);
        let token_without_role =
            AwsCredentialConfig { web_identity_token_file: Some("/t".into()), ..config() };
        assert!(select(&token_without_role).unwrap_err().contains("AWS_ROLE_ARN"));
    }
}
