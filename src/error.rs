//! The one error type of the service, and the one table that says what each kind of failure means
//! to gRPC and to HTTP, so the two protocols can never disagree.
//!
//! Messages are written for the caller: they say what went wrong and how to fix it. They never hold
//! credentials; the Bedrock adapter builds them from error codes and Bedrock's own messages only.

use std::time::Duration;

/// What kind of failure this is. Each kind has exactly one gRPC code and one HTTP status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The request cannot be honoured as written (names a field).
    InvalidArgument,
    /// The request body is larger than the server accepts.
    PayloadTooLarge,
    /// The caller's API key is missing or wrong, or the server's AWS credentials are invalid/expired.
    Unauthenticated,
    /// The server's AWS identity may not do this (IAM).
    PermissionDenied,
    /// Unknown model, or a model not offered in the configured region.
    NotFound,
    /// Throttled by Bedrock or over a service quota; retry later.
    ResourceExhausted,
    /// Bedrock or the model is temporarily unavailable; safe to retry.
    Unavailable,
    /// Bedrock did not answer in time.
    DeadlineExceeded,
    /// A bug or an unexpected upstream answer.
    Internal,
}

impl ErrorKind {
    /// The table. gRPC code, HTTP status, a stable machine-readable reason (google.rpc.ErrorInfo),
    /// and OpenAI's error `type` for the REST envelope.
    pub const fn describe(self) -> ErrorClass {
        use ErrorKind::*;
        use http::StatusCode as H;
        use tonic::Code as G;
        let (grpc, http, reason, openai_type) = match self {
            InvalidArgument => {
                (G::InvalidArgument, H::BAD_REQUEST, "INVALID_ARGUMENT", "invalid_request_error")
            }
            PayloadTooLarge => {
                (G::ResourceExhausted, H::PAYLOAD_TOO_LARGE, "PAYLOAD_TOO_LARGE", "invalid_request_error")
            }
            Unauthenticated => {
                (G::Unauthenticated, H::UNAUTHORIZED, "UNAUTHENTICATED", "authentication_error")
            }
            PermissionDenied => (G::PermissionDenied, H::FORBIDDEN, "PERMISSION_DENIED", "permission_error"),
            NotFound => (G::NotFound, H::NOT_FOUND, "NOT_FOUND", "not_found_error"),
            ResourceExhausted => {
                (G::ResourceExhausted, H::TOO_MANY_REQUESTS, "THROTTLED", "rate_limit_error")
            }
            Unavailable => (G::Unavailable, H::SERVICE_UNAVAILABLE, "UPSTREAM_UNAVAILABLE", "api_error"),
            DeadlineExceeded => {
                (G::DeadlineExceeded, H::GATEWAY_TIMEOUT, "UPSTREAM_TIMEOUT", "timeout_error")
            }
            Internal => (G::Internal, H::INTERNAL_SERVER_ERROR, "INTERNAL", "api_error"),
        };
        ErrorClass { grpc, http, reason, openai_type }
    }
}

/// One row of the table in [`ErrorKind::describe`].
#[derive(Debug, Clone, Copy)]
pub struct ErrorClass {
    /// The gRPC status code.
    pub grpc: tonic::Code,
    /// The HTTP status the REST shim answers with.
    pub http: http::StatusCode,
    /// A stable reason, sent as google.rpc.ErrorInfo.reason.
    pub reason: &'static str,
    /// OpenAI's error `type`.
    pub openai_type: &'static str,
}

/// A failure, ready to be shown to the caller.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct Error {
    /// What kind of failure.
    pub kind: ErrorKind,
    /// What went wrong and, where possible, how to fix it.
    pub message: String,
    /// The request field at fault (`messages[2].tool_call_id`), for InvalidArgument.
    pub field: Option<String>,
    /// When the caller may retry, for ResourceExhausted and Unavailable.
    pub retry_after: Option<Duration>,
    /// The upstream error code (`ThrottlingException`), when the failure came from Bedrock.
    pub upstream_code: Option<String>,
}

impl Error {
    /// A failure of the given kind.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self { kind, message: message.into(), field: None, retry_after: None, upstream_code: None }
    }

    /// A request field that cannot be honoured; the message says why.
    pub fn invalid(field: impl Into<String>, reason: impl std::fmt::Display) -> Self {
        let field = field.into();
        Self {
            field: Some(field.clone()),
            ..Self::new(ErrorKind::InvalidArgument, format!("{field}: {reason}"))
        }
    }

    /// A model the request names that cannot be served here: NotFound, with the field at fault
    /// (`model`, or `id` for GetModel) so both faces can say so (OpenAI's `model_not_found`).
    pub fn model_not_found(field: &str, message: impl Into<String>) -> Self {
        Self { field: Some(field.to_owned()), ..Self::new(ErrorKind::NotFound, message) }
    }

    /// Adds a retry delay.
    pub fn with_retry_after(mut self, delay: Duration) -> Self {
        self.retry_after = Some(delay);
        self
    }

    /// Records the upstream error code.
    pub fn with_upstream_code(mut self, code: impl Into<String>) -> Self {
        self.upstream_code = Some(code.into());
        self
    }

    /// Logs a failed call (the message only: never request content) at a level fitting its kind.
    pub fn log(&self) {
        let upstream = self.upstream_code.as_deref();
        match self.kind {
            ErrorKind::Internal => tracing::error!(kind = ?self.kind, upstream, "{}", self.message),
            _ => tracing::warn!(kind = ?self.kind, upstream, "{}", self.message),
        }
    }

    /// This failure's row of the table.
    pub fn class(&self) -> ErrorClass {
        self.kind.describe()
    }
}

/// An error and its sources as one line, from their `Display` only: never `Debug`, which for SDK
/// errors includes raw responses that may hold credentials.
pub fn describe_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

/// The service's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_matches_the_documented_contract() {
        let cases = [
            (ErrorKind::InvalidArgument, tonic::Code::InvalidArgument, 400),
            (ErrorKind::PayloadTooLarge, tonic::Code::ResourceExhausted, 413),
            (ErrorKind::Unauthenticated, tonic::Code::Unauthenticated, 401),
            (ErrorKind::PermissionDenied, tonic::Code::PermissionDenied, 403),
            (ErrorKind::NotFound, tonic::Code::NotFound, 404),
            (ErrorKind::ResourceExhausted, tonic::Code::ResourceExhausted, 429),
            (ErrorKind::Unavailable, tonic::Code::Unavailable, 503),
            (ErrorKind::DeadlineExceeded, tonic::Code::DeadlineExceeded, 504),
            (ErrorKind::Internal, tonic::Code::Internal, 500),
        ];
        for (kind, grpc, http) in cases {
            let class = kind.describe();
            assert_eq!(class.grpc, grpc, "{kind:?}");
            assert_eq!(class.http.as_u16(), http, "{kind:?}");
        }
    }

    #[test]
    fn invalid_names_the_field_in_the_message() {
        let err = Error::invalid("messages[1].role", "unknown role \"wizard\"");
        assert_eq!(err.field.as_deref(), Some("messages[1].role"));
        assert_eq!(err.to_string(), "messages[1].role: unknown role \"wizard\"");
    }
}
