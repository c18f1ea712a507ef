//! Path classification: files never worth reading, test/fixture/doc paths, source-code files.

use regex::bytes::{Regex, RegexBuilder};
use std::sync::OnceLock;

/// Strip the leading `./` or `/` so that absolute image paths and relative repository paths
/// look the same to path regexes (which use `(?:^|/)` anchors).
pub(crate) fn normalize(path: &str) -> &str {
    let mut p = path;
    loop {
        if let Some(rest) = p.strip_prefix("./") {
            p = rest;
        } else if let Some(rest) = p.strip_prefix('/') {
            p = rest;
        } else {
            return p;
        }
    }
}

/// File extensions that cannot hold a secret we look for (media, fonts, archives we do not
/// open, compiled code, office documents, databases). Lowercase, without the dot.
const SKIP_EXTENSIONS: &[&str] = &[
    // images
    "png",
    "jpg",
    "jpeg",
    "gif",
    "bmp",
    "ico",
    "icns",
    "webp",
    "tif",
    "tiff",
    "svg",
    "psd",
    "xcf",
    "heic",
    "avif", // fonts
    "ttf",
    "otf",
    "woff",
    "woff2",
    "eot",
    "pfb",
    "pfm",
    "afm", // audio / video
    "mp3",
    "mp4",
    "m4a",
    "wav",
    "ogg",
    "oga",
    "flac",
    "avi",
    "mov",
    "mkv",
    "webm",
    "mpg",
    "mpeg",
    // archives and packages (not opened by this engine)
    "zip",
    "gz",
    "tgz",
    "bz2",
    "tbz2",
    "xz",
    "txz",
    "zst",
    "lz4",
    "lzma",
    "7z",
    "rar",
    "tar",
    "jar",
    "war",
    "ear",
    "whl",
    "egg",
    "apk",
    "deb",
    "rpm",
    "gem",
    "nupkg",
    "crate",
    "snap",
    // compiled code and objects
    "pyc",
    "pyo",
    "pyd",
    "class",
    "o",
    "obj",
    "a",
    "lib",
    "so",
    "dylib",
    "dll",
    "exe",
    "bin",
    "wasm",
    "node",
    "elc",
    "beam",
    "dex",
    "mo",
    "gmo", // documents
    "pdf",
    "doc",
    "docx",
    "xls",
    "xlsx",
    "ppt",
    "pptx",
    "odt",
    "ods",
    "odp",
    "epub",
    // databases and data blobs
    "db",
    "sqlite",
    "sqlite3",
    "parquet",
    "avro",
    "orc",
    "npy",
    "npz",
    "pkl",
    "pickle",
    "h5",
    "hdf5",
    "onnx",
    "pt",
    "pth",
    "safetensors",
    "ckpt",
    "tflite",
    "pb",
    "dat",
    "idx",
    "pack",
    "cache",
    "map.gz",
    "br",
];

/// Lowercased extension of the last path component (`None` if there is none).
fn extension(path: &str) -> Option<String> {
    let name = path.rsplit('/').next().unwrap_or(path);
    let (_, ext) = name.rsplit_once('.')?;
    if ext.is_empty() || ext.len() > 12 {
        return None;
    }
    Some(ext.to_ascii_lowercase())
}

/// Whether the path names a file type that is never scanned (by extension, including
/// versioned shared objects such as `libfoo.so.1.2`).
pub(crate) fn skipped_by_extension(path: &str) -> bool {
    if let Some(ext) = extension(path)
        && SKIP_EXTENSIONS.contains(&ext.as_str())
    {
        return true;
    }
    static SO: OnceLock<Option<Regex>> = OnceLock::new();
    SO.get_or_init(|| build(r"\.so(?:\.[0-9]+)+$"))
        .as_ref()
        .is_some_and(|re| re.is_match(path.as_bytes()))
}

fn build(pattern: &str) -> Option<Regex> {
    RegexBuilder::new(pattern).unicode(false).build().ok()
}

/// Paths of tests, fixtures, examples and documentation: heuristic rules (generic assignments,
/// JWTs, URL credentials) stay quiet there.
pub(crate) fn is_test_or_doc(path: &str) -> bool {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    RE.get_or_init(|| {
        build(concat!(
            r"(?i)(?:^|/)(?:tests?|__tests__|spec|specs|fixtures?|testdata|test[-_]data|",
            r"mocks?|__mocks__|examples?|samples?|docs?|documentation)/",
            r"|(?:^|/)(?:test_[^/]*|[^/]*_test|[^/]*[._-](?:test|spec)s?|conftest)\.[a-z0-9]+$",
            r"|\.(?:md|markdown|rst|adoc|asciidoc|txt|html?|ipynb|1|[1-8]\.gz|man)$",
            r"|(?:^|/)(?:readme|changelog|changes|history|news|license|copying)(?:\.[^/]*)?$"
        ))
    })
    .as_ref()
    .is_some_and(|re| re.is_match(path.as_bytes()))
}

