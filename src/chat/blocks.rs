//! The core's stream deltas as content blocks, for the doors whose streams are made of blocks
//! (Anthropic's events, Bedrock's own ConverseStream): each says the same thing in its own words.
//!
//! The core streams OpenAI-shaped deltas (text, reasoning fragments, whole signed reasoning
//! blocks, tool-call fragments, citations). [`Blocks`] keeps the open block and turns each delta
//! into neutral [`BlockEvent`]s, numbering blocks from 0 in the model's order:
//!
//! ```text
//! Start(Thinking)  Delta(Thinking…, Signature)   Stop
//! Start(Text)      Delta(Text…, Citation…)       Stop
//! Start(ToolUse)   Delta(ToolInput…)             Stop
//! ```

use crate::proto::v1 as api;

/// What a block is, when it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlockStart {
    /// Answer text.
    Text,
    /// Reasoning text, ended by its signature.
    Thinking,
    /// Encrypted reasoning, whole (no deltas follow).
    RedactedThinking {
        /// The opaque data to replay.
        data: String,
    },
    /// A tool call.
    ToolUse {
        /// The call's id.
        id: String,
        /// The tool's name.
        name: String,
    },
}

/// A fragment of the open block.
#[derive(Debug, Clone, PartialEq)]
pub enum BlockDelta {
    /// Answer text.
    Text(String),
    /// Reasoning text.
    Thinking(String),
    /// The reasoning block's signature (its last delta).
    Signature(String),
    /// A fragment of the tool call's JSON arguments.
    ToolInput(String),
    /// A citation of the text before it.
    Citation(api::Citation),
}

/// One step of the block structure; `index` numbers blocks from 0.
#[derive(Debug, Clone, PartialEq)]
pub enum BlockEvent {
    /// A block opens.
    Start {
        /// The block's number.
        index: u32,
        /// What it is.
        block: BlockStart,
    },
    /// A fragment of the open block.
    Delta {
        /// The block's number.
        index: u32,
        /// The fragment.
        delta: BlockDelta,
    },
    /// The block closes.
    Stop {
        /// The block's number.
        index: u32,
    },
}

/// The block open in the stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Open {
    None,
    Text,
    /// A thinking block, and whether text fragments were sent in it.
    Thinking {
        fragments: bool,
    },
    /// A tool call, by the core's tool-call index.
    ToolUse(u32),
}

/// Turns deltas into block events.
#[derive(Debug)]
pub struct Blocks {
    open: Open,
    next_index: u32,
}

impl Default for Blocks {
    fn default() -> Self {
        Blocks { open: Open::None, next_index: 0 }
    }
}

