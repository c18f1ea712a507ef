//! The scanned target: naming it in SBOMs, and looking up its layers.

use drydock_inventory::{LayerRef, PurlBuilder};
use drydock_oci::Digest;

use crate::{Target, TargetKind};

/// The layer at `index`, its diff_id taken from the target's layers when
/// the finding that points at it lacks one.
pub(crate) fn layer(t: &Target, index: usize, diff_id: Option<Digest>) -> LayerRef {
    let diff_id = diff_id.or_else(|| {
        t.layers
            .iter()
            .find(|l| l.index == index)
            .and_then(|l| l.diff_id.clone())
    });
    LayerRef { index, diff_id }
}

/// Splits `registry:5000/app:1.2` into (`registry:5000/app`, `1.2`). The tag
/// separator is the last `:` after the last `/`, so a registry port is not
/// mistaken for a tag.
fn split_tag(reference: &str) -> Option<(&str, &str)> {
    let slash = reference.rfind('/').map_or(0, |i| i + 1);
    let colon = reference.get(slash..)?.rfind(':')? + slash;
    Some((reference.get(..colon)?, reference.get(colon + 1..)?))
}

/// The repository of the first repo tag or repo digest.
fn repository(t: &Target) -> Option<&str> {
    if let Some((repo, _)) = t.repo_tags.first().and_then(|r| split_tag(r)) {
        return Some(repo);
    }
    t.repo_digests
        .first()
        .and_then(|r| r.split_once('@'))
        .map(|(repo, _)| repo)
}

/// The manifest digest, or the one named by a repo digest.
fn manifest_digest(t: &Target) -> Option<Digest> {
    t.manifest_digest.clone().or_else(|| {
        t.repo_digests
            .iter()
            .filter_map(|r| r.split_once('@'))
            .find_map(|(_, d)| d.parse().ok())
    })
}

/// Name and version to show for the target: the repository and tag of the
/// first repo tag, else the user's argument and the manifest digest (or the
/// image id when even that is unknown).
pub(crate) fn name_version(t: &Target) -> (String, Option<String>) {
    if t.kind == TargetKind::Image {
        if let Some((repo, tag)) = t.repo_tags.first().and_then(|r| split_tag(r)) {
            return (repo.to_owned(), Some(tag.to_owned()));
        }
        let version = manifest_digest(t)
            .or_else(|| t.config_digest.clone())
            .map(|d| d.to_string());
        return (t.name.clone(), version);
    }
    (t.name.clone(), None)
}

/// `pkg:oci/…` for an image whose manifest digest is known.
pub(crate) fn oci_purl(t: &Target) -> Option<String> {
    if t.kind != TargetKind::Image {
        return None;
    }
    let digest = manifest_digest(t)?;
    let repo = repository(t);
    let last = |s: &str| s.rsplit('/').next().unwrap_or(s).to_lowercase();
    let name = match repo {
        Some(r) => last(r),
        None => last(&t.name),
    };
    if name.is_empty() {
        return None;
    }
    let tag = t
        .repo_tags
        .first()
        .and_then(|r| split_tag(r))
        .map(|(_, tag)| tag)
        .unwrap_or("");
    let arch = t
        .platform
        .as_deref()
        .and_then(|p| p.split('/').nth(1))
        .unwrap_or("");
    let purl = PurlBuilder::new("oci", name)
        .version(digest.to_string())
        .qualifier("arch", arch)
        .qualifier("repository_url", repo.unwrap_or(""))
        .qualifier("tag", tag)
        .build();
    crate::ids::is_purl_shaped(&purl).then_some(purl)
}

#[cfg(test)]
mod tests {
    use super::*;

    const D: &str = "sha256:4408ab3a2a852d73582df556e33e94ee6c4792a9f4ecf0dcdc999cc1a6b0be82";

    #[test]
    fn splits_tags_past_ports() {
        assert_eq!(
            split_tag("registry:5000/app:1.2"),
            Some(("registry:5000/app", "1.2"))
        );
        assert_eq!(split_tag("registry:5000/app"), None);
        assert_eq!(split_tag("app:latest"), Some(("app", "latest")));
    }

    #[test]
    fn names_from_tags_or_digests() {
        let mut t = Target::new("shop.oci.tar", TargetKind::Image);
        assert_eq!(name_version(&t), ("shop.oci.tar".into(), None));
        t.manifest_digest = Some(D.parse().unwrap());
        assert_eq!(name_version(&t), ("shop.oci.tar".into(), Some(D.into())));
        let purl = oci_purl(&t).unwrap();
        assert!(purl.starts_with("pkg:oci/shop.oci.tar@sha256"), "{purl}");
        t.repo_tags = vec!["registry:5000/team/App:1.2".into()];
        t.platform = Some("linux/arm64/v8".into());
        assert_eq!(
            name_version(&t),
            ("registry:5000/team/App".into(), Some("1.2".into()))
        );
        let purl = oci_purl(&t).unwrap();
        assert!(purl.starts_with("pkg:oci/app@sha256"), "{purl}");
        assert!(purl.contains("arch=arm64"), "{purl}");
        assert!(purl.contains("tag=1.2"), "{purl}");
        assert!(purl.contains("repository_url=registry"), "{purl}");
    }

    #[test]
    fn digest_from_repo_digest() {
        let mut t = Target::new("x", TargetKind::Image);
        t.repo_digests = vec![format!("docker.io/library/debian@{D}")];
        let purl = oci_purl(&t).unwrap();
        assert!(purl.starts_with("pkg:oci/debian@"), "{purl}");
        assert_eq!(oci_purl(&Target::new("d", TargetKind::Filesystem)), None);
    }
}
