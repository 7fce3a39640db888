//! `agentlint check` and `agentlint rule` end to end: golden outputs (insta) for every format,
//! exit codes, configuration, fixing, and bad input.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_agentlint"));
    command.env("NO_COLOR", "1").env_remove("AGENTLINT_LOG");
    command
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn run(args: &[&str], cwd: &Path) -> Output {
    bin()
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("run agentlint")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).replace(env!("CARGO_PKG_VERSION"), "[VERSION]")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Each finding of a JSON report, as `path:line message`.
fn located(json: &serde_json::Value) -> Vec<String> {
    json["diagnostics"]
        .as_array()
        .expect("a JSON report's diagnostics")
        .iter()
        .map(|d| {
            format!(
                "{}:{} {}",
                d["path"].as_str().unwrap_or_default(),
                d["range"]["start"]["line"],
                d["message"].as_str().unwrap_or_default()
            )
        })
        .collect()
}

#[test]
fn json_output_golden() {
    let output = run(&["check", "--format", "json", "project"], &fixtures());
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    insta::assert_snapshot!(stdout(&output));
}

#[test]
fn sarif_output_golden() {
    let output = run(&["check", "--format", "sarif", "project"], &fixtures());
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let text = stdout(&output);
    let sarif: serde_json::Value = serde_json::from_str(&text).expect("SARIF is JSON");
    // What GitHub code scanning requires of an upload.
    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "agentlint");
    for result in run["results"].as_array().expect("results") {
        assert!(result["message"]["text"].is_string());
        let location = &result["locations"][0]["physicalLocation"];
        assert!(location["artifactLocation"]["uri"].is_string());
        assert!(location["region"]["startLine"].as_u64().expect("startLine") >= 1);
        let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(
            run["tool"]["driver"]["rules"][index]["id"],
            result["ruleId"]
        );
    }
    insta::assert_snapshot!(text);
}

#[test]
fn text_output_golden() {
    let output = run(&["check", "project"], &fixtures());
    assert_eq!(output.status.code(), Some(1));
    insta::assert_snapshot!(stdout(&output));
}

#[test]
fn exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("clean.py"), "print('hello')\n").unwrap();
    std::fs::write(dir.path().join("bad.py"), "eval(x)\n").unwrap();
    let clean = run(&["check", "clean.py"], dir.path());
    assert_eq!(clean.status.code(), Some(0));
    assert!(
        stdout(&clean).contains("No problems found (1 file checked)."),
        "{}",
        stdout(&clean)
    );
    assert_eq!(run(&["check", "bad.py"], dir.path()).status.code(), Some(1));
    let missing = run(&["check", "nope.py"], dir.path());
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("no such file or directory: nope.py"));
    let usage = run(&["check", "--frobnicate"], dir.path());
    assert_eq!(usage.status.code(), Some(2));
    let bad_select = run(&["check", "--select", "E501", "bad.py"], dir.path());
    assert_eq!(bad_select.status.code(), Some(2));
    assert!(stderr(&bad_select).contains("unknown rule selector `E501`"));
    std::fs::write(dir.path().join("agentlint.toml"), "selectt = []\n").unwrap();
    let bad_config = run(&["check", "."], dir.path());
    assert_eq!(bad_config.status.code(), Some(2));
    assert!(
        stderr(&bad_config).contains("agentlint.toml"),
        "{}",
        stderr(&bad_config)
    );
}

#[test]
fn select_ignore_and_default_directory() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bad.py"), "eval(x)\n").unwrap();
    assert_eq!(
        run(&["check", "--ignore", "AL203"], dir.path())
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        run(&["check", "--select", "AL1"], dir.path()).status.code(),
        Some(0)
    );
    assert_eq!(
        run(&["check", "--select", "dynamic-code-execution"], dir.path())
            .status
            .code(),
        Some(1)
    );
}

#[test]
fn fix_applies_safe_then_unsafe_fixes() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("calc.py");
    let original = "import os\n\n\ndef calc(expr):\n    return eval(expr) + eval(expr)\n";
    std::fs::write(&file, original).unwrap();
    // AL203's fix is unsafe: --fix alone leaves the file alone.
    let output = run(&["check", "--fix", "calc.py"], dir.path());
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), original);
    // With --unsafe-fixes both calls are fixed (the import is added once) and nothing is left.
    let output = run(&["check", "--fix", "--unsafe-fixes", "calc.py"], dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert!(
        stdout(&output).contains("Fixed 2 problems."),
        "{}",
        stdout(&output)
    );
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "import ast\nimport os\n\n\ndef calc(expr):\n    return ast.literal_eval(expr) + ast.literal_eval(expr)\n"
    );
    // --unsafe-fixes without --fix is a usage error.
    assert_eq!(
        run(&["check", "--unsafe-fixes", "calc.py"], dir.path())
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn bad_files_are_skipped_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("binary.py"), b"\x00\x01\x02eval(x)").unwrap();
    std::fs::write(dir.path().join("latin1.py"), b"s = '\xe9'\neval(x)\n").unwrap();
    let big = "x = 1\n".repeat(1_000_000);
    std::fs::write(dir.path().join("big.py"), big).unwrap();
    std::fs::write(dir.path().join("broken.py"), "def f(:\n    eval(x)\n").unwrap();
    std::fs::write(dir.path().join("notes.txt"), "eval(x)").unwrap();
    // Syntax errors that tree-sitter's error recovery would search for minutes.
    let tangled = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/tests/data/tangled.ts");
    std::fs::copy(tangled, dir.path().join("tangled.ts")).unwrap();
    let output = run(&["check", ".", "notes.txt"], dir.path());
    let err = stderr(&output);
    assert!(
        err.contains("warning: binary.py: skipped: binary file"),
        "{err}"
    );
    assert!(
        err.contains("warning: latin1.py: skipped: not valid UTF-8"),
        "{err}"
    );
    assert!(
        err.contains("warning: big.py: skipped: 5.7 MB is over the 5 MB limit"),
        "{err}"
    );
    assert!(
        err.contains("notes.txt: skipped: not a Python, TypeScript or JavaScript file"),
        "{err}"
    );
    assert!(
        err.contains("warning: tangled.ts: not parsed: its syntax errors are too tangled"),
        "{err}"
    );
    assert!(!err.contains("internal error"), "{err}");
    // The broken file is still analysed: what parses is checked.
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).contains("broken.py:2:5"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn gitignore_is_respected_without_a_repository() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".gitignore"), "vendored/\n").unwrap();
    std::fs::create_dir(dir.path().join("vendored")).unwrap();
    std::fs::write(dir.path().join("vendored/lib.py"), "eval(x)\n").unwrap();
    std::fs::write(dir.path().join("app.py"), "eval(y)\n").unwrap();
    // The walk finds the project's file and leaves the ignored one out.
    let output = run(&["check", "--format", "json"], dir.path());
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let paths: Vec<&str> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["app.py"]);
    // Named explicitly, an ignored file is checked.
    let named = run(&["check", "vendored/lib.py"], dir.path());
    assert_eq!(named.status.code(), Some(1));
}

