//! The scanning engine: keyword prefilter, bounded windows, candidate filtering and overlap
//! resolution.

use crate::model::{Limits, SecretMatch, TextContext};
use crate::paths;
use crate::placeholder::is_placeholder;
use crate::prefilter::Prefilter;
use crate::rule::{Finding, Reach, Rule, RuleSet, SecretGroup};
use crate::util::{entropy, is_continuation, snap_to_boundaries};
use crate::validate::{self, VCtx};
use std::collections::{HashMap, HashSet};

/// Binary detection looks for a NUL byte in this many leading bytes.
const BINARY_PROBE: usize = 8 * 1024;
/// On lines longer than `max_line` a rule sees this many bytes on both sides of each keyword
/// hit (windows of nearby hits merge).
const LONG_LINE_REACH: usize = 1024;
/// Merged windows grow up to this size (or `max_line`, if larger) before they are scanned.
const MAX_MERGED_WINDOW: usize = 64 * 1024;
/// Keyword-less (custom) rules run over chunks of whole lines of about this size.
const CHUNK: usize = 64 * 1024;
/// Regex matches examined per window; beyond this a window is noise, not secrets.
const MAX_MATCHES_PER_WINDOW: usize = 64;
/// How much longer than its secret a rule's whole match may be (key names, quotes, URLs).
const MAX_MATCH_CONTEXT: usize = 1024;
/// Bytes handed to regexes per file: this many times the content size, plus a constant.
const BUDGET_FACTOR: usize = 16;
const BUDGET_BASE: usize = 256 * 1024;

/// The keyword prefilters and the rule lookup tables derived from a rule list.
#[derive(Debug)]
pub(crate) struct Engine {
    /// Over all keywords.
    prefilter: Option<Prefilter>,
    /// Over the keywords of rules that may apply to any file (no path restriction), with the
    /// index of each of its keywords in the full list. Files to which no path-restricted rule
    /// applies (nearly all of them) use this one: fewer anchors, fewer false candidates.
    common: Option<(Prefilter, Vec<usize>)>,
    /// For each keyword (prefilter pattern): the rules using it, and whether the keyword must
    /// start a word.
    kw_rules: Vec<Vec<(usize, bool)>>,
    /// Rules with a regex but no keyword: they run over the whole (bounded) content.
    keywordless: Vec<usize>,
    /// Rules with a path and no regex: the path alone is the finding.
    path_only: Vec<usize>,
}

impl Engine {
    pub(crate) fn build(rules: &[Rule]) -> Engine {
        let mut patterns: Vec<String> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut kw_rules: Vec<Vec<(usize, bool)>> = Vec::new();
        let mut keywordless = Vec::new();
        let mut path_only = Vec::new();
        for (ri, rule) in rules.iter().enumerate() {
            let c = &rule.c;
            if !c.report {
                continue;
            }
            if c.regex.is_none() {
                if c.path.is_some() {
                    path_only.push(ri);
                }
                continue;
            }
            let kws: Vec<_> = c.keywords.iter().filter(|k| !k.text.is_empty()).collect();
            if kws.is_empty() {
                keywordless.push(ri);
                continue;
            }
            for k in kws {
                let pi = *index.entry(k.text.clone()).or_insert_with(|| {
                    patterns.push(k.text.clone());
                    kw_rules.push(Vec::new());
                    patterns.len() - 1
                });
                if let Some(list) = kw_rules.get_mut(pi)
                    && !list.contains(&(ri, k.word_start))
                {
                    list.push((ri, k.word_start));
                }
            }
        }
        let prefilter = if patterns.is_empty() {
            None
        } else {
            Prefilter::new(&patterns)
        };
        let common_ids: Vec<usize> = kw_rules
            .iter()
            .enumerate()
            .filter(|(_, list)| {
                list.iter().any(|&(ri, _)| {
                    rules
                        .get(ri)
                        .is_some_and(|r| r.c.path.is_none() && r.c.scope.files)
                })
            })
            .map(|(pi, _)| pi)
            .collect();
        let common =
            if prefilter.is_none() || common_ids.len() == patterns.len() || common_ids.is_empty() {
                None
            } else {
                let subset: Vec<String> = common_ids
                    .iter()
                    .filter_map(|&i| patterns.get(i).cloned())
                    .collect();
                Prefilter::new(&subset).map(|p| (p, common_ids))
            };
        if prefilter.is_none() {
            // Without a prefilter every keyword rule degrades to a keyword-less one: slower,
            // never silently blind.
            for list in &kw_rules {
                for &(ri, _) in list {
                    if !keywordless.contains(&ri) {
                        keywordless.push(ri);
                    }
                }
            }
            kw_rules.clear();
        }
        Engine {
            prefilter,
            common,
            kw_rules,
            keywordless,
            path_only,
        }
    }
}

