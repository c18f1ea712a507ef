//! Trust policies: which registries, signers, ages and base images an image
//! may have. Parsing reads a YAML file; [`evaluate`] is pure and turns the
//! facts a caller gathered about one image into findings.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use drydock_findings::{MisconfigLocation, Misconfiguration, Severity};
use drydock_oci::Digest;
use globset::{GlobBuilder, GlobMatcher};
use serde::{Deserialize, Deserializer};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::cosign::{VerifiedSignature, signature_tag};
use crate::error::{TrustError, read_bounded};
use crate::reference::ImageName;

/// Largest policy file read, in bytes.
pub const MAX_POLICY_BYTES: u64 = 1024 * 1024;
/// Longest `max_age` accepted: 100 years.
const MAX_AGE_LIMIT_SECS: u64 = 100 * 365 * 86_400;
/// How many patterns, layers or reasons a finding's evidence lists.
const EVIDENCE_ITEMS: usize = 8;

/// A parsed trust policy. See the crate documentation for the file format.
#[derive(Debug, Clone)]
pub struct TrustPolicy {
    /// The file the policy came from; key paths are relative to its folder.
    pub file: PathBuf,
    /// Allowed `registry/repository` patterns; empty allows any.
    pub registries: Vec<Pattern>,
    /// Signature requirements, in file order.
    pub signatures: Vec<SignatureRule>,
    /// Whether references must be pinned by digest.
    pub require_digest: bool,
    /// Oldest allowed image, by its config's `created`.
    pub max_age: Option<MaxAge>,
    /// Allowed base images; empty allows any.
    pub base_images: Vec<BaseImageRule>,
}

/// A glob: `*` matches within one `/`-separated component, `**` across
/// components, `?` one character, `[abc]` a class, `{a,b}` alternatives.
#[derive(Clone)]
pub struct Pattern {
    text: String,
    matcher: GlobMatcher,
}

impl Pattern {
    fn new(text: &str) -> Result<Self, String> {
        let glob = GlobBuilder::new(text)
            .literal_separator(true)
            .backslash_escape(true)
            .build()
            .map_err(|e| format!("invalid pattern `{text}`: {e}"))?;
        Ok(Self {
            text: text.to_owned(),
            matcher: glob.compile_matcher(),
        })
    }

    /// A repository pattern. A bare host (`ghcr.io`) means every repository
    /// on it; the first component must name a registry, since references
    /// are matched fully qualified (`docker.io/library/alpine`). Patterns
    /// are lower-cased like the names they match.
    fn repository(text: &str) -> Result<Self, String> {
        let lower = text.trim().to_ascii_lowercase();
        if lower.is_empty() {
            return Err("empty repository pattern".into());
        }
        let lower = match lower.strip_prefix("index.docker.io/") {
            Some(rest) => format!("docker.io/{rest}"),
            None => lower,
        };
        let first = lower.split('/').next().unwrap_or_default();
        let has_glob = first.contains(['*', '?', '[', '{']);
        let host_like = first.contains(['.', ':']) || first == "localhost" || has_glob;
        if !host_like {
            return Err(format!(
                "pattern `{text}` does not start with a registry host; references are matched \
                 fully qualified, so write `docker.io/{text}` (or `docker.io/library/{text}` \
                 for an official image)"
            ));
        }
        if lower.contains('/') {
            Self::new(&lower)
        } else {
            let mut p = Self::new(&format!("{lower}/**"))?;
            p.text = lower;
            Ok(p)
        }
    }

    /// The pattern as written (a bare host without the implied `/**`).
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether `s` matches.
    pub fn matches(&self, s: &str) -> bool {
        self.matcher.is_match(s)
    }
}

impl fmt::Debug for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Pattern({:?})", self.text)
    }
}

impl fmt::Display for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Images whose repository matches one of `repositories` need a valid
/// signature from one of `keys`.
#[derive(Debug, Clone)]
pub struct SignatureRule {
    /// Repository patterns the rule applies to.
    pub repositories: Vec<Pattern>,
    /// Public key files, resolved against the policy file's folder.
    pub keys: Vec<PathBuf>,
}

impl SignatureRule {
    /// Whether the rule applies to `name`.
    pub fn applies_to(&self, name: &ImageName) -> bool {
        let repo = name.qualified_repository();
        self.repositories.iter().any(|p| p.matches(&repo))
    }
}

