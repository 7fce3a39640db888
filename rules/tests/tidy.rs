//! Checks of the crate's own source (rust-analyzer's `tidy` tests are the model): the analysis
//! engine names no rule. A rule declares what it reads (`needs` in `declare_rule!`), and the
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
