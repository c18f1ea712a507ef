//! Loading a policy directory into one prepared engine.

use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::num::NonZeroU32;
use std::path::{Path, PathBuf};
use std::time::Duration;

use regorus::utils::limits::ExecutionTimerConfig;
use regorus::{Engine, Value};
use serde::Deserialize;

use crate::error::{RegoError, condense, located};
use crate::kind::InputKind;
use crate::metadata::PolicyMetadata;

/// Largest `.rego` file read (regorus' own default ceiling).
const MAX_POLICY_BYTES: u64 = 1024 * 1024;
/// Largest data document read.
const MAX_DATA_BYTES: u64 = 64 * 1024 * 1024;
/// Where drydock puts what it tells policies: `data.drydock_context.input_kind`.
pub(crate) const CONTEXT_KEY: &str = "drydock_context";
/// Most files (policies plus data documents) taken from one directory tree.
const MAX_FILES: usize = 10_000;
/// Deepest directory nesting walked.
const MAX_DEPTH: usize = 32;

/// Bounds on evaluating one input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EvalLimits {
    /// Wall-clock budget of one rule (`deny` or `warn`) of one policy on one
    /// input. regorus checks it cooperatively between evaluation steps.
    pub time_per_rule: Duration,
    /// Results kept per rule; the rest are dropped with a warning.
    pub max_results_per_rule: usize,
    /// Longest message kept, in bytes; longer ones are cut.
    pub max_message_bytes: usize,
    /// Warnings kept per policy and input.
    pub max_warnings_per_policy: usize,
    /// Most arrays/objects nested in one another that an input may have.
    pub max_input_depth: usize,
}

impl Default for EvalLimits {
    fn default() -> Self {
        Self {
            time_per_rule: Duration::from_secs(2),
            max_results_per_rule: 1000,
            max_message_bytes: 4096,
            max_warnings_per_policy: 10,
            max_input_depth: 256,
        }
    }
}

/// One policy: a package under `drydock.` with `deny` and/or `warn` rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// The package, without `data.`: `drydock.custom.registry`.
    pub package: String,
    /// The file declaring its `deny` (else `warn`) rules.
    pub file: PathBuf,
    /// What the policy says about itself.
    pub metadata: PolicyMetadata,
    /// `data.drydock.custom.registry`, with bracketed components where a
    /// package component is not an identifier.
    pub(crate) rule_prefix: String,
    pub(crate) has_deny: bool,
    pub(crate) has_warn: bool,
}

/// The Rego policies of one directory, parsed and prepared once, evaluated
/// against many inputs. `Send + Sync`: share it between scan threads.
#[derive(Debug, Clone)]
pub struct PolicySet {
    /// One prepared engine per input kind, in [`InputKind::ALL`] order: the
    /// same modules and data plus `data.drydock_context.input_kind`. Baking
    /// the kind into data at load time keeps evaluation free of re-analysis
    /// and keeps policies runnable under plain `opa test`.
    pub(crate) engines: Vec<Engine>,
    pub(crate) policies: Vec<Policy>,
    pub(crate) limits: EvalLimits,
    pub(crate) dir: PathBuf,
}

struct Found {
    rego: Vec<PathBuf>,
    data: Vec<PathBuf>,
}