fn globally_allowed_path(set: &RuleSet, path: &str) -> bool {
    set.global
        .iter()
        .any(|a| a.target_rules.is_empty() && a.allows_whole_path(Some(path)))
}

pub(crate) fn wants_path(set: &RuleSet, path: &str, size: u64, limits: &Limits) -> bool {
    if size == 0 || size > limits.max_file {
        return false;
    }
    let p = paths::normalize(path);
    if globally_allowed_path(set, p) {
        return false;
    }
    let path_only_hit = set.engine.path_only.iter().any(|&ri| {
        set.rules
            .get(ri)
            .and_then(|r| r.c.path.as_ref())
            .is_some_and(|re| re.is_match(p.as_bytes()))
    });
    path_only_hit || !paths::skipped_by_extension(p)
}

/// A rule's window that has not been scanned yet. Whole-line windows are scanned as they are;
/// windows around hits on long lines and multi-line block windows grow while further hits of
/// the same rule overlap them, so dense hits never make a rule rescan the same bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Pending {
    start: usize,
    end: usize,
    mergeable: bool,
}

/// One candidate before overlap resolution.
#[derive(Debug, Clone, Copy)]
struct Cand {
    rule: usize,
    start: usize,
    end: usize,
    specificity: u8,
    entropy: Option<f32>,
}

/// Caches the bounds of the line that contains the latest keyword hit. Hits arrive in
/// increasing order, so every byte is searched for newlines at most about twice per file.
#[derive(Default)]
struct Lines {
    start: usize,
    end: usize,
    valid: bool,
}

impl Lines {
    fn get(&mut self, content: &[u8], pos: usize) -> (usize, usize) {
        if self.valid && pos >= self.start && pos <= self.end {
            return (self.start, self.end);
        }
        let lo = if self.valid && pos > self.end {
            self.end + 1
        } else {
            0
        };
        let lo = lo.min(pos);
        let before = content.get(lo..pos).unwrap_or_default();
        let start = memchr::memrchr(b'\n', before).map_or(lo, |i| lo + i + 1);
        let after = content.get(pos..).unwrap_or_default();
        let end = memchr::memchr(b'\n', after).map_or(content.len(), |i| pos + i);
        self.start = start;
        self.end = end;
        self.valid = true;
        (start, end)
    }
}

struct Scanner<'a> {
    set: &'a RuleSet,
    path: Option<&'a str>,
    text: Option<TextContext>,
    content: &'a [u8],
    limits: &'a Limits,
    is_code: bool,
    applicable: Vec<bool>,
    /// Per rule: the window waiting to be scanned (see [`Pending`]).
    pending: Vec<Option<Pending>>,
    lines: Lines,
    budget: usize,
    cands: Vec<Cand>,
    seen: HashSet<(usize, Vec<u8>)>,
    cap: usize,
    stop: bool,
}

pub(crate) fn scan(
    set: &RuleSet,
    path: Option<&str>,
    text: Option<TextContext>,
    content: &[u8],
    limits: &Limits,
) -> Vec<SecretMatch> {
    let max = usize::try_from(limits.max_file).unwrap_or(usize::MAX);
    let content = content.get(..content.len().min(max)).unwrap_or_default();
    if content.is_empty() || limits.max_matches_per_file == 0 {
        return Vec::new();
    }
    let npath = path.map(paths::normalize);
    if let Some(p) = npath
        && globally_allowed_path(set, p)
    {
        return Vec::new();
    }
    let n = set.rules.len();
    let mut sc = Scanner {
        set,
        path: npath,
        text,
        content,
        limits,
        is_code: npath.is_some_and(paths::is_code),
        applicable: vec![false; n],
        pending: vec![None; n],
        lines: Lines::default(),
        budget: content
            .len()
            .saturating_mul(BUDGET_FACTOR)
            .saturating_add(BUDGET_BASE),
        cands: Vec::new(),
        seen: HashSet::new(),
        cap: limits
            .max_matches_per_file
            .saturating_mul(4)
            .saturating_add(16),
        stop: false,
    };
    sc.compute_applicable();
    sc.path_only_findings();
    let binary = npath.is_some()
        && memchr::memchr(
            0,
            content
                .get(..content.len().min(BINARY_PROBE))
                .unwrap_or_default(),
        )
        .is_some();
    if !binary {
        sc.keyword_phase();
        sc.keywordless_phase();
    }
    sc.finish()
}

