//! The two views of the Debian security tracker, `data/CVE/list` and the
//! JSON export, must tell the matcher the same thing about the releases
//! both assert.

use std::collections::BTreeMap;

use drydock_advisory::feeds::debian_cve::{FixState, parse_cve_list};
use drydock_advisory::feeds::debian_json::parse_tracker_json;
use drydock_advisory::{Advisory, Event, FeedError, Parsed, validate};

/// Real tracker entries (libcaca, putty, gnutls, openssl), as the list
/// has them.
const CVE_LIST: &str = "\
CVE-2023-XXXX [Other security issues from wordpress 6.3.2]
\t- wordpress <unfixed>
\tNOTE: https://wordpress.org/documentation/wordpress-version/version-6-3-2/
CVE-2023-5678 (Issue summary: Generating excessively long X9.42 DH keys or checking ...)
\t- openssl 3.0.13-1
\t[bookworm] - openssl 3.0.13-1~deb12u1
\t[bullseye] - openssl <no-dsa> (Minor issue)
\tNOTE: https://www.openssl.org/news/secadv/20231106.txt
CVE-2021-36367 (PuTTY through 0.75 proceeds with establishing an SSH session even if i ...)
\t- putty 0.75-3 (low; bug #990901)
\t[bullseye] - putty <no-dsa> (Minor issue)
\t[buster] - putty <no-dsa> (Minor issue)
CVE-2021-30499 (A flaw was found in libcaca. A buffer overflow of export.c in function ...)
\t- libcaca <unfixed> (bug #987278)
\t[bullseye] - libcaca <no-dsa> (Minor issue)
\t[buster] - libcaca <no-dsa> (Minor issue)
\t[stretch] - libcaca <postponed> (Minor issue; can be fixed in next update)
\tNOTE: https://github.com/cacalabs/libcaca/issues/54
CVE-2021-30492
\tRESERVED
CVE-2014-3466 (Buffer overflow in the read_server_hello function in lib/gnutls_handsh ...)
\t{DSA-2944-1 DLA-0001-1}
\t- gnutls26 2.12.23-16
\t- gnutls28 3.2.15-1
\t[squeeze] - gnutls26 2.8.6-1+squeeze4
\tNOTE: http://radare.today/technical-analysis-of-the-gnutls-hello-vulnerability/
";

/// The same issues in the JSON export, which also asserts the releases the
/// list leaves to derivation (putty in bookworm, gnutls in bullseye).
const TRACKER_JSON: &str = r#"{
  "openssl": {
    "CVE-2023-5678": {
      "description": "Issue summary: Generating excessively long X9.42 DH keys or checking excessively long X9.42 DH keys or parameters may be very slow.",
      "scope": "local",
      "releases": {
        "bookworm": {"status": "resolved",
          "repositories": {"bookworm": "3.0.13-1~deb12u1", "bookworm-security": "3.0.11-1~deb12u2"},
          "fixed_version": "3.0.13-1~deb12u1", "urgency": "not yet assigned"},
        "bullseye": {"status": "open",
          "repositories": {"bullseye": "1.1.1w-0+deb11u1", "bullseye-security": "1.1.1n-0+deb11u5"},
          "urgency": "not yet assigned", "nodsa": "Minor issue", "nodsa_reason": ""},
        "sid": {"status": "resolved", "repositories": {"sid": "3.1.5-1"},
          "fixed_version": "3.0.13-1", "urgency": "not yet assigned"}
      }
    }
  },
  "putty": {
    "CVE-2021-36367": {
      "description": "PuTTY through 0.75 proceeds with establishing an SSH session even if it has never sent a substantive authentication response.",
      "scope": "remote", "debianbug": 990901,
      "releases": {
        "bookworm": {"status": "resolved", "repositories": {"bookworm": "0.78-2"}, "fixed_version": "0.75-3", "urgency": "low"},
        "bullseye": {"status": "open", "repositories": {"bullseye": "0.74-1+deb11u1"}, "urgency": "low", "nodsa": "Minor issue", "nodsa_reason": ""},
        "buster": {"status": "open", "repositories": {"buster": "0.70-6"}, "urgency": "low", "nodsa": "Minor issue", "nodsa_reason": ""},
        "sid": {"status": "resolved", "repositories": {"sid": "0.81-1"}, "fixed_version": "0.75-3", "urgency": "low"}
      }
    }
  },
  "libcaca": {
    "CVE-2021-30499": {
      "description": "A flaw was found in libcaca. A buffer overflow of export.c in function export_troff might lead to memory corruption and other potential consequences.",
      "scope": "local", "debianbug": 987278,
      "releases": {
        "bullseye": {"status": "open", "repositories": {"bullseye": "0.99.beta19-2.2"}, "urgency": "low", "nodsa": "Minor issue", "nodsa_reason": ""},
        "buster": {"status": "open", "repositories": {"buster": "0.99.beta19-2.1"}, "urgency": "low", "nodsa": "Minor issue", "nodsa_reason": ""},
        "stretch": {"status": "open", "repositories": {"stretch": "0.99.beta19-2.1"}, "urgency": "low", "nodsa": "Minor issue; can be fixed in next update", "nodsa_reason": "postponed"},
        "sid": {"status": "open", "repositories": {"sid": "0.99.beta20-4"}, "urgency": "low"}
      }
    }
  },
  "gnutls26": {
    "CVE-2014-3466": {
      "description": "Buffer overflow in the read_server_hello function in lib/gnutls_handshake.c in GnuTLS.",
      "scope": "remote",
      "releases": {
        "squeeze": {"status": "resolved", "repositories": {"squeeze": "2.8.6-1+squeeze4"}, "fixed_version": "2.8.6-1+squeeze4", "urgency": "high"},
        "sid": {"status": "resolved", "repositories": {}, "fixed_version": "2.12.23-16", "urgency": "high"}
      }
    }
  },
  "gnutls28": {
    "CVE-2014-3466": {
      "description": "Buffer overflow in the read_server_hello function in lib/gnutls_handshake.c in GnuTLS.",
      "scope": "remote",
      "releases": {
        "bullseye": {"status": "resolved", "repositories": {"bullseye": "3.7.1-5+deb11u5"}, "fixed_version": "3.2.15-1", "urgency": "high"},
        "sid": {"status": "resolved", "repositories": {"sid": "3.8.5-2"}, "fixed_version": "3.2.15-1", "urgency": "high"}
      }
    }
  }
}"#;

type View = BTreeMap<(String, String, String), (String, Vec<Event>)>;

/// (id, ecosystem, package) → (fix_state, events): what the matcher reads.
fn view(p: &Parsed) -> View {
    let mut out = BTreeMap::new();
    for a in &p.advisories {
        assert!(validate(a).is_ok(), "{a:?}");
        for aff in &a.affected {
            let state = aff
                .database_specific
                .as_ref()
                .and_then(|d| d.get("fix_state"))
                .and_then(|s| s.as_str())
                .expect("every entry has a fix_state");
            assert!(FixState::from_name(state).is_some(), "{state}");
            let key = (
                a.id.clone(),
                aff.package.ecosystem.clone(),
                aff.package.name.clone(),
            );
            let value = (state.to_owned(), aff.ranges[0].events.clone());
            assert!(
                out.insert(key, value).is_none(),
                "duplicate entry in {}",
                a.id
            );
        }
    }
    out
}

fn advisory<'a>(p: &'a Parsed, id: &str) -> &'a Advisory {
    p.advisories.iter().find(|a| a.id == id).expect(id)
}

