//! Secrets: file matches from every layer (with what became of the file),
//! and matches in the image config's environment, labels and history.

use std::sync::Arc;

use drydock_catalog::{Finding, LayerAnalysis};
use drydock_findings::{Secret, SecretLocation, Severity};
use drydock_fs::LayeredFs;
use drydock_inventory::LayerRef;
use drydock_oci::ImageConfig;
use drydock_secrets::{Limits, RuleSet, SecretMatch, TextContext};

use crate::found::found_by;

/// How to scan for secrets.
#[derive(Clone)]
pub struct SecretOptions {
    /// Rules, built-in and custom.
    pub rules: Arc<RuleSet>,
    /// Size and match limits.
    pub limits: Limits,
    /// Keep the secret values in the findings (`--show-secrets`).
    pub reveal: bool,
    /// Open archives (jar, war, zip) up to this many bytes and scan their
    /// members within these limits; `None` leaves archives alone.
    pub archives: Option<(u64, drydock_catalog::MemberLimits)>,
}

impl std::fmt::Debug for SecretOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecretOptions")
            .field("rules", &self.rules.rules().len())
            .field("limits", &self.limits)
            .field("reveal", &self.reveal)
            .field("archives", &self.archives)
            .finish()
    }
}

fn severity(s: &str) -> Severity {
    s.parse().unwrap_or(Severity::Unknown)
}

/// Every secret of the image.
pub(crate) fn collect(
    analyses: &[LayerAnalysis],
    refs: &[LayerRef],
    fs: &LayeredFs,
    config: &ImageConfig,
    history_layers: &[Option<usize>],
    opts: &SecretOptions,
) -> Vec<Secret> {
    let mut out = Vec::new();
    for found in found_by(analyses, refs, fs, "secret-scanner") {
        let Finding::Secret(h) = found.finding else {
            continue;
        };
        let path = found.display_path(h.member.as_deref());
        out.push(Secret {
            rule_id: h.rule_id.clone(),
            title: h.title.clone(),
            category: h.category.clone(),
            severity: severity(&h.severity),
            location: SecretLocation::File {
                path: path.clone(),
                layer: found.layer.clone(),
                deleted_in_layer: found.deleted,
                replaced_in_layer: found.replaced,
                line: h.line,
                column: h.column,
            },
            redacted: drydock_secrets::redact(&h.secret),
            secret: opts.reveal.then(|| h.secret.clone()),
            fingerprint: drydock_secrets::fingerprint(&h.rule_id, &path, &h.secret),
            suppressed: None,
        });
    }
    let from_match = |m: SecretMatch, location: SecretLocation, place: &str| Secret {
        fingerprint: drydock_secrets::fingerprint(&m.rule_id, place, &m.secret),
        rule_id: m.rule_id,
        title: m.title,
        category: m.category.as_str().to_owned(),
        severity: severity(m.severity.as_str()),
        location,
        redacted: drydock_secrets::redact(&m.secret),
        secret: opts.reveal.then_some(m.secret),
        suppressed: None,
    };
    for entry in &config.config.env {
        let name = entry.split('=').next().unwrap_or(entry).to_owned();
        for m in opts.rules.scan_text(TextContext::Env, entry, &opts.limits) {
            let place = format!("config.Env.{name}");
            out.push(from_match(
                m,
                SecretLocation::Env { name: name.clone() },
                &place,
            ));
        }
    }
    for (key, value) in &config.config.labels {
        let text = format!("{key}={value}");
        for m in opts
            .rules
            .scan_text(TextContext::Label, &text, &opts.limits)
        {
            let place = format!("config.Labels.{key}");
            out.push(from_match(
                m,
                SecretLocation::Label { name: key.clone() },
                &place,
            ));
        }
    }
    for (index, step) in config.history.iter().enumerate() {
        let Some(created_by) = &step.created_by else {
            continue;
        };
        let layer = history_layers.iter().position(|h| *h == Some(index));
        for m in opts
            .rules
            .scan_text(TextContext::History, created_by, &opts.limits)
        {
            let place = format!("history.{index}");
            out.push(from_match(
                m,
                SecretLocation::History { index, layer },
                &place,
            ));
        }
    }
    out
}
