//! OpenVEX input.
//!
//! Reads OpenVEX v0.2.0 documents (and the older v0.0.x shape, where
//! `vulnerability` and `products` are plain strings and `subcomponents`
//! sits on the statement) and applies them to findings: for each finding,
//! among the statements naming one of its ids and covering its package, the
//! latest by timestamp decides; `not_affected` and `fixed` suppress it,
//! `affected` and `under_investigation` do not.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use drydock_findings::{Suppression, SuppressionKind, Vulnerability};
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

use crate::error::path_text;
use crate::purl::{Candidate, PurlPattern};
use crate::{Applied, PolicyError, load, when};

/// The `@context` prefix every OpenVEX document carries (`…/ns`,
/// `…/ns/v0.0.1`, `…/ns/v0.2.0`).
const CONTEXT_PREFIX: &str = "https://openvex.dev/ns";

/// The justification labels defined by the VEX working group.
const JUSTIFICATIONS: [&str; 5] = [
    "component_not_present",
    "vulnerable_code_not_present",
    "vulnerable_code_not_in_execute_path",
    "vulnerable_code_cannot_be_controlled_by_adversary",
    "inline_mitigations_already_exist",
];

/// A statement's impact status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VexStatus {
    /// No remediation required; suppresses.
    NotAffected,
    /// Affected; suppresses nothing.
    Affected,
    /// Fixed in these product versions; suppresses.
    Fixed,
    /// Not yet known; suppresses nothing.
    UnderInvestigation,
}

impl VexStatus {
    /// The label as OpenVEX spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotAffected => "not_affected",
            Self::Affected => "affected",
            Self::Fixed => "fixed",
            Self::UnderInvestigation => "under_investigation",
        }
    }

    /// Whether a finding this status applies to is suppressed.
    pub fn suppresses(self) -> bool {
        matches!(self, Self::NotAffected | Self::Fixed)
    }
}

impl fmt::Display for VexStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A component of a VEX product: its identifiers as purl patterns.
#[derive(Debug, Clone, Default)]
pub struct VexComponent {
    /// The `@id`, as written.
    pub id: Option<String>,
    /// The purls it is known by: `@id` when that is a purl, and
    /// `identifiers.purl`.
    pub purls: Vec<PurlPattern>,
}

/// A product of a statement.
#[derive(Debug, Clone, Default)]
pub struct VexProduct {
    /// The product itself.
    pub component: VexComponent,
    /// Its subcomponents.
    pub subcomponents: Vec<VexComponent>,
}

impl VexProduct {
    /// True when the product is the package itself, or contains it as a
    /// subcomponent. The product of a subcomponent match is typically the
    /// image (`pkg:oci/…`) and is not compared against anything: the caller
    /// chose to apply this document to the image being scanned.
    pub fn covers(&self, package: &Candidate) -> bool {
        self.component
            .purls
            .iter()
            .chain(self.subcomponents.iter().flat_map(|s| &s.purls))
            .any(|p| p.matches_candidate(package))
    }
}

/// One VEX statement, normalised across OpenVEX versions.
#[derive(Debug, Clone)]
pub struct VexStatement {
    /// The vulnerability name.
    pub vulnerability: String,
    /// Other names of the vulnerability.
    pub aliases: Vec<String>,
    /// The products it is about.
    pub products: Vec<VexProduct>,
    /// Subcomponents given on the statement itself (OpenVEX v0.0.x), which
    /// belong to every product. Kept here rather than copied into each
    /// product so a large document cannot multiply its size.
    pub subcomponents: Vec<VexComponent>,
    /// The status.
    pub status: VexStatus,
    /// The justification label (for `not_affected`).
    pub justification: Option<String>,
    /// Free-text reason the product is not affected.
    pub impact_statement: Option<String>,
    /// Remediation advice (for `affected`).
    pub action_statement: Option<String>,
    /// The statement's timestamp, or the document's, as written.
    pub timestamp: Option<String>,
    /// JSON path of the statement in its document: `statements[3]`.
    pub path: String,
    /// The timestamp as Unix nanoseconds, for ordering.
    order: Option<i128>,
}

