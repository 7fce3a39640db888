//! AL202 with a project's own sandbox command (config `[sandbox] command`): the command's
//! program is recognised as a sandbox, and the fix that puts it in front of a reported process
//! removes the finding and leaves a file that parses.

#![allow(clippy::unwrap_used)]

use std::path::Path;

use agentlint_rules::syntax::parse;
use agentlint_rules::{Diagnostic, Knowledge, Language, Settings, analyse_text, apply_fixes};

fn knowledge() -> Knowledge {
    let mut knowledge = Knowledge::builtin().clone();
    knowledge.set_sandbox_command(vec![
        "/usr/bin/bwrap".into(),
        "--ro-bind".into(),
        "/".into(),
        "/".into(),
        "--unshare-net".into(),
        "--".into(),
    ]);
    knowledge
}

fn al202(path: &str, source: &str, knowledge: &Knowledge) -> Vec<Diagnostic> {
    let language = Language::from_path(Path::new(path)).unwrap();
    analyse_text(
        Path::new(path),
        source,
        language,
        &Settings::default(),
        knowledge,
    )
    .diagnostics
    .into_iter()
    .filter(|d| d.rule.code == "AL202")
    .collect()
}

/// Applies every AL202 fix and returns the fixed text, after checking the findings are gone.
fn wrap(path: &str, source: &str) -> String {
    let knowledge = knowledge();
    let found = al202(path, source, &knowledge);
    assert!(!found.is_empty(), "no AL202 in {path}");
    let fixes: Vec<_> = found.iter().map(|d| d.fix.as_ref().unwrap()).collect();
    for fix in &fixes {
        assert!(
            fix.title
                .contains("/usr/bin/bwrap --ro-bind / / --unshare-net --"),
            "{}",
            fix.title
        );
    }
    let fixed = apply_fixes(source, fixes).text;
    let language = Language::from_path(Path::new(path)).unwrap();
    assert!(!parse(&fixed, language).root_node().has_error(), "{fixed}");
    assert!(al202(path, &fixed, &knowledge).is_empty(), "{fixed}");
    // Without the configured sandbox the fix is not offered.
    assert!(
        al202(path, source, Knowledge::builtin())
            .iter()
            .all(|d| d.fix.is_none())
    );
    fixed
}

#[test]
fn python_argument_lists_are_wrapped() {
    let source = "import subprocess\nfrom langchain_core.tools import tool\n\n\n@tool\ndef run_tests(path: str) -> str:\n    \"\"\"Run the tests in a subprocess.\"\"\"\n    return subprocess.run([\"pytest\", path], capture_output=True).stdout\n";
    let fixed = wrap("tools.py", source);
    assert!(
        fixed.contains("subprocess.run([\"/usr/bin/bwrap\", \"--ro-bind\", \"/\", \"/\", \"--unshare-net\", \"--\", \"pytest\", path], capture_output=True)"),
        "{fixed}"
    );
}

#[test]
fn node_spawn_and_exec_file_are_wrapped() {
    let source = "import { spawnSync, execFileSync } from \"node:child_process\";\nimport { tool } from \"ai\";\nimport { z } from \"zod\";\n\nexport const lint = tool({\n  description: \"Run the linter in a process on a file.\",\n  parameters: z.object({ file: z.string() }),\n  execute: async ({ file }) => spawnSync(\"eslint\", [file]).stdout.toString(),\n});\n\nexport const count = tool({\n  description: \"Run wc in a process to count a file's lines.\",\n  parameters: z.object({ file: z.string() }),\n  execute: async ({ file }) => execFileSync(\"wc\", { cwd: file }).toString(),\n});\n";
    let fixed = wrap("tools.ts", source);
    assert!(
        fixed.contains("spawnSync(\"/usr/bin/bwrap\", [\"--ro-bind\", \"/\", \"/\", \"--unshare-net\", \"--\", \"eslint\", file])"),
        "{fixed}"
    );
    assert!(
        fixed.contains("execFileSync(\"/usr/bin/bwrap\", [\"--ro-bind\", \"/\", \"/\", \"--unshare-net\", \"--\", \"wc\"], { cwd: file })"),
        "{fixed}"
    );
}

#[test]
fn the_configured_program_is_a_sandbox() {
    let source = "import subprocess\nfrom langchain_core.tools import tool\n\n\n@tool\ndef run_tests(path: str) -> str:\n    \"\"\"Run the tests in a subprocess.\"\"\"\n    return subprocess.run([\"/opt/jail/run\", \"--\", \"pytest\", path]).stdout\n";
    let mut own = Knowledge::builtin().clone();
    own.set_sandbox_command(vec!["/opt/jail/run".into(), "--".into()]);
    assert!(al202("tools.py", source, &own).is_empty());
    // Not a sandbox without the config.
    assert_eq!(al202("tools.py", source, Knowledge::builtin()).len(), 1);
}
