//! The keys file (`--keys-file`, TOML): named keys, stored as SHA-256 hashes, each with the models it
//! may use and its limits. The file never needs a plaintext key: `amazon-chat keys new --name N`
//! prints a fresh key and the entry to paste.
//!
//! ```toml
//! [[keys]]
//! name = "search-team"
//! sha256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
//! models = ["anthropic.claude-*", "claude-3-haiku"]   # ids, aliases, * globs; leave out for all
//! requests_per_minute = 600
//! tokens_per_minute = 200000
//! concurrent_streams = 20
//! tokens_per_day = 5000000
//! ```

use super::policy::Limits;
use std::collections::HashSet;
use std::path::Path;

/// The most keys one file may hold.
pub const MAX_KEYS: usize = 10_000;
/// The longest key name.
pub const MAX_NAME_CHARS: usize = 64;

/// One entry.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// Shown in logs, metrics and errors: letters, digits, `.`, `_`, `-`.
    pub name: String,
    /// The key's SHA-256, hex.
    pub sha256: String,
    /// Model patterns.
    #[serde(default)]
    pub models: Vec<String>,
    /// Limits.
    #[serde(flatten)]
    pub limits: Limits,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    keys: Vec<Entry>,
}

/// A parsed, checked file: entries with their digests.
#[derive(Debug, Clone, Default)]
pub struct KeysFile {
    /// (digest, entry), in file order.
    pub entries: Vec<([u8; 32], Entry)>,
}

impl KeysFile {
    /// Reads and checks the file; an error names the entry at fault.
    pub fn load(path: &Path) -> Result<Self, String> {
        let text =
            std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        Self::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Parses and checks TOML text.
    pub fn parse(text: &str) -> Result<Self, String> {
        let file: File = toml::from_str(text).map_err(|e| e.to_string())?;
        if file.keys.len() > MAX_KEYS {
            return Err(format!("holds {} keys; at most {MAX_KEYS}", file.keys.len()));
        }
        let mut names = HashSet::new();
        let mut digests = HashSet::new();
        let mut entries = Vec::with_capacity(file.keys.len());
        for (i, entry) in file.keys.into_iter().enumerate() {
            let at = format!("keys[{i}] ({:?})", entry.name);
            let valid_name = !entry.name.is_empty()
                && entry.name.len() <= MAX_NAME_CHARS
                && entry.name.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c));
            if !valid_name {
                return Err(format!(
                    "{at}: name must be 1 to {MAX_NAME_CHARS} letters, digits, '.', '_' or '-'"
                ));
            }
            if !names.insert(entry.name.clone()) {
                return Err(format!("{at}: the name is used twice"));
            }
            let digest =
                hex_digest(&entry.sha256).ok_or_else(|| format!("{at}: sha256 must be 64 hex digits"))?;
            if !digests.insert(digest) {
                return Err(format!("{at}: the same key is listed twice"));
            }
            if let Some(pattern) = entry.models.iter().find(|p| p.is_empty() || p.len() > 2048) {
                return Err(format!("{at}: model pattern {pattern:?} must be 1 to 2048 characters"));
            }
            let zero = |n: Option<u64>| n == Some(0);
            let l = &entry.limits;
            if zero(l.requests_per_minute.map(u64::from))
                || zero(l.tokens_per_minute.map(u64::from))
                || zero(l.concurrent_streams.map(u64::from))
                || zero(l.tokens_per_day)
            {
                return Err(format!(
                    "{at}: a limit of 0 would refuse every call; leave the limit out for none"
                ));
            }
            entries.push((digest, entry));
        }
        Ok(Self { entries })
    }
}

fn hex_digest(text: &str) -> Option<[u8; 32]> {
    let text = text.trim();
    if text.len() != 64 {
        return None;
    }
    let mut digest = [0u8; 32];
    for (i, byte) in digest.iter_mut().enumerate() {
        *byte = u8::from_str_radix(text.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(digest)
}

/// A new random key and its entry, for `amazon-chat keys new`.
pub fn new_key(name: &str) -> (String, String) {
    use sha2::Digest as _;
    let key = format!("ac-{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple());
    let digest = sha2::Sha256::digest(key.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    let entry = format!(
        "[[keys]]\nname = {name:?}\nsha256 = \"{hex}\"\n# models = [\"anthropic.claude-*\"]\n# requests_per_minute = 600\n"
    );
    (key, entry)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HASH: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    #[test]
    fn parses_named_hashed_keys_with_models_and_limits() {
        let text = format!(
            "[[keys]]\nname = \"search\"\nsha256 = \"{HASH}\"\nmodels = [\"anthropic.*\"]\nrequests_per_minute = 5\n"
        );
        let file = KeysFile::parse(&text).unwrap();
        let (digest, entry) = &file.entries[0];
        assert_eq!(digest[0], 0x9f);
        assert_eq!(entry.limits.requests_per_minute, Some(5));
        assert_eq!(entry.models, ["anthropic.*"]);
    }

    #[test]
    fn a_broken_entry_is_named() {
        let bad_hash = "[[keys]]\nname = \"a\"\nsha256 = \"xyz\"\n";
        assert!(KeysFile::parse(bad_hash).unwrap_err().contains("keys[0] (\"a\")"));
        let twice = format!(
            "[[keys]]\nname = \"a\"\nsha256 = \"{HASH}\"\n[[keys]]\nname = \"a\"\nsha256 = \"{}\"\n",
            "0".repeat(64)
        );
        assert!(KeysFile::parse(&twice).unwrap_err().contains("keys[1]"));
        let typo = format!("[[keys]]\nname = \"a\"\nsha256 = \"{HASH}\"\nrequests_per_minit = 5\n");
        assert!(KeysFile::parse(&typo).unwrap_err().contains("requests_per_minit"));
    }

    #[test]
    fn a_new_key_hashes_to_its_entry() {
        let (key, entry) = new_key("team-a");
        let file = KeysFile::parse(&entry).unwrap();
        use sha2::Digest as _;
        let digest: [u8; 32] = sha2::Sha256::digest(key.as_bytes()).into();
        assert_eq!(file.entries[0].0, digest);
        assert_eq!(file.entries[0].1.name, "team-a");
    }
}
