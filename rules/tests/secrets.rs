//! AL301/AL303/AL304 on keys generated at test time from each format's `fake` template (no
//! key-shaped string is committed): each must be found, named and redacted; near misses and
//! placeholders must not be; the environment fix must remove the finding.

#![allow(clippy::unwrap_used)]

mod common;

use common::revealing_runs;

use std::fmt::Write as _;
use std::path::Path;

use agentlint_rules::secrets::generate_fake;
use agentlint_rules::syntax::parse;
use agentlint_rules::{Diagnostic, Knowledge, Language, Settings, analyse_text, apply_fixes};

fn analyse(path: &str, source: &str) -> Vec<Diagnostic> {
    let language = Language::from_path(Path::new(path)).unwrap();
    let analysis = analyse_text(
        Path::new(path),
        source,
        language,
        &Settings::default(),
        Knowledge::builtin(),
    );
    assert!(analysis.failures.is_empty(), "{:?}", analysis.failures);
    analysis
        .diagnostics
        .into_iter()
        .filter(|d| d.rule.code.starts_with("AL30"))
        .collect()
}

/// A fake of each format, in a line of Python and one of TypeScript: a whole line when the
/// template is one (`NAME = "..."`, for formats named by their context), else a literal.
fn sources(fake: &str) -> (String, String) {
    if let Some((name, value)) = fake.split_once(" = ") {
        (
            format!("{name} = {value}\n"),
            format!("export const {name} = {value};\n"),
        )
    } else if fake.contains('\n') {
        (
            format!("value = \"\"\"{fake}\"\"\"\n"),
            format!("export const value = `{fake}`;\n"),
        )
    } else {
        (
            format!("value = \"{fake}\"\n"),
            format!("export const value = \"{fake}\";\n"),
        )
    }
}

/// The key inside a fake line (`NAME = "key"` → `key`).
fn key_of(fake: &str) -> &str {
    match fake.split_once(" = ") {
        Some((_, value)) => value.trim_matches('"'),
        None => fake,
    }
}

#[test]
fn every_format_is_found_named_and_redacted() {
    let knowledge = Knowledge::builtin();
    let mut report = String::new();
    for (i, format) in knowledge.secrets.formats.iter().enumerate() {
        for seed in 0..20u64 {
            let fake = generate_fake(&format.fake, seed * 1000 + i as u64);
            let key = key_of(&fake);
            // A PEM block's header and footer name the kind of key: only the body is secret.
            let key = if key.starts_with("-----BEGIN") {
                let body: Vec<&str> = key.lines().filter(|l| !l.starts_with("-----")).collect();
                body.concat().leak()
            } else if format.id == "url-password" {
                // A URL's secret is its password.
                let rest = key.split_once("://").unwrap().1;
                rest.split_once(':').unwrap().1.split_once('@').unwrap().0
            } else {
                key
            };
            let (python, typescript) = sources(&fake);
            for (path, source) in [("keys.py", &python), ("keys.ts", &typescript)] {
                let found = analyse(path, source);
                assert_eq!(found.len(), 1, "{}: {source}\n{found:#?}", format.id);
                let d = &found[0];
                let provider = agentlint_rules_capitalised(&format.provider);
                let named = if d.rule.code == "AL304" {
                    d.message.contains("has a password in it")
                } else {
                    d.message.contains(&provider)
                };
                assert!(
                    named,
                    "{}: found as something else: {}",
                    format.id, d.message
                );
                // Never echoed: its public prefix and four characters in a row at most.
                let said = d.full_message();
                for run in revealing_runs(key) {
                    assert!(
                        !said.contains(&run),
                        "{}: message shows `{run}`: {said}",
                        format.id,
                    );
                }
                if seed == 0 && path == "keys.py" {
                    let _ = writeln!(report, "{} [{}] {}", format.id, d.rule.code, d.message);
                }
            }
        }
    }
    insta::assert_snapshot!(report);
}

