//! The authentication guide's troubleshooting advice, matched to a failure, for start-up logs and
//! `doctor`.

use crate::config::CredentialMethod;
use crate::error::ErrorKind;

/// Advice when credentials cannot be resolved with `method`.
pub fn for_resolution(method: CredentialMethod, detail: &str) -> &'static str {
    let lower = detail.to_ascii_lowercase();
    if lower.contains("sts:assumerole") || (lower.contains("assumerole") && lower.contains("not authorized"))
    {
        return ASSUME_ROLE;
    }
    if lower.contains("accessdenied") || lower.contains("access denied") {
        return ASSUME_ROLE;
    }
    match method {
        CredentialMethod::WebIdentity => {
            "Check that AWS_WEB_IDENTITY_TOKEN_FILE names a readable token file (on EKS: the service account \
             has the eks.amazonaws.com/role-arn annotation) and that the role's trust policy allows \
             sts:AssumeRoleWithWebIdentity from your OIDC provider."
        }
        CredentialMethod::AssumeRole => ASSUME_ROLE,
        CredentialMethod::Profile => {
            "Check that AWS_PROFILE names a profile in ~/.aws/config or ~/.aws/credentials (aws configure \
             --profile NAME), and that its source_profile or credential_source resolves."
        }
        CredentialMethod::Static => INVALID_CREDENTIALS,
        CredentialMethod::BedrockApiKey => {
            "Check that AWS_BEARER_TOKEN_BEDROCK holds a Bedrock API key that has not expired (short-term \
             keys last at most 12 hours) and was made in this region's account."
        }
        CredentialMethod::Platform | CredentialMethod::Auto => {
            "No credentials were found. Set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or AWS_PROFILE, or \
             AWS_ROLE_ARN (with AWS_WEB_IDENTITY_TOKEN_FILE for OIDC); on EC2, ECS, EKS or Lambda attach \
             an IAM role to the instance, task, service account or function."
        }
    }
}

/// Advice for a Bedrock failure of this kind.
pub fn for_bedrock(kind: ErrorKind) -> Option<&'static str> {
    match kind {
        ErrorKind::PermissionDenied => Some(ACCESS_DENIED),
        ErrorKind::Unauthenticated => Some(INVALID_CREDENTIALS),
        ErrorKind::ModelNotFound | ErrorKind::NotFound => Some(REGION_MISMATCH),
        _ => None,
    }
}

/// Guide, troubleshooting 1.
pub const ACCESS_DENIED: &str = "Access denied. Verify the IAM permissions include bedrock:InvokeModel and \
bedrock:InvokeModelWithResponseStream; check the resource ARNs in the policy; ensure the model is available \
in your region and model access is enabled in the Bedrock console. Minimum policy: {\"Effect\": \"Allow\", \
\"Action\": [\"bedrock:InvokeModel\", \"bedrock:InvokeModelWithResponseStream\"], \"Resource\": \
\"arn:aws:bedrock:*::foundation-model/*\"}";

/// Guide, troubleshooting 2.
pub const INVALID_CREDENTIALS: &str = "Invalid credentials. Check the AWS credentials are correct; verify they \
have not expired; for assumed roles, check the role's trust policy.";

/// Guide, troubleshooting 3.
pub const REGION_MISMATCH: &str = "Model not found in region. Verify the model is available in your region; \
check AWS_REGION; use the model ids (or cross-region inference profile ids such as us.<model-id>) of your region.";

/// Guide, troubleshooting 4.
pub const ASSUME_ROLE: &str = "Role assumption failed. Check the role's trust policy allows your principal; \
verify the external id (AWS_EXTERNAL_ID) if the trust policy requires one; ensure the base credentials have \
sts:AssumeRole permission on the role.";