/// A maximum image age, as written (`90d`) and in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MaxAge {
    amount: u64,
    unit: char,
}

impl MaxAge {
    /// Parses `<n>h`, `<n>d` or `<n>w` (hours, days, weeks), `n` ≥ 1.
    pub fn parse(s: &str) -> Result<Self, String> {
        let s = s.trim();
        let bad = || format!("max_age `{s}` must be a whole number followed by h, d or w (`90d`)");
        let unit = s.chars().last().ok_or_else(bad)?;
        let per = unit_seconds(unit).ok_or_else(bad)?;
        let digits = &s[..s.len() - unit.len_utf8()];
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || digits.len() > 12 {
            return Err(bad());
        }
        let amount: u64 = digits.parse().map_err(|_| bad())?;
        if amount == 0 {
            return Err(format!("max_age `{s}` must be more than zero"));
        }
        if amount.saturating_mul(per) > MAX_AGE_LIMIT_SECS {
            return Err(format!("max_age `{s}` is longer than 100 years"));
        }
        Ok(Self { amount, unit })
    }

    /// The limit in seconds.
    pub fn seconds(&self) -> u64 {
        self.amount * unit_seconds(self.unit).unwrap_or(0)
    }
}

fn unit_seconds(unit: char) -> Option<u64> {
    match unit {
        'h' => Some(3_600),
        'd' => Some(86_400),
        'w' => Some(7 * 86_400),
        _ => None,
    }
}

impl fmt::Display for MaxAge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.amount, self.unit)
    }
}

/// One allowed base image.
#[derive(Debug, Clone)]
pub struct BaseImageRule {
    /// Name for messages; defaults to a description of the matcher.
    pub name: Option<String>,
    /// How the base is recognised.
    pub matcher: BaseImageMatch,
}

/// How a base image is recognised.
#[derive(Debug, Clone)]
pub enum BaseImageMatch {
    /// The image's first layers (by diff_id) equal these, in order.
    DiffIds(Vec<Digest>),
    /// A config label's value matches a glob.
    Label {
        /// The label key, e.g. `org.opencontainers.image.base.name`.
        label: String,
        /// The value pattern.
        value: Pattern,
    },
}

impl BaseImageRule {
    fn describe(&self) -> String {
        let what = match &self.matcher {
            BaseImageMatch::DiffIds(ids) => format!("{} base layer(s)", ids.len()),
            BaseImageMatch::Label { label, value } => format!("label {label} = `{value}`"),
        };
        match &self.name {
            Some(n) => format!("{n} ({what})"),
            None => what,
        }
    }

    fn matches(&self, facts: &ImageFacts) -> bool {
        match &self.matcher {
            BaseImageMatch::DiffIds(ids) => facts.diff_ids.starts_with(ids),
            BaseImageMatch::Label { label, value } => {
                facts.labels.get(label).is_some_and(|v| value.matches(v))
            }
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    #[serde(default)]
    registries: Bounded<RepoPattern, 1024>,
    #[serde(default)]
    signatures: Bounded<RawSignatureRule, 256>,
    #[serde(default)]
    require_digest: bool,
    #[serde(default)]
    max_age: Option<RawMaxAge>,
    #[serde(default)]
    base_images: Bounded<RawBaseImage, 256>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSignatureRule {
    repositories: Bounded<RepoPattern, 256>,
    keys: Bounded<String, 64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBaseImage {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    diff_ids: Option<Bounded<Digest, 256>>,
    #[serde(default)]
    label: Option<String>,
    #[serde(default)]
    value: Option<ValuePattern>,
}

/// A list of at most `N` entries. Policies are small; the cap keeps a
/// file of YAML aliases (each expanding a long list) from turning 1 MiB of
/// text into millions of compiled globs.
struct Bounded<T, const N: usize>(Vec<T>);

impl<T, const N: usize> Default for Bounded<T, N> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

impl<'de, T: Deserialize<'de>, const N: usize> Deserialize<'de> for Bounded<T, N> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T, const N: usize>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>, const N: usize> serde::de::Visitor<'de> for V<T, N> {
            type Value = Vec<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "a list of at most {N} entries")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(item) = seq.next_element()? {
                    if out.len() == N {
                        return Err(serde::de::Error::custom(format!("more than {N} entries")));
                    }
                    out.push(item);
                }
                Ok(out)
            }
        }
        d.deserialize_seq(V::<T, N>(std::marker::PhantomData))
            .map(Self)
    }
}

