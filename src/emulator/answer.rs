//! What the emulator answers: deterministic replies derived from the Converse request, after checking
//! the request the way Bedrock does (alternating turns, tool results matching tool uses, toolConfig
//! present when tool blocks are) so a mapping bug in the server fails the tests as it would in AWS.
//!
//! - A plain prompt gets `You said: <last user text>`, one word per stream delta.
//! - Tools offered and demanded (toolChoice `any` or `tool`), or a tool named in the prompt under
//!   `auto`, get toolUse blocks whose input fills the schema's `required` properties.
//! - Tool results get `The tool returned: <result text>`.
//! - Images are acknowledged: `(I see 1 image: png, 68 bytes)`; documents too: `(I read 1
//!   document: Quarterly report, pdf, 1234 bytes)`, after Bedrock's document rules
//!   (`documents`).
//! - A document sent with citations enabled is answered, after the text, by a `citationsContent`
//!   block quoting its first sentence, with the quote's location (`citations`).
//! - Documents count in the prompt's tokens: a quarter of their bytes, at least 1 each.
//! - `serviceTier` and `performanceConfig` are checked against the model and the caller's region
//!   and echoed in the answer (`tiers`); `requestMetadata` is checked
//!   (`request_metadata`).
//! - `guardrailConfig.trace` `enabled` / `enabled_full` adds the guardrail's trace
//!   (`guardrail`): a blocked input under `[[emulator:guardrail]]`.
//! - `maxTokens` truncates (stop reason `max_tokens`); stop sequences cut (`stop_sequence`).

use super::directives::{self, Directives};
use super::documents::Document;
use base64::Engine as _;
use serde_json::{Value, json};

/// An exception to answer with: HTTP status, exception name, message.
pub type Fault = (u16, &'static str, String);

/// One content block of the reply.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// Text.
    Text(String),
    /// Reasoning, signed for models whose reasoning Bedrock signs.
    Reasoning {
        /// The reasoning text.
        text: String,
        /// Its signature.
        signature: Option<String>,
    },
    /// A tool call.
    ToolUse {
        /// The call's id.
        id: String,
        /// The tool's name.
        name: String,
        /// The arguments.
        input: Value,
    },
    /// Text that cites documents (Converse's `citationsContent`).
    Citations {
        /// The generated text: here, the quote.
        text: String,
        /// Bedrock's Citation objects: `title`, `sourceContent`, `location`.
        citations: Vec<Value>,
    },
}

/// The emulator's reply to one request.
#[derive(Debug, Clone)]
pub struct Reply {
    /// Content blocks, in order.
    pub blocks: Vec<Block>,
    /// Converse's stopReason.
    pub stop_reason: &'static str,
    /// Prompt tokens (words, images count one each).
    pub input_tokens: u32,
    /// Generated tokens (words).
    pub output_tokens: u32,
    /// The directives of the prompt.
    pub directives: Directives,
    /// Prompt-cache tokens read and written, when the request had cache points.
    pub cache: Option<(u32, u32)>,
    /// The service tier used, when the request named one.
    pub service_tier: Option<&'static str>,
    /// The latency used, when the request set `performanceConfig`.
    pub latency: Option<&'static str>,
    /// The guardrail trace (`{"guardrail": ...}`), when the request enabled it.
    pub trace: Option<Value>,
    /// `additionalModelResponseFields`: the fields of the model's own response the request asked
    /// for by JSON pointer (`additionalModelResponseFieldPaths`).
    pub response_fields: Option<Value>,
}

impl Reply {
    /// The usage object Bedrock reports.
    pub fn usage(&self) -> Value {
        // As Bedrock counts: `inputTokens` leaves out what was read from or written to the cache;
        // `totalTokens` counts everything.
        let (read, write) = match (&self.cache, self.directives.cache) {
            (Some((read, write)), _) => (*read, *write),
            (None, true) => (self.input_tokens / 2, self.input_tokens / 4),
            (None, false) => (0, 0),
        };
        let mut usage = json!({
            "inputTokens": self.input_tokens - read - write,
            "outputTokens": self.output_tokens,
            "totalTokens": self.input_tokens + self.output_tokens,
        });
        if self.cache.is_some() || self.directives.cache {
            usage["cacheReadInputTokens"] = json!(read);
            usage["cacheWriteInputTokens"] = json!(write);
        }
        usage
    }

