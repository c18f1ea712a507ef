//! Reading policy files with a size bound.

use std::io::Read;
use std::path::Path;

use crate::PolicyError;

/// Policy files are hand-written or generated per image; 64 MiB is far
/// beyond any real one while still bounding what a wrong path can cost.
pub(crate) const MAX_POLICY_FILE: u64 = 64 * 1024 * 1024;

/// Reads `path` as UTF-8 (a leading BOM is dropped), refusing files larger
/// than [`MAX_POLICY_FILE`].
pub(crate) fn read_text(path: &Path) -> Result<String, PolicyError> {
    let file = path.display().to_string();
    let read_err = |source| PolicyError::Read {
        file: file.clone(),
        source,
    };
    let f = std::fs::File::open(path).map_err(read_err)?;
    let size = f.metadata().map_err(read_err)?.len();
    if size > MAX_POLICY_FILE {
        return Err(PolicyError::TooLarge {
            file,
            size,
            limit: MAX_POLICY_FILE,
        });
    }
    let mut bytes = Vec::new();
    // `take` guards against a file that grows while it is read.
    f.take(MAX_POLICY_FILE + 1)
        .read_to_end(&mut bytes)
        .map_err(read_err)?;
    if bytes.len() as u64 > MAX_POLICY_FILE {
        return Err(PolicyError::TooLarge {
            file,
            size: bytes.len() as u64,
            limit: MAX_POLICY_FILE,
        });
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        read_err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("not UTF-8: {e}"),
        ))
    })?;
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_owned(),
        None => text,
    })
}
