//! Scan reports: the stable output model of drydock and its renderers.
//!
//! A [`ScanReport`] bundles what was scanned (the [`Target`]), what was found
//! (a [`drydock_inventory::Inventory`]), which tool made it ([`ToolInfo`]),
//! when (`created`, injected by the caller so output is reproducible), the
//! vulnerabilities matched against the inventory, the secrets,
//! misconfigurations and malware found in the image and any warnings.
//! [`render`] writes it in one of five [`Format`]s
//! ([`render_sections`] also takes the table [`Sections`] to show,
//! [`render_with`] the older [`RenderOptions`]):
//!
//! - [`Format::Table`]: aligned plain text for people, packages sorted by
//!   ecosystem then name, then vulnerabilities grouped by package, unknowns
//!   and warnings listed at the end. Control characters from the image are
//!   escaped so a hostile package name cannot drive the terminal. The
//!   vulnerability section has a header line per package (name, installed
//!   version, ecosystem and source package, path, layer), packages with the
//!   most severe findings first, then one line per advisory, severity then
//!   id: `  HIGH  CVE-2024-2961  (CVE aliases)  fixed in 2.36-9+deb12u7` or
//!   `… no fix: wont-fix`. It closes with `52 vulnerabilities (critical 3,
//!   high 20, …); 40 fixable; 2 suppressed`: suppressed findings are
//!   counted there, not listed. The secret section lists one aligned line
//!   per secret, files first (by layer, then path and line), then `Env`,
//!   labels and history entries: `  HIGH  aws-access-key-id
//!   /app/.env:3  layer 1  deleted in layer 2  AKIA…(20)`, always the
//!   redacted form (a revealed value is only in JSON and SARIF). It closes
//!   with `4 secrets (critical 1, high 2, medium 1); 1 in deleted files; 1
//!   suppressed`. The misconfiguration section groups findings by source
//!   under a heading line (`dockerfile`, `image`, `kubernetes`), defects
//!   first and the info-level hardening inventory last (headed `image
//!   (info)`); within a group by file and object, then most severe first,
//!   by line and check id. Each finding is a line `  HIGH  DD-IMG-001
//!   Image runs as root  config.User  User is empty` (the location is
//!   `/file:line`, `/file:7-9` for a span, else the config path, else
//!   `layer N`, with any object in parentheses), then its remediation
//!   indented on the next line. Lines fit 100 columns: long titles and
//!   locations share the room (a location keeps its end), long evidence
//!   is cut with `…`. It closes with `7 misconfigurations (critical 1,
//!   high 1, …, info 2); 1 suppressed`. The malware section lists most
//!   severe first, then by path: `  CRITICAL  webshell
//!   yara:php_webshell_eval  /var/www/html/up.php (layer 2, deleted in
//!   layer 3)`, with up to three evidence lines indented below (and `(+N
//!   more)`), closing with `3 malware findings (critical 1, …); 1 in
//!   deleted files; 1 suppressed`. Which sections show is the caller's
//!   choice ([`Sections`]): by default a findings section appears when the
//!   report has findings, and a caller that knows a scanner ran can ask
//!   for "No secrets found." ([`Sections::for_scanners`]).
//! - [`Format::Json`]: the [`ScanReport`] itself, serialized with serde.
//! - [`Format::CycloneDxJson`]: a CycloneDX 1.6 BOM, vulnerabilities in its
//!   `vulnerabilities` array. Secrets, misconfigurations and malware are
//!   left out (see below).
//! - [`Format::SpdxJson`]: an SPDX 2.3 document. SPDX 2.3 has no
//!   vulnerability elements, so each finding is a `SECURITY`/`advisory`
//!   external reference of its package (the image's when the inventory
//!   lacks the package) whose locator is the advisory page and whose
//!   `comment` holds the id, aliases, severity, fix and any suppression
//!   (an `OTHER`/`drydock-vulnerability` reference with the percent-encoded
//!   id as locator when no advisory URL can be made). Secrets,
//!   misconfigurations and malware are left out: SPDX 2.3 has no element
//!   for them.
//! - [`Format::Sarif`]: a SARIF 2.1.0 log of the findings, for code-scanning
//!   dashboards.
//!
//! Every renderer lists vulnerabilities in one order: most severe first,
//! then by advisory id, purl, path and layer. SARIF lists secrets most
//! severe first, then by rule id and location; the table groups them by
//! location. SARIF lists misconfigurations most severe first, then by
//! check id, source and location (file, object, line, config path,
//! layer), and malware most severe first, then by engine, rule, path and
//! layer; the table orders them as described above. JSON keeps the
//! scanner's order for every kind of finding, as it does for
//! vulnerabilities and secrets: it is the report itself, and the same
//! report always serializes to the same bytes.
//!
//! A secret's value ([`drydock_findings::Secret::secret`]) appears only when
//! the caller filled it (the user asked to reveal secrets), and then only in
//! JSON and in the SARIF result's `secret` property. Every other field a
//! renderer shows (rule, title, place, `redacted`, `fingerprint`) is the
//! scanner's and must not contain the secret.
//!
//! Renderers only render: they never drop, merge or judge packages. Where a
//! format has rules the data may break (SPDX identifiers allow only
//! `[A-Za-z0-9.-]`, CycloneDX versions are at most 1024 characters, license
//! ids must come from the SPDX list), the value is encoded to fit and the
//! original is kept in a property or extracted-license entry. Serial numbers,
//! document namespaces and identifiers are derived from a hash of the report,
//! so the same report always renders to the same bytes.
//!
//! # JSON format
//!
//! The `json` format is the serde form of [`ScanReport`]; these field names
//! are stable (optional fields are omitted when empty):
//!
//! - `tool`: `{ "name": "drydock", "version": "0.1.0" }`
//! - `created`: RFC 3339 UTC timestamp string
//! - `target`: `name` (what the user asked to scan), `kind` (`"image"` or
//!   `"filesystem"`), `manifest_digest`, `config_digest` (`"sha256:…"`),
//!   `repo_tags`, `repo_digests`, `platform` (`"linux/amd64"`), `layers`
//!   (each `index`, `diff_id`, `created_by`, `size`), `os` (a distro:
//!   `id`, `version_id`, `codename`, `pretty_name`, `id_like`)
//! - `inventory`: `distro`, `packages` (each `name`, `version`, `ecosystem`,
//!   `purl`, `namespace`, `licenses`, `arch`, `source` (`name`, `version`),
//!   `layer` (`index`, `diff_id`), `locations` (each `path`, `layer`,
//!   `evidence`: `"primary"`/`"supporting"`), `found_by`, `metadata` (tagged
//!   by `kind`)), `unknowns` (each `path`, `layer`, `analyzer`, `reason`)
//! - `vulnerabilities` (omitted when empty): each `id`, `aliases`, `package`
//!   (`name`, `version`, `ecosystem`, `purl`, `source` (`name`, `version`),
//!   `path` (without the leading `/`), `layer` (`index`, `diff_id`)),
//!   `matched_version`, `fixed_versions`, `fix_state` (`"fixed"`,
//!   `"not-fixed"`, `"wont-fix"`, `"deferred"`, `"end-of-life"`,
//!   `"unknown"`), `severity` (`"unknown"`, `"negligible"`, `"low"`,
//!   `"medium"`, `"high"`, `"critical"`), `severity_source`, `cvss` (each
//!   `kind`, `vector`, `score`), `summary`, `feed`, `reason`, `references`,
//!   `published`, `suppressed` (`kind`: `"ignore-file"` or `"vex"`,
//!   `source`, `reason`). Suppressed findings are included, marked.
//! - `secrets` (omitted when empty): each `rule_id`, `title`, `category`,
//!   `severity` (as for vulnerabilities), `location` (tagged by `kind`:
//!   `"file"` with `path` (without the leading `/`; archive members as
//!   `outer.jar!/inner/file`), `layer` (`index`, `diff_id`),
//!   `deleted_in_layer`, `replaced_in_layer`, `line`, `column` (1-based);
//!   `"env"` and `"label"` with `name`; `"history"` with `index` and
//!   `layer`), `redacted`, `secret` (only when revealed), `fingerprint`,
//!   `suppressed` (as for vulnerabilities). Suppressed secrets are
//!   included, marked.
//! - `misconfigurations` (omitted when empty): each `check_id`
//!   (`DD-IMG-001`, `DD-DF-003`, a custom policy's id), `title`,
//!   `severity` (as for vulnerabilities, plus `"info"` for the hardening
//!   inventory), `source` (`"image"`, `"dockerfile"`, `"kubernetes"`,
//!   `"compose"`, `"docker-inspect"`, `"daemon"`, `"policy"`), `location`
//!   (every field optional: `file` (a path inside the image without the
//!   leading `/`, or a file on disk), `line`, `end_line` (1-based),
//!   `config_path` (`config.User`,
//!   `spec.template.spec.containers[0].securityContext.privileged`),
//!   `layer` (an index), `object` (`Deployment/web`)), `evidence`,
//!   `remediation`, `references` (`CIS-Docker-4.1`, `hadolint:DL3008`),
//!   `suppressed` (as for vulnerabilities). Suppressed findings are
//!   included, marked.
//! - `malware` (omitted when empty): each `engine` (`"yara"`, `"hash"`,
//!   `"clamav"`), `rule`, `category` (`"webshell"`, `"miner"`,
//!   `"backdoor"`, `"hacktool"`, `"rootkit"`, `"test-file"`, `"malware"`),
//!   `severity`, `description`, `path` (without the leading `/`; archive
//!   members as `outer.jar!/member`), `layer` (`index`, `diff_id`),
//!   `deleted_in_layer`, `replaced_in_layer`, `evidence` (list of
//!   strings), `sha256` (hex), `suppressed` (as for vulnerabilities).
//!   Suppressed findings are included, marked.
//! - `warnings`: list of strings
//!
//! # CycloneDX properties
//!
//! Facts CycloneDX has no field for are `properties` in the `drydock:`
//! namespace: on packages `drydock:package:type`, `:found-by`,
//! `:layer-index`, `:layer-diff-id`, `:evidence-path` (one per location),
//! `:source-name`, `:source-version`, `:arch`, `:full-version` (when the
//! version had to be shortened), `:malformed-purl` (a purl field that is
//! not shaped like a purl, kept out of `purl`), `:rpm:*`, `:go:*`,
//! `:java:sha1`; on the image `drydock:image:*`; on the BOM metadata `drydock:target:*`,
//! `drydock:warning` and `drydock:unknown`.
//!
//! # CycloneDX vulnerabilities
//!
//! Each finding is one entry of `vulnerabilities`: `id` is the advisory id,
//! `source` the feed (`PyPI`, `Debian:12`, `Go`) with the advisory page as
//! `url`, `references` the aliases with their databases (`NVD` for CVEs,
//! `GitHub` for GHSAs, …), `ratings` one per CVSS entry (score, vector and
//! method `CVSSv2`/`CVSSv3`/`CVSSv31`/`CVSSv4`) plus drydock's severity
//! when no CVSS rating already gives it (`negligible` is CycloneDX `info`),
//! `description` the summary, `recommendation` "Upgrade … to …" when a fix
//! exists, `advisories` the reference links, and `affects` the bom-ref of
//! the package's component (found by purl and location; the image itself
//! when the inventory lacks the package) with the installed version
//! `affected` and the fixed versions `unaffected`. Properties:
//! `drydock:fix-state`, `drydock:reason`, `drydock:layer-index`,
//! `drydock:layer-diff-id`, `drydock:matched-version` (when the advisory was
//! compared against another version, e.g. the source package's),
//! `drydock:severity-source`, `drydock:published` (a date that is not RFC
//! 3339) and `drydock:suppressed` / `drydock:suppression-source`.
//!
//! Suppressed findings stay in the BOM with an `analysis`:
//!
//! - VEX: `state` `not_affected`, with the OpenVEX justification mapped to
//!   CycloneDX's (`component_not_present` and `vulnerable_code_not_present`
//!   → `code_not_present`, `vulnerable_code_not_in_execute_path` →
//!   `code_not_reachable`, `vulnerable_code_cannot_be_controlled_by_adversary`
//!   → `requires_environment`, `inline_mitigations_already_exist` →
//!   `protected_by_mitigating_control`) and the statement in `detail`.
//! - Ignore file: no `state`, only `detail` naming the file and reason. An
//!   ignore rule records that someone chose to hide the finding, not a
//!   verdict on it; every CycloneDX state (`false_positive`, `not_affected`,
//!   `in_triage`, …) would claim one, so drydock claims none.
//!
//! # CycloneDX, SPDX, secrets, misconfigurations and malware
//!
//! Neither format has a place for a leaked credential, and drydock does not
//! invent one: no component, vulnerability, property or count stands for
//! a secret. An SBOM describes what is in an image and is often shared
//! widely; where an image leaks credentials belongs in the findings
//! formats (table, JSON, SARIF). Document identifiers (serial number,
//! namespace) are likewise derived from the report without its secrets, so
//! they neither change with secrets nor give anyone a hash of them.
//! Misconfigurations and malware are left out the same way (neither is a
//! vulnerability of a component), so adding them changes neither SBOM by
//! a byte.
//!
//! # SARIF
//!
//! One run; `tool.driver` is drydock with one rule per advisory id (rule
//! `id` the advisory id, `shortDescription` its summary, `helpUri` its first
//! reference that is a valid URL, `properties.tags` `["vulnerability",
//! "security", SEVERITY]` and `properties.security-severity` the CVSS base
//! score, as a string with one decimal). The score is the highest valid
//! CVSS v3/v4 base score the advisory gives, else its highest v2 score;
//! without any, the severity maps to critical `9.5`, high `8.0`, medium
//! `5.5`, low `2.0`, negligible and unknown `0.0`.
//!
//! One result per finding, most severe first. `level` is `error` for
//! critical and high, `warning` for medium and `note` for the rest. The
//! location is the package's evidence file relative to `IMAGE_ROOT` (the
//! image's root, declared in `originalUriBaseIds`), percent-encoded where
//! the path holds characters a URI may not; packages without a path are
//! located by their purl instead (an absolute `pkg:` URI). The purl is also
//! the location's `logicalLocations` entry (`kind` `package`).
//! `partialFingerprints["drydock/v1"]` hashes the advisory id, purl and
//! path, so the same finding keeps its identity across scans. Result
//! properties: `layer-index`, `layer-diff-id`, `package`,
//! `installed-version`, `fixed-versions`, `fix-state`, `severity`
//! (upper-case), `purl`, `aliases`, `feed`. Suppressed findings are kept,
//! with an `external`, `accepted` suppression whose `justification` is the
//! reason. `run.properties` describe the image (`target-name`,
//! `target-kind`, `manifest-digest`, `config-digest`, `repo-tags`,
//! `repo-digests`, `platform`, `os`, `layers`); warnings and unknowns are
//! the invocation's `toolExecutionNotifications`.
//!
//! ## SARIF secrets
//!
//! One result per secret, after the vulnerabilities, suppressed ones kept
//! as for vulnerabilities. One rule per rule id: `shortDescription` the
//! rule's title, `properties.tags` `["secret", "security", category]` and
//! `security-severity` mapped from the severity as above. `level` follows
//! the severity as for vulnerabilities. The message is `<title> in <where>
//! (<redacted>)`, plus `; deleted in layer N, still readable in layer M`
//! (or `replaced in layer N, …`) when a later layer hid the file.
//! `partialFingerprints["drydock/v1"]` is the secret's own fingerprint.
//! Result properties: `layer-index`, `layer-diff-id` (from the target's
//! layers when the finding lacks it), `deleted-in-layer`,
//! `replaced-in-layer`, `category`, `severity`, `redacted`, `fingerprint`,
//! and `secret` only when the value was revealed.
//!
//! A secret in a file is located like a vulnerability: the path under
//! `IMAGE_ROOT`, percent-encoded, with `region.startLine` and
//! `startColumn` (left out when unknown, i.e. 0). A path that is empty
//! once its leading `/` is dropped names no file, and its result has no
//! location.
//!
//! A secret in the image config (`Env`, a label, a history entry) is in no
//! file. GitHub code scanning requires a non-empty
//! `physicalLocation.artifactLocation.uri` on every result, so these still
//! get one: the uri `image-config.json` under a second base,
//! `IMAGE_CONFIG`, declared in `originalUriBaseIds` (only when used) with a
//! description and no `uri` (optional there: the config is a blob, not a
//! directory anything could be resolved against). A separate
//! base keeps the config from posing as a file of the image (a path under
//! `IMAGE_ROOT` would claim the image holds that file, and any path could
//! collide with a real one), and the name is what code scanning shows next
//! to the alert. Which entry it is goes in a `logicalLocations` entry:
//! `name` the variable, label key or `history[3]`, `fullyQualifiedName`
//! `config.Env[DB_PASSWORD]`, `config.Labels[key]` or `history[3]`, and
//! `kind` `variable`, `property` or `object` (SARIF's kinds for those
//! constructs); there is no `region`. A history entry that created a layer
//! carries that layer's `layer-index`.
//!
//! ## SARIF misconfigurations
//!
//! One result per misconfiguration, after the secrets, suppressed ones
//! kept as for vulnerabilities. One rule per check id: `shortDescription`
//! the title, `help` the remediation, `helpUri` the first reference that
//! is a valid URL, `properties.tags` `["misconfiguration", "security",
//! source]` and `security-severity` mapped from the severity as above
//! (info is `0.0`). `level` follows the severity (info is `note`). The
//! message is `<title> in <where>: <evidence>` (the evidence cut at 200
//! characters; `<where>` as in the table, left out with its `in` when the
//! finding has no location).
//!
//! A finding in a file is located like a secret: the file under
//! `IMAGE_ROOT`, percent-encoded, with `region.startLine` (and `endLine`
//! for a span) when the line is known. A file-less finding of an `image`
//! or `policy` check is about the image config and gets its
//! `image-config.json` under `IMAGE_CONFIG`, like a secret in the config;
//! a file-less finding of another source (a daemon or `docker inspect`
//! check) is about neither, and has logical locations only. Logical
//! locations: the object (`kind` `resource`), then the config path (`kind`
//! `property`, `fullyQualifiedName` `<object>/<config path>` when there is
//! an object). `partialFingerprints["drydock/v1"]` hashes (as for
//! vulnerabilities: SHA-256 of the length-prefixed parts, first 16 bytes
//! in hex) the check id, source, file (without the leading `/`), config
//! path, object and evidence, each empty when absent, so moving a line
//! keeps the finding's identity. Result properties: `layer-index` and
//! `layer-diff-id` (when the finding names a layer), `source`,
//! `severity`, `config-path`, `object`, `evidence`, `references`.
//!
//! ## SARIF malware
//!
//! One result per malware finding, after the misconfigurations,
//! suppressed ones kept. One rule per engine and rule, id
//! `malware/<engine>/<rule>` (so it never shares a rule with an advisory,
//! secret rule or check of the same name): `shortDescription` the
//! description, `properties.tags` `["malware", "security", category]` and
//! `security-severity` mapped from the severity. The message is
//! `<description> (<category>, <engine>:<rule>) in /<path>`, plus `;
//! deleted in layer N, still readable in layer M` (or `replaced …`) when a
//! later layer hid the file. The location is the path under `IMAGE_ROOT`
//! (no region; no location for an empty path).
//! `partialFingerprints["drydock/v1"]` hashes the engine, rule, path and
//! layer index (decimal). Result properties: `layer-index`,
//! `layer-diff-id` (from the target's layers when the finding lacks it),
//! `deleted-in-layer`, `replaced-in-layer`, `engine`, `rule`, `category`,
//! `severity`, `evidence`, `sha256`.

