//! The table: what each kind of failure means to gRPC, to HTTP, to OpenAI's, Anthropic's and
//! Bedrock's error envelopes and to the process exit status. Everything outside this file reads it; nothing decides a status alone.
//!
//! Copies of the table for readers live in README.md ("Errors") and in the comment on
//! `ChatService` in `proto/amazon_chat/v1/chat.proto`; a test compares both with this one.

use http::StatusCode as H;
use tonic::Code as G;

/// What kind of failure this is. Each kind is one row of [`ErrorKind::describe`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The request cannot be honoured as written (names a field).
    InvalidArgument,
    /// The request body is larger than the server accepts.
    PayloadTooLarge,
    /// The caller's API key is missing or wrong.
    InvalidApiKey,
    /// The server's AWS credentials are missing, invalid or expired.
    Unauthenticated,
    /// The server's AWS identity may not do this (IAM).
    PermissionDenied,
    /// The caller's key may not use this model (its policy in the keys file).
    ModelNotAllowed,
    /// The model the request names is unknown, or not offered in the region.
    ModelNotFound,
    /// Bedrock reported something else missing.
    NotFound,
    /// No endpoint at this path (REST) or no such method (gRPC).
    UnknownRoute,
    /// A known REST path called with the wrong HTTP method.
    MethodNotAllowed,
    /// Throttled by Bedrock or over a service quota; retry later.
    ResourceExhausted,
    /// Over the caller's own limit (keys file); retry after the window resets.
    RateLimited,
    /// Bedrock or the model is temporarily unavailable; safe to retry.
    Unavailable,
    /// This server is at its cap of calls in flight or streams open; retry shortly (elsewhere).
    Overloaded,
    /// Bedrock did not answer in time.
    DeadlineExceeded,
    /// The model's answer does not match the strict schema the request asked for.
    SchemaMismatch,
    /// A bug or an unexpected upstream answer.
    Internal,
    /// Start-up refused the configuration (a flag, a variable, a file): a usage error.
    Configuration,
    /// Start-up failed for another reason (the port is taken, the runtime cannot start).
    Startup,
}

/// Anthropic's error `type` for a kind: its own names, which have no separate code. The HTTP
/// status stays the table's, so every door answers one failure with one status.
const fn anthropic_type(kind: ErrorKind) -> &'static str {
    use ErrorKind::*;
    match kind {
        InvalidArgument | MethodNotAllowed => "invalid_request_error",
        PayloadTooLarge => "request_too_large",
        InvalidApiKey | Unauthenticated => "authentication_error",
        PermissionDenied | ModelNotAllowed => "permission_error",
        ModelNotFound | NotFound | UnknownRoute => "not_found_error",
        ResourceExhausted | RateLimited => "rate_limit_error",
        Overloaded => "overloaded_error",
        DeadlineExceeded => "timeout_error",
        Unavailable | SchemaMismatch | Internal | Configuration | Startup => "api_error",
    }
}

/// Bedrock's own exception name for a kind (`x-amzn-ErrorType` on the Bedrock door, and, with a
/// lower-case first letter, a stream's `:exception-type`), so AWS SDKs raise the exception they
/// know. The HTTP status stays the table's.
const fn bedrock_type(kind: ErrorKind) -> &'static str {
    use ErrorKind::*;
    match kind {
        InvalidArgument | PayloadTooLarge | MethodNotAllowed => "ValidationException",
        InvalidApiKey | Unauthenticated => "UnrecognizedClientException",
        PermissionDenied | ModelNotAllowed => "AccessDeniedException",
        ModelNotFound | NotFound | UnknownRoute => "ResourceNotFoundException",
        ResourceExhausted | RateLimited => "ThrottlingException",
        Unavailable | Overloaded => "ServiceUnavailableException",
        DeadlineExceeded => "ModelTimeoutException",
        SchemaMismatch => "ModelErrorException",
        Internal | Configuration | Startup => "InternalServerException",
    }
}

/// Where a failure can happen: in a call (it reaches a client) or in the process (it ends it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Answers one call; the process goes on.
    Call,
    /// Stops the process before it serves.
    Process,
}

/// One row of the table.
#[derive(Debug, Clone, Copy)]
pub struct ErrorClass {
    /// The gRPC status code.
    pub grpc: tonic::Code,
    /// The HTTP status the REST shim answers with.
    pub http: http::StatusCode,
    /// A stable reason, sent as google.rpc.ErrorInfo.reason.
    pub reason: &'static str,
    /// OpenAI's error `type` in the REST envelope.
    pub openai_type: &'static str,
    /// OpenAI's error `code` in the REST envelope (OpenAI's own where it has one).
    pub openai_code: &'static str,
    /// Anthropic's error `type` in the Messages API envelope.
    pub anthropic_type: &'static str,
    /// Bedrock's exception name on the Bedrock door.
    pub bedrock_type: &'static str,
    /// The process exit status when this ends the process.
    pub exit_code: u8,
    /// Whether it answers a call or ends the process.
    pub scope: Scope,
}

