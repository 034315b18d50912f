//! InvokeModel (`POST /model/{modelId}/invoke`) for Bedrock's embedding models: each family's own
//! request and response bodies, checked the way Bedrock checks them (a JSON schema per model, whose
//! errors read `Malformed input request: #/dimensions: 300 is not a valid enum value, please
//! reformat your input and try again.`).
//!
//! | model | request | response |
//! |---|---|---|
//! | Titan Text Embeddings V2 `amazon.titan-embed-text-v2:0` | `inputText` (1 to 50,000 characters), `dimensions` (1024, 512, 256; 1024), `normalize` (true), `embeddingTypes` (`float`, `binary`; `["float"]`) | `embedding` (floats, always), `inputTextTokenCount`, `embeddingsByType` (always; the types asked for) |
//! | Titan Embeddings G1 - Text `amazon.titan-embed-text-v1` | `inputText` only | `embedding` (1536 floats), `inputTextTokenCount` |
//! | Cohere Embed v3 `cohere.embed-english-v3`, `cohere.embed-multilingual-v3` | `input_type` (required), `texts` (at most 96, of at most 2048 characters) or `images` (one PNG or JPEG data URI of at most 5 MB), `truncate` (`NONE`, `START`, `END`), `embedding_types` | `id`, `embeddings` (1024 per input: a list of float vectors, or by type when `embedding_types` is sent), `response_type` (`embeddings_floats` or `embeddings_by_type`), `texts` |
//! | Cohere Embed v4 `cohere.embed-v4:0` | `input_type` (required), one of `texts`, `images` (PNG, JPEG, WebP, GIF data URIs) or `inputs` (`content` parts: `{type: text, text}`, `{type: image_url, image_url}`), at most 96; `output_dimension` (256, 512, 1024, 1536; 1536), `max_tokens` (1 to 128,000), `truncate` (`NONE`, `LEFT`, `RIGHT`), `embedding_types` (`["float"]`) | `id`, `embeddings` by type, `response_type` `embeddings_by_type`, `texts` |
//! | Nova Multimodal Embeddings `amazon.nova-2-multimodal-embeddings-v1:0` | `schemaVersion`, `taskType` `SINGLE_EMBEDDING`, `singleEmbeddingParams`: `embeddingPurpose` (required), `embeddingDimension` (3072, 1024, 384, 256; 3072), one of `text` (`truncationMode`, `value`) or `image` (`format`, `source.bytes`) | `embeddings`: `[{embeddingType: TEXT or IMAGE, embedding}]` |
//!
//! Cohere's bodies carry no token count: the `X-Amzn-Bedrock-Input-Token-Count` header does, for
//! every family. Any other model (a chat model, whose native body the emulator does not serve: it
//! answers chat through Converse) gets the ValidationException of a body its schema refuses, naming
//! the keys that model requires.
//!
//! **Vectors** are deterministic: a SHA-256 of the base model id, the purpose (`input_type`,
//! `embeddingPurpose`), the dimension and the input (its text, or its image's bytes), expanded in
//! counter mode into floats in [-1, 1]. So two calls with the same input agree, and another text,
//! purpose or dimension gives another vector. Cohere's and Nova's vectors, and Titan V2's under
//! `normalize`, are scaled to unit length; Titan G1's are not. The other types derive from the
//! float vector: Titan's `binary` is one 0 or 1 per dimension (1 when the float is positive);
//! Cohere's `int8` scales the vector by 127 over its largest magnitude and rounds, `uint8` is
//! `int8` + 128, `ubinary` packs 8 dimensions per byte (the first in the high bit, 1 when positive)
//! and `binary` is `ubinary` - 128, so both have dimension / 8 values.
//!
//! **Tokens** (`tokens`): a text counts its whitespace-separated words, at least 1 when it is not
//! empty; an image counts 1. The same rule gives Titan's `inputTextTokenCount`, every family's
//! input-token header and CountTokens' count.
//!
//! Directives (`[[emulator:throttle]]`, ...) in the input texts work as in a Converse prompt (their
//! faults, as scoped, and `delay`); the vector and the tokens are those of the text without them.

use super::answer::Fault;
use super::directives::{self, Directives};
use super::schema::{
    Problems, array, boolean, malformed, max_length, mismatch, object_at, one_of, one_of_numbers, string,
    types_list,
};
use base64::Engine as _;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

/// Titan Embeddings G1 - Text.
pub const TITAN_V1: &str = "amazon.titan-embed-text-v1";
/// Titan Text Embeddings V2.
pub const TITAN_V2: &str = "amazon.titan-embed-text-v2:0";
/// Cohere Embed English v3.
pub const COHERE_ENGLISH_V3: &str = "cohere.embed-english-v3";
/// Cohere Embed Multilingual v3.
pub const COHERE_MULTILINGUAL_V3: &str = "cohere.embed-multilingual-v3";
/// Cohere Embed v4.
pub const COHERE_V4: &str = "cohere.embed-v4:0";
/// Amazon Nova Multimodal Embeddings.
pub const NOVA: &str = "amazon.nova-2-multimodal-embeddings-v1:0";

/// The longest `inputText` Titan V2 takes, in characters.
const TITAN_MAX_CHARS: usize = 50_000;
/// The most texts (or images, or mixed inputs) one Cohere call embeds.
const COHERE_MAX_INPUTS: usize = 96;
/// The longest text Cohere Embed v3 takes, in characters.
const COHERE_V3_MAX_CHARS: usize = 2048;
/// The largest image (decoded) the Cohere models take.
const MAX_IMAGE_BYTES: usize = 5 * 1024 * 1024;
/// The largest `max_tokens` Cohere Embed v4 takes.
const COHERE_V4_MAX_TOKENS: i64 = 128_000;

const COHERE_V3_INPUT_TYPES: &[&str] =
    &["search_document", "search_query", "classification", "clustering", "image"];
const COHERE_V4_INPUT_TYPES: &[&str] = &["search_document", "search_query", "classification", "clustering"];
const COHERE_TYPES: &[&str] = &["float", "int8", "uint8", "binary", "ubinary"];
#[rustfmt::skip]
const COHERE_V4_KEYS: &[&str] = &[
    "input_type", "texts", "images", "inputs", "embedding_types", "output_dimension", "max_tokens",
    "truncate",
];
const COHERE_V3_IMAGES: &[&str] = &["image/png", "image/jpeg"];
const COHERE_V4_IMAGES: &[&str] = &["image/png", "image/jpeg", "image/webp", "image/gif"];
#[rustfmt::skip]
const NOVA_PURPOSES: &[&str] = &[
    "GENERIC_INDEX", "GENERIC_RETRIEVAL", "TEXT_RETRIEVAL", "IMAGE_RETRIEVAL", "VIDEO_RETRIEVAL",
    "DOCUMENT_RETRIEVAL", "AUDIO_RETRIEVAL", "CLASSIFICATION", "CLUSTERING",
];
/// What the emulator says of inputs it cannot read (it has no S3).
const NO_S3: &str = "the emulator reads no S3 objects: send the content inline";

