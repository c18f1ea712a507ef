//! The rule table: one static slice, so docs, SARIF rule lists and config
//! validation all come from the same place.

use drydock_findings::Severity;
use serde::Serialize;

/// A lint rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RuleInfo {
    /// Stable id, `DD-DF-NNN`.
    pub id: &'static str,
    /// One-line title.
    pub title: &'static str,
    /// Default severity.
    pub severity: Severity,
    /// The hadolint rule this one corresponds to, if any.
    pub hadolint: Option<&'static str>,
    /// Other mappings: `CIS-Docker-4.x`, `trivy:DS-00NN`, `dockle:…`.
    pub references: &'static [&'static str],
    /// What to do about it, in one line.
    pub remediation: &'static str,
}

macro_rules! rule {
    ($id:literal, $sev:ident, $hl:expr, [$($r:literal),*], $title:literal, $fix:literal) => {
        RuleInfo {
            id: $id,
            title: $title,
            severity: Severity::$sev,
            hadolint: $hl,
            references: &[$($r),*],
            remediation: $fix,
        }
    };
}

/// Every rule, ordered by id.
pub static RULES: &[RuleInfo] = &[
    rule!(
        "DD-DF-001",
        Medium,
        Some("DL3006"),
        ["trivy:DS-0001"],
        "Base image has no tag",
        "Name an explicit version tag, ideally with its digest: `FROM image:1.2@sha256:…`."
    ),
    rule!(
        "DD-DF-002",
        Medium,
        Some("DL3007"),
        ["trivy:DS-0001"],
        "Base image uses the `latest` tag",
        "Use a specific version tag instead of `latest`, ideally with its digest."
    ),
    rule!(
        "DD-DF-003",
        Low,
        None,
        [],
        "Base image is not pinned by digest",
        "Append the digest so rebuilds use the same bytes: `FROM image:tag@sha256:…` (let a bot update it)."
    ),
    rule!(
        "DD-DF-004",
        High,
        Some("DL3026"),
        ["CIS-Docker-4.2"],
        "Base image comes from a registry outside the trusted list",
        "Pull base images only from a trusted registry, or add the registry to `trusted-registries`."
    ),
    rule!(
        "DD-DF-005",
        Low,
        Some("DL3029"),
        [],
        "FROM --platform is a fixed value",
        "Drop `--platform` or use `$BUILDPLATFORM`/`$TARGETPLATFORM` so multi-platform builds work."
    ),
    rule!(
        "DD-DF-006",
        Info,
        Some("DL3065"),
        [],
        "FROM --platform=$TARGETPLATFORM is redundant",
        "Remove `--platform=$TARGETPLATFORM`: it is the default."
    ),
    rule!(
        "DD-DF-007",
        Medium,
        Some("DL3024"),
        ["trivy:DS-0012"],
        "Stage name is used by more than one FROM",
        "Give every stage a unique `AS` name."
    ),
    rule!(
        "DD-DF-008",
        Low,
        Some("DL3063"),
        [],
        "Stage name is a reserved word",
        "Rename the stage: `scratch` and `context` have a meaning of their own."
    ),
    rule!(
        "DD-DF-009",
        Medium,
        Some("DL3061"),
        [],
        "Instruction before the first FROM",
        "Only ARG (and comments) may come before the first FROM."
    ),
    rule!(
        "DD-DF-010",
        High,
        None,
        ["CIS-Docker-4.1", "trivy:DS-0002", "dockle:CIS-DI-0001"],
        "Final stage sets no USER: the container runs as root",
        "Create an unprivileged user and switch to it: `USER 10001` (numeric) in the final stage."
    ),
    rule!(
        "DD-DF-011",
        High,
        Some("DL3002"),
        ["CIS-Docker-4.1", "trivy:DS-0002", "dockle:CIS-DI-0001"],
        "Last USER of the final stage is root",
        "Switch to an unprivileged user after the steps that need root: `USER 10001`."
    ),
    rule!(
        "DD-DF-012",
        Info,
        Some("DL3066"),
        [],
        "USER names a user instead of a numeric UID",
        "Use a numeric UID (`USER 10001:10001`) so runtimes can verify the user is not root."
    ),
    rule!(
        "DD-DF-020",
        Medium,
        None,
        ["trivy:DS-0004"],
        "Remote-administration port exposed",
        "Do not run SSH/Telnet/RDP/VNC/Docker API servers in the image; use `docker exec` or `kubectl exec`."
    ),
    rule!(
        "DD-DF-021",
        Medium,
        Some("DL3011"),
        ["trivy:DS-0008"],
        "EXPOSE port is invalid or outside 0-65535",
        "Expose a valid port number or range: `EXPOSE 8080/tcp`."
    ),
    rule!(
        "DD-DF-030",
        High,
        Some("DL3064"),
        ["CIS-Docker-4.10", "trivy:DS-0031", "dockle:CIS-DI-0010"],
        "Secret in ENV",
        "Never bake secrets into the image: pass them at run time, or use `RUN --mount=type=secret` at build time."
    ),
    rule!(
        "DD-DF-031",
        Medium,
        Some("DL3064"),
        ["CIS-Docker-4.10", "trivy:DS-0031", "dockle:CIS-DI-0010"],
        "Secret passed as a build argument (ARG)",
        "Build arguments are recorded in the image history: use `RUN --mount=type=secret,id=…` instead."
    ),
    rule!(
        "DD-DF-032",
        Medium,
        None,
        ["CIS-Docker-4.10", "dockle:CIS-DI-0010"],
        "Credential file copied into the image",
        "Keep keys and credential files out of the build context (`.dockerignore`); mount them as build secrets."
    ),
    rule!(
        "DD-DF-040",
        Low,
        Some("DL3020"),
        ["CIS-Docker-4.9", "trivy:DS-0005", "dockle:CIS-DI-0009"],
        "ADD used for local files where COPY fits",
        "Use COPY for local files and directories; ADD only to extract a local tar archive."
    ),
    rule!(
        "DD-DF-041",
        Medium,
        None,
        ["CIS-Docker-4.9"],
        "ADD downloads a URL without --checksum",
        "Add `--checksum=sha256:…` to ADD of a URL, or download and verify in RUN."
    ),
    rule!(
        "DD-DF-042",
        Medium,
        Some("DL3022"),
        [],
        "COPY --from names no earlier stage",
        "Point `--from` at an earlier stage name or index; a bare name that is not a stage is pulled from a registry."
    ),
    rule!(
        "DD-DF-043",
        Medium,
        Some("DL3023"),
        ["trivy:DS-0006"],
        "COPY --from names its own stage",
        "A stage cannot copy from itself: name an earlier stage."
    ),
    rule!(
        "DD-DF-044",
        Medium,
        None,
        [],
        "COPY --from image uses `latest` or no tag",
        "Pin the image of `COPY --from` with a version tag and digest."
    ),
    rule!(
        "DD-DF-045",
        Medium,
        Some("DL3021"),
        ["trivy:DS-0011"],
        "COPY/ADD of several sources to a destination not ending in /",
        "End the destination with `/` when copying more than one source."
    ),
    rule!(
        "DD-DF-046",
        Low,
        Some("DL3045"),
        [],
        "COPY/ADD to a relative destination with no WORKDIR set",
        "Set WORKDIR first or use an absolute destination path."
    ),
    rule!(
        "DD-DF-047",
        Low,
        Some("DL3067"),
        [],
        "COPY --from copies a whole filesystem (/ to /)",
        "Copy only the files needed from the other stage."
    ),
    rule!(
        "DD-DF-050",
        Low,
        Some("DL3025"),
        [],
        "CMD/ENTRYPOINT in shell form",
        "Use the JSON (exec) form so the process is PID 1 and receives signals: `CMD [\"app\", \"--flag\"]`."
    ),
    rule!(
        "DD-DF-051",
        Low,
        Some("DL4003"),
        ["trivy:DS-0016"],
        "More than one CMD in a stage",
        "Keep one CMD per stage: only the last one takes effect."
    ),
    rule!(
        "DD-DF-052",
        Low,
        Some("DL4004"),
        ["trivy:DS-0007"],
        "More than one ENTRYPOINT in a stage",
        "Keep one ENTRYPOINT per stage: only the last one takes effect."
    ),
    rule!(
        "DD-DF-053",
        Low,
        Some("DL3012"),
        ["trivy:DS-0023"],
        "More than one HEALTHCHECK in a stage",
        "Keep one HEALTHCHECK per stage: only the last one takes effect."
    ),
    rule!(
        "DD-DF-054",
        Info,
        Some("DL3057"),
        ["CIS-Docker-4.6", "trivy:DS-0026", "dockle:CIS-DI-0006"],
        "Final image has no HEALTHCHECK",
        "Add `HEALTHCHECK CMD …` so the runtime can detect a hung container."
    ),
    rule!(
        "DD-DF-060",
        Low,
        Some("DL3000"),
        ["trivy:DS-0009"],
        "WORKDIR is a relative path",
        "Use an absolute WORKDIR path."
    ),
    rule!(
        "DD-DF-061",
        Medium,
        None,
        ["trivy:DS-0030"],
        "WORKDIR inside a kernel or boot directory",
        "Do not work under /proc, /sys, /dev or /boot."
    ),
    rule!(
        "DD-DF-062",
        Medium,
        None,
        ["dockle:DKL-DI-0002"],
        "VOLUME declares a host-sensitive path",
        "Do not declare /, /proc, /sys, /dev or the Docker socket as a VOLUME."
    ),
    rule!(
        "DD-DF-070",
        Info,
        Some("DL4000"),
        ["trivy:DS-0022"],
        "MAINTAINER is deprecated",
        "Use `LABEL org.opencontainers.image.authors=\"…\"` instead."
    ),
    rule!(
        "DD-DF-071",
        Medium,
        Some("DL3043"),
        [],
        "ONBUILD triggers ONBUILD, FROM or MAINTAINER",
        "Remove the trigger: Docker refuses it when the image is used as a base."
    ),
    rule!(
        "DD-DF-072",
        Low,
        Some("DL3044"),
        [],
        "ENV uses a variable defined in the same ENV",
        "Split the ENV: a variable is only visible to later instructions."
    ),
    rule!(
        "DD-DF-073",
        High,
        None,
        [],
        "RUN --security=insecure",
        "Do not run build steps with the insecure (privileged) entitlement."
    ),
    rule!(
        "DD-DF-074",
        Info,
        Some("DL3048"),
        [],
        "LABEL key does not follow the label key convention",
        "Use lower-case reverse-DNS keys of letters, digits, `.` and `-` (`org.opencontainers.image.title`)."
    ),
    rule!(
        "DD-DF-100",
        High,
        None,
        ["CIS-Docker-4.11"],
        "Remote script piped into a shell",
        "Download the script, verify its checksum or signature, then run it."
    ),
    rule!(
        "DD-DF-101",
        Low,
        Some("DL4006"),
        [],
        "Pipe in RUN without pipefail",
        "Use `SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]` (or `set -o pipefail`) so a failing download fails the build."
    ),
    rule!(
        "DD-DF-102",
        Low,
        Some("DL3003"),
        ["trivy:DS-0013"],
        "cd in RUN",
        "Use WORKDIR to change directory."
    ),
    rule!(
        "DD-DF-103",
        Medium,
        Some("DL3004"),
        ["trivy:DS-0010", "dockle:DKL-DI-0001"],
        "sudo in RUN",
        "RUN already runs as the current USER: switch with USER, or use gosu/su-exec at run time."
    ),
    rule!(
        "DD-DF-104",
        Info,
        Some("DL3001"),
        [],
        "Interactive or service command in RUN",
        "Commands such as ssh, vim, service, ps, top or shutdown have no effect in a build."
    ),
    rule!(
        "DD-DF-105",
        Info,
        Some("DL4001"),
        ["trivy:DS-0014"],
        "Both curl and wget used in a stage",
        "Use one download tool to keep the image small."
    ),
    rule!(
        "DD-DF-106",
        Info,
        Some("DL3047"),
        [],
        "wget without --progress",
        "Use `wget --progress=dot:giga` (or `-q`) to keep build logs short."
    ),
    rule!(
        "DD-DF-107",
        Low,
        Some("DL4005"),
        [],
        "/bin/sh replaced with ln",
        "Use the SHELL instruction to change the shell."
    ),
    rule!(
        "DD-DF-108",
        Info,
        Some("DL3059"),
        [],
        "Consecutive RUN instructions",
        "Merge consecutive RUN instructions to save layers."
    ),
    rule!(
        "DD-DF-109",
        Low,
        Some("DL3046"),
        [],
        "useradd with a large UID without -l",
        "Add `-l` (`--no-log-init`) to useradd with large UIDs, or the lastlog file bloats the image."
    ),
    rule!(
        "DD-DF-110",
        High,
        None,
        ["CIS-Docker-4.11"],
        "TLS certificate verification disabled",
        "Keep certificate checks on; install the CA certificate you need instead."
    ),
    rule!(
        "DD-DF-111",
        High,
        None,
        ["CIS-Docker-4.11"],
        "Package signature verification disabled",
        "Keep signature checks on; import the repository's signing key instead."
    ),
    rule!(
        "DD-DF-112",
        Medium,
        None,
        [],
        "World-writable permissions set",
        "Grant only the permissions needed (`chmod 755`, `--chmod=644`), owned by the runtime user."
    ),
    rule!(
        "DD-DF-120",
        Low,
        Some("DL3014"),
        ["trivy:DS-0021"],
        "apt-get install without -y",
        "Use `apt-get install -y` so the build does not wait for input."
    ),
    rule!(
        "DD-DF-121",
        Low,
        Some("DL3015"),
        ["CIS-Docker-4.3", "trivy:DS-0029"],
        "apt-get install without --no-install-recommends",
        "Use `apt-get install --no-install-recommends` to avoid unneeded packages."
    ),
    rule!(
        "DD-DF-122",
        Low,
        Some("DL3008"),
        [],
        "apt-get install without version pins",
        "Pin versions: `apt-get install <package>=<version>`."
    ),
    rule!(
        "DD-DF-123",
        Low,
        Some("DL3009"),
        ["dockle:DKL-DI-0005"],
        "apt lists not removed in the same RUN",
        "End the RUN with `rm -rf /var/lib/apt/lists/*`, or use a cache mount."
    ),
    rule!(
        "DD-DF-124",
        Low,
        None,
        ["trivy:DS-0024", "dockle:DKL-DI-0003"],
        "apt-get upgrade or dist-upgrade in RUN",
        "Use an up-to-date base image instead of upgrading packages in the build."
    ),
    rule!(
        "DD-DF-125",
        Low,
        Some("DL3027"),
        [],
        "apt used instead of apt-get",
        "Use apt-get or apt-cache: apt's interface is not stable for scripts."
    ),
    rule!(
        "DD-DF-126",
        Low,
        None,
        ["CIS-Docker-4.7", "trivy:DS-0017", "dockle:CIS-DI-0007"],
        "Package index update without an install in the same RUN",
        "Run `apt-get update && apt-get install …` in one RUN so the cached index is never stale."
    ),
    rule!(
        "DD-DF-130",
        Low,
        Some("DL3019"),
        ["trivy:DS-0025", "dockle:DKL-DI-0004"],
        "apk add without --no-cache",
        "Use `apk add --no-cache` so the index is not kept in the image."
    ),
    rule!(
        "DD-DF-131",
        Low,
        Some("DL3018"),
        [],
        "apk add without version pins",
        "Pin versions: `apk add <package>=<version>`."
    ),
    rule!(
        "DD-DF-140",
        Low,
        Some("DL3042"),
        [],
        "pip install without --no-cache-dir",
        "Use `pip install --no-cache-dir` (or set PIP_NO_CACHE_DIR=1)."
    ),
    rule!(
        "DD-DF-141",
        Low,
        Some("DL3013"),
        [],
        "pip install without version pins",
        "Pin versions (`pip install pkg==1.2.3`) or install from a locked requirements file."
    ),
    rule!(
        "DD-DF-142",
        Low,
        Some("DL3016"),
        [],
        "npm install without version pins",
        "Pin versions: `npm install <package>@<version>`, or use `npm ci` with a lockfile."
    ),
    rule!(
        "DD-DF-143",
        Low,
        Some("DL3028"),
        [],
        "gem install without a version",
        "Pin versions: `gem install <gem>:<version>` or `-v <version>`."
    ),
    rule!(
        "DD-DF-144",
        Low,
        Some("DL3062"),
        [],
        "go install without @version",
        "Pin versions: `go install <module>@<version>`."
    ),
    rule!(
        "DD-DF-145",
        Info,
        Some("DL3060"),
        [],
        "yarn install without yarn cache clean",
        "Run `yarn cache clean` in the same RUN, or use a cache mount."
    ),
    rule!(
        "DD-DF-150",
        Low,
        Some("DL3030"),
        [],
        "yum install without -y",
        "Use `yum install -y`."
    ),
    rule!(
        "DD-DF-151",
        Low,
        Some("DL3032"),
        ["trivy:DS-0015"],
        "yum install without yum clean all",
        "End the RUN with `yum clean all`."
    ),
    rule!(
        "DD-DF-152",
        Low,
        Some("DL3033"),
        [],
        "yum install without version pins",
        "Pin versions: `yum install <package>-<version>`."
    ),
    rule!(
        "DD-DF-153",
        Low,
        Some("DL3038"),
        [],
        "dnf install without -y",
        "Use `dnf install -y`."
    ),
    rule!(
        "DD-DF-154",
        Low,
        Some("DL3040"),
        ["trivy:DS-0019", "trivy:DS-0027"],
        "dnf/microdnf install without clean all",
        "End the RUN with `dnf clean all` (`microdnf clean all`)."
    ),
    rule!(
        "DD-DF-155",
        Low,
        Some("DL3041"),
        [],
        "dnf install without version pins",
        "Pin versions: `dnf install <package>-<version>`."
    ),
    rule!(
        "DD-DF-156",
        Low,
        Some("DL3034"),
        [],
        "zypper without a non-interactive switch",
        "Use `zypper --non-interactive` (`-n`) or `-y`."
    ),
    rule!(
        "DD-DF-157",
        Low,
        Some("DL3035"),
        [],
        "zypper dist-upgrade in RUN",
        "Use an up-to-date base image instead of dist-upgrade."
    ),
    rule!(
        "DD-DF-158",
        Low,
        Some("DL3036"),
        ["trivy:DS-0020"],
        "zypper install without zypper clean",
        "End the RUN with `zypper clean`."
    ),
    rule!(
        "DD-DF-159",
        Low,
        Some("DL3037"),
        [],
        "zypper install without version pins",
        "Pin versions: `zypper install <package>=<version>`."
    ),
];