#![deny(missing_docs)]

mod cyclonedx;
mod ids;
mod license;
mod malware;
mod misconfigs;
mod sarif;
mod secrets;
mod spdx;
mod spdx_ids;
mod table;
mod target;
mod time;
mod vulns;

use std::fmt;
use std::io::Write;
use std::str::FromStr;

use drydock_findings::{Malware, Misconfiguration, Secret, Vulnerability};
use drydock_inventory::{Distro, Inventory};
use drydock_oci::Digest;
use serde::{Deserialize, Serialize};

/// Where drydock is documented; the SARIF driver's `informationUri`.
const INFORMATION_URI: &str = env!("CARGO_PKG_REPOSITORY");

/// What kind of thing was scanned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TargetKind {
    /// A container image (archive, layout or registry reference).
    #[default]
    Image,
    /// A root filesystem directory.
    Filesystem,
}

impl TargetKind {
    /// Lowercase name, as in the JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Image => "image",
            Self::Filesystem => "filesystem",
        }
    }
}

/// One layer of the scanned image.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LayerInfo {
    /// Position in the image, base layer first.
    pub index: usize,
    /// Digest of the uncompressed layer tar.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diff_id: Option<Digest>,
    /// The build instruction from the image history.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_by: Option<String>,
    /// Size in bytes, as recorded by the source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
}