/// The keys a chat model's native InvokeModel body requires, by model id prefix (the first match).
const CHAT_BODIES: &[(&str, &[&str])] = &[
    ("anthropic.", &["anthropic_version", "max_tokens", "messages"]),
    ("amazon.nova-", &["messages"]),
    ("amazon.titan-text", &["inputText"]),
    ("ai21.", &["messages"]),
    ("openai.", &["messages"]),
    ("cohere.command-r", &["message"]),
    ("cohere.command", &["prompt"]),
    ("meta.", &["prompt"]),
    ("mistral.", &["prompt"]),
    ("deepseek.", &["prompt"]),
];

/// Where the emulator's directives start in a text.
const DIRECTIVE: &str = "[[emulator:";

/// What an embedding call answers.
#[derive(Debug, Clone)]
pub struct Embedded {
    /// The response body.
    pub body: Value,
    /// The input tokens (`X-Amzn-Bedrock-Input-Token-Count`).
    pub input_tokens: u32,
    /// The directives found in the input texts.
    pub directives: Directives,
}

/// The embedding families, by their request bodies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    TitanV1,
    TitanV2,
    CohereV3,
    CohereV4,
    Nova,
}

impl Family {
    /// The family of a base model id; None for a model that does not embed.
    fn of(model: &str) -> Option<Family> {
        match model {
            TITAN_V1 => Some(Family::TitanV1),
            TITAN_V2 => Some(Family::TitanV2),
            COHERE_ENGLISH_V3 | COHERE_MULTILINGUAL_V3 => Some(Family::CohereV3),
            COHERE_V4 => Some(Family::CohereV4),
            NOVA => Some(Family::Nova),
            _ => None,
        }
    }

    /// The family a body is written for: an application inference profile hides its model, so the
    /// body is all there is to go by.
    fn guess(body: &Value) -> Option<Family> {
        let has = |key: &str| body.get(key).is_some();
        if has("inputText") {
            Some(Family::TitanV2)
        } else if has("taskType") || has("singleEmbeddingParams") {
            Some(Family::Nova)
        } else if has("inputs") || has("output_dimension") || has("max_tokens") {
            Some(Family::CohereV4)
        } else if has("texts") || has("images") {
            Some(Family::CohereV3)
        } else {
            None
        }
    }
}

/// Checks an InvokeModel body sent to `model_id` (a model id, profile id or ARN that Bedrock's
/// model checks let through) and computes the embeddings.
pub fn embed(model_id: &str, body: &Value) -> Result<Embedded, Fault> {
    let resolved = super::world::resolve_model(model_id);
    let model = resolved.map_or(model_id, |(_, base)| base);
    let family = if resolved.is_some() { Family::of(model) } else { Family::guess(body) };
    match family {
        Some(Family::TitanV1) => titan(model, body, false),
        Some(Family::TitanV2) => titan(model, body, true),
        Some(Family::CohereV3) => cohere_v3(model, body),
        Some(Family::CohereV4) => cohere_v4(model, body),
        Some(Family::Nova) => nova(model, body),
        None => Err(not_served(model, body)),
    }
}

/// The emulator's token count of a text: its whitespace-separated words, at least 1 when the text
/// is not empty.
pub fn tokens(text: &str) -> u32 {
    if text.is_empty() { 0 } else { (text.split_whitespace().count() as u32).max(1) }
}

fn invalid(message: impl Into<String>) -> Fault {
    (400, "ValidationException", message.into())
}

/// The strings of a `texts` list: at most 96, each at most `max_chars` characters when limited.
fn text_list<'a>(value: &'a Value, path: &str, max_chars: Option<usize>, p: &mut Problems) -> Vec<&'a str> {
    let Some(items) = array(value, path, COHERE_MAX_INPUTS, p) else { return Vec::new() };
    let mut texts = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let item_path = format!("{path}/{index}");
        if let Some(text) = string(item, &item_path, p) {
            if let Some(max) = max_chars {
                max_length(text, &item_path, max, p);
            }
            texts.push(text);
        }
    }
    texts
}

/// The bytes of an image sent as a data URI (`data:image/png;base64,...`) of one of `mimes`.
fn data_uri(value: &Value, path: &str, mimes: &[&str], p: &mut Problems) -> Option<Vec<u8>> {
    let uri = string(value, path, p)?;
    let bytes = uri
        .strip_prefix("data:")
        .and_then(|rest| rest.split_once(";base64,"))
        .filter(|(mime, _)| mimes.contains(mime))
        .and_then(|(_, data)| base64::engine::general_purpose::STANDARD.decode(data).ok())
        .filter(|bytes| !bytes.is_empty());
    match bytes {
        Some(bytes) if bytes.len() > MAX_IMAGE_BYTES => {
            let size = bytes.len();
            p.add(path, format!("the image has {size} bytes, more than the {MAX_IMAGE_BYTES} allowed"));
            None
        }
        Some(bytes) => Some(bytes),
        None => {
            p.add(path, format!("expected a base64 data URI of an image ({})", mimes.join(", ")));
            None
        }
    }
}

/// The images of an `images` list, at most `max`.
fn image_list(value: &Value, path: &str, max: usize, mimes: &[&str], p: &mut Problems) -> Vec<Vec<u8>> {
    let Some(items) = array(value, path, max, p) else { return Vec::new() };
    let mut images = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        if let Some(bytes) = data_uri(item, &format!("{path}/{index}"), mimes, p) {
            images.push(bytes);
        }
    }
    images
}

/// The directives in the input texts, read as one prompt.
fn directives_in(texts: &[&str]) -> Result<Directives, Fault> {
    directives::parse(&texts.join(" ")).map(|(found, _)| found).map_err(invalid)
}

/// A text without its directives; a text without any is kept as it is (its vector is its own).
fn without_directives(text: &str) -> Result<String, Fault> {
    if text.contains(DIRECTIVE) {
        directives::parse(text).map(|(_, clean)| clean).map_err(invalid)
    } else {
        Ok(text.to_owned())
    }
}

/// The deterministic vector of an input (its parts: texts as UTF-8, images as their bytes):
/// SHA-256 of the model, purpose, dimension and parts, each length-prefixed, expanded in counter
/// mode, every 4 bytes a float in [-1, 1].
fn vector(model: &str, purpose: &str, dimension: usize, parts: &[Vec<u8>]) -> Vec<f32> {
    let mut seed = Sha256::new();
    let dimension_bytes = (dimension as u64).to_le_bytes();
    for part in [model.as_bytes(), purpose.as_bytes(), &dimension_bytes[..]] {
        seed.update((part.len() as u64).to_le_bytes());
        seed.update(part);
    }
    for part in parts {
        seed.update((part.len() as u64).to_le_bytes());
        seed.update(part);
    }
    let seed: [u8; 32] = seed.finalize().into();
    let mut values = Vec::with_capacity(dimension);
    let mut block: u32 = 0;
    while values.len() < dimension {
        let digest = Sha256::new().chain_update(seed).chain_update(block.to_le_bytes()).finalize();
        for chunk in digest.chunks_exact(4) {
            if values.len() == dimension {
                break;
            }
            let n = u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
            values.push((f64::from(n) / f64::from(u32::MAX) * 2.0 - 1.0) as f32);
        }
        block = block.wrapping_add(1);
    }
    values
}