#[test]
fn rule_lists_and_documents() {
    let list = run(&["rule"], &fixtures());
    assert_eq!(list.status.code(), Some(0));
    // The columns line up: every row's severity starts where the header's does.
    let text = stdout(&list);
    let column = text.find("default").unwrap();
    for row in text.lines().skip(1).take_while(|l| !l.is_empty()) {
        let severity = &row[column..];
        assert!(
            ["error ", "warning", "info ", "hint "]
                .iter()
                .any(|s| severity.starts_with(s)),
            "{row}"
        );
    }
    insta::assert_snapshot!(text);
    let doc = run(&["rule", "AL203"], &fixtures());
    assert_eq!(doc.status.code(), Some(0));
    assert!(stdout(&doc).starts_with("# AL203 dynamic-code-execution\n"));
    assert!(stdout(&doc).contains("## Why is this bad?"));
    // Every rule of the catalogue is implemented and documented.
    for code in ["AL100", "AL115", "AL305", "AL401", "AL402", "AL403"] {
        let doc = run(&["rule", code], &fixtures());
        assert_eq!(doc.status.code(), Some(0), "{code}");
        assert!(stdout(&doc).contains("## Fix safety"), "{code}");
    }
    assert_eq!(run(&["rule", "AL999"], &fixtures()).status.code(), Some(2));
}

/// `docs/rules/*.md` is generated from the rules' doc comments; this keeps it in sync. Run with
/// `AGENTLINT_UPDATE_DOCS=1` to regenerate.
#[test]
fn rule_docs_are_up_to_date() {
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/rules");
    let update = std::env::var_os("AGENTLINT_UPDATE_DOCS").is_some();
    let mut index = String::from(
        "# Rules\n\nGenerated from the rules' doc comments (`agentlint rule CODE` prints the same).\n\n| code | name | default | summary |\n|---|---|---|---|\n",
    );
    for rule in agentlint_rules::rules::all() {
        let meta = rule.meta();
        index.push_str(&format!(
            "| [{code}]({code}.md) | {} | {} | {} |\n",
            meta.name,
            meta.default_severity,
            meta.summary,
            code = meta.code
        ));
        let path = docs.join(format!("{}.md", meta.code));
        let expected = agentlint::cli::rule::rule_markdown(meta);
        if update {
            std::fs::create_dir_all(&docs).unwrap();
            std::fs::write(&path, &expected).unwrap();
        } else {
            let actual = std::fs::read_to_string(&path).unwrap_or_default();
            assert_eq!(
                actual,
                expected,
                "{} is stale: run AGENTLINT_UPDATE_DOCS=1 cargo test",
                path.display()
            );
        }
    }
    let path = docs.join("README.md");
    if update {
        std::fs::write(&path, &index).unwrap();
    } else {
        assert_eq!(
            std::fs::read_to_string(&path).unwrap_or_default(),
            index,
            "docs/rules/README.md is stale"
        );
    }
}

/// `agentlint inventory`: every tool of the bundled example project, with what the model is told.
#[test]
fn inventory_golden() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let json = run(&["inventory", "--format", "json", "examples"], &root);
    assert_eq!(json.status.code(), Some(0), "{}", stderr(&json));
    let tools: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON");
    assert!(tools.as_array().is_some_and(|t| t.len() >= 10));
    // The "offline" word counter posts the text: the inventory says so, with the call.
    let word_count = tools
        .as_array()
        .and_then(|t| t.iter().find(|t| t["name"] == "word_count"))
        .expect("word_count is listed");
    assert_eq!(word_count["effects"][0]["effect"], "network-send");
    assert_eq!(word_count["effects"][0]["call"], "requests.post");
    assert_eq!(word_count["effects"][0]["line"], 30);
    insta::assert_snapshot!(stdout(&run(&["inventory", "examples"], &root)));
}

