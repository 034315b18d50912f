//! The core's stream chunks as Anthropic's named stream events.
//!
//! The core streams OpenAI-shaped deltas, then a chunk with the finish reason, then one with the
//! usage. Anthropic's stream is a sequence of content blocks instead: [`crate::chat::blocks`]
//! finds the blocks, and [`Translator`] words them as Anthropic's events:
//!
//! ```text
//! message_start, ping,
//!   content_block_start (thinking)  content_block_delta (thinking_delta…, signature_delta)  content_block_stop
//!   content_block_start (text)      content_block_delta (text_delta…, citations_delta…)      content_block_stop
//!   content_block_start (tool_use)  content_block_delta (input_json_delta…)                  content_block_stop
//! message_delta (stop_reason, stop_sequence, usage), message_stop
//! ```
//!
//! `message_start` carries zero token counts: Bedrock reports usage only at the end, and
//! `message_delta` carries all four counts (Anthropic's SDKs take the input counts from there too).

use super::convert;
use crate::chat::blocks::{BlockDelta, BlockEvent, BlockStart, Blocks};
use crate::proto::v1 as api;
use serde_json::{Value, json};

/// One stream event: its name and its data.
pub type Event = (&'static str, Value);

/// Turns the core's chunks into Anthropic's events.
pub struct Translator {
    model: String,
    stop: Vec<String>,
    started: bool,
    blocks: Blocks,
    stop_reason: Option<&'static str>,
    stop_sequence: Option<String>,
    usage: Option<api::Usage>,
}

impl Translator {
    /// For an answer to a request that named `model` and had these stop sequences.
    pub fn new(model: String, stop: Vec<String>) -> Self {
        Translator {
            model,
            stop,
            started: false,
            blocks: Blocks::default(),
            stop_reason: None,
            stop_sequence: None,
            usage: None,
        }
    }

    /// The events one chunk makes.
    pub fn chunk(&mut self, chunk: api::StreamChatCompletionResponse) -> Vec<Event> {
        let api::StreamChatCompletionResponse {
            id,
            object: _,
            created: _,
            model: _, // the request's name is echoed, as in unary answers
            choices,
            usage,
            service_tier: _, // Anthropic's tiers are not Bedrock's
            guardrail_trace_json: _,
        } = chunk;
        let mut events = Vec::new();
        if !self.started {
            self.started = true;
            events.push((
                "message_start",
                json!({"type": "message_start", "message": self.empty_message(&id)}),
            ));
            events.push(("ping", json!({"type": "ping"})));
        }
        if usage.is_some() {
            self.usage = usage;
        }
        let mut blocks = Vec::new();
        for choice in choices {
            let api::ChunkChoice { index: _, delta, finish_reason, stop_reason, stop_sequence } = choice;
            if let Some(delta) = delta {
                self.blocks.delta(delta, &mut blocks);
            }
            if let Some(finish) = finish_reason {
                self.blocks.close(&mut blocks);
                self.stop_reason = Some(convert::stop_reason(stop_reason.as_deref(), &finish));
                self.stop_sequence = stop_sequence;
            }
        }
        events.extend(blocks.into_iter().map(block_event));
        events
    }

    /// The events that end the stream.
    pub fn finish(&mut self) -> Vec<Event> {
        let mut blocks = Vec::new();
        self.blocks.close(&mut blocks);
        let mut events: Vec<Event> = blocks.into_iter().map(block_event).collect();
        let stop_reason = self.stop_reason.unwrap_or("end_turn");
        let usage = convert::usage(self.usage.as_ref());
        events.push((
            "message_delta",
            json!({
                "type": "message_delta",
                "delta": {"stop_reason": stop_reason, "stop_sequence": convert::stop_sequence(stop_reason, self.stop_sequence.take(), &self.stop)},
                "usage": usage,
            }),
        ));
        events.push(("message_stop", json!({"type": "message_stop"})));
        events
    }

    fn empty_message(&self, id: &str) -> Value {
        json!({
            "id": convert::message_id(id),
            "type": "message",
            "role": "assistant",
            "model": self.model,
            "content": [],
            "stop_reason": null,
            "stop_sequence": null,
            "usage": convert::usage(None),
        })
    }
}

/// A block event in Anthropic's words.
fn block_event(event: BlockEvent) -> Event {
    match event {
        BlockEvent::Start { index, block } => {
            let block = match block {
                BlockStart::Text => json!({"type": "text", "text": ""}),
                BlockStart::Thinking => json!({"type": "thinking", "thinking": "", "signature": ""}),
                BlockStart::RedactedThinking { data } => json!({"type": "redacted_thinking", "data": data}),
                BlockStart::ToolUse { id, name } => {
                    json!({"type": "tool_use", "id": id, "name": name, "input": {}})
                }
            };
            (
                "content_block_start",
                json!({"type": "content_block_start", "index": index, "content_block": block}),
            )
        }
        BlockEvent::Delta { index, delta } => {
            let delta = match delta {
                BlockDelta::Text(text) => json!({"type": "text_delta", "text": text}),
                BlockDelta::Thinking(thinking) => json!({"type": "thinking_delta", "thinking": thinking}),
                BlockDelta::Signature(signature) => {
                    json!({"type": "signature_delta", "signature": signature})
                }
                BlockDelta::ToolInput(json) => json!({"type": "input_json_delta", "partial_json": json}),
                BlockDelta::Citation(citation) => {
                    let citation = serde_json::to_value(convert::citation(citation)).unwrap_or(Value::Null);
                    json!({"type": "citations_delta", "citation": citation})
                }
            };
            ("content_block_delta", json!({"type": "content_block_delta", "index": index, "delta": delta}))
        }
        BlockEvent::Stop { index } => {
            ("content_block_stop", json!({"type": "content_block_stop", "index": index}))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunk(delta: api::Delta, finish: Option<(&str, &str)>) -> api::StreamChatCompletionResponse {
        api::StreamChatCompletionResponse {
            id: "chatcmpl-1".into(),
            choices: vec![api::ChunkChoice {
                index: 0,
                delta: Some(delta),
                finish_reason: finish.map(|f| f.0.to_owned()),
                stop_reason: finish.map(|f| f.1.to_owned()),
                stop_sequence: None,
            }],
            ..Default::default()
        }
    }

    fn names_and_indexes(events: &[Event]) -> Vec<String> {
        events
            .iter()
            .map(|(name, data)| match data.get("index") {
                Some(index) => format!("{name}#{index}"),
                None => (*name).to_owned(),
            })
            .collect()
    }

    #[test]
    fn thinking_text_and_a_tool_call_become_three_blocks() {
        let mut translator = Translator::new("claude-sonnet-4-0".into(), Vec::new());
        let mut events = Vec::new();
        events.extend(
            translator
                .chunk(chunk(api::Delta { role: Some("assistant".into()), ..Default::default() }, None)),
        );
        events.extend(
            translator.chunk(chunk(
                api::Delta { reasoning_content: Some("hmm".into()), ..Default::default() },
                None,
            )),
        );
        let signed = api::ThinkingBlock {
            r#type: "thinking".into(),
            thinking: Some("hmm".into()),
            signature: Some("sig".into()),
            ..Default::default()
        };
        events.extend(
            translator.chunk(chunk(api::Delta { thinking_blocks: vec![signed], ..Default::default() }, None)),
        );
        events.extend(
            translator
                .chunk(chunk(api::Delta { content: Some("Let me".into()), ..Default::default() }, None)),
        );
        let call = |id: Option<&str>, name: Option<&str>, args: &str| api::ToolCallDelta {
            index: 0,
            id: id.map(str::to_owned),
            r#type: None,
            function: Some(api::FunctionCallDelta {
                name: name.map(str::to_owned),
                arguments: Some(args.into()),
            }),
        };
        events.extend(translator.chunk(chunk(
            api::Delta { tool_calls: vec![call(Some("t1"), Some("f"), "")], ..Default::default() },
            None,
        )));
        events.extend(translator.chunk(chunk(
            api::Delta { tool_calls: vec![call(None, None, "{\"a\":")], ..Default::default() },
            None,
        )));
        events.extend(translator.chunk(chunk(
            api::Delta { tool_calls: vec![call(None, None, "1}")], ..Default::default() },
            None,
        )));
        events.extend(translator.chunk(chunk(api::Delta::default(), Some(("tool_calls", "tool_use")))));
        events.extend(translator.chunk(api::StreamChatCompletionResponse {
            usage: Some(api::Usage {
                prompt_tokens: 10,
                completion_tokens: 5,
                total_tokens: 15,
                ..Default::default()
            }),
            ..Default::default()
        }));
        events.extend(translator.finish());
        assert_eq!(
            names_and_indexes(&events),
            [
                "message_start",
                "ping",
                "content_block_start#0",
                "content_block_delta#0",
                "content_block_delta#0",
                "content_block_stop#0",
                "content_block_start#1",
                "content_block_delta#1",
                "content_block_stop#1",
                "content_block_start#2",
                "content_block_delta#2",
                "content_block_delta#2",
                "content_block_stop#2",
                "message_delta",
                "message_stop",
            ]
        );
        assert_eq!(events[4].1["delta"], json!({"type": "signature_delta", "signature": "sig"}));
        assert_eq!(
            events[9].1["content_block"],
            json!({"type": "tool_use", "id": "t1", "name": "f", "input": {}})
        );
        let delta = &events[13].1;
        assert_eq!(delta["delta"]["stop_reason"], "tool_use");
        assert_eq!(delta["usage"]["input_tokens"], 10);
        assert_eq!(delta["usage"]["output_tokens"], 5);
        assert_eq!(events[0].1["message"]["id"], "msg_1");
    }

    #[test]
    fn a_whole_reasoning_block_without_fragments_is_sent_whole() {
        let mut translator = Translator::new("m".into(), vec!["END".into()]);
        let redacted = api::ThinkingBlock {
            r#type: "redacted_thinking".into(),
            data: Some("enc".into()),
            ..Default::default()
        };
        let mut events = translator
            .chunk(chunk(api::Delta { thinking_blocks: vec![redacted], ..Default::default() }, None));
        events.extend(translator.chunk(chunk(api::Delta::default(), Some(("stop", "stop_sequence")))));
        events.extend(translator.finish());
        assert_eq!(events[2].1["content_block"], json!({"type": "redacted_thinking", "data": "enc"}));
        assert_eq!(names_and_indexes(&events)[3], "content_block_stop#0");
        let delta = &events[4].1["delta"];
        assert_eq!(
            (delta["stop_reason"].as_str(), delta["stop_sequence"].as_str()),
            (Some("stop_sequence"), Some("END"))
        );
    }
}
