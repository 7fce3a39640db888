//! Where a keystroke's time goes, in process (no LSP, no JSON): applying the change and reparsing,
//! copying the text out of the rope, analysing with the facts cache, indexing lines. Run by hand:
//!
//! ```sh
//! cargo run --release -p agentlint-e2e --bin bench-phases -- [--typescript] [--workspace] [--pause MS]
//! ```

use std::path::Path;
use std::time::{Duration, Instant};

/// The server's allocator (see server/Cargo.toml), so that the phases cost what they do there.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use agentlint_e2e::bench::{
    python_dense_module, python_module, typescript_mcp_module, typescript_module,
};
use agentlint_rules::syntax::{Document, TextChange};
use agentlint_rules::{
    AnalysisCache, Knowledge, Language, LineIndex, Position, PositionEncoding, Settings,
    SourceFile, analyse_cached,
};

const LINES: usize = 5000;
const KEYS: u32 = 200;

fn main() {
    let typescript = std::env::args().any(|a| a == "--typescript");
    // `--lines N`: the module's length (5,000 lines by default).
    let length = std::env::args()
        .skip_while(|a| a != "--lines")
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(LINES);
    let text = if typescript && std::env::args().any(|a| a == "--mcp") {
        typescript_mcp_module(length)
    } else if typescript {
        typescript_module(length)
    } else if std::env::args().any(|a| a == "--dense") {
        python_dense_module(length)
    } else {
        python_module(length)
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
    // `--flows-only`: the privacy flows of the whole module, 300 times (to profile them).
    if args.iter().any(|a| a == "--flows-only") {
        let tree = agentlint_rules::syntax::parse(&text, language);
        let facts = agentlint_rules::facts::FileFacts::extract(&text, &tree, language);
        let locator = agentlint_rules::syntax::Locator::new(&tree);
        let started = Instant::now();
        for _ in 0..300 {
            std::hint::black_box(agentlint_rules::privacy::flows(
                &text, &locator, &facts, language, knowledge,
            ));
        }
        println!("privacy flows: {:?} each", started.elapsed() / 300);
        return;
    }
    if args.iter().any(|a| a == "--stages") {
        stages(&text, length, language, knowledge);
        return;
    }
    let code = args.iter().any(|a| a == "--code");
    // `--pause MS`: rest between keystrokes, as a typist does (the machine's caches and clock
    // cool down between them, as they do in the server; without it the keystrokes run back to
    // back and find everything warm).
    let pause = args
        .iter()
        .position(|a| a == "--pause")
        .and_then(|i| args.get(i + 1))
        .and_then(|ms| ms.parse::<f64>().ok())
        .map(Duration::from_secs_f64)
        .map(|d| d / 1000);
    // What bench-keystroke types, where it types it: a comment (or with `--code` a statement
    // binding a new name) at the end of a line in a tool's body past the middle of the file.
    let (line_start, typed) = match (typescript, code) {
        (false, false) => (
            "hits",
            "  # keep the best matches first, then the rest in order",
        ),
        (false, true) => ("hits", "\n    total = len(hits) + limit"),
        (true, false) => (
            "const hits",
            " // keep the best matches first, then the rest in order",
        ),
        (true, true) => ("const hits", "\n    const total = hits.length + limit;"),
    };
    let lines: Vec<&str> = text.lines().collect();
    let mut line = (length / 2..lines.len())
        .find(|&l| lines[l].trim_start().starts_with(line_start))
        .unwrap_or(length / 2) as u32;
    let mut column = lines[line as usize].encode_utf16().count() as u32;
    // The server analyses a document when it opens, before any keystroke: so does this (the
    // first keystroke would otherwise be a cold analysis, the maximum).
    let tree = document.parse_tree();
    let source = document.text();
    let file = bench_file(&source, &tree, language);
    std::hint::black_box(analyse_cached(file, &settings, knowledge, &mut cache));
    let mut phases = [Duration::ZERO; 4];
    let mut analyses = Vec::new();
    let mut parses = Vec::new();
    // The keystrokes whose reparse took over 5 ms, by the character typed.
    let mut slow: std::collections::BTreeMap<char, usize> = std::collections::BTreeMap::new();
    let mut kept = 0;
    let mut published = None;
    for c in typed.chars().cycle().take(KEYS as usize) {
        if let Some(pause) = pause {
            std::thread::sleep(pause);
        }
        let at = Position::new(line, column);
        let started = Instant::now();
        document.apply_changes(
            &[TextChange {
                range: Some((at, at)),
                text: c.to_string(),
            }],
            PositionEncoding::Utf16,
        );
        if c == '\n' {
            line += 1;
            column = 0;
        } else {
            column += c.len_utf16() as u32;
        }
        let tree = document.parse_tree();
        let parsed = started.elapsed();
        phases[0] += parsed;
        parses.push(parsed);
        if parsed > Duration::from_millis(5) {
            *slow.entry(c).or_insert(0) += 1;
        }
        let started = Instant::now();
        // Shared with the cache and kept until the next version, as the server's published
        // version keeps it.
        let source = std::sync::Arc::new(document.text());
        phases[1] += started.elapsed();
        let started = Instant::now();
        cache.share_text(source.clone());
        let file = bench_file(&source, &tree, language);
        let mut analysis = std::hint::black_box(measured(file, &settings, knowledge, &mut cache));
        let took = started.elapsed();
        phases[2] += took;
        analyses.push(took);
        kept += usize::from(cache.facts_mut().kept_resolution());
        if std::env::var_os("AGENTLINT_BENCH_TRACE").is_some()
            && !cache.facts_mut().kept_resolution()
        {
            eprintln!(
                "not kept after {c:?} at {line}:{column}: {:?}",
                source.lines().nth(line as usize)
            );
        }
        let started = Instant::now();
        // As the server does: the analysis's index when it made one.
        std::hint::black_box(
            analysis
                .lines
                .take()
                .unwrap_or_else(|| LineIndex::new(&source)),
        );
        phases[3] += started.elapsed();
        drop(published.replace(source));
    }
    let mean = |d: Duration| format!("{:.0} µs", d.as_secs_f64() * 1e6 / f64::from(KEYS));
    analyses.sort();
    parses.sort();
    let percentile = |sorted: &[Duration], p: usize| {
        let d = sorted[(sorted.len() - 1) * p / 100];
        format!("{:.0} µs", d.as_secs_f64() * 1e6)
    };
    let at = |p: usize| percentile(&analyses, p);
    let parse_at = |p: usize| percentile(&parses, p);
    println!(
        "{} lines of {}, typing {}, mean per keystroke: apply + reparse {} (p99 {}, max {}) · \
         text {} · analyse {} (p50 {}, p99 {}, max {}; the last version's name resolution kept \
         for {kept} of {KEYS}) · line index {} · reparses over 5 ms: {}",
        length,
        language.name(),
        if code { "a statement" } else { "a comment" },
        mean(phases[0]),
        parse_at(99),
        parse_at(100),
        mean(phases[1]),
        mean(phases[2]),
        at(50),
        at(99),
        at(100),
        mean(phases[3]),
        if slow.is_empty() {
            "none".to_string()
        } else {
            slow.iter()
                .map(|(c, n)| format!("{n} after {c:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        }
    );
}

/// The benchmark's module as the analysis sees it: alone, or with `--workspace` in a workspace
/// of no other file (as the language server sees a file it opens in an empty folder: every
/// call to another module is looked up there, and found nowhere).
fn bench_file<'a>(
    source: &'a str,
    tree: &'a tree_sitter::Tree,
    language: Language,
) -> SourceFile<'a> {
    static EMPTY: std::sync::OnceLock<
        std::collections::HashMap<std::path::PathBuf, std::sync::Arc<agentlint_rules::FileSummary>>,
    > = std::sync::OnceLock::new();
    let workspace = std::env::args()
        .any(|a| a == "--workspace")
        .then(|| EMPTY.get_or_init(Default::default) as &dyn agentlint_rules::Summaries);
    SourceFile {
        path: Path::new("bench"),
        source,
        tree,
        language,
        workspace,
    }
}

/// One keystroke's analysis, a function of its own so that a profiler can count it alone
/// (`valgrind --tool=callgrind --collect-atstart=no --toggle-collect='*measured*'`).
#[inline(never)]
fn measured(
    file: SourceFile<'_>,
    settings: &Settings,
    knowledge: &Knowledge,
    cache: &mut AnalysisCache,
) -> agentlint_rules::Analysis {
    analyse_cached(file, settings, knowledge, cache)
}

/// `--stages`: the analysis's stages one by one on the same keystrokes (facts with the statement
/// cache, the agent model, the secrets scan, privacy flows, then each rule alone).
fn stages(text: &str, length: usize, language: Language, knowledge: &Knowledge) {
    let mut document = Document::new(text, language);
    let mut cache = AnalysisCache::default();
    let line = (length / 2) as u32;
    let column = text
        .lines()
        .nth(length / 2)
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
        let locator = agentlint_rules::syntax::Locator::new(&tree);
        std::hint::black_box(agentlint_rules::privacy::flows(
            &source, &locator, &facts, language, knowledge,
        ));
        times[3] += started.elapsed();
        let started = Instant::now();
        std::hint::black_box(agentlint_rules::agent::tools(
            &source, &tree, language, &facts, knowledge,
        ));
        times[4] += started.elapsed();
        let file = bench_file(&source, &tree, language);
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
