//! Tool recognition per framework, snapshot-tested: every tool a fixture declares, with its name,
//! the exact model-visible description and where it comes from, and the code that runs.

use std::fmt::Write as _;
use std::path::Path;

use agentlint_rules::agent::{DescriptionSource, tools};
use agentlint_rules::facts::FileFacts;
use agentlint_rules::syntax::parse;
use agentlint_rules::{Knowledge, Language, LineIndex, PositionEncoding};

fn inventory(path: &Path) -> String {
    let source = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    let language = Language::from_path(path).unwrap_or(Language::Python);
    let tree = parse(&source, language);
    let facts = FileFacts::extract(&source, &tree, language);
    let index = LineIndex::new(&source);
    let at = |offset: usize| {
        let p = index.position(&source, offset, PositionEncoding::Utf32);
        format!("{}:{}", p.line + 1, p.column + 1)
    };
    let mut out = String::new();
    for tool in tools(&source, &tree, language, &facts, Knowledge::builtin()) {
        let _ = writeln!(
            out,
            "{} {} [{}]",
            at(tool.anchor.start),
            tool.name.as_deref().unwrap_or("<unnamed>"),
            tool.framework
        );
        match &tool.description {
            None => out.push_str("  description: none\n"),
            Some(d) => {
                let source_kind = match d.source {
                    DescriptionSource::Docstring => "docstring",
                    DescriptionSource::Argument => "argument",
                    DescriptionSource::Attribute => "attribute",
                };
                let state = if d.is_constant() {
                    "constant"
                } else if d.value.is_some() {
                    "partly dynamic"
                } else {
                    "computed"
                };
                let _ = writeln!(
                    out,
                    "  description ({source_kind}, {state}) at {}: {:?}",
                    at(d.expression.start),
                    d.text()
                );
            }
        }
        for parameter in &tool.parameters {
            match &parameter.description {
                Some(d) => {
                    let _ = writeln!(out, "  parameter `{}`: {:?}", parameter.name, d.text());
                }
                None => {
                    let _ = writeln!(out, "  parameter `{}`", parameter.name);
                }
            }
        }
        match (&tool.function, &tool.handler) {
            (Some(i), _) => {
                let _ = writeln!(
                    out,
                    "  runs: function `{}` at {}",
                    facts.functions[*i].name,
                    at(facts.functions[*i].range.start)
                );
            }
            (None, Some(range)) => {
                let text: String = source[range.clone()].chars().take(30).collect();
                let _ = writeln!(
                    out,
                    "  runs: inline code at {}: {:?}",
                    at(range.start),
                    text
                );
            }
            (None, None) => out.push_str("  runs: not linked\n"),
        }
    }
    if out.is_empty() {
        out.push_str("(no tools)\n");
    }
    out
}

#[test]
fn tool_inventories() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/tools");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    assert!(!files.is_empty());
    for path in files {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        insta::with_settings!({ input_file => &path, prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!(format!("tools@{name}"), inventory(&path));
        });
    }
}
