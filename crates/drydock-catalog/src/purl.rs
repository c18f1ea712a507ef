//! Package URLs for every ecosystem, in one place so the per-type rules of
//! the purl spec are applied consistently.

use drydock_inventory::{Distro, Ecosystem, Metadata, PurlBuilder};

use crate::PackageRecord;

/// The purl of a package; OS packages get `distro` and `arch` qualifiers.
pub(crate) fn purl_for(rec: &PackageRecord, distro: Option<&Distro>) -> String {
    let distro_q = distro.map(Distro::purl_qualifier).unwrap_or_default();
    let vendor = distro.map(|d| d.id.clone()).unwrap_or_default();
    match rec.ecosystem {
        Ecosystem::Deb => {
            let mut b = PurlBuilder::new("deb", &rec.name)
                .namespace(if vendor.is_empty() {
                    "debian".to_owned()
                } else {
                    vendor
                })
                .version(&rec.version)
                .qualifier("arch", rec.arch.clone().unwrap_or_default())
                .qualifier("distro", distro_q);
            if let Some(src) = &rec.source
                && (src.name != rec.name || src.version != rec.version)
            {
                let upstream = if src.version == rec.version {
                    src.name.clone()
                } else {
                    format!("{}@{}", src.name, src.version)
                };
                b = b.qualifier("upstream", upstream);
            }
            b.build()
        }
        Ecosystem::Apk => {
            let mut b = PurlBuilder::new("apk", rec.name.to_ascii_lowercase())
                .namespace(if vendor.is_empty() {
                    "alpine".to_owned()
                } else {
                    vendor
                })
                .version(&rec.version)
                .qualifier("arch", rec.arch.clone().unwrap_or_default())
                .qualifier("distro", distro_q);
            if let Some(src) = &rec.source
                && src.name != rec.name
            {
                b = b.qualifier("upstream", src.name.clone());
            }
            b.build()
        }
        Ecosystem::Rpm => {
            let (epoch, version) = match &rec.metadata {
                Metadata::Rpm { epoch, .. } => (epoch.map(|e| e.to_string()), rec.version.clone()),
                _ => (None, rec.version.clone()),
            };
            let mut b = PurlBuilder::new("rpm", &rec.name)
                .namespace(if vendor.is_empty() {
                    "redhat".to_owned()
                } else {
                    vendor
                })
                .version(version)
                .qualifier("arch", rec.arch.clone().unwrap_or_default())
                .qualifier("distro", distro_q);
            if let Some(e) = epoch {
                b = b.qualifier("epoch", e);
            }
            b.build()
        }
        Ecosystem::Pypi => {
            // PEP 503 normalisation, which the purl spec adopts for pypi.
            let mut name = String::with_capacity(rec.name.len());
            let mut last_sep = false;
            for c in rec.name.chars() {
                if matches!(c, '-' | '_' | '.') {
                    if !last_sep {
                        name.push('-');
                    }
                    last_sep = true;
                } else {
                    name.extend(c.to_lowercase());
                    last_sep = false;
                }
            }
            PurlBuilder::new("pypi", name).version(&rec.version).build()
        }
        Ecosystem::Npm => PurlBuilder::new("npm", &rec.name)
            .namespace(rec.namespace.clone().unwrap_or_default())
            .version(&rec.version)
            .build(),
        Ecosystem::Maven => PurlBuilder::new("maven", &rec.name)
            .namespace(rec.namespace.clone().unwrap_or_default())
            .version(&rec.version)
            .build(),
        Ecosystem::Golang => {
            if rec.name == "stdlib" {
                return PurlBuilder::new("golang", "stdlib")
                    .version(&rec.version)
                    .build();
            }
            let (ns, name) = match rec.name.rsplit_once('/') {
                Some((ns, name)) => (ns.to_owned(), name.to_owned()),
                None => (String::new(), rec.name.clone()),
            };
            PurlBuilder::new("golang", name)
                .namespace(ns)
                .version(&rec.version)
                .build()
        }
        Ecosystem::Cargo => PurlBuilder::new("cargo", &rec.name)
            .version(&rec.version)
            .build(),
        Ecosystem::Gem => PurlBuilder::new("gem", &rec.name)
            .version(&rec.version)
            .build(),
        Ecosystem::Composer => {
            let (ns, name) = match (&rec.namespace, rec.name.split_once('/')) {
                (Some(ns), _) => (ns.clone(), rec.name.clone()),
                (None, Some((v, n))) => (v.to_owned(), n.to_owned()),
                (None, None) => (String::new(), rec.name.clone()),
            };
            PurlBuilder::new("composer", name.to_ascii_lowercase())
                .namespace(ns.to_ascii_lowercase())
                .version(&rec.version)
                .build()
        }
        Ecosystem::Nuget => PurlBuilder::new("nuget", &rec.name)
            .version(&rec.version)
            .build(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use drydock_inventory::SourcePackage;

    #[test]
    fn purls() {
        let debian = Distro {
            id: "debian".into(),
            version_id: Some("12".into()),
            ..Distro::default()
        };
        let mut deb = PackageRecord::new(Ecosystem::Deb, "bash", "5.2.15-2+b13");
        deb.arch = Some("amd64".into());
        deb.source = Some(SourcePackage {
            name: "bash".into(),
            version: "5.2.15-2".into(),
        });
        assert_eq!(
            purl_for(&deb, Some(&debian)),
            "pkg:deb/debian/bash@5.2.15-2%2Bb13?arch=amd64&distro=debian-12&upstream=bash%405.2.15-2"
        );
        let py = PackageRecord::new(Ecosystem::Pypi, "Zope.Interface__x", "5.0");
        assert_eq!(purl_for(&py, None), "pkg:pypi/zope-interface-x@5.0");
        let go = PackageRecord::new(
            Ecosystem::Golang,
            "github.com/docker/distribution",
            "v2.8.2+ds1",
        );
        assert_eq!(
            purl_for(&go, None),
            "pkg:golang/github.com/docker/distribution@v2.8.2%2Bds1"
        );
        let std = PackageRecord::new(Ecosystem::Golang, "stdlib", "go1.19.8");
        assert_eq!(purl_for(&std, None), "pkg:golang/stdlib@go1.19.8");
    }
}
