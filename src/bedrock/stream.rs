//! Turns ConverseStream events into API stream chunks, one event at a time (nothing is buffered).
//!
//! Bedrock numbers content blocks across text and tool use; OpenAI numbers tool calls alone
//! (0, 1, ...). The translator keeps that mapping so argument fragments land on the right call.
//!
//! Reasoning arrives as text deltas, then a signature delta for the same block: the text goes out
//! as `reasoning_content` fragments at once, and the signature goes out with the block's whole text
//! as one `thinking_blocks` entry, ready to replay (so the translator keeps the text of the reasoning
//! block in progress, and nothing else).

use super::response::{finish_reason, redacted, to_usage};
use crate::proto::v1 as api;
use aws_sdk_bedrockruntime::types::{
    ContentBlockDelta, ContentBlockStart, ConverseStreamOutput, ReasoningContentBlockDelta,
};

/// Per-stream state.
#[derive(Debug)]
pub struct StreamTranslator {
    id: String,
    created: i64,
    model: String,
    include_usage: bool,
    /// Bedrock content block index -> OpenAI tool call index, for the tool calls seen so far.
    tool_blocks: Vec<(i32, u32)>,
    /// The reasoning block in progress: its Bedrock index and its text so far.
    reasoning: Option<(i32, String)>,
    /// The usage Bedrock reported, whether or not the caller asked for the usage chunk.
    usage: Option<api::Usage>,
}

impl StreamTranslator {
    /// A translator for one completion.
    pub fn new(id: String, created: i64, model: String, include_usage: bool) -> Self {
        Self { id, created, model, include_usage, tool_blocks: Vec::new(), reasoning: None, usage: None }
    }

    /// The usage Bedrock reported at the end, once it has.
    pub fn usage(&self) -> Option<&api::Usage> {
        self.usage.as_ref()
    }

    /// A reasoning delta: text fragments out at once, the signature with the block's whole text.
    fn reasoning(&mut self, index: i32, delta: ReasoningContentBlockDelta) -> Option<api::Delta> {
        let tool_calls_before =
            (!self.tool_blocks.is_empty()).then(|| u32::try_from(self.tool_blocks.len()).unwrap_or(u32::MAX));
        match delta {
            ReasoningContentBlockDelta::Text(text) => {
                match &mut self.reasoning {
                    Some((block, so_far)) if *block == index => so_far.push_str(&text),
                    _ => self.reasoning = Some((index, text.clone())),
                }
                Some(api::Delta { reasoning_content: Some(text), ..Default::default() })
            }
            ReasoningContentBlockDelta::Signature(signature) => {
                let thinking = match self.reasoning.take() {
                    Some((block, text)) if block == index => text,
                    _ => String::new(),
                };
                let block = api::ThinkingBlock {
                    r#type: "thinking".to_owned(),
                    thinking: Some(thinking),
                    signature: Some(signature),
                    data: None,
                    tool_calls_before,
                };
                Some(api::Delta { thinking_blocks: vec![block], ..Default::default() })
            }
            ReasoningContentBlockDelta::RedactedContent(data) => Some(api::Delta {
                thinking_blocks: vec![redacted(data.as_ref(), tool_calls_before)],
                ..Default::default()
            }),
            _ => None,
        }
    }