/// What was scanned.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    /// The user's argument, e.g. `shop.oci.tar` or `registry/app:1.2`.
    pub name: String,
    /// Image or filesystem.
    pub kind: TargetKind,
    /// Digest of the image manifest, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manifest_digest: Option<Digest>,
    /// Digest of the image config (the image id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config_digest: Option<Digest>,
    /// `repository:tag` names of the image.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub repo_tags: Vec<String>,
    /// `repository@digest` names of the image.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub repo_digests: Vec<String>,
    /// Platform, e.g. `linux/arm64/v8`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<String>,
    /// Layers, base first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub layers: Vec<LayerInfo>,
    /// Operating system release, when detected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os: Option<Distro>,
}

impl Target {
    /// A target of the given kind named by the user's argument, with nothing
    /// else known yet.
    pub fn new(name: impl Into<String>, kind: TargetKind) -> Self {
        Self {
            name: name.into(),
            kind,
            ..Self::default()
        }
    }
}

/// The program that produced a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToolInfo {
    /// Tool name, `drydock`.
    pub name: String,
    /// Tool version.
    pub version: String,
}

impl ToolInfo {
    /// drydock at the version of this crate (the workspace version).
    pub fn drydock() -> Self {
        Self {
            name: "drydock".to_owned(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
        }
    }
}

impl Default for ToolInfo {
    fn default() -> Self {
        Self::drydock()
    }
}

/// Everything a report shows about one scan.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ScanReport {
    /// The producing tool.
    pub tool: ToolInfo,
    /// Creation time, RFC 3339 in UTC (`2024-05-01T12:00:00Z`). Injected by the
    /// caller so tests and reproducible builds get identical output.
    pub created: String,
    /// What was scanned.
    pub target: Target,
    /// What was found.
    pub inventory: Inventory,
    /// Advisories matched against the inventory, suppressed ones included
    /// (marked). Empty when the vulnerability scanner did not run.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vulnerabilities: Vec<Vulnerability>,
    /// Secrets found in layers (deleted ones included), the config and the
    /// history. Empty when the secret scanner did not run.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub secrets: Vec<Secret>,
    /// Configuration findings (image checks, the Dockerfiles inside the
    /// image, custom policies). Empty when the misconfiguration scanner did
    /// not run.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub misconfigurations: Vec<Misconfiguration>,
    /// Files a malware engine flagged, in every layer. Empty when the
    /// malware scanner did not run.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub malware: Vec<Malware>,
    /// Problems worth telling the user that did not stop the scan.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

impl ScanReport {
    /// The detected operating system: the inventory's, else the target's.
    pub fn distro(&self) -> Option<&Distro> {
        self.inventory.distro.as_ref().or(self.target.os.as_ref())
    }
}

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Aligned plain-text table.
    Table,
    /// The report as JSON.
    Json,
    /// CycloneDX 1.6 JSON.
    CycloneDxJson,
    /// SPDX 2.3 JSON.
    SpdxJson,
    /// SARIF 2.1.0 JSON.
    Sarif,
}

