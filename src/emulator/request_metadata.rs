//! `requestMetadata`, the key-value pairs Bedrock's invocation logs can be filtered on, checked
//! with the constraints of the Converse API reference: at most 16 pairs; keys of 1 to 256 and
//! values of 0 to 256 characters, each matching `[a-zA-Z0-9\s:_@$#=/+,-.]` (letters, digits,
//! whitespace and `: _ @ $ # = / + , - .`). The emulator answers nothing about them: Bedrock only
//! logs them.
//!
//! Source: <https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html>
//! (the same in ConverseStream); the refusals use AWS's usual constraint wording.

use super::answer::Fault;
use serde_json::Value;

/// The most pairs a request carries.
const MAX_PAIRS: usize = 16;
/// The longest key and value, in characters.
const MAX_CHARS: usize = 256;
/// The pattern keys and values match, as the API reference writes it.
const PATTERN: &str = r"[a-zA-Z0-9\s:_@$#=/+,-.]";

fn invalid(message: impl Into<String>) -> Fault {
    (400, "ValidationException", message.into())
}

/// A character the pattern allows (`\s` as Java reads it: space, tab, newline, vertical tab, form
/// feed, carriage return; `,-.` is the range from `,` to `.`).
fn allowed(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(c, ' ' | '\t' | '\n' | '\x0B' | '\x0C' | '\r')
        || ":_@$#=/+,-.".contains(c)
}

/// Checks `requestMetadata` (absent or null: nothing to check).
pub fn check(metadata: &Value) -> Result<(), Fault> {
    let pairs = match metadata {
        Value::Null => return Ok(()),
        Value::Object(pairs) => pairs,
        _ => return Err(invalid("requestMetadata must be a map of strings to strings.")),
    };
    if pairs.len() > MAX_PAIRS {
        return Err(invalid(format!(
            "1 validation error detected: Value at 'requestMetadata' failed to satisfy constraint: Member must \
             have length less than or equal to {MAX_PAIRS}"
        )));
    }
    for (key, value) in pairs {
        let length = key.chars().count();
        let broken = if length == 0 {
            Some("Member must have length greater than or equal to 1".to_owned())
        } else if length > MAX_CHARS {
            Some(format!("Member must have length less than or equal to {MAX_CHARS}"))
        } else if !key.chars().all(allowed) {
            Some(format!("Member must satisfy regular expression pattern: {PATTERN}{{1,256}}"))
        } else {
            None
        };
        if let Some(constraint) = broken {
            return Err(invalid(format!(
                "1 validation error detected: Value '{key}' at 'requestMetadata' failed to satisfy constraint: \
                 Map keys must satisfy constraint: [{constraint}]"
            )));
        }
        let Some(value) = value.as_str() else {
            return Err(invalid(format!("requestMetadata.{key}: the value must be a string.")));
        };
        let broken = if value.chars().count() > MAX_CHARS {
            Some(format!("Member must have length less than or equal to {MAX_CHARS}"))
        } else if !value.chars().all(allowed) {
            Some(format!("Member must satisfy regular expression pattern: {PATTERN}{{0,256}}"))
        } else {
            None
        };
        if let Some(constraint) = broken {
            return Err(invalid(format!(
                "1 validation error detected: Value '{value}' at 'requestMetadata.{key}' failed to satisfy \
                 constraint: Map value must satisfy constraint: [{constraint}]"
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn refused(metadata: Value) -> String {
        check(&metadata).unwrap_err().2
    }

    #[test]
    fn valid_metadata_passes() {
        assert_eq!(check(&Value::Null), Ok(()));
        assert_eq!(check(&json!({})), Ok(()));
        let ok = json!({"team": "search", "trace:id": "a/b+c=d@e$f#g,h-i.j k", "empty": "", &"k".repeat(256): "v".repeat(256)});
        assert_eq!(check(&ok), Ok(()));
        let sixteen: serde_json::Map<String, Value> =
            (0..16).map(|i| (format!("k{i}"), json!("v"))).collect();
        assert_eq!(check(&Value::Object(sixteen)), Ok(()));
    }

    #[test]
    fn limits_and_pattern() {
        let seventeen: serde_json::Map<String, Value> =
            (0..17).map(|i| (format!("k{i}"), json!("v"))).collect();
        assert!(refused(Value::Object(seventeen)).contains("less than or equal to 16"));
        assert!(
            refused(json!({"": "v"}))
                .contains("Map keys must satisfy constraint: [Member must have length greater")
        );
        assert!(refused(json!({"k".repeat(257): "v"})).contains("less than or equal to 256"));
        assert!(
            refused(json!({"team!": "v"}))
                .contains("Map keys must satisfy constraint: [Member must satisfy regular")
        );
        assert!(refused(json!({"team": "naïve"})).contains("Map value must satisfy constraint"));
        assert!(refused(json!({"team": "v".repeat(257)})).contains("less than or equal to 256"));
        assert!(refused(json!({"team": 5})).contains("must be a string"));
        assert!(refused(json!(["team"])).contains("map of strings"));
    }
}