impl VexStatement {
    /// True when one of `ids` is the statement's name or an alias
    /// (case-insensitively, as ids like GHSA are case-folded by some tools).
    pub fn names_any<'a>(&self, mut ids: impl Iterator<Item = &'a str>) -> bool {
        ids.any(|id| {
            self.vulnerability.eq_ignore_ascii_case(id)
                || self.aliases.iter().any(|a| a.eq_ignore_ascii_case(id))
        })
    }

    /// True when one of the statement's products is the package, or
    /// contains it as a subcomponent (see [`VexProduct::covers`]).
    pub fn covers(&self, package: &Candidate) -> bool {
        self.products.iter().any(|p| p.covers(package))
            || (!self.products.is_empty()
                && self
                    .subcomponents
                    .iter()
                    .flat_map(|c| &c.purls)
                    .any(|p| p.matches_candidate(package)))
    }

    /// The suppression reason: justification and impact statement.
    fn reason(&self) -> String {
        let parts: Vec<&str> = [
            self.justification.as_deref(),
            self.impact_statement.as_deref(),
        ]
        .into_iter()
        .flatten()
        .filter(|s| !s.is_empty())
        .collect();
        if parts.is_empty() {
            self.status.as_str().to_owned()
        } else if self.status == VexStatus::Fixed {
            format!("fixed: {}", parts.join(": "))
        } else {
            parts.join(": ")
        }
    }
}

/// A parsed OpenVEX document.
#[derive(Debug, Clone)]
pub struct VexDocument {
    /// The file it came from, as named in messages and suppressions.
    pub source: String,
    /// The document `@id`.
    pub id: Option<String>,
    /// The document author.
    pub author: Option<String>,
    /// The statements, in document order.
    pub statements: Vec<VexStatement>,
}

// ---- wire format ---------------------------------------------------------

#[derive(Deserialize)]
#[serde(expecting = "an OpenVEX document object")]
struct RawDoc {
    #[serde(rename = "@context")]
    context: String,
    #[serde(rename = "@id", default)]
    id: Option<String>,
    #[serde(default)]
    author: Option<String>,
    #[serde(default, deserialize_with = "de_timestamp")]
    timestamp: Option<Stamp>,
    statements: Vec<RawStatement>,
}

#[derive(Deserialize)]
#[serde(expecting = "a statement object")]
struct RawStatement {
    vulnerability: RawVuln,
    #[serde(default)]
    products: Option<Vec<RawComponent>>,
    /// v0.0.x: subcomponents of every product of the statement.
    #[serde(default)]
    subcomponents: Option<Vec<RawComponent>>,
    status: VexStatus,
    #[serde(default)]
    justification: Option<String>,
    #[serde(default)]
    impact_statement: Option<String>,
    #[serde(default)]
    action_statement: Option<String>,
    #[serde(default, deserialize_with = "de_timestamp")]
    timestamp: Option<Stamp>,
}

struct Stamp {
    text: String,
    nanos: i128,
}

fn de_timestamp<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Stamp>, D::Error> {
    let Some(text) = Option::<String>::deserialize(d)? else {
        return Ok(None);
    };
    let ts = when::parse_rfc3339(text.trim())
        .ok_or_else(|| de::Error::custom(format!("`{text}` is not an RFC 3339 timestamp")))?;
    Ok(Some(Stamp {
        nanos: ts.unix_timestamp_nanos(),
        text,
    }))
}

/// `vulnerability`: an object `{name, aliases}` (v0.2.0) or a string
/// (v0.0.x).
struct RawVuln {
    name: String,
    aliases: Vec<String>,
}

#[derive(Deserialize)]
#[serde(expecting = "a vulnerability object with `name`")]
struct VulnObject {
    name: String,
    #[serde(default)]
    aliases: Option<Vec<String>>,
}

impl<'de> Deserialize<'de> for RawVuln {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawVuln;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a vulnerability name or an object with `name`")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<RawVuln, E> {
                Ok(RawVuln {
                    name: s.to_owned(),
                    aliases: Vec::new(),
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawVuln, A::Error> {
                // Going through the map access (not an untagged enum) keeps
                // the precise path and cause of an error inside the object.
                let o = VulnObject::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(RawVuln {
                    name: o.name,
                    aliases: o.aliases.unwrap_or_default(),
                })
            }
        }
        d.deserialize_any(V)
    }
}

/// A product or subcomponent: an object with `@id`, `identifiers` and
/// `subcomponents` (v0.2.0) or a plain identifier string (v0.0.x).
#[derive(Default)]
struct RawComponent {
    id: Option<String>,
    identifiers_purl: Option<String>,
    subcomponents: Vec<RawComponent>,
}

#[derive(Deserialize)]
#[serde(expecting = "a product object")]
struct ComponentObject {
    #[serde(rename = "@id", default)]
    id: Option<String>,
    #[serde(default)]
    identifiers: Option<Identifiers>,
    #[serde(default)]
    subcomponents: Option<Vec<RawComponent>>,
}

#[derive(Deserialize)]
#[serde(expecting = "an identifiers object")]
struct Identifiers {
    #[serde(default)]
    purl: Option<String>,
}