/// A tool calling a helper of another module that uploads is caught whether the whole project
/// or only the tool's file is checked (as a pre-commit hook does), from any working directory.
#[test]
fn helpers_in_other_files_are_followed() {
    let projects = Path::new(env!("CARGO_MANIFEST_DIR")).join("../rules/tests/projects");
    let expected = "It does so with `requests.post`, line 7 of net.py (the call is reached through \
                    `post_event` at line 9 of helpers.py, then `clean_name` at line 13)";
    for (args, cwd) in [
        (vec!["check", "python"], projects.clone()),
        (vec!["check", "python/agent/tools.py"], projects.clone()),
        (vec!["check", "tools.py"], projects.join("python/agent")),
    ] {
        let output = run(&args, &cwd);
        assert_eq!(
            output.status.code(),
            Some(1),
            "{args:?}: {}",
            stderr(&output)
        );
        let text = stdout(&output);
        assert!(text.contains("error[AL105]"), "{args:?}: {text}");
        assert!(text.contains(expected), "{args:?}: {text}");
    }
    let output = run(&["check", "--format", "json", "typescript"], &projects);
    let text = stdout(&output);
    assert!(
        text.contains("(`fetch`, line 2 of upload.ts)")
            && text.contains("the call is reached through `upload` at line 4 of format.ts"),
        "{text}"
    );
}

/// `--fix` makes the fixes' changes to other files: `.gitignore` gets a committed `.env`, and
/// the environment fix (unsafe) declares the variable in `.env.example`; the findings go.
#[test]
fn fix_changes_gitignore_and_env_example() {
    use agentlint_rules::Knowledge;
    let fake = |id: &str, seed| Knowledge::builtin().secrets.fake(id, seed).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir(root.join(".git")).unwrap();
    std::fs::write(root.join(".gitignore"), "__pycache__/").unwrap();
    std::fs::write(
        root.join(".env"),
        format!("GROQ_API_KEY={}\n", fake("groq", 3)),
    )
    .unwrap();
    std::fs::write(
        root.join("agent.py"),
        format!(
            "from anthropic import Anthropic\n\nclient = Anthropic(api_key=\"{}\")\n",
            fake("anthropic", 4)
        ),
    )
    .unwrap();
    let before = run(&["check", "--format", "json", "."], root);
    assert_eq!(before.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_str(&stdout(&before)).unwrap();
    // What the fixes do to other files, as those files are now, with paths relative to the
    // working directory like every other path of the output.
    let files: Vec<&serde_json::Value> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| &d["fix"]["other_files"])
        .collect();
    assert!(
        files.contains(&&serde_json::json!([
            { "path": ".gitignore", "action": "append", "text": "\n.env\n" }
        ])),
        "{files:?}"
    );
    assert!(
        files.contains(&&serde_json::json!([
            { "path": ".env.example", "action": "create", "text": "ANTHROPIC_API_KEY=\n" },
            { "path": ".gitignore", "action": "append", "text": "\n.env\n" },
        ])),
        "{files:?}"
    );
    // From another directory, the same files are named from there.
    let from_parent = run(
        &[
            "check",
            "--format",
            "json",
            root.file_name().unwrap().to_str().unwrap(),
        ],
        root.parent().unwrap(),
    );
    let name = root.file_name().unwrap().to_str().unwrap();
    assert!(
        stdout(&from_parent).contains(&format!("\"path\": \"{name}/.env.example\"")),
        "{}",
        stdout(&from_parent)
    );

    let fixed = run(&["check", "--fix", "--unsafe-fixes", "."], root);
    assert_eq!(
        fixed.status.code(),
        Some(0),
        "{}{}",
        stdout(&fixed),
        stderr(&fixed)
    );
    let mut written: Vec<String> = stderr(&fixed).lines().map(str::to_string).collect();
    written.sort();
    assert_eq!(
        written,
        [
            "created .env.example",
            "created PRIVACY.md",
            "updated .gitignore"
        ]
    );
    assert_eq!(
        std::fs::read_to_string(root.join(".gitignore")).unwrap(),
        "__pycache__/\n.env\n"
    );
    assert_eq!(
        std::fs::read_to_string(root.join(".env.example")).unwrap(),
        "ANTHROPIC_API_KEY=\n"
    );
    let agent = std::fs::read_to_string(root.join("agent.py")).unwrap();
    assert!(
        agent.contains("api_key=os.environ[\"ANTHROPIC_API_KEY\"]"),
        "{agent}"
    );
    // Run again: nothing left, nothing written twice.
    let again = run(&["check", "--fix", "--unsafe-fixes", "."], root);
    assert_eq!(again.status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(root.join(".gitignore")).unwrap(),
        "__pycache__/\n.env\n"
    );
}

/// AL401–AL403 on fixture projects: no notice, a complete notice, a stale one, a README section,
/// a project that only talks to local models, and one that stores conversations.
#[test]
fn privacy_notices_golden() {
    let dir = fixtures().join("privacy");
    let mut report = String::new();
    for project in ["none", "complete", "stale", "readme", "local", "storage"] {
        let output = run(&["check", "--select", "AL4", project], &dir);
        report.push_str(&format!("== {project} (exit {:?})\n", output.status.code()));
        report.push_str(&stdout(&output));
    }
    insta::assert_snapshot!(report);
}