impl Blocks {
    /// The events one delta makes.
    pub fn delta(&mut self, delta: api::Delta, events: &mut Vec<BlockEvent>) {
        let api::Delta { role: _, content, tool_calls, reasoning_content, thinking_blocks, citations } =
            delta;
        if let Some(fragment) = reasoning_content.filter(|f| !f.is_empty()) {
            if !matches!(self.open, Open::Thinking { .. }) {
                self.start(Open::Thinking { fragments: true }, BlockStart::Thinking, events);
            }
            self.open = Open::Thinking { fragments: true };
            self.push(BlockDelta::Thinking(fragment), events);
        }
        for block in thinking_blocks {
            self.reasoning_block(block, events);
        }
        if let Some(text) = content.filter(|t| !t.is_empty()) {
            if self.open != Open::Text {
                self.start(Open::Text, BlockStart::Text, events);
            }
            self.push(BlockDelta::Text(text), events);
        }
        for citation in citations {
            if self.open != Open::Text {
                self.start(Open::Text, BlockStart::Text, events);
            }
            self.push(BlockDelta::Citation(citation), events);
        }
        for call in tool_calls {
            let api::ToolCallDelta { index, id, r#type: _, function } = call;
            let api::FunctionCallDelta { name, arguments } = function.unwrap_or_default();
            if self.open != Open::ToolUse(index) {
                let start =
                    BlockStart::ToolUse { id: id.unwrap_or_default(), name: name.unwrap_or_default() };
                self.start(Open::ToolUse(index), start, events);
            }
            if let Some(json) = arguments.filter(|a| !a.is_empty()) {
                self.push(BlockDelta::ToolInput(json), events);
            }
        }
    }

    /// Closes the open block, if any (the answer ended).
    pub fn close(&mut self, events: &mut Vec<BlockEvent>) {
        if self.open != Open::None {
            events.push(BlockEvent::Stop { index: self.next_index });
            self.next_index += 1;
            self.open = Open::None;
        }
    }

    /// A finished reasoning block: the signature of the open thinking block, or a whole block.
    fn reasoning_block(&mut self, block: api::ThinkingBlock, events: &mut Vec<BlockEvent>) {
        let api::ThinkingBlock { r#type, thinking, signature, data, tool_calls_before: _ } = block;
        if r#type == "redacted_thinking" {
            let start = BlockStart::RedactedThinking { data: data.unwrap_or_default() };
            self.start(Open::Thinking { fragments: false }, start, events);
        } else {
            if self.open != (Open::Thinking { fragments: true }) {
                self.start(Open::Thinking { fragments: false }, BlockStart::Thinking, events);
                self.push(BlockDelta::Thinking(thinking.unwrap_or_default()), events);
            }
            self.push(BlockDelta::Signature(signature.unwrap_or_default()), events);
        }
        self.close(events);
    }

    fn start(&mut self, open: Open, block: BlockStart, events: &mut Vec<BlockEvent>) {
        self.close(events);
        events.push(BlockEvent::Start { index: self.next_index, block });
        self.open = open;
    }

    fn push(&self, delta: BlockDelta, events: &mut Vec<BlockEvent>) {
        events.push(BlockEvent::Delta { index: self.next_index, delta });
    }
}

/// A block of a whole answer.
#[derive(Debug, Clone, PartialEq)]
pub enum AnswerBlock {
    /// Signed reasoning.
    Thinking {
        /// The reasoning text.
        thinking: String,
        /// Its signature, replayed with it.
        signature: String,
    },
    /// Encrypted reasoning.
    RedactedThinking {
        /// The opaque data to replay.
        data: String,
    },
    /// Answer text and what it cites.
    Text {
        /// The text.
        text: String,
        /// Its citations.
        citations: Vec<api::Citation>,
    },
    /// A tool call.
    ToolUse {
        /// The call's id.
        id: String,
        /// The tool's name.
        name: String,
        /// Its arguments (`{}` when the model's were not JSON).
        input: serde_json::Value,
    },
}

/// An answer's blocks in the model's order: reasoning before the tool calls it preceded (by
/// `tool_calls_before`), the text after the leading reasoning, then the calls. An answer with
/// neither text nor calls is one empty text block.
pub fn answer_blocks(message: api::Message) -> Vec<AnswerBlock> {
    let api::Message {
        role: _,
        content,
        name: _,
        tool_calls,
        tool_call_id: _,
        reasoning_content: _, // the blocks carry it
        thinking_blocks,
        cache_control: _,
        citations,
        tool_error: _,
    } = message;
    let mut reasoning = thinking_blocks.into_iter().peekable();
    let before = |block: &api::ThinkingBlock| block.tool_calls_before.unwrap_or(0) as usize;
    let mut blocks = Vec::new();
    while let Some(block) = reasoning.next_if(|b| before(b) == 0) {
        blocks.push(reasoning_block(block));
    }
    let text = match content {
        Some(api::message::Content::Text(text)) => text,
        Some(api::message::Content::Parts(_)) | None => String::new(),
    };
    if !text.is_empty() || tool_calls.is_empty() {
        blocks.push(AnswerBlock::Text { text, citations });
    }
    for (n, call) in tool_calls.into_iter().enumerate() {
        while let Some(block) = reasoning.next_if(|b| before(b) <= n) {
            blocks.push(reasoning_block(block));
        }
        let api::ToolCall { id, r#type: _, function } = call;
        let api::FunctionCall { name, arguments } = function.unwrap_or_default();
        let input = serde_json::from_str(&arguments).unwrap_or_else(|_| serde_json::json!({}));
        blocks.push(AnswerBlock::ToolUse { id, name, input });
    }
    blocks.extend(reasoning.map(reasoning_block));
    blocks
}

fn reasoning_block(block: api::ThinkingBlock) -> AnswerBlock {
    let api::ThinkingBlock { r#type, thinking, signature, data, tool_calls_before: _ } = block;
    if r#type == "redacted_thinking" {
        AnswerBlock::RedactedThinking { data: data.unwrap_or_default() }
    } else {
        AnswerBlock::Thinking {
            thinking: thinking.unwrap_or_default(),
            signature: signature.unwrap_or_default(),
        }
    }
}
