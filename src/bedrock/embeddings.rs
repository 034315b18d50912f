//! Bedrock's embedding models: each family's InvokeModel body and answer, and how a request is cut
//! into calls (Cohere takes up to 96 texts a call; Titan and Nova one input).
//!
//! | family | ids | batch | sizes | images | input type |
//! |---|---|---|---|---|---|
//! | Titan G1 | `amazon.titan-embed-text-v1` | 1 | 1536 | no | not sent |
//! | Titan V2 | `amazon.titan-embed-text-v2:0` | 1 | 256, 512, 1024 | no | not sent |
//! | Cohere v3 | `cohere.embed-english-v3`, `cohere.embed-multilingual-v3` | 96 texts, 1 image | 1024 | yes | `input_type` |
//! | Cohere v4 | `cohere.embed-v4:0` | 96 | 256, 512, 1024, 1536 | yes | `input_type` |
//! | Nova | `amazon.nova-2-multimodal-embeddings-v1:0` | 1 | 256, 384, 1024, 3072 | yes | `embeddingPurpose` |
//!
//! Token counts come from InvokeModel's `X-Amzn-Bedrock-Input-Token-Count` header (Cohere's and
//! Nova's bodies carry none), else from Titan's `inputTextTokenCount`.

use crate::error::{Error, Result};
use serde_json::{Value, json};

/// An embedding model family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// Amazon Titan Text Embeddings G1.
    TitanV1,
    /// Amazon Titan Text Embeddings V2.
    TitanV2,
    /// Cohere Embed v3 (English, Multilingual).
    CohereV3,
    /// Cohere Embed v4.
    CohereV4,
    /// Amazon Nova multimodal embeddings.
    Nova,
}

/// The family of an embedding model id (a profile id or foundation-model ARN too), if it is one.
pub fn family(model_id: &str) -> Option<Family> {
    let id = crate::catalog::features::base_id(model_id);
    let id = id.rsplit_once("foundation-model/").map_or(id, |(_, id)| id);
    [
        ("amazon.titan-embed-text-v1", Family::TitanV1),
        ("amazon.titan-embed-text-v2", Family::TitanV2),
        ("cohere.embed-english-v3", Family::CohereV3),
        ("cohere.embed-multilingual-v3", Family::CohereV3),
        ("cohere.embed-v4", Family::CohereV4),
        ("amazon.nova-2-multimodal-embeddings", Family::Nova),
    ]
    .into_iter()
    .find(|(prefix, _)| id.starts_with(prefix))
    .map(|(_, family)| family)
}

/// One input, as the adapter sends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input<'a> {
    /// A text.
    Text(&'a str),
    /// An image: media type (`image/png`) and base64 bytes.
    Image { media_type: &'a str, base64: &'a str },
}

/// What every call of one request shares.
#[derive(Debug, Clone, Copy)]
pub struct Settings<'a> {
    /// The vector size, when asked for.
    pub dimensions: Option<u32>,
    /// Titan V2's `normalize`, when asked for.
    pub normalize: Option<bool>,
    /// `search_document`, `search_query`, `classification` or `clustering`.
    pub input_type: &'a str,
}