/// A privacy page of the UI is found whichever way the project is named (`.`, a relative or an
/// absolute path, `..` from inside) and whether the job walk's list of the files the notice search reads is
/// used or the search walks itself (an `exclude` it would cross, a hidden or build directory).
#[test]
fn a_privacy_page_is_found_from_the_walk_or_by_the_search() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("bot");
    copy_dir(&fixtures().join("privacy").join("none"), &root);
    let verdict = |args: &[&str], cwd: &Path| {
        let output = run(&[&["check", "--select", "AL4"], args].concat(), cwd);
        (output.status.code(), stdout(&output))
    };
    // The ways of naming the project: the argument and the directory it is given in.
    let absolute = root.to_str().unwrap().to_string();
    let ways = [
        (".", root.clone()),
        ("bot", dir.path().to_path_buf()),
        (absolute.as_str(), dir.path().to_path_buf()),
        ("..", root.join("web")),
    ];
    // No notice: AL401 in every way.
    for (args, cwd) in &ways {
        let (code, out) = verdict(&[args], cwd);
        assert_eq!(code, Some(1), "{args:?}: {out}");
        assert!(out.contains("AL401"), "{args:?}: {out}");
    }
    let page = root.join("web/app/privacy/page.tsx");
    std::fs::create_dir_all(page.parent().unwrap()).unwrap();
    std::fs::write(
        &page,
        "export default () => <p>Your messages are sent to OpenAI and Anthropic (Claude), and \
         runs are traced in LangSmith.</p>;\n",
    )
    .unwrap();
    for exclude in ["", "exclude = [\"web\"]\n", "exclude = [\"dist\"]\n"] {
        std::fs::write(root.join("agentlint.toml"), exclude).unwrap();
        for (args, cwd) in &ways {
            let (code, out) = verdict(&[args], cwd);
            assert!(!out.contains("AL401"), "{exclude} {args:?}: {out}");
            assert_eq!(code, Some(0), "{exclude} {args:?}: {out}");
        }
    }
    // A page in a hidden or a build directory is not the project's.
    std::fs::remove_file(root.join("agentlint.toml")).unwrap();
    for hidden in [".next/app/privacy", "dist/privacy"] {
        std::fs::remove_dir_all(root.join("web/app")).ok();
        let moved = root.join("web").join(hidden).join("page.tsx");
        std::fs::create_dir_all(moved.parent().unwrap()).unwrap();
        std::fs::write(
            &moved,
            "export default () => <p>OpenAI, Anthropic, LangSmith</p>;\n",
        )
        .unwrap();
        let (code, out) = verdict(&["."], &root);
        assert_eq!(code, Some(1), "{hidden}: {out}");
        assert!(out.contains("AL401"), "{hidden}: {out}");
        std::fs::remove_dir_all(root.join("web").join(hidden.split('/').next().unwrap())).unwrap();
    }
}

/// The generated notice, and the section appended to a stale one, are accepted by the rules.
#[test]
fn privacy_fixes_are_accepted_by_the_rules() {
    for project in ["none", "stale", "storage"] {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join(project);
        copy_dir(&fixtures().join("privacy").join(project), &root);
        let before = run(&["check", "--select", "AL4", "."], &root);
        assert_eq!(before.status.code(), Some(1), "{}", stdout(&before));
        let fixed = run(
            &["check", "--select", "AL4", "--fix", "--unsafe-fixes", "."],
            &root,
        );
        assert_eq!(
            fixed.status.code(),
            Some(0),
            "{}{}",
            stdout(&fixed),
            stderr(&fixed)
        );
        let notice = std::fs::read_to_string(root.join("PRIVACY.md")).unwrap();
        let after = run(&["check", "--select", "AL4", "."], &root);
        assert_eq!(after.status.code(), Some(0), "{}\n{notice}", stdout(&after));
        if project == "none" {
            for name in [
                "OpenAI",
                "Anthropic",
                "LangSmith",
                "`agent.py:10`",
                "`web/chat.ts:7`",
            ] {
                assert!(notice.contains(name), "{name}: {notice}");
            }
            assert!(notice.contains("TODO"));
            insta::assert_snapshot!("generated_privacy_notice", notice);
        } else if project == "stale" {
            assert!(
                notice.starts_with("# Privacy\n\nThis assistant sends"),
                "{notice}"
            );
            assert!(notice.contains("### DeepSeek") && notice.contains("### Anthropic"));
        } else {
            // One storage section, however many files store.
            assert_eq!(
                notice.matches("## What this agent stores").count(),
                1,
                "{notice}"
            );
        }
    }
}

#[allow(clippy::unwrap_used)]
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Every project the tests know (the examples, the CLI's fixture projects, the rules' fixture
/// directories and projects).
fn every_fixture_project() -> Vec<PathBuf> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut projects = vec![manifest.join("../examples"), fixtures().join("project")];
    for parent in [
        fixtures().join("privacy"),
        manifest.join("../rules/tests/fixtures"),
        manifest.join("../rules/tests/projects"),
    ] {
        let mut found: Vec<PathBuf> = std::fs::read_dir(&parent)
            .unwrap_or_else(|e| panic!("{parent:?}: {e}"))
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_dir())
            .collect();
        found.sort();
        projects.extend(found);
    }
    projects
}

fn schema(path: &str) -> jsonschema::Validator {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    // The SARIF schema's language pattern has a stray `]` (`…-[a-zA-Z]{2}]?$`), a literal for
    // ECMAScript's regular expressions (JSON Schema's) that Rust's refuse: escaped, it means the
    // same to both.
    let text = text.replace(r#"-[a-zA-Z]{2}]?$"#, r#"-[a-zA-Z]{2}\\]?$"#);
    let schema: serde_json::Value = serde_json::from_str(&text).expect("a schema is JSON");
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap_or_else(|e| panic!("{path:?} is not a valid schema: {e}"))
}

/// Every error of `instance` against `validator`, one a line with where it is.
fn schema_errors(validator: &jsonschema::Validator, instance: &serde_json::Value) -> String {
    validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}\n", e, e.instance_path()))
        .collect()
}

