//! Maps Converse's answer (message, stop reason, usage) back onto the API's response messages.

use super::document;
use crate::proto::v1 as api;
use aws_sdk_bedrockruntime::types::{
    ContentBlock, ConverseOutput, GuardrailTraceAssessment, ReasoningContentBlock, ServiceTier, StopReason,
    TokenUsage,
};
use base64::Engine as _;

/// The parts of a completion that come from Bedrock; the caller adds id, created and model.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    /// The assistant message.
    pub message: api::Message,
    /// OpenAI's finish reason.
    pub finish_reason: &'static str,
    /// Bedrock's stop reason (`end_turn`, `stop_sequence`, ...), finer than the finish reason.
    pub stop_reason: String,
    /// The stop sequence that ended the answer, when the model's own response says.
    pub stop_sequence: Option<String>,
    /// Token counts.
    pub usage: Option<api::Usage>,
    /// The service tier that served the request, when Bedrock says.
    pub service_tier: Option<String>,
    /// Bedrock's guardrail trace as JSON text, when the request asked for it.
    pub guardrail_trace_json: Option<String>,
}

/// Reads Converse's output.
pub fn answer(
    output: Option<&ConverseOutput>,
    stop_reason: &StopReason,
    usage: Option<&TokenUsage>,
    service_tier: Option<&ServiceTier>,
    guardrail_trace: Option<&GuardrailTraceAssessment>,
    response_fields: Option<&aws_smithy_types::Document>,
) -> Answer {
    let mut text = String::new();
    let mut tool_calls = Vec::new();
    let mut thinking_blocks = Vec::new();
    let mut citations = Vec::new();
    if let Some(ConverseOutput::Message(message)) = output {
        for block in message.content() {
            match block {
                ContentBlock::Text(fragment) => text.push_str(fragment),
                ContentBlock::ReasoningContent(reasoning) => {
                    if let Some(block) = thinking_block(reasoning, tool_calls.len()) {
                        thinking_blocks.push(block);
                    }
                }
                ContentBlock::ToolUse(call) => tool_calls.push(api::ToolCall {
                    id: call.tool_use_id().to_owned(),
                    r#type: "function".to_owned(),
                    function: Some(api::FunctionCall {
                        name: call.name().to_owned(),
                        arguments: document::to_json(call.input()).to_string(),
                    }),
                }),
                ContentBlock::CitationsContent(block) => {
                    let (cited, found) = super::citations::content_block(block);
                    text.push_str(&cited);
                    citations.extend(found);
                }
                // Other block kinds (images, search results) do not come back in chat answers.
                _ => {}
            }
        }
    }
    let content = (!text.is_empty() || tool_calls.is_empty()).then_some(api::message::Content::Text(text));
    let reasoning: Vec<&str> = thinking_blocks.iter().filter_map(|b| b.thinking.as_deref()).collect();
    let reasoning_content = (!reasoning.is_empty()).then(|| reasoning.concat());
    Answer {
        message: api::Message {
            role: "assistant".to_owned(),
            content,
            tool_calls,
            reasoning_content,
            thinking_blocks,
            citations,
            ..Default::default()
        },
        finish_reason: finish_reason(stop_reason),
        stop_reason: stop_reason.as_str().to_owned(),
        stop_sequence: stop_sequence(response_fields),
        usage: usage.map(to_usage),
        service_tier: service_tier.map(tier_name),
        guardrail_trace_json: guardrail_trace.map(|trace| super::guardrail_trace::to_json(trace).to_string()),
    }
}

/// The stop sequence in the fields of the model's own response that the request asked for
/// ([`super::request::STOP_SEQUENCE_PATH`]).
pub fn stop_sequence(fields: Option<&aws_smithy_types::Document>) -> Option<String> {
    match fields?.as_object()?.get("stop_sequence")? {
        aws_smithy_types::Document::String(sequence) => Some(sequence.clone()),
        _ => None,
    }
}

/// A service tier as the API names it (Bedrock's names: `default`, `flex`, `priority`, `reserved`).
pub fn tier_name(tier: &ServiceTier) -> String {
    tier.r#type().as_str().to_owned()
}