impl Family {
    /// The sizes the family offers (the first is its default).
    pub fn dimensions(self) -> &'static [u32] {
        match self {
            Family::TitanV1 => &[1536],
            Family::TitanV2 => &[1024, 512, 256],
            Family::CohereV3 => &[1024],
            Family::CohereV4 => &[1536, 1024, 512, 256],
            Family::Nova => &[3072, 1024, 384, 256],
        }
    }

    /// Whether it embeds images.
    pub fn takes_images(self) -> bool {
        !matches!(self, Family::TitanV1 | Family::TitanV2)
    }

    /// The longest text it takes, in characters.
    pub fn max_text_chars(self) -> usize {
        match self {
            Family::TitanV1 | Family::TitanV2 | Family::Nova => 50_000,
            Family::CohereV3 | Family::CohereV4 => 2_048,
        }
    }

    /// How many inputs of this kind one call takes.
    fn batch(self, image: bool) -> usize {
        match (self, image) {
            (Family::CohereV3, true) => 1,
            (Family::CohereV3 | Family::CohereV4, _) => 96,
            _ => 1,
        }
    }

    /// The calls a request makes: consecutive inputs of one kind (texts, images), in batches the
    /// family takes. Ranges of input indexes, in order.
    pub fn calls(self, inputs: &[Input<'_>]) -> Vec<std::ops::Range<usize>> {
        let mut calls = Vec::new();
        let mut start = 0;
        for i in 1..=inputs.len() {
            let image = matches!(inputs[start], Input::Image { .. });
            let ends = i == inputs.len()
                || matches!(inputs[i], Input::Image { .. }) != image
                || i - start == self.batch(image);
            if ends {
                calls.push(start..i);
                start = i;
            }
        }
        calls
    }

    /// The InvokeModel body for one call's inputs (all texts or all images).
    pub fn body(self, inputs: &[Input<'_>], settings: Settings<'_>) -> Value {
        let texts: Vec<&str> = inputs
            .iter()
            .filter_map(|input| if let Input::Text(t) = input { Some(*t) } else { None })
            .collect();
        let images: Vec<String> = inputs
            .iter()
            .filter_map(|input| match input {
                Input::Image { media_type, base64 } => Some(format!("data:{media_type};base64,{base64}")),
                Input::Text(_) => None,
            })
            .collect();
        match self {
            Family::TitanV1 => json!({ "inputText": texts.first().copied().unwrap_or_default() }),
            Family::TitanV2 => {
                let mut body = json!({ "inputText": texts.first().copied().unwrap_or_default() });
                if let Some(dimensions) = settings.dimensions {
                    body["dimensions"] = json!(dimensions);
                }
                if let Some(normalize) = settings.normalize {
                    body["normalize"] = json!(normalize);
                }
                body
            }
            Family::CohereV3 if !images.is_empty() => json!({ "images": images, "input_type": "image" }),
            Family::CohereV3 => json!({ "texts": texts, "input_type": settings.input_type }),
            Family::CohereV4 => {
                let mut body = if images.is_empty() {
                    json!({ "texts": texts, "input_type": settings.input_type, "embedding_types": ["float"] })
                } else {
                    json!({ "images": images, "input_type": settings.input_type, "embedding_types": ["float"] })
                };
                if let Some(dimensions) = settings.dimensions {
                    body["output_dimension"] = json!(dimensions);
                }
                body
            }
            Family::Nova => {
                let mut params = json!({
                    "embeddingPurpose": nova_purpose(settings.input_type),
                    "embeddingDimension": settings.dimensions.unwrap_or(3072),
                });
                match inputs.first() {
                    Some(Input::Image { media_type, base64 }) => {
                        let format = media_type.strip_prefix("image/").unwrap_or(media_type);
                        params["image"] = json!({ "format": format, "source": { "bytes": base64 } });
                    }
                    Some(Input::Text(text)) => {
                        params["text"] = json!({ "truncationMode": "END", "value": text })
                    }
                    None => {}
                }
                json!({
                    "schemaVersion": "nova-multimodal-embed-v1",
                    "taskType": "SINGLE_EMBEDDING",
                    "singleEmbeddingParams": params,
                })
            }
        }
    }

    /// The vectors of one call's answer (`expected` of them), and Titan's own token count.
    pub fn vectors(self, answer: &[u8], expected: usize) -> Result<(Vec<Vec<f32>>, Option<u32>)> {
        let answer: Value =
            serde_json::from_slice(answer).map_err(|e| unexpected(format!("not JSON: {e}")))?;
        let (vectors, tokens) = match self {
            Family::TitanV1 | Family::TitanV2 => {
                let tokens = answer["inputTextTokenCount"].as_u64().and_then(|n| u32::try_from(n).ok());
                (vec![floats(&answer["embedding"])?], tokens)
            }
            Family::CohereV3 | Family::CohereV4 => {
                // A plain list without `embedding_types`, by type with it.
                let list = match &answer["embeddings"] {
                    Value::Array(list) => list,
                    by_type => {
                        by_type["float"].as_array().ok_or_else(|| unexpected("no float embeddings"))?
                    }
                };
                (list.iter().map(floats).collect::<Result<_>>()?, None)
            }
            Family::Nova => {
                let list = answer["embeddings"].as_array().ok_or_else(|| unexpected("no embeddings"))?;
                (list.iter().map(|e| floats(&e["embedding"])).collect::<Result<_>>()?, None)
            }
        };
        if vectors.len() != expected {
            return Err(unexpected(format!("{} vectors for {expected} inputs", vectors.len())));
        }
        Ok((vectors, tokens))
    }
}

/// Nova's embedding purpose for an input type.
fn nova_purpose(input_type: &str) -> &'static str {
    match input_type {
        "search_query" => "GENERIC_RETRIEVAL",
        "classification" => "CLASSIFICATION",
        "clustering" => "CLUSTERING",
        _ => "GENERIC_INDEX",
    }
}

