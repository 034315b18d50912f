//! Role assumption: STS AssumeRole for `AWS_ROLE_ARN`, with `AWS_ROLE_SESSION_NAME` (default
//! `amazon-chat-session`), optional `AWS_EXTERNAL_ID` and `AWS_ROLE_SESSION_DURATION` (900 to 43200
//! seconds), signed with base credentials (static keys, a profile, or the platform's role).

use crate::config::AwsCredentialConfig;
use aws_config::SdkConfig;
use aws_config::sts::AssumeRoleProvider;
use aws_credential_types::provider::SharedCredentialsProvider;
use std::time::Duration;

/// A provider that assumes the configured role with `base`.
pub async fn provider(
    config: &AwsCredentialConfig,
    sdk_config: &SdkConfig,
    base: SharedCredentialsProvider,
) -> SharedCredentialsProvider {
    let mut builder = AssumeRoleProvider::builder(config.role_arn.clone().unwrap_or_default())
        .session_name(&config.role_session_name)
        .configure(sdk_config);
    if let Some(external_id) = &config.external_id {
        builder = builder.external_id(external_id);
    }
    if let Some(seconds) = config.role_session_duration {
        builder = builder.session_length(Duration::from_secs(u64::from(seconds)));
    }
    if let Some(region) = sdk_config.region() {
        builder = builder.region(region.clone());
    }
    SharedCredentialsProvider::new(builder.build_from_provider(base).await)
}
