//! `agentlint check`: analyse paths in parallel and report.

use std::collections::HashSet;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use agentlint_rules::syntax::parse;
use agentlint_rules::{
    Analysis, Applicability, Language, SourceFile, Summaries, analyse, apply_fixes,
};
use anyhow::{Context as _, Result};
use rayon::prelude::*;

use super::index::Index;
use super::{CheckArgs, Format};
use crate::config::{Config, parse_selectors};
use crate::files::{self, FileProblem};
use crate::output::{FileReport, Summary, display_path, render_json, render_sarif, render_text};

/// Most rounds of fixing one file: a fix can enable another (two fixes that both add an import
/// conflict in one round and land in the next).
const MAX_FIX_ROUNDS: usize = 10;

/// One file to analyse, with the configuration of its project.
struct Job {
    path: PathBuf,
    language: Language,
    config: std::sync::Arc<Config>,
}

enum Outcome {
    Report {
        report: FileReport,
        fixed: usize,
        failures: Vec<String>,
    },
    Problem {
        path: PathBuf,
        problem: FileProblem,
    },
}

pub fn run(args: &CheckArgs) -> ExitCode {
    match check(args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn configure(args: &CheckArgs, start: &Path) -> Result<Config> {
    let mut config = match &args.config {
        Some(file) => Config::load_file(file)?,
        None => Config::discover(start)?,
    };
    if let Some(select) = &args.select {
        config.settings.select = parse_selectors(select).context("--select")?;
    }
    if let Some(ignore) = &args.ignore {
        config
            .settings
            .ignore
            .extend(parse_selectors(ignore).context("--ignore")?);
    }
    Ok(config)
}

fn collect_jobs(args: &CheckArgs, warnings: &mut Vec<String>) -> Result<Vec<Job>> {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let missing: Vec<_> = paths.iter().filter(|p| !p.exists()).collect();
    if !missing.is_empty() {
        let list: Vec<_> = missing.iter().map(|p| p.display().to_string()).collect();
        anyhow::bail!("no such file or directory: {}", list.join(", "));
    }
    let mut seen = HashSet::new();
    let mut jobs = Vec::new();
    for path in paths {
        let config = std::sync::Arc::new(configure(args, &path)?);
        if path.is_dir() {
            for file in files::walk(&path, &config) {
                if let Some(language) = Language::from_path(&file)
                    && seen.insert(file.clone())
                {
                    jobs.push(Job {
                        path: file,
                        language,
                        config: config.clone(),
                    });
                }
            }
        } else if let Some(language) = Language::from_path(&path) {
            // A file named explicitly is analysed even if `exclude` matches it.
            if seen.insert(path.clone()) {
                jobs.push(Job {
                    path,
                    language,
                    config,
                });
            }
        } else {
            warnings.push(format!(
                "{}: skipped: not a Python, TypeScript or JavaScript file",
                path.display()
            ));
        }
    }
    Ok(jobs)
}

fn check(args: &CheckArgs) -> Result<ExitCode> {
    let cwd = std::env::current_dir().context("cannot read the working directory")?;
    let mut warnings = Vec::new();
    let jobs = collect_jobs(args, &mut warnings)?;

    // What every function does, so that a tool calling a helper of another file gets the
    // helper's effects: the files checked and the rest of their projects (a pre-commit hook
    // passes only the changed files). Unreadable files are reported by the analysis below.
    let index = Index::build(
        jobs.iter()
            .map(|job| (job.path.as_path(), job.language, job.config.as_ref())),
        &cwd,
    );
    let outcomes: Vec<Outcome> = jobs
        .par_iter()
        .map(|job| analyse_job(job, args, &cwd, &index))
        .collect();

    let mut reports = Vec::new();
    let mut io_errors = 0;
    let mut fixed = 0;
    for outcome in outcomes {
        match outcome {
            Outcome::Report {
                report,
                fixed: n,
                failures,
            } => {
                fixed += n;
                warnings.extend(failures);
                reports.push(report);
            }
            Outcome::Problem { path, problem } => {
                if matches!(problem, FileProblem::Io(_)) {
                    io_errors += 1;
                }
                warnings.push(format!("{}: {problem}", display_path(&path, &cwd)));
            }
        }
    }
    reports.sort_by(|a, b| a.display_path.cmp(&b.display_path));
    let analysed = reports.len();
    let summary = Summary::of(&reports, analysed, fixed);
    reports.retain(|r| !r.diagnostics.is_empty());

    let output = match args.format {
        Format::Text => {
            let color =
                anstream::AutoStream::choice(&std::io::stdout()) != anstream::ColorChoice::Never;
            render_text(&reports, (!args.quiet).then_some(&summary), color)
        }
        Format::Json => render_json(&reports),
        Format::Sarif => render_sarif(&reports),
    };
    let mut stderr = std::io::stderr().lock();
    for warning in &warnings {
        let _ = writeln!(stderr, "warning: {warning}");
    }
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (`agentlint check | head`) is not an error worth a panic.
    let _ = stdout.write_all(output.as_bytes());
    let _ = stdout.flush();

    Ok(if io_errors > 0 {
        ExitCode::from(2)
    } else if summary.problems() > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Analyses a file's text with the workspace's summaries.
fn analyse_text(job: &Job, text: &str, index: &Index) -> Analysis {
    let tree = parse(text, job.language);
    let path = index.absolute(&job.path);
    analyse(
        SourceFile {
            path: &path,
            source: text,
            tree: &tree,
            language: job.language,
            workspace: Some(index as &dyn Summaries),
        },
        &job.config.settings,
        &job.config.knowledge,
    )
}

fn analyse_job(job: &Job, args: &CheckArgs, cwd: &Path, index: &Index) -> Outcome {
    let source = match files::read_source(&job.path) {
        Ok(source) => source,
        Err(problem) => {
            return Outcome::Problem {
                path: job.path.clone(),
                problem,
            };
        }
    };
    let shown = display_path(&job.path, cwd);
    let mut text = source;
    let mut fixed = 0;
    if args.fix {
        let original = text.clone();
        for _ in 0..MAX_FIX_ROUNDS {
            let analysis = analyse_text(job, &text, index);
            let fixes = analysis
                .diagnostics
                .iter()
                .filter_map(|d| d.fix.as_ref())
                .filter(|f| {
                    f.applicability == Applicability::Safe
                        || (args.unsafe_fixes && f.applicability == Applicability::Unsafe)
                });
            let applied = apply_fixes(&text, fixes);
            if applied.applied == 0 {
                break;
            }
            fixed += applied.applied;
            text = applied.text;
        }
        if text != original
            && let Err(e) = std::fs::write(&job.path, &text)
        {
            return Outcome::Problem {
                path: job.path.clone(),
                problem: FileProblem::Io(e),
            };
        }
    }
    let analysis = analyse_text(job, &text, index);
    let failures = analysis
        .failures
        .iter()
        .map(|f| {
            format!(
                "{shown}: internal error in {}: {} (the other rules still ran; please report this)",
                f.stage, f.message
            )
        })
        .collect();
    Outcome::Report {
        report: FileReport::new(&job.path, cwd, text, analysis.diagnostics)
            .with_secrets(analysis.secrets),
        fixed,
        failures,
    }
}