fn floats(value: &Value) -> Result<Vec<f32>> {
    let list = value.as_array().ok_or_else(|| unexpected("an embedding is not a list"))?;
    list.iter()
        .map(|n| n.as_f64().map(|f| f as f32).ok_or_else(|| unexpected("an embedding holds a non-number")))
        .collect()
}

fn unexpected(what: impl std::fmt::Display) -> Error {
    Error::new(
        crate::error::ErrorKind::Internal,
        format!("Bedrock's embeddings answer is unexpected: {what}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_are_known_by_id_profile_and_arn() {
        assert_eq!(family("amazon.titan-embed-text-v2:0"), Some(Family::TitanV2));
        assert_eq!(family("us.cohere.embed-v4:0"), Some(Family::CohereV4));
        assert_eq!(
            family("arn:aws:bedrock:us-east-1::foundation-model/cohere.embed-english-v3"),
            Some(Family::CohereV3)
        );
        assert_eq!(family("anthropic.claude-3-haiku-20240307-v1:0"), None);
    }

    #[test]
    fn inputs_are_cut_into_calls_by_kind_and_batch() {
        let texts: Vec<Input<'_>> = (0..200).map(|_| Input::Text("t")).collect();
        assert_eq!(Family::CohereV4.calls(&texts), [0..96, 96..192, 192..200]);
        assert_eq!(Family::TitanV2.calls(&texts[..3]), [0..1, 1..2, 2..3]);
        let image = Input::Image { media_type: "image/png", base64: "AA==" };
        let mixed = [Input::Text("a"), Input::Text("b"), image.clone(), image, Input::Text("c")];
        assert_eq!(Family::CohereV3.calls(&mixed), [0..2, 2..3, 3..4, 4..5], "v3 takes one image a call");
        assert_eq!(Family::CohereV4.calls(&mixed), [0..2, 2..4, 4..5]);
    }

    #[test]
    fn bodies_are_each_familys_own() {
        let settings = Settings { dimensions: Some(256), normalize: Some(false), input_type: "search_query" };
        assert_eq!(
            Family::TitanV2.body(&[Input::Text("hi")], settings),
            json!({"inputText": "hi", "dimensions": 256, "normalize": false})
        );
        assert_eq!(
            Family::CohereV4.body(&[Input::Text("a"), Input::Text("b")], settings),
            json!({"texts": ["a", "b"], "input_type": "search_query", "embedding_types": ["float"], "output_dimension": 256})
        );
        let nova = Family::Nova.body(&[Input::Image { media_type: "image/png", base64: "AA==" }], settings);
        assert_eq!(
            nova["singleEmbeddingParams"]["image"],
            json!({"format": "png", "source": {"bytes": "AA=="}})
        );
        assert_eq!(nova["singleEmbeddingParams"]["embeddingPurpose"], "GENERIC_RETRIEVAL");
    }

    #[test]
    fn answers_are_read_per_family_and_counted() {
        let titan = br#"{"embedding": [0.5, -0.5], "inputTextTokenCount": 3}"#;
        assert_eq!(Family::TitanV2.vectors(titan, 1).unwrap(), (vec![vec![0.5, -0.5]], Some(3)));
        let cohere =
            br#"{"id": "x", "embeddings": {"float": [[1.0], [2.0]]}, "response_type": "embeddings_by_type"}"#;
        assert_eq!(Family::CohereV4.vectors(cohere, 2).unwrap().0, vec![vec![1.0], vec![2.0]]);
        assert!(
            Family::CohereV4.vectors(cohere, 3).is_err(),
            "a missing vector is an error, not a short list"
        );
        let nova = br#"{"embeddings": [{"embeddingType": "TEXT", "embedding": [0.25]}]}"#;
        assert_eq!(Family::Nova.vectors(nova, 1).unwrap().0, vec![vec![0.25]]);
    }
}