impl<'a> Scanner<'a> {
    fn compute_applicable(&mut self) {
        let is_test = self.path.is_some_and(paths::is_test_or_doc);
        for (i, rule) in self.set.rules.iter().enumerate() {
            let c = &rule.c;
            let ok = c.report
                && match (self.path, self.text) {
                    (_, Some(ctx)) => c.scope.allows(ctx),
                    (Some(p), None) => {
                        c.scope.files
                            && c.path.as_ref().is_none_or(|re| re.is_match(p.as_bytes()))
                            && !(c.skip_test_paths && is_test)
                            && !c.allowlists.iter().any(|a| a.allows_whole_path(Some(p)))
                            && !self.set.global.iter().any(|a| {
                                !a.target_rules.is_empty()
                                    && a.applies_to(&rule.id)
                                    && a.allows_whole_path(Some(p))
                            })
                    }
                    (None, None) => false,
                };
            if let Some(slot) = self.applicable.get_mut(i) {
                *slot = ok;
            }
        }
    }

    fn is_applicable(&self, ri: usize) -> bool {
        self.applicable.get(ri).copied().unwrap_or(false)
    }

    fn path_only_findings(&mut self) {
        let Some(p) = self.path else { return };
        for &ri in &self.set.engine.path_only {
            if !self.is_applicable(ri) {
                continue;
            }
            let Some(rule) = self.set.rules.get(ri) else {
                continue;
            };
            if rule
                .c
                .path
                .as_ref()
                .is_some_and(|re| re.is_match(p.as_bytes()))
            {
                self.cands.push(Cand {
                    rule: ri,
                    start: 0,
                    end: 0,
                    specificity: rule.c.specificity,
                    entropy: None,
                });
            }
        }
    }

    fn keyword_phase(&mut self) {
        let engine = &self.set.engine;
        if !self.applicable.iter().any(|&a| a) {
            return;
        }
        // The reduced prefilter suffices unless a path-restricted rule applies here.
        let needs_full = self.text.is_some()
            || self
                .set
                .rules
                .iter()
                .zip(&self.applicable)
                .any(|(r, &a)| a && r.c.path.is_some());
        let (prefilter, ids) = match (&engine.common, needs_full) {
            (Some((p, ids)), false) => (p, Some(ids)),
            _ => match engine.prefilter.as_ref() {
                Some(p) => (p, None),
                None => return,
            },
        };
        prefilter.for_each_hit(self.content, |pos, k| {
            let pattern = match ids {
                Some(ids) => ids.get(k).copied().unwrap_or(usize::MAX),
                None => k,
            };
            let Some(list) = engine.kw_rules.get(pattern) else {
                return true;
            };
            for &(ri, word_start) in list {
                if self.stop {
                    break;
                }
                if !self.is_applicable(ri) {
                    continue;
                }
                if word_start
                    && pos > 0
                    && self
                        .content
                        .get(pos - 1)
                        .is_some_and(|b| b.is_ascii_alphanumeric())
                {
                    continue;
                }
                let window = self.window(ri, pos);
                self.offer(ri, window);
            }
            !self.stop
        });
        for ri in 0..self.pending.len() {
            if self.stop {
                break;
            }
            if let Some(p) = self.pending.get_mut(ri).and_then(Option::take) {
                self.run_rule(ri, p.start, p.end);
            }
        }
    }

    /// Queue `w` for rule `ri`: merge it into the rule's pending window when both are
    /// mergeable and overlap, otherwise scan the pending window and keep `w` pending.
    fn offer(&mut self, ri: usize, w: Pending) {
        let cap = MAX_MERGED_WINDOW.max(self.limits.max_line);
        let Some(slot) = self.pending.get_mut(ri) else {
            return;
        };
        match slot {
            Some(p) if *p == w => {}
            Some(p)
                if p.mergeable
                    && w.mergeable
                    && w.start <= p.end
                    && w.end >= p.start
                    && w.end.max(p.end) - w.start.min(p.start) <= cap =>
            {
                p.start = p.start.min(w.start);
                p.end = p.end.max(w.end);
            }
            Some(p) => {
                let done = *p;
                *p = w;
                self.run_rule(ri, done.start, done.end);
            }
            None => *slot = Some(w),
        }
    }

