//! The built-in rules.
//!
//! Shapes were learned from public documentation of the token formats and from what open-source
//! scanners look for; the patterns and texts here are our own. Every rule needs a positive and a
//! near-miss negative sample in `tests/rules.rs` (a test fails when one is missing).

use crate::model::{Category, Severity};
use crate::rule::{
    Allowlist, Compiled, Keyword, Reach, RegexTarget, Rule, RuleSet, Scope, SecretGroup, Validator,
    builtin_global_allowlist, compile,
};
use std::sync::Arc;

use Category::*;
use Severity::*;

/// `key` `=`/`:`/`=>` with optional quotes around the key's end and the value's start.
macro_rules! assign {
    () => {
        r#"["']?\s{0,4}(?:=|:=|:|=>)\s{0,4}["']?"#
    };
}
/// The rest of a key name after a context word (`heroku` + `_API_KEY`).
macro_rules! keytail {
    () => {
        r"[A-Za-z0-9_.-]{0,24}"
    };
}
macro_rules! uuid {
    () => {
        r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
    };
}
/// End of a token whose alphabet includes `-` and `_` (where `\b` would cut at a dash).
macro_rules! tok_end {
    () => {
        r"(?:[^A-Za-z0-9_-]|$)"
    };
}

/// A rule definition. Keywords starting with `^` must begin a word.
#[derive(Clone, Copy)]
struct D {
    id: &'static str,
    title: &'static str,
    cat: Category,
    sev: Severity,
    kw: &'static [&'static str],
    re: &'static str,
    group: SecretGroup,
    entropy: f32,
    spec: u8,
    path: &'static str,
    reach: Reach,
    validator: Validator,
    scope: Scope,
    skip_tests: bool,
    placeholders: bool,
    min_len: usize,
    max_len: usize,
    stopwords: &'static [&'static str],
}

const BASE: D = D {
    id: "",
    title: "",
    cat: Token,
    sev: High,
    kw: &[],
    re: "",
    group: SecretGroup::FirstFrom(1),
    entropy: 0.0,
    spec: 100,
    path: "",
    reach: Reach::Line,
    validator: Validator::None,
    scope: Scope::ALL,
    skip_tests: false,
    placeholders: true,
    min_len: 8,
    max_len: 4096,
    stopwords: &[],
};

/// Specificity tiers: shaped tokens beat context rules, which beat heuristics.
const SPEC_CONTEXT_TOKEN: u8 = 90;
const SPEC_FRAMEWORK: u8 = 70;
const SPEC_FILE: u8 = 60;
const SPEC_STORE: u8 = 50;
const SPEC_HEADER: u8 = 45;
const SPEC_WEAK: u8 = 40;
const SPEC_ENV: u8 = 30;
const SPEC_GENERIC: u8 = 10;

const ENV_AND_FILES: Scope = Scope {
    files: true,
    env: true,
    label: false,
    history: true,
};
const FILES_AND_LABELS: Scope = Scope {
    files: true,
    env: false,
    label: true,
    history: false,
};

const DOCKER_CONFIG_PATH: &str =
    r"(?i)(?:^|/)(?:\.docker/config\.json|\.dockercfg|containers/auth\.json)$";
const KUBECONFIG_PATH: &str = concat!(
    r"(?i)(?:^|/)(?:\.kube/config|kubeconfig(?:\.ya?ml)?|[^/]*\.kubeconfig|kube-?config[^/]*\.ya?ml",
    r"|etc/kubernetes/(?:admin|super-admin|kubelet|bootstrap-kubelet|controller-manager|scheduler)\.conf",
    r"|(?:var/)?run/secrets/kubernetes\.io/serviceaccount/token)$"
);
const DJANGO_SETTINGS_PATH: &str = concat!(
    r"(?i)(?:^|/)(?:[^/]*settings[^/]*|[^/]*config[^/]*|local|prod|production|staging|dev",
    r"|development|base|common)\.py$|(?:^|/)settings/[^/]+\.py$"
);
const ENV_FILE_PATH: &str = concat!(
    r"(?i)(?:^|/)(?:Dockerfile|Containerfile)(?:\.[^/]*)?$|\.(?:dockerfile|containerfile)$",
    r"|(?:^|/)\.env(?:\.[^/]*)?$|(?:^|/)[^/]*\.env$"
);

