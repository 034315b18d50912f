//! Bedrock's checks of an InvokeModel body against its model's JSON schema, and the errors they
//! give, in the words of the validator behind Bedrock: each problem `#/path: what is wrong`, the
//! problems joined with nothing between them, the whole a ValidationException `Malformed input
//! request: #: required key [inputText] not found#: extraneous key [texts] is not permitted, please
//! reformat your input and try again.` (the format Bedrock's answers show; the wording of each kind
//! of problem follows that validator's).

use super::answer::Fault;
use serde_json::{Map, Value};

/// Bedrock's ValidationException for a body its model's schema refuses.
pub fn malformed(detail: &str) -> Fault {
    let message = format!("Malformed input request: {detail}, please reformat your input and try again.");
    (400, "ValidationException", message)
}

/// Schema errors in Bedrock's words: each `#/path: problem`, joined with nothing between them.
#[derive(Debug, Default)]
pub struct Problems(Vec<String>);

impl Problems {
    /// Adds the problem of the value at `path` (`#` for the body, `#/texts/3` within it).
    pub fn add(&mut self, path: &str, problem: impl std::fmt::Display) {
        self.0.push(format!("{path}: {problem}"));
    }

    /// Whether nothing is wrong so far.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Bedrock's answer to the problems found.
    pub fn fault(&self) -> Fault {
        malformed(&self.0.concat())
    }

    /// Ok when nothing is wrong, else Bedrock's answer.
    pub fn check(&self) -> Result<(), Fault> {
        if self.0.is_empty() { Ok(()) } else { Err(self.fault()) }
    }
}

/// A JSON type as the schema validator behind Bedrock names it.
pub fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "Null",
        Value::Bool(_) => "Boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "Integer",
        Value::Number(_) => "BigDecimal",
        Value::String(_) => "String",
        Value::Array(_) => "JSONArray",
        Value::Object(_) => "JSONObject",
    }
}

/// A value of the wrong JSON type.
pub fn mismatch(p: &mut Problems, path: &str, expected: &str, value: &Value) {
    p.add(path, format!("expected type: {expected}, found: {}", type_name(value)));
}

/// The object at `path`, its keys checked: `required` ones present, none but `allowed`.
pub fn object_at<'a>(
    value: &'a Value,
    path: &str,
    allowed: &[&str],
    required: &[&str],
    p: &mut Problems,
) -> Option<&'a Map<String, Value>> {
    let Some(fields) = value.as_object() else {
        mismatch(p, path, "JSONObject", value);
        return None;
    };
    for key in required {
        if !fields.contains_key(*key) {
            p.add(path, format!("required key [{key}] not found"));
        }
    }
    for key in fields.keys() {
        if !allowed.contains(&key.as_str()) {
            p.add(path, format!("extraneous key [{key}] is not permitted"));
        }
    }
    Some(fields)
}

/// A string.
pub fn string<'a>(value: &'a Value, path: &str, p: &mut Problems) -> Option<&'a str> {
    let text = value.as_str();
    if text.is_none() {
        mismatch(p, path, "String", value);
    }
    text
}

/// A boolean.
pub fn boolean(value: &Value, path: &str, p: &mut Problems) -> Option<bool> {
    let flag = value.as_bool();
    if flag.is_none() {
        mismatch(p, path, "Boolean", value);
    }
    flag
}

/// A string that must be one of `allowed`.
pub fn one_of(value: &Value, path: &str, allowed: &[&'static str], p: &mut Problems) -> Option<&'static str> {
    let text = string(value, path, p)?;
    let found = allowed.iter().copied().find(|candidate| *candidate == text);
    if found.is_none() {
        p.add(path, format!("{text} is not a valid enum value"));
    }
    found
}

/// A number that must be one of `allowed` (the dimensions).
pub fn one_of_numbers(value: &Value, path: &str, allowed: &[u64], p: &mut Problems) -> Option<usize> {
    match value.as_u64() {
        Some(n) if allowed.contains(&n) => Some(n as usize),
        _ if value.is_number() => {
            p.add(path, format!("{value} is not a valid enum value"));
            None
        }
        _ => {
            mismatch(p, path, "Integer", value);
            None
        }
    }
}

/// An array of at most `max` items.
pub fn array<'a>(value: &'a Value, path: &str, max: usize, p: &mut Problems) -> Option<&'a [Value]> {
    let Some(items) = value.as_array() else {
        mismatch(p, path, "JSONArray", value);
        return None;
    };
    if items.len() > max {
        p.add(path, format!("expected maximum item count: {max}, found: {}", items.len()));
    }
    Some(items)
}

/// A string of at most `max` characters.
pub fn max_length(text: &str, path: &str, max: usize, p: &mut Problems) {
    let length = text.chars().count();
    if length > max {
        p.add(path, format!("expected maxLength: {max}, actual: {length}"));
    }
}

/// A list of embedding types (`embeddingTypes`, `embedding_types`): at least one, each of
/// `allowed`, duplicates dropped.
pub fn types_list(
    value: &Value,
    path: &str,
    allowed: &[&'static str],
    p: &mut Problems,
) -> Vec<&'static str> {
    let mut types = Vec::new();
    let Some(items) = array(value, path, usize::MAX, p) else { return types };
    if items.is_empty() {
        p.add(path, "expected minimum item count: 1, found: 0");
    }
    for (index, item) in items.iter().enumerate() {
        if let Some(kind) = one_of(item, &format!("{path}/{index}"), allowed, p)
            && !types.contains(&kind)
        {
            types.push(kind);
        }
    }
    types
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn problems_are_joined_as_bedrock_joins_them() {
        let mut p = Problems::default();
        assert!(p.is_empty() && p.check().is_ok());
        let body = json!({"texts": ["x"], "dimensions": "big"});
        let fields = object_at(&body, "#", &["inputText", "dimensions"], &["inputText"], &mut p).unwrap();
        one_of_numbers(&fields["dimensions"], "#/dimensions", &[256, 512], &mut p);
        assert_eq!(
            p.check().unwrap_err(),
            (
                400,
                "ValidationException",
                "Malformed input request: #: required key [inputText] not found#: extraneous key [texts] is \
                 not permitted#/dimensions: expected type: Integer, found: String, please reformat your input \
                 and try again."
                    .to_owned()
            )
        );
    }

    #[test]
    fn values_are_checked_by_type_enum_and_size() {
        let mut p = Problems::default();
        assert_eq!(one_of(&json!("b"), "#/k", &["a", "b"], &mut p), Some("b"));
        assert_eq!(one_of(&json!("c"), "#/k", &["a", "b"], &mut p), None);
        assert_eq!(one_of_numbers(&json!(512), "#/d", &[256, 512], &mut p), Some(512));
        assert_eq!(one_of_numbers(&json!(300), "#/d", &[256, 512], &mut p), None);
        assert_eq!(boolean(&json!(1.5), "#/b", &mut p), None);
        assert_eq!(types_list(&json!(["x", "y", "x"]), "#/t", &["x", "y"], &mut p), ["x", "y"]);
        assert!(array(&json!([1, 2, 3]), "#/a", 2, &mut p).is_some());
        max_length("abc", "#/s", 2, &mut p);
        assert_eq!(
            p.0,
            [
                "#/k: c is not a valid enum value",
                "#/d: 300 is not a valid enum value",
                "#/b: expected type: Boolean, found: BigDecimal",
                "#/a: expected maximum item count: 2, found: 3",
                "#/s: expected maxLength: 2, actual: 3",
            ]
        );
    }
}
