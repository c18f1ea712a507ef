//! Property tests for every scheme: no panics on arbitrary input, and the
//! order laws (reflexivity, antisymmetry, transitivity) on generated valid
//! versions.

use std::cmp::Ordering;

use drydock_version::{MAX_VERSION_LEN, Scheme, VersionError, compare, validate};
use proptest::prelude::*;

/// Arbitrary strings, weighted towards ones that look like versions so the
/// parsers get past their first check.
fn any_input() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => any::<String>(),
        4 => "[0-9a-zA-Z.~^+_:=!*@ vVé-]{0,24}",
        1 => "[0-9.a-z_-]{240,270}",
        1 => "[-.0-9]{1,300}",
    ]
}

/// Strings from `regex` that `scheme` accepts.
fn valid(scheme: Scheme, regex: &'static str) -> BoxedStrategy<String> {
    proptest::string::string_regex(regex)
        .expect("valid regex")
        .prop_filter("accepted by the scheme", move |v| {
            validate(scheme, v).is_ok()
        })
        .boxed()
}

fn cmp(scheme: Scheme, a: &str, b: &str) -> Ordering {
    compare(scheme, a, b).expect("generated versions are valid")
}

fn check_never_panics(scheme: Scheme, a: &str, b: &str) -> Result<(), TestCaseError> {
    let ab = compare(scheme, a, b);
    let va = validate(scheme, a);
    // validate() and compare() agree on what is a version.
    if va.is_err() {
        prop_assert!(ab.is_err());
    }
    if let Err(e) = &ab {
        prop_assert!(!e.to_string().is_empty());
        prop_assert!(e.to_string().len() < 400, "overlong message: {e}");
        if let VersionError::TooLong { len, .. } = e {
            prop_assert!(*len > MAX_VERSION_LEN);
        }
    }
    // Whatever parses must also obey the laws.
    if let Ok(ab) = ab {
        prop_assert_eq!(compare(scheme, b, a), Ok(ab.reverse()));
        prop_assert_eq!(compare(scheme, a, a), Ok(Ordering::Equal));
    }
    Ok(())
}

fn check_laws(scheme: Scheme, a: &str, b: &str) -> Result<(), TestCaseError> {
    prop_assert_eq!(
        cmp(scheme, a, a),
        Ordering::Equal,
        "{} not equal to itself",
        a
    );
    let ab = cmp(scheme, a, b);
    prop_assert_eq!(cmp(scheme, b, a), ab.reverse(), "{} vs {}", a, b);
    Ok(())
}

fn check_transitive(scheme: Scheme, a: &str, b: &str, c: &str) -> Result<(), TestCaseError> {
    let (ab, bc, ac) = (cmp(scheme, a, b), cmp(scheme, b, c), cmp(scheme, a, c));
    // If a ~ b and b ~ c agree (or one is Equal), a ~ c must follow.
    let implied = match (ab, bc) {
        (Ordering::Equal, x) | (x, Ordering::Equal) => Some(x),
        (x, y) if x == y => Some(x),
        _ => None,
    };
    if let Some(want) = implied {
        prop_assert_eq!(
            ac,
            want,
            "{} {:?} {} {:?} {} but {} {:?} {}",
            a,
            ab,
            b,
            bc,
            c,
            a,
            ac,
            c
        );
    }
    Ok(())
}

macro_rules! scheme_props {
    ($module:ident, $scheme:expr, $regex:expr) => {
        mod $module {
            use super::*;

            const SCHEME: Scheme = $scheme;

            proptest! {
                #![proptest_config(ProptestConfig::with_cases(384))]

                #[test]
                fn never_panics(a in any_input(), b in any_input()) {
                    check_never_panics(SCHEME, &a, &b)?;
                }

                #[test]
                fn never_panics_near_valid(a in valid(SCHEME, $regex), b in any_input()) {
                    // A valid version with arbitrary bytes spliced in.
                    let cut = (b.len() % (a.len() + 1)).min(a.len());
                    let cut = (0..=cut).rev().find(|&i| a.is_char_boundary(i)).unwrap_or(0);
                    let spliced = format!("{}{}{}", &a[..cut], b, &a[cut..]);
                    check_never_panics(SCHEME, &a, &spliced)?;
                }

                #[test]
                fn reflexive_and_antisymmetric(a in valid(SCHEME, $regex), b in valid(SCHEME, $regex)) {
                    check_laws(SCHEME, &a, &b)?;
                }

                #[test]
                fn transitive(
                    a in valid(SCHEME, $regex),
                    b in valid(SCHEME, $regex),
                    c in valid(SCHEME, $regex),
                ) {
                    check_transitive(SCHEME, &a, &b, &c)?;
                }
            }
        }
    };
}