    /// The keys Converse's response and ConverseStream's `metadata` event carry beside usage and
    /// metrics: `serviceTier` and `performanceConfig` (when requested) and `trace` (when enabled).
    pub fn extras(&self) -> serde_json::Map<String, Value> {
        let mut extras = serde_json::Map::new();
        if let Some(tier) = self.service_tier {
            extras.insert("serviceTier".to_owned(), json!({ "type": tier }));
        }
        if let Some(latency) = self.latency {
            extras.insert("performanceConfig".to_owned(), json!({ "latency": latency }));
        }
        if let Some(trace) = &self.trace {
            extras.insert("trace".to_owned(), trace.clone());
        }
        extras
    }
}

fn invalid(message: impl Into<String>) -> Fault {
    (400, "ValidationException", message.into())
}

/// Checks the request, sent to `model_id` from `region` (the SigV4 scope's), and computes the reply.
pub fn reply(model_id: &str, region: &str, body: &Value) -> Result<Reply, Fault> {
    super::request_metadata::check(&body["requestMetadata"])?;
    let performance = super::tiers::check(model_id, region, body)?;
    let reasoning = super::thinking::check(model_id, body)?;
    let messages = body.get("messages").and_then(Value::as_array).filter(|m| !m.is_empty());
    let messages =
        messages.ok_or_else(|| invalid("The messages field is required and must not be empty."))?;
    check_conversation(messages, body.get("toolConfig").is_some())?;
    let documents = super::documents::check(model_id, messages)?;

    let (last_index, last_user) = messages
        .iter()
        .enumerate()
        .rev()
        .find(|(_, m)| m["role"] == "user")
        .ok_or_else(|| invalid("A conversation must start with a user message."))?;
    // The last user message's documents: cited ones are answered with citations, the others
    // acknowledged in the text.
    let (cited, read): (Vec<&Document>, Vec<&Document>) =
        documents.iter().filter(|d| d.message == last_index).partition(|d| d.citations);
    let content = last_user["content"].as_array().map(Vec::as_slice).unwrap_or_default();
    let prompt: Vec<&str> =
        content.iter().filter_map(|block| block.get("text").and_then(Value::as_str)).collect();
    let (directives, prompt) = directives::parse(&prompt.join(" ")).map_err(invalid)?;

    let tool_results: Vec<String> =
        content.iter().filter_map(|block| block.get("toolResult")).map(result_text).collect();
    // A forced choice (`any`, `tool`) is a call whatever came before; under auto, tool results are
    // answered in text.
    let choice = &body["toolConfig"]["toolChoice"];
    let forced = choice.get("any").is_some() || choice.get("tool").is_some();
    let mut calls = if tool_results.is_empty() || forced { tool_calls(body, &prompt) } else { Vec::new() };
    if directives.off_schema {
        for (_, input) in &mut calls {
            *input = json!({"unexpected": true});
        }
    }
    let structured = super::structured::answer(model_id, body, directives.off_schema)?;
    let answers_json = structured.is_some();

    let mut blocks = Vec::new();
    let mut stop_sequence = None;
    let mut stop_reason = if !calls.is_empty() {
        if body["toolConfig"]["toolChoice"].get("auto").is_some()
            || body["toolConfig"].get("toolChoice").is_none()
        {
            let names: Vec<&str> = calls.iter().map(|(name, _)| name.as_str()).collect();
            blocks.push(Block::Text(format!("Calling {}.", names.join(", "))));
        }
        blocks.extend(calls.into_iter().map(|(name, input)| Block::ToolUse {
            id: format!("tooluse_{}", &uuid::Uuid::new_v4().simple().to_string()[..22]),
            name,
            input,
        }));
        "tool_use"
    } else {
        let text = match (&directives.words, tool_results.as_slice()) {
            _ if structured.is_some() => structured.unwrap_or_default(),
            (Some(n), _) => vec!["lorem"; *n].join(" "),
            (None, []) => {
                format!("You said: {prompt}{}{}", describe_images(content), super::documents::describe(&read))
                    .trim_end()
                    .to_owned()
            }
            (None, [one]) => format!("The tool returned: {one}"),
            (None, many) => format!("The tools returned: {}", many.join("; ")),
        };
        let (text, reason, matched) = limit(text, &body["inferenceConfig"]);
        stop_sequence = matched;
        blocks.push(Block::Text(text));
        // A structured answer is JSON alone; a cut answer stops before its citations.
        if !answers_json && reason != "max_tokens" {
            blocks.extend(cited.iter().map(|document| super::citations::block(document)));
        }
        reason
    };
    if let Some(reason) = directives.stop_reason {
        stop_reason = reason;
    }
    let trace = super::guardrail::trace(body, &prompt, stop_reason == "guardrail_intervened")?;
    if let Some(signed) = reasoning {
        let text =
            format!("Let me think about: {}", if prompt.is_empty() { "the tool results" } else { &prompt });
        let signature = signed.then(|| super::thinking::sign(&text));
        blocks.insert(0, Block::Reasoning { text, signature });
    }
    let output_tokens = blocks
        .iter()
        .map(|block| match block {
            Block::Text(text) | Block::Reasoning { text, .. } | Block::Citations { text, .. } => {
                text.split_whitespace().count() as u32
            }
            Block::ToolUse { input, .. } => 1 + input.to_string().len() as u32 / 4,
        })
        .sum();
    let response_fields = response_fields(model_id, body, stop_sequence)?;
    Ok(Reply {
        response_fields,
        blocks,
        stop_reason,
        input_tokens: count_input(body),
        output_tokens,
        directives,
        cache: None,
        service_tier: performance.service_tier,
        latency: performance.latency,
        trace,
    })
}

