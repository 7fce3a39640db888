//! Where a keystroke's time goes, in process (no LSP, no JSON): applying the change and reparsing,
//! copying the text out of the rope, analysing with the facts cache, indexing lines. Run by hand:
//!
//! ```sh
//! cargo run --release -p agentlint-e2e --bin bench-phases -- [--typescript]
//! ```

use std::path::Path;
use std::time::{Duration, Instant};

use agentlint_e2e::bench::{python_module, typescript_module};
use agentlint_rules::syntax::{Document, TextChange};
use agentlint_rules::{
    AnalysisCache, Knowledge, Language, LineIndex, Position, PositionEncoding, Settings,
    SourceFile, analyse_cached,
};

const LINES: usize = 5000;
const KEYS: u32 = 200;

fn main() {
    let typescript = std::env::args().any(|a| a == "--typescript");
    let text = if typescript {
        typescript_module(LINES)
    } else {
        python_module(LINES)
    };
    let language = if typescript {
        Language::TypeScript
    } else {
        Language::Python
    };
    let mut document = Document::new(&text, language);
    let mut cache = AnalysisCache::default();
    // `--select AL3` (comma-separated) measures some rules only.
    let args: Vec<String> = std::env::args().collect();
    let mut settings = Settings::default();
    if let Some(i) = args.iter().position(|a| a == "--select")
        && let Some(list) = args.get(i + 1)
    {
        settings.select = list
            .split(',')
            .filter_map(|s| agentlint_rules::Selector::parse(s).ok())
            .collect();
    }
    let knowledge = Knowledge::builtin();
    if args.iter().any(|a| a == "--stages") {
        stages(&text, language, knowledge);
        return;
    }
    let mut phases = [Duration::ZERO; 4];
    // Type at the end of a line in the middle of the file.
    let line = (LINES / 2) as u32;
    let column = text
        .lines()
        .nth(LINES / 2)
        .map_or(0, |l| l.encode_utf16().count()) as u32;
    for n in 0..KEYS {
        let at = Position::new(line, column + n);
        let started = Instant::now();
        document.apply_changes(
            &[TextChange {
                range: Some((at, at)),
                text: "x".into(),
            }],
            PositionEncoding::Utf16,
        );
        let tree = document.parse_tree();
        phases[0] += started.elapsed();
        let started = Instant::now();
        let source = document.text();
        phases[1] += started.elapsed();
        let started = Instant::now();
        let file = SourceFile {
            path: Path::new("bench"),
            source: &source,
            tree: &tree,
            language,
            workspace: None,
        };
        std::hint::black_box(analyse_cached(file, &settings, knowledge, &mut cache));
        phases[2] += started.elapsed();
        let started = Instant::now();
        std::hint::black_box(LineIndex::new(&source));
        phases[3] += started.elapsed();
    }
    let mean = |d: Duration| format!("{:.0} µs", d.as_secs_f64() * 1e6 / f64::from(KEYS));
    println!(
        "{} lines of {}, mean per keystroke: apply + reparse {} · text {} · analyse {} · line index {}",
        LINES,
        language.name(),
        mean(phases[0]),
        mean(phases[1]),
        mean(phases[2]),
        mean(phases[3])
    );
}

/// `--stages`: the analysis's stages one by one on the same keystrokes (facts with the statement
/// cache, the agent model, the secrets scan, privacy flows, then each rule alone).
fn stages(text: &str, language: Language, knowledge: &Knowledge) {
    let mut document = Document::new(text, language);
    let mut cache = AnalysisCache::default();
    let line = (LINES / 2) as u32;
    let column = text
        .lines()
        .nth(LINES / 2)
        .map_or(0, |l| l.encode_utf16().count()) as u32;
    let rules = agentlint_rules::rules::all();
    let mut names: Vec<String> = [
        "facts",
        "model",
        "secrets scan",
        "privacy flows",
        "  (tools alone)",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    names.extend(rules.iter().map(|r| r.meta().code.to_string()));
    let mut times = vec![Duration::ZERO; names.len()];
    for n in 0..KEYS {
        let at = Position::new(line, column + n);
        document.apply_changes(
            &[TextChange {
                range: Some((at, at)),
                text: "x".into(),
            }],
            PositionEncoding::Utf16,
        );
        let tree = document.parse_tree();
        let source = document.text();
        let started = Instant::now();
        let facts = cache.facts_mut().extract(&source, &tree, language);
        times[0] += started.elapsed();
        let facts = facts.clone();
        let started = Instant::now();
        std::hint::black_box(agentlint_rules::agent::model(
            &source, &tree, language, &facts, knowledge, None,
        ));
        times[1] += started.elapsed();
        let started = Instant::now();
        std::hint::black_box(knowledge.secrets.scan(&source));
        times[2] += started.elapsed();
        let started = Instant::now();
        std::hint::black_box(agentlint_rules::privacy::flows(
            &source,
            &facts,
            language.family(),
            &knowledge.providers,
        ));
        times[3] += started.elapsed();
        let started = Instant::now();
        std::hint::black_box(agentlint_rules::agent::tools(
            &source, &tree, language, &facts, knowledge,
        ));
        times[4] += started.elapsed();
        let file = SourceFile {
            path: Path::new("bench"),
            source: &source,
            tree: &tree,
            language,
            workspace: None,
        };
        for (i, rule) in rules.iter().enumerate() {
            let started = Instant::now();
            std::hint::black_box(agentlint_rules::analyse_with_rules(
                &[*rule],
                file,
                &Settings::default(),
                knowledge,
                Some(&mut cache),
            ));
            times[5 + i] += started.elapsed();
        }
    }
    let per_key = |d: Duration| d.as_secs_f64() * 1e6 / f64::from(KEYS);
    let shared: f64 = times[..4].iter().map(|d| per_key(*d)).sum();
    for (name, time) in names.iter().zip(&times).take(5) {
        println!("{name:>14}: {:>6.0} µs", per_key(*time));
    }
    for (name, time) in names.iter().zip(&times).skip(5) {
        // A rule alone runs the shared stages too: what it adds is its time minus theirs.
        println!(
            "{name:>14}: {:>6.0} µs (alone, shared stages included: {:.0} µs)",
            (per_key(*time) - shared).max(0.0),
            per_key(*time)
        );
    }
}