    fn keywordless_phase(&mut self) {
        let len = self.content.len();
        for &ri in &self.set.engine.keywordless {
            if !self.is_applicable(ri) {
                continue;
            }
            let mut pos = 0usize;
            while pos < len && !self.stop {
                let target = (pos + CHUNK).min(len);
                let (end, cut) = if target == len {
                    (len, false)
                } else {
                    let lim = (target + self.limits.max_line).min(len);
                    match memchr::memchr(b'\n', self.content.get(target..lim).unwrap_or_default()) {
                        Some(i) => (target + i, false),
                        None => (lim, lim < len),
                    }
                };
                self.run_rule(ri, pos, end);
                pos = if cut {
                    end.saturating_sub(LONG_LINE_REACH).max(pos + 1)
                } else {
                    end + 1
                };
            }
        }
    }

    /// The window a rule's regex sees for a keyword hit at `pos`.
    fn window(&mut self, ri: usize, pos: usize) -> Pending {
        let len = self.content.len();
        let reach = self.set.rules.get(ri).map_or(Reach::Line, |r| r.c.reach);
        match reach {
            Reach::Line => {
                let (ls, le) = self.lines.get(self.content, pos);
                if le - ls <= self.limits.max_line {
                    Pending {
                        start: ls,
                        end: le,
                        mergeable: false,
                    }
                } else {
                    Pending {
                        start: pos.saturating_sub(LONG_LINE_REACH).max(ls),
                        end: pos.saturating_add(LONG_LINE_REACH).min(le),
                        mergeable: true,
                    }
                }
            }
            Reach::Block { back, fwd } => Pending {
                start: pos.saturating_sub(back),
                end: pos.saturating_add(fwd).min(len),
                mergeable: true,
            },
        }
    }

    fn run_rule(&mut self, ri: usize, ws: usize, we: usize) {
        let Some(rule) = self.set.rules.get(ri) else {
            return;
        };
        let c = &rule.c;
        let Some(regex) = c.regex.as_ref() else {
            return;
        };
        let Some(window) = self.content.get(ws..we) else {
            return;
        };
        if window.len() > self.budget {
            self.stop = true;
            return;
        }
        self.budget -= window.len();
        // Most windows hold no match; the DFA-only check is much cheaper than setting up
        // capture extraction.
        if !regex.is_match(window) {
            return;
        }
        // Locate matches with the DFA and extract capture groups only for spans short enough
        // to hold a secret: capture extraction costs far more per byte, and a span of tens of
        // kilobytes (`password=password=…`) can never be a reportable secret anyway.
        let max_span = c.max_len.saturating_add(MAX_MATCH_CONTEXT);
        for found in regex.find_iter(window).take(MAX_MATCHES_PER_WINDOW) {
            if self.stop {
                return;
            }
            if found.len() > max_span {
                continue;
            }
            let Some(caps) = regex.captures_at(window, found.start()) else {
                continue;
            };
            let Some(full) = caps.get(0) else { continue };
            let chosen = match c.group {
                SecretGroup::Whole => Some(0),
                SecretGroup::Index(i) => caps.get(i).map(|_| i),
                SecretGroup::FirstFrom(from) => {
                    (from.max(1)..caps.len()).find(|&k| caps.get(k).is_some_and(|m| !m.is_empty()))
                }
                SecretGroup::FirstOf(list) => list
                    .iter()
                    .copied()
                    .find(|&k| caps.get(k).is_some_and(|m| !m.is_empty())),
            };
            let Some(gi) = chosen else { continue };
            let Some(g) = caps.get(gi) else { continue };
            let (start, end) = snap_to_boundaries(self.content, ws + g.start(), ws + g.end());
            if end <= start {
                continue;
            }
            let Some(secret) = self.content.get(start..end) else {
                continue;
            };
            if secret.len() < c.min_len || secret.len() > c.max_len {
                continue;
            }
            let ent = entropy(secret);
            if c.entropy.is_some_and(|floor| ent < floor) {
                continue;
            }
            if c.placeholders && is_placeholder(secret) {
                continue;
            }
            let vctx = VCtx {
                content: self.content,
                caps: &caps,
                window_start: ws,
                group: gi,
                secret,
                is_code: self.is_code,
            };
            if !validate::check(c.validator, &vctx) {
                continue;
            }
            let full_match = self
                .content
                .get(ws + full.start()..ws + full.end())
                .unwrap_or_default();
            if self.allowlisted(rule, secret, full_match, start, ws, we) {
                continue;
            }
            if !self.seen.insert((ri, secret.to_vec())) {
                continue;
            }
            self.cands.push(Cand {
                rule: ri,
                start,
                end,
                specificity: c.specificity,
                entropy: Some(ent),
            });
            if self.cands.len() >= self.cap {
                self.stop = true;
            }
        }
    }