/// Bedrock's conversation rules.
fn check_conversation(messages: &[Value], has_tool_config: bool) -> Result<(), Fault> {
    let mut previous_tool_uses: Vec<&str> = Vec::new();
    for (i, message) in messages.iter().enumerate() {
        let role = message["role"].as_str().unwrap_or_default();
        let expected = if i % 2 == 0 { "user" } else { "assistant" };
        if role != expected {
            return Err(invalid(format!(
                "A conversation must alternate between user and assistant roles. Make sure the conversation \
                 alternates between user and assistant roles and try again. (messages.{i}.role is {role:?})"
            )));
        }
        let content = message["content"].as_array().filter(|c| !c.is_empty());
        let content = content.ok_or_else(|| invalid(format!("messages.{i}.content must not be empty")))?;
        let mut tool_uses = Vec::new();
        let mut tool_results = Vec::new();
        for block in content {
            if let Some(text) = block.get("text") {
                if text.as_str().is_none_or(|t| t.trim().is_empty()) {
                    return Err(invalid(format!("messages.{i}: text content blocks must be non-empty")));
                }
            } else if let Some(tool_use) = block.get("toolUse") {
                tool_uses.push(tool_use["toolUseId"].as_str().unwrap_or_default());
            } else if let Some(result) = block.get("toolResult") {
                tool_results.push(result["toolUseId"].as_str().unwrap_or_default());
            }
        }
        if (!tool_uses.is_empty() || !tool_results.is_empty()) && !has_tool_config {
            return Err(invalid(
                "The toolConfig field must be defined when using toolUse and toolResult content blocks.",
            ));
        }
        if tool_results.len() > previous_tool_uses.len() {
            return Err(invalid(format!(
                "The number of toolResult blocks at messages.{i}.content exceeds the number of toolUse blocks of previous turn."
            )));
        }
        if let Some(stray) = tool_results.iter().find(|id| !previous_tool_uses.contains(id)) {
            return Err(invalid(format!(
                "messages.{i}: toolResult {stray:?} does not match a toolUse of the previous turn."
            )));
        }
        if role == "user" && !previous_tool_uses.is_empty() && tool_results.len() != previous_tool_uses.len()
        {
            return Err(invalid(format!(
                "Expected toolResult blocks at messages.{i}.content for the toolUse blocks of the previous turn."
            )));
        }
        previous_tool_uses = tool_uses;
    }
    Ok(())
}

