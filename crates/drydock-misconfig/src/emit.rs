//! Turning check results into `Misconfiguration`s with file, line and path.

use std::collections::HashSet;

use drydock_findings::{MisconfigLocation, Misconfiguration, Severity};

use crate::catalog::CheckInfo;
use crate::tree::{Node, Path};

/// Collects the findings of one document (or one dockerd command line).
pub(crate) struct Emitter<'a> {
    file: &'a str,
    source: &'static str,
    doc: Option<&'a Node>,
    seen: HashSet<(&'static str, String, Option<String>)>,
    pub out: Vec<Misconfiguration>,
}

impl<'a> Emitter<'a> {
    pub fn new(file: &'a str, source: &'static str, doc: Option<&'a Node>) -> Self {
        Self {
            file,
            source,
            doc,
            seen: HashSet::new(),
            out: Vec::new(),
        }
    }

    /// Reports `check` at `path` of the document; the line is the setting's
    /// own line or, when it is absent, its nearest enclosing object's.
    pub fn emit(&mut self, check: &'static CheckInfo, path: &Path, object: &str, evidence: String) {
        self.emit_sev(check, check.severity, path, object, evidence);
    }

    /// Like [`Emitter::emit`] with a severity other than the check's default.
    pub fn emit_sev(
        &mut self,
        check: &'static CheckInfo,
        severity: Severity,
        path: &Path,
        object: &str,
        evidence: String,
    ) {
        let line = self.doc.map(|d| d.line_of(path));
        let end_line = self
            .doc
            .and_then(|d| d.at(path))
            .map(Node::last_line)
            .filter(|end| line.is_some_and(|l| *end > l));
        let rendered = path.to_string();
        self.push(check, severity, line, end_line, rendered, object, evidence);
    }

    /// Reports `check` at an explicit line and setting name (inputs that
    /// are not trees: dockerd command lines).
    #[allow(clippy::too_many_arguments)]
    pub fn push(
        &mut self,
        check: &'static CheckInfo,
        severity: Severity,
        line: Option<u32>,
        end_line: Option<u32>,
        config_path: String,
        object: &str,
        evidence: String,
    ) {
        let object = (!object.is_empty()).then(|| object.to_owned());
        if !self
            .seen
            .insert((check.id, config_path.clone(), object.clone()))
        {
            return;
        }
        self.out.push(Misconfiguration {
            check_id: check.id.to_owned(),
            title: check.title.to_owned(),
            severity,
            source: self.source.to_owned(),
            location: MisconfigLocation {
                file: Some(self.file.to_owned()),
                line,
                end_line,
                config_path: (!config_path.is_empty()).then_some(config_path),
                layer: None,
                object,
            },
            evidence,
            remediation: check.remediation.to_owned(),
            references: check.references.iter().map(|r| (*r).to_owned()).collect(),
            suppressed: None,
        });
    }
}
