//! `agentlint check`: analyse paths in parallel and report.

use std::collections::HashSet;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use agentlint_rules::summary::normalize;
use agentlint_rules::syntax::parse;
use agentlint_rules::{
    Analysis, Applicability, ConfigFile, ConfigKind, FileChange, Fix, Language, PARSE_STAGE,
    SourceFile, Summaries, analyse, analyse_config, analyse_extracted, apply_fixes,
};
use anyhow::{Context as _, Result};
use rayon::prelude::*;

use super::index::{Early, Index, Pages, Parsed};
use super::{CheckArgs, Format};
use crate::config::{Config, parse_selectors};
use crate::files::{self, FileProblem};
use crate::output::{
    FileReport, Fixing, Summary, display_path, render_concise, render_json, render_sarif,
    render_text,
};

/// Most rounds of fixing one file: a fix can enable another (two fixes that both add an import
/// conflict in one round and land in the next).
const MAX_FIX_ROUNDS: usize = 10;

/// One file to analyse, with the configuration of its project.
struct Job {
    path: PathBuf,
    kind: Kind,
    config: std::sync::Arc<Config>,
}

/// What a file is: code, or a configuration file read for secrets.
#[derive(Clone, Copy)]
enum Kind {
    Code(Language),
    Config(ConfigKind),
}

impl Kind {
    fn of(path: &Path) -> Option<Kind> {
        Language::from_path(path)
            .map(Kind::Code)
            .or_else(|| ConfigKind::from_path(path).map(Kind::Config))
    }
}