impl ErrorKind {
    /// Every kind, in the table's order.
    pub const ALL: [ErrorKind; 19] = {
        use ErrorKind::*;
        [
            InvalidArgument,
            PayloadTooLarge,
            InvalidApiKey,
            Unauthenticated,
            PermissionDenied,
            ModelNotAllowed,
            ModelNotFound,
            NotFound,
            UnknownRoute,
            MethodNotAllowed,
            ResourceExhausted,
            RateLimited,
            Unavailable,
            Overloaded,
            DeadlineExceeded,
            SchemaMismatch,
            Internal,
            Configuration,
            Startup,
        ]
    };

    /// The table.
    pub const fn describe(self) -> ErrorClass {
        use ErrorKind::*;
        use Scope::{Call, Process};
        let (grpc, http, reason, openai_type, openai_code, exit_code, scope) = match self {
            InvalidArgument => (
                G::InvalidArgument,
                H::BAD_REQUEST,
                "INVALID_ARGUMENT",
                "invalid_request_error",
                "invalid_argument",
                1,
                Call,
            ),
            PayloadTooLarge => (
                G::ResourceExhausted,
                H::PAYLOAD_TOO_LARGE,
                "PAYLOAD_TOO_LARGE",
                "invalid_request_error",
                "payload_too_large",
                1,
                Call,
            ),
            InvalidApiKey => (
                G::Unauthenticated,
                H::UNAUTHORIZED,
                "UNAUTHENTICATED",
                "authentication_error",
                "invalid_api_key",
                1,
                Call,
            ),
            Unauthenticated => (
                G::Unauthenticated,
                H::UNAUTHORIZED,
                "UNAUTHENTICATED",
                "authentication_error",
                "unauthenticated",
                1,
                Call,
            ),
            PermissionDenied => (
                G::PermissionDenied,
                H::FORBIDDEN,
                "PERMISSION_DENIED",
                "permission_error",
                "permission_denied",
                1,
                Call,
            ),
            ModelNotAllowed => (
                G::PermissionDenied,
                H::FORBIDDEN,
                "MODEL_NOT_ALLOWED",
                "permission_error",
                "model_not_allowed",
                1,
                Call,
            ),
            ModelNotFound => {
                (G::NotFound, H::NOT_FOUND, "NOT_FOUND", "not_found_error", "model_not_found", 1, Call)
            }
            NotFound => (G::NotFound, H::NOT_FOUND, "NOT_FOUND", "not_found_error", "not_found", 1, Call),
            UnknownRoute => {
                (G::Unimplemented, H::NOT_FOUND, "UNKNOWN_ROUTE", "not_found_error", "not_found", 1, Call)
            }
            MethodNotAllowed => (
                G::Unimplemented,
                H::METHOD_NOT_ALLOWED,
                "METHOD_NOT_ALLOWED",
                "invalid_request_error",
                "method_not_allowed",
                1,
                Call,
            ),
            ResourceExhausted => (
                G::ResourceExhausted,
                H::TOO_MANY_REQUESTS,
                "THROTTLED",
                "rate_limit_error",
                "rate_limit_exceeded",
                1,
                Call,
            ),
            RateLimited => (
                G::ResourceExhausted,
                H::TOO_MANY_REQUESTS,
                "RATE_LIMITED",
                "rate_limit_error",
                "rate_limit_exceeded",
                1,
                Call,
            ),
            Unavailable => (
                G::Unavailable,
                H::SERVICE_UNAVAILABLE,
                "UPSTREAM_UNAVAILABLE",
                "api_error",
                "upstream_unavailable",
                1,
                Call,
            ),
            Overloaded => {
                (G::Unavailable, H::SERVICE_UNAVAILABLE, "OVERLOADED", "api_error", "overloaded", 1, Call)
            }
            DeadlineExceeded => (
                G::DeadlineExceeded,
                H::GATEWAY_TIMEOUT,
                "UPSTREAM_TIMEOUT",
                "timeout_error",
                "upstream_timeout",
                1,
                Call,
            ),
            SchemaMismatch => {
                (G::Unavailable, H::BAD_GATEWAY, "SCHEMA_MISMATCH", "api_error", "schema_mismatch", 1, Call)
            }
            Internal => (G::Internal, H::INTERNAL_SERVER_ERROR, "INTERNAL", "api_error", "internal", 1, Call),
            Configuration => (
                G::FailedPrecondition,
                H::INTERNAL_SERVER_ERROR,
                "CONFIGURATION",
                "api_error",
                "configuration",
                2,
                Process,
            ),
            Startup => {
                (G::Unavailable, H::SERVICE_UNAVAILABLE, "STARTUP", "api_error", "startup", 1, Process)
            }
        };
        ErrorClass {
            grpc,
            http,
            reason,
            openai_type,
            openai_code,
            anthropic_type: anthropic_type(self),
            bedrock_type: bedrock_type(self),
            exit_code,
            scope,
        }
    }
}
