//! Encodes ConverseStream replies as AWS event-stream frames (`application/vnd.amazon.eventstream`),
//! the binary framing the SDK decodes: prelude, headers, JSON payload, CRC32s.

use aws_smithy_eventstream::frame::write_message_to;
use aws_smithy_types::event_stream::{Header, HeaderValue, Message};
use bytes::Bytes;
use serde_json::Value;

/// An event frame (`:message-type: event`).
pub fn event(event_type: &'static str, payload: &Value) -> Bytes {
    frame(
        vec![
            Header::new(":event-type", HeaderValue::String(event_type.into())),
            Header::new(":content-type", HeaderValue::String("application/json".into())),
            Header::new(":message-type", HeaderValue::String("event".into())),
        ],
        payload,
    )
}

/// An exception frame (`:message-type: exception`), e.g. `throttlingException` mid-stream.
pub fn exception(exception_type: &'static str, message: &str) -> Bytes {
    frame(
        vec![
            Header::new(":exception-type", HeaderValue::String(exception_type.into())),
            Header::new(":content-type", HeaderValue::String("application/json".into())),
            Header::new(":message-type", HeaderValue::String("exception".into())),
        ],
        &serde_json::json!({ "message": message }),
    )
}

fn frame(headers: Vec<Header>, payload: &Value) -> Bytes {
    // A JSON value always serialises; an empty payload would be a visible bug in every test.
    let message = Message::new_from_parts(headers, serde_json::to_vec(payload).unwrap_or_default());
    let mut buffer = Vec::with_capacity(128);
    // Encoding only fails for frames over 16 MB; the emulator's answers are a few hundred bytes.
    if write_message_to(&message, &mut buffer).is_err() {
        buffer.clear();
    }
    Bytes::from(buffer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_smithy_eventstream::frame::read_message_from;

    #[test]
    fn frames_decode_with_the_sdk_reader() {
        let bytes =
            event("contentBlockDelta", &serde_json::json!({"contentBlockIndex": 0, "delta": {"text": "hi"}}));
        let message = read_message_from(bytes).unwrap();
        let event_type = message.headers().iter().find(|h| h.name().as_str() == ":event-type").unwrap();
        assert_eq!(event_type.value().as_string().unwrap().as_str(), "contentBlockDelta");
        let payload: Value = serde_json::from_slice(message.payload()).unwrap();
        assert_eq!(payload["delta"]["text"], "hi");
    }
}