/// The JSON output of every fixture project validates against docs/output.schema.json and the
/// SARIF output against the official SARIF 2.1.0 schema (a file creation in a fix included).
#[test]
fn outputs_match_their_schemas() {
    let json = schema("docs/output.schema.json");
    let sarif = schema("tests/schemas/sarif-schema-2.1.0.json");
    let mut fixes_other_files = false;
    for project in every_fixture_project() {
        let cwd = project.parent().unwrap();
        let name = project.file_name().unwrap().to_str().unwrap();
        for (format, validator) in [("json", &json), ("sarif", &sarif)] {
            let output = run(&["check", "--format", format, name], cwd);
            assert!(
                matches!(output.status.code(), Some(0 | 1)),
                "{project:?}: {}",
                stderr(&output)
            );
            let value: serde_json::Value = serde_json::from_str(&stdout(&output))
                .unwrap_or_else(|e| panic!("{project:?} {format}: not JSON: {e}"));
            let errors = schema_errors(validator, &value);
            assert!(
                errors.is_empty(),
                "{project:?}: {format} output does not match its schema:\n{errors}"
            );
            fixes_other_files |= format == "sarif"
                && value["runs"][0]["results"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .flat_map(|r| {
                        r["fixes"][0]["artifactChanges"]
                            .as_array()
                            .into_iter()
                            .flatten()
                    })
                    .any(|c| c["replacements"][0]["deletedRegion"]["charOffset"].is_u64());
        }
    }
    assert!(
        fixes_other_files,
        "no fixture project's SARIF has a fix that changes another file"
    );
}

/// The validation can fail: the SARIF of a fix with no replacements (what AL401's file creation
/// was written as) and a JSON diagnostic with an unknown severity are refused.
#[test]
fn the_schemas_refuse_what_they_must() {
    let sarif = schema("tests/schemas/sarif-schema-2.1.0.json");
    let empty_change = serde_json::json!({
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": { "name": "agentlint" } },
            "results": [{
                "message": { "text": "m" },
                "fixes": [{ "artifactChanges": [{
                    "artifactLocation": { "uri": "PRIVACY.md" },
                    "replacements": []
                }] }]
            }]
        }]
    });
    assert!(schema_errors(&sarif, &empty_change).contains("replacements"));
    let json = schema("docs/output.schema.json");
    let output = run(&["check", "--format", "json", "project"], &fixtures());
    let mut value: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert!(schema_errors(&json, &value).is_empty());
    value["diagnostics"][0]["severity"] = "note".into();
    assert!(!schema_errors(&json, &value).is_empty());
}

/// examples/README.md says, file by file, what `agentlint check examples/` finds: the rules it
/// names for each file are exactly those the run reports there.
#[test]
fn the_examples_readme_lists_what_the_run_finds() {
    use std::collections::{BTreeMap, BTreeSet};
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let readme = std::fs::read_to_string(root.join("examples/README.md")).unwrap();
    let mut promised: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    // A bullet names its file first (`python/agent.py`), and its rules in parentheses.
    let bullets = readme.split("\n- ").skip(1);
    for bullet in bullets {
        let bullet = bullet.split("\n\n").next().unwrap_or_default();
        let Some(path) = bullet
            .strip_prefix('`')
            .and_then(|b| b.split_once('`'))
            .map(|(p, _)| p)
        else {
            continue;
        };
        if !path.contains('/') {
            continue;
        }
        let codes = promised.entry(format!("examples/{path}")).or_default();
        for (i, _) in bullet.match_indices("AL") {
            let code = &bullet[i..(i + 5).min(bullet.len())];
            if code.len() == 5 && code[2..].chars().all(|c| c.is_ascii_digit()) {
                codes.insert(code.to_string());
            }
        }
    }
    let output = run(&["check", "--format", "json", "examples"], &root);
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let mut found: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for d in json["diagnostics"].as_array().unwrap() {
        found
            .entry(d["path"].as_str().unwrap().to_string())
            .or_default()
            .insert(d["code"].as_str().unwrap().to_string());
    }
    promised.retain(|_, codes| !codes.is_empty());
    assert_eq!(promised, found, "examples/README.md and the run disagree");
}

/// The counts the README gives are the knowledge tables' own.
#[test]
fn the_readme_counts_what_the_tables_hold() {
    use agentlint_rules::Knowledge;
    use agentlint_rules::secrets::SecretRule;
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md"))
            .unwrap();
    let number_before = |words: &str| -> usize {
        let at = readme
            .find(words)
            .unwrap_or_else(|| panic!("README.md does not say `{words}`"));
        let digits: String = readme[..at]
            .chars()
            .rev()
            .skip_while(|c| *c == ' ')
            .take_while(char::is_ascii_digit)
            .collect();
        digits.chars().rev().collect::<String>().parse().unwrap()
    };
    let knowledge = Knowledge::builtin();
    let key_formats = knowledge
        .secrets
        .formats
        .iter()
        .filter(|f| f.rule == SecretRule::ProviderKey)
        .count();
    assert_eq!(number_before(" formats ("), key_formats);
    assert_eq!(
        number_before(" recipients as data"),
        knowledge.providers.list.len()
    );
    let packages = |family| {
        knowledge
            .providers
            .packages
            .iter()
            .filter(|(f, _, _)| *f == family)
            .count()
    };
    use agentlint_rules::syntax::Family;
    assert_eq!(number_before(" on PyPI"), packages(Family::Python));
    assert_eq!(number_before(" on npm"), packages(Family::JavaScript));
    assert_eq!(
        number_before(" published packages"),
        packages(Family::Python) + packages(Family::JavaScript)
    );
}