fn agentlint_rules_capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[test]
fn near_misses_and_placeholders_are_not_keys() {
    let knowledge = Knowledge::builtin();
    let fake = |id: &str, seed: u64| knowledge.secrets.fake(id, seed).unwrap();
    let github = fake("github", 1);
    let google = fake("google", 2);
    let anthropic = fake("anthropic", 3);
    let uuid = generate_fake("{h:8}-{h:4}-{h:4}-{h:4}-{h:12}", 4);
    let digest = generate_fake("{h:64}", 5);
    let hex32 = generate_fake("{h:32}", 6);
    let lines = [
        // Placeholders.
        "OPENAI_API_KEY = \"sk-your-key-here\"".to_string(),
        "key = \"sk-proj-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"".to_string(),
        "token = \"<your-token>\"".to_string(),
        format!("aws = \"{}{}\"", "AKIA", "IOSFODNN7EXAMPLE"),
        "ANTHROPIC_API_KEY = \"sk-ant-api03-...\"".to_string(),
        "url = \"postgresql://user:<password>@localhost/db\"".to_string(),
        "url = \"postgresql://user:${DB_PASSWORD}@localhost/db\"".to_string(),
        "url = \"https://example.com/path?a=b\"".to_string(),
        // Words that contain a prefix.
        "label = \"task-runner-for-the-desk-lamp-risk-assessment\"".to_string(),
        "name = \"ask-gpt-about-the-weather-in-the-morning\"".to_string(),
        // Wrong length or characters.
        format!("token = \"{}\"", &github[..github.len() - 1]),
        format!("token = \"{}!\"", &github[..github.len() - 1]),
        format!("key = \"{}\"", &google[..google.len() - 2]),
        format!("key = \"{}\"", anthropic.replace("AA", "")),
        // Identifiers and hashes under names that say what they are.
        format!("request_id = \"{uuid}\""),
        format!("sha256 = \"{digest}\""),
        format!("md5 = \"sk-{hex32}x\""),
        format!("checksum = \"{hex32}\""),
        // jwt.io's sample token (its subject is `1234567890`), in documentation and tests.
        format!(
            "jwt = \"{}.{}.{}\"",
            "eyJhbGciOiJIUzI1NiJ9", "eyJzdWIiOiIxMjM0NTY3ODkwIn0", "dBjftJeZ4CVPmB92K27uhbUJU1p1r_wW1gFWFOEjXk"
        ),
    ];
    for line in &lines {
        let source = format!("{line}\n");
        // A random string bound to `token` is still a secret (AL302): the formats are tested here.
        let found: Vec<Diagnostic> = analyse("near.py", &source)
            .into_iter()
            .filter(|d| d.rule.code != "AL302")
            .collect();
        assert!(found.is_empty(), "{line}: {found:#?}");
    }
}

#[test]
fn the_environment_fix_removes_the_key() {
    let knowledge = Knowledge::builtin();
    let fake = |id: &str, seed: u64| knowledge.secrets.fake(id, seed).unwrap();
    let openai = fake("openai", 11);
    let groq = fake("groq", 12);
    let generic = fake("sk-generic", 13);
    let url = fake("url-password", 14);
    let cases = [
        (
            "agent.py",
            format!(
                "\"\"\"An agent.\"\"\"\nfrom openai import OpenAI\n\nclient = OpenAI(api_key=\"{openai}\")\n"
            ),
            "import os\n",
            "client = OpenAI(api_key=os.environ[\"OPENAI_API_KEY\"])",
        ),
        (
            "agent.py",
            format!(
                "import os as system\nfrom groq import Groq\n\nclient = Groq(api_key=\"{groq}\")\n"
            ),
            "",
            "client = Groq(api_key=system.environ[\"GROQ_API_KEY\"])",
        ),
        (
            "agent.py",
            format!("import os\nLLM_KEY = \"{generic}\"\n"),
            "",
            "LLM_KEY = os.environ[\"LLM_KEY\"]",
        ),
        (
            "db.py",
            format!("import os\nengine = connect(\"{url}\")\n"),
            "",
            "engine = connect(os.environ[\"DATABASE_URL\"])",
        ),
        (
            "agent.ts",
            format!(
                "import OpenAI from \"openai\";\nconst client = new OpenAI({{ apiKey: \"{openai}\" }});\n"
            ),
            "",
            "const client = new OpenAI({ apiKey: process.env.OPENAI_API_KEY });",
        ),
        (
            "agent.ts",
            format!("const config = {{ llmApiKey: '{generic}' }};\n"),
            "",
            "const config = { llmApiKey: process.env.LLM_API_KEY };",
        ),
    ];
    for (path, source, import, expected) in cases {
        let found = analyse(path, &source);
        assert_eq!(found.len(), 1, "{source}: {found:#?}");
        let fix = found[0]
            .fix
            .as_ref()
            .unwrap_or_else(|| panic!("no fix in {path}: {source}"));
        let applied = apply_fixes(&source, [fix]);
        let fixed = applied.text;
        assert!(fixed.contains(expected), "{fixed}");
        // The variable is declared for the project's other developers, and `.env` kept out
        // of git, in the same fix.
        let variable = expected.split(['"', '.']).rev().nth(1).unwrap();
        let variable = if expected.contains("process.env.") {
            expected
                .split("process.env.")
                .nth(1)
                .unwrap()
                .trim_end_matches([' ', '}', ')', ';'])
        } else {
            variable
        };
        let files: Vec<(&str, &str)> = applied
            .files
            .iter()
            .map(|c| (c.file.as_str(), c.line.as_str()))
            .collect();
        assert_eq!(
            files,
            [
                (".env.example", format!("{variable}=").as_str()),
                (".gitignore", ".env")
            ],
            "{expected}"
        );
        assert!(fixed.contains(import), "{fixed}");
        let language = Language::from_path(Path::new(path)).unwrap();
        assert!(!parse(&fixed, language).root_node().has_error(), "{fixed}");
        assert!(analyse(path, &fixed).is_empty(), "{fixed}");
    }
}

