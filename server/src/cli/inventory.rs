//! `agentlint inventory`: every model-callable tool, and what the model is told about it.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use agentlint_rules::agent::card::visible;
use agentlint_rules::agent::{Tool, model};
use agentlint_rules::facts::FileFacts;
use agentlint_rules::secrets::Redactor;
use agentlint_rules::summary::Imports;
use agentlint_rules::syntax::parse;
use agentlint_rules::{
    Language, LineIndex, PositionEncoding, Selector, Settings, SourceFile, analyse_extracted,
};
use rayon::prelude::*;
use serde::Serialize;

use super::index::Index;
use super::{InventoryArgs, InventoryFormat};
use crate::config::Config;
use crate::files;
use crate::output::display_path;

#[derive(Serialize)]
struct Entry {
    path: String,
    line: u32,
    column: u32,
    name: Option<String>,
    framework: String,
    /// Exactly what the model is told (`null` when there is no description).
    description: Option<String>,
    /// The description is computed at run time; `description` holds only its constant parts.
    description_computed: bool,
    parameters: Vec<Parameter>,
    function: Option<String>,
    /// What the tool's code does (network, files, processes...), with where.
    effects: Vec<EffectEntry>,
}

#[derive(Serialize)]
struct EffectEntry {
    effect: &'static str,
    #[serde(skip)]
    verb: &'static str,
    /// The call that has the effect, as written, and its line.
    call: String,
    line: u32,
    /// The file the call is in, when it is not the tool's (a helper of another module).
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<String>,
    /// The calls of the tool's own code that lead there, outermost last.
    through: Vec<String>,
}

#[derive(Serialize)]
struct Parameter {
    name: String,
    description: Option<String>,
}

fn entries(path: &Path, cwd: &Path, config: &Config, workspace: &Index) -> Vec<Entry> {
    let Some(language) = Language::from_path(path) else {
        return Vec::new();
    };
    let (source, tree, facts) = match workspace.take(path) {
        Some(parsed) => (parsed.source, parsed.tree, parsed.facts),
        None => {
            let Ok(source) = files::read_source(path) else {
                return Vec::new();
            };
            let tree = parse(&source, language);
            let facts = FileFacts::extract(&source, &tree, language);
            (source, tree, facts)
        }
    };
    let index = LineIndex::new(&source);
    let importer = workspace.absolute(path);
    let imports = Imports {
        summaries: workspace,
        importer: &importer,
    };
    let tools = model(
        &source,
        &tree,
        language,
        &facts,
        &config.knowledge,
        Some(imports),
    )
    .tools;
    if tools.is_empty() {
        return Vec::new();
    }
    // A key written in a description is masked as in every output: the file's secrets are
    // those the key rules find.
    let secrets = analyse_extracted(
        SourceFile {
            path: &importer,
            source: &source,
            tree: &tree,
            language,
            workspace: None,
        },
        &facts,
        &secret_rules(),
        &config.knowledge,
    )
    .secrets;
    let redactor = Redactor::new(&source, &secrets);
    let shown = |text: &str| redactor.redact(text);
    std::sync::Arc::unwrap_or_clone(tools)
        .into_iter()
        .map(|tool: Tool| {
            let at = index.position(&source, tool.anchor.start, PositionEncoding::Utf32);
            Entry {
                path: display_path(path, cwd),
                line: at.line + 1,
                column: at.column + 1,
                name: tool.name.as_deref().map(shown),
                framework: tool.framework.clone(),
                description: tool.description.as_ref().map(|d| shown(d.text())),
                description_computed: tool.description.as_ref().is_some_and(|d| !d.is_constant()),
                parameters: tool
                    .parameters
                    .iter()
                    .map(|p| Parameter {
                        name: shown(&p.name),
                        description: p.description.as_ref().map(|d| shown(d.text())),
                    })
                    .collect(),
                function: tool.function_name.as_deref().map(shown),
                effects: tool
                    .effects
                    .iter()
                    .filter_map(|(effect, evidence)| {
                        let first = evidence.first()?;
                        Some(EffectEntry {
                            effect: effect.as_str(),
                            verb: effect.verb(),
                            call: shown(&first.callee),
                            line: match &first.place {
                                Some(place) => place.line + 1,
                                None => index.line_of(first.range.start) as u32 + 1,
                            },
                            file: first.place.as_ref().map(|p| display_path(&p.path, cwd)),
                            through: evidence[1..].iter().map(|h| shown(&h.callee)).collect(),
                        })
                    })
                    .collect(),
            }
        })
        .collect()
}

