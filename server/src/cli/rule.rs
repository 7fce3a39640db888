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

/// The rule table: columns as wide as their longest entry.
pub fn rule_list() -> String {
    let metas: Vec<&RuleMeta> = rules::all().iter().map(|r| r.meta()).collect();
    let name_width = metas.iter().map(|m| m.name.len()).max().unwrap_or(0);
    let severity_width = metas
        .iter()
        .map(|m| m.default_severity.as_str().len())
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<5}  {:<name_width$}  {:<severity_width$}  finds",
        "code", "name", "default"
    );
    for meta in &metas {
        let _ = writeln!(
            out,
            "{:<5}  {:<name_width$}  {:<severity_width$}  {}",
            meta.code,
            meta.name,
            meta.default_severity.as_str(),
            meta.summary
        );
    }
    let planned = CATALOGUE
        .iter()
        .filter(|(code, _)| rules::find(code).is_none())
        .count();
    let _ = write!(out, "\n{} rules", metas.len());
    if planned > 0 {
        let _ = write!(
            out,
            " implemented ({planned} more planned: configuration may name them already)"
        );
    }
    let _ = writeln!(
        out,
        ". `agentlint rule CODE` prints a rule's documentation: what it finds, why it matters, \
         examples, and how to fix it."
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