impl<'de> Deserialize<'de> for RawComponent {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawComponent;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a product identifier or an object with `@id`")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<RawComponent, E> {
                Ok(RawComponent {
                    id: Some(s.to_owned()),
                    ..RawComponent::default()
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawComponent, A::Error> {
                let o = ComponentObject::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(RawComponent {
                    id: o.id,
                    identifiers_purl: o.identifiers.and_then(|i| i.purl),
                    subcomponents: o.subcomponents.unwrap_or_default(),
                })
            }
        }
        d.deserialize_any(V)
    }
}

impl RawComponent {
    /// The component's purls. Non-purl `@id`s (document IRIs, image
    /// digests) are legitimate and simply not matchable; an `@id` or
    /// `identifiers.purl` that claims to be a purl but does not parse is
    /// reported.
    fn into_component(self, path: &str, source: &str, warnings: &mut Vec<String>) -> VexComponent {
        let mut purls = Vec::new();
        let candidates = [
            (self.id.as_deref(), "@id"),
            (self.identifiers_purl.as_deref(), "identifiers.purl"),
        ];
        for (text, field) in candidates {
            let Some(text) = text.map(str::trim) else {
                continue;
            };
            if !text.starts_with("pkg:") {
                if field == "identifiers.purl" {
                    warnings.push(format!(
                        "{source}: {path}.{field}: `{text}` is not a purl; ignored"
                    ));
                }
                continue;
            }
            match PurlPattern::parse(text) {
                Ok(p) => {
                    if !purls.contains(&p) {
                        purls.push(p);
                    }
                }
                Err(e) => warnings.push(format!(
                    "{source}: {path}.{field}: invalid purl `{text}`: {e}; ignored"
                )),
            }
        }
        VexComponent { id: self.id, purls }
    }
}

impl VexDocument {
    /// Reads and parses an OpenVEX JSON file. Returns the document and
    /// its warnings.
    pub fn load(path: &Path) -> Result<(Self, Vec<String>), PolicyError> {
        let text = load::read_text(path)?;
        Self::parse(&text, &path.display().to_string())
    }

    /// Parses an OpenVEX JSON document; `source` names it in errors,
    /// warnings and suppressions. Errors carry the JSON path and cause.
    /// Warnings cover what the spec requires but can be worked around: a
    /// `not_affected` statement without justification or impact statement,
    /// an unknown justification label, a statement without products or
    /// timestamp, unparseable purls.
    pub fn parse(text: &str, source: &str) -> Result<(Self, Vec<String>), PolicyError> {
        let mut de = serde_json::Deserializer::from_str(text);
        let raw: RawDoc =
            serde_path_to_error::deserialize(&mut de).map_err(|e| PolicyError::Vex {
                file: source.to_owned(),
                path: path_text(e.path()),
                message: e.inner().to_string(),
            })?;
        // Trailing garbage after the document is malformed too.
        de.end().map_err(|e| PolicyError::Vex {
            file: source.to_owned(),
            path: "document".to_owned(),
            message: e.to_string(),
        })?;
        if !raw.context.trim().starts_with(CONTEXT_PREFIX) {
            return Err(PolicyError::Vex {
                file: source.to_owned(),
                path: "@context".to_owned(),
                message: format!(
                    "`{}` is not an OpenVEX context (expected {CONTEXT_PREFIX}/v0.2.0)",
                    raw.context
                ),
            });
        }

        let mut warnings = Vec::new();
        let doc_stamp = raw.timestamp;
        let mut statements = Vec::with_capacity(raw.statements.len());
        for (i, s) in raw.statements.into_iter().enumerate() {
            let path = format!("statements[{i}]");
            statements.push(normalize_statement(
                s,
                path,
                doc_stamp.as_ref(),
                source,
                &mut warnings,
            ));
        }
        if statements.is_empty() {
            warnings.push(format!("{source}: the document has no statements"));
        }
        Ok((
            Self {
                source: source.to_owned(),
                id: raw.id,
                author: raw.author,
                statements,
            },
            warnings,
        ))
    }
}

