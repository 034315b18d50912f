//! The platform's own identity: what the SDK's default chain finds when nothing is configured here.
//! In order: the environment (Lambda sets keys there), the default profile, web identity from the
//! environment, the ECS/EKS container role (`AWS_CONTAINER_CREDENTIALS_FULL_URI` or `_RELATIVE_URI`,
//! with `AWS_CONTAINER_AUTHORIZATION_TOKEN[_FILE]`), then the EC2 instance role over IMDSv2.

use aws_config::SdkConfig;
use aws_config::default_provider::credentials::DefaultCredentialsChain;
use aws_credential_types::provider::SharedCredentialsProvider;

/// The SDK's default chain.
pub async fn provider(sdk_config: &SdkConfig) -> SharedCredentialsProvider {
    let mut builder = DefaultCredentialsChain::builder();
    if let Some(region) = sdk_config.region() {
        builder = builder.region(region.clone());
    }
    SharedCredentialsProvider::new(builder.build().await)
}