/// The closing lines say what happened: what was checked and found, what the fixes did, what is
/// left to fix and how; an empty directory warns. `--format concise` gives one line a finding.
#[test]
fn summary_lines_say_what_happened() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir(root.join(".git")).unwrap();
    std::fs::create_dir(root.join("empty")).unwrap();
    std::fs::write(
        root.join("calc.py"),
        "def calc(expr):\n    return eval(expr)\n",
    )
    .unwrap();
    std::fs::write(root.join("clean.py"), "print('hello')\n").unwrap();
    std::fs::write(
        root.join("notes.py"),
        "from mcp.server.fastmcp import FastMCP\n\nmcp = FastMCP(\"n\")\n\n\n@mcp.tool()\n\
         def search(q: str) -> str:\n    \"\"\"Search the notes.\u{200b}\"\"\"\n    return q\n",
    )
    .unwrap();
    let mut report = String::new();
    let mut step = |title: &str, args: &[&str]| {
        let output = run(args, root);
        report.push_str(&format!(
            "== {title}: agentlint {} (exit {:?})\n{}{}",
            args.join(" "),
            output.status.code(),
            stdout(&output),
            stderr(&output)
        ));
    };
    step("an empty directory", &["check", "empty"]);
    step("nothing found", &["check", "clean.py"]);
    step("one line a finding", &["check", "--format", "concise", "."]);
    step(
        "--fix, safe fixes only",
        &["check", "--fix", "--format", "concise", "."],
    );
    step(
        "--fix with nothing safe to fix",
        &["check", "--fix", "--format", "concise", "."],
    );
    step(
        "--fix --unsafe-fixes",
        &[
            "check",
            "--fix",
            "--unsafe-fixes",
            "--format",
            "concise",
            ".",
        ],
    );
    step("--fix with nothing to fix", &["check", "--fix", "clean.py"]);
    insta::assert_snapshot!(report);
}

/// Test files report no tools without descriptions and no privacy findings by default (a test's
/// model calls are not the users' data), but keys and execution as anywhere; `per-file-ignores`
/// in `agentlint.toml` replaces the defaults.
#[test]
fn test_files_are_quiet_about_privacy_by_default() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("tests")).unwrap();
    let agent = "from openai import OpenAI\n\nclient = OpenAI()\n\n\ndef ask(q):\n    return client.chat.completions.create(model=\"m\", messages=[{\"role\": \"user\", \"content\": q}])\n";
    std::fs::write(
        root.join("tests/test_agent.py"),
        format!("{agent}\n\ndef test_it(x):\n    assert eval(x)\n"),
    )
    .unwrap();
    let codes = |args: &[&str]| -> Vec<String> {
        let output = run(args, root);
        let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
        json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                format!(
                    "{} {} {}",
                    d["path"].as_str().unwrap(),
                    d["code"].as_str().unwrap(),
                    d["severity"].as_str().unwrap()
                )
            })
            .collect()
    };
    // A test's own `eval`, which nothing shows a tool argument or the model reaching: a hint.
    assert_eq!(
        codes(&["check", "--format", "json", "."]),
        ["tests/test_agent.py AL203 hint"]
    );
    // A tool the test defines is the test's own too, and so is a password in a test's URL (a
    // redactor's input) or a token in a Storybook story's mock data; a key of a known format is
    // reported as anywhere.
    let password = ["s3cret", "-pw"].concat();
    std::fs::write(
        root.join("tests/test_tools.py"),
        format!(
            "from pydantic_ai import Agent\n\nURL = \"postgresql://alice:{password}@pg.internal/db\"\n\n\ndef test_tool():\n    agent = Agent(\"test\")\n\n    @agent.tool_plain\n    def calculator(expression: str) -> str:\n        return str(eval(expression))\n"
        ),
    )
    .unwrap();
    std::fs::create_dir_all(root.join("web")).unwrap();
    let token = ["rt_9f8e", "7d6c5b4a"].concat();
    std::fs::write(
        root.join("web/Session.stories.tsx"),
        format!("export const Default = {{ args: {{ refreshToken: \"{token}\" }} }};\n"),
    )
    .unwrap();
    std::fs::write(
        root.join("web/session.tsx"),
        format!("export const session = {{ refreshToken: \"{token}\" }};\n"),
    )
    .unwrap();
    let mut found = codes(&["check", "--format", "json", "."]);
    found.sort();
    assert_eq!(
        found,
        [
            "tests/test_agent.py AL203 hint",
            "tests/test_tools.py AL203 hint",
            "tests/test_tools.py AL304 hint",
            "web/Session.stories.tsx AL302 hint",
            "web/session.tsx AL302 warning",
        ]
    );
    for file in [
        "tests/test_tools.py",
        "web/Session.stories.tsx",
        "web/session.tsx",
    ] {
        std::fs::remove_file(root.join(file)).unwrap();
    }
    std::fs::write(
        root.join("agentlint.toml"),
        "[per-file-ignores]\n\"scripts\" = [\"AL203\"]\n",
    )
    .unwrap();
    assert_eq!(
        codes(&["check", "--format", "json", "."]),
        [
            "tests/test_agent.py AL401 warning",
            "tests/test_agent.py AL203 hint"
        ]
    );
}