/// Every rule, ordered by id.
pub fn rules() -> &'static [RuleInfo] {
    RULES
}

/// The rule with this id.
pub fn rule(id: &str) -> Option<&'static RuleInfo> {
    RULES.iter().find(|r| r.id.eq_ignore_ascii_case(id))
}

/// Our ids for `id`: itself if it is ours, or every rule mapped to a
/// hadolint id.
pub(crate) fn resolve_ids(id: &str) -> Vec<&'static str> {
    if let Some(r) = rule(id) {
        return vec![r.id];
    }
    RULES
        .iter()
        .filter(|r| r.hadolint.is_some_and(|h| h.eq_ignore_ascii_case(id)))
        .map(|r| r.id)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_sorted_and_well_formed() {
        for w in RULES.windows(2) {
            assert!(w[0].id < w[1].id, "{} !< {}", w[0].id, w[1].id);
        }
        for r in RULES {
            assert!(r.id.starts_with("DD-DF-") && r.id.len() == 9, "{}", r.id);
            assert!(!r.title.is_empty() && !r.remediation.is_empty());
            assert_ne!(r.severity, Severity::Unknown);
            if let Some(h) = r.hadolint {
                assert!(h.starts_with("DL") && h.len() == 6, "{h}");
            }
        }
    }

    #[test]
    fn hadolint_ids_resolve() {
        assert_eq!(resolve_ids("DL3008"), vec!["DD-DF-122"]);
        assert_eq!(resolve_ids("DL3064"), vec!["DD-DF-030", "DD-DF-031"]);
        assert_eq!(resolve_ids("dd-df-001"), vec!["DD-DF-001"]);
        assert!(resolve_ids("DL9999").is_empty());
    }
}
