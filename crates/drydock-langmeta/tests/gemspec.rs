//! Installed gemspecs as RubyGems writes them.

mod common;
use common::*;

use drydock_langmeta::{Gem, Limits, parse_gemspec};

fn parse(text: &str, file: &str) -> Option<Gem> {
    parse_gemspec(text.as_bytes(), file, &Limits::default()).unwrap()
}

#[test]
fn rack() {
    let gem = parse(RACK, "usr/local/bundle/specifications/rack-2.2.3.gemspec").unwrap();
    assert_eq!(
        gem,
        Gem {
            name: "rack".into(),
            version: "2.2.3".into(),
            platform: None,
            licenses: vec!["MIT".into()],
            authors: vec!["Leah Neukirchen".into()],
            homepage: Some("https://github.com/rack/rack".into()),
        }
    );
    assert_eq!(gem.purl(), "pkg:gem/rack@2.2.3");
}

#[test]
fn platform_gem() {
    let gem = parse(NOKOGIRI, "nokogiri-1.13.10-x86_64-linux.gemspec").unwrap();
    assert_eq!(gem.name, "nokogiri");
    assert_eq!(gem.version, "1.13.10");
    assert_eq!(gem.platform.as_deref(), Some("x86_64-linux"));
    assert_eq!(gem.authors.len(), 13);
    assert_eq!(gem.purl(), "pkg:gem/nokogiri@1.13.10?platform=x86_64-linux");
}

#[test]
fn default_gem() {
    let gem = parse(JSON_DEFAULT, "json-2.6.1.gemspec").unwrap();
    assert_eq!((gem.name.as_str(), gem.version.as_str()), ("json", "2.6.1"));
    assert_eq!(gem.licenses, vec!["Ruby".to_owned()]);
    assert_eq!(
        gem.homepage.as_deref(),
        Some("http://flori.github.com/json")
    );
}

#[test]
fn older_rubygems_syntax() {
    // RubyGems 1.x wrote `%q{}` literals, `Gem::Version.new` and single
    // `license` strings; hand-edited files use single quotes and `%w[]`.
    let text = r#"
Gem::Specification.new do |s|
  s.name = %q{builder}
  s.version = Gem::Version.new("3.0.0")
  s.license = 'MIT'
  s.authors = %w[Jim\ Weirich Other]
  s.homepage = %q{http://onestepback.org}
end
"#;
    let gem = parse(text, "whatever.gemspec").unwrap();
    assert_eq!(gem.name, "builder");
    assert_eq!(gem.version, "3.0.0");
    assert_eq!(gem.licenses, vec!["MIT".to_owned()]);
    assert_eq!(gem.homepage.as_deref(), Some("http://onestepback.org"));
    assert!(!gem.authors.is_empty());
}

#[test]
fn falls_back_to_stub_then_file_name() {
    let stub_only = "# stub: puma 5.6.4 ruby lib\nGem::Specification.new do |s|\n  s.version = Puma::VERSION\nend\n";
    let gem = parse(stub_only, "ignored-9.9.gemspec").unwrap();
    assert_eq!((gem.name.as_str(), gem.version.as_str()), ("puma", "5.6.4"));

    let gem = parse("garbage\n", "usr/x/specifications/rack-test-1.1.0.gemspec").unwrap();
    assert_eq!(
        (gem.name.as_str(), gem.version.as_str()),
        ("rack-test", "1.1.0")
    );
    assert!(gem.licenses.is_empty());

    let gem = parse("", "grpc-1.48.0-x86_64-linux.gemspec").unwrap();
    assert_eq!(gem.platform.as_deref(), Some("x86_64-linux"));

    assert_eq!(parse("", "noversion.gemspec"), None);
    assert_eq!(parse("s.name = 'x'\n", "noversion.gemspec"), None);
}

#[test]
fn content_wins_over_file_name() {
    let gem = parse(RACK, "specifications/other-9.9.9.gemspec").unwrap();
    assert_eq!((gem.name.as_str(), gem.version.as_str()), ("rack", "2.2.3"));
}

#[test]
fn later_assignment_wins_and_unparseable_is_ignored() {
    let text =
        "s.name = \"a\"\ns.version = \"1.0\"\ns.version = \"2.0\".freeze\ns.licenses = [LICENSE]\n";
    let gem = parse(text, "x.gemspec").unwrap();
    assert_eq!(gem.version, "2.0");
    assert!(gem.licenses.is_empty());
}

#[test]
fn invalid_names_are_rejected() {
    let text = "s.name = \"evil/../name\"\ns.version = \"1 0\"\n";
    let gem = parse(text, "good-1.0.gemspec").unwrap();
    assert_eq!((gem.name.as_str(), gem.version.as_str()), ("good", "1.0"));
}

#[test]
fn crlf_and_bom() {
    let text = format!("\u{feff}{}", RACK.replace('\n', "\r\n"));
    let gem = parse(&text, "x.gemspec").unwrap();
    assert_eq!(gem.name, "rack");
    assert_eq!(
        gem.homepage.as_deref(),
        Some("https://github.com/rack/rack")
    );
}
