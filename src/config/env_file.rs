//! The `.env` loader: `--env-file PATH` (or `AMAZON_CHAT_ENV_FILE`), else `.env` in the working
//! folder if there is one. Never a parent folder's: a developer's `.env` somewhere above a checkout
//! must not leak into tests or benchmarks run inside it. Variables already set win.

use std::path::{Path, PathBuf};

/// Loads the file named on the command line (`args`) or by the environment, else `./.env`.
/// Runs before clap parses, so values from the file fill flags that read the environment.
pub fn load(args: &[String]) -> Result<(), String> {
    let named = args
        .iter()
        .enumerate()
        .find_map(|(i, arg)| match arg.strip_prefix("--env-file") {
            Some("") => args.get(i + 1).cloned(),
            Some(rest) => rest.strip_prefix('=').map(str::to_owned),
            None => None,
        })
        .or_else(|| std::env::var("AMAZON_CHAT_ENV_FILE").ok());
    match named {
        Some(path) => dotenvy::from_path(PathBuf::from(&path)).map_err(|e| format!("--env-file {path}: {e}")),
        None => {
            let local = Path::new(".env");
            if !local.is_file() {
                return Ok(());
            }
            dotenvy::from_path(local).map_err(|error| format!(".env: {error}"))
        }
    }
}