/// Scales a vector to unit length.
fn normalize(values: &mut [f32]) {
    let norm = values.iter().map(|x| f64::from(*x) * f64::from(*x)).sum::<f64>().sqrt();
    if norm > 0.0 {
        for x in values.iter_mut() {
            *x = (f64::from(*x) / norm) as f32;
        }
    }
}

/// Titan's binary embedding: 1 for each positive dimension, 0 otherwise.
fn bits(values: &[f32]) -> Vec<u8> {
    values.iter().map(|x| u8::from(*x > 0.0)).collect()
}

/// Cohere's int8: the vector scaled by 127 over its largest magnitude, rounded.
fn int8(values: &[f32]) -> Vec<i32> {
    let largest = values.iter().fold(0.0_f32, |m, x| m.max(x.abs()));
    values
        .iter()
        .map(|x| if largest > 0.0 { (x / largest * 127.0).round().clamp(-128.0, 127.0) as i32 } else { 0 })
        .collect()
}

/// Cohere's uint8: int8 + 128.
fn uint8(values: &[f32]) -> Vec<i32> {
    int8(values).into_iter().map(|x| x + 128).collect()
}

/// Cohere's ubinary: 8 dimensions per byte, the first in the high bit, 1 when positive.
fn ubinary(values: &[f32]) -> Vec<i32> {
    values
        .chunks(8)
        .map(|chunk| {
            let mut byte = 0;
            for (bit, x) in chunk.iter().enumerate() {
                if *x > 0.0 {
                    byte |= 0x80 >> bit;
                }
            }
            byte
        })
        .collect()
}

/// Cohere's binary: ubinary - 128.
fn binary(values: &[f32]) -> Vec<i32> {
    ubinary(values).into_iter().map(|x| x - 128).collect()
}

/// Unit vectors of each input.
fn unit_vectors(model: &str, purpose: &str, dimension: usize, inputs: &[Vec<Vec<u8>>]) -> Vec<Vec<f32>> {
    inputs
        .iter()
        .map(|parts| {
            let mut values = vector(model, purpose, dimension, parts);
            normalize(&mut values);
            values
        })
        .collect()
}

/// Cohere's `embeddings` by type: each type asked for, one vector per input.
fn cohere_by_type(floats: &[Vec<f32>], types: &[&str]) -> Value {
    let mut by_type = Map::new();
    for kind in types {
        let vectors: Vec<Value> = floats
            .iter()
            .map(|values| match *kind {
                "int8" => Value::from(int8(values)),
                "uint8" => Value::from(uint8(values)),
                "binary" => Value::from(binary(values)),
                "ubinary" => Value::from(ubinary(values)),
                _ => Value::from(values.clone()),
            })
            .collect();
        by_type.insert((*kind).to_owned(), Value::Array(vectors));
    }
    Value::Object(by_type)
}

/// A Cohere response body.
fn cohere_body(embeddings: Value, response_type: &str, texts: &[String]) -> Value {
    json!({
        "id": uuid::Uuid::new_v4().to_string(),
        "embeddings": embeddings,
        "response_type": response_type,
        "texts": texts,
    })
}

/// Titan Text Embeddings V2 (`v2`) or Titan Embeddings G1 - Text.
fn titan(model: &str, body: &Value, v2: bool) -> Result<Embedded, Fault> {
    let mut p = Problems::default();
    let allowed: &[&str] =
        if v2 { &["inputText", "dimensions", "normalize", "embeddingTypes"] } else { &["inputText"] };
    let Some(fields) = object_at(body, "#", allowed, &["inputText"], &mut p) else { return Err(p.fault()) };
    let text = match fields.get("inputText") {
        Some(value) => string(value, "#/inputText", &mut p).unwrap_or_default(),
        None => "",
    };
    if fields.get("inputText").is_some_and(Value::is_string) {
        if text.is_empty() {
            p.add("#/inputText", "expected minLength: 1, actual: 0");
        }
        if v2 {
            max_length(text, "#/inputText", TITAN_MAX_CHARS, &mut p);
        }
    }
    // G1 takes inputText alone: its other keys are already reported as extraneous.
    let options = v2.then_some(fields);
    let dimension = match options.and_then(|o| o.get("dimensions")) {
        Some(value) => one_of_numbers(value, "#/dimensions", &[1024, 512, 256], &mut p).unwrap_or(1024),
        None if v2 => 1024,
        None => 1536,
    };
    let normalized = match options.and_then(|o| o.get("normalize")) {
        Some(value) => boolean(value, "#/normalize", &mut p).unwrap_or(true),
        None => v2,
    };
    let types = match options.and_then(|o| o.get("embeddingTypes")) {
        Some(value) => types_list(value, "#/embeddingTypes", &["float", "binary"], &mut p),
        None => vec!["float"],
    };
    p.check()?;

    let found = directives_in(&[text])?;
    let clean = without_directives(text)?;
    let input_tokens = tokens(&clean);
    let mut embedding = vector(model, "", dimension, &[clean.into_bytes()]);
    if normalized {
        normalize(&mut embedding);
    }
    let mut body = json!({ "embedding": embedding, "inputTextTokenCount": input_tokens });
    if v2 {
        let mut by_type = Map::new();
        for kind in types {
            let values =
                if kind == "binary" { Value::from(bits(&embedding)) } else { Value::from(embedding.clone()) };
            by_type.insert(kind.to_owned(), values);
        }
        body["embeddingsByType"] = Value::Object(by_type);
    }
    Ok(Embedded { body, input_tokens, directives: found })
}

/// Cohere Embed v3 (English and Multilingual).
fn cohere_v3(model: &str, body: &Value) -> Result<Embedded, Fault> {
    let mut p = Problems::default();
    let allowed = ["texts", "images", "input_type", "truncate", "embedding_types"];
    let Some(fields) = object_at(body, "#", &allowed, &["input_type"], &mut p) else { return Err(p.fault()) };
    let input_type = fields
        .get("input_type")
        .and_then(|value| one_of(value, "#/input_type", COHERE_V3_INPUT_TYPES, &mut p))
        .unwrap_or_default();
    // Texts or images, never both (Bedrock's schema: one branch each, the other key forbidden).
    match (fields.get("texts"), fields.get("images")) {
        (Some(_), Some(_)) => {
            p.add("#/images", "false schema always fails");
            p.add("#/texts", "false schema always fails");
        }
        (None, None) => {
            p.add("#", "required key [texts] not found");
            p.add("#", "required key [images] not found");
        }
        _ => {}
    }
    let texts = match fields.get("texts") {
        Some(value) => text_list(value, "#/texts", Some(COHERE_V3_MAX_CHARS), &mut p),
        None => Vec::new(),
    };
    let images = match fields.get("images") {
        Some(value) => image_list(value, "#/images", 1, COHERE_V3_IMAGES, &mut p),
        None => Vec::new(),
    };
    if let Some(value) = fields.get("truncate") {
        one_of(value, "#/truncate", &["NONE", "START", "END"], &mut p);
    }
    let types = fields
        .get("embedding_types")
        .map(|value| types_list(value, "#/embedding_types", COHERE_TYPES, &mut p));
    p.check()?;

    let found = directives_in(&texts)?;
    let clean = texts.iter().map(|text| without_directives(text)).collect::<Result<Vec<_>, _>>()?;
    let input_tokens = clean.iter().map(|text| tokens(text)).sum::<u32>() + images.len() as u32;
    let inputs: Vec<Vec<Vec<u8>>> = if images.is_empty() {
        clean.iter().map(|text| vec![text.clone().into_bytes()]).collect()
    } else {
        images.into_iter().map(|bytes| vec![bytes]).collect()
    };
    let floats = unit_vectors(model, input_type, 1024, &inputs);
    let body = match types {
        None => cohere_body(Value::from(floats), "embeddings_floats", &clean),
        Some(types) => cohere_body(cohere_by_type(&floats, &types), "embeddings_by_type", &clean),
    };
    Ok(Embedded { body, input_tokens, directives: found })
}