/// A project that is a library (a package others install) leaves its package's calls to model
/// providers to the applications that use it, and says so once; its own telemetry is still its
/// own, and so are its examples' calls. A recipient is reported once in the project, at its
/// first place.
#[test]
fn a_library_leaves_its_model_calls_to_its_users() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("src/mylib")).unwrap();
    std::fs::create_dir_all(root.join("examples")).unwrap();
    std::fs::write(
        root.join("pyproject.toml"),
        "[project]\nname = \"my-lib\"\n\n[build-system]\nrequires = [\"hatchling\"]\nbuild-backend = \"hatchling.build\"\n",
    )
    .unwrap();
    std::fs::create_dir_all(root.join("src/my_lib")).unwrap();
    std::fs::write(
        root.join("src/my_lib/models.py"),
        "from openai import OpenAI\nimport posthog\n\nclient = OpenAI()\n\n\ndef complete(messages):\n    posthog.capture(\"completion\", properties={\"n\": len(messages)})\n    return client.chat.completions.create(model=\"gpt-4o\", messages=messages)\n",
    )
    .unwrap();
    // Examples that serve people (a web route) send their users' data; one run from a
    // terminal sends what whoever runs it types.
    let example = "from fastapi import FastAPI\nfrom anthropic import Anthropic\n\napp = FastAPI()\nclient = Anthropic()\n\n\n@app.post(\"/ask\")\ndef ask(q: str):\n    return client.messages.create(model=\"m\", max_tokens=9, messages=[{\"role\": \"user\", \"content\": q}])\n";
    std::fs::write(root.join("examples/chat.py"), example).unwrap();
    std::fs::write(root.join("examples/chat_again.py"), example).unwrap();
    std::fs::write(
        root.join("examples/ask.py"),
        "from openai import OpenAI\n\nclient = OpenAI()\nprint(client.chat.completions.create(model=\"m\", messages=[{\"role\": \"user\", \"content\": input()}]))\n",
    )
    .unwrap();
    // A package of the monorepo is a library too; LLM tracing in a library is its users' choice.
    std::fs::create_dir_all(root.join("packages/ext/src/my_ext")).unwrap();
    std::fs::write(
        root.join("packages/ext/pyproject.toml"),
        "[project]\nname = \"my-ext\"\n\n[build-system]\nrequires = [\"hatchling\"]\n",
    )
    .unwrap();
    std::fs::write(
        root.join("packages/ext/src/my_ext/adapter.py"),
        "from langsmith import Client\nfrom mistralai import Mistral\n\n\ndef chat(text, runs):\n    Client().create_run(name=\"chat\", inputs={\"text\": text}, run_type=\"llm\")\n    return Mistral().chat.complete(model=\"m\", messages=[{\"role\": \"user\", \"content\": text}])\n",
    )
    .unwrap();
    let output = run(
        &["check", "--format", "json", "--select", "AL401", "."],
        root,
    );
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let found = located(&json);
    assert_eq!(
        found,
        [
            "examples/chat.py:10 `client.messages.create` sends users' data to Anthropic, and the project has no privacy notice",
            "src/my_lib/models.py:8 `posthog.capture` sends users' data to PostHog, and the project has no privacy notice",
        ],
        "{}",
        stdout(&output)
    );
    let related = &json["diagnostics"][0]["related"];
    assert!(
        related.to_string().contains("chat_again.py"),
        "the other place is related: {related}"
    );
    let stderr = stderr(&output);
    assert_eq!(stderr.matches("is a library").count(), 2, "{stderr}");
    assert!(stderr.contains("`my-lib`"), "{stderr}");
    assert!(
        stderr.contains("packages/ext is a library (`my-ext`)"),
        "{stderr}"
    );
}

/// A package published with setuptools' `setup.py` (or `setup.cfg`) is a library as one with a
/// `pyproject.toml` is; a `setup.py` that names no package does not make one.
/// An example that serves nobody is run by its reader on their own data: its model calls are
/// not reported, its product analytics (which reach its authors from every reader) are.
#[test]
fn an_examples_analytics_are_still_reported() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("examples")).unwrap();
    std::fs::write(
        root.join("examples/ask.py"),
        "import sys\n\nimport posthog\nfrom openai import OpenAI\n\nquestion = sys.argv[1]\nreply = OpenAI().chat.completions.create(model=\"m\", messages=[{\"role\": \"user\", \"content\": question}])\nposthog.capture(\"reader\", \"asked\", {\"question\": question})\n",
    )
    .unwrap();
    let output = run(
        &["check", "--format", "json", "--select", "AL401", "."],
        root,
    );
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let messages: Vec<&str> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["message"].as_str())
        .collect();
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(messages[0].contains("PostHog"), "{messages:?}");
}

