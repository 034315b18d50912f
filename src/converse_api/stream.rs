//! The core's stream chunks as ConverseStream's events, in AWS's event-stream framing
//! (`application/vnd.amazon.eventstream`: prelude, headers, JSON payload, CRC32s), which every
//! AWS SDK decodes:
//!
//! ```text
//! messageStart
//!   contentBlockStart (toolUse only)  contentBlockDelta (text | reasoningContent | toolUse | citation)…  contentBlockStop
//! messageStop (stopReason), metadata (usage, metrics)
//! ```
//!
//! [`crate::chat::blocks`] finds the blocks; this words them. A failure mid-stream is an
//! exception frame (`:message-type: exception`) named as ConverseStream names its errors.

use super::convert;
use crate::chat::blocks::{BlockDelta, BlockEvent, BlockStart, Blocks};
use crate::error::Error;
use crate::proto::v1 as api;
use aws_smithy_eventstream::frame::write_message_to;
use aws_smithy_types::event_stream::{Header, HeaderValue, Message};
use bytes::Bytes;
use serde_json::{Value, json};

/// Turns the core's chunks into framed events.
pub struct Translator {
    started: bool,
    blocks: Blocks,
    stop_reason: Option<String>,
    usage: Option<api::Usage>,
    service_tier: Option<String>,
    trace: Option<String>,
    began: std::time::Instant,
}

impl Default for Translator {
    fn default() -> Self {
        Translator {
            started: false,
            blocks: Blocks::default(),
            stop_reason: None,
            usage: None,
            service_tier: None,
            trace: None,
            began: std::time::Instant::now(),
        }
    }
}

impl Translator {
    /// The frames one chunk makes.
    pub fn chunk(&mut self, chunk: api::StreamChatCompletionResponse) -> Vec<Bytes> {
        let api::StreamChatCompletionResponse {
            id: _,
            object: _,
            created: _,
            model: _,
            choices,
            usage,
            service_tier,
            guardrail_trace_json,
        } = chunk;
        let mut frames = Vec::new();
        if !self.started {
            self.started = true;
            frames.push(event("messageStart", &json!({"role": "assistant"})));
        }
        self.usage = usage.or(self.usage.take());
        self.service_tier = service_tier.or(self.service_tier.take());
        self.trace = guardrail_trace_json.or(self.trace.take());
        let mut blocks = Vec::new();
        for choice in choices {
            let api::ChunkChoice { index: _, delta, finish_reason, stop_reason, stop_sequence: _ } = choice;
            if let Some(delta) = delta {
                self.blocks.delta(delta, &mut blocks);
            }
            if let Some(finish) = finish_reason {
                self.blocks.close(&mut blocks);
                self.stop_reason = Some(convert::stop_reason(stop_reason, &finish));
            }
        }
        frames.extend(blocks.into_iter().filter_map(block_event));
        frames
    }

    /// The frames that end the stream: `messageStop`, then `metadata` with the usage.
    pub fn finish(&mut self) -> Vec<Bytes> {
        let mut blocks = Vec::new();
        self.blocks.close(&mut blocks);
        let mut frames: Vec<Bytes> = blocks.into_iter().filter_map(block_event).collect();
        let stop_reason = self.stop_reason.take().unwrap_or_else(|| "end_turn".to_owned());
        frames.push(event("messageStop", &json!({ "stopReason": stop_reason })));
        let latency_ms = u64::try_from(self.began.elapsed().as_millis()).unwrap_or(u64::MAX);
        let mut metadata = json!({
            "usage": convert::usage(self.usage.as_ref()),
            "metrics": {"latencyMs": latency_ms},
        });
        if let Some(tier) = self.service_tier.take() {
            metadata["serviceTier"] = json!({ "type": tier });
        }
        if let Some(trace) = convert::trace(self.trace.take()) {
            metadata["trace"] = trace;
        }
        frames.push(event("metadata", &metadata));
        frames
    }
}

/// A block event as a frame; text and reasoning blocks open without one.
fn block_event(block: BlockEvent) -> Option<Bytes> {
    let (name, payload) = match block {
        BlockEvent::Start { block: BlockStart::Text | BlockStart::Thinking, .. } => return None,
        BlockEvent::Start { index, block: BlockStart::RedactedThinking { data } } => (
            "contentBlockDelta",
            json!({"contentBlockIndex": index, "delta": {"reasoningContent": {"redactedContent": data}}}),
        ),
        BlockEvent::Start { index, block: BlockStart::ToolUse { id, name } } => (
            "contentBlockStart",
            json!({"contentBlockIndex": index, "start": {"toolUse": {"toolUseId": id, "name": name}}}),
        ),
        BlockEvent::Delta { index, delta } => {
            let delta = match delta {
                BlockDelta::Text(text) => json!({ "text": text }),
                BlockDelta::Thinking(text) => json!({"reasoningContent": {"text": text}}),
                BlockDelta::Signature(signature) => json!({"reasoningContent": {"signature": signature}}),
                BlockDelta::ToolInput(input) => json!({"toolUse": {"input": input}}),
                BlockDelta::Citation(citation) => json!({ "citation": convert::citation(citation) }),
            };
            ("contentBlockDelta", json!({"contentBlockIndex": index, "delta": delta}))
        }
        BlockEvent::Stop { index } => ("contentBlockStop", json!({ "contentBlockIndex": index })),
    };
    Some(event(name, &payload))
}