/// One part of a Cohere v4 input: a text, or an image's bytes.
enum Part<'a> {
    Text(&'a str),
    Image(Vec<u8>),
}

/// Cohere v4's `inputs`: each a `content` list of text and image parts.
fn mixed_inputs<'a>(value: &'a Value, path: &str, p: &mut Problems) -> Vec<Vec<Part<'a>>> {
    let Some(items) = array(value, path, COHERE_MAX_INPUTS, p) else { return Vec::new() };
    let mut inputs = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let item_path = format!("{path}/{index}");
        let Some(input) = object_at(item, &item_path, &["content"], &["content"], p) else { continue };
        let content_path = format!("{item_path}/content");
        let Some(content) = input.get("content").and_then(|c| array(c, &content_path, usize::MAX, p)) else {
            continue;
        };
        if content.is_empty() {
            p.add(&content_path, "expected minimum item count: 1, found: 0");
        }
        let mut parts = Vec::with_capacity(content.len());
        for (number, part) in content.iter().enumerate() {
            let part_path = format!("{content_path}/{number}");
            let allowed = ["type", "text", "image_url"];
            let Some(fields) = object_at(part, &part_path, &allowed, &["type"], p) else { continue };
            let type_path = format!("{part_path}/type");
            let kind = fields.get("type").and_then(|t| one_of(t, &type_path, &["text", "image_url"], p));
            match (kind, fields.get("text"), fields.get("image_url")) {
                (Some("text"), Some(text), _) => {
                    if let Some(text) = string(text, &format!("{part_path}/text"), p) {
                        parts.push(Part::Text(text));
                    }
                }
                (Some("text"), None, _) => p.add(&part_path, "required key [text] not found"),
                (Some(_), _, Some(url)) => {
                    // The data URI itself, or `{"url": ...}`: AWS's guide shows both.
                    let url = url.get("url").unwrap_or(url);
                    let url_path = format!("{part_path}/image_url");
                    if let Some(bytes) = data_uri(url, &url_path, COHERE_V4_IMAGES, p) {
                        parts.push(Part::Image(bytes));
                    }
                }
                (Some(_), _, None) => p.add(&part_path, "required key [image_url] not found"),
                (None, ..) => {}
            }
        }
        inputs.push(parts);
    }
    inputs
}

/// Cohere Embed v4.
fn cohere_v4(model: &str, body: &Value) -> Result<Embedded, Fault> {
    let mut p = Problems::default();
    let Some(fields) = object_at(body, "#", COHERE_V4_KEYS, &["input_type"], &mut p) else {
        return Err(p.fault());
    };
    let input_type = fields
        .get("input_type")
        .and_then(|value| one_of(value, "#/input_type", COHERE_V4_INPUT_TYPES, &mut p))
        .unwrap_or_default();
    let sent: Vec<&str> =
        ["texts", "images", "inputs"].into_iter().filter(|key| fields.contains_key(*key)).collect();
    match sent.as_slice() {
        [] => {
            for key in ["texts", "images", "inputs"] {
                p.add("#", format!("required key [{key}] not found"));
            }
        }
        [_] => {}
        [_, others @ ..] => {
            for key in others {
                p.add(&format!("#/{key}"), "false schema always fails");
            }
        }
    }
    let texts = match fields.get("texts") {
        Some(value) => text_list(value, "#/texts", None, &mut p),
        None => Vec::new(),
    };
    let images = match fields.get("images") {
        Some(value) => image_list(value, "#/images", COHERE_MAX_INPUTS, COHERE_V4_IMAGES, &mut p),
        None => Vec::new(),
    };
    let mixed = match fields.get("inputs") {
        Some(value) => mixed_inputs(value, "#/inputs", &mut p),
        None => Vec::new(),
    };
    let dimension = match fields.get("output_dimension") {
        Some(value) => {
            one_of_numbers(value, "#/output_dimension", &[256, 512, 1024, 1536], &mut p).unwrap_or(1536)
        }
        None => 1536,
    };
    if let Some(value) = fields.get("max_tokens") {
        match value.as_i64() {
            Some(n) if n < 1 => p.add("#/max_tokens", format!("{n} is not greater or equal to 1")),
            Some(n) if n > COHERE_V4_MAX_TOKENS => {
                p.add("#/max_tokens", format!("{n} is not less or equal to {COHERE_V4_MAX_TOKENS}"))
            }
            Some(_) => {}
            None => mismatch(&mut p, "#/max_tokens", "Integer", value),
        }
    }
    if let Some(value) = fields.get("truncate") {
        one_of(value, "#/truncate", &["NONE", "LEFT", "RIGHT"], &mut p);
    }
    let types = match fields.get("embedding_types") {
        Some(value) => types_list(value, "#/embedding_types", COHERE_TYPES, &mut p),
        None => vec!["float"],
    };
    p.check()?;

    let mut prompt: Vec<&str> = texts.clone();
    for parts in &mixed {
        prompt.extend(parts.iter().filter_map(|part| match part {
            Part::Text(text) => Some(*text),
            Part::Image(_) => None,
        }));
    }
    let found = directives_in(&prompt)?;
    let clean = texts.iter().map(|text| without_directives(text)).collect::<Result<Vec<_>, _>>()?;
    let mut input_tokens = clean.iter().map(|text| tokens(text)).sum::<u32>() + images.len() as u32;
    let mut inputs: Vec<Vec<Vec<u8>>> = clean.iter().map(|text| vec![text.clone().into_bytes()]).collect();
    inputs.extend(images.into_iter().map(|bytes| vec![bytes]));
    for parts in mixed {
        let mut input = Vec::with_capacity(parts.len());
        for part in parts {
            match part {
                Part::Text(text) => {
                    let text = without_directives(text)?;
                    input_tokens += tokens(&text);
                    input.push(text.into_bytes());
                }
                Part::Image(bytes) => {
                    input_tokens += 1;
                    input.push(bytes);
                }
            }
        }
        inputs.push(input);
    }
    let floats = unit_vectors(model, input_type, dimension, &inputs);
    let body = cohere_body(cohere_by_type(&floats, &types), "embeddings_by_type", &clean);
    Ok(Embedded { body, input_tokens, directives: found })
}