/// The tools to call: all demanded by toolChoice, or those the prompt names under auto.
fn tool_calls(body: &Value, prompt: &str) -> Vec<(String, Value)> {
    let Some(tools) = body["toolConfig"]["tools"].as_array() else { return Vec::new() };
    let specs: Vec<&Value> = tools.iter().filter_map(|tool| tool.get("toolSpec")).collect();
    // A model does not repeat a call it has just made: under `any`, the first tool not called yet.
    let called: Vec<&str> = body["messages"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|m| m["content"].as_array().into_iter().flatten())
        .filter_map(|block| block["toolUse"]["name"].as_str())
        .collect();
    let named_in_prompt: Vec<&&Value> =
        specs.iter().filter(|spec| spec["name"].as_str().is_some_and(|name| prompt.contains(name))).collect();
    let choice = &body["toolConfig"]["toolChoice"];
    let chosen: Vec<&Value> = if let Some(name) = choice["tool"]["name"].as_str() {
        specs.iter().copied().filter(|spec| spec["name"] == name).collect()
    } else if choice.get("any").is_some() {
        if named_in_prompt.is_empty() {
            let fresh =
                specs.iter().copied().find(|s| !called.contains(&s["name"].as_str().unwrap_or_default()));
            fresh.or(specs.first().copied()).into_iter().collect()
        } else {
            named_in_prompt.into_iter().copied().collect()
        }
    } else {
        named_in_prompt.into_iter().copied().collect()
    };
    chosen
        .into_iter()
        .map(|spec| {
            (
                spec["name"].as_str().unwrap_or_default().to_owned(),
                example(&spec["inputSchema"]["json"], "", 0),
            )
        })
        .collect()
}

/// A value satisfying a JSON schema's type and, for objects, its `required` properties.
pub fn example(schema: &Value, key: &str, depth: usize) -> Value {
    if let Some(first) = schema["enum"].as_array().and_then(|values| values.first()) {
        return first.clone();
    }
    match schema["type"].as_str() {
        Some("string") => json!(format!("example {key}").trim_end()),
        Some("integer") => json!(1),
        Some("number") => json!(1.5),
        Some("boolean") => json!(true),
        Some("array") => json!([]),
        Some("null") => Value::Null,
        _ if depth > 8 => json!({}),
        _ => {
            let mut object = serde_json::Map::new();
            for name in schema["required"].as_array().into_iter().flatten().filter_map(Value::as_str) {
                object.insert(name.to_owned(), example(&schema["properties"][name], name, depth + 1));
            }
            Value::Object(object)
        }
    }
}

fn result_text(result: &Value) -> String {
    let parts: Vec<String> = result["content"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|part| match (part.get("text"), part.get("json")) {
            (Some(text), _) => text.as_str().unwrap_or_default().to_owned(),
            (None, Some(json)) => json.to_string(),
            _ => String::new(),
        })
        .collect();
    parts.join(" ")
}

fn describe_images(content: &[Value]) -> String {
    let images: Vec<String> = content
        .iter()
        .filter_map(|block| block.get("image"))
        .map(|image| {
            let bytes = image["source"]["bytes"].as_str().unwrap_or_default();
            let size =
                base64::engine::general_purpose::STANDARD.decode(bytes).map(|b| b.len()).unwrap_or_default();
            format!("{}, {size} bytes", image["format"].as_str().unwrap_or("unknown"))
        })
        .collect();
    match images.len() {
        0 => String::new(),
        1 => format!(" (I see 1 image: {})", images[0]),
        n => format!(" (I see {n} images: {})", images.join("; ")),
    }
}

/// `additionalModelResponseFieldPaths` answered from the model's own response, as Bedrock does:
/// JSON pointers (at most 10) into it. Claude's native response has `stop_sequence` (the sequence
/// that ended the answer, or null); other fields and other families' responses have nothing the
/// emulator models, so those pointers find nothing and are left out.
fn response_fields(
    model_id: &str,
    body: &Value,
    stop_sequence: Option<String>,
) -> Result<Option<Value>, Fault> {
    let Some(paths) = body.get("additionalModelResponseFieldPaths") else { return Ok(None) };
    let paths =
        paths.as_array().ok_or_else(|| invalid("additionalModelResponseFieldPaths must be a list."))?;
    if paths.len() > 10 {
        return Err(invalid("additionalModelResponseFieldPaths can have at most 10 entries."));
    }
    let mut fields = serde_json::Map::new();
    for path in paths {
        let path = path.as_str().filter(|p| p.starts_with('/')).ok_or_else(|| {
            invalid(format!(
                "The provided additionalModelResponseFieldPath {path} is not a valid JSON pointer."
            ))
        })?;
        if path == "/stop_sequence" && model_id.contains("anthropic.") {
            fields
                .insert("stop_sequence".to_owned(), stop_sequence.clone().map_or(Value::Null, Value::String));
        }
    }
    Ok(Some(Value::Object(fields)))
}