    /// The chunk an event becomes, if any.
    pub fn chunk(&mut self, event: ConverseStreamOutput) -> Option<api::StreamChatCompletionResponse> {
        match event {
            ConverseStreamOutput::MessageStart(_) => Some(
                self.delta(api::Delta { role: Some("assistant".to_owned()), ..Default::default() }, None),
            ),
            ConverseStreamOutput::ContentBlockStart(start) => match start.start {
                Some(ContentBlockStart::ToolUse(tool)) => {
                    let index = self.tool_blocks.len() as u32;
                    self.tool_blocks.push((start.content_block_index, index));
                    let call = api::ToolCallDelta {
                        index,
                        id: Some(tool.tool_use_id),
                        r#type: Some("function".to_owned()),
                        function: Some(api::FunctionCallDelta {
                            name: Some(tool.name),
                            arguments: Some(String::new()),
                        }),
                    };
                    Some(self.delta(api::Delta { tool_calls: vec![call], ..Default::default() }, None))
                }
                _ => None,
            },
            ConverseStreamOutput::ContentBlockDelta(delta) => match delta.delta {
                Some(ContentBlockDelta::Text(text)) => {
                    Some(self.delta(api::Delta { content: Some(text), ..Default::default() }, None))
                }
                Some(ContentBlockDelta::ToolUse(fragment)) => {
                    let index = self
                        .tool_blocks
                        .iter()
                        .find(|(block, _)| *block == delta.content_block_index)
                        .map(|(_, index)| *index)?;
                    let call = api::ToolCallDelta {
                        index,
                        function: Some(api::FunctionCallDelta {
                            name: None,
                            arguments: Some(fragment.input),
                        }),
                        ..Default::default()
                    };
                    Some(self.delta(api::Delta { tool_calls: vec![call], ..Default::default() }, None))
                }
                Some(ContentBlockDelta::ReasoningContent(reasoning)) => {
                    let delta = self.reasoning(delta.content_block_index, reasoning)?;
                    Some(self.delta(delta, None))
                }
                Some(ContentBlockDelta::Citation(citation)) => {
                    let citations = vec![super::citations::delta(&citation)];
                    Some(self.delta(api::Delta { citations, ..Default::default() }, None))
                }
                // Tool-result and image deltas do not come back in chat answers.
                _ => None,
            },
            ConverseStreamOutput::MessageStop(stop) => Some(api::StreamChatCompletionResponse {
                choices: vec![api::ChunkChoice {
                    index: 0,
                    delta: Some(api::Delta::default()),
                    finish_reason: Some(finish_reason(&stop.stop_reason).to_owned()),
                    stop_reason: Some(stop.stop_reason.as_str().to_owned()),
                    stop_sequence: super::response::stop_sequence(
                        stop.additional_model_response_fields.as_ref(),
                    ),
                }],
                ..self.envelope(Vec::new())
            }),
            ConverseStreamOutput::Metadata(metadata) => {
                let usage = metadata.usage.as_ref().map(to_usage);
                self.usage.clone_from(&usage);
                let service_tier = metadata.service_tier.as_ref().map(super::response::tier_name);
                let guardrail_trace_json = metadata
                    .trace
                    .as_ref()
                    .and_then(|t| t.guardrail())
                    .map(|trace| super::guardrail_trace::to_json(trace).to_string());
                // The last chunk: usage when asked for, the tier and the trace whenever Bedrock
                // sends them.
                let usage = usage.filter(|_| self.include_usage);
                (usage.is_some() || service_tier.is_some() || guardrail_trace_json.is_some()).then(|| {
                    api::StreamChatCompletionResponse {
                        usage,
                        service_tier,
                        guardrail_trace_json,
                        ..self.envelope(Vec::new())
                    }
                })
            }
            _ => None,
        }
    }

    fn delta(&self, delta: api::Delta, finish: Option<&'static str>) -> api::StreamChatCompletionResponse {
        self.envelope(vec![api::ChunkChoice {
            index: 0,
            delta: Some(delta),
            finish_reason: finish.map(str::to_owned),
            stop_reason: None,
            stop_sequence: None,
        }])
    }