    fn allowlisted(
        &self,
        rule: &Rule,
        secret: &[u8],
        full_match: &[u8],
        start: usize,
        ws: usize,
        we: usize,
    ) -> bool {
        let global = self.set.global.iter().filter(|a| a.applies_to(&rule.id));
        let mut lists = rule.c.allowlists.iter().chain(global).peekable();
        if lists.peek().is_none() {
            return false;
        }
        // The line is only needed for `regexTarget = "line"`; it is bounded by the window.
        let win = self.content.get(ws..we).unwrap_or_default();
        let rel = start.saturating_sub(ws).min(win.len());
        let ls = memchr::memrchr(b'\n', win.get(..rel).unwrap_or_default()).map_or(0, |i| i + 1);
        let le = memchr::memchr(b'\n', win.get(rel..).unwrap_or_default())
            .map_or(win.len(), |i| rel + i);
        let finding = Finding {
            path: self.path,
            secret,
            full_match,
            line: win.get(ls..le).unwrap_or_default(),
        };
        lists.any(|a| a.allows(&finding))
    }

    fn finish(mut self) -> Vec<SecretMatch> {
        let cands = std::mem::take(&mut self.cands);
        let kept = resolve_overlaps(cands);
        let mut out = Vec::with_capacity(kept.len().min(self.limits.max_matches_per_file));
        let mut line: u32 = 1;
        let mut pos = 0usize;
        let mut col_chars: usize = 0; // characters from line_start to pos
        for cand in kept.into_iter().take(self.limits.max_matches_per_file) {
            let Some(rule) = self.set.rules.get(cand.rule) else {
                continue;
            };
            let target = cand.start.max(pos);
            let between = self.content.get(pos..target).unwrap_or_default();
            let mut last_nl = None;
            for i in memchr::memchr_iter(b'\n', between) {
                line = line.saturating_add(1);
                last_nl = Some(pos + i);
            }
            match last_nl {
                Some(nl) => {
                    col_chars = count_chars(self.content.get(nl + 1..target).unwrap_or_default());
                }
                None => col_chars += count_chars(between),
            }
            pos = target;
            let secret = self.content.get(cand.start..cand.end).unwrap_or_default();
            out.push(SecretMatch {
                rule_id: rule.id.clone(),
                title: rule.title.clone(),
                category: rule.category,
                severity: rule.severity,
                secret: String::from_utf8_lossy(secret).into_owned(),
                line,
                column: u32::try_from(col_chars + 1).unwrap_or(u32::MAX),
                start: cand.start,
                end: cand.end,
                entropy: cand.entropy,
            });
        }
        out
    }
}

fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| !is_continuation(b)).count()
}

/// Sort candidates by position and drop the loser of every overlapping pair: for two rules the
/// less specific one, for the same rule the shorter one (windows on a long line can cut a secret).
fn resolve_overlaps(mut cands: Vec<Cand>) -> Vec<Cand> {
    cands.sort_by_key(|c| (c.start, c.end, c.rule));
    let n = cands.len();
    let mut keep = vec![true; n];
    for i in 0..n {
        if !keep.get(i).copied().unwrap_or(false) {
            continue;
        }
        let Some(&a) = cands.get(i) else { continue };
        for j in i + 1..n {
            let Some(&b) = cands.get(j) else { break };
            if b.start >= a.end {
                break;
            }
            if !keep.get(j).copied().unwrap_or(false) || b.end <= a.start {
                continue;
            }
            let drop_i = if a.rule == b.rule {
                (b.end - b.start) > (a.end - a.start)
            } else if a.specificity != b.specificity {
                b.specificity > a.specificity
            } else {
                continue;
            };
            if drop_i {
                if let Some(k) = keep.get_mut(i) {
                    *k = false;
                }
                break;
            } else if let Some(k) = keep.get_mut(j) {
                *k = false;
            }
        }
    }
    cands
        .into_iter()
        .zip(keep)
        .filter_map(|(c, k)| k.then_some(c))
        .collect()
}