struct RepoPattern(Pattern);

impl<'de> Deserialize<'de> for RepoPattern {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Pattern::repository(&s)
            .map(Self)
            .map_err(serde::de::Error::custom)
    }
}

struct ValuePattern(Pattern);

impl<'de> Deserialize<'de> for ValuePattern {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Pattern::new(&s).map(Self).map_err(serde::de::Error::custom)
    }
}

struct RawMaxAge(MaxAge);

impl<'de> Deserialize<'de> for RawMaxAge {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        MaxAge::parse(&s)
            .map(Self)
            .map_err(serde::de::Error::custom)
    }
}

impl TrustPolicy {
    /// Reads and parses a policy file (at most 1 MiB).
    pub fn load(path: &Path) -> Result<Self, TrustError> {
        let bytes = read_bounded(path, "trust policy", MAX_POLICY_BYTES)?;
        let text = String::from_utf8(bytes).map_err(|_| TrustError::Policy {
            file: path.to_path_buf(),
            location: ".".into(),
            message: "the file is not UTF-8 text".into(),
        })?;
        Self::parse(&text, path)
    }

    /// Parses policy YAML. `file` names the policy in errors and anchors
    /// relative key paths. Unknown fields are errors, so a typo cannot
    /// silently drop a requirement.
    pub fn parse(text: &str, file: &Path) -> Result<Self, TrustError> {
        let error = |location: String, message: String| TrustError::Policy {
            file: file.to_path_buf(),
            location,
            message,
        };
        if text.len() as u64 > MAX_POLICY_BYTES {
            return Err(error(
                ".".into(),
                format!("the policy is over {MAX_POLICY_BYTES} bytes"),
            ));
        }
        let raw: RawPolicy = if text.trim().is_empty() {
            RawPolicy {
                registries: Bounded::default(),
                signatures: Bounded::default(),
                require_digest: false,
                max_age: None,
                base_images: Bounded::default(),
            }
        } else {
            let de = serde_norway::Deserializer::from_str(text);
            serde_path_to_error::deserialize(de).map_err(|e| {
                let location = e.path().to_string();
                let message = strip_yaml_path(&e.inner().to_string(), &location);
                error(location, message)
            })?
        };
        let base = file.parent().unwrap_or(Path::new(""));
        let mut signatures = Vec::with_capacity(raw.signatures.0.len());
        for (i, rule) in raw.signatures.0.into_iter().enumerate() {
            if rule.repositories.0.is_empty() {
                return Err(error(
                    format!("signatures[{i}].repositories"),
                    "list at least one repository pattern (`**` for all)".into(),
                ));
            }
            if rule.keys.0.is_empty() {
                return Err(error(
                    format!("signatures[{i}].keys"),
                    "list at least one public key file".into(),
                ));
            }
            let mut keys = Vec::with_capacity(rule.keys.0.len());
            for (k, key) in rule.keys.0.iter().enumerate() {
                if key.trim().is_empty() {
                    return Err(error(
                        format!("signatures[{i}].keys[{k}]"),
                        "empty key path".into(),
                    ));
                }
                keys.push(base.join(key));
            }
            signatures.push(SignatureRule {
                repositories: rule.repositories.0.into_iter().map(|p| p.0).collect(),
                keys,
            });
        }
        let mut base_images = Vec::with_capacity(raw.base_images.0.len());
        for (i, b) in raw.base_images.0.into_iter().enumerate() {
            let at = format!("base_images[{i}]");
            let matcher = match (b.diff_ids.map(|d| d.0), b.label, b.value) {
                (Some(ids), None, None) => {
                    if ids.is_empty() {
                        return Err(error(
                            format!("{at}.diff_ids"),
                            "list at least one diff_id".into(),
                        ));
                    }
                    BaseImageMatch::DiffIds(ids)
                }
                (None, Some(label), Some(value)) => BaseImageMatch::Label {
                    label,
                    value: value.0,
                },
                (None, Some(_), None) => {
                    return Err(error(
                        at,
                        "`label` needs a `value` pattern (`*` for any value)".into(),
                    ));
                }
                _ => {
                    return Err(error(
                        at,
                        "give either `diff_ids`, or `label` with `value`".into(),
                    ));
                }
            };
            base_images.push(BaseImageRule {
                name: b.name,
                matcher,
            });
        }
        Ok(Self {
            file: file.to_path_buf(),
            registries: raw.registries.0.into_iter().map(|p| p.0).collect(),
            signatures,
            require_digest: raw.require_digest,
            max_age: raw.max_age.map(|m| m.0),
            base_images,
        })
    }
}

