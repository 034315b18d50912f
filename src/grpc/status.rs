//! [`Error`] as a `tonic::Status`: the code from the error table, and google.rpc rich details
//! (ErrorInfo always; RetryInfo when a retry delay is known; BadRequest naming the field).

use crate::error::{Error, ErrorKind};
use std::collections::HashMap;
use tonic_types::{ErrorDetails, StatusExt};

/// The error domain in google.rpc.ErrorInfo.
const DOMAIN: &str = "amazon-chat";

/// Converts an error into the status sent to the client.
pub fn to_status(error: &Error) -> tonic::Status {
    let class = error.class();
    let mut details = ErrorDetails::new();
    let mut metadata = HashMap::new();
    if let Some(code) = &error.upstream_code {
        metadata.insert("upstream_code".to_owned(), code.clone());
    }
    details.set_error_info(class.reason, DOMAIN, metadata);
    if let Some(delay) = error.retry_after {
        details.set_retry_info(Some(delay));
    }
    // A missing model is a resource that is not there, not a malformed request: ResourceInfo, and
    // BadRequest only for a request the caller must change.
    if let Some(resource) = &error.resource {
        details.set_resource_info(resource.kind, resource.name.clone(), "", error.message.clone());
    }
    if let Some(field) = &error.field
        && matches!(error.kind, ErrorKind::InvalidArgument | ErrorKind::PayloadTooLarge)
    {
        details.add_bad_request_violation(field.clone(), error.message.clone());
    }
    let mut status = tonic::Status::with_error_details(class.grpc, error.message.clone(), details);
    if let Some(quota) = &error.quota {
        add_metadata(status.metadata_mut(), crate::limits::headers(quota));
    }
    status
}

/// Response headers (the caller's quota, where the call was served) as gRPC metadata.
pub fn add_metadata(metadata: &mut tonic::metadata::MetadataMap, headers: Vec<(&'static str, String)>) {
    for (name, value) in headers {
        if let Ok(value) = value.parse() {
            metadata.insert(name, value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn statuses_carry_code_and_rich_details() {
        let error = Error::new(ErrorKind::ResourceExhausted, "slow down")
            .with_retry_after(Duration::from_secs(2))
            .with_upstream_code("ThrottlingException");
        let status = to_status(&error);
        assert_eq!(status.code(), tonic::Code::ResourceExhausted);
        let details = status.get_error_details();
        assert_eq!(details.retry_info().unwrap().retry_delay, Some(Duration::from_secs(2)));
        let info = details.error_info().unwrap();
        assert_eq!(info.reason, "THROTTLED");
        assert_eq!(info.metadata["upstream_code"], "ThrottlingException");

        let invalid = to_status(&Error::invalid("messages[0].role", "unknown role"));
        let details = invalid.get_error_details();
        let violation = &details.bad_request().unwrap().field_violations[0];
        assert_eq!(violation.field, "messages[0].role");
    }
}