#[test]
fn keys_in_comments_and_fstrings_are_found_but_not_rewritten() {
    let knowledge = Knowledge::builtin();
    let format = knowledge
        .secrets
        .formats
        .iter()
        .find(|f| f.id == "huggingface")
        .unwrap();
    let key = generate_fake(&format.fake, 21);
    let source =
        format!("# old token: {key}\nheaders = {{\"Authorization\": f\"Bearer {key}\"}}\n");
    let found = analyse("hf.py", &source);
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(found.iter().all(|d| d.fix.is_none()));
}

/// Base64url without padding, for tokens built at test time.
fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

/// A token its own claims let live minutes (a signed link's) is a hint; one that lives a month
/// is an error. The tokens are built here, never committed.
#[test]
fn a_short_lived_token_is_a_hint() {
    let token = |claims: &str| {
        format!(
            "{}.{}.{}",
            base64url(br#"{"typ":"JWT","alg":"HS256"}"#),
            base64url(claims.as_bytes()),
            base64url(b"not a signature, only thirty-two bytes")
        )
    };
    let signed_link =
        token(r#"{"iss":"example.test","exp":1736295535,"nbf":1736295235,"path":"/a.png"}"#);
    let session = token(r#"{"sub":"user-7","iat":1736295235,"exp":1738887235}"#);
    let found = |token: &str| {
        analyse(
            "links.ts",
            &format!("export const image = \"https://img.example.test/a.png?jwt={token}\";\n"),
        )
        .into_iter()
        .filter(|d| d.rule.code == "AL301")
        .map(|d| (format!("{:?}", d.severity), d.note.unwrap_or_default()))
        .collect::<Vec<_>>()
    };
    let short = found(&signed_link);
    assert_eq!(short.len(), 1, "{short:?}");
    assert_eq!(short[0].0, "Hint");
    assert!(short[0].1.contains("valid for 5 minutes"), "{}", short[0].1);
    let long = found(&session);
    assert_eq!(long.len(), 1, "{long:?}");
    assert_eq!(long[0].0, "Error");
}

/// A library's minified build copied into a project (a webpack bundle, reformatted): what its
/// code does is the library's (its `new Function` is not reported), what its text holds is the
/// project's (a key in it is). The same code with written names is the project's own.
#[test]
fn minified_code_reports_keys_only() {
    let key = Knowledge::builtin().secrets.fake("openai", 31).unwrap();
    let module = |short: bool| {
        let mut out = format!("// Original source: dist/lib-min.js\nconst k = \"{key}\";\n");
        for i in 0..400 {
            let (f, e, n, o) = if short {
                ("r".to_string(), "e", "n", "o")
            } else {
                (format!("requireModule{i}"), "moduleId", "cache", "module")
            };
            let f = if short { format!("{f}{i}") } else { f };
            writeln!(
                out,
                "function {f}({e}) {{\n  if ({n}[{e}]) return {n}[{e}].exports;\n  var {o} = ({n}[{e}] = {{ i: {e}, l: !1, exports: {{}} }});\n  return {o}.exports;\n}}"
            )
            .unwrap();
        }
        out.push_str("export function run(text) {\n  return new Function(text)();\n}\n");
        out
    };
    let codes = |source: &str| {
        let analysis = analyse_text(
            Path::new("src/vendor/lib.js"),
            source,
            Language::JavaScript,
            &Settings::default(),
            Knowledge::builtin(),
        );
        let mut codes: Vec<&str> = analysis.diagnostics.iter().map(|d| d.rule.code).collect();
        codes.dedup();
        codes
    };
    assert_eq!(codes(&module(true)), ["AL301"]);
    assert_eq!(codes(&module(false)), ["AL301", "AL203"]);
}