enum Outcome {
    Report {
        report: Box<FileReport>,
        /// With `--fix`: the codes of the findings before any fix (one per finding).
        before: Option<Vec<&'static str>>,
        /// Other files' changes the applied fixes make (`.gitignore`, `.env.example`).
        changes: Vec<FileChange>,
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

/// The files to analyse, the project roots walked whole to find them (the index need not walk
/// them again), and the files the search for each directory's privacy page would read (by
/// [`crate::privacy::root_key`]; see [`files::Listing`]).
fn collect_jobs(
    args: &CheckArgs,
    cwd: &Path,
    warnings: &mut Vec<String>,
) -> Result<(Vec<Job>, HashSet<PathBuf>, Pages)> {
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
    let mut walked = HashSet::new();
    let mut pages = Pages::new();
    for path in paths {
        let config = std::sync::Arc::new(configure(args, &path)?);
        if path.is_dir() {
            let dir = normalize(&cwd.join(&path));
            if normalize(&cwd.join(&config.root)) == dir {
                walked.insert(dir);
            }
            let listing = files::list(&path, &config);
            // Keyed as the notice search's root is: lexically normalized, which is where the
            // walk went unless `..` follows a symbolic link (then the search walks itself).
            let lexical = !path
                .components()
                .any(|c| c == std::path::Component::ParentDir);
            if let (Some(listed), true) = (listing.pages, lexical) {
                pages.insert(crate::privacy::root_key(&cwd.join(&path)), listed);
            }
            for file in listing.files {
                if let Some(kind) = Kind::of(&file)
                    && seen.insert(file.clone())
                {
                    jobs.push(Job {
                        path: file,
                        kind,
                        config: config.clone(),
                    });
                }
            }
        } else if let Some(kind) = Kind::of(&path) {
            // A file named explicitly is analysed even if `exclude` matches it.
            if seen.insert(path.clone()) {
                jobs.push(Job { path, kind, config });
            }
        } else {
            warnings.push(format!(
                "{}: skipped: not a Python, TypeScript or JavaScript file, an `.env` file, an \
                 MCP configuration or a notebook",
                path.display()
            ));
        }
    }
    Ok((jobs, walked, pages))
}

/// What is said once about each package a directory checked publishes: its model classes'
/// calls are its users' applications' to disclose, and are left out of AL401–AL402.
fn library_notes(roots: &[PathBuf], index: &Index, cwd: &Path) -> Vec<String> {
    let providers = &agentlint_rules::Knowledge::builtin().providers;
    let mut notes = Vec::new();
    for root in roots {
        let Some(view) = index.privacy(root) else {
            continue;
        };
        for library in &view.libraries {
            let left_out = view
                .flows
                .iter()
                .filter(|f| view.library_of(&f.path) == Some(library))
                .filter(|f| {
                    view.left_to_users(&f.path, f.adapter || f.configured, &f.recipient, providers)
                })
                .count();
            if left_out > 0 {
                let name = &library.name;
                notes.push(format!(
                    "{} is a library (`{name}`): the {left_out} calls to model providers in its \
                     model classes are left to the applications that use it to disclose (AL401, \
                     AL402); its own telemetry is checked",
                    display_path(
                        &if library.dir.is_empty() {
                            root.clone()
                        } else {
                            root.join(&library.dir)
                        },
                        cwd
                    )
                ));
            }
        }
    }
    notes
}

fn check(args: &CheckArgs) -> Result<ExitCode> {
    let cwd = std::env::current_dir().context("cannot read the working directory")?;
    let mut warnings = Vec::new();
    let (jobs, walked, pages) = collect_jobs(args, &cwd, &mut warnings)?;

    // What every function does, so that a tool calling a helper of another file gets the
    // helper's effects: the files checked and the rest of their projects (a pre-commit hook
    // passes only the changed files). Unreadable files are reported by the analysis below.
    let roots: Vec<PathBuf> = if args.paths.is_empty() {
        vec![cwd.clone()]
    } else {
        args.paths
            .iter()
            .filter(|p| p.is_dir())
            .map(|p| cwd.join(p))
            .collect()
    };
    // Without `--fix`, a file is analysed as soon as it is parsed if what it asks of the other
    // files' summaries is made by then (its tree then need not wait for the whole index).
    let code_jobs: std::collections::HashMap<&Path, &Job> =
        jobs.iter().map(|job| (job.path.as_path(), job)).collect();
    let early = |path: &Path, parsed: &Parsed, summaries: &dyn Summaries| {
        let job = code_jobs[path];
        let absolute = normalize(&cwd.join(path));
        let analysis = analyse_text(job, &parsed.source, Some(parsed), &absolute, summaries);
        // A report keeps its file's text only for excerpts of its findings.
        let text = if analysis.diagnostics.is_empty() {
            String::new()
        } else {
            parsed.source.clone()
        };
        report(job, &cwd, text, analysis, None, Vec::new())
    };
    let (mut index, mut analysed) = Index::build_with_notices(
        jobs.iter().filter_map(|job| match job.kind {
            Kind::Code(language) => Some((job.path.as_path(), language, job.config.as_ref())),
            Kind::Config(_) => None,
        }),
        &cwd,
        &walked,
        &roots,
        &pages,
        (!args.fix).then_some(&early as &Early<'_, Outcome>),
    );
    let ready: Vec<Option<Outcome>> = jobs.iter().map(|job| analysed.remove(&job.path)).collect();
    let mut outcomes: Vec<Outcome> = jobs
        .par_iter()
        .zip(ready)
        .map(|(job, ready)| ready.unwrap_or_else(|| analyse_job(job, args, &cwd, &index)))
        .collect();

    // The fixes' changes to other files, each made once per project; then the configuration
    // files are analysed again (a `.gitignore` entry settles what they hold).
    let mut changes = Vec::new();
    let mut written = Vec::new();
    for (job, outcome) in jobs.iter().zip(&mut outcomes) {
        if let Outcome::Report { changes: made, .. } = outcome
            && !made.is_empty()
        {
            let root = index.root_for(&job.path);
            changes.extend(made.drain(..).map(|change| (root.clone(), change)));
        }
    }
    if !changes.is_empty() {
        match apply_file_changes(&changes) {
            Ok(files) => written = files,
            Err(e) => {
                warnings.push(format!("{e:#}"));
            }
        }
        let no_fix = CheckArgs {
            fix: false,
            ..args.clone()
        };
        // A new notice settles the privacy findings; a `.gitignore` entry, the configuration
        // files'.
        index.forget_privacy();
        for (job, outcome) in jobs.iter().zip(&mut outcomes) {
            let Outcome::Report { report, .. } = &mut *outcome else {
                continue;
            };
            let affected = matches!(job.kind, Kind::Config(_))
                || report
                    .diagnostics
                    .iter()
                    .any(|d| d.rule.needs.contains(&agentlint_rules::Input::Privacy));
            if affected {
                let again = analyse_job(job, &no_fix, &cwd, &index);
                if let Outcome::Report { report: fresh, .. } = again {
                    *report = fresh;
                }
            }
        }
    }

    let mut reports = Vec::new();
    let mut io_errors = 0;
    let mut fixing = args.fix.then(|| Fixing {
        unsafe_fixes: args.unsafe_fixes,
        ..Fixing::default()
    });
    for outcome in outcomes {
        match outcome {
            Outcome::Report {
                report,
                before,
                failures,
                ..
            } => {
                if let (Some(fixing), Some(before)) = (fixing.as_mut(), before) {
                    let (fixed, new) = fixed_and_new(&before, &report.diagnostics);
                    fixing.fixed += fixed;
                    fixing.new += new;
                }
                warnings.extend(failures);
                reports.push(*report);
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
    if jobs.is_empty() {
        warnings.push(format!(
            "no files to check in {}: agentlint reads Python, TypeScript and JavaScript files, \
             `.env` files, MCP configurations and notebooks (files that `.gitignore` or \
             `exclude` leave out are skipped)",
            shown_paths(args)
        ));
    }
    let summary = Summary::of(&reports, analysed, fixing);
    let notes = library_notes(&roots, &index, &cwd);
    reports.retain(|r| !r.diagnostics.is_empty());
    if matches!(args.format, Format::Json | Format::Sarif) {
        for report in &mut reports {
            resolve_other_files(report, &index.root_for(&report.path), &cwd);
        }
    }

    let summary_shown = (!args.quiet).then_some(&summary);
    let output = match args.format {
        Format::Text => {
            let color =
                anstream::AutoStream::choice(&std::io::stdout()) != anstream::ColorChoice::Never;
            render_text(&reports, summary_shown, color)
        }
        Format::Concise => render_concise(&reports, summary_shown),
        Format::Json => render_json(&reports),
        Format::Sarif => render_sarif(&reports),
    };
    let mut stderr = std::io::stderr().lock();
    for warning in &warnings {
        let _ = writeln!(stderr, "warning: {warning}");
    }
    if !args.quiet {
        for note in &notes {
            let _ = writeln!(stderr, "note: {note}");
        }
    }
    for (file, created) in &written {
        let verb = if *created { "created" } else { "updated" };
        let _ = writeln!(stderr, "{verb} {}", display_path(file, &cwd));
    }
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (`agentlint check | head`) is not an error worth a panic.
    let _ = stdout.write_all(output.as_bytes());
    let _ = stdout.flush();
    // The process ends here: freeing the summaries and reports one by one would only delay the
    // exit.
    std::mem::forget(index);
    std::mem::forget(reports);

    Ok(if io_errors > 0 {
        ExitCode::from(2)
    } else if summary.problems() > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Analyses a file's text (at its absolute, normalized `path`) with the workspace's summaries (and
/// its tree and facts, if the index made them already).
fn analyse_text(
    job: &Job,
    text: &str,
    parsed: Option<&Parsed>,
    path: &Path,
    summaries: &dyn Summaries,
) -> Analysis {
    match job.kind {
        Kind::Code(language) => {
            let parsed_here;
            let (tree, facts) = match parsed {
                Some(parsed) => (&parsed.tree, Some(&parsed.facts)),
                None => {
                    parsed_here = parse(text, language);
                    (&parsed_here, None)
                }
            };
            let file = SourceFile {
                path,
                source: text,
                tree,
                language,
                workspace: Some(summaries),
            };
            let settings = job.config.settings_for(&job.path);
            let (settings, knowledge) = (settings.as_ref(), &job.config.knowledge);
            match facts {
                Some(facts) => analyse_extracted(file, facts, settings, knowledge),
                None => analyse(file, settings, knowledge),
            }
        }
        Kind::Config(kind) => {
            // Nothing is reported in a file git would not commit. Whether it would is asked
            // only of a file with something to report (most have nothing, and the question
            // reads the `.gitignore` files from the project's root down).
            let analysis = analyse_config(
                ConfigFile {
                    path,
                    source: text,
                    kind,
                    committed: true,
                },
                &job.config.settings_for(&job.path),
                &job.config.knowledge,
            );
            let reports = !analysis.diagnostics.is_empty() || !analysis.failures.is_empty();
            if reports && files::is_git_ignored(path) {
                Analysis::default()
            } else {
                analysis
            }
        }
    }
}

/// Makes the fixes' changes to other files: appends each missing line to its file under its
/// project's root (creating the file). Returns the files written, each with whether it was
/// created.
fn apply_file_changes(changes: &[(PathBuf, FileChange)]) -> Result<Vec<(PathBuf, bool)>> {
    let mut written: Vec<(PathBuf, bool)> = Vec::new();
    let mut done = HashSet::new();
    for (root, change) in changes {
        if !done.insert((root.clone(), change.clone())) {
            continue;
        }
        let file = root.join(&change.file);
        let existing = crate::changes::read_from_disk(&file)
            .with_context(|| format!("{}: cannot read", file.display()))?;
        let Some(resolved) = crate::changes::resolve(root, change, &|_| Ok(existing.clone()))
        else {
            continue;
        };
        let created = resolved.creates();
        let text = resolved.existing.unwrap_or_default() + &resolved.addition;
        std::fs::write(&file, text).with_context(|| format!("{}: cannot write", file.display()))?;
        if !written.iter().any(|(path, _)| *path == file) {
            written.push((file, created));
        }
    }
    Ok(written)
}

/// How many findings the fixes removed and how many they brought, per rule: `before` holds the
/// codes of a file's findings before fixing, `after` its findings now.
fn fixed_and_new(before: &[&'static str], after: &[agentlint_rules::Diagnostic]) -> (usize, usize) {
    let mut counts: std::collections::HashMap<&str, isize> = std::collections::HashMap::new();
    for code in before {
        *counts.entry(code).or_default() += 1;
    }
    for d in after {
        *counts.entry(d.rule.code).or_default() -= 1;
    }
    let fixed = counts
        .values()
        .filter(|n| **n > 0)
        .map(|n| n.unsigned_abs())
        .sum();
    let new = counts
        .values()
        .filter(|n| **n < 0)
        .map(|n| n.unsigned_abs())
        .sum();
    (fixed, new)
}

/// The paths given, as the user wrote them, for messages.
fn shown_paths(args: &CheckArgs) -> String {
    if args.paths.is_empty() {
        return "`.`".to_string();
    }
    args.paths
        .iter()
        .map(|p| format!("`{}`", p.display()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Resolves what the report's fixes do to other files of the project rooted at `root`, for the
/// outputs that show it (JSON, SARIF).
fn resolve_other_files(report: &mut FileReport, root: &Path, cwd: &Path) {
    report.other_files = report
        .diagnostics
        .iter()
        .map(|d| {
            let Some(fix) = &d.fix else {
                return Vec::new();
            };
            fix.files
                .iter()
                .filter_map(|change| {
                    crate::changes::resolve(root, change, &crate::changes::read_from_disk)
                })
                .map(|resolved| crate::output::OtherFileEdit {
                    display_path: display_path(&resolved.path, cwd),
                    creates: resolved.creates(),
                    offset_utf16: resolved
                        .existing
                        .as_deref()
                        .map_or(0, |text| text.encode_utf16().count()),
                    text: resolved.addition,
                })
                .collect()
        })
        .collect();
}

fn analyse_job(job: &Job, args: &CheckArgs, cwd: &Path, index: &Index) -> Outcome {
    // The index read and parsed the code files already.
    let (source, mut parsed) = match index.take(&job.path) {
        Some(mut parsed) => (std::mem::take(&mut parsed.source), Some(parsed)),
        None => match files::read_source(&job.path) {
            Ok(source) => (source, None),
            Err(problem) => {
                return Outcome::Problem {
                    path: job.path.clone(),
                    problem,
                };
            }
        },
    };
    let mut text = source;
    let mut before = None;
    let mut changes: Vec<FileChange> = Vec::new();
    let mut refused: Vec<String> = Vec::new();
    if args.fix {
        let original = text.clone();
        for _ in 0..MAX_FIX_ROUNDS {
            let analysis = analyse_text(
                job,
                &text,
                parsed.take().as_ref(),
                &index.absolute(&job.path),
                index,
            );
            if before.is_none() {
                before = Some(analysis.diagnostics.iter().map(|d| d.rule.code).collect());
            }
            let fixes: Vec<&Fix> = analysis
                .diagnostics
                .iter()
                .filter_map(|d| d.fix.as_ref())
                .filter(|f| {
                    f.applicability == Applicability::Safe
                        || (args.unsafe_fixes && f.applicability == Applicability::Unsafe)
                })
                .collect();
            let mut applied = apply_fixes(&text, fixes.iter().copied());
            // A fix must never leave code that parses worse than before: then each is tried
            // alone, and those that would are left out (and said).
            if let Kind::Code(language) = job.kind
                && parses_worse(&text, &applied.text, language)
            {
                let (kept, left_out): (Vec<&Fix>, Vec<&Fix>) = fixes.iter().partition(|fix| {
                    !parses_worse(&text, &apply_fixes(&text, [**fix]).text, language)
                });
                for fix in left_out {
                    let note = format!(
                        "{}: fix not applied, the code would not parse: {}",
                        display_path(&job.path, cwd),
                        fix.title
                    );
                    if !refused.contains(&note) {
                        refused.push(note);
                    }
                }
                applied = apply_fixes(&text, kept);
                if parses_worse(&text, &applied.text, language) {
                    break;
                }
            }
            if applied.applied == 0 {
                break;
            }
            for change in applied.files {
                if !changes.contains(&change) {
                    changes.push(change);
                }
            }
            // A fix that changes only other files is made once, after every file's.
            if applied.text == text {
                break;
            }
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
    let analysis = analyse_text(
        job,
        &text,
        parsed.as_ref(),
        &index.absolute(&job.path),
        index,
    );
    let mut outcome = report(job, cwd, text, analysis, before, changes);
    if let Outcome::Report { failures, .. } = &mut outcome {
        failures.extend(refused);
    }
    outcome
}

/// Whether `after` has syntax errors where `before` had none.
fn parses_worse(before: &str, after: &str, language: Language) -> bool {
    parse(after, language).root_node().has_error()
        && !parse(before, language).root_node().has_error()
}

/// A file's outcome, given its final text and analysis.
fn report(
    job: &Job,
    cwd: &Path,
    text: String,
    analysis: Analysis,
    before: Option<Vec<&'static str>>,
    changes: Vec<FileChange>,
) -> Outcome {
    let shown = display_path(&job.path, cwd);
    let failures = analysis
        .failures
        .iter()
        .map(|f| {
            if f.stage == PARSE_STAGE {
                format!("{shown}: {}", f.message)
            } else {
                format!(
                    "{shown}: internal error in {}: {} (the other rules still ran; please report this)",
                    f.stage, f.message
                )
            }
        })
        .collect();
    Outcome::Report {
        report: Box::new(
            FileReport::new(&job.path, cwd, text, analysis.diagnostics, analysis.lines)
                .with_secrets(analysis.secrets),
        ),
        before,
        changes,
        failures,
    }
}