const DEFS: &[D] = &[
    // ---------------------------------------------------------------- cloud
    D {
        id: "aws-access-key-id",
        title: "AWS access key ID",
        cat: Cloud,
        kw: &["akia", "asia", "abia", "acca", "a3t"],
        re: r"\b((?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z2-7]{16})\b",
        entropy: 3.0,
        ..BASE
    },
    D {
        id: "aws-secret-access-key",
        title: "AWS secret access key",
        cat: Cloud,
        sev: Critical,
        kw: &[
            "secret_access_key",
            "secretaccesskey",
            "secret-access-key",
            "aws_secret",
            "aws-secret",
            "awssecret",
        ],
        re: concat!(
            r"(?i:aws[_.-]?secret[_.-]?(?:access[_.-]?)?key|secret[_.-]?access[_.-]?key)",
            assign!(),
            r"([A-Za-z0-9/+]{40})(?:[^A-Za-z0-9/+=]|$)"
        ),
        entropy: 4.0,
        ..BASE
    },
    D {
        id: "aws-session-token",
        title: "AWS session token",
        cat: Cloud,
        kw: &["aws_session", "aws-session", "awssession", "sessiontoken"],
        re: concat!(
            r"(?i:aws[_.-]?session[_.-]?token|sessiontoken)",
            assign!(),
            r"([A-Za-z0-9/+=]{100,})"
        ),
        entropy: 4.0,
        ..BASE
    },
    D {
        id: "gcp-service-account",
        title: "Google Cloud service-account key",
        cat: Cloud,
        sev: Critical,
        kw: &["service_account"],
        re: concat!(
            r#"(?s)"type"\s*:\s*"service_account".*?"private_key"\s*:\s*"(-----BEGIN[^"]{64,})""#,
            r#"|"private_key"\s*:\s*"(-----BEGIN[^"]{64,})".*?"type"\s*:\s*"service_account""#
        ),
        reach: Reach::Block {
            back: 8192,
            fwd: 8192,
        },
        validator: Validator::PemBody,
        placeholders: false,
        spec: 110,
        max_len: 16384,
        ..BASE
    },
    D {
        id: "gcp-api-key",
        title: "Google Cloud API key",
        cat: Cloud,
        kw: &["aiza"],
        re: concat!(r"\b(AIza[A-Za-z0-9_-]{35})", tok_end!()),
        entropy: 3.5,
        ..BASE
    },
    D {
        id: "gcp-oauth-client-secret",
        title: "Google OAuth client secret",
        cat: Cloud,
        kw: &["gocspx-"],
        re: concat!(r"\b(GOCSPX-[A-Za-z0-9_-]{28})", tok_end!()),
        entropy: 3.0,
        ..BASE
    },
    D {
        id: "azure-storage-account-key",
        title: "Azure storage account key",
        cat: Cloud,
        sev: Critical,
        kw: &["accountkey"],
        re: r"(?i:AccountKey)\s*=\s*([A-Za-z0-9+/]{86}==)",
        entropy: 4.0,
        ..BASE
    },
    D {
        id: "azure-sas-token",
        title: "Azure shared access signature",
        cat: Cloud,
        kw: &["sig="],
        re: concat!(
            r#"sv=[0-9]{4}-[0-9]{2}-[0-9]{2}&[^\s"'<>]{0,400}?\bsig=([A-Za-z0-9%+/]{30,120}={0,2})"#,
            r#"|[?&]sig=([A-Za-z0-9%+/]{30,120}={0,2})&[^\s"'<>]{0,400}?\bsv=[0-9]{4}-"#
        ),
        entropy: 3.5,
        ..BASE
    },
    D {
        id: "azure-client-secret",
        title: "Azure AD client secret",
        cat: Cloud,
        kw: &["q~"],
        re: r"(?:^|[^A-Za-z0-9_~.-])([A-Za-z0-9_~.]{3}[0-9]Q~[A-Za-z0-9_~.-]{31,34})(?:[^A-Za-z0-9_~.-]|$)",
        entropy: 3.0,
        ..BASE
    },
    D {
        id: "alibaba-access-key-id",
        title: "Alibaba Cloud AccessKey ID",
        cat: Cloud,
        kw: &["ltai"],
        re: r"\b(LTAI[A-Za-z0-9]{20})\b",
        entropy: 3.0,
        ..BASE
    },
    D {
        id: "digitalocean-pat",
        title: "DigitalOcean personal access token",
        cat: Cloud,
        sev: Critical,
        kw: &["dop_v1_"],
        re: r"\b(dop_v1_[a-f0-9]{64})\b",
        entropy: 3.0,
        ..BASE
    },
    D {
        id: "digitalocean-oauth-token",
        title: "DigitalOcean OAuth access/refresh token",
        cat: Cloud,
        kw: &["doo_v1_", "dor_v1_"],
        re: r"\b(do[or]_v1_[a-f0-9]{64})\b",
        entropy: 3.0,
        ..BASE
    },
    D {
        id: "heroku-api-key",
        title: "Heroku API key",
        cat: Cloud,
        kw: &["heroku"],
        re: concat!(
            r"(?i:heroku)",
            keytail!(),
            r"(?i:key|token|secret)",
            assign!(),
            "(",
            uuid!(),
            r")\b"
        ),
        spec: SPEC_CONTEXT_TOKEN,
        ..BASE
    },
    D {
        id: "heroku-api-key-v2",
        title: "Heroku API key (HRKU format)",
        cat: Cloud,
        kw: &["hrku-aa"],
        re: concat!(r"\b(HRKU-AA[0-9A-Za-z_-]{58})", tok_end!()),
        entropy: 4.0,
        ..BASE
    },
    D {
        id: "cloudflare-api-token",
        title: "Cloudflare API token or global API key",
        cat: Cloud,
        kw: &["cloudflare", "cf_api"],
        re: concat!(
            r"(?i:cloudflare|cf_api)",
            keytail!(),
            assign!(),
            r"([A-Za-z0-9_-]{40}|[a-f0-9]{37})",
            tok_end!()
        ),
        entropy: 3.5,
        validator: Validator::LetterAndDigit,
        spec: SPEC_CONTEXT_TOKEN,
        ..BASE
    },
    D {
        id: "cloudflare-origin-ca-key",
        title: "Cloudflare Origin CA key",
        cat: Cloud,
        kw: &["v1.0-"],
        re: r"\b(v1\.0-[a-f0-9]{24}-[a-f0-9]{146})\b",
        entropy: 3.0,
        ..BASE
    },
    D {
        id: "fastly-api-token",
        title: "Fastly API token",
        cat: Cloud,
        kw: &["fastly"],
        re: concat!(
            r"(?i:fastly)",
            keytail!(),
            assign!(),
            r"([A-Za-z0-9_-]{32})",
            tok_end!()
        ),
        entropy: 3.5,
        validator: Validator::LetterAndDigit,
        spec: SPEC_CONTEXT_TOKEN,
        ..BASE
    },
    D {
        id: "vault-token",
        title: "HashiCorp Vault token",
        cat: Cloud,
        sev: Critical,
        kw: &["^hvs.", "^hvb.", "vault"],
        re: concat!(
            r"\b(hvs\.[A-Za-z0-9_-]{24,250}|hvb\.[A-Za-z0-9_-]{100,300})",
            tok_end!(),
            r"|(?i:vault)",
            keytail!(),
            assign!(),
            r"(s\.[A-Za-z0-9]{24})\b"
        ),
        entropy: 3.5,
        ..BASE
    },
    D {
        id: "flyio-token",
        title: "Fly.io API token",
        cat: Cloud,
        kw: &["fo1_", "fm2_"],
        re: concat!(
            r"\b(fo1_[A-Za-z0-9_-]{43})",
            tok_end!(),
            r"|\b(fm2_[A-Za-z0-9+/]{100,}={0,3})"
        ),
        entropy: 4.0,
        ..BASE
    },
    D {
        id: "databricks-token",
        title: "Databricks API token",
        cat: Cloud,
        kw: &["dapi"],
        re: r"\b(dapi[a-f0-9]{32}(?:-[0-9])?)\b",
        entropy: 3.0,
        ..BASE
    },
    D {
        id: "openshift-user-token",
        title: "OpenShift user token",
        cat: Cloud,
        kw: &["sha256~"],
        re: concat!(r"\b(sha256~[A-Za-z0-9_-]{43})", tok_end!()),
        entropy: 3.5,
        ..BASE
    },
    D {
        id: "kubernetes-bearer-token",
        title: "Kubernetes credentials in a kubeconfig or service-account token file",
        cat: Cloud,
        sev: Critical,
        kw: &["token", "client-key-data", "password", "eyj"],
        re: concat!(
            r#"(?:^|[\s{,])(?:token|id-token|refresh-token|access-token)\s*:\s*["']?([A-Za-z0-9._~+/=-]{20,})"#,
            r#"|(?:^|[\s{,])client-key-data\s*:\s*["']?([A-Za-z0-9+/=]{40,})"#,
            r#"|(?:^|[\s{,])password\s*:\s*["']?([^\s"',}]{6,})"#,
            r"|^\s*(eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,})"
        ),
        path: KUBECONFIG_PATH,
        entropy: 3.0,
        spec: SPEC_FILE,
        max_len: 16384,
        ..BASE
    },
    // ---------------------------------------------------------------- private keys
    D {
        id: "private-key",
        title: "Private key",
        cat: PrivateKey,
        sev: Critical,
        kw: &["private key", "putty-user-key-file"],
        re: concat!(
            r"(?s)-----BEGIN (?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?-----\s*(\S.*?)\s*",
            r"-----END (?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?-----",
            r"|PuTTY-User-Key-File-[0-9]+: *[^\r\n]*.*?Private-Lines: *[0-9]+\r?\n([A-Za-z0-9+/=\r\n]{40,})"
        ),
        reach: Reach::Block {
            back: 256,
            fwd: 32768,
        },
        validator: Validator::PemBody,
        placeholders: false,
        max_len: 65536,
        ..BASE
    },
    D {
        id: "age-secret-key",
        title: "age secret key",
        cat: PrivateKey,
        sev: Critical,
        kw: &["age-secret-key-1"],
        re: r"(AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58})",
        group: SecretGroup::Index(1),
        placeholders: false,
        ..BASE
    },
    // ---------------------------------------------------------------- version control
    D {
        id: "github-pat",
        title: "GitHub personal access token (classic)",
        cat: Vcs,
        sev: Critical,
        kw: &["ghp_"],
        re: r"\b(ghp_[A-Za-z0-9]{36})\b",
        entropy: 3.0,
        ..BASE
    },
    D {
        id: "github-fine-grained-pat",
        title: "GitHub fine-grained personal access token",
        cat: Vcs,
        sev: Critical,
        kw: &["github_pat_"],
        re: r"\b(github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})\b",
        entropy: 3.0,
        ..BASE
    },
    D {
        id: "github-oauth",
        title: "GitHub OAuth access token",
        cat: Vcs,
        kw: &["gho_"],
        re: r"\b(gho_[A-Za-z0-9]{36})\b",
        entropy: 3.0,
        ..BASE
    },
    D {
        id: "github-app-token",
        title: "GitHub App user-to-server or installation token",
        cat: Vcs,
        kw: &["ghu_", "ghs_"],
        re: r"\b((?:ghu|ghs)_[A-Za-z0-9]{36})\b",
        entropy: 3.0,
        ..BASE
    },
    D {
        id: "github-refresh-token",
        title: "GitHub refresh token",
        cat: Vcs,
        kw: &["ghr_"],
        re: r"\b(ghr_[A-Za-z0-9]{36,76})\b",
        entropy: 3.0,
        ..BASE
    },
    D {
        id: "gitlab-pat",
        title: "GitLab personal access token",
        cat: Vcs,
        sev: Critical,
        kw: &["glpat-"],
        re: concat!(
            r"\b(glpat-[A-Za-z0-9_-]{20,}(?:\.[0-9a-z]{9})?)",
            tok_end!()
        ),
        entropy: 3.0,
        max_len: 400,
        ..BASE
    },
    D {
        id: "gitlab-deploy-token",
        title: "GitLab deploy token",
        cat: Vcs,
        kw: &["gldt-"],
        re: concat!(r"\b(gldt-[A-Za-z0-9_-]{20,})", tok_end!()),
        entropy: 3.0,
        max_len: 400,
        ..BASE
    },
    D {
        id: "bitbucket-app-password",
        title: "Bitbucket app password",
        cat: Vcs,
        kw: &["atbb"],
        re: r"\b(ATBB[A-Za-z0-9_=-]{28,60})(?:[^A-Za-z0-9_=-]|$)",
        entropy: 3.5,
        ..BASE
    },
    D {
        id: "git-credentials",
        title: "Password or token in a git credential store",
        cat: Vcs,
        kw: &["://"],
        re: r"[A-Za-z][A-Za-z0-9+.-]*://([^:@/\s]*):([^@/\s]+)@([^\s/@:]+)",
        group: SecretGroup::Index(2),
        path: r"(?:^|/)(?:\.git-credentials|\.config/git/credentials)$",
        spec: SPEC_STORE,
        min_len: 3,
        ..BASE
    },
    // ---------------------------------------------------------------- CI / infrastructure as code
    D {
        id: "terraform-cloud-token",
        title: "Terraform Cloud / Enterprise API token",
        cat: Ci,
        sev: Critical,
        kw: &["atlasv1"],
        re: r"\b([A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=-]{60,70})(?:[^A-Za-z0-9_=-]|$)",
        entropy: 3.5,
        ..BASE
    },
    D {
        id: "pulumi-access-token",
        title: "Pulumi access token",
        cat: Ci,
        kw: &["pul-"],
        re: r"\b(pul-[a-f0-9]{40})\b",
        entropy: 3.0,
        ..BASE
    },
    D {
        id: "gitlab-runner-token",
        title: "GitLab runner authentication or registration token",
        cat: Ci,
        kw: &["glrt-", "gr1348941"],
        re: concat!(
            r"\b(glrt-[A-Za-z0-9_-]{20,}(?:\.[0-9a-z]{9})?|GR1348941[A-Za-z0-9_-]{20})",
            tok_end!()
        ),
        entropy: 3.0,
        max_len: 400,
        ..BASE
    },
    D {
        id: "gitlab-pipeline-trigger-token",
        title: "GitLab pipeline trigger token",
        cat: Ci,
        kw: &["glptt-"],
        re: r"\b(glptt-[a-f0-9]{40})\b",
        entropy: 3.0,
        ..BASE
    },
    D {
        id: "gitlab-cicd-job-token",
        title: "GitLab CI/CD job token",
        cat: Ci,
        kw: &["glcbt-"],
        re: concat!(r"\b(glcbt-[0-9A-Za-z]{1,5}_[0-9A-Za-z_-]{20})", tok_end!()),
        entropy: 3.0,
        ..BASE
    },
    D {
        id: "buildkite-api-token",
        title: "Buildkite API access token",
        cat: Ci,
        kw: &["bkua_"],
        re: r"\b(bkua_[a-f0-9]{40})\b",
        entropy: 3.0,
        ..BASE
    },
    D {
        id: "sonarqube-token",
        title: "SonarQube token",
        cat: Ci,
        kw: &["squ_", "sqp_", "sqa_"],
        re: r"\b((?:squ|sqp|sqa)_[a-f0-9]{40})\b",
        entropy: 3.0,
        ..BASE
    },
    D {
        id: "snyk-token",
        title: "Snyk API token",
        cat: Ci,
        kw: &["snyk"],
        re: concat!(
            r"(?i:snyk)",
            keytail!(),
            r"(?i:key|token|auth)",
            assign!(),
            "(",
            uuid!(),
            r")\b"
        ),
        spec: SPEC_CONTEXT_TOKEN,
        ..BASE
    },
    D {
        id: "circleci-token",
        title: "CircleCI API token",
        cat: Ci,
        kw: &["ccipat_", "circle"],
        re: concat!(
            r"\b(CCIPAT_[A-Za-z0-9]{22}_[a-f0-9]{40})\b",
            r"|(?i:circle(?:ci)?)[A-Za-z0-9_.-]{0,24}(?i:token|key)",
            assign!(),
            r"([a-f0-9]{40})\b"
        ),
        entropy: 3.0,
        spec: SPEC_CONTEXT_TOKEN,
        ..BASE
    },
    D {
        id: "travis-ci-token",
        title: "Travis CI API token",
        cat: Ci,
        kw: &["travis"],
        re: concat!(
            r"(?i:travis)",
            keytail!(),
            assign!(),
            r"([A-Za-z0-9]{22})\b"
        ),
        entropy: 3.5,
        validator: Validator::LetterAndDigit,
        spec: SPEC_CONTEXT_TOKEN,
        ..BASE
    },
    D {
        id: "drone-ci-token",
        title: "Drone CI token",
        cat: Ci,
        kw: &["drone"],
        re: concat!(
            r"(?i:drone)",
            keytail!(),
            r"(?i:token)",
            assign!(),
            r"([A-Za-z0-9]{32})\b"
        ),
        entropy: 3.5,
        validator: Validator::LetterAndDigit,
        spec: SPEC_CONTEXT_TOKEN,
        ..BASE
    },
    D {
        id: "codecov-token",
        title: "Codecov upload token",
        cat: Ci,
        kw: &["codecov"],
        re: concat!(
            r"(?i:codecov)",
            keytail!(),
            r"(?i:token)",
            assign!(),
            "(",
            uuid!(),
            r")\b"
        ),
        spec: SPEC_CONTEXT_TOKEN,
        ..BASE
    },
    // ---------------------------------------------------------------- chat and messaging
    D {
        id: "slack-bot-token",
        title: "Slack bot token",
        cat: Chat,
        kw: &["xoxb-"],
        re: r"\b(xoxb-[0-9]{8,14}-(?:[0-9]{8,14}-)?[A-Za-z0-9]{18,48})\b",
        entropy: 3.0,
        ..BASE
    },
    D {
        id: "slack-user-token",
        title: "Slack user token",
        cat: Chat,
        kw: &["xoxp-"],
        re: r"\b(xoxp-[0-9]{8,14}-[0-9]{8,14}-[0-9]{8,14}-[A-Za-z0-9]{28,34})\b",
        entropy: 3.0,
        ..BASE
    },
    D {
        id: "slack-app-token",
        title: "Slack app-level token",
        cat: Chat,
        kw: &["xapp-"],
        re: r"\b(xapp-[0-9]-[A-Z0-9]{8,14}-[0-9]{8,16}-[A-Za-z0-9]{32,80})\b",
        entropy: 3.0,
        ..BASE
    },
    D {
        id: "slack-config-token",
        title: "Slack configuration access or refresh token",
        cat: Chat,
        kw: &["xoxe"],
        re: r"\b(xoxe\.xox[bp]-[0-9]-[A-Za-z0-9]{140,180}|xoxe-[0-9]-[A-Za-z0-9]{140,160})\b",
        entropy: 3.0,
        ..BASE
    },
    D {
        id: "slack-legacy-token",
        title: "Slack legacy token",
        cat: Chat,
        kw: &["xoxo-", "xoxs-", "xoxa-", "xoxr-"],
        re: r"\b(xox[os]-[0-9]+-[0-9]+-[0-9]+-[A-Fa-f0-9]{16,}|xox[ar]-(?:[0-9]-)?[A-Za-z0-9]{8,48})\b",
        entropy: 3.0,
        ..BASE
    },
    D {
        id: "slack-webhook",
        title: "Slack incoming webhook URL",
        cat: Chat,
        kw: &["hooks.slack.com"],
        re: concat!(
            r"(https?://hooks\.slack\.com/(?:services/T[A-Z0-9]{8,12}/B[A-Z0-9]{8,12}/[A-Za-z0-9]{20,32}",
            r"|(?:workflows|triggers)/T[A-Z0-9]{8,12}/[A-Za-z0-9]{8,12}/[0-9]{6,20}/[A-Za-z0-9]{20,40}))"
        ),
        ..BASE
    },
    D {
        id: "discord-webhook",
        title: "Discord webhook URL",
        cat: Chat,
        kw: &["discord"],
        re: r"https://(?:(?:ptb|canary)\.)?discord(?:app)?\.com/api/webhooks/[0-9]{17,20}/([A-Za-z0-9_-]{60,72})",
        entropy: 3.5,
        ..BASE
    },
    D {
        id: "discord-bot-token",
        title: "Discord bot token",
        cat: Chat,
        kw: &["discord"],
        re: concat!(
            r"(?i:discord)",
            keytail!(),
            assign!(),
            r"([MNO][A-Za-z0-9_-]{23,27}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,40})",
            tok_end!()
        ),
        entropy: 3.5,
        spec: SPEC_CONTEXT_TOKEN,
        ..BASE
    },
    D {
        id: "telegram-bot-token",
        title: "Telegram bot token",
        cat: Chat,
        kw: &[":aa"],
        re: concat!(r"(?:^|[^0-9])([0-9]{8,10}:AA[A-Za-z0-9_-]{33})", tok_end!()),
        entropy: 3.5,
        ..BASE
    },
    D {
        id: "microsoft-teams-webhook",
        title: "Microsoft Teams incoming webhook URL",
        cat: Chat,
        kw: &["webhook.office.com"],
        re: concat!(
            r"(https://[A-Za-z0-9-]+\.webhook\.office\.com/webhookb2/[a-f0-9-]{36}@[a-f0-9-]{36}",
            r"/IncomingWebhook/[a-f0-9]{32}/[a-f0-9-]{36}(?:/[A-Za-z0-9_-]+)?)"
        ),
        ..BASE
    },
    D {
        id: "twilio-api-key",
        title: "Twilio API key",
        cat: Chat,
        kw: &["twilio"],
        re: r"\b(SK[0-9a-fA-F]{32})\b",
        entropy: 3.0,
        spec: SPEC_CONTEXT_TOKEN,
        ..BASE
    },
    D {
        id: "twilio-auth-token",
        title: "Twilio auth token",
        cat: Chat,
        kw: &["twilio"],
        re: concat!(
            r"(?i:twilio)",
            keytail!(),
            r"(?i:token|secret)",
            assign!(),
            r"([a-f0-9]{32})\b"
        ),
        entropy: 3.0,
        spec: SPEC_CONTEXT_TOKEN,
        ..BASE
    },
    // ---------------------------------------------------------------- payment
    D {
        id: "stripe-live-secret-key",
        title: "Stripe live secret key",
        cat: Payment,
        sev: Critical,
        kw: &["sk_live_"],
        re: r"\b(sk_live_[A-Za-z0-9]{20,247})\b",
        entropy: 3.0,
        ..BASE
    },
    D {
        id: "stripe-restricted-key",
        title: "Stripe live restricted key",
        cat: Payment,
        kw: &["rk_live_"],
        re: r"\b(rk_live_[A-Za-z0-9]{20,247})\b",
        entropy: 3.0,
        ..BASE
    },
    D {
        id: "stripe-webhook-secret",
        title: "Stripe webhook signing secret",
        cat: Payment,
        kw: &["whsec_"],
        re: r"\b(whsec_[A-Za-z0-9+/]{32,100}={0,2})(?:[^A-Za-z0-9+/=]|$)",
        entropy: 3.5,
        ..BASE
    },
    D {
        id: "shopify-access-token",
        title: "Shopify access token",
        cat: Payment,
        kw: &["shpat_"],
        re: r"\b(shpat_[a-fA-F0-9]{32})\b",
        entropy: 3.0,
        ..BASE
    },
    D {
        id: "shopify-custom-app-token",
        title: "Shopify custom app access token",
        cat: Payment,
        kw: &["shpca_"],
        re: r"\b(shpca_[a-fA-F0-9]{32})\b",
        entropy: 3.0,
        ..BASE
    },
    D {
        id: "shopify-private-app-token",
        title: "Shopify private app access token",
        cat: Payment,
        kw: &["shppa_"],
        re: r"\b(shppa_[a-fA-F0-9]{32})\b",
        entropy: 3.0,
        ..BASE
    },
    D {
        id: "shopify-shared-secret",
        title: "Shopify shared secret",
        cat: Payment,
        kw: &["shpss_"],
        re: r"\b(shpss_[a-fA-F0-9]{32})\b",
        entropy: 3.0,
        ..BASE
    },
    D {
        id: "square-access-token",
        title: "Square access token",
        cat: Payment,
        sev: Critical,
        kw: &["sq0atp-", "^eaaa"],
        re: concat!(
            r"\b(sq0atp-[A-Za-z0-9_-]{22}|EAAA[A-Za-z0-9_-]{60})",
            tok_end!()
        ),
        entropy: 3.5,
        ..BASE
    },
    D {
        id: "square-oauth-secret",
        title: "Square OAuth secret",
        cat: Payment,
        kw: &["sq0csp-"],
        re: concat!(r"\b(sq0csp-[A-Za-z0-9_-]{43})", tok_end!()),
        entropy: 3.5,
        ..BASE
    },
    D {
        id: "braintree-access-token",
        title: "PayPal Braintree access token",
        cat: Payment,
        sev: Critical,
        kw: &["access_token$production$"],
        re: r"(access_token\$production\$[0-9a-z]{16}\$[0-9a-f]{32})",
        entropy: 3.0,
        ..BASE
    },
    D {
        id: "paypal-client-secret",
        title: "PayPal REST client secret",
        cat: Payment,
        kw: &["paypal"],
        re: concat!(
            r"(?i:paypal)",
            keytail!(),
            r"(?i:secret)",
            assign!(),
            r"([A-Za-z0-9_-]{80})",
            tok_end!()
        ),
        entropy: 4.0,
        spec: SPEC_CONTEXT_TOKEN,
        ..BASE
    },
    D {
        id: "plaid-secret",
        title: "Plaid API secret",
        cat: Payment,
        kw: &["plaid"],
        re: concat!(
            r"(?i:plaid)",
            keytail!(),
            r"(?i:secret)",
            assign!(),
            r"([a-f0-9]{30})\b"
        ),
        entropy: 3.0,
        spec: SPEC_CONTEXT_TOKEN,
        ..BASE
    },
    D {
        id: "flutterwave-secret-key",
        title: "Flutterwave secret key",
        cat: Payment,
        kw: &["flwseck"],
        re: concat!(r"\b(FLWSECK(?:_TEST)?-[a-hA-H0-9]{32}-X)", tok_end!()),
        entropy: 3.0,
        ..BASE
    },
    // ---------------------------------------------------------------- registries
    D {
        id: "registry-auth",
        title: "Container registry credentials (docker config)",
        cat: Registry,
        sev: Critical,
        kw: &["\"auth\"", "identitytoken", "registrytoken"],
        re: r#""auth"\s*:\s*"([A-Za-z0-9+/=]{8,})"|"(?:identitytoken|registrytoken)"\s*:\s*"([^"\s]{16,})""#,
        path: DOCKER_CONFIG_PATH,
        validator: Validator::RegistryAuth,
        spec: SPEC_FILE,
        ..BASE
    },
    D {
        id: "npm-token",
        title: "npm access token",
        cat: Registry,
        sev: Critical,
        kw: &["npm_", "_authtoken"],
        re: concat!(
            r"\b(npm_[A-Za-z0-9]{36})\b",
            r#"|(?i:_authToken)\s*=\s*["']?([^\s"']{8,})"#
        ),
        entropy: 3.0,
        // Just below the provider-shaped tokens: `_authToken=ghp_…` is a GitHub token.
        spec: 95,
        ..BASE
    },
    D {
        id: "npmrc-auth-token",
        title: "Registry credential in .npmrc / .yarnrc (_auth, _password, Yarn tokens)",
        cat: Registry,
        kw: &[
            "_authtoken",
            "_auth",
            "_password",
            "npmauthtoken",
            "npmauthident",
        ],
        re: r#"(?i:_authToken|_auth|_password|npmAuthToken|npmAuthIdent)["']?\s*[=:]\s*["']?([^\s"']{8,})"#,
        path: r"(?:^|/)(?:\.npmrc|npmrc|\.yarnrc\.yml|\.yarnrc)$",
        entropy: 2.5,
        spec: SPEC_STORE,
        ..BASE
    },
    D {
        id: "pypi-token",
        title: "PyPI API token",
        cat: Registry,
        sev: Critical,
        kw: &["pypi-ageichlwas5vcmc", "pypi-agendgvzdc5wexbplm9yzw"],
        re: r"\b(pypi-(?:AgEIcHlwaS5vcmc|AgENdGVzdC5weXBpLm9yZw)[A-Za-z0-9_-]{50,})",
        entropy: 3.5,
        ..BASE
    },
    D {
        id: "pypirc-password",
        title: "Password in .pypirc",
        cat: Registry,
        kw: &["password"],
        re: r"(?:^|\s)(?i:password)\s*[=:]\s*(\S+)",
        path: r"(?:^|/)\.pypirc$",
        entropy: 2.0,
        spec: SPEC_STORE,
        min_len: 6,
        ..BASE
    },
    D {
        id: "rubygems-api-key",
        title: "RubyGems API key",
        cat: Registry,
        sev: Critical,
        kw: &["rubygems_"],
        re: r"\b(rubygems_[a-f0-9]{48})\b",
        entropy: 3.0,
        ..BASE
    },
    D {
        id: "nuget-api-key",
        title: "NuGet API key",
        cat: Registry,
        kw: &["oy2"],
        re: r"\b(oy2[a-z0-9]{43})\b",
        entropy: 3.5,
        ..BASE
    },
    D {
        id: "dockerhub-pat",
        title: "Docker Hub access token",
        cat: Registry,
        kw: &["dckr_pat_", "dckr_oat_"],
        re: concat!(r"\b(dckr_(?:pat|oat)_[A-Za-z0-9_-]{27,})", tok_end!()),
        entropy: 3.0,
        ..BASE
    },
    D {
        id: "artifactory-api-key",
        title: "JFrog Artifactory API key or reference token",
        cat: Registry,
        kw: &["akcp", "cmvmdgtuojax"],
        re: r"\b(AKCp[A-Za-z0-9]{69}|cmVmdGtuOjAx[A-Za-z0-9]{52})\b",
        entropy: 4.0,
        ..BASE
    },
    D {
        id: "clojars-token",
        title: "Clojars deploy token",
        cat: Registry,
        kw: &["clojars_"],
        re: r"\b(CLOJARS_[a-z0-9]{60})\b",
        entropy: 3.0,
        ..BASE
    },
    D {
        id: "maven-settings-password",
        title: "Password in Maven settings.xml",
        cat: Registry,
        kw: &["<password>", "<passphrase>"],
        re: r"<(?:password|passphrase)>\s*([^<\s]{4,256})\s*</(?:password|passphrase)>",
        path: r"(?:^|/)\.m2/settings(?:-security)?\.xml$",
        spec: SPEC_STORE,
        min_len: 4,
        ..BASE
    },
    D {
        id: "cargo-registry-token",
        title: "Cargo registry token",
        cat: Registry,
        kw: &["token"],
        re: r#"(?:^|\s)token\s*=\s*"([^"\s]{16,})""#,
        path: r"(?:^|/)\.cargo/credentials(?:\.toml)?$",
        spec: SPEC_STORE,
        ..BASE
    },
    // ---------------------------------------------------------------- SaaS tokens
    D {
        id: "atlassian-api-token",
        title: "Atlassian API token",
        kw: &["atatt3"],
        re: r"\b(ATATT3[A-Za-z0-9_=-]{186})(?:[^A-Za-z0-9_=-]|$)",
        entropy: 3.5,
        ..BASE
    },
    D {
        id: "doppler-token",
        title: "Doppler token",
        kw: &[
            "dp.pt.",
            "dp.st.",
            "dp.sa.",
            "dp.ct.",
            "dp.scim.",
            "dp.audit.",
        ],
        re: r"\b(dp\.(?:pt|st|sa|ct|scim|audit)\.[A-Za-z0-9]{40,44})\b",
        entropy: 3.5,
        ..BASE
    },
    D {
        id: "sendgrid-api-key",
        title: "SendGrid API key",
        kw: &["^sg."],
        re: concat!(r"\b(SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43})", tok_end!()),
        entropy: 3.5,
        ..BASE
    },
    D {
        id: "mailgun-api-key",
        title: "Mailgun API key",
        kw: &["mailgun"],
        re: concat!(
            r"(?i:mailgun)",
            keytail!(),
            assign!(),
            r"(key-[a-f0-9]{32}|[a-f0-9]{32}-[a-f0-9]{8}-[a-f0-9]{8})\b"
        ),
        entropy: 3.0,
        spec: SPEC_CONTEXT_TOKEN,
        ..BASE
    },
    D {
        id: "mailchimp-api-key",
        title: "Mailchimp API key",
        kw: &["-us"],
        re: r"\b([a-f0-9]{32}-us[0-9]{1,2})\b",
        entropy: 3.0,
        ..BASE
    },
    D {
        id: "brevo-api-key",
        title: "Brevo (Sendinblue) API key",
        kw: &["xkeysib-"],
        re: r"\b(xkeysib-[a-f0-9]{64}-[A-Za-z0-9]{16})\b",
        entropy: 3.0,
        ..BASE
    },
    D {
        id: "openai-api-key",
        title: "OpenAI API key",
        sev: Critical,
        kw: &["t3blbkfj", "sk-proj-", "sk-svcacct-", "sk-admin-"],
        re: concat!(
            r"\b(sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,120}T3BlbkFJ[A-Za-z0-9_-]{20,120})",
            tok_end!(),
            r"|\b(sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{80,200})",
            tok_end!()
        ),
        entropy: 3.5,
        ..BASE
    },
    D {
        id: "anthropic-api-key",
        title: "Anthropic API key",
        sev: Critical,
        kw: &["sk-ant-"],
        re: concat!(
            r"\b(sk-ant-(?:api|admin|oat)[0-9]{2}-[A-Za-z0-9_-]{80,120})",
            tok_end!()
        ),
        entropy: 4.0,
        ..BASE
    },
    D {
        id: "huggingface-token",
        title: "Hugging Face access token",
        kw: &["^hf_", "api_org_"],
        re: r"\b((?:hf_|api_org_)[A-Za-z0-9]{34})\b",
        entropy: 3.5,
        ..BASE
    },
    D {
        id: "grafana-api-key",
        title: "Grafana API key",
        kw: &["eyjrijoi"],
        re: r"\b(eyJrIjoi[A-Za-z0-9]{70,400}={0,3})",
        entropy: 3.0,
        ..BASE
    },
    D {
        id: "grafana-cloud-token",
        title: "Grafana Cloud access policy token",
        kw: &["glc_"],
        re: r"\b(glc_[A-Za-z0-9+/]{32,400}={0,3})",
        entropy: 3.5,
        ..BASE
    },
    D {
        id: "grafana-service-account-token",
        title: "Grafana service account token",
        kw: &["glsa_"],
        re: r"\b(glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8})\b",
        entropy: 3.0,
        ..BASE
    },
    D {
        id: "datadog-api-key",
        title: "Datadog API or application key",
        kw: &[
            "datadog", "dd_api", "dd-api", "dd_app", "dd-app", "ddapi", "ddapp",
        ],
        re: concat!(
            r"(?i:(?:datadog|dd)[_.-]?(?:api|app|application)[_.-]?key)",
            assign!(),
            r"([a-f0-9]{40}|[a-f0-9]{32})\b"
        ),
        entropy: 3.0,
        spec: SPEC_CONTEXT_TOKEN,
        ..BASE
    },
    D {
        id: "new-relic-user-api-key",
        title: "New Relic user API key",
        kw: &["nrak-"],
        re: r"\b(NRAK-[A-Z0-9]{27})\b",
        entropy: 3.0,
        ..BASE
    },
    D {
        id: "new-relic-license-key",
        title: "New Relic ingest license key",
        kw: &["nral"],
        re: r"\b([a-f0-9]{36}NRAL)\b",
        entropy: 3.0,
        ..BASE
    },
    D {
        id: "new-relic-insert-key",
        title: "New Relic insights insert key",
        kw: &["nrii-"],
        re: concat!(r"\b(NRII-[A-Za-z0-9_-]{32})", tok_end!()),
        entropy: 3.0,
        ..BASE
    },
    D {
        id: "sentry-dsn",
        title: "Sentry DSN",
        sev: Medium,
        kw: &["sentry"],
        re: r"https?://([a-f0-9]{32})(?::[a-f0-9]{32})?@[A-Za-z0-9.-]*sentry[A-Za-z0-9.-]*(?::[0-9]{1,5})?/[0-9]+",
        entropy: 3.0,
        spec: SPEC_CONTEXT_TOKEN,
        ..BASE
    },
    D {
        id: "sentry-auth-token",
        title: "Sentry auth token",
        kw: &["sntryu_", "sntrys_"],
        re: r"\b(sntryu_[a-f0-9]{64}|sntrys_eyJ[A-Za-z0-9+/=_]{60,400})",
        entropy: 3.5,
        ..BASE
    },
    D {
        id: "postman-api-key",
        title: "Postman API key",
        kw: &["pmak-"],
        re: r"\b(PMAK-[a-f0-9]{24}-[a-f0-9]{34})\b",
        entropy: 3.0,
        ..BASE
    },
    D {
        id: "linear-api-key",
        title: "Linear API key",
        kw: &["lin_api_"],
        re: r"\b(lin_api_[A-Za-z0-9]{40})\b",
        entropy: 3.0,
        ..BASE
    },
    D {
        id: "okta-api-token",
        title: "Okta API token",
        kw: &["okta"],
        re: concat!(
            r"(?i:okta)",
            keytail!(),
            assign!(),
            r"(00[A-Za-z0-9_-]{40})",
            tok_end!()
        ),
        entropy: 4.0,
        spec: SPEC_CONTEXT_TOKEN,
        ..BASE
    },
    D {
        id: "algolia-admin-key",
        title: "Algolia admin/write API key",
        kw: &["algolia"],
        re: concat!(
            r"(?i:algolia)",
            keytail!(),
            r"(?i:admin|write|api)",
            keytail!(),
            assign!(),
            r"([a-f0-9]{32})\b"
        ),
        entropy: 3.0,
        spec: SPEC_CONTEXT_TOKEN,
        ..BASE
    },
    D {
        id: "asana-pat",
        title: "Asana personal access token",
        kw: &["asana"],
        re: concat!(
            r"(?i:asana)",
            keytail!(),
            assign!(),
            r"([0-9]/[0-9]{10,20}(?:/[0-9]{10,20})?:[A-Za-z0-9]{32})\b"
        ),
        entropy: 3.0,
        spec: SPEC_CONTEXT_TOKEN,
        ..BASE
    },
    D {
        id: "dropbox-token",
        title: "Dropbox access token",
        kw: &["^sl.", "dropbox"],
        re: concat!(
            r"\b(sl\.(?:u\.)?[A-Za-z0-9_-]{130,})",
            tok_end!(),
            r"|(?i:dropbox)",
            keytail!(),
            assign!(),
            r"([A-Za-z0-9]{11}AAAAAAAAAA[A-Za-z0-9_=-]{43})",
            tok_end!()
        ),
        entropy: 3.5,
        ..BASE
    },
    D {
        id: "figma-pat",
        title: "Figma personal access token",
        kw: &["figd_"],
        re: concat!(r"\b(figd_[A-Za-z0-9_-]{38,})", tok_end!()),
        entropy: 3.5,
        ..BASE
    },
    D {
        id: "twitch-oauth-token",
        title: "Twitch OAuth token",
        kw: &["twitch"],
        re: concat!(
            r"(?i:twitch)",
            keytail!(),
            r"(?i:token|secret)",
            assign!(),
            r"(?:oauth:)?([a-z0-9]{30})\b"
        ),
        entropy: 3.5,
        validator: Validator::LetterAndDigit,
        spec: SPEC_CONTEXT_TOKEN,
        ..BASE
    },
    D {
        id: "mapbox-secret-token",
        title: "Mapbox secret access token",
        kw: &["sk.eyj"],
        re: concat!(
            r"\b(sk\.eyJ[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{20,})",
            tok_end!()
        ),
        entropy: 3.5,
        ..BASE
    },
    D {
        id: "jwt",
        title: "JSON Web Token",
        sev: Medium,
        kw: &["eyj"],
        re: r"\b(eyJ[A-Za-z0-9_-]{8,}={0,2}\.eyJ[A-Za-z0-9_-]{8,}={0,2}\.[A-Za-z0-9_-]{16,}={0,2})",
        entropy: 3.5,
        validator: Validator::Jwt,
        spec: SPEC_WEAK,
        skip_tests: true,
        // The signature of the jwt.io sample token, copied into countless READMEs.
        stopwords: &["sflkxwrjsmekkf2qt4fwpmejf36pok6yjv_adqssw5c"],
        ..BASE
    },
    D {
        id: "notion-token",
        title: "Notion integration token",
        kw: &["ntn_"],
        re: r"\b(ntn_[0-9]{11}[A-Za-z0-9]{35})\b",
        entropy: 3.5,
        ..BASE
    },
    D {
        id: "onepassword-service-account-token",
        title: "1Password service account token",
        sev: Critical,
        kw: &["ops_eyj"],
        re: r"\b(ops_eyJ[A-Za-z0-9+/]{250,}={0,3})",
        entropy: 4.0,
        ..BASE
    },
    D {
        id: "dynatrace-api-token",
        title: "Dynatrace API token",
        kw: &["dt0c01."],
        re: r"\b(dt0c01\.[A-Z0-9]{24}\.[A-Za-z0-9]{64})\b",
        entropy: 3.5,
        ..BASE
    },
    D {
        id: "airtable-pat",
        title: "Airtable personal access token",
        kw: &["airtable"],
        re: r"\b(pat[A-Za-z0-9]{14}\.[a-f0-9]{64})\b",
        entropy: 3.5,
        spec: SPEC_CONTEXT_TOKEN,
        ..BASE
    },
    D {
        id: "hubspot-private-app-token",
        title: "HubSpot private app token",
        kw: &["pat-na1-", "pat-eu1-"],
        re: concat!(r"\b(pat-(?:na|eu)1-", uuid!(), r")\b"),
        ..BASE
    },
    D {
        id: "perplexity-api-key",
        title: "Perplexity API key",
        kw: &["pplx-"],
        re: r"\b(pplx-[A-Za-z0-9]{48})\b",
        entropy: 3.5,
        ..BASE
    },
    D {
        id: "groq-api-key",
        title: "Groq API key",
        kw: &["gsk_"],
        re: r"\b(gsk_[A-Za-z0-9]{52})\b",
        entropy: 3.5,
        ..BASE
    },
    // ---------------------------------------------------------------- databases
    D {
        id: "database-url-password",
        title: "Password in a database connection URL",
        cat: Database,
        sev: Critical,
        kw: &["://"],
        re: concat!(
            r"(?i:\b(?:postgres(?:ql)?|pgsql|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?|mssql|sqlserver",
            r"|oracle|cockroachdb|clickhouse|neo4j(?:\+s)?|couchdb|cassandra|memcached|nats|kafka)(?:\+[a-z0-9]+)?)",
            r"://([^:@/\s\x22'\x60]{0,64}):([^@/\s\x22'\x60]{1,128})@([A-Za-z0-9._-]+|\[[0-9a-fA-F:]+\])"
        ),
        group: SecretGroup::Index(2),
        validator: Validator::UrlCredentials,
        spec: SPEC_FILE,
        min_len: 3,
        ..BASE
    },
    D {
        id: "connection-string-password",
        title: "Password in a database connection string",
        cat: Database,
        kw: &["password=", "pwd="],
        re: concat!(
            r"(?i)(?:server|data source|host|address|addr|network address)\s*=\s*[^;\x22'\n]{1,128};",
            r"[^\x22'\n]{0,300}?(?:password|pwd)\s*=\s*([^;\x22'\s]{4,128})"
        ),
        entropy: 2.5,
        spec: SPEC_FILE,
        min_len: 4,
        ..BASE
    },
    D {
        id: "mysql-config-password",
        title: "Password in a MySQL option file",
        cat: Database,
        kw: &["password"],
        re: r#"(?i)(?:^|\s)password\s*=\s*["']?([^\s"']{4,128})"#,
        path: r"(?i)(?:^|/)(?:\.my\.cnf|my\.cnf|mysql/(?:conf\.d|mysql\.conf\.d)/[^/]+\.cnf)$",
        spec: SPEC_STORE,
        min_len: 4,
        ..BASE
    },
    D {
        id: "pgpass-password",
        title: "Password in a PostgreSQL .pgpass file",
        cat: Database,
        kw: &[],
        re: r"(?m)^[^:#\s][^:\n]*:[^:\n]*:[^:\n]*:[^:\n]*:([^\r\n]{3,256})",
        path: r"(?:^|/)\.pgpass$",
        spec: SPEC_STORE,
        min_len: 3,
        ..BASE
    },
    D {
        id: "planetscale-token",
        title: "PlanetScale token or password",
        cat: Database,
        kw: &["pscale_"],
        re: r"\b(pscale_(?:tkn|oauth|pw)_[A-Za-z0-9_=.-]{32,64})(?:[^A-Za-z0-9_=.-]|$)",
        entropy: 3.0,
        ..BASE
    },
    // ---------------------------------------------------------------- frameworks
    D {
        id: "django-secret-key",
        title: "Django SECRET_KEY",
        cat: Framework,
        sev: Critical,
        kw: &["secret_key"],
        re: concat!(
            r"(?:^|[^A-Za-z0-9_])SECRET_KEY\s*=\s*[rbuRBU]?",
            r#"(?:'([^'\n]{30,200})'|"([^"\n]{30,200})")"#
        ),
        path: DJANGO_SETTINGS_PATH,
        entropy: 3.5,
        spec: SPEC_FRAMEWORK,
        min_len: 30,
        ..BASE
    },
    D {
        id: "flask-secret-key",
        title: "Flask secret key",
        cat: Framework,
        kw: &["secret_key"],
        re: concat!(
            r#"(?:\.secret_key|\.config\[\s*["']SECRET_KEY["']\s*\]|config\.(?:update|from_mapping)\([^)]{0,200}?SECRET_KEY)"#,
            r#"\s*=\s*[rbuRBU]?(?:'([^'\n]{16,200})'|"([^"\n]{16,200})")"#
        ),
        path: r"(?i)\.py$",
        entropy: 3.0,
        spec: SPEC_FRAMEWORK,
        min_len: 16,
        ..BASE
    },
    D {
        id: "rails-secret-key-base",
        title: "Rails secret_key_base",
        cat: Framework,
        sev: Critical,
        kw: &["secret_key_base"],
        re: r#"(?i:secret_key_base)["']?\s*(?:=|:|=>)\s*["']?([a-f0-9]{64,256})\b"#,
        entropy: 3.0,
        spec: SPEC_FRAMEWORK,
        ..BASE
    },
    D {
        id: "rails-master-key",
        title: "Rails master key file",
        cat: Framework,
        sev: Critical,
        kw: &[],
        re: r"\A\s*([a-f0-9]{32})\s*\z",
        path: r"(?:^|/)config/(?:master|credentials/[A-Za-z0-9_-]+)\.key$",
        entropy: 3.0,
        spec: SPEC_FRAMEWORK,
        ..BASE
    },
    D {
        id: "laravel-app-key",
        title: "Laravel APP_KEY",
        cat: Framework,
        sev: Critical,
        kw: &["app_key"],
        re: r#"(?:^|\s)APP_KEY\s*=\s*["']?(base64:[A-Za-z0-9+/]{43}=)"#,
        spec: SPEC_FRAMEWORK,
        ..BASE
    },
    D {
        id: "symfony-app-secret",
        title: "Symfony APP_SECRET",
        cat: Framework,
        kw: &["app_secret"],
        re: r#"(?:^|\s)APP_SECRET\s*=\s*["']?([a-f0-9]{32})\b"#,
        entropy: 3.0,
        spec: SPEC_FRAMEWORK,
        ..BASE
    },
    D {
        id: "wordpress-config-secret",
        title: "WordPress database password or auth salt",
        cat: Framework,
        kw: &[
            "_key'",
            "_key\"",
            "_salt'",
            "_salt\"",
            "_password'",
            "_password\"",
        ],
        re: concat!(
            r#"define\(\s*['"](?:DB_PASSWORD|AUTH_KEY|SECURE_AUTH_KEY|LOGGED_IN_KEY|NONCE_KEY|AUTH_SALT"#,
            r#"|SECURE_AUTH_SALT|LOGGED_IN_SALT|NONCE_SALT)['"]\s*,\s*(?:'([^'\n]{8,128})'|"([^"\n]{8,128})")"#
        ),
        path: r"(?:^|/)wp-config\.php$",
        spec: SPEC_FRAMEWORK,
        ..BASE
    },
    // ---------------------------------------------------------------- credential stores and env
    D {
        id: "netrc-password",
        title: "Password in a .netrc file",
        cat: Credentials,
        kw: &["password"],
        re: r"(?:^|\s)password\s+(\S+)",
        path: r"(?:^|/)[._]netrc$",
        spec: SPEC_STORE,
        min_len: 3,
        ..BASE
    },
    D {
        id: "password-in-env",
        title: "Secret in an environment variable",
        cat: Credentials,
        kw: &[
            "password",
            "passwd",
            "passphrase",
            "_pass",
            "pass_",
            "pwd",
            "secret",
            "token",
            "api_key",
            "apikey",
            "access_key",
            "accesskey",
            "private_key",
            "auth_key",
            "credential",
        ],
        re: concat!(
            r"(?i:\bENV)\s+([A-Za-z_][A-Za-z0-9_]*)\s+([^\s=][^\s]*)",
            r#"|(?:^|[\s;&|(])(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)=(?:"([^"\n]*)"|'([^'\n]*)'|([^\s"';&|]+))"#
        ),
        group: SecretGroup::FirstOf(&[2, 4, 5, 6]),
        path: ENV_FILE_PATH,
        scope: ENV_AND_FILES,
        entropy: 2.0,
        validator: Validator::EnvAssignment,
        spec: SPEC_ENV,
        min_len: 6,
        ..BASE
    },
    D {
        id: "url-basic-auth",
        title: "Credentials in a URL",
        cat: Credentials,
        kw: &["://"],
        re: concat!(
            r"\b(?:https?|ftps?|sftp|ssh|git|svn|smb|ldaps?|rsync|webdavs?)://",
            r"([A-Za-z0-9._~%!$&'()*+,;=-]{1,64}):([A-Za-z0-9._~%!$&'()*+,;=-]{3,128})@([A-Za-z0-9.-]+)"
        ),
        group: SecretGroup::Index(2),
        entropy: 2.5,
        validator: Validator::UrlCredentials,
        spec: SPEC_WEAK,
        skip_tests: true,
        min_len: 3,
        ..BASE
    },
    D {
        id: "authorization-header",
        title: "Credential in an HTTP Authorization header",
        cat: Credentials,
        kw: &["authorization"],
        re: r#"(?i:authorization)["']?\s*[:=]\s*["']?(?i:bearer|token|basic)\s+([A-Za-z0-9._~+/-]{16,}=*)"#,
        entropy: 3.5,
        spec: SPEC_HEADER,
        skip_tests: true,
        ..BASE
    },
    // ---------------------------------------------------------------- heuristics
    D {
        id: "generic-password-assignment",
        title: "Hard-coded password",
        cat: Generic,
        sev: Medium,
        kw: &["password", "passwd", "passphrase", "pwd"],
        re: concat!(
            r"(?i:password|passwd|passphrase|pwd)([A-Za-z0-9_.-]{0,24})",
            r#"["']?\s{0,4}(?:=|:=|:|=>)\s{0,4}"#,
            r#"(?:"([^"\s\\]{8,128})"|'([^'\s\\]{8,128})'"#,
            r"|([^\s\x22'\x60;,(){}\[\]<>=][^\s\x22'\x60;,(){}\[\]<>]{7,127})(?:[\s;,)\]}#]|$))",
            r"|<(?i:password|passwd)>([^<\s]{8,128})</"
        ),
        group: SecretGroup::FirstFrom(2),
        entropy: 2.5,
        validator: Validator::GenericPassword,
        spec: SPEC_GENERIC,
        scope: FILES_AND_LABELS,
        skip_tests: true,
        ..BASE
    },
    D {
        id: "generic-secret-assignment",
        title: "Hard-coded secret, token or API key",
        cat: Generic,
        sev: Medium,
        kw: &[
            "secret",
            "token",
            "api_key",
            "api-key",
            "apikey",
            "access_key",
            "access-key",
            "accesskey",
            "auth_key",
            "auth-key",
            "authkey",
            "private_key",
            "private-key",
            "privatekey",
        ],
        re: concat!(
            r"(?i:(secret|token|api[_-]?key|apikey|access[_-]?key|auth[_-]?key|private[_-]?key))",
            r"([A-Za-z0-9_.-]{0,24})",
            r#"["']?\s{0,4}(?:=|:=|:|=>)\s{0,4}"#,
            r#"(?:"([^"\s\\]{16,256})"|'([^'\s\\]{16,256})'"#,
            r"|([A-Za-z0-9+/_.~-][A-Za-z0-9+/=_.~-]{15,255})(?:[\s;,)\]}#]|$))"
        ),
        group: SecretGroup::FirstFrom(3),
        entropy: 3.5,
        validator: Validator::GenericSecret,
        spec: SPEC_GENERIC,
        scope: FILES_AND_LABELS,
        skip_tests: true,
        min_len: 16,
        ..BASE
    },
];