/// Applies stop sequences, then maxTokens (in words): the text, the stop reason, and the stop
/// sequence that cut it.
fn limit(text: String, inference: &Value) -> (String, &'static str, Option<String>) {
    let stop_at = inference["stopSequences"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .filter_map(|stop| text.find(stop).map(|at| (at, stop)))
        .min();
    let (mut text, mut reason, matched) = match stop_at {
        Some((at, stop)) => (text[..at].trim_end().to_owned(), "stop_sequence", Some(stop.to_owned())),
        None => (text, "end_turn", None),
    };
    if let Some(max) = inference["maxTokens"].as_u64() {
        let words: Vec<&str> = text.split_whitespace().collect();
        if words.len() as u64 > max {
            text = words[..max as usize].join(" ");
            reason = "max_tokens";
        }
    }
    (text, reason, matched)
}

fn count_input(body: &Value) -> u32 {
    let mut count = 0;
    let mut visit = |blocks: &Value| {
        for block in blocks.as_array().into_iter().flatten() {
            count += super::prompt_cache::block_tokens(block);
        }
    };
    visit(&body["system"]);
    for message in body["messages"].as_array().into_iter().flatten() {
        visit(&message["content"]);
    }
    count
}

/// Splits text into stream deltas: one word each, with its leading space.
pub fn deltas(text: &str) -> Vec<String> {
    let mut parts = Vec::new();
    for (i, word) in text.split(' ').enumerate() {
        parts.push(if i == 0 { word.to_owned() } else { format!(" {word}") });
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    const HAIKU: &str = "anthropic.claude-3-haiku-20240307-v1:0";

    fn user(text: &str) -> Value {
        json!({"role": "user", "content": [{"text": text}]})
    }

    #[test]
    fn echoes_the_last_user_message() {
        let reply = reply(HAIKU, "us-east-1", &json!({"messages": [user("hello there")]})).unwrap();
        assert_eq!(reply.blocks, [Block::Text("You said: hello there".into())]);
        assert_eq!(reply.stop_reason, "end_turn");
        assert_eq!((reply.input_tokens, reply.output_tokens), (2, 4));
        assert_eq!(deltas("You said: hi").concat(), "You said: hi");
    }

    #[test]
    fn max_tokens_and_stop_sequences_cut_the_answer() {
        let cut = reply(
            HAIKU,
            "us-east-1",
            &json!({"messages": [user("one two three")], "inferenceConfig": {"maxTokens": 2}}),
        )
        .unwrap();
        assert_eq!((cut.blocks[0].clone(), cut.stop_reason), (Block::Text("You said:".into()), "max_tokens"));
        let stop = reply(
            HAIKU,
            "us-east-1",
            &json!({"messages": [user("one STOP two")], "inferenceConfig": {"stopSequences": ["STOP"]}}),
        )
        .unwrap();
        assert_eq!(
            (stop.blocks[0].clone(), stop.stop_reason),
            (Block::Text("You said: one".into()), "stop_sequence")
        );
    }

    #[test]
    fn demanded_tools_are_called_with_required_arguments() {
        let body = json!({
            "messages": [user("weather?")],
            "toolConfig": {
                "tools": [{"toolSpec": {"name": "get_weather", "inputSchema": {"json": {
                    "type": "object",
                    "properties": {"city": {"type": "string"}, "unit": {"type": "string", "enum": ["c", "f"]}},
                    "required": ["city", "unit"]
                }}}}],
                "toolChoice": {"any": {}}
            }
        });
        let reply = reply(HAIKU, "us-east-1", &body).unwrap();
        assert_eq!(reply.stop_reason, "tool_use");
        let Block::ToolUse { name, input, .. } = &reply.blocks[0] else { panic!("{:?}", reply.blocks) };
        assert_eq!(name, "get_weather");
        assert_eq!(input, &json!({"city": "example city", "unit": "c"}));
    }

    #[test]
    fn bedrock_conversation_rules_are_enforced() {
        let alternation =
            reply(HAIKU, "us-east-1", &json!({"messages": [user("a"), user("b")]})).unwrap_err();
        assert!(alternation.2.contains("alternate"));
        let no_config = reply(HAIKU, "us-east-1", &json!({"messages": [
            user("a"),
            {"role": "assistant", "content": [{"toolUse": {"toolUseId": "t1", "name": "f", "input": {}}}]},
            {"role": "user", "content": [{"toolResult": {"toolUseId": "t1", "content": [{"text": "r"}]}}]}
        ]}))
        .unwrap_err();
        assert!(no_config.2.contains("toolConfig"));
        let too_many = reply(HAIKU, "us-east-1", &json!({"toolConfig": {"tools": []}, "messages": [
            user("a"),
            {"role": "assistant", "content": [{"toolUse": {"toolUseId": "t1", "name": "f", "input": {}}}]},
            {"role": "user", "content": [
                {"toolResult": {"toolUseId": "t1", "content": [{"text": "r"}]}},
                {"toolResult": {"toolUseId": "t2", "content": [{"text": "r"}]}}
            ]}
        ]}))
        .unwrap_err();
        assert!(too_many.2.contains("exceeds"));
    }

    fn document(name: &str, text: &str, citations: bool) -> Value {
        let bytes = base64::engine::general_purpose::STANDARD.encode(text);
        let mut block = json!({"document": {"format": "txt", "name": name, "source": {"bytes": bytes}}});
        if citations {
            block["document"]["citations"] = json!({"enabled": true});
        }
        block
    }

    #[test]
    fn documents_are_acknowledged_or_cited() {
        let content = json!([{"text": "summarize"}, document("Quarterly report", "Revenue rose.", false)]);
        let read =
            reply(HAIKU, "us-east-1", &json!({"messages": [{"role": "user", "content": content}]})).unwrap();
        assert_eq!(
            read.blocks,
            [Block::Text("You said: summarize (I read 1 document: Quarterly report, txt, 13 bytes)".into())]
        );
        assert_eq!(read.input_tokens, 1 + 3, "a word, and 13 bytes / 4");

        let content =
            json!([{"text": "what color?"}, document("facts", "The sky is blue. Grass is green.", true)]);
        let body = json!({"messages": [{"role": "user", "content": content}]});
        let cited = reply("us.anthropic.claude-sonnet-4-5-20250929-v1:0", "us-east-1", &body).unwrap();
        assert_eq!(cited.blocks[0], Block::Text("You said: what color?".into()));
        let Block::Citations { text, citations } = &cited.blocks[1] else { panic!("{:?}", cited.blocks) };
        assert_eq!(text, "The sky is blue.");
        assert_eq!(citations[0]["title"], "facts");
        assert_eq!(
            citations[0]["location"]["documentChar"],
            json!({"documentIndex": 0, "start": 0, "end": 16})
        );
        assert_eq!(cited.output_tokens, 4 + 4, "the citation's words count");
        assert_eq!(reply(HAIKU, "us-east-1", &body).unwrap_err().2, "This model doesn't support citations.");
    }

    #[test]
    fn tiers_latency_and_traces_reach_the_reply() {
        let body = json!({
            "messages": [user("[[emulator:guardrail]] bad")],
            "serviceTier": {"type": "flex"},
            "performanceConfig": {"latency": "standard"},
            "requestMetadata": {"team": "search"},
            "guardrailConfig": {"guardrailIdentifier": "gr1", "guardrailVersion": "1", "trace": "enabled"}
        });
        let answer = reply("openai.gpt-oss-120b-1:0", "us-east-1", &body).unwrap();
        assert_eq!(answer.stop_reason, "guardrail_intervened");
        let extras = answer.extras();
        assert_eq!(extras["serviceTier"], json!({"type": "flex"}));
        assert_eq!(extras["performanceConfig"], json!({"latency": "standard"}));
        assert_eq!(extras["trace"]["guardrail"]["actionReason"], "Guardrail blocked.");
        assert!(extras["trace"]["guardrail"]["inputAssessment"]["gr1"]["contentPolicy"].is_object());

        let plain = reply(HAIKU, "us-east-1", &json!({"messages": [user("hi")]})).unwrap();
        assert!(plain.extras().is_empty(), "nothing asked, nothing echoed");
        let priority = json!({"messages": [user("hi")], "serviceTier": {"type": "priority"}});
        assert!(reply(HAIKU, "us-east-1", &priority).unwrap_err().2.contains("priority service tier"));
        let metadata = json!({"messages": [user("hi")], "requestMetadata": {"bad key!": "v"}});
        assert!(reply(HAIKU, "us-east-1", &metadata).unwrap_err().2.contains("'requestMetadata'"));
    }
}
