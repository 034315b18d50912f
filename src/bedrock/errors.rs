//! Classifies what the SDK reports (service exceptions, HTTP statuses, timeouts, connection and
//! credential failures) into the service's [`Error`], with a message that helps fix the cause.
//!
//! Messages are built from error codes, Bedrock's own message, the model id and the region; never
//! from request headers or credentials.

use crate::error::describe_chain;
use crate::error::{Error, ErrorKind};
use aws_sdk_bedrockruntime::error::{ProvideErrorMetadata, SdkError};
use std::time::Duration;

/// Throttling without a Retry-After from upstream: retry after this long.
const DEFAULT_RETRY_AFTER: Duration = Duration::from_secs(1);

/// What the failing call was about, for the messages.
#[derive(Debug, Clone, Copy)]
pub struct CallContext<'a> {
    /// The model id as requested.
    pub model: &'a str,
    /// The region the client calls.
    pub region: &'a str,
}

/// A failed SDK call (Converse, ConverseStream's initial response, or a stream event).
pub fn from_sdk<E, R>(error: &SdkError<E, R>, status: Option<u16>, context: CallContext<'_>) -> Error
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug + 'static,
{
    match error {
        SdkError::ServiceError(service) => {
            let err = service.err();
            from_exception(err.code().unwrap_or_default(), err.message().unwrap_or_default(), status, context)
        }
        SdkError::TimeoutError(_) => Error::new(
            ErrorKind::DeadlineExceeded,
            format!(
                "Bedrock did not answer in time for model {}; try again, or raise the upstream timeout",
                context.model
            ),
        ),
        SdkError::DispatchFailure(failure) if failure.is_timeout() => Error::new(
            ErrorKind::DeadlineExceeded,
            format!("connecting to Bedrock in {} timed out", context.region),
        ),
        SdkError::DispatchFailure(failure) if failure.is_user() || failure.is_other() => {
            // The SDK reports a credential chain that found nothing here (no network was used).
            let detail = describe_chain(error);
            if detail.contains("credential") || detail.contains("identity") {
                // The detail (profile paths, role ARNs, STS messages) is for the operator's log,
                // not for API callers.
                tracing::error!("AWS credentials could not be loaded: {detail}");
                return Error::new(
                    ErrorKind::Unauthenticated,
                    "the server has no usable AWS credentials right now; its log names the method tried and how to \
                     fix it (or run `amazon-chat doctor`)",
                )
                .with_upstream_code("CredentialsNotLoaded");
            }
            Error::new(ErrorKind::Unavailable, format!("calling Bedrock failed: {detail}"))
                .with_retry_after(DEFAULT_RETRY_AFTER)
        }
        SdkError::DispatchFailure(_) => Error::new(
            ErrorKind::Unavailable,
            format!("cannot reach Bedrock in {}: {}", context.region, describe_chain(error)),
        )
        .with_retry_after(DEFAULT_RETRY_AFTER),
        SdkError::ResponseError(_) => Error::new(
            ErrorKind::Unavailable,
            format!("Bedrock sent a response that could not be read: {}", describe_chain(error)),
        )
        .with_retry_after(DEFAULT_RETRY_AFTER),
        SdkError::ConstructionFailure(_) => Error::new(
            ErrorKind::Internal,
            format!("the Bedrock request could not be built: {}", describe_chain(error)),
        ),
        _ => Error::new(ErrorKind::Internal, format!("calling Bedrock failed: {}", describe_chain(error))),
    }
}

/// The table from Bedrock exception codes (and, failing those, HTTP statuses) to error kinds.
pub fn from_exception(code: &str, message: &str, status: Option<u16>, context: CallContext<'_>) -> Error {
    // Stream exceptions arrive lower camel case (`throttlingException`); normalise.
    let mut normalised = code.to_owned();
    if let Some(first) = normalised.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    let model = context.model;
    let region = context.region;
    let error = match normalised.as_str() {
        "ValidationException" if is_unknown_model(message) => Error::model_not_found("model", model,
            format!(
                "model {model:?} is not available in {region}: Bedrock says \"{message}\". Check the id \
                 (the model list: GET /v1/models or ListModels), that the model is offered in {region}, or use a cross-region inference profile id"
            ),
        ),
        "ValidationException" if message.contains("on-demand throughput") => Error::model_not_found("model", model,
            format!(
                "model {model:?} cannot be invoked on demand in {region}: Bedrock says \"{message}\". Use its \
                 inference profile id instead, e.g. \"us.{model}\""
            ),
        ),
        "ValidationException" => Error::new(ErrorKind::InvalidArgument, format!("Bedrock rejected the request: {message}")),
        // A Bedrock API key that is wrong or expired: the server's credential, not a permission.
        "AccessDeniedException" if message.starts_with("Authentication failed") => Error::new(
            ErrorKind::Unauthenticated,
            format!(
                "Bedrock rejected the server's Bedrock API key: \"{message}\". Check that AWS_BEARER_TOKEN_BEDROCK \
                 holds a key that has not expired, made in this region"
            ),
        ),
        "AccessDeniedException" => Error::new(
            ErrorKind::PermissionDenied,
            format!(
                "the server's AWS identity may not invoke {model:?} in {region}: Bedrock says \"{message}\". It needs \
                 bedrock:InvokeModel (and bedrock:InvokeModelWithResponseStream for streaming) on this model, and \
                 model access must be enabled in the Bedrock console"
            ),
        ),
        "UnrecognizedClientException" | "InvalidSignatureException" | "ExpiredTokenException"
        | "InvalidClientTokenId" | "IncompleteSignatureException" | "SignatureDoesNotMatch" => Error::new(
            ErrorKind::Unauthenticated,
            format!(
                "Bedrock rejected the server's AWS credentials: \"{message}\". Check that they are correct and \
                 not expired; for an assumed role, check the role's trust policy"
            ),
        ),
        "ThrottlingException" | "ServiceQuotaExceededException" | "TooManyRequestsException" => Error::new(
            ErrorKind::ResourceExhausted,
            format!("Bedrock is throttling requests for {model:?}: \"{message}\". Retry after a short delay"),
        )
        .with_retry_after(DEFAULT_RETRY_AFTER),
        "ModelNotReadyException" | "ServiceUnavailableException" | "InternalServerException" | "ModelErrorException"
        | "ModelStreamErrorException" => Error::new(
            ErrorKind::Unavailable,
            format!("Bedrock could not serve {model:?} right now ({normalised}): \"{message}\". Retrying may succeed"),
        )
        .with_retry_after(DEFAULT_RETRY_AFTER),
        "ModelTimeoutException" => Error::new(
            ErrorKind::DeadlineExceeded,
            format!("model {model:?} took too long to answer: \"{message}\""),
        ),
        "ResourceNotFoundException" => Error::model_not_found("model", model,
            format!("Bedrock could not find {model:?} in {region}: \"{message}\""),
        ),
        _ => by_status(status, &normalised, message),
    };
    if normalised.is_empty() { error } else { error.with_upstream_code(normalised) }
}

/// Bedrock's messages for a model id it does not know.
fn is_unknown_model(message: &str) -> bool {
    let message = message.to_ascii_lowercase();
    message.contains("model identifier is invalid") || message.contains("model not found")
}

fn by_status(status: Option<u16>, code: &str, message: &str) -> Error {
    let kind = match status {
        Some(400) => ErrorKind::InvalidArgument,
        Some(401) => ErrorKind::Unauthenticated,
        Some(403) => ErrorKind::PermissionDenied,
        Some(404) => ErrorKind::NotFound,
        Some(408) => ErrorKind::DeadlineExceeded,
        Some(413) => ErrorKind::PayloadTooLarge,
        Some(429) => ErrorKind::ResourceExhausted,
        Some(500..=599) => ErrorKind::Unavailable,
        _ => ErrorKind::Internal,
    };
    let code = if code.is_empty() { "an unnamed error" } else { code };
    let status = status.map(|s| format!(" (HTTP {s})")).unwrap_or_default();
    let error = Error::new(kind, format!("Bedrock answered with {code}{status}: {message}"));
    match kind {
        ErrorKind::ResourceExhausted | ErrorKind::Unavailable => error.with_retry_after(DEFAULT_RETRY_AFTER),
        _ => error,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONTEXT: CallContext<'static> =
        CallContext { model: "anthropic.claude-3-opus-20240229-v1:0", region: "eu-central-1" };

    fn kind(code: &str, message: &str, status: Option<u16>) -> ErrorKind {
        from_exception(code, message, status, CONTEXT).kind
    }

    #[test]
    fn exceptions_map_to_the_documented_kinds() {
        assert_eq!(
            kind("ValidationException", "Malformed input request", Some(400)),
            ErrorKind::InvalidArgument
        );
        assert_eq!(
            kind("ValidationException", "The provided model identifier is invalid.", Some(400)),
            ErrorKind::ModelNotFound
        );
        assert_eq!(kind("AccessDeniedException", "not authorized", Some(403)), ErrorKind::PermissionDenied);
        assert_eq!(
            kind(
                "UnrecognizedClientException",
                "The security token included in the request is invalid",
                Some(403)
            ),
            ErrorKind::Unauthenticated
        );
        assert_eq!(kind("ExpiredTokenException", "expired", Some(403)), ErrorKind::Unauthenticated);
        assert_eq!(kind("ThrottlingException", "slow down", Some(429)), ErrorKind::ResourceExhausted);
        assert_eq!(kind("throttlingException", "slow down", None), ErrorKind::ResourceExhausted);
        assert_eq!(kind("ServiceQuotaExceededException", "quota", Some(400)), ErrorKind::ResourceExhausted);
        assert_eq!(kind("ModelNotReadyException", "warming", Some(429)), ErrorKind::Unavailable);
        assert_eq!(kind("ServiceUnavailableException", "down", Some(503)), ErrorKind::Unavailable);
        assert_eq!(kind("ModelTimeoutException", "slow", Some(408)), ErrorKind::DeadlineExceeded);
        assert_eq!(kind("ResourceNotFoundException", "gone", Some(404)), ErrorKind::ModelNotFound);
        assert_eq!(kind("SomethingNew", "?", Some(502)), ErrorKind::Unavailable);
        assert_eq!(kind("", "?", None), ErrorKind::Internal);
    }

    #[test]
    fn messages_help_fix_the_cause() {
        let denied = from_exception("AccessDeniedException", "no", Some(403), CONTEXT);
        assert!(denied.message.contains("bedrock:InvokeModel"));
        let missing =
            from_exception("ValidationException", "The provided model identifier is invalid.", None, CONTEXT);
        assert!(missing.message.contains("eu-central-1") && missing.message.contains("inference profile"));
        let throttled = from_exception("ThrottlingException", "x", Some(429), CONTEXT);
        assert_eq!(throttled.retry_after, Some(DEFAULT_RETRY_AFTER));
        assert_eq!(throttled.upstream_code.as_deref(), Some("ThrottlingException"));
    }
}
