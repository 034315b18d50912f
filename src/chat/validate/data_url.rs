//! Inline images and documents as base64 `data:` URLs. [`check`] is the images' rule (run with the
//! other checks); [`decode`] parses the bytes where the image is mapped, so large images are
//! decoded once. Documents use [`split`], [`decoded_len`] and [`decode_base64`].

use crate::error::{Error, Result};
use base64::Engine as _;

/// The image formats Bedrock takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageKind {
    /// image/png
    Png,
    /// image/jpeg
    Jpeg,
    /// image/gif
    Gif,
    /// image/webp
    Webp,
}

/// A data URL's media type and base64 payload, or `None` when `url` is not a `data:` URL.
pub fn split<'a>(url: &'a str, field: &str) -> Result<Option<(&'a str, &'a str)>> {
    let Some(rest) = url.strip_prefix("data:") else { return Ok(None) };
    match rest.split_once(";base64,") {
        Some(parts) => Ok(Some(parts)),
        None => Err(Error::invalid(field, "a data URL must be base64-encoded (data:<type>;base64,<data>)")),
    }
}

/// How many bytes a base64 payload decodes to (padding and surrounding whitespace aside), so
/// limits are checked before anything is decoded.
pub fn decoded_len(data: &str) -> usize {
    let data = data.trim().trim_end_matches('=');
    data.len() / 4 * 3 + (data.len() % 4).saturating_sub(1)
}

/// Decodes a base64 payload, or says why not.
pub fn decode_base64(data: &str, field: &str) -> Result<Vec<u8>> {
    base64::engine::general_purpose::STANDARD
        .decode(data.trim())
        .map_err(|e| Error::invalid(field, format!("invalid base64: {e}")))
}

/// Checks the URL's shape and type (not the base64 payload, which [`decode`] reads).
pub fn check(url: &str, field: &str) -> Result<ImageKind> {
    let Some((mime, _)) = split(url, field)? else {
        return Err(Error::invalid(
            field,
            "must be a base64 data URL (data:image/png;base64,...), an https URL or an S3 URL (s3://bucket/key.png)",
        ));
    };
    match mime.to_ascii_lowercase().as_str() {
        "image/png" => Ok(ImageKind::Png),
        "image/jpeg" | "image/jpg" => Ok(ImageKind::Jpeg),
        "image/gif" => Ok(ImageKind::Gif),
        "image/webp" => Ok(ImageKind::Webp),
        other => {
            // The type comes from the caller: quote a bounded piece of it.
            let shown: String = other.chars().take(64).collect();
            Err(Error::invalid(
                field,
                format!("image type {shown:?} is not supported; use png, jpeg, gif or webp"),
            ))
        }
    }
}

/// The image's type and bytes.
pub fn decode(url: &str, field: &str) -> Result<(ImageKind, Vec<u8>)> {
    let kind = check(url, field)?;
    let data = url.split_once(";base64,").map(|(_, data)| data).unwrap_or_default();
    Ok((kind, decode_base64(data, field)?))
}
