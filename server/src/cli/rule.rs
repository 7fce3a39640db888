//! `agentlint rule [CODE]`.

use std::fmt::Write as _;
use std::process::ExitCode;

use agentlint_rules::RuleMeta;
use agentlint_rules::rules::{self, CATALOGUE};

/// A rule's documentation page (also `docs/rules/CODE.md`).
pub fn rule_markdown(meta: &RuleMeta) -> String {
    format!(
        "# {code} {name}\n\n{summary}.\n\nDefault severity: **{severity}**. Suppress with \
         `# agentlint: ignore[{code}] reason` (or `//`) on the line or the line above.\n\n{doc}",
        code = meta.code,
        name = meta.name,
        summary = meta.summary,
        severity = meta.default_severity,
        doc = meta.documentation(),
    )
}

/// The rule table.
pub fn rule_list() -> String {
    let mut out = String::new();
    for rule in rules::all() {
        let meta = rule.meta();
        let _ = writeln!(
            out,
            "{:<6} {:<26} {:<8} {}",
            meta.code, meta.name, meta.default_severity, meta.summary
        );
    }
    let planned = CATALOGUE
        .iter()
        .filter(|(code, _)| rules::find(code).is_none())
        .count();
    let _ = writeln!(
        out,
        "\n{} rules implemented; {planned} more in the catalogue are planned. `agentlint rule CODE` prints a rule's documentation.",
        rules::all().len()
    );
    out
}

pub fn run(rule: Option<&str>) -> ExitCode {
    let Some(wanted) = rule else {
        print!("{}", rule_list());
        return ExitCode::SUCCESS;
    };
    if let Some(rule) = rules::find(wanted) {
        print!("{}", rule_markdown(rule.meta()));
        return ExitCode::SUCCESS;
    }
    if let Some((code, name)) = CATALOGUE
        .iter()
        .find(|(code, name)| code.eq_ignore_ascii_case(wanted) || *name == wanted)
    {
        eprintln!("error: {code} {name} is in the catalogue but not implemented in this version");
    } else {
        eprintln!("error: no rule `{wanted}`; `agentlint rule` lists them");
    }
    ExitCode::from(2)
}