/// A `pyproject.toml` whose description is the one `poetry init` or `uv init` wrote is an
/// application's (opengpts' backend, packaged with Poetry to run its server from `app/`): its
/// calls are its own flows. A description of its own makes it a library.
#[test]
fn a_template_pyproject_is_an_application() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("app")).unwrap();
    std::fs::write(
        root.join("app/chat.py"),
        "from fastapi import FastAPI
from openai import OpenAI

app = FastAPI()


@app.post(\"/chat\")
def chat(message: str):
    return OpenAI().chat.completions.create(model=\"m\", messages=[{\"role\": \"user\", \"content\": message}])
",
    )
    .unwrap();
    let pyproject = |description: &str| {
        format!(
            "[tool.poetry]\nname = \"chat-server\"\nversion = \"0.1.0\"\ndescription = \"{description}\"\npackages = [{{include = \"app\"}}]\n\n[build-system]\nrequires = [\"poetry-core\"]\nbuild-backend = \"poetry.core.masonry.api\"\n"
        )
    };
    let found = || {
        let output = run(
            &["check", "--format", "json", "--select", "AL401", "."],
            root,
        );
        let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
        located(&json).len()
    };
    for template in ["", "Add your description here"] {
        std::fs::write(root.join("pyproject.toml"), pyproject(template)).unwrap();
        assert_eq!(found(), 1, "description {template:?}");
    }
    std::fs::write(
        root.join("pyproject.toml"),
        pyproject("A chat server others embed"),
    )
    .unwrap();
    assert_eq!(
        found(),
        0,
        "a package with a description of its own is a library"
    );
}

#[test]
fn a_setup_py_package_is_a_library() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("knowledge_engine")).unwrap();
    std::fs::write(
        root.join("knowledge_engine/lm.py"),
        "from anthropic import Anthropic\n\n\nclass ClaudeModel:\n    def __call__(self, prompt):\n        return Anthropic().messages.create(model=\"m\", max_tokens=9, messages=[{\"role\": \"user\", \"content\": prompt}])\n",
    )
    .unwrap();
    let check = || {
        let output = run(
            &["check", "--format", "json", "--select", "AL401", "."],
            root,
        );
        let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
        (located(&json).len(), stderr(&output))
    };
    std::fs::write(
        root.join("setup.py"),
        "import setuptools\n\nsetuptools.setup()\n",
    )
    .unwrap();
    assert_eq!(
        check().0,
        1,
        "a setup.py without a name publishes nothing known"
    );
    std::fs::write(
        root.join("setup.py"),
        "from setuptools import setup, find_packages\n\nsetup(\n    name=\"knowledge-engine\",\n    version=\"1.0\",\n    packages=find_packages(),\n)\n",
    )
    .unwrap();
    let (found, stderr) = check();
    assert_eq!(found, 0, "{stderr}");
    assert!(
        stderr.contains("is a library (`knowledge-engine`)"),
        "{stderr}"
    );
    std::fs::remove_file(root.join("setup.py")).unwrap();
    std::fs::write(
        root.join("setup.cfg"),
        "[metadata]\nname = knowledge-engine\nversion = 1.0\n\n[options]\npackages = find:\n",
    )
    .unwrap();
    assert_eq!(check().0, 0);
}

/// A package whose manifest names the directories it ships (Poetry's `packages`: the
/// distribution `open-thing` imports as `thing`) is a library in those directories; telemetry
/// that the project's telemetry page names is disclosed, and telemetry it does not name is not.
#[test]
fn shipped_directories_are_the_library_and_a_telemetry_page_discloses_telemetry() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let write = |path: &str, text: &str| {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write(
        "pyproject.toml",
        "[tool.poetry]\nname = \"open-thing\"\npackages = [\n    {include = \"thing\"},\n]\n\n[build-system]\nrequires = [\"poetry-core\"]\nbuild-backend = \"poetry.core.masonry.api\"\n",
    );
    write(
        "thing/core/loop.py",
        "from anthropic import Anthropic\n\nclient = Anthropic()\n\n\ndef step(messages):\n    return client.messages.create(model=\"m\", max_tokens=9, messages=messages)\n",
    );
    write(
        "thing/core/telemetry.py",
        "import requests\nimport sentry_sdk\n\n\ndef send(event, properties):\n    requests.post(\"https://app.posthog.com/capture\", json={\"event\": event, \"properties\": properties})\n\n\ndef crash(error):\n    sentry_sdk.capture_exception(error)\n",
    );
    // A JavaScript package's sources, and a Hatch wheel's `include` and `only-include`, are the
    // library's too.
    write(
        "sdk-js/package.json",
        "{\"name\": \"@thing/ai-provider\", \"main\": \"dist/index.js\"}\n",
    );
    write(
        "sdk-js/src/provider.ts",
        "import OpenAI from \"openai\";\n\nexport async function complete(messages: any[]) {\n  return new OpenAI().chat.completions.create({ model: \"m\", messages });\n}\n",
    );
    write(
        "py-ext/pyproject.toml",
        "[project]\nname = \"thing-ext\"\n\n[tool.hatch.build.targets.wheel]\ninclude = [\"extpkg\"]\n\n[build-system]\nrequires = [\"hatchling\"]\n",
    );
    // Hatch's `only-include` (shell_gpt ships `sgpt`): a command line published as a package.
    write(
        "py-cli/pyproject.toml",
        "[project]\nname = \"thing_cli\"\n\n[tool.hatch.build.targets.wheel]\nonly-include = [\"tcli\"]\n\n[build-system]\nrequires = [\"hatchling\"]\n",
    );
    write(
        "py-cli/tcli/ask.py",
        "from openai import OpenAI\n\n\ndef ask(prompt):\n    return OpenAI().chat.completions.create(model=\"m\", messages=[{\"role\": \"user\", \"content\": prompt}])\n",
    );
    write(
        "py-ext/extpkg/rerank.py",
        "import cohere\n\n\ndef rerank(query, documents):\n    return cohere.ClientV2().rerank(model=\"m\", query=query, documents=documents)\n",
    );
    let found = |root: &Path| -> Vec<String> {
        let output = run(
            &["check", "--format", "json", "--select", "AL401", "."],
            root,
        );
        located(&serde_json::from_str(&stdout(&output)).unwrap())
    };
    // The model calls in `thing/` are the library's users' to disclose; its telemetry is its own.
    assert_eq!(
        found(root),
        [
            "thing/core/telemetry.py:6 `requests.post` sends users' data to PostHog, and the project has no privacy notice",
            "thing/core/telemetry.py:10 `sentry_sdk.capture_exception` sends users' data to Sentry, and the project has no privacy notice",
        ]
    );
    // A telemetry page in the documentation names PostHog, not Sentry.
    write(
        "docs/telemetry/telemetry.mdx",
        "# Telemetry\n\nOpen Thing sends anonymous usage events to PostHog. Set `DISABLE_TELEMETRY=1` to opt out.\n",
    );
    assert_eq!(
        found(root),
        [
            "thing/core/telemetry.py:10 `sentry_sdk.capture_exception` sends users' data to Sentry, and the project has no privacy notice",
        ]
    );
}