scheme_props!(
    dpkg,
    Scheme::Dpkg,
    r"([0-2]:)?[0-9][0-9aA.+~]{0,5}(-[0-9a.+~]{1,3})?"
);
scheme_props!(
    rpm,
    Scheme::Rpm,
    r"([0-2]:)?[0-9aA.~^_é]{1,6}(-[0-9a.~^_]{0,3})?"
);
scheme_props!(
    apk,
    Scheme::Apk,
    r"[0-9]{1,2}(\.0?[0-9]{1,2}){0,2}[ab]?(_(alpha|rc|p)[0-9]?){0,2}(~[0-9a-f]{1,2})?(-r[0-9])?"
);
scheme_props!(
    pep440,
    Scheme::Pep440,
    r"([0-2]!)?[0-9]{1,2}(\.[0-9]{1,2}){0,2}((a|b|rc)[0-9])?(\.post[0-9])?(\.dev[0-9])?(\+[a-z0-9]{1,2}(\.[0-9]{1,2})?)?"
);
scheme_props!(
    semver,
    Scheme::Semver,
    r"v?(0|[1-9][0-9]?)(\.(0|[1-9])){0,2}(-(0|[1-9]|[a-c][a-c0-9-]{0,2})(\.(0|[1-9]|[a-c][a-c0-9-]{0,2})){0,2})?(\+[0-9a-z]{1,2})?"
);
scheme_props!(
    npm,
    Scheme::Npm,
    r"(=|v|=v| )?(0|[1-9])(\.(0|[1-9])){0,2}(-(0|[1-9]|[a-c]{1,2})(\.(0|[1-9]|[a-c]{1,2})){0,2})?"
);
scheme_props!(
    go,
    Scheme::Go,
    r"v(0|[1-9])(\.(0|[1-9])){0,2}(-(0|[a-c]{1,2})(\.(0|[1-9]))?)?(\+incompatible)?|v0\.0\.[01]-20[0-9]{2}0101000000-[0-9a-f]{4}|go1(\.(0|[1-9][0-9]?)){0,2}((beta|rc)[1-9])?|1\.[0-9]{1,2}(\.[0-9])?"
);
scheme_props!(
    maven,
    Scheme::Maven,
    r"(([0-9]{1,2}|alpha|beta|rc|cr|sp|ga|final|snapshot|a|b|m|x|é)[.-]?){1,5}"
);
scheme_props!(
    rubygems,
    Scheme::RubyGems,
    r"[0-9]{1,2}(\.([0-9]{1,2}|[a-cA]{1,2}[0-9]?)){0,4}(-[0-9a-c]{1,2}(\.[0-9a-c]{1,2})?)?"
);
scheme_props!(
    nuget,
    Scheme::Nuget,
    r"[0-9]{1,2}(\.[0-9]{1,2}){0,3}(-[0-9a-cA-C]{1,3}(\.[0-9a-cA-C]{1,3}){0,2})?(\+[0-9a-z]{1,3})?"
);
scheme_props!(
    composer,
    Scheme::Composer,
    r"v?[0-9]{1,2}(\.[0-9]{1,2}){0,3}([-.]?(alpha|beta|RC|a|b|p|pl|patch|stable)([.-]?[0-9]{1,2}){0,2})?(-dev)?"
);
scheme_props!(
    cargo,
    Scheme::Cargo,
    r"(0|[1-9][0-9]?)\.(0|[1-9])\.(0|[1-9])(-(0|[1-9]|[a-c]{1,2})(\.(0|[1-9]|[a-c]{1,2})){0,2})?(\+[0-9a-z]{1,2})?"
);
scheme_props!(generic, Scheme::Generic, r"[0-9a-cA-C.~é-]{1,8}");

#[test]
fn generic_accepts_every_non_empty_string() {
    for v in ["-", " ", "\0", "é", "!!!", "\u{10FFFF}"] {
        assert!(validate(Scheme::Generic, v).is_ok(), "{v:?}");
    }
}
