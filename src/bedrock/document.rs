//! Conversions between the JSON-ish values the API carries (protobuf `Struct`, JSON text) and the
//! SDK's `Document`, which is what Converse takes for tool schemas, tool inputs and passthrough fields.

use aws_smithy_types::{Document, Number};
use prost_types::value::Kind;
use std::collections::HashMap;

/// A protobuf `Struct` as a Document object.
pub fn from_struct(value: &prost_types::Struct) -> Document {
    Document::Object(value.fields.iter().map(|(key, value)| (key.clone(), from_value(value))).collect())
}

fn from_value(value: &prost_types::Value) -> Document {
    match &value.kind {
        None | Some(Kind::NullValue(_)) => Document::Null,
        Some(Kind::BoolValue(b)) => Document::Bool(*b),
        Some(Kind::NumberValue(n)) => number(*n),
        Some(Kind::StringValue(s)) => Document::String(s.clone()),
        Some(Kind::ListValue(list)) => Document::Array(list.values.iter().map(from_value).collect()),
        Some(Kind::StructValue(object)) => from_struct(object),
    }
}

/// Protobuf numbers are all doubles; integral ones go out as integers so schemas read naturally
/// (`"maxItems": 3`, not `3.0`).
fn number(n: f64) -> Document {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        if n >= 0.0 {
            Document::Number(Number::PosInt(n as u64))
        } else {
            Document::Number(Number::NegInt(n as i64))
        }
    } else {
        Document::Number(Number::Float(n))
    }
}

/// The text of a JSON value as a Document, integers exact (serde_json keeps u64 and i64 whole).
pub fn from_json_text(text: &str) -> Result<Document, serde_json::Error> {
    serde_json::from_str::<serde_json::Value>(text).map(|value| from_json(&value))
}

/// A serde_json value as a Document.
pub fn from_json(value: &serde_json::Value) -> Document {
    match value {
        serde_json::Value::Null => Document::Null,
        serde_json::Value::Bool(b) => Document::Bool(*b),
        serde_json::Value::Number(n) => match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => Document::Number(Number::PosInt(u)),
            (None, Some(i)) => Document::Number(Number::NegInt(i)),
            _ => Document::Number(Number::Float(n.as_f64().unwrap_or_default())),
        },
        serde_json::Value::String(s) => Document::String(s.clone()),
        serde_json::Value::Array(items) => Document::Array(items.iter().map(from_json).collect()),
        serde_json::Value::Object(map) => Document::Object(
            map.iter().map(|(key, value)| (key.clone(), from_json(value))).collect::<HashMap<_, _>>(),
        ),
    }
}

/// A Document as a serde_json value (for tool-call arguments, which the API carries as JSON text).
pub fn to_json(document: &Document) -> serde_json::Value {
    match document {
        Document::Null => serde_json::Value::Null,
        Document::Bool(b) => serde_json::Value::Bool(*b),
        Document::Number(Number::PosInt(u)) => (*u).into(),
        Document::Number(Number::NegInt(i)) => (*i).into(),
        Document::Number(Number::Float(f)) => {
            serde_json::Number::from_f64(*f).map(serde_json::Value::Number).unwrap_or(serde_json::Value::Null)
        }
        Document::String(s) => serde_json::Value::String(s.clone()),
        Document::Array(items) => serde_json::Value::Array(items.iter().map(to_json).collect()),
        Document::Object(map) => {
            // Sorted keys: the same input always gives the same argument text.
            let sorted: std::collections::BTreeMap<_, _> = map.iter().collect();
            serde_json::Value::Object(
                sorted.into_iter().map(|(key, value)| (key.clone(), to_json(value))).collect(),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn struct_round_trips_through_json() {
        let json = serde_json::json!({"type": "object", "required": ["city"], "maxProperties": 3, "t": 0.5, "neg": -2, "n": null});
        let as_struct: prost_types::Struct = {
            let document = from_json(&json);
            // Go through a Struct built by hand to exercise from_struct too.
            let Document::Object(map) = document else { panic!("object") };
            prost_types::Struct { fields: map.iter().map(|(k, v)| (k.clone(), to_value(v))).collect() }
        };
        assert_eq!(to_json(&from_struct(&as_struct)), json);
    }

    fn to_value(document: &Document) -> prost_types::Value {
        let kind = match document {
            Document::Null => Kind::NullValue(0),
            Document::Bool(b) => Kind::BoolValue(*b),
            Document::Number(n) => Kind::NumberValue(n.to_f64_lossy()),
            Document::String(s) => Kind::StringValue(s.clone()),
            Document::Array(items) => {
                Kind::ListValue(prost_types::ListValue { values: items.iter().map(to_value).collect() })
            }
            Document::Object(map) => Kind::StructValue(prost_types::Struct {
                fields: map.iter().map(|(k, v)| (k.clone(), to_value(v))).collect(),
            }),
        };
        prost_types::Value { kind: Some(kind) }
    }
}