fn keyword(k: &str) -> Keyword {
    match k.strip_prefix('^') {
        Some(rest) => Keyword {
            text: rest.to_ascii_lowercase(),
            word_start: true,
        },
        None => Keyword {
            text: k.to_ascii_lowercase(),
            word_start: false,
        },
    }
}

fn compile_def(d: &D) -> Result<Rule, String> {
    let regex = compile(d.re).map_err(|e| format!("{}: regex: {e}", d.id))?;
    let path = if d.path.is_empty() {
        None
    } else {
        Some(compile(d.path).map_err(|e| format!("{}: path: {e}", d.id))?)
    };
    // Path-bound rules only make sense for files, unless the definition says otherwise.
    let scope = if path.is_some() && d.scope == Scope::ALL {
        Scope::FILES
    } else {
        d.scope
    };
    let allowlists = if d.stopwords.is_empty() {
        Vec::new()
    } else {
        vec![Allowlist {
            description: format!("{}: well-known sample values", d.id),
            and: false,
            target: RegexTarget::Secret,
            regexes: Vec::new(),
            paths: Vec::new(),
            stopwords: d.stopwords.iter().map(|s| s.to_ascii_lowercase()).collect(),
            has_commits: false,
            target_rules: Vec::new(),
        }]
    };
    let compiled = Compiled {
        regex: Some(regex),
        path,
        keywords: d.kw.iter().map(|k| keyword(k)).collect(),
        group: d.group,
        entropy: (d.entropy > 0.0).then_some(d.entropy),
        min_len: d.min_len,
        max_len: d.max_len,
        reach: d.reach,
        specificity: d.spec,
        validator: d.validator,
        scope,
        skip_test_paths: d.skip_tests,
        placeholders: d.placeholders,
        allowlists,
        report: true,
    };
    Ok(Rule {
        id: d.id.to_string(),
        title: d.title.to_string(),
        description: d.title.to_string(),
        category: d.cat,
        severity: d.sev,
        tags: Vec::new(),
        source: "builtin".to_string(),
        c: Arc::new(compiled),
    })
}

