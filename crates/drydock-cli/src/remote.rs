//! Registry access, trust policies and `drydock verify`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::SystemTime;

use anyhow::{Context, Result, bail};
use clap::Args;
use drydock_findings::Misconfiguration;
use drydock_oci::{Digest, Platform};
use drydock_registry::{
    Credentials, ImageReference, Registry, RegistryError, RegistryOptions, ResolvedImage,
};
use drydock_source::{Image, SourceKind};
use drydock_trust::cosign::{self, PublicKey, SignatureManifest};
use drydock_trust::policy::{self, ImageFacts, SignatureStatus, TrustPolicy};
use drydock_trust::{ImageName, normalize_reference};

/// How to reach registries.
#[derive(Args, Clone, Default)]
pub(crate) struct RegistryArgs {
    /// User name for registries; overrides the Docker config
    #[arg(long, env = "DRYDOCK_USERNAME", value_name = "USER")]
    pub(crate) username: Option<String>,
    /// Password or token for registries
    #[arg(
        long,
        env = "DRYDOCK_PASSWORD",
        value_name = "PASSWORD",
        hide_env_values = true
    )]
    pub(crate) password: Option<String>,
    /// Reach this registry (host:port, as in the reference) over plain HTTP
    /// (repeatable)
    #[arg(long, value_name = "HOST")]
    pub(crate) insecure_registry: Vec<String>,
    /// Also trust this CA certificate (PEM or DER) for registry TLS
    /// (repeatable)
    #[arg(long, value_name = "FILE")]
    pub(crate) ca_cert: Vec<PathBuf>,
    /// Docker config with registry credentials [default:
    /// $DOCKER_CONFIG/config.json, else ~/.docker/config.json]
    #[arg(long, value_name = "FILE")]
    pub(crate) docker_config: Option<PathBuf>,
    /// Extra attempts after a transient registry failure (connection
    /// refused or reset, HTTP 5xx/429, a layer download cut short)
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub(crate) registry_retries: u32,
}

/// A registry client configured from the flags.
pub(crate) fn client(args: &RegistryArgs, platform: Option<Platform>) -> Result<Registry> {
    let credentials = match (&args.username, &args.password) {
        (Some(u), Some(p)) => Some(Credentials {
            username: u.clone(),
            password: p.clone(),
            origin: "--username/--password or DRYDOCK_USERNAME/DRYDOCK_PASSWORD".into(),
        }),
        (None, None) => None,
        (Some(_), None) => bail!("--username needs --password (or DRYDOCK_PASSWORD)"),
        (None, Some(_)) => bail!("--password needs --username (or DRYDOCK_USERNAME)"),
    };
    Ok(Registry::new(RegistryOptions {
        credentials,
        docker_config: args.docker_config.clone(),
        insecure_registries: args.insecure_registry.clone(),
        ca_certs: args.ca_cert.clone(),
        platform,
        retries: args.registry_retries,
        ..RegistryOptions::default()
    })?)
}

/// An image ready to scan, and the registry it came from, if any.
pub(crate) struct Opened {
    pub(crate) image: Image,
    pub(crate) remote: Option<(Registry, ResolvedImage)>,
}

/// Opens what the user named: a file or directory if one exists there, else
/// a registry reference.
pub(crate) fn open(args: &crate::ScanArgs, rootfs: bool) -> Result<Opened> {
    let platform: Option<Platform> = args.platform.as_deref().map(str::parse).transpose()?;
    let target = &args.target;
    if rootfs {
        let image = drydock_source::open_rootfs(target, Path::new(target))
            .with_context(|| format!("cannot scan `{target}`"))?;
        return Ok(Opened {
            image,
            remote: None,
        });
    }
    let exists = std::fs::symlink_metadata(target).is_ok();
    if !exists && drydock_registry::looks_like_reference(target) {
        let registry = client(&args.registry, platform)?;
        let (image, resolved) = registry
            .open_image(target)
            .with_context(|| format!("cannot pull `{target}`"))?;
        return Ok(Opened {
            image,
            remote: Some((registry, resolved)),
        });
    }
    let image = drydock_source::open(target, &drydock_source::OpenOptions { platform })
        .with_context(|| format!("cannot scan `{target}`"))?;
    Ok(Opened {
        image,
        remote: None,
    })
}

/// A payload larger than this is not a simple-signing document.
const MAX_PAYLOAD: u64 = 1 << 20;

/// A signature manifest with the payloads that could be fetched, and why
/// the others could not.
struct Signatures {
    manifest: SignatureManifest,
    /// Each payload blob, or why it could not be fetched (or failed its
    /// digest check on the way).
    payloads: BTreeMap<Digest, Result<Vec<u8>, String>>,
}

