//! JSON objects carried as text (`parameters_json`, `additional_model_request_fields_json`): they
//! must parse, be objects, and nest no deeper than serde_json allows (128 levels).

use crate::error::{Error, Result};

/// The text as a JSON object. Integers keep their exact value (serde_json holds u64 and i64).
pub fn object(field: &str, text: &str) -> Result<serde_json::Map<String, serde_json::Value>> {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(serde_json::Value::Object(map)) => Ok(map),
        Ok(_) => Err(Error::invalid(field, "must be a JSON object")),
        Err(error) => Err(Error::invalid(field, format!("is not valid JSON: {error}"))),
    }
}
