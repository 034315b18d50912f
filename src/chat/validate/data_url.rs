//! Inline images as base64 `data:` URLs. [`check`] is the rule (run with the other checks);
//! [`decode`] parses the bytes where the image is mapped, so large images are decoded once.

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

/// Checks the URL's shape and type (not the base64 payload, which [`decode`] reads).
pub fn check(url: &str, field: &str) -> Result<ImageKind> {
    let Some(rest) = url.strip_prefix("data:") else {
        return Err(Error::invalid(
            field,
            "only base64 data URLs (data:image/png;base64,...) are supported; Bedrock does not fetch remote images",
        ));
    };
    let Some((mime, _)) = rest.split_once(";base64,") else {
        return Err(Error::invalid(field, "a data URL must be base64-encoded (data:<type>;base64,<data>)"));
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
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(data.trim())
        .map_err(|e| Error::invalid(field, format!("invalid base64: {e}")))?;
    Ok((kind, bytes))
}
