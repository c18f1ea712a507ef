mod common;

use common::*;
use drydock_deobfuscate::{Language, Limits, Normalized, Step, normalize};
use proptest::prelude::*;
use proptest::sample::select;

fn small_limits() -> Limits {
    Limits {
        max_input: 4096,
        max_depth: 3,
        max_decoded_total: 2048,
        max_inflate: 1024,
    }
}

fn check_invariants(n: &Normalized, limits: &Limits) {
    assert!(decoded_total(n) <= limits.max_decoded_total);
    for (k, d) in n.decoded.iter().enumerate() {
        assert!(d.depth >= 1 && d.depth <= limits.max_depth, "{d:?}");
        match d.parent {
            None => {
                assert_eq!(d.depth, 1);
                assert!(d.offset <= n.text.len());
            }
            Some(p) => {
                assert!(p < k);
                assert_eq!(n.decoded[p].depth + 1, d.depth);
                assert!(d.offset <= n.decoded[p].text.len());
            }
        }
        if d.truncated {
            assert!(n.truncated);
        }
    }
}

fn lang(js: bool) -> Language {
    if js {
        Language::JavaScript
    } else {
        Language::Php
    }
}

/// Fragments that exercise the tokenizer and folding paths when glued in random order.
fn fragment() -> impl Strategy<Value = String> {
    let nested = format!(
        "'{}'",
        b64(format!(
            "eval(gzinflate(base64_decode('{}')));",
            b64(&deflate(b"system($x);"))
        )
        .as_bytes())
    );
    let fixed: Vec<String> = [
        "<?php ",
        "?>",
        "<?= ",
        "eval(",
        "base64_decode(",
        "gzinflate(",
        "gzuncompress(",
        "gzdecode(",
        "str_rot13(",
        "strrev(",
        "hex2bin(",
        "urldecode(",
        "convert_uudecode(",
        "str_replace(",
        "pack('H*',",
        "chr(",
        "String.fromCharCode(",
        "atob(",
        "unescape(",
        "Buffer.from(",
        ",'base64').toString()",
        ".split('').reverse().join('')",
        "window[",
        "]",
        ")",
        "(",
        "'",
        "\"",
        "`",
        "${",
        "}",
        "{",
        ".",
        "+",
        ",",
        ";",
        "$a",
        "$b",
        "a",
        "=",
        ".=",
        "+=",
        "/*",
        "*/",
        "//",
        "#",
        "\n",
        " ",
        "<<<EOT\n",
        "<<<'N'\n",
        "\nEOT;",
        "\\",
        "\\x41",
        "\\u{41}",
        "'c3lzdGVt'",
        "'YQ=='",
        "'aGk'",
        "99",
        "0x41",
        "-",
        "/",
        "/x/g",
        "'73797374656d'",
        "'%41'",
        "true",
        "\u{e9}",
        "\u{0}",
        "\u{ff}",
    ]
    .iter()
    .map(|s| (*s).to_string())
    .chain([nested, format!("'{}'", b64(&deflate(&[b'A'; 5000])))])
    .collect();
    select(fixed)
}

proptest! {
    // PROPTEST_CASES raises the count for longer local runs.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(300),
        ..ProptestConfig::default()
    })]

    #[test]
    fn never_panics_on_arbitrary_bytes(data in proptest::collection::vec(any::<u8>(), 0..6000), js in any::<bool>()) {
        let limits = small_limits();
        let n = normalize(lang(js), &data, &limits);
        check_invariants(&n, &limits);
        if data.len() > limits.max_input {
            prop_assert!(n.truncated);
        }
    }

    #[test]
    fn never_panics_on_token_soup(parts in proptest::collection::vec(fragment(), 0..120), js in any::<bool>()) {
        let src = parts.concat();
        let limits = small_limits();
        let n = normalize(lang(js), src.as_bytes(), &limits);
        check_invariants(&n, &limits);
        let n = normalize(lang(js), src.as_bytes(), &Limits::default());
        check_invariants(&n, &Limits::default());
    }

    #[test]
    fn literal_concatenation_folds(parts in proptest::collection::vec("[ -&(-\\[\\]-~]{0,12}", 1..12)) {
        let joined = parts.concat();
        let php_src = format!(
            "<?php $x = {};",
            parts.iter().map(|p| format!("'{p}'")).collect::<Vec<_>>().join(" . ")
        );
        let n = normalize(Language::Php, php_src.as_bytes(), &Limits::default());
        prop_assert_eq!(n.text, format!("<?php $x='{joined}';"));
        let js_src = format!(
            "x = {};",
            parts
                .iter()
                .enumerate()
                .map(|(k, p)| if k % 2 == 0 { format!("'{p}'") } else { format!("\"{}\"", p.replace('"', "\\\"")) })
                .collect::<Vec<_>>()
                .join("+")
        );
        let n = normalize(Language::JavaScript, js_src.as_bytes(), &Limits::default());
        prop_assert_eq!(n.text, format!("x='{joined}';"));
        prop_assert_eq!(n.steps.contains(&Step::Concat), parts.len() > 1);
    }

    #[test]
    fn encoder_chains_decode(
        func in "[a-z_]{1,10}",
        arg in 0u8..10,
        chain in proptest::collection::vec(0usize..8, 0..5),
    ) {
        // Build data = encode(payload) applying the inverse of each decoder, then wrap the
        // decoders around a base64 literal so the literal itself stays printable.
        let payload = format!("{func}($_GET[{arg}]);");
        let mut data = payload.clone().into_bytes();
        for &c in &chain {
            data = match c {
                0 => b64(&data).into_bytes(),
                1 => deflate(&data),
                2 => zlib(&data),
                3 => gzip(&data),
                4 => rot13(&data),
                5 => rev(&data),
                6 => hex(&data).into_bytes(),
                _ => urlencode(&data).into_bytes(),
            };
        }
        let mut expr = format!("base64_decode('{}')", b64(&data));
        let mut steps = vec![Step::Base64];
        for &c in chain.iter().rev() {
            let (name, step) = match c {
                0 => ("base64_decode", Step::Base64),
                1 => ("gzinflate", Step::Gzinflate),
                2 => ("gzuncompress", Step::Gzuncompress),
                3 => ("gzdecode", Step::Gzdecode),
                4 => ("str_rot13", Step::StrRot13),
                5 => ("strrev", Step::Strrev),
                6 => ("hex2bin", Step::Hex),
                _ => ("rawurldecode", Step::UrlDecode),
            };
            expr = format!("{name}({expr})");
            steps.push(step);
        }
        let n = normalize(Language::Php, format!("<?php eval({expr});").as_bytes(), &Limits::default());
        prop_assert_eq!(n.decoded.len(), 1, "{:#?}", n);
        let d = &n.decoded[0];
        prop_assert_eq!(&d.steps, &steps);
        prop_assert_eq!(&d.text, &payload);
        prop_assert!(!n.truncated);
    }
}