impl Format {
    /// Every format, in the order help text lists them.
    pub const ALL: [Format; 5] = [
        Format::Table,
        Format::Json,
        Format::CycloneDxJson,
        Format::SpdxJson,
        Format::Sarif,
    ];

    /// Canonical name, as accepted by [`FromStr`].
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Table => "table",
            Self::Json => "json",
            Self::CycloneDxJson => "cyclonedx-json",
            Self::SpdxJson => "spdx-json",
            Self::Sarif => "sarif",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Format {
    type Err = Error;

    /// Accepts the canonical names plus the aliases `cyclonedx`, `spdx` and
    /// `sarif-json`, ignoring ASCII case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lower = s.trim().to_ascii_lowercase();
        Ok(match lower.as_str() {
            "table" => Self::Table,
            "json" => Self::Json,
            "cyclonedx-json" | "cyclonedx" => Self::CycloneDxJson,
            "spdx-json" | "spdx" => Self::SpdxJson,
            "sarif" | "sarif-json" => Self::Sarif,
            _ => return Err(Error::UnknownFormat(s.to_owned())),
        })
    }
}

/// Why a report could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A format name that is not one of [`Format::ALL`] or their aliases.
    #[error(
        "unknown report format `{0}` (expected table, json, cyclonedx-json, spdx-json or sarif)"
    )]
    UnknownFormat(String),
    /// `ScanReport::created` is not an RFC 3339 timestamp in UTC (the SBOM
    /// and SARIF formats need one).
    #[error("creation time `{0}` is not an rfc 3339 utc timestamp")]
    InvalidTimestamp(String),
    /// Serialization failed.
    #[error("cannot encode report as json: {0}")]
    Json(#[from] serde_json::Error),
    /// Writing the output failed.
    #[error("cannot write report: {0}")]
    Io(#[from] std::io::Error),
}

/// Choices that change what a rendering shows, not what it means.
///
/// Kept as it was before the table had more than two sections, so existing
/// callers compile unchanged; it maps onto [`Sections`] (see
/// [`RenderOptions::sections`]), which says per section what to show and is
/// what [`render_sections`] takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RenderOptions {
    /// Table only: list every package. The package list is the table's SBOM
    /// view; a vulnerability scan shows only its findings by turning this
    /// off. The vulnerability section appears whenever the report has
    /// findings, and always when the package list is off (saying "No
    /// vulnerabilities found." if there are none). The secret,
    /// misconfiguration and malware sections appear whenever the report has
    /// such findings. Machine formats always carry everything.
    pub show_packages: bool,
}