fn normalize_statement(
    s: RawStatement,
    path: String,
    doc_stamp: Option<&Stamp>,
    source: &str,
    warnings: &mut Vec<String>,
) -> VexStatement {
    let vuln = s.vulnerability.name.trim().to_owned();
    if vuln.is_empty() {
        warnings.push(format!(
            "{source}: {path}.vulnerability: empty name; the statement matches nothing"
        ));
    }
    let stamp = s.timestamp.as_ref().or(doc_stamp);
    if stamp.is_none() {
        warnings.push(format!(
            "{source}: {path}: no timestamp on the statement or the document; ordered as oldest"
        ));
    }
    let nonempty = |o: Option<String>| o.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty());
    let justification = nonempty(s.justification);
    let impact_statement = nonempty(s.impact_statement);
    if let Some(j) = &justification
        && !JUSTIFICATIONS.contains(&j.as_str())
    {
        warnings.push(format!(
            "{source}: {path}.justification: `{j}` is not an OpenVEX justification label"
        ));
    }
    if s.status == VexStatus::NotAffected && justification.is_none() && impact_statement.is_none() {
        warnings.push(format!(
            "{source}: {path}: not_affected without justification or impact_statement (required by OpenVEX)"
        ));
    }

    // v0.0.x statement-level subcomponents belong to every product.
    let shared_subs: Vec<VexComponent> = s
        .subcomponents
        .unwrap_or_default()
        .into_iter()
        .enumerate()
        .map(|(j, c)| c.into_component(&format!("{path}.subcomponents[{j}]"), source, warnings))
        .collect();
    let products: Vec<VexProduct> = s
        .products
        .unwrap_or_default()
        .into_iter()
        .enumerate()
        .map(|(j, mut p)| {
            let ppath = format!("{path}.products[{j}]");
            let raw_subs = std::mem::take(&mut p.subcomponents);
            let subcomponents: Vec<VexComponent> = raw_subs
                .into_iter()
                .enumerate()
                .map(|(k, c)| {
                    c.into_component(&format!("{ppath}.subcomponents[{k}]"), source, warnings)
                })
                .collect();
            let product = VexProduct {
                component: p.into_component(&ppath, source, warnings),
                subcomponents,
            };
            if product.component.purls.is_empty()
                && product
                    .subcomponents
                    .iter()
                    .chain(&shared_subs)
                    .all(|c| c.purls.is_empty())
            {
                warnings.push(format!(
                    "{source}: {ppath}: no purl on the product or its subcomponents; it matches nothing"
                ));
            }
            product
        })
        .collect();
    if products.is_empty() {
        warnings.push(format!(
            "{source}: {path}: no products; the statement matches nothing"
        ));
    }

    VexStatement {
        vulnerability: vuln,
        aliases: s
            .vulnerability
            .aliases
            .into_iter()
            .map(|a| a.trim().to_owned())
            .filter(|a| !a.is_empty())
            .collect(),
        products,
        subcomponents: shared_subs,
        status: s.status,
        justification,
        impact_statement,
        action_statement: nonempty(s.action_statement),
        timestamp: stamp.map(|t| t.text.clone()),
        order: stamp.map(|t| t.nanos),
        path,
    }
}

/// Applies VEX documents to findings. For each finding not already
/// suppressed, the statements that name one of its ids and have a product
/// covering its package are ordered by timestamp (document then statement
/// order breaking ties, so later input wins); the latest decides. If its
/// status is `not_affected` or `fixed` the finding is suppressed with kind
/// `Vex`, the document as source and justification plus impact statement as
/// reason.
pub fn apply_vex(findings: &mut [Vulnerability], docs: &[VexDocument]) -> Applied {
    // Index statements by every name they answer to, so each finding looks
    // up only its own candidates.
    let mut by_id: HashMap<String, Vec<(usize, usize)>> = HashMap::new();
    for (d, doc) in docs.iter().enumerate() {
        for (s, st) in doc.statements.iter().enumerate() {
            for name in std::iter::once(&st.vulnerability).chain(&st.aliases) {
                if name.is_empty() {
                    continue;
                }
                let slot = by_id.entry(name.to_ascii_uppercase()).or_default();
                if slot.last() != Some(&(d, s)) {
                    slot.push((d, s));
                }
            }
        }
    }

    let mut out = Applied::default();
    if by_id.is_empty() {
        return out;
    }
    for v in findings.iter_mut().filter(|v| v.suppressed.is_none()) {
        let mut refs: Vec<(usize, usize)> = v
            .ids()
            .filter_map(|id| by_id.get(&id.to_ascii_uppercase()))
            .flatten()
            .copied()
            .collect();
        if refs.is_empty() {
            continue;
        }
        refs.sort_unstable();
        refs.dedup();
        let package = Candidate::parse(&v.package.purl);
        let latest = refs
            .into_iter()
            .filter_map(|(d, s)| {
                let doc = docs.get(d)?;
                let st = doc.statements.get(s)?;
                st.covers(&package)
                    .then_some((st.order.unwrap_or(i128::MIN), d, s, doc, st))
            })
            .max_by_key(|&(order, d, s, _, _)| (order, d, s));
        if let Some((_, _, _, doc, st)) = latest
            && st.status.suppresses()
        {
            v.suppressed = Some(Suppression {
                kind: SuppressionKind::Vex,
                source: doc.source.clone(),
                reason: Some(st.reason()),
            });
            out.suppressed += 1;
        }
    }
    out
}
