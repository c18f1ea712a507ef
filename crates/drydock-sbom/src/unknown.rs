//! drydock's recorded unknowns, read back.

use drydock_inventory::{LayerRef, Unknown};

/// Parses `PATH (layer N): ANALYZER: REASON` (CycloneDX `drydock:unknown`)
/// or `PATH: ANALYZER: REASON` (SPDX, and CycloneDX without a layer).
/// The layer's diff_id comes from `layers` when listed there.
pub(crate) fn parse(s: &str, layers: &[(usize, Option<String>)]) -> Option<Unknown> {
    let (path, layer, rest) = match find_layer(s) {
        Some((path, index, rest)) => {
            let diff_id = layers
                .iter()
                .find(|(i, _)| *i == index)
                .and_then(|(_, d)| d.as_deref())
                .and_then(|d| d.parse().ok());
            (path, Some(LayerRef { index, diff_id }), rest)
        }
        None => {
            let (path, rest) = s.split_once(": ")?;
            (path, None, rest)
        }
    };
    let (analyzer, reason) = rest.split_once(": ")?;
    if path.is_empty() || analyzer.is_empty() {
        return None;
    }
    Some(Unknown {
        path: path.to_owned(),
        layer,
        analyzer: analyzer.to_owned(),
        reason: reason.to_owned(),
    })
}

/// Splits at the first ` (layer N): `.
fn find_layer(s: &str) -> Option<(&str, usize, &str)> {
    let mut from = 0;
    while let Some(at) = s.get(from..)?.find(" (layer ") {
        let start = from + at;
        let after = s.get(start + " (layer ".len()..)?;
        if let Some((digits, rest)) = after.split_once("): ")
            && !digits.is_empty()
            && digits.bytes().all(|b| b.is_ascii_digit())
            && let Ok(index) = digits.parse()
        {
            return Some((s.get(..start)?, index, rest));
        }
        from = start + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn with_and_without_layer() {
        let d = format!("sha256:{}", "a".repeat(64));
        let u = parse(
            "/usr/lib/x (y)/METADATA (layer 1): python: metadata is not utf-8: bad",
            &[(1, Some(d.clone()))],
        )
        .unwrap();
        assert_eq!(u.path, "/usr/lib/x (y)/METADATA");
        assert_eq!(u.layer.as_ref().unwrap().index, 1);
        assert_eq!(u.layer.unwrap().diff_id.unwrap().to_string(), d);
        assert_eq!(u.analyzer, "python");
        assert_eq!(u.reason, "metadata is not utf-8: bad");

        let u = parse("/a: rpm: truncated", &[]).unwrap();
        assert_eq!(
            (u.path.as_str(), u.layer, u.analyzer.as_str()),
            ("/a", None, "rpm")
        );
        assert!(parse("nothing here", &[]).is_none());
        assert!(parse(": x: y", &[]).is_none());
    }
}