/// Nova's `text`: its value (an S3 source is refused: the emulator has no S3).
fn nova_text<'a>(value: &'a Value, path: &str, p: &mut Problems) -> Option<&'a str> {
    let fields = object_at(value, path, &["truncationMode", "value", "source"], &["truncationMode"], p)?;
    if let Some(mode) = fields.get("truncationMode") {
        one_of(mode, &format!("{path}/truncationMode"), &["START", "END", "NONE"], p);
    }
    match (fields.get("value"), fields.get("source")) {
        (Some(text), None) => {
            let value_path = format!("{path}/value");
            let text = string(text, &value_path, p)?;
            if text.is_empty() {
                p.add(&value_path, "expected minLength: 1, actual: 0");
            }
            Some(text)
        }
        (None, Some(_)) => {
            p.add(&format!("{path}/source"), NO_S3);
            None
        }
        (Some(_), Some(_)) => {
            p.add(&format!("{path}/source"), "false schema always fails");
            None
        }
        (None, None) => {
            p.add(path, "required key [value] not found");
            None
        }
    }
}

/// Nova's `image`: its bytes.
fn nova_image(value: &Value, path: &str, p: &mut Problems) -> Option<Vec<u8>> {
    let fields = object_at(value, path, &["format", "source", "detailLevel"], &["format", "source"], p)?;
    if let Some(format) = fields.get("format") {
        one_of(format, &format!("{path}/format"), &["png", "jpeg", "gif", "webp"], p);
    }
    if let Some(detail) = fields.get("detailLevel") {
        one_of(detail, &format!("{path}/detailLevel"), &["STANDARD_IMAGE", "DOCUMENT_IMAGE"], p);
    }
    let source_path = format!("{path}/source");
    let source = object_at(fields.get("source")?, &source_path, &["bytes", "s3Location"], &[], p)?;
    match (source.get("bytes"), source.get("s3Location")) {
        (Some(bytes), _) => {
            let bytes_path = format!("{source_path}/bytes");
            let encoded = string(bytes, &bytes_path, p)?;
            match base64::engine::general_purpose::STANDARD.decode(encoded) {
                Ok(decoded) if !decoded.is_empty() => Some(decoded),
                _ => {
                    p.add(&bytes_path, "expected the image's bytes, base64-encoded");
                    None
                }
            }
        }
        (None, Some(_)) => {
            p.add(&format!("{source_path}/s3Location"), NO_S3);
            None
        }
        (None, None) => {
            p.add(&source_path, "required key [bytes] not found");
            None
        }
    }
}

/// Amazon Nova Multimodal Embeddings, synchronous (`SINGLE_EMBEDDING`): a text or an image.
fn nova(model: &str, body: &Value) -> Result<Embedded, Fault> {
    let mut p = Problems::default();
    let allowed = ["schemaVersion", "taskType", "singleEmbeddingParams"];
    let required = ["taskType", "singleEmbeddingParams"];
    let Some(fields) = object_at(body, "#", &allowed, &required, &mut p) else { return Err(p.fault()) };
    if let Some(value) = fields.get("schemaVersion") {
        one_of(value, "#/schemaVersion", &["nova-multimodal-embed-v1"], &mut p);
    }
    if let Some(value) = fields.get("taskType") {
        // SEGMENTED_EMBEDDING is for StartAsyncInvoke only.
        one_of(value, "#/taskType", &["SINGLE_EMBEDDING"], &mut p);
    }
    let path = "#/singleEmbeddingParams";
    let media = ["text", "image", "audio", "video"];
    let allowed = ["embeddingPurpose", "embeddingDimension", "text", "image", "audio", "video"];
    let params = fields
        .get("singleEmbeddingParams")
        .and_then(|value| object_at(value, path, &allowed, &["embeddingPurpose"], &mut p));
    let Some(params) = params else { return Err(p.fault()) };
    let purpose = params
        .get("embeddingPurpose")
        .and_then(|value| one_of(value, &format!("{path}/embeddingPurpose"), NOVA_PURPOSES, &mut p))
        .unwrap_or_default();
    let dimension = match params.get("embeddingDimension") {
        Some(value) => {
            one_of_numbers(value, &format!("{path}/embeddingDimension"), &[3072, 1024, 384, 256], &mut p)
                .unwrap_or(3072)
        }
        None => 3072,
    };
    let sent: Vec<&str> = media.into_iter().filter(|key| params.contains_key(*key)).collect();
    match sent.as_slice() {
        [] => {
            for key in media {
                p.add(path, format!("required key [{key}] not found"));
            }
        }
        [_] => {}
        [_, others @ ..] => {
            for key in others {
                p.add(&format!("{path}/{key}"), "false schema always fails");
            }
        }
    }
    for key in ["audio", "video"] {
        if params.contains_key(key) {
            p.add(&format!("{path}/{key}"), "the emulator embeds texts and images only");
        }
    }
    let text = params.get("text").and_then(|value| nova_text(value, &format!("{path}/text"), &mut p));
    let image = params.get("image").and_then(|value| nova_image(value, &format!("{path}/image"), &mut p));
    p.check()?;

    let (kind, part, input_tokens, found) = match (text, image) {
        (Some(text), _) => {
            let clean = without_directives(text)?;
            let input_tokens = tokens(&clean);
            ("TEXT", clean.into_bytes(), input_tokens, directives_in(&[text])?)
        }
        (None, Some(bytes)) => ("IMAGE", bytes, 1, Directives::default()),
        (None, None) => return Err(malformed(&format!("{path}: required key [text] not found"))),
    };
    let mut embedding = vector(model, purpose, dimension, &[part]);
    normalize(&mut embedding);
    let body = json!({ "embeddings": [{ "embeddingType": kind, "embedding": embedding }] });
    Ok(Embedded { body, input_tokens, directives: found })
}