/// Definitions that fail to compile (always empty; checked by a unit test so that a broken
/// pattern can never silently disappear from the built-in set).
#[cfg(test)]
pub(crate) fn compile_errors() -> Vec<String> {
    DEFS.iter().filter_map(|d| compile_def(d).err()).collect()
}

pub(crate) fn ruleset() -> RuleSet {
    let rules: Vec<Rule> = DEFS.iter().filter_map(|d| compile_def(d).ok()).collect();
    let global: Vec<Allowlist> = builtin_global_allowlist().into_iter().collect();
    RuleSet::assemble(
        rules,
        global,
        None,
        Some("drydock built-in rules".to_string()),
    )
}

/// Category of a custom rule that overrides or resembles a built-in one.
pub(crate) fn builtin_meta(id: &str) -> Option<(Category, Severity, &'static str)> {
    DEFS.iter()
        .find(|d| d.id == id)
        .map(|d| (d.cat, d.sev, d.title))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_builtin_rule_compiles() {
        assert_eq!(compile_errors(), Vec::<String>::new());
    }

    #[test]
    fn ids_are_unique_kebab_case_and_plentiful() {
        let mut seen = HashSet::new();
        for d in DEFS {
            assert!(seen.insert(d.id), "duplicate id {}", d.id);
            assert!(
                d.id.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{} is not kebab-case",
                d.id
            );
            assert!(!d.title.is_empty());
            assert!(
                !d.kw.is_empty() || !d.path.is_empty(),
                "{} has neither keywords nor path",
                d.id
            );
            for k in d.kw {
                assert!(
                    k.trim_start_matches('^').len() >= 2,
                    "{}: keyword {k:?} too short",
                    d.id
                );
            }
        }
        assert!(DEFS.len() >= 80, "only {} rules", DEFS.len());
    }
}