/// What a caller found about an image's signatures with one key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignatureStatus {
    /// Signatures were not looked at, and why (a local archive has no
    /// registry to hold them; the user skipped the check).
    NotChecked(String),
    /// At least one signature verified with the key.
    Verified(Vec<VerifiedSignature>),
    /// No signature manifest, or one without signatures.
    Missing,
    /// Signatures exist, but none verified with the key; one reason each.
    /// A key that could not be loaded also belongs here.
    Invalid(Vec<String>),
}

/// What the caller knows about one image, for [`evaluate`].
#[derive(Debug, Clone)]
pub struct ImageFacts {
    /// The normalised reference the user gave.
    pub name: ImageName,
    /// Digest of the image manifest that was scanned, when known.
    pub manifest_digest: Option<Digest>,
    /// The config's `created`, as written (RFC 3339).
    pub created: Option<String>,
    /// The config's `rootfs.diff_ids`, base layer first.
    pub diff_ids: Vec<Digest>,
    /// The config's labels.
    pub labels: BTreeMap<String, String>,
    /// Signature outcome per key file of [`required_keys`] (same paths). A
    /// required key without an entry counts as not checked.
    pub signatures: BTreeMap<PathBuf, SignatureStatus>,
}

impl ImageFacts {
    /// Facts with only the name known (and the manifest digest, when the
    /// reference pins one).
    pub fn new(name: ImageName) -> Self {
        Self {
            manifest_digest: name.digest.clone(),
            name,
            created: None,
            diff_ids: Vec::new(),
            labels: BTreeMap::new(),
            signatures: BTreeMap::new(),
        }
    }
}

/// The key files whose signatures `name` needs, in policy order without
/// duplicates; empty when no signature rule applies, so the caller need
/// not fetch signatures at all.
pub fn required_keys(policy: &TrustPolicy, name: &ImageName) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = Vec::new();
    for rule in policy.signatures.iter().filter(|r| r.applies_to(name)) {
        for key in &rule.keys {
            if !out.contains(key) {
                out.push(key.clone());
            }
        }
    }
    out
}

/// Check ids, for reports and ignore files.
pub mod checks {
    /// The image's registry/repository is not in `registries`.
    pub const REGISTRY_NOT_ALLOWED: &str = "DD-TRUST-001";
    /// A signature is required but none was found or checked.
    pub const SIGNATURE_MISSING: &str = "DD-TRUST-002";
    /// Signatures were found but none verifies.
    pub const SIGNATURE_INVALID: &str = "DD-TRUST-003";
    /// The reference is not pinned by digest.
    pub const NOT_PINNED: &str = "DD-TRUST-004";
    /// The image is older than `max_age`.
    pub const TOO_OLD: &str = "DD-TRUST-005";
    /// The image is not built on an allowed base.
    pub const BASE_NOT_ALLOWED: &str = "DD-TRUST-006";
    /// `max_age` is set but the creation date is missing or unusable.
    pub const CREATED_UNKNOWN: &str = "DD-TRUST-007";
}