/// Bedrock's answer to a body that is not an embedding model's: the keys the model's own schema
/// requires and the body lacks; for a body that has them, the emulator says it does not serve it.
fn not_served(model: &str, body: &Value) -> Fault {
    let mut p = Problems::default();
    let required: &[&str] = match CHAT_BODIES.iter().find(|(prefix, _)| model.starts_with(*prefix)) {
        Some((_, keys)) => keys,
        None => &[],
    };
    match body.as_object() {
        None => mismatch(&mut p, "#", "JSONObject", body),
        Some(fields) => {
            for key in required {
                if !fields.contains_key(*key) {
                    p.add("#", format!("required key [{key}] not found"));
                }
            }
        }
    }
    if p.is_empty() {
        p.add("#", "the emulator serves InvokeModel for embedding models only (chat goes through Converse)");
    }
    p.fault()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn embed_ok(model: &str, body: Value) -> Embedded {
        embed(model, &body).unwrap_or_else(|fault| panic!("{model} {body}: {fault:?}"))
    }

    fn error(model: &str, body: Value) -> String {
        let fault = embed(model, &body).unwrap_err();
        assert_eq!((fault.0, fault.1), (400, "ValidationException"), "{fault:?}");
        fault.2
    }

    /// Asserts that `body` is refused with a message containing `needle`.
    fn refused(model: &str, body: Value, needle: &str) {
        let message = error(model, body);
        assert!(message.contains(needle), "{needle:?} not in {message:?}");
    }

    fn floats(value: &Value) -> Vec<f64> {
        value.as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect()
    }

    fn ints(value: &Value) -> Vec<i64> {
        value.as_array().unwrap().iter().map(|x| x.as_i64().unwrap()).collect()
    }

    fn norm(values: &[f64]) -> f64 {
        values.iter().map(|x| x * x).sum::<f64>().sqrt()
    }

    fn png_uri(bytes: &[u8]) -> String {
        format!("data:image/png;base64,{}", base64::engine::general_purpose::STANDARD.encode(bytes))
    }

    #[test]
    fn tokens_are_words_and_at_least_one_for_any_text() {
        assert_eq!(tokens(""), 0);
        assert_eq!(tokens("   "), 1);
        assert_eq!(tokens("hello"), 1);
        assert_eq!(tokens("hello  big\nworld"), 3);
    }

    #[test]
    fn titan_v2_answers_a_normalized_1024_float_vector_by_default() {
        let embedded = embed_ok(TITAN_V2, json!({"inputText": "the quick brown fox"}));
        let embedding = floats(&embedded.body["embedding"]);
        assert_eq!(embedding.len(), 1024);
        assert!((norm(&embedding) - 1.0).abs() < 1e-4, "unit length");
        assert_eq!(embedded.body["inputTextTokenCount"], 4);
        assert_eq!(embedded.input_tokens, 4);
        let by_type = embedded.body["embeddingsByType"].as_object().unwrap();
        assert_eq!(by_type.keys().collect::<Vec<_>>(), ["float"], "float even when no type is asked for");
        assert_eq!(by_type["float"], embedded.body["embedding"]);
    }

    #[test]
    fn titan_v2_honours_dimensions_normalize_and_binary() {
        let body =
            json!({"inputText": "hi", "dimensions": 256, "normalize": false, "embeddingTypes": ["binary"]});
        let embedded = embed_ok(TITAN_V2, body);
        let embedding = floats(&embedded.body["embedding"]);
        assert_eq!(embedding.len(), 256);
        assert!(embedding.iter().all(|x| (-1.0..=1.0).contains(x)));
        assert!(norm(&embedding) > 2.0, "not scaled to unit length");
        let by_type = embedded.body["embeddingsByType"].as_object().unwrap();
        assert_eq!(by_type.keys().collect::<Vec<_>>(), ["binary"]);
        let binary = ints(&by_type["binary"]);
        assert_eq!(binary.len(), 256, "one digit per dimension");
        for (bit, x) in binary.iter().zip(&embedding) {
            assert_eq!(*bit, i64::from(*x > 0.0));
        }
        let body = json!({"inputText": "hi", "dimensions": 512, "embeddingTypes": ["float", "binary"]});
        let both = embed_ok(TITAN_V2, body);
        assert_eq!(floats(&both.body["embeddingsByType"]["float"]).len(), 512);
        assert_eq!(ints(&both.body["embeddingsByType"]["binary"]).len(), 512);
    }

    #[test]
    fn vectors_are_deterministic_per_model_text_purpose_and_dimension() {
        let titan = |body: Value| embed_ok(TITAN_V2, body).body["embedding"].clone();
        assert_eq!(titan(json!({"inputText": "same"})), titan(json!({"inputText": "same"})));
        assert_ne!(titan(json!({"inputText": "same"})), titan(json!({"inputText": "other"})));
        let short = floats(&titan(json!({"inputText": "same", "dimensions": 256})));
        let long = floats(&titan(json!({"inputText": "same"})));
        assert_ne!(short[..8], long[..8], "the dimension is part of the seed");

        let cohere = |model: &str, input_type: &str| {
            let body = json!({"texts": ["a query"], "input_type": input_type});
            embed_ok(model, body).body["embeddings"][0].clone()
        };
        let query = cohere(COHERE_ENGLISH_V3, "search_query");
        assert_eq!(query, cohere(COHERE_ENGLISH_V3, "search_query"));
        assert_ne!(query, cohere(COHERE_ENGLISH_V3, "search_document"), "the input type seeds the vector");
        assert_ne!(query, cohere(COHERE_MULTILINGUAL_V3, "search_query"), "each model its own vectors");
    }

    #[test]
    fn titan_g1_takes_input_text_alone() {
        let embedded = embed_ok(TITAN_V1, json!({"inputText": "hello world"}));
        assert_eq!(floats(&embedded.body["embedding"]).len(), 1536);
        assert_eq!(embedded.body["inputTextTokenCount"], 2);
        assert!(embedded.body.get("embeddingsByType").is_none());
        assert_eq!(
            error(TITAN_V1, json!({"inputText": "x", "dimensions": 256})),
            "Malformed input request: #: extraneous key [dimensions] is not permitted, please reformat your \
             input and try again."
        );
    }

    #[test]
    fn titan_refuses_what_its_schema_refuses() {
        assert_eq!(
            error(TITAN_V2, json!({"texts": ["x"]})),
            "Malformed input request: #: required key [inputText] not found#: extraneous key [texts] is not \
             permitted, please reformat your input and try again."
        );
        let x = |key: &str, value: Value| json!({"inputText": "x", key: value});
        refused(TITAN_V2, x("dimensions", json!(300)), "#/dimensions: 300 is not a valid enum value");
        refused(TITAN_V2, x("normalize", json!("yes")), "#/normalize: expected type: Boolean, found: String");
        refused(
            TITAN_V2,
            x("embeddingTypes", json!(["int8"])),
            "#/embeddingTypes/0: int8 is not a valid enum value",
        );
        refused(TITAN_V2, x("embeddingTypes", json!([])), "#/embeddingTypes: expected minimum item count: 1");
        refused(TITAN_V2, json!({"inputText": 5}), "#/inputText: expected type: String, found: Integer");
        refused(TITAN_V2, json!({"inputText": ""}), "#/inputText: expected minLength: 1, actual: 0");
        refused(
            TITAN_V2,
            json!({"inputText": "x".repeat(50_001)}),
            "expected maxLength: 50000, actual: 50001",
        );
        refused(TITAN_V2, json!(["x"]), "#: expected type: JSONObject, found: JSONArray");
    }

    #[test]
    fn cohere_v3_embeds_texts_as_unit_floats_and_echoes_them() {
        let texts = json!(["first text", "second one here"]);
        let body = json!({"texts": texts, "input_type": "search_document", "truncate": "END"});
        let embedded = embed_ok(COHERE_ENGLISH_V3, body);
        assert_eq!(embedded.body["response_type"], "embeddings_floats");
        assert_eq!(embedded.body["texts"], texts);
        assert!(embedded.body["id"].as_str().is_some_and(|id| !id.is_empty()));
        let vectors = embedded.body["embeddings"].as_array().unwrap();
        assert_eq!(vectors.len(), 2);
        for vector in vectors {
            let values = floats(vector);
            assert_eq!(values.len(), 1024);
            assert!((norm(&values) - 1.0).abs() < 1e-4);
        }
        assert_eq!(embedded.input_tokens, 2 + 3, "no count in the body: only the header's");
        assert!(embedded.body.get("inputTextTokenCount").is_none());
    }

    #[test]
    fn cohere_types_are_derived_from_the_floats_and_binary_packs_8_per_byte() {
        let body = json!({
            "texts": ["pack me"],
            "input_type": "clustering",
            "embedding_types": ["float", "int8", "uint8", "binary", "ubinary"],
        });
        let embedded = embed_ok(COHERE_MULTILINGUAL_V3, body);
        assert_eq!(embedded.body["response_type"], "embeddings_by_type");
        let by_type = &embedded.body["embeddings"];
        let float = floats(&by_type["float"][0]);
        let (int8, uint8) = (ints(&by_type["int8"][0]), ints(&by_type["uint8"][0]));
        let (binary, ubinary) = (ints(&by_type["binary"][0]), ints(&by_type["ubinary"][0]));
        assert_eq!((float.len(), int8.len(), uint8.len()), (1024, 1024, 1024));
        assert_eq!((binary.len(), ubinary.len()), (128, 128), "8 dimensions per byte");
        assert!(int8.iter().all(|x| (-128..=127).contains(x)) && int8.iter().any(|x| x.abs() == 127));
        assert!(int8.iter().zip(&uint8).all(|(i, u)| *u == i + 128));
        assert!(binary.iter().zip(&ubinary).all(|(b, u)| *b == u - 128));
        let mut first_byte = 0;
        for (bit, x) in float[..8].iter().enumerate() {
            if *x > 0.0 {
                first_byte |= 0x80 >> bit;
            }
        }
        assert_eq!(ubinary[0], first_byte, "the first dimension in the high bit");

        let body = json!({"texts": ["x"], "input_type": "search_query", "embedding_types": ["int8"]});
        let only = embed_ok(COHERE_ENGLISH_V3, body);
        assert_eq!(only.body["embeddings"].as_object().unwrap().keys().collect::<Vec<_>>(), ["int8"]);
    }

    #[test]
    fn cohere_v3_limits_and_required_fields() {
        let many: Vec<String> = (0..97).map(|i| format!("text {i}")).collect();
        let body = json!({"texts": many, "input_type": "search_document"});
        refused(COHERE_ENGLISH_V3, body, "#/texts: expected maximum item count: 96, found: 97");
        let ninety_six: Vec<String> = (0..96).map(|i| format!("text {i}")).collect();
        let full = embed_ok(COHERE_ENGLISH_V3, json!({"texts": ninety_six, "input_type": "search_document"}));
        assert_eq!(full.body["embeddings"].as_array().unwrap().len(), 96);
        let long = json!({"texts": ["x".repeat(2049)], "input_type": "search_document"});
        refused(COHERE_ENGLISH_V3, long, "#/texts/0: expected maxLength: 2048, actual: 2049");
        assert_eq!(
            error(COHERE_ENGLISH_V3, json!({"texts": ["x"]})),
            "Malformed input request: #: required key [input_type] not found, please reformat your input and \
             try again."
        );
        let query = json!({"texts": ["x"], "input_type": "query"});
        refused(COHERE_ENGLISH_V3, query, "#/input_type: query is not a valid enum value");
        let left = json!({"texts": ["x"], "input_type": "clustering", "truncate": "LEFT"});
        refused(COHERE_ENGLISH_V3, left, "#/truncate: LEFT is not a valid enum value");
        refused(COHERE_ENGLISH_V3, json!({"input_type": "clustering"}), "required key [texts] not found");
    }

    #[test]
    fn cohere_v3_texts_and_images_are_exclusive_and_one_image_is_embedded() {
        let image = png_uri(b"\x89PNG not really");
        let both = json!({"texts": ["x"], "images": [image], "input_type": "image"});
        refused(
            COHERE_ENGLISH_V3,
            both,
            "#/images: false schema always fails#/texts: false schema always fails",
        );
        let two = json!({"images": [image, image], "input_type": "image"});
        refused(COHERE_ENGLISH_V3, two, "#/images: expected maximum item count: 1, found: 2");
        let gif = json!({"images": ["data:image/gif;base64,R0lGODlh"], "input_type": "image"});
        refused(COHERE_ENGLISH_V3, gif, "#/images/0: expected a base64 data URI");

        let embedded = embed_ok(COHERE_ENGLISH_V3, json!({"images": [image], "input_type": "image"}));
        assert_eq!(embedded.body["embeddings"].as_array().unwrap().len(), 1);
        assert_eq!(embedded.input_tokens, 1, "an image counts one token");
        let another = json!({"images": [png_uri(b"another")], "input_type": "image"});
        let other = embed_ok(COHERE_ENGLISH_V3, another);
        assert_ne!(embedded.body["embeddings"], other.body["embeddings"], "the bytes seed the vector");
    }

    #[test]
    fn cohere_v4_answers_by_type_with_the_dimension_asked_for() {
        let embedded = embed_ok(COHERE_V4, json!({"texts": ["hello"], "input_type": "search_query"}));
        assert_eq!(embedded.body["response_type"], "embeddings_by_type", "even when no type is asked for");
        let vector = floats(&embedded.body["embeddings"]["float"][0]);
        assert_eq!(vector.len(), 1536);
        assert!((norm(&vector) - 1.0).abs() < 1e-4);

        let body = json!({
            "texts": ["hello"], "input_type": "search_query", "output_dimension": 512,
            "embedding_types": ["float", "ubinary"], "max_tokens": 1000, "truncate": "RIGHT",
        });
        let small = embed_ok(COHERE_V4, body);
        assert_eq!(floats(&small.body["embeddings"]["float"][0]).len(), 512);
        assert_eq!(ints(&small.body["embeddings"]["ubinary"][0]).len(), 64);
        assert!(small.body["embeddings"].get("int8").is_none());
    }

    #[test]
    fn cohere_v4_embeds_mixed_inputs_and_checks_its_fields() {
        let image = png_uri(b"page scan");
        let body = json!({
            "input_type": "search_document",
            "inputs": [
                {"content": [{"type": "text", "text": "page one"}, {"type": "image_url", "image_url": image}]},
                {"content": [{"type": "image_url", "image_url": {"url": image}}]},
            ],
        });
        let embedded = embed_ok(COHERE_V4, body);
        let vectors = embedded.body["embeddings"]["float"].as_array().unwrap();
        assert_eq!(vectors.len(), 2);
        assert_ne!(vectors[0], vectors[1], "text and image together differ from the image alone");
        assert_eq!(embedded.input_tokens, 2 + 1 + 1);

        let with = |key: &str, value: Value| {
            let mut body = json!({"texts": ["x"], "input_type": "search_query"});
            body[key] = value;
            body
        };
        refused(
            COHERE_V4,
            with("output_dimension", json!(100)),
            "#/output_dimension: 100 is not a valid enum value",
        );
        refused(
            COHERE_V4,
            with("input_type", json!("image")),
            "#/input_type: image is not a valid enum value",
        );
        refused(COHERE_V4, with("max_tokens", json!(0)), "#/max_tokens: 0 is not greater or equal to 1");
        refused(COHERE_V4, with("truncate", json!("END")), "#/truncate: END is not a valid enum value");
        refused(COHERE_V4, with("images", json!([image])), "#/images: false schema always fails");
        let many: Vec<String> = (0..97).map(|i| i.to_string()).collect();
        refused(COHERE_V4, with("texts", json!(many)), "expected maximum item count: 96");
        let no_text = json!({"input_type": "clustering", "inputs": [{"content": [{"type": "text"}]}]});
        refused(COHERE_V4, no_text, "#/inputs/0/content/0: required key [text] not found");
    }

    fn nova_body(params: Value) -> Value {
        json!({"taskType": "SINGLE_EMBEDDING", "singleEmbeddingParams": params})
    }

    #[test]
    fn nova_embeds_a_text_or_an_image() {
        let text = json!({"truncationMode": "END", "value": "hello nova"});
        let body = nova_body(json!({"embeddingPurpose": "GENERIC_INDEX", "text": text}));
        let embedded = embed_ok(NOVA, body.clone());
        let items = embedded.body["embeddings"].as_array().unwrap();
        assert_eq!(items.len(), 1);
        assert_eq!(items[0]["embeddingType"], "TEXT");
        let vector = floats(&items[0]["embedding"]);
        assert_eq!(vector.len(), 3072, "the default dimension");
        assert!((norm(&vector) - 1.0).abs() < 1e-4);
        assert_eq!(embedded.input_tokens, 2);

        let mut small = body.clone();
        small["singleEmbeddingParams"]["embeddingDimension"] = json!(256);
        assert_eq!(floats(&embed_ok(NOVA, small).body["embeddings"][0]["embedding"]).len(), 256);
        let mut retrieval = body.clone();
        retrieval["singleEmbeddingParams"]["embeddingPurpose"] = json!("GENERIC_RETRIEVAL");
        assert_ne!(embed_ok(NOVA, retrieval).body, embedded.body, "the purpose seeds the vector");

        let bytes = base64::engine::general_purpose::STANDARD.encode(b"jpeg bytes");
        let image = json!({"format": "jpeg", "source": {"bytes": bytes}});
        let params =
            json!({"embeddingPurpose": "IMAGE_RETRIEVAL", "embeddingDimension": 1024, "image": image});
        let embedded = embed_ok(NOVA, nova_body(params));
        assert_eq!(embedded.body["embeddings"][0]["embeddingType"], "IMAGE");
        assert_eq!(floats(&embedded.body["embeddings"][0]["embedding"]).len(), 1024);
    }

    #[test]
    fn nova_refuses_what_its_schema_refuses() {
        let path = "#/singleEmbeddingParams";
        let text = json!({"truncationMode": "END", "value": "x"});
        let purpose = |mut params: Value| {
            params["embeddingPurpose"] = json!("GENERIC_INDEX");
            nova_body(params)
        };
        let missing = nova_body(json!({"text": text}));
        refused(NOVA, missing, &format!("{path}: required key [embeddingPurpose] not found"));
        let odd = purpose(json!({"embeddingDimension": 512, "text": text}));
        refused(NOVA, odd, &format!("{path}/embeddingDimension: 512 is not a valid enum value"));
        let image = json!({"format": "png", "source": {"bytes": "aGk="}});
        let both = purpose(json!({"text": text, "image": image}));
        refused(NOVA, both, &format!("{path}/image: false schema always fails"));
        let audio = purpose(json!({"audio": {"format": "mp3", "source": {"bytes": "aGk="}}}));
        refused(NOVA, audio, "the emulator embeds texts and images only");
        let mut segmented = purpose(json!({"text": text}));
        segmented["taskType"] = json!("SEGMENTED_EMBEDDING");
        refused(NOVA, segmented, "#/taskType: SEGMENTED_EMBEDDING is not a valid enum value");
        let no_mode = purpose(json!({"text": {"value": "x"}}));
        refused(NOVA, no_mode, &format!("{path}/text: required key [truncationMode] not found"));
        let s3 = json!({"format": "png", "source": {"s3Location": {"uri": "s3://bucket/key"}}});
        refused(NOVA, purpose(json!({"image": s3})), "no S3");
    }

    #[test]
    fn other_models_get_their_schemas_refusal() {
        let haiku = "anthropic.claude-3-haiku-20240307-v1:0";
        assert_eq!(
            error(haiku, json!({"inputText": "hi"})),
            "Malformed input request: #: required key [anthropic_version] not found#: required key \
             [max_tokens] not found#: required key [messages] not found, please reformat your input and try \
             again."
        );
        let native = json!({"anthropic_version": "bedrock-2023-05-31", "max_tokens": 10, "messages": []});
        refused(haiku, native, "chat goes through Converse");
        refused("meta.llama3-8b-instruct-v1:0", json!({"messages": []}), "required key [prompt] not found");
    }

    #[test]
    fn profiles_and_arns_embed_as_their_model() {
        let body = json!({"texts": ["same"], "input_type": "search_query"});
        let bare = embed_ok(COHERE_V4, body.clone()).body["embeddings"].clone();
        assert_eq!(embed_ok(&format!("us.{COHERE_V4}"), body.clone()).body["embeddings"], bare);
        assert_eq!(embed_ok(&format!("global.{COHERE_V4}"), body).body["embeddings"], bare);
        let arn = format!("arn:aws:bedrock:us-east-1::foundation-model/{TITAN_V2}");
        let titan = embed_ok(&arn, json!({"inputText": "x"}));
        assert_eq!(titan.body["embedding"], embed_ok(TITAN_V2, json!({"inputText": "x"})).body["embedding"]);
        // An application profile hides its model: the body says which family it is.
        let application = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3";
        assert_eq!(floats(&embed_ok(application, json!({"inputText": "x"})).body["embedding"]).len(), 1024);
    }

    #[test]
    fn directives_in_the_input_are_read_and_left_out_of_the_vector() {
        let text = "[[emulator:throttle]] [[emulator:times=1]] hello";
        let embedded = embed_ok(TITAN_V2, json!({ "inputText": text }));
        assert_eq!(embedded.directives.fault.as_ref().map(|f| f.1), Some("ThrottlingException"));
        assert_eq!(embedded.directives.scope.times, Some(1));
        assert_eq!(embedded.input_tokens, 1);
        let plain = embed_ok(TITAN_V2, json!({"inputText": "hello"}));
        assert_eq!(embedded.body["embedding"], plain.body["embedding"]);

        let texts = json!(["a", "b [[emulator:delay=5ms]]"]);
        let cohere = embed_ok(COHERE_ENGLISH_V3, json!({"texts": texts, "input_type": "search_query"}));
        assert!(cohere.directives.delay.is_some());
        assert_eq!(cohere.body["texts"], json!(["a", "b"]));
        refused(TITAN_V2, json!({"inputText": "[[emulator:explode]]"}), "explode");
    }
}
