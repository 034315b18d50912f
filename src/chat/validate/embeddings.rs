//! The rules of an embeddings request: its bounds and values, then what the model's family takes
//! (sizes, images, text lengths). Errors name the field (`inputs[3].text`).

use super::{MAX_MODEL_ID_CHARS, MAX_USER_CHARS, bounded, data_url};
use crate::bedrock::embeddings::{Family, Input};
use crate::error::{Error, Result};
use crate::proto::v1::{CreateEmbeddingsRequest, EmbeddingInput, embedding_input};

/// The most inputs one request may hold (OpenAI's bound).
pub const MAX_INPUTS: usize = 2048;
/// The longest text any family takes (Titan, Nova); Cohere's bound is lower.
pub const MAX_TEXT_CHARS: usize = 50_000;
/// The encodings of a vector.
pub const ENCODINGS: &[&str] = &["float", "base64"];
/// What the vectors are for.
pub const INPUT_TYPES: &[&str] = &["search_document", "search_query", "classification", "clustering"];
/// The image formats an embedding model takes.
pub const IMAGE_TYPES: &[&str] = &["image/png", "image/jpeg", "image/gif", "image/webp"];
/// The largest image, decoded (Cohere's bound, the lowest).
pub const MAX_IMAGE_BYTES: usize = 5 * 1024 * 1024;

/// Checks what holds whatever the model.
pub fn request(request: &CreateEmbeddingsRequest) -> Result<()> {
    let CreateEmbeddingsRequest {
        model,
        inputs,
        dimensions,
        normalize: _,
        encoding_format,
        input_type,
        user,
    } = request;
    if model.trim().is_empty() {
        return Err(Error::invalid("model", "is required: an embedding model id, profile id or alias"));
    }
    bounded("model", model, MAX_MODEL_ID_CHARS)?;
    if inputs.is_empty() || inputs.len() > MAX_INPUTS {
        return Err(Error::invalid(
            "inputs",
            format!("must hold 1 to {MAX_INPUTS} inputs, not {}", inputs.len()),
        ));
    }
    for (i, input) in inputs.iter().enumerate() {
        match &input.input {
            None => return Err(Error::invalid(format!("inputs[{i}]"), "must be a text or an image")),
            Some(embedding_input::Input::Text(text)) => {
                if text.trim().is_empty() {
                    return Err(Error::invalid(format!("inputs[{i}].text"), "must not be empty or blank"));
                }
                bounded(&format!("inputs[{i}].text"), text, MAX_TEXT_CHARS)?;
            }
            Some(embedding_input::Input::ImageUrl(url)) => {
                image(&format!("inputs[{i}].image_url"), url)?;
            }
        }
    }
    if dimensions == &Some(0) {
        return Err(Error::invalid("dimensions", "must be at least 1"));
    }
    if let Some(format) = encoding_format.as_deref().filter(|f| !ENCODINGS.contains(f)) {
        return Err(Error::invalid("encoding_format", format!("{format:?} is not one of {ENCODINGS:?}")));
    }
    if let Some(kind) = input_type.as_deref().filter(|t| !INPUT_TYPES.contains(t)) {
        return Err(Error::invalid("input_type", format!("{kind:?} is not one of {INPUT_TYPES:?}")));
    }
    if let Some(user) = user {
        bounded("user", user, MAX_USER_CHARS)?;
    }
    Ok(())
}

/// An image input: a base64 data URL of a format embedding models take, within the size bound.
fn image<'a>(field: &str, url: &'a str) -> Result<(&'a str, &'a str)> {
    let Some((media_type, data)) = data_url::split(url, field)? else {
        return Err(Error::invalid(field, "must be a base64 data URL (data:image/png;base64,...)"));
    };
    if !IMAGE_TYPES.contains(&media_type) {
        return Err(Error::invalid(field, format!("{media_type:?} is not one of {IMAGE_TYPES:?}")));
    }
    if data_url::decoded_len(data) > MAX_IMAGE_BYTES {
        return Err(Error::invalid(field, format!("the image is larger than {MAX_IMAGE_BYTES} bytes")));
    }
    Ok((media_type, data))
}

/// Checks what the model's family takes, and the inputs as the adapter sends them.
pub fn for_family<'a>(
    request: &'a CreateEmbeddingsRequest,
    family: Family,
    model: &str,
) -> Result<Vec<Input<'a>>> {
    if let Some(size) = request.dimensions.filter(|d| !family.dimensions().contains(d)) {
        return Err(Error::invalid(
            "dimensions",
            format!("{model} makes vectors of {:?} dimensions, not {size}", family.dimensions()),
        ));
    }
    let max_chars = family.max_text_chars();
    request
        .inputs
        .iter()
        .enumerate()
        .map(|(i, EmbeddingInput { input })| match input {
            Some(embedding_input::Input::Text(text)) => {
                bounded(&format!("inputs[{i}].text"), text, max_chars)?;
                Ok(Input::Text(text))
            }
            Some(embedding_input::Input::ImageUrl(url)) => {
                let field = format!("inputs[{i}].image_url");
                if !family.takes_images() {
                    return Err(Error::invalid(field, format!("{model} embeds texts only")));
                }
                let (media_type, base64) = image(&field, url)?;
                Ok(Input::Image { media_type, base64 })
            }
            None => Err(Error::invalid(format!("inputs[{i}]"), "must be a text or an image")),
        })
        .collect()
}
