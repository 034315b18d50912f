//! The one error type of the service, and the one table that says what each kind of failure means
//! to gRPC and to HTTP, so the two protocols can never disagree.
//!
//! Messages are written for the caller: they say what went wrong and how to fix it. They never hold
//! credentials; the Bedrock adapter builds them from error codes and Bedrock's own messages only.

mod table;

use std::time::Duration;
pub use table::{ErrorClass, ErrorKind, Scope};

/// A thing a failure is about (google.rpc.ResourceInfo): a model, a route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    /// What sort of thing: `model`, `route`.
    pub kind: &'static str,
    /// Its name as the caller gave it.
    pub name: String,
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
    /// What the failure is about, for NOT_FOUND and the like (boxed: rare, and errors travel in
    /// every `Result`, so they stay small).
    pub resource: Option<Box<Resource>>,
    /// The caller's quota, when a rate limit refused the call (for the `x-ratelimit-*` headers).
    pub quota: Option<Box<crate::limits::Quota>>,
}

impl Error {
    /// A failure of the given kind.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            field: None,
            retry_after: None,
            upstream_code: None,
            resource: None,
            quota: None,
        }
    }

    /// A request field that cannot be honoured; the message says why.
    pub fn invalid(field: impl Into<String>, reason: impl std::fmt::Display) -> Self {
        let field = field.into();
        Self {
            field: Some(field.clone()),
            ..Self::new(ErrorKind::InvalidArgument, format!("{field}: {reason}"))
        }
    }

    /// A model the request names that cannot be served here, with the field that named it (`model`,
    /// or `id` for GetModel) and the model as a resource.
    pub fn model_not_found(field: &str, model: &str, message: impl Into<String>) -> Self {
        Self {
            field: Some(field.to_owned()),
            resource: Some(Box::new(Resource { kind: "model", name: model.to_owned() })),
            ..Self::new(ErrorKind::ModelNotFound, message)
        }
    }

    /// A failure at start-up: a refused configuration (a usage error) or another cause.
    pub fn startup(kind: ErrorKind, message: impl Into<String>) -> Self {
        debug_assert_eq!(kind.describe().scope, Scope::Process);
        Self::new(kind, message)
    }

    /// Adds a retry delay.
    pub fn with_retry_after(mut self, delay: Duration) -> Self {
        self.retry_after = Some(delay);
        self
    }

    /// Records the caller's quota.
    pub fn with_quota(mut self, quota: crate::limits::Quota) -> Self {
        self.quota = Some(Box::new(quota));
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

    /// The message, naming the field first when the message does not already (for envelopes with
    /// no field of their own: Anthropic's, Bedrock's).
    pub fn message_naming_field(&self) -> String {
        match &self.field {
            Some(field) if !self.message.contains(field.as_str()) => format!("{field}: {}", self.message),
            _ => self.message.clone(),
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
mod tests;
