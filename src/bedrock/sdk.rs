//! Builds the one shared Bedrock Runtime client from the AWS SDK's configuration chain.
//!
//! Credentials and region come from the SDK's default chain (environment, profile, web identity,
//! container and instance roles), which honours every variable of the authentication guide; the
//! settings here only override what the server's own flags say.

use super::Bedrock;
use aws_config::BehaviorVersion;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_credential_types::Credentials;
use aws_sdk_bedrockruntime::config::Region;
use std::time::Duration;

/// Overrides for the SDK's default configuration chain.
#[derive(Debug, Clone, Default)]
pub struct SdkSettings {
    /// The region; otherwise the chain's (AWS_REGION, AWS_DEFAULT_REGION, profile).
    pub region: Option<String>,
    /// Bedrock Runtime endpoint (an emulator, a VPC endpoint).
    pub endpoint: Option<String>,
    /// Attempts per call, first included.
    pub max_attempts: u32,
    /// Fixed credentials instead of the chain (the demo's emulator credentials).
    pub credentials: Option<Credentials>,
}

/// Loads the SDK configuration once and builds the client.
pub async fn connect(settings: SdkSettings) -> Result<Bedrock, String> {
    // An empty endpoint variable makes the SDK panic ("URL was unset"); refuse it with a clear message.
    for variable in ["AWS_ENDPOINT_URL_BEDROCK_RUNTIME", "AWS_ENDPOINT_URL"] {
        if std::env::var_os(variable).is_some_and(|value| value.is_empty()) {
            return Err(format!("{variable} is set but empty: unset it, or set it to a URL"));
        }
    }
    if let Some(endpoint) = &settings.endpoint
        && !(endpoint.starts_with("http://") || endpoint.starts_with("https://"))
    {
        return Err(format!("--bedrock-endpoint: {endpoint:?} is not an http(s) URL"));
    }
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .retry_config(RetryConfig::standard().with_max_attempts(settings.max_attempts.max(1)))
        .timeout_config(TimeoutConfig::builder().connect_timeout(Duration::from_secs(5)).build());
    if let Some(region) = settings.region {
        loader = loader.region(Region::new(region));
    }
    if let Some(credentials) = settings.credentials {
        loader = loader.credentials_provider(credentials);
    }
    let sdk_config = loader.load().await;
    let region = sdk_config.region().map(|r| r.to_string()).ok_or(
        "no AWS region configured: set AWS_REGION (or pass --region, or set region in your AWS profile)",
    )?;
    let mut builder = aws_sdk_bedrockruntime::config::Builder::from(&sdk_config);
    if let Some(endpoint) = settings.endpoint {
        builder = builder.endpoint_url(endpoint);
    }
    Ok(Bedrock::new(aws_sdk_bedrockruntime::Client::from_conf(builder.build()), region))
}