    fn envelope(&self, choices: Vec<api::ChunkChoice>) -> api::StreamChatCompletionResponse {
        api::StreamChatCompletionResponse {
            id: self.id.clone(),
            object: "chat.completion.chunk".to_owned(),
            created: self.created,
            model: self.model.clone(),
            choices,
            usage: None,
            service_tier: None,
            guardrail_trace_json: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_bedrockruntime::types::{
        ContentBlockDeltaEvent, ContentBlockStartEvent, ConversationRole, ConverseStreamMetadataEvent,
        MessageStartEvent, MessageStopEvent, StopReason, TokenUsage, ToolUseBlockDelta, ToolUseBlockStart,
    };

    fn translator(include_usage: bool) -> StreamTranslator {
        StreamTranslator::new("chatcmpl-1".into(), 1, "m".into(), include_usage)
    }

    fn delta_of(chunk: &api::StreamChatCompletionResponse) -> &api::Delta {
        chunk.choices[0].delta.as_ref().unwrap()
    }

    #[test]
    fn text_stream_becomes_role_content_and_finish_chunks() {
        let mut t = translator(false);
        let start = t
            .chunk(ConverseStreamOutput::MessageStart(
                MessageStartEvent::builder().role(ConversationRole::Assistant).build().unwrap(),
            ))
            .unwrap();
        assert_eq!(delta_of(&start).role.as_deref(), Some("assistant"));
        let text = t
            .chunk(ConverseStreamOutput::ContentBlockDelta(
                ContentBlockDeltaEvent::builder()
                    .content_block_index(0)
                    .delta(ContentBlockDelta::Text("Hel".into()))
                    .build()
                    .unwrap(),
            ))
            .unwrap();
        assert_eq!(delta_of(&text).content.as_deref(), Some("Hel"));
        let stop = t
            .chunk(ConverseStreamOutput::MessageStop(
                MessageStopEvent::builder().stop_reason(StopReason::MaxTokens).build().unwrap(),
            ))
            .unwrap();
        assert_eq!(stop.choices[0].finish_reason.as_deref(), Some("length"));
        let usage = TokenUsage::builder().input_tokens(1).output_tokens(2).total_tokens(3).build().unwrap();
        let metadata = ConverseStreamMetadataEvent::builder().usage(usage).build();
        assert!(t.chunk(ConverseStreamOutput::Metadata(metadata.clone())).is_none(), "usage only when asked");
        let usage_chunk = translator(true).chunk(ConverseStreamOutput::Metadata(metadata)).unwrap();
        assert!(usage_chunk.choices.is_empty());
        assert_eq!(usage_chunk.usage.unwrap().total_tokens, 3);
    }

    #[test]
    fn tool_calls_are_numbered_apart_from_text_blocks() {
        let mut t = translator(false);
        let start = |block: i32, id: &str| {
            ConverseStreamOutput::ContentBlockStart(
                ContentBlockStartEvent::builder()
                    .content_block_index(block)
                    .start(ContentBlockStart::ToolUse(
                        ToolUseBlockStart::builder().tool_use_id(id).name("get_weather").build().unwrap(),
                    ))
                    .build()
                    .unwrap(),
            )
        };
        let fragment = |block: i32, input: &str| {
            ConverseStreamOutput::ContentBlockDelta(
                ContentBlockDeltaEvent::builder()
                    .content_block_index(block)
                    .delta(ContentBlockDelta::ToolUse(
                        ToolUseBlockDelta::builder().input(input).build().unwrap(),
                    ))
                    .build()
                    .unwrap(),
            )
        };
        // Block 0 is text; blocks 1 and 2 are tool calls 0 and 1.
        let first = t.chunk(start(1, "call_a")).unwrap();
        let call = &delta_of(&first).tool_calls[0];
        assert_eq!((call.index, call.id.as_deref()), (0, Some("call_a")));
        assert_eq!(call.function.as_ref().unwrap().name.as_deref(), Some("get_weather"));
        t.chunk(start(2, "call_b")).unwrap();
        let args = t.chunk(fragment(2, "{\"city\":")).unwrap();
        let call = &delta_of(&args).tool_calls[0];
        assert_eq!((call.index, call.id.as_deref()), (1, None));
        assert_eq!(call.function.as_ref().unwrap().arguments.as_deref(), Some("{\"city\":"));
    }
}