impl PolicySet {
    /// Loads every `*.rego` file under `dir` (recursively, skipping
    /// `*_test.rego`, hidden entries and symlinked directories) and every
    /// data document (`data.json`, `data.yaml`, `data.yml`, or
    /// `<name>.data.{json,yaml,yml}`), merged at the root of `data`.
    ///
    /// Fails on the first unreadable file, syntax error (with file and line),
    /// compile error, invalid data document, or policy with invalid metadata,
    /// and when the directory holds no policy at all.
    pub fn load_dir(dir: &Path) -> Result<Self, RegoError> {
        let meta = fs::metadata(dir).map_err(|source| RegoError::Io {
            path: dir.to_owned(),
            source,
        })?;
        if !meta.is_dir() {
            return Err(RegoError::NotADirectory {
                path: dir.to_owned(),
            });
        }
        let mut found = Found {
            rego: Vec::new(),
            data: Vec::new(),
        };
        walk(dir, dir, 0, &mut found)?;

        let mut engine = Engine::new();
        // OPA's default: a builtin given bad arguments (to_number("x"),
        // a malformed regex) is undefined rather than an error, so policies
        // tested with `opa test` behave the same here.
        engine.set_strict_builtin_errors(false);
        // print() output is collected, not written to drydock's stderr.
        engine.set_gather_prints(true);
        add_result_new(&mut engine);

        for path in &found.rego {
            add_policy(&mut engine, path)?;
        }
        for path in &found.data {
            add_data(&mut engine, path)?;
        }

        // Preparing analyses every module together; its errors are about the
        // policies as a set (unsafe variables, bad imports, conflicts).
        engine.set_input(Value::new_object());
        engine
            .eval_bool_query("true".to_owned(), false)
            .map_err(|e| RegoError::Compile {
                dir: dir.to_owned(),
                message: condense(&e),
            })?;

        let policies = discover(&mut engine, dir)?;
        if policies.is_empty() {
            return Err(RegoError::NoPolicies {
                dir: dir.to_owned(),
            });
        }
        let mut ids: BTreeMap<&str, &str> = BTreeMap::new();
        for p in &policies {
            if let Some(first) = ids.insert(&p.metadata.id, &p.package) {
                return Err(RegoError::DuplicateId {
                    id: p.metadata.id.clone(),
                    first: first.to_owned(),
                    second: p.package.clone(),
                });
            }
        }

        let mut engines = Vec::with_capacity(InputKind::ALL.len());
        for kind in InputKind::ALL {
            let mut e = engine.clone();
            let context = serde_json::json!({ CONTEXT_KEY: { "input_kind": kind.as_str() } });
            let prepared = Value::deserialize(&context)
                .map_err(anyhow::Error::from)
                .and_then(|v| e.add_data(v))
                .and_then(|()| e.eval_bool_query("true".to_owned(), false));
            prepared.map_err(|err| RegoError::Compile {
                dir: dir.to_owned(),
                message: condense(&err),
            })?;
            engines.push(e);
        }

        let mut set = Self {
            engines,
            policies,
            limits: EvalLimits::default(),
            dir: dir.to_owned(),
        };
        set.apply_time_limit();
        Ok(set)
    }

    /// Replaces the evaluation bounds.
    #[must_use]
    pub fn with_limits(mut self, limits: EvalLimits) -> Self {
        self.limits = limits;
        self.apply_time_limit();
        self
    }

    /// The evaluation bounds in force.
    pub fn limits(&self) -> EvalLimits {
        self.limits
    }

    /// The policies, sorted by package.
    pub fn policies(&self) -> &[Policy] {
        &self.policies
    }

    /// The directory the policies came from.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn apply_time_limit(&mut self) {
        let config = ExecutionTimerConfig {
            limit: self.limits.time_per_rule,
            // Reading the clock every 64 steps keeps its cost negligible
            // while overshooting the budget by microseconds at most.
            check_interval: NonZeroU32::MIN.saturating_add(63),
        };
        for e in &mut self.engines {
            e.set_execution_timer_config(config);
        }
    }
}

fn walk(root: &Path, dir: &Path, depth: usize, found: &mut Found) -> Result<(), RegoError> {
    if depth > MAX_DEPTH {
        return Err(RegoError::DirectoryLimit {
            dir: root.to_owned(),
            what: "directories nested too deeply",
            limit: MAX_DEPTH,
        });
    }
    let io = |source| RegoError::Io {
        path: dir.to_owned(),
        source,
    };
    let mut entries = fs::read_dir(dir)
        .map_err(io)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(io)?;
    // Sorted so that load order, and so any error reported, is reproducible.
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if name.starts_with('.') {
            continue;
        }
        let path = entry.path();
        let ft = entry.file_type().map_err(|source| RegoError::Io {
            path: path.clone(),
            source,
        })?;
        let is_file = if ft.is_symlink() {
            // Symlinked files are followed, symlinked directories are not:
            // they are the only way to make the walk loop.
            fs::metadata(&path).map(|m| m.is_file()).unwrap_or(false)
        } else if ft.is_dir() {
            walk(root, &path, depth + 1, found)?;
            false
        } else {
            ft.is_file()
        };
        if !is_file {
            continue;
        }
        if name.ends_with(".rego") && !name.ends_with("_test.rego") {
            found.rego.push(path);
        } else if is_data_document(name) {
            found.data.push(path);
        } else {
            continue;
        }
        if found.rego.len() + found.data.len() > MAX_FILES {
            return Err(RegoError::DirectoryLimit {
                dir: root.to_owned(),
                what: "too many policy and data files",
                limit: MAX_FILES,
            });
        }
    }
    Ok(())
}