/// Source-code files, where an unquoted assignment right-hand side is an expression rather
/// than a literal value.
pub(crate) fn is_code(path: &str) -> bool {
    const CODE: &[&str] = &[
        "py", "pyi", "js", "mjs", "cjs", "jsx", "ts", "tsx", "go", "java", "kt", "kts", "scala",
        "groovy", "gradle", "rb", "php", "cs", "fs", "vb", "rs", "c", "h", "cc", "cpp", "hpp",
        "cxx", "m", "mm", "swift", "dart", "lua", "pl", "pm", "r", "jl", "ex", "exs", "erl", "clj",
        "cljs", "vue", "svelte", "coffee", "ps1", "psm1",
    ];
    extension(path).is_some_and(|e| CODE.contains(&e.as_str()))
}

/// Builtin global path allowlist: vendored third-party code, language package caches and
/// distribution-owned files. Secrets there are test data or documentation, not the image
/// owner's credentials.
pub(crate) const BUILTIN_PATH_ALLOWLIST: &[&str] = &[
    r"(?:^|/)node_modules/",
    r"(?:^|/)bower_components/",
    r"(?:^|/)(?:site|dist)-packages/",
    r"(?:^|/)(?:\.?venv|virtualenv|\.virtualenvs)/",
    r"(?:^|/)(?:lib|lib64)/python[23](?:\.[0-9]+)*/",
    r"(?:^|/)[A-Za-z0-9_.-]+\.(?:dist|egg)-info/",
    r"(?:^|/)vendor/(?:bundle|ruby|github\.com|golang\.org|google\.golang\.org|gopkg\.in|k8s\.io)/",
    r"(?:^|/)go/pkg/mod/",
    r"(?:^|/)\.cargo/registry/",
    r"(?:^|/)\.m2/repository/",
    r"(?:^|/)\.gradle/caches/",
    r"(?:^|/)\.npm/_cacache/",
    r"(?:^|/)\.cache/(?:pip|yarn|go-build)/",
    r"(?:^|/)gems/[^/]+/gems/",
    r"^usr/share/(?:doc|man|info|locale|i18n|zoneinfo|mime|perl5?|javascript|nodejs|gems|ca-certificates|common-licenses|lintian|bash-completion|zsh|vim|emacs|X11|icons|fonts|pixmaps|misc|terminfo|dict|gtk-doc|help)/",
    r"^usr/(?:lib|lib64|local/lib)/(?:python[23][^/]*|node_modules|ruby|jvm|perl5?|x86_64-linux-gnu/perl[^/]*|go[^/]*|rustlib)/",
    r"^usr/(?:include|src/linux-headers[^/]*)/",
    r"^usr/local/go/",
    r"^usr/lib/go[^/]*/",
    r"^var/lib/(?:dpkg|apt|rpm|yum|dnf|apk)/",
    r"^lib/apk/db/",
    r"^var/cache/(?:apt|yum|dnf|apk|debconf|man|ldconfig)/",
    r"^etc/ssl/certs/",
    r"^(?:proc|sys|dev)/",
    r"(?:^|/)(?:package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|bun\.lockb?|deno\.lock|composer\.lock|Gemfile\.lock|Cargo\.lock|poetry\.lock|Pipfile\.lock|uv\.lock|go\.sum|gradle\.lockfile)$",
    r"(?:^|/)(?:jquery|angular|bootstrap|plotly|swagger-ui|react-dom|vue|lodash)[A-Za-z0-9.-]*\.min\.js(?:\.map)?$",
    r"(?:^|/)gitleaks\.toml$",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_strips_leading_markers() {
        assert_eq!(normalize("/app/.env"), "app/.env");
        assert_eq!(normalize("./app/.env"), "app/.env");
        assert_eq!(normalize("//./x"), "x");
        assert_eq!(normalize(""), "");
    }

    #[test]
    fn extensions() {
        assert!(skipped_by_extension("usr/lib/libc.so.6"));
        assert!(skipped_by_extension("a/b/logo.PNG"));
        assert!(skipped_by_extension("x.pyc"));
        assert!(!skipped_by_extension("app/.env"));
        assert!(!skipped_by_extension("app/settings.py"));
        assert!(!skipped_by_extension("root/.ssh/id_rsa"));
    }

    #[test]
    fn test_paths() {
        assert!(is_test_or_doc("app/shop/tests/test_payments.py"));
        assert!(is_test_or_doc("src/foo_test.go"));
        assert!(is_test_or_doc("web/a.spec.ts"));
        assert!(is_test_or_doc("app/docs/DEPLOY.md"));
        assert!(!is_test_or_doc("app/shop/settings.py"));
        assert!(!is_test_or_doc("app/.env"));
        assert!(!is_test_or_doc("app/contest.py"));
    }

    #[test]
    fn code_files() {
        assert!(is_code("a/b.py"));
        assert!(is_code("a/b.TS"));
        assert!(!is_code("a/b.yaml"));
        assert!(!is_code("a/.env"));
        assert!(!is_code("Dockerfile"));
    }
}
