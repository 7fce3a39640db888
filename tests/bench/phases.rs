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
    FactsCache, Knowledge, Language, LineIndex, Position, PositionEncoding, Settings, SourceFile,
    analyse_cached,
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
    let mut cache = FactsCache::default();
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