/// `data.json`, `data.yaml`, `x.data.yml`: named so that test fixtures and
/// other JSON/YAML kept beside the policies are not merged into `data`.
fn is_data_document(name: &str) -> bool {
    let Some((stem, ext)) = name.rsplit_once('.') else {
        return false;
    };
    matches!(ext, "json" | "yaml" | "yml") && (stem == "data" || stem.ends_with(".data"))
}

fn read_bounded(path: &Path, limit: u64, what: &'static str) -> Result<Vec<u8>, RegoError> {
    let io = |source| RegoError::Io {
        path: path.to_owned(),
        source,
    };
    let file = fs::File::open(path).map_err(io)?;
    let mut buf = Vec::new();
    file.take(limit + 1).read_to_end(&mut buf).map_err(io)?;
    if buf.len() as u64 > limit {
        return Err(RegoError::TooLarge {
            path: path.to_owned(),
            what,
            limit,
        });
    }
    Ok(buf)
}

fn add_policy(engine: &mut Engine, path: &Path) -> Result<(), RegoError> {
    let bytes = read_bounded(path, MAX_POLICY_BYTES, "policy")?;
    let text = String::from_utf8(bytes).map_err(|e| RegoError::Parse {
        path: path.to_owned(),
        message: format!(
            "not UTF-8 (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ),
    })?;
    let label = path.display().to_string();
    let err = match engine.add_policy(label.clone(), text.clone()) {
        Ok(_) => return Ok(()),
        Err(e) => e,
    };
    // Pre-1.0 policies (Trivy's and conftest's older checks: `deny[msg] {`)
    // still parse as Rego v0. A file that asks for v1 gets v1's error.
    if !text.contains("rego.v1") {
        engine.set_rego_v0(true);
        let v0 = engine.add_policy(label, text);
        engine.set_rego_v0(false);
        if v0.is_ok() {
            return Ok(());
        }
    }
    let full = format!("{err:#}");
    Err(match located(&full) {
        Some((line, column, message)) => RegoError::Syntax {
            path: path.to_owned(),
            line,
            column,
            message,
        },
        None => RegoError::Parse {
            path: path.to_owned(),
            message: condense(&err),
        },
    })
}

fn add_data(engine: &mut Engine, path: &Path) -> Result<(), RegoError> {
    let data_err = |message: String| RegoError::Data {
        path: path.to_owned(),
        message,
    };
    let bytes = read_bounded(path, MAX_DATA_BYTES, "data document")?;
    let is_json = path.extension().is_some_and(|e| e == "json");
    let doc: serde_json::Value = if is_json {
        serde_json::from_slice(&bytes).map_err(|e| data_err(e.to_string()))?
    } else {
        serde_norway::from_slice(&bytes).map_err(|e| data_err(e.to_string()))?
    };
    let obj = doc.as_object().ok_or_else(|| {
        data_err(format!(
            "must be an object (it is merged at the root of `data`), not {}",
            crate::metadata::type_name(&doc)
        ))
    })?;
    for reserved in ["drydock", CONTEXT_KEY] {
        if obj.contains_key(reserved) {
            return Err(data_err(format!(
                "top-level key `{reserved}` is reserved (policy packages and drydock's context)"
            )));
        }
    }
    let value = Value::deserialize(&doc).map_err(|e| data_err(e.to_string()))?;
    engine
        .add_data(value)
        .map_err(|e| data_err(format!("cannot merge into `data`: {}", condense(&e))))
}

/// Trivy's `result.new(msg, cause)`: a result object carrying the message
/// and the cause's lines (drydock's `line`/`end_line`, Trivy's
/// `StartLine`/`EndLine` or `__defsec_metadata.startline`/`endline`).
fn add_result_new(engine: &mut Engine) {
    let f = |args: Vec<Value>| -> anyhow::Result<Value> {
        let mut args = args.into_iter();
        let msg = args.next().unwrap_or(Value::Undefined);
        let cause = args.next().unwrap_or(Value::Undefined);
        if msg.as_string().is_err() {
            anyhow::bail!("result.new: the message must be a string");
        }
        let pick = |keys: [&str; 3]| -> Value {
            let meta = &cause["__defsec_metadata"];
            for (i, k) in keys.into_iter().enumerate() {
                let v = if i == 2 { &meta[k] } else { &cause[k] };
                if v.as_u64().is_ok() {
                    return v.clone();
                }
            }
            Value::Undefined
        };
        let line = pick(["line", "StartLine", "startline"]);
        let end_line = pick(["end_line", "EndLine", "endline"]);
        let mut out = Value::new_object();
        let obj = out.as_object_mut()?;
        obj.insert(Value::from("msg"), msg);
        if line != Value::Undefined {
            obj.insert(Value::from("line"), line);
        }
        if end_line != Value::Undefined {
            obj.insert(Value::from("end_line"), end_line);
        }
        Ok(out)
    };
    // A fresh engine has no extensions, so adding one cannot collide.
    let _ = engine.add_extension("result.new".to_owned(), 2, Box::new(f));
}

/// Finds the policy packages and reads their metadata.
fn discover(engine: &mut Engine, dir: &Path) -> Result<Vec<Policy>, RegoError> {
    let modules = engine
        .get_policy_package_components()
        .map_err(|e| RegoError::Compile {
            dir: dir.to_owned(),
            message: condense(&e),
        })?;
    // A package may be split over several files.
    let mut packages: BTreeMap<Vec<String>, Vec<String>> = BTreeMap::new();
    for m in modules {
        if m.components.len() >= 2 && m.components.first().is_some_and(|c| c == "drydock") {
            packages
                .entry(m.components)
                .or_default()
                .push(m.source_file);
        }
    }

    let mut policies = Vec::new();
    for (components, files) in packages {
        let declares = |rule: &str| -> Option<&String> {
            files
                .iter()
                .find(|f| engine.has_declared_rule_rooted_at(f, rule).unwrap_or(false))
        };
        let deny_file = declares("deny");
        let warn_file = declares("warn");
        let Some(file) = deny_file.or(warn_file).cloned() else {
            // Helpers shared by policies: nothing to run.
            continue;
        };
        let (has_deny, has_warn) = (deny_file.is_some(), warn_file.is_some());
        let meta_rule = if declares("__rego_metadata__").is_some() {
            Some("__rego_metadata__")
        } else if declares("metadata").is_some() {
            Some("metadata")
        } else {
            None
        };
        let has_trivy_input = declares("__rego_input__").is_some();

        let package = components.join(".");
        let rule_prefix = rule_prefix(&components);
        let meta_err = |message: String| RegoError::Metadata {
            path: PathBuf::from(&file),
            package: package.clone(),
            message,
        };
        let Some(meta_rule) = meta_rule else {
            return Err(meta_err(
                "has deny/warn rules but no `__rego_metadata__` (or `metadata`) rule".to_owned(),
            ));
        };
        let mut eval_json = |rule: &str| -> Result<serde_json::Value, RegoError> {
            let v = engine
                .eval_rule(format!("{rule_prefix}.{rule}"))
                .map_err(|e| meta_err(format!("evaluating `{rule}` failed: {}", condense(&e))))?;
            if v == Value::Undefined {
                return Err(meta_err(format!("`{rule}` is undefined")));
            }
            serde_json::to_value(&v).map_err(|e| meta_err(format!("`{rule}`: {e}")))
        };
        let meta_value = eval_json(meta_rule)?;
        let trivy_input = if has_trivy_input {
            Some(eval_json("__rego_input__")?)
        } else {
            None
        };
        let metadata = PolicyMetadata::parse(&meta_value, trivy_input.as_ref())
            .map_err(|m| meta_err(format!("`{meta_rule}`: {m}")))?;

        policies.push(Policy {
            package,
            file: PathBuf::from(file),
            metadata,
            rule_prefix,
            has_deny,
            has_warn,
        });
    }
    Ok(policies)
}

/// `data.a.b`, or `data.a["my-policy"]` for components that are not
/// identifiers.
fn rule_prefix(components: &[String]) -> String {
    let mut s = String::from("data");
    for c in components {
        let ident = c
            .chars()
            .next()
            .is_some_and(|f| f.is_ascii_alphabetic() || f == '_')
            && c.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_');
        if ident {
            s.push('.');
            s.push_str(c);
        } else {
            s.push('[');
            // A JSON string is a valid Rego string literal.
            s.push_str(&serde_json::Value::String(c.clone()).to_string());
            s.push(']');
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_document_names() {
        for yes in ["data.json", "data.yaml", "data.yml", "registries.data.yaml"] {
            assert!(is_data_document(yes), "{yes}");
        }
        for no in [
            "pod.yaml",
            "metadata.json",
            "data.txt",
            "data",
            "mydata.json",
        ] {
            assert!(!is_data_document(no), "{no}");
        }
    }

    #[test]
    fn rule_prefix_brackets_non_identifiers() {
        let c = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(rule_prefix(&c(&["drydock", "a_1"])), "data.drydock.a_1");
        assert_eq!(
            rule_prefix(&c(&["drydock", "my-pol", "1x"])),
            "data.drydock[\"my-pol\"][\"1x\"]"
        );
    }
}