#[test]
fn both_views_agree_where_both_assert() {
    let list = parse_cve_list(CVE_LIST);
    let json = parse_tracker_json(TRACKER_JSON.as_bytes(), 1 << 20).expect("parses");
    assert!(list.errors.is_empty(), "{:?}", list.errors);
    assert!(json.errors.is_empty(), "{:?}", json.errors);
    let (list_view, json_view) = (view(&list), view(&json));
    assert_eq!(list_view.len(), 13);
    for (key, value) in &list_view {
        assert_eq!(json_view.get(key), Some(value), "{key:?}");
    }
    // The export also asserts what the list leaves to derivation.
    let derived: Vec<_> = json_view
        .keys()
        .filter(|k| !list_view.contains_key(*k))
        .map(|(id, eco, name)| format!("{id} {eco} {name}"))
        .collect();
    assert_eq!(
        derived,
        vec![
            "CVE-2014-3466 Debian:11 gnutls28",
            "CVE-2021-36367 Debian:12 putty"
        ]
    );
    // Same advisories, one per CVE, in both.
    let ids = |p: &Parsed| {
        let mut v: Vec<_> = p.advisories.iter().map(|a| a.id.clone()).collect();
        v.sort();
        v
    };
    assert_eq!(ids(&list), ids(&json));
    assert_eq!(
        advisory(&list, "CVE-2014-3466").aliases,
        vec!["DSA-2944-1", "DLA-0001-1"]
    );
    assert!(advisory(&json, "CVE-2014-3466").aliases.is_empty());
    assert_eq!(advisory(&json, "CVE-2014-3466").affected.len(), 4);
}

#[test]
fn osv_serialisation_of_a_wont_fix_entry() {
    let list = parse_cve_list(CVE_LIST);
    let a = advisory(&list, "CVE-2023-5678");
    let bullseye = a
        .affected
        .iter()
        .find(|x| x.package.ecosystem == "Debian:11")
        .expect("bullseye");
    assert_eq!(
        serde_json::to_value(bullseye).unwrap(),
        serde_json::json!({
            "package": {"ecosystem": "Debian:11", "name": "openssl"},
            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}]}],
            "database_specific": {"fix_state": "wont-fix", "note": "Minor issue"}
        })
    );
    // And it survives the OSV round trip unchanged.
    let back: Advisory = serde_json::from_value(serde_json::to_value(a).unwrap()).unwrap();
    assert_eq!(&back, a);
}

/// A document the size of a real export's package count, grouped into
/// few ids, so grouping is exercised at scale.
#[test]
fn a_large_document_groups_per_id() {
    let mut doc = String::from("{");
    for p in 0..20_000 {
        if p > 0 {
            doc.push(',');
        }
        let id = p % 2_000;
        doc.push_str(&format!(
            r#""pkg{p}": {{"CVE-2024-{id:05}": {{"description": "d{id}", "releases": {{
                "bookworm": {{"status": "resolved", "fixed_version": "1.{p}-1", "urgency": "medium*"}},
                "bullseye": {{"status": "open", "nodsa": "Minor issue", "nodsa_reason": "postponed"}},
                "buster": {{"status": "resolved", "fixed_version": "0"}},
                "sid": {{"status": "undetermined"}}}}}}}}"#
        ));
    }
    doc.push('}');
    let p = parse_tracker_json(doc.as_bytes(), doc.len()).expect("parses");
    assert!(p.errors.is_empty());
    assert_eq!(p.advisories.len(), 2_000);
    for a in &p.advisories {
        assert_eq!(a.affected.len(), 20, "{}", a.id);
    }
    assert!(matches!(
        parse_tracker_json(doc.as_bytes(), doc.len() - 1),
        Err(FeedError::Limit { .. })
    ));
}