impl Default for RenderOptions {
    /// Packages shown: what [`render`] does.
    fn default() -> Self {
        Self {
            show_packages: true,
        }
    }
}

impl RenderOptions {
    /// The table sections these options stand for: [`Sections::DEFAULT`]
    /// with the package list on, [`Sections::findings`]`(true, false)` with
    /// it off, except that secrets, misconfigurations and malware still
    /// show when the report has any.
    pub const fn sections(&self) -> Sections {
        if self.show_packages {
            Sections::DEFAULT
        } else {
            Sections {
                packages: Show::Never,
                vulnerabilities: Show::Always,
                secrets: Show::IfAny,
                misconfigurations: Show::IfAny,
                malware: Show::IfAny,
            }
        }
    }
}

impl From<RenderOptions> for Sections {
    fn from(o: RenderOptions) -> Self {
        o.sections()
    }
}

/// When the table shows a section.
///
/// A report cannot tell "the scanner ran and found nothing" from "the
/// scanner did not run" (both are an empty list), so only the caller, who
/// knows which scanners ran, can ask for a "No … found." line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Show {
    /// Never.
    Never,
    /// When the report has entries for it, suppressed findings included
    /// (the section then only counts them).
    #[default]
    IfAny,
    /// Always, saying "No packages found." (or vulnerabilities, secrets,
    /// misconfigurations, malware) when there is nothing to list.
    Always,
}