/// Applies `policy` to one image. Pure: `now` is the clock, and signature
/// outcomes come from `facts`. Returns one finding per violated rule.
pub fn evaluate(
    policy: &TrustPolicy,
    facts: &ImageFacts,
    now: SystemTime,
) -> Vec<Misconfiguration> {
    let mut out = Vec::new();
    let image = facts.name.to_string();
    let finding = |check: &str,
                   title: &str,
                   severity: Severity,
                   setting: String,
                   evidence: String,
                   remediation: String| Misconfiguration {
        check_id: check.to_owned(),
        title: title.to_owned(),
        severity,
        source: "trust".to_owned(),
        location: MisconfigLocation {
            config_path: Some(setting),
            object: Some(image.clone()),
            ..MisconfigLocation::default()
        },
        evidence,
        remediation,
        references: Vec::new(),
        suppressed: None,
    };

    let repo = facts.name.qualified_repository();
    if !policy.registries.is_empty() && !policy.registries.iter().any(|p| p.matches(&repo)) {
        out.push(finding(
            checks::REGISTRY_NOT_ALLOWED,
            "Image comes from a registry the trust policy does not allow",
            Severity::High,
            "registries".into(),
            format!(
                "{repo} matches none of the allowed patterns: {}",
                listing(policy.registries.iter().map(|p| format!("`{p}`")))
            ),
            format!(
                "Use an image from an allowed registry, or add a pattern for {repo} to \
                 `registries` in {}",
                policy.file.display()
            ),
        ));
    }

    for (i, rule) in policy.signatures.iter().enumerate() {
        if !rule.applies_to(&facts.name) {
            continue;
        }
        let keys = listing(rule.keys.iter().map(|k| k.display().to_string()));
        match signature_outcome(rule, facts) {
            Outcome::Trusted => {}
            Outcome::Invalid(reasons) => out.push(finding(
                checks::SIGNATURE_INVALID,
                "Image signature is invalid",
                Severity::High,
                format!("signatures[{i}]"),
                format!(
                    "no signature of {image} verifies with {keys}: {}",
                    listing_sep(reasons.into_iter(), "; ")
                ),
                format!(
                    "Re-sign the image digest with one of {keys} (`cosign sign --key …`); \
                     an image whose signature fails may have been tampered with"
                ),
            )),
            Outcome::Missing(detail) => out.push(finding(
                checks::SIGNATURE_MISSING,
                "Image is not signed by a trusted key",
                Severity::High,
                format!("signatures[{i}]"),
                format!("{repo} requires a cosign signature by {keys}; {detail}"),
                format!(
                    "Sign the image digest with the private key of {keys} \
                     (`cosign sign --key cosign.key {repo}@<digest>`), and scan the image \
                     from its registry so its signatures can be fetched"
                ),
            )),
        }
    }

    if policy.require_digest && facts.name.digest.is_none() {
        out.push(finding(
            checks::NOT_PINNED,
            "Image reference is not pinned by digest",
            Severity::Medium,
            "require_digest".into(),
            format!("{image} names a tag, which can be moved to other content"),
            match &facts.manifest_digest {
                Some(d) => format!("Refer to the image as {repo}@{d}"),
                None => format!("Refer to the image as {repo}@sha256:<digest>"),
            },
        ));
    }

    if let Some(limit) = policy.max_age {
        match created_time(facts.created.as_deref()) {
            Ok(created) => {
                // Plain integer seconds: converting an arbitrary SystemTime
                // into an OffsetDateTime can overflow, this cannot.
                let now_secs = match now.duration_since(SystemTime::UNIX_EPOCH) {
                    Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
                    Err(e) => i64::try_from(e.duration().as_secs()).map_or(i64::MIN, |s| -s),
                };
                let age = now_secs.saturating_sub(created.unix_timestamp());
                let age_secs = u64::try_from(age).unwrap_or(0);
                if age_secs > limit.seconds() {
                    out.push(finding(
                        checks::TOO_OLD,
                        "Image is older than the trust policy allows",
                        Severity::Medium,
                        "max_age".into(),
                        format!(
                            "{image} is {} old (created {}), over the limit of {limit}",
                            human_age(age_secs),
                            facts.created.as_deref().unwrap_or_default()
                        ),
                        "Rebuild the image on current base images, or pull a newer release".into(),
                    ));
                }
            }
            Err(why) => out.push(finding(
                checks::CREATED_UNKNOWN,
                "Image creation date is missing or unreadable",
                Severity::Medium,
                "max_age".into(),
                format!("max_age is {limit} but {why}, so the image's age is unknown"),
                "Build with a real creation date (for reproducible builds, set \
                 SOURCE_DATE_EPOCH to the commit time rather than 0)"
                    .into(),
            )),
        }
    }

    if !policy.base_images.is_empty() && !policy.base_images.iter().any(|b| b.matches(facts)) {
        let mut seen = vec![match facts.diff_ids.len() {
            0 => "the image has no layers".to_owned(),
            n => format!(
                "the image's first layers are {} ({n} in all)",
                listing(facts.diff_ids.iter().map(|d| d.to_string()))
            ),
        }];
        let mut labels: Vec<&String> = policy
            .base_images
            .iter()
            .filter_map(|b| match &b.matcher {
                BaseImageMatch::Label { label, .. } => Some(label),
                BaseImageMatch::DiffIds(_) => None,
            })
            .collect();
        labels.dedup();
        for label in labels {
            seen.push(match facts.labels.get(label) {
                Some(v) => format!("label {label} is `{}`", clip(v)),
                None => format!("label {label} is not set"),
            });
        }
        out.push(finding(
            checks::BASE_NOT_ALLOWED,
            "Image is not built on an allowed base image",
            Severity::High,
            "base_images".into(),
            format!(
                "{}; allowed bases: {}",
                seen.join("; "),
                listing(policy.base_images.iter().map(BaseImageRule::describe))
            ),
            format!(
                "Rebuild the image FROM an allowed base, or add its base to `base_images` in {}",
                policy.file.display()
            ),
        ));
    }
    out
}

