//! Prints each call of a file with what its callee resolves to and its arguments' kinds: what
//! the rules see. `cargo run -p agentlint-rules --example calls -- path/to/file.py`
#![allow(clippy::unwrap_used, clippy::expect_used)]

use agentlint_rules::Language;
use agentlint_rules::facts::FileFacts;

fn main() {
    for path in std::env::args().skip(1) {
        let path = std::path::Path::new(&path);
        let source = std::fs::read_to_string(path).expect("a readable UTF-8 file");
        let language = Language::from_path(path).expect("a Python, TypeScript or JavaScript file");
        let tree = agentlint_rules::syntax::parse(&source, language);
        let facts = FileFacts::extract(&source, &tree, language);
        for call in &facts.calls {
            let line = source[..call.range.start].matches('\n').count() + 1;
            let arguments: Vec<String> = call
                .arguments
                .iter()
                .map(|a| {
                    format!(
                        "{}{:?}",
                        a.keyword
                            .as_deref()
                            .map(|k| format!("{k}="))
                            .unwrap_or_default(),
                        a.value
                    )
                })
                .collect();
            println!(
                "{}:{line}: {} -> {} ({})",
                path.display(),
                call.callee.as_deref().unwrap_or("?"),
                call.resolved.as_deref().unwrap_or("?"),
                arguments.join(", ")
            );
        }
    }
}