/// Which sections the table shows. Machine formats always carry
/// everything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sections {
    /// The package list (the table's SBOM view).
    pub packages: Show,
    /// Vulnerabilities, grouped by package.
    pub vulnerabilities: Show,
    /// Secrets, grouped by location.
    pub secrets: Show,
    /// Misconfigurations, grouped by source, with their remediations.
    pub misconfigurations: Show,
    /// Malware, one line per flagged file and rule.
    pub malware: Show,
}

impl Sections {
    /// What [`render`] shows: every package (or "No packages found."),
    /// then each kind of finding the report has.
    pub const DEFAULT: Self = Self {
        packages: Show::Always,
        vulnerabilities: Show::IfAny,
        secrets: Show::IfAny,
        misconfigurations: Show::IfAny,
        malware: Show::IfAny,
    };

    /// A vulnerability and secret view: no package list, and a section,
    /// "No … found." when empty, for each of the two scanners that ran;
    /// misconfigurations and malware are left out. Kept for callers
    /// written before those scanners existed; [`Sections::for_scanners`]
    /// covers every scanner.
    pub const fn findings(vulnerabilities: bool, secrets: bool) -> Self {
        Self::for_scanners(vulnerabilities, secrets, false, false)
    }

    /// A findings view: no package list, and a section, "No … found." when
    /// empty, for each scanner that ran (the others' sections are left
    /// out).
    pub const fn for_scanners(
        vulnerabilities: bool,
        secrets: bool,
        misconfigurations: bool,
        malware: bool,
    ) -> Self {
        const fn ran(yes: bool) -> Show {
            if yes { Show::Always } else { Show::Never }
        }
        Self {
            packages: Show::Never,
            vulnerabilities: ran(vulnerabilities),
            secrets: ran(secrets),
            misconfigurations: ran(misconfigurations),
            malware: ran(malware),
        }
    }
}

