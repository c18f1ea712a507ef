//! Custom policies in Rego for drydock's misconfiguration scanner,
//! evaluated in-process with [regorus](https://github.com/microsoft/regorus).
//!
//! A [`PolicySet`] is a directory of `.rego` files (and optional data
//! documents) loaded and prepared once; [`PolicySet::evaluate`] then runs
//! every policy that applies to one input document and turns their results
//! into [`Misconfiguration`](drydock_findings::Misconfiguration) findings.
//!
//! ```no_run
//! use drydock_rego::{InputKind, PolicySet};
//!
//! let set = PolicySet::load_dir("examples/policies".as_ref())?;
//! let manifest = serde_json::json!({
//!     "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web"},
//!     "spec": {"containers": [{"name": "web", "image": "nginx:latest"}]}
//! });
//! let ev = set.evaluate(InputKind::Kubernetes, &manifest, "k8s/web.yaml")?;
//! for f in &ev.findings {
//!     println!("{} {} {}", f.severity, f.check_id, f.evidence);
//! }
//! for w in &ev.warnings {
//!     eprintln!("warning: {w}");
//! }
//! # Ok::<(), drydock_rego::RegoError>(())
//! ```
//!
//! # Conventions
//!
//! The full reference, with the input documents of every kind, is
//! `docs/policies.md`. In short:
//!
//! - **Files.** Every `*.rego` under the directory, recursively, except
//!   `*_test.rego`, hidden entries and symlinked directories. Data documents
//!   are files named `data.json`, `data.yaml`/`data.yml` or
//!   `<name>.data.{json,yaml,yml}`; they must be objects and are merged at
//!   the root of `data` (`drydock` and `drydock_context` are reserved keys).
//! - **Policies.** A policy is a package under `drydock.`
//!   (`package drydock.custom.registry`) declaring `deny` and/or `warn`
//!   partial-set rules. Other packages, under `drydock.` or not, are helper
//!   libraries: loaded, importable, never run on their own.
//! - **Metadata.** Each policy has a `__rego_metadata__` (or `metadata`)
//!   object: `id`, `title`, `severity` required; `description`,
//!   `remediation`, `references`, `warn_severity` and `input_kinds`
//!   (`image`, `dockerfile`, `kubernetes`, `compose`, `docker-inspect`,
//!   `daemon`; all kinds when absent) optional. Ids are unique and may not
//!   start with `DD-` (drydock's built-in checks).
//! - **Results.** A `deny`/`warn` element is a message string or an object
//!   `{"msg", "line"?, "end_line"?, "config_path"?, "object"?, "layer"?,
//!   "file"?}`. `deny` results take the metadata `severity`; `warn` results
//!   take `warn_severity`, else the lower of `severity` and Low.
//! - **Context.** `data.drydock_context.input_kind` names the kind of the
//!   input being evaluated, so one package can handle several kinds.
//!
//! # Evaluation
//!
//! Rego v1 syntax; files that fail to parse as v1 and do not mention
//! `rego.v1` are retried as v0, so older Trivy/conftest policies load.
//! Trivy's `result.new(msg, cause)` is provided. Builtin errors are undefined
//! (OPA's default), not failures.
//!
//! Evaluation is bounded: each rule of each policy gets a wall-clock budget
//! ([`EvalLimits::time_per_rule`], 2 s by default) that regorus checks
//! cooperatively between evaluation steps, and results, messages and
//! warnings are capped. A policy that fails (runtime error, time limit,
//! malformed results) yields a [`PolicyWarning`]; the others still run.
//!
//! Policies are code the user chose to run: the bounds protect against
//! hostile *inputs* (images, manifests) driving a policy into a long loop,
//! not against a hostile policy. regorus (without its custom-allocator
//! feature) has no memory limit, and a builtin such as
//! `numbers.range(1, 1e12)` allocates before the next time check.
//!
//! # regorus features
//!
//! Built with `default-features = false` and `std` (the wall-clock timer
//! reads the clock only on std builds), `arc` (the engine must be
//! `Send + Sync` to share a set between scan threads), `regex`, `graph`
//! (`walk`) and `semver`. Not available to policies: `time.*`, `glob.*`,
//! `net.*`, `base64.*`/`base64url.*`/`hex.*`/`urlquery.*`, `uuid.*`,
//! `json.match_schema`/`json.verify_schema`, `json.patch`, `yaml.*`,
//! `http.send`, `opa.runtime`. Calling one fails with "could not find
//! function" (a policy warning), or, where the call would bind variables,
//! with an "unsafe variable" error at load time.

#![deny(missing_docs)]

mod error;
mod eval;
mod kind;
mod load;
mod metadata;

pub use error::{PolicyWarning, RegoError, WarningKind};
pub use eval::Evaluation;
pub use kind::{InputKind, UnknownInputKind};
pub use load::{EvalLimits, Policy, PolicySet};
pub use metadata::PolicyMetadata;
