//! Checks of the crate's own source (rust-analyzer's `tidy` tests are the model): the modules
//! import one way, down the layers, and the analysis engine names no rule. A rule declares what it reads (`needs` in `declare_rule!`), and the
//! engine computes an input when an enabled rule needs it; a check of a rule's code outside the
//! rules would have to be kept in step with them by hand.

use std::path::{Path, PathBuf};

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a file before its first `#[cfg(test)]` (the tests may name rules).
fn non_test_code(text: &str) -> &str {
    text.split("#[cfg(test)]").next().unwrap_or(text)
}

/// Where a string literal holds a rule code (`"AL203"`) or a code prefix (`"AL40"`).
fn rule_codes(code: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (number, line) in code.lines().enumerate() {
        if line.trim_start().starts_with("//") {
            continue;
        }
        let mut rest = line;
        while let Some(at) = rest.find("\"AL") {
            let after = &rest[at + 3..];
            let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
            if !digits.is_empty() && after[digits.len()..].starts_with('"') {
                found.push((number + 1, format!("AL{digits}")));
            }
            rest = &rest[at + 3..];
        }
    }
    found
}

#[test]
fn the_engine_names_no_rule() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&root, &mut files);
    files.sort();
    assert!(
        files.len() > 20,
        "the sources were not found under {root:?}"
    );
    let rules_dir = root.join("rules");
    let mut named = Vec::new();
    for file in files.iter().filter(|f| !f.starts_with(&rules_dir)) {
        let text = std::fs::read_to_string(file).unwrap();
        for (line, code) in rule_codes(non_test_code(&text)) {
            let at = format!("{}:{line}", file.strip_prefix(&root).unwrap().display());
            // The secret formats' table names the rule that reports each (`rule = "AL301"`):
            // that is the data's schema, read here.
            if at.starts_with("secrets.rs:")
                && text
                    .lines()
                    .nth(line - 1)
                    .is_some_and(|l| l.contains("serde(rename"))
            {
                continue;
            }
            named.push(format!("{at} names {code}"));
        }
    }
    assert!(
        named.is_empty(),
        "the engine decides by a rule's code; declare what the rule reads instead \
         (`needs` in `declare_rule!`):\n{}",
        named.join("\n")
    );
}

#[test]
fn the_check_finds_what_it_looks_for() {
    assert_eq!(
        rule_codes("let a = x == \"AL305\";\nlet b = y.starts_with(\"AL40\");\n// \"AL100\"\n"),
        vec![(1, "AL305".to_string()), (2, "AL40".to_string())]
    );
    assert_eq!(
        non_test_code("fn a() {}\n#[cfg(test)]\nmod t {}\n"),
        "fn a() {}\n"
    );
}

/// The crate's layers, lowest first: a module may use the modules of its own layer and of the
/// layers below. Text and syntax; what a file says (facts); what rules report and fix; the
/// tables of knowledge; the agent model (tools and what their code does); where users' data
/// goes; summaries across files; the rules; and the engine that runs them between versions.
const LAYERS: &[&[&str]] = &[
    &["syntax", "pattern", "python_stdlib"],
    &["facts"],
    &["fix"],
    &["secrets"],
    &["diagnostic"],
    &["knowledge"],
    &["memo"],
    &["agent"],
    &["privacy"],
    &["summary"],
    &["rules"],
    &["settings", "suppress"],
    &["cache"],
    &["analysis"],
    &["notebook"],
    &["config_files"],
];

/// The uses that still point up a layer, each to be removed by moving what it uses down (or the
/// using code up). The list is exact: a new one fails the test, and so does one removed without
/// its line here.
const UPWARD: &[&str] = &["agent -> analysis", "agent -> cache", "agent -> summary"];

type Uses = std::collections::BTreeMap<String, std::collections::BTreeSet<String>>;

/// The top-level modules each module's code (tests and comments left out) names through
/// `crate::`, from its files (paths relative to `src/`, and texts).
fn module_uses(files: &[(PathBuf, String)]) -> Uses {
    let mut uses = Uses::default();
    for (relative, text) in files {
        let Some(first) = relative.components().next() else {
            continue;
        };
        let first = first.as_os_str().to_string_lossy();
        let module = first.trim_end_matches(".rs").to_string();
        if module == "lib" {
            continue;
        }
        for line in non_test_code(text).lines() {
            let code = line.split("//").next().unwrap_or("");
            let mut rest = code;
            while let Some(at) = rest.find("crate::") {
                let name: String = rest[at + 7..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() && name != module {
                    uses.entry(module.clone()).or_default().insert(name);
                }
                rest = &rest[at + 7..];
            }
        }
        uses.entry(module).or_default();
    }
    uses
}

#[test]
fn modules_import_down_the_layers() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut paths = Vec::new();
    sources(&root, &mut paths);
    assert!(
        paths.len() > 20,
        "the sources were not found under {root:?}"
    );
    let files: Vec<(PathBuf, String)> = paths
        .iter()
        .map(|p| {
            let text = std::fs::read_to_string(p).unwrap();
            (p.strip_prefix(&root).unwrap().to_path_buf(), text)
        })
        .collect();
    let uses = module_uses(&files);
    let layer = |module: &str| LAYERS.iter().position(|l| l.contains(&module));
    let unplaced: Vec<&String> = uses.keys().filter(|m| layer(m).is_none()).collect();
    assert!(
        unplaced.is_empty(),
        "modules in no layer (add them to LAYERS): {unplaced:?}"
    );
    let mut upward = Vec::new();
    for (module, used) in &uses {
        for other in used {
            if let (Some(from), Some(to)) = (layer(module), layer(other))
                && to > from
            {
                upward.push(format!("{module} -> {other}"));
            }
        }
    }
    let allowed: Vec<String> = UPWARD.iter().map(ToString::to_string).collect();
    let new: Vec<&String> = upward.iter().filter(|u| !allowed.contains(u)).collect();
    let gone: Vec<&String> = allowed.iter().filter(|u| !upward.contains(u)).collect();
    assert!(
        new.is_empty(),
        "these modules now use a higher layer; move what they use down, or the code up: {new:?}"
    );
    assert!(
        gone.is_empty(),
        "these uses no longer point up: remove them from UPWARD: {gone:?}"
    );
}

#[test]
fn module_uses_are_read_from_code_only() {
    let files = [(
        PathBuf::from("agent/tools.rs"),
        "use crate::facts::Call; // crate::cache\n/// see crate::privacy\nfn f() { crate::agent::g(); }\n#[cfg(test)]\nmod t { use crate::analysis; }\n".to_string(),
    )];
    let uses = module_uses(&files);
    assert_eq!(
        uses["agent"].iter().map(String::as_str).collect::<Vec<_>>(),
        ["facts"]
    );
}