/// The cosign signature manifest for `digest` and its payloads; `None` when
/// the registry has no `sha256-<hex>.sig` tag.
fn fetch_signatures(
    registry: &Registry,
    reference: &ImageReference,
    digest: &Digest,
) -> Result<Option<Signatures>, String> {
    let tag = cosign::signature_tag(digest);
    let sig_ref = reference.with_tag(&tag);
    let fetched = match registry.fetch_manifest(&sig_ref) {
        Ok(f) => f,
        Err(RegistryError::NotFound { .. }) => return Ok(None),
        Err(e) => return Err(format!("cannot fetch {sig_ref}: {e}")),
    };
    let manifest =
        cosign::parse_signature_manifest(&fetched.bytes).map_err(|e| format!("{sig_ref}: {e}"))?;
    let mut payloads = BTreeMap::new();
    for layer in &manifest.layers {
        if payloads.contains_key(&layer.payload_digest) {
            continue;
        }
        let fetched = registry
            .fetch_blob(reference, &layer.payload_digest, MAX_PAYLOAD)
            .map_err(|e| e.to_string());
        payloads.insert(layer.payload_digest.clone(), fetched);
    }
    Ok(Some(Signatures { manifest, payloads }))
}

/// Signature outcome for `key` over the image: a signature of the
/// reference's top-level digest (an index, when the tag names one) or of
/// the platform manifest counts.
fn check_key(key_path: &Path, candidates: &Candidates) -> SignatureStatus {
    let key = match PublicKey::load(key_path) {
        Ok(k) => k,
        Err(e) => return SignatureStatus::Invalid(vec![e.to_string()]),
    };
    let mut reasons = Vec::new();
    let mut missing = true;
    for (digest, found) in candidates {
        match found {
            Ok(None) => {}
            Ok(Some(found)) => {
                missing = false;
                let payload = |d: &Digest| match found.payloads.get(d) {
                    Some(Ok(bytes)) => Ok(bytes.as_slice()),
                    Some(Err(e)) => Err(e.clone()),
                    None => Err(format!("payload blob {d} was not fetched")),
                };
                match cosign::check_signatures_with(Some(&found.manifest), payload, &key, digest) {
                    SignatureStatus::Verified(v) => return SignatureStatus::Verified(v),
                    SignatureStatus::Invalid(r) => reasons.extend(r),
                    SignatureStatus::Missing | SignatureStatus::NotChecked(_) => {}
                }
            }
            Err(e) => {
                missing = false;
                reasons.push(e.clone());
            }
        }
    }
    if missing {
        SignatureStatus::Missing
    } else {
        SignatureStatus::Invalid(reasons)
    }
}

/// The digests a signature may cover, each with its signature manifest.
type Candidates = Vec<(Digest, Result<Option<Signatures>, String>)>;

fn signature_candidates(registry: &Registry, resolved: &ResolvedImage) -> Candidates {
    let mut digests = Vec::new();
    if let Some(index) = &resolved.index_digest {
        digests.push(index.clone());
    }
    digests.push(resolved.manifest_digest.clone());
    digests
        .into_iter()
        .map(|d| {
            let found = fetch_signatures(registry, &resolved.reference, &d);
            (d, found)
        })
        .collect()
}

fn archive_name(image: &Image) -> ImageName {
    if let Some(n) = image
        .repo_tags
        .iter()
        .find_map(|t| normalize_reference(t).ok())
    {
        return n;
    }
    let file = Path::new(&image.reference)
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_else(|| image.reference.clone());
    ImageName {
        registry: format!("({})", image.kind.as_str()),
        repository: file,
        tag: None,
        digest: None,
    }
}

/// Applies the trust policy at `path` to an opened image.
pub(crate) fn evaluate_trust(path: &Path, opened: &Opened) -> Result<Vec<Misconfiguration>> {
    let policy = TrustPolicy::load(path)?;
    let image = &opened.image;
    let name = match &opened.remote {
        // Only a digest the user pinned counts as pinned, not the one the
        // tag happened to resolve to: the name is the reference as given.
        Some(_) => normalize_reference(
            image
                .reference
                .strip_prefix("docker://")
                .unwrap_or(&image.reference),
        )
        .with_context(|| format!("cannot apply the trust policy to `{}`", image.reference))?,
        None => archive_name(image),
    };
    let mut facts = ImageFacts::new(name.clone());
    facts.manifest_digest = image.manifest_digest.clone();
    facts.created = image.config.created.clone();
    facts.diff_ids = image.config.rootfs.diff_ids.clone();
    facts.labels = image.config.config.labels.clone();
    let keys = policy::required_keys(&policy, &name);
    if !keys.is_empty() {
        match &opened.remote {
            Some((registry, resolved)) => {
                let candidates = signature_candidates(registry, resolved);
                for key in keys {
                    let status = check_key(&key, &candidates);
                    facts.signatures.insert(key, status);
                }
            }
            None => {
                let why = format!(
                    "read from a {}; signatures live in a registry",
                    image.kind.as_str()
                );
                for key in keys {
                    facts
                        .signatures
                        .insert(key, SignatureStatus::NotChecked(why.clone()));
                }
            }
        }
    }
    Ok(policy::evaluate(&policy, &facts, SystemTime::now()))
}

