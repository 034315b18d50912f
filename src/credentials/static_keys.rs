//! Static keys: `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, optional `AWS_SESSION_TOKEN` (which is
//! also how Lambda hands its execution role to the process).

use crate::config::AwsCredentialConfig;
use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;

/// A provider of the configured keys.
pub fn provider(config: &AwsCredentialConfig) -> Result<SharedCredentialsProvider, String> {
    let (Some(access_key_id), Some(secret)) = (&config.access_key_id, &config.secret_access_key) else {
        return Err("static credentials need AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY".into());
    };
    let token = config.session_token.as_ref().map(|t| t.expose().to_owned());
    Ok(SharedCredentialsProvider::new(Credentials::new(
        access_key_id,
        secret.expose(),
        token,
        None,
        "static",
    )))
}