impl Default for Sections {
    /// [`Sections::DEFAULT`].
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// Renders `report` as `format` into `out` with the default
/// [`RenderOptions`] (every section the report has data for).
///
/// The whole document is built in memory before the first byte is written,
/// so an error never leaves half a document behind in `out`.
pub fn render(report: &ScanReport, format: Format, out: &mut dyn Write) -> Result<(), Error> {
    render_with(report, format, &RenderOptions::default(), out)
}

/// Renders `report` as `format` into `out`, as `options` say.
///
/// Like [`render`], builds the whole document before writing any of it.
pub fn render_with(
    report: &ScanReport,
    format: Format,
    options: &RenderOptions,
    out: &mut dyn Write,
) -> Result<(), Error> {
    render_sections(report, format, &options.sections(), out)
}

/// Renders `report` as `format` into `out`, the table showing the
/// `sections` asked for.
///
/// Like [`render`], builds the whole document before writing any of it.
pub fn render_sections(
    report: &ScanReport,
    format: Format,
    sections: &Sections,
    out: &mut dyn Write,
) -> Result<(), Error> {
    let bytes = match format {
        Format::Table => table::render(report, sections).into_bytes(),
        Format::Json => to_json(report)?,
        Format::CycloneDxJson => to_json(&cyclonedx::build(report)?)?,
        Format::SpdxJson => to_json(&spdx::build(report)?)?,
        Format::Sarif => to_json(&sarif::build(report)?)?,
    };
    out.write_all(&bytes)?;
    out.flush()?;
    Ok(())
}

fn to_json<T: Serialize>(value: &T) -> Result<Vec<u8>, Error> {
    let mut bytes = serde_json::to_vec_pretty(value)?;
    bytes.push(b'\n');
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_names_round_trip() {
        for f in Format::ALL {
            assert_eq!(f.as_str().parse::<Format>().unwrap(), f);
        }
        assert_eq!(
            "cyclonedx".parse::<Format>().unwrap(),
            Format::CycloneDxJson
        );
        assert_eq!("SPDX".parse::<Format>().unwrap(), Format::SpdxJson);
        assert_eq!("Sarif-JSON".parse::<Format>().unwrap(), Format::Sarif);
        let err = "xml".parse::<Format>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown report format `xml` (expected table, json, cyclonedx-json, spdx-json or sarif)"
        );
    }

    #[test]
    fn distro_prefers_inventory() {
        let mut r = ScanReport::default();
        r.target.os = Some(Distro {
            id: "target".into(),
            ..Distro::default()
        });
        assert_eq!(r.distro().unwrap().id, "target");
        r.inventory.distro = Some(Distro {
            id: "inv".into(),
            ..Distro::default()
        });
        assert_eq!(r.distro().unwrap().id, "inv");
    }
}