#[derive(Args)]
pub(crate) struct VerifyArgs {
    /// Image in a registry: REGISTRY/REPO:TAG or REGISTRY/REPO@sha256:…
    #[arg(value_name = "IMAGE")]
    image: String,
    /// cosign public key (PEM); a signature from any of them passes
    /// (repeatable)
    #[arg(long, value_name = "FILE", required = true)]
    key: Vec<PathBuf>,
    /// Platform to resolve a multi-platform index to
    #[arg(long, value_name = "OS/ARCH[/VARIANT]")]
    platform: Option<String>,
    /// Output: table or json
    #[arg(short, long, default_value = "table")]
    format: String,
    #[command(flatten)]
    registry: RegistryArgs,
}

/// `drydock verify`: exit 0 when a signature verifies with one of the
/// keys, 1 when none does, 2 on errors (registry unreachable, bad key).
pub(crate) fn verify(args: VerifyArgs) -> Result<ExitCode> {
    if !matches!(args.format.as_str(), "table" | "json") {
        bail!("unknown format `{}` (available: table, json)", args.format);
    }
    let platform: Option<Platform> = args.platform.as_deref().map(str::parse).transpose()?;
    let reference = ImageReference::parse(&args.image)?;
    let registry = client(&args.registry, platform)?;
    let resolved = registry
        .resolve(&reference)
        .with_context(|| format!("cannot resolve `{}`", args.image))?;
    let keys: Vec<(PathBuf, PublicKey)> = args
        .key
        .iter()
        .map(|p| Ok((p.clone(), PublicKey::load(p)?)))
        .collect::<Result<_>>()?;
    let candidates = signature_candidates(&registry, &resolved);
    let mut verified = Vec::new();
    let mut reasons = Vec::new();
    let mut any_signature = false;
    for (path, _) in &keys {
        match check_key(path, &candidates) {
            SignatureStatus::Verified(v) => verified.extend(v),
            SignatureStatus::Invalid(r) => {
                any_signature = true;
                reasons.extend(r.into_iter().map(|r| format!("{}: {r}", path.display())));
            }
            SignatureStatus::Missing | SignatureStatus::NotChecked(_) => {}
        }
    }
    let top = resolved
        .index_digest
        .clone()
        .unwrap_or_else(|| resolved.manifest_digest.clone());
    let ok = !verified.is_empty();
    if args.format == "json" {
        let doc = serde_json::json!({
            "image": args.image,
            "digest": top.to_string(),
            "manifest_digest": resolved.manifest_digest.to_string(),
            "verified": ok,
            "signatures": verified.iter().map(|v| serde_json::json!({
                "key_fingerprint": v.key_fingerprint,
                "docker_reference": v.docker_reference,
                "manifest_digest": v.manifest_digest.to_string(),
                "annotations": v.annotations,
                "has_bundle": v.has_bundle,
            })).collect::<Vec<_>>(),
            "failures": reasons,
        });
        println!("{}", serde_json::to_string_pretty(&doc)?);
    } else if ok {
        println!("Verified {} ({top})", args.image);
        for v in &verified {
            println!("  signer key  sha256:{}", v.key_fingerprint);
            println!("  reference   {}", v.docker_reference);
            println!("  digest      {}", v.manifest_digest);
            for (k, val) in &v.annotations {
                println!("  annotation  {k}={val}");
            }
            if v.has_bundle {
                println!("  rekor       bundle present (transparency log not checked offline)");
            }
        }
    }
    if ok {
        return Ok(ExitCode::SUCCESS);
    }
    if args.format == "table" {
        if any_signature {
            eprintln!(
                "error: no signature of {} ({top}) verifies with the given key(s):",
                args.image
            );
            for r in &reasons {
                eprintln!("  {r}");
            }
        } else {
            eprintln!(
                "error: {} ({top}) is not signed: no {} tag in {}",
                args.image,
                cosign::signature_tag(&top),
                resolved.reference.repository()
            );
        }
    }
    Ok(ExitCode::from(1))
}

/// For the report: where a registry image lives, by digest.
pub(crate) fn repo_digest(image: &Image) -> Option<String> {
    if image.kind != SourceKind::Registry {
        return None;
    }
    let r = ImageReference::parse(&image.reference).ok()?;
    let d = image.manifest_digest.as_ref()?;
    Some(format!("{}/{}@{d}", r.registry(), r.repository()))
}
