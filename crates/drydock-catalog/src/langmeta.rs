//! Ruby gemspecs, PHP Composer `installed.json` and .NET `*.deps.json`, read
//! with the parsers of `drydock-langmeta`.

use drydock_inventory::Ecosystem;
use drydock_langmeta::{
    Limits, is_composer_installed_path, is_deps_json_path, is_gemspec_path,
    parse_composer_installed, parse_deps_json, parse_gemspec,
};
use drydock_layer::EntryMeta;

use crate::{FileCataloger, Finding, PackageRecord};

fn problems(list: Vec<drydock_langmeta::Problem>) -> impl Iterator<Item = Finding> {
    list.into_iter()
        .filter(|p| p.skipped)
        .map(|p| Finding::Problem(format!("entry `{}` skipped: {}", p.entry, p.reason)))
}

/// The `ruby-gemspec-cataloger`.
pub(crate) const GEM: FileCataloger = FileCataloger {
    name: "ruby-gemspec-cataloger",
    version: 1,
    max_size: 1 << 20,
    selects: gem_selects,
    parse: gem_parse,
};

fn gem_selects(path: &str, _meta: &EntryMeta) -> bool {
    is_gemspec_path(path)
}

fn gem_parse(path: &str, content: &[u8]) -> Result<Vec<Finding>, String> {
    let file_name = path.rsplit('/').next().unwrap_or(path);
    let gem = parse_gemspec(content, file_name, &Limits::default()).map_err(|e| e.to_string())?;
    Ok(gem
        .map(|g| {
            let mut r = PackageRecord::new(Ecosystem::Gem, g.name, g.version);
            r.licenses = g.licenses;
            Finding::Package(r)
        })
        .into_iter()
        .collect())
}

/// The `php-composer-installed-cataloger`.
pub(crate) const COMPOSER: FileCataloger = FileCataloger {
    name: "php-composer-installed-cataloger",
    version: 1,
    max_size: 32 << 20,
    selects: composer_selects,
    parse: composer_parse,
};

fn composer_selects(path: &str, _meta: &EntryMeta) -> bool {
    is_composer_installed_path(path)
}

fn composer_parse(_path: &str, content: &[u8]) -> Result<Vec<Finding>, String> {
    let parsed =
        parse_composer_installed(content, &Limits::default()).map_err(|e| e.to_string())?;
    let mut out: Vec<Finding> = parsed
        .packages
        .into_iter()
        .map(|p| {
            let (ns, name) = match p.name.split_once('/') {
                Some((v, n)) => (Some(v.to_owned()), n.to_owned()),
                None => (None, p.name.clone()),
            };
            let mut r = PackageRecord::new(Ecosystem::Composer, name, p.version);
            r.namespace = ns;
            r.licenses = p.licenses;
            Finding::Package(r)
        })
        .collect();
    out.extend(problems(parsed.problems));
    Ok(out)
}

/// The `dotnet-deps-cataloger`.
pub(crate) const DOTNET: FileCataloger = FileCataloger {
    name: "dotnet-deps-cataloger",
    version: 1,
    max_size: 32 << 20,
    selects: dotnet_selects,
    parse: dotnet_parse,
};

fn dotnet_selects(path: &str, _meta: &EntryMeta) -> bool {
    is_deps_json_path(path)
}

fn dotnet_parse(_path: &str, content: &[u8]) -> Result<Vec<Finding>, String> {
    let parsed = parse_deps_json(content, &Limits::default()).map_err(|e| e.to_string())?;
    let mut out: Vec<Finding> = parsed
        .packages
        .into_iter()
        .map(|p| Finding::Package(PackageRecord::new(Ecosystem::Nuget, p.name, p.version)))
        .collect();
    out.extend(problems(parsed.problems));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Analyzer as _;

    fn meta() -> EntryMeta {
        crate::test_meta(0o644, 0)
    }

    fn names(f: &[Finding]) -> Vec<(Option<String>, String, String)> {
        f.iter()
            .filter_map(|f| match f {
                Finding::Package(p) => {
                    Some((p.namespace.clone(), p.name.clone(), p.version.clone()))
                }
                _ => None,
            })
            .collect()
    }

    #[test]
    fn gemspec() {
        let path = "usr/local/bundle/specifications/rack-2.2.3.gemspec";
        assert!(GEM.wants(path, &meta()));
        let src = b"# -*- encoding: utf-8 -*-\n# stub: rack 2.2.3 ruby lib\n\nGem::Specification.new do |s|\n  s.name = \"rack\".freeze\n  s.version = \"2.2.3\"\n  s.licenses = [\"MIT\".freeze]\nend\n";
        let f = GEM.analyze(path, &meta(), src).unwrap();
        assert_eq!(names(&f), vec![(None, "rack".into(), "2.2.3".into())]);
    }

    #[test]
    fn composer() {
        let path = "var/www/vendor/composer/installed.json";
        assert!(COMPOSER.wants(path, &meta()));
        let f = COMPOSER
            .analyze(path, &meta(), br#"{"packages":[{"name":"monolog/monolog","version":"2.9.1","license":["MIT"]},{"name":7}]}"#)
            .unwrap();
        assert_eq!(
            names(&f),
            vec![(Some("monolog".into()), "monolog".into(), "2.9.1".into())]
        );
        assert!(f.iter().any(|x| matches!(x, Finding::Problem(_))));
    }

    #[test]
    fn dotnet() {
        let path = "app/WebApp.deps.json";
        assert!(DOTNET.wants(path, &meta()));
        let f = DOTNET
            .analyze(path, &meta(), br#"{"targets":{},"libraries":{"WebApp/1.0.0":{"type":"project"},"Newtonsoft.Json/13.0.1":{"type":"package","sha512":"sha512-x"}}}"#)
            .unwrap();
        assert_eq!(
            names(&f),
            vec![(None, "Newtonsoft.Json".into(), "13.0.1".into())]
        );
        assert!(DOTNET.analyze(path, &meta(), b"{").is_err());
    }
}
