//! Web identity (OIDC: EKS IRSA, GitHub Actions): STS AssumeRoleWithWebIdentity for `AWS_ROLE_ARN`
//! with the token in `AWS_WEB_IDENTITY_TOKEN_FILE`, re-read at every refresh (the platform rotates it).

use crate::config::AwsCredentialConfig;
use aws_config::SdkConfig;
use aws_config::provider_config::ProviderConfig;
use aws_config::web_identity_token::{StaticConfiguration, WebIdentityTokenCredentialsProvider};
use aws_credential_types::provider::SharedCredentialsProvider;

/// A provider for the configured role and token file.
pub fn provider(
    config: &AwsCredentialConfig,
    sdk_config: &SdkConfig,
) -> Result<SharedCredentialsProvider, String> {
    let (Some(role_arn), Some(token_file)) = (&config.role_arn, &config.web_identity_token_file) else {
        return Err("web identity needs AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN".into());
    };
    let provider = WebIdentityTokenCredentialsProvider::builder()
        .static_configuration(StaticConfiguration {
            web_identity_token_file: token_file.clone(),
            role_arn: role_arn.clone(),
            session_name: config.role_session_name.clone(),
        })
        .configure(&ProviderConfig::default().with_region(sdk_config.region().cloned()))
        .build();
    Ok(SharedCredentialsProvider::new(provider))
}
