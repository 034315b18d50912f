//! Named profile: `AWS_PROFILE` in the shared config and credentials files (`AWS_CONFIG_FILE`,
//! `AWS_SHARED_CREDENTIALS_FILE`), including `role_arn` / `source_profile` / `external_id` chains
//! and `credential_source`. The SDK's profile provider walks the chain.

use crate::config::AwsCredentialConfig;
use aws_config::SdkConfig;
use aws_config::profile::ProfileFileCredentialsProvider;
use aws_config::provider_config::ProviderConfig;
use aws_credential_types::provider::SharedCredentialsProvider;

/// A provider for the configured profile.
pub fn provider(config: &AwsCredentialConfig, sdk_config: &SdkConfig) -> SharedCredentialsProvider {
    let mut builder = ProfileFileCredentialsProvider::builder()
        .configure(&ProviderConfig::default().with_region(sdk_config.region().cloned()));
    if let Some(name) = &config.profile {
        builder = builder.profile_name(name);
    }
    SharedCredentialsProvider::new(builder.build())
}