/// The exception frame that ends a stream which failed after it started. ConverseStream names
/// five errors; a failure of another kind mid-stream is the model stream's.
pub fn exception(error: &Error) -> Bytes {
    let name = match error.class().bedrock_type {
        "ValidationException" => "validationException",
        "ThrottlingException" => "throttlingException",
        "ServiceUnavailableException" => "serviceUnavailableException",
        "InternalServerException" => "internalServerException",
        _ => "modelStreamErrorException",
    };
    frame(
        vec![
            Header::new(":exception-type", HeaderValue::String(name.into())),
            Header::new(":content-type", HeaderValue::String("application/json".into())),
            Header::new(":message-type", HeaderValue::String("exception".into())),
        ],
        &json!({ "message": error.message }),
    )
}

fn event(name: &'static str, payload: &Value) -> Bytes {
    frame(
        vec![
            Header::new(":event-type", HeaderValue::String(name.into())),
            Header::new(":content-type", HeaderValue::String("application/json".into())),
            Header::new(":message-type", HeaderValue::String("event".into())),
        ],
        payload,
    )
}

fn frame(headers: Vec<Header>, payload: &Value) -> Bytes {
    let message = Message::new_from_parts(headers, serde_json::to_vec(payload).unwrap_or_default());
    let mut buffer = Vec::with_capacity(256);
    // Only a frame over 16 MB fails to encode; one chunk's delta is far from it. Should it happen,
    // the frame is dropped and logged rather than sent broken.
    if let Err(error) = write_message_to(&message, &mut buffer) {
        tracing::error!("an event-stream frame could not be encoded: {error}");
        buffer.clear();
    }
    Bytes::from(buffer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_smithy_eventstream::frame::read_message_from;

    fn decode(frames: &[Bytes]) -> Vec<(String, Value)> {
        frames
            .iter()
            .map(|frame| {
                let message = read_message_from(&mut frame.clone()).unwrap();
                let name = message
                    .headers()
                    .iter()
                    .find(|h| h.name().as_str() == ":event-type" || h.name().as_str() == ":exception-type")
                    .and_then(|h| h.value().as_string().ok())
                    .map(|s| s.as_str().to_owned())
                    .unwrap();
                (name, serde_json::from_slice(message.payload()).unwrap())
            })
            .collect()
    }

    #[test]
    fn a_tool_call_after_text_is_framed_as_bedrock_streams_it() {
        let mut translator = Translator::default();
        let chunk = |delta: api::Delta, finish: Option<&str>| api::StreamChatCompletionResponse {
            choices: vec![api::ChunkChoice {
                delta: Some(delta),
                finish_reason: finish.map(str::to_owned),
                stop_reason: finish.map(|_| "tool_use".to_owned()),
                ..Default::default()
            }],
            ..Default::default()
        };
        let mut frames = translator
            .chunk(chunk(api::Delta { content: Some("Let me".into()), ..Default::default() }, None));
        let call = api::ToolCallDelta {
            index: 0,
            id: Some("t1".into()),
            r#type: None,
            function: Some(api::FunctionCallDelta { name: Some("f".into()), arguments: Some("{}".into()) }),
        };
        frames.extend(
            translator.chunk(chunk(
                api::Delta { tool_calls: vec![call], ..Default::default() },
                Some("tool_calls"),
            )),
        );
        frames.extend(translator.chunk(api::StreamChatCompletionResponse {
            usage: Some(api::Usage {
                prompt_tokens: 3,
                completion_tokens: 2,
                total_tokens: 5,
                ..Default::default()
            }),
            ..Default::default()
        }));
        frames.extend(translator.finish());
        let events = decode(&frames);
        let names: Vec<&str> = events.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(
            names,
            [
                "messageStart",
                "contentBlockDelta",
                "contentBlockStop",
                "contentBlockStart",
                "contentBlockDelta",
                "contentBlockStop",
                "messageStop",
                "metadata"
            ]
        );
        assert_eq!(events[3].1["start"]["toolUse"]["toolUseId"], "t1");
        assert_eq!(events[3].1["contentBlockIndex"], 1);
        assert_eq!(events[6].1["stopReason"], "tool_use");
        assert_eq!(events[7].1["usage"]["inputTokens"], 3);
    }

    #[test]
    fn a_throttle_mid_stream_is_a_throttling_exception() {
        let error = Error::new(crate::error::ErrorKind::ResourceExhausted, "slow down");
        let events = decode(&[exception(&error)]);
        assert_eq!(events[0], ("throttlingException".to_owned(), json!({"message": "slow down"})));
    }
}