/// A reasoning block as the API carries it, placed after `tool_calls_before` tool calls.
pub fn thinking_block(
    reasoning: &ReasoningContentBlock,
    tool_calls_before: usize,
) -> Option<api::ThinkingBlock> {
    let tool_calls_before =
        (tool_calls_before > 0).then(|| u32::try_from(tool_calls_before).unwrap_or(u32::MAX));
    match reasoning {
        ReasoningContentBlock::ReasoningText(block) => Some(api::ThinkingBlock {
            r#type: "thinking".to_owned(),
            thinking: Some(block.text().to_owned()),
            signature: block.signature().map(str::to_owned),
            data: None,
            tool_calls_before,
        }),
        ReasoningContentBlock::RedactedContent(data) => Some(redacted(data.as_ref(), tool_calls_before)),
        _ => None,
    }
}

/// A redacted reasoning block: its bytes as base64.
pub fn redacted(data: &[u8], tool_calls_before: Option<u32>) -> api::ThinkingBlock {
    api::ThinkingBlock {
        r#type: "redacted_thinking".to_owned(),
        thinking: None,
        signature: None,
        data: Some(base64::engine::general_purpose::STANDARD.encode(data)),
        tool_calls_before,
    }
}

/// Bedrock's stopReason as OpenAI's finish_reason.
pub fn finish_reason(reason: &StopReason) -> &'static str {
    match reason {
        StopReason::EndTurn | StopReason::StopSequence => "stop",
        StopReason::MaxTokens | StopReason::ModelContextWindowExceeded => "length",
        StopReason::ToolUse => "tool_calls",
        StopReason::GuardrailIntervened | StopReason::ContentFiltered => "content_filter",
        _ => "stop",
    }
}

/// Bedrock's token counts in OpenAI's terms: Bedrock's `inputTokens` leaves out the tokens read
/// from and written to the prompt cache, while OpenAI's `prompt_tokens` counts every input token,
/// so they are added back (and the total with them).
pub fn to_usage(usage: &TokenUsage) -> api::Usage {
    let count = |n: i32| u32::try_from(n).unwrap_or_default();
    let read = usage.cache_read_input_tokens().map(count);
    let write = usage.cache_write_input_tokens().map(count);
    let prompt_tokens = count(usage.input_tokens())
        .saturating_add(read.unwrap_or_default())
        .saturating_add(write.unwrap_or_default());
    let completion_tokens = count(usage.output_tokens());
    api::Usage {
        prompt_tokens,
        completion_tokens,
        total_tokens: prompt_tokens.saturating_add(completion_tokens),
        cache_read_tokens: read,
        cache_write_tokens: write,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_bedrockruntime::types::{ConversationRole, Message, ToolUseBlock};

    #[test]
    fn every_stop_reason_has_a_finish_reason() {
        assert_eq!(finish_reason(&StopReason::EndTurn), "stop");
        assert_eq!(finish_reason(&StopReason::StopSequence), "stop");
        assert_eq!(finish_reason(&StopReason::MaxTokens), "length");
        assert_eq!(finish_reason(&StopReason::ModelContextWindowExceeded), "length");
        assert_eq!(finish_reason(&StopReason::ToolUse), "tool_calls");
        assert_eq!(finish_reason(&StopReason::GuardrailIntervened), "content_filter");
        assert_eq!(finish_reason(&StopReason::ContentFiltered), "content_filter");
    }

    #[test]
    fn text_and_tool_use_become_content_and_tool_calls() {
        let call = ToolUseBlock::builder()
            .tool_use_id("tooluse_1")
            .name("get_weather")
            .input(document::from_json(&serde_json::json!({"city": "Paris"})))
            .build()
            .unwrap();
        let message = Message::builder()
            .role(ConversationRole::Assistant)
            .content(ContentBlock::Text("Let me check.".into()))
            .content(ContentBlock::ToolUse(call))
            .build()
            .unwrap();
        let usage = TokenUsage::builder()
            .input_tokens(10)
            .output_tokens(5)
            .total_tokens(15)
            .cache_read_input_tokens(4)
            .build()
            .unwrap();
        let answer = answer(
            Some(&ConverseOutput::Message(message)),
            &StopReason::ToolUse,
            Some(&usage),
            None,
            None,
            None,
        );
        assert_eq!(answer.finish_reason, "tool_calls");
        assert_eq!(answer.message.content, Some(api::message::Content::Text("Let me check.".into())));
        assert_eq!(answer.message.tool_calls[0].function.as_ref().unwrap().arguments, r#"{"city":"Paris"}"#);
        let usage = answer.usage.unwrap();
        // OpenAI's prompt_tokens count the cache reads too: 10 + 4.
        assert_eq!((usage.prompt_tokens, usage.completion_tokens, usage.total_tokens), (14, 5, 19));
        assert_eq!((usage.cache_read_tokens, usage.cache_write_tokens), (Some(4), None));
    }
}