enum Outcome {
    Trusted,
    Invalid(Vec<String>),
    Missing(String),
}

fn signature_outcome(rule: &SignatureRule, facts: &ImageFacts) -> Outcome {
    let mut reasons = Vec::new();
    let mut missing = Vec::new();
    for key in &rule.keys {
        let k = key.display();
        match facts.signatures.get(key) {
            Some(SignatureStatus::Verified(sigs)) => {
                for sig in sigs {
                    if facts.manifest_digest.as_ref() == Some(&sig.manifest_digest) {
                        return Outcome::Trusted;
                    }
                    reasons.push(format!(
                        "{k}: the verified signature is for {}, but the image is {}",
                        sig.manifest_digest,
                        facts
                            .manifest_digest
                            .as_ref()
                            .map_or_else(|| "of unknown digest".to_owned(), |d| d.to_string())
                    ));
                }
            }
            Some(SignatureStatus::Invalid(rs)) => {
                reasons.extend(rs.iter().map(|r| format!("{k}: {r}")));
            }
            Some(SignatureStatus::Missing) => missing.push(match &facts.manifest_digest {
                Some(d) => format!("no signature found at tag {}", signature_tag(d)),
                None => "no signature found".to_owned(),
            }),
            Some(SignatureStatus::NotChecked(why)) => {
                missing.push(format!("signatures were not checked ({why})"));
            }
            None => missing.push(format!("signatures were not checked with {k}")),
        }
    }
    if reasons.is_empty() {
        missing.dedup();
        Outcome::Missing(missing.join("; "))
    } else {
        Outcome::Invalid(reasons)
    }
}

/// serde_norway starts messages with its own, coarser path
/// (`registries: …` for `registries[0]`); the error already names the
/// precise one.
/// Internal type names are replaced with what the user should write.
fn strip_yaml_path(message: &str, location: &str) -> String {
    let message = match message.split_once(": ") {
        Some((head, rest)) if !head.contains(' ') && location.starts_with(head) => rest,
        _ => message,
    };
    message
        .replace("struct RawPolicy", "a mapping of trust policy settings")
        .replace(
            "struct RawSignatureRule",
            "a mapping with `repositories` and `keys`",
        )
        .replace(
            "struct RawBaseImage",
            "a mapping with `diff_ids`, or `label` and `value`",
        )
}

fn created_time(created: Option<&str>) -> Result<OffsetDateTime, String> {
    let text = created
        .filter(|c| !c.trim().is_empty())
        .ok_or_else(|| "the image config has no `created` date".to_owned())?;
    let t = OffsetDateTime::parse(text.trim(), &Rfc3339)
        .map_err(|e| format!("`created` is `{}`, not an RFC 3339 date ({e})", clip(text)))?;
    if t <= OffsetDateTime::UNIX_EPOCH {
        return Err(format!(
            "`created` is {}, a placeholder date that reproducible builds write",
            clip(text)
        ));
    }
    Ok(t)
}

fn human_age(secs: u64) -> String {
    const DAY: u64 = 86_400;
    if secs >= 2 * DAY {
        format!("{} days", secs / DAY)
    } else {
        format!("{} hours", secs / 3_600)
    }
}

/// A comma-separated list, cut after [`EVIDENCE_ITEMS`] entries.
fn listing(items: impl Iterator<Item = String>) -> String {
    listing_sep(items, ", ")
}

fn listing_sep(items: impl Iterator<Item = String>, sep: &str) -> String {
    let mut shown = Vec::new();
    let mut more = 0usize;
    for item in items {
        if shown.len() < EVIDENCE_ITEMS {
            shown.push(item);
        } else {
            more += 1;
        }
    }
    let mut s = shown.join(sep);
    if more > 0 {
        s.push_str(&format!(" and {more} more"));
    }
    s
}

fn clip(s: &str) -> String {
    match s.char_indices().nth(120) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
}