/// The settings that run only the rules that find secrets (AL3xx).
fn secret_rules() -> Settings {
    Settings {
        select: Selector::parse("AL3").into_iter().collect(),
        ..Settings::default()
    }
}

pub fn run(args: &InventoryArgs) -> ExitCode {
    let cwd = std::env::current_dir().unwrap_or_default();
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let mut jobs = Vec::new();
    for path in &paths {
        let config = match Config::discover(path) {
            Ok(config) => std::sync::Arc::new(config),
            Err(e) => {
                eprintln!("error: {e:#}");
                return ExitCode::from(2);
            }
        };
        if path.is_dir() {
            jobs.extend(
                files::walk(path, &config)
                    .into_iter()
                    .map(|f| (f, config.clone())),
            );
        } else if path.exists() {
            jobs.push((path.clone(), config));
        } else {
            eprintln!("error: no such file or directory: {}", path.display());
            return ExitCode::from(2);
        }
    }
    let (index, _) = Index::build(
        jobs.iter().filter_map(|(path, config)| {
            Some((path.as_path(), Language::from_path(path)?, config.as_ref()))
        }),
        &cwd,
        &std::collections::HashSet::new(),
        true,
        None::<&super::index::Early<'_, ()>>,
    );
    let mut all: Vec<Entry> = jobs
        .par_iter()
        .flat_map(|(path, config)| entries(path, &cwd, config, &index))
        .collect();
    all.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
    match args.format {
        InventoryFormat::Json => {
            println!("{}", serde_json::to_string_pretty(&all).unwrap_or_default());
        }
        InventoryFormat::Text => {
            for entry in &all {
                println!(
                    "{}:{}:{} {} [{}]",
                    entry.path,
                    entry.line,
                    entry.column,
                    entry.name.as_deref().unwrap_or("<unnamed>"),
                    entry.framework
                );
                match &entry.description {
                    None => println!("    (no description)"),
                    Some(text) => {
                        for line in visible(text.trim()).lines() {
                            println!("    | {line}");
                        }
                        if entry.description_computed {
                            println!("    (parts are computed at run time)");
                        }
                    }
                }
                for effect in &entry.effects {
                    match &effect.file {
                        Some(file) => println!(
                            "    > {}: `{}`, {}:{}",
                            effect.verb, effect.call, file, effect.line
                        ),
                        None => println!(
                            "    > {}: `{}`, line {}",
                            effect.verb, effect.call, effect.line
                        ),
                    }
                }
                for parameter in &entry.parameters {
                    match &parameter.description {
                        Some(d) => println!(
                            "    - {}: {}",
                            parameter.name,
                            visible(d.trim()).replace('\n', " ")
                        ),
                        None => println!("    - {}", parameter.name),
                    }
                }
            }
            let count = match all.len() {
                0 => "No tools found.".to_string(),
                1 => "1 tool.".to_string(),
                n => format!("{n} tools."),
            };
            if all.is_empty() {
                println!("{count}");
            } else {
                println!(
                    "\n{count} Each is listed with `|` what the model is told (its description), \
                     `>` what its code does and where, and `-` its parameters with what the model \
                     is told of each."
                );
            }
        }
    }
    ExitCode::SUCCESS
}
