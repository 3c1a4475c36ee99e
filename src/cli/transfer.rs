//! The `import`, `dump` and `export` subcommands, and LOAD CSV's base folder for scripts.

use std::path::{Path, PathBuf};

/// The folder of a script file, for LOAD CSV's relative paths.
pub fn script_dir(path: &Path) -> Option<PathBuf> {
    let parent = path.parent()?;
    if parent.as_os_str().is_empty() {
        return std::env::current_dir().ok();
    }
    Some(parent.to_path_buf())
}
