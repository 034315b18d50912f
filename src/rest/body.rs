//! Reads a JSON request body under a size limit, with errors that name the field at fault.

use crate::error::{Error, ErrorKind, Result};
use axum::body::Body;
use serde::de::DeserializeOwned;

/// Reads and parses the body: 413 over `limit`, 400 for malformed JSON or a wrong type (naming the
/// field, e.g. `messages[0].content`). Unknown fields are ignored.
pub async fn read_json<T: DeserializeOwned>(body: Body, limit: usize) -> Result<T> {
    let bytes = axum::body::to_bytes(body, limit).await.map_err(|error| {
        if is_length_limit(&error) {
            Error::new(
                ErrorKind::PayloadTooLarge,
                format!("the request body is larger than the limit of {limit} bytes"),
            )
        } else {
            Error::invalid("body", format!("could not read the request body: {error}"))
        }
    })?;
    parse(&bytes)
}

/// What every JSON handler starts with: the caller (put there by the key check; anonymous on an
/// open server), and the body read under `limit`, parsed and converted for the core.
pub async fn read_call<T: DeserializeOwned, U>(
    request: axum::extract::Request,
    limit: usize,
    convert: impl FnOnce(T) -> Result<U>,
) -> Result<(crate::auth::Caller, U)> {
    let caller = request
        .extensions()
        .get::<crate::auth::Caller>()
        .cloned()
        .unwrap_or_else(crate::auth::Caller::anonymous);
    let parsed = read_json(request.into_body(), limit).await?;
    Ok((caller, convert(parsed)?))
}

/// Parses JSON bytes, naming the field at fault.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        if inner.is_syntax() || inner.is_eof() {
            return Error::invalid("body", format!("malformed JSON: {inner}"));
        }
        let message = strip_position(&inner.to_string());
        // `missing field `x`` is reported at the parent: name the field itself.
        let field = match message.strip_prefix("missing field `").and_then(|rest| rest.split_once('`')) {
            Some((name, _)) if path == "." => name.to_owned(),
            Some((name, _)) => format!("{path}.{name}"),
            None if path == "." => "body".to_owned(),
            None => path,
        };
        Error::invalid(field, message)
    })?;
    deserializer.end().map_err(|e| Error::invalid("body", format!("malformed JSON: {e}")))?;
    Ok(value)
}

/// serde_json appends " at line 1 column 42"; the field name says more.
fn strip_position(message: &str) -> String {
    message.split(" at line ").next().unwrap_or(message).to_owned()
}

fn is_length_limit(error: &axum::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(current) = source {
        if current.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        source = current.source();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rest::openai::ChatCompletionRequest;

    fn field_of(json: &str) -> String {
        parse::<ChatCompletionRequest>(json.as_bytes()).unwrap_err().field.unwrap()
    }

    #[test]
    fn wrong_types_name_the_field() {
        assert_eq!(field_of(r#"{"model": 7, "messages": []}"#), "model");
        assert_eq!(field_of(r#"{"model": "m", "messages": [], "max_tokens": "ten"}"#), "max_tokens");
        assert_eq!(field_of(r#"{"model": "m", "messages": [{"role": 1}]}"#), "messages[0].role");
        assert_eq!(field_of(r#"{"messages": []}"#), "model");
        assert_eq!(field_of(r#"{"model": "m", "messages": [{}]}"#), "messages[0].role");
    }

    #[test]
    fn malformed_json_is_reported_as_such() {
        let error = parse::<ChatCompletionRequest>(b"{\"model\": ").unwrap_err();
        assert!(error.message.contains("malformed JSON"), "{}", error.message);
    }
}
