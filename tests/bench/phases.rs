//! Where a keystroke's time goes, in process (no LSP, no JSON): applying the change and reparsing,
//! copying the text out of the rope, analysing with the facts cache, indexing lines. Run by hand:
//!
//! ```sh
//! cargo run --release -p agentlint-e2e --bin bench-phases -- [--typescript]
//! ```

use std::path::Path;
use std::time::{Duration, Instant};

use agentlint_rules::syntax::{Document, TextChange};
use agentlint_rules::{
    FactsCache, Knowledge, Language, LineIndex, Position, PositionEncoding, Settings, SourceFile,
    analyse_cached,
};

const LINES: usize = 5000;
const KEYS: u32 = 200;

fn generated(typescript: bool) -> String {
    let mut text = String::new();
    let mut i = 0;
    while text.lines().count() < LINES {
        if typescript {
            text.push_str(&format!("export const tool{i} = tool({{\n  description: \"Search the notes for a query\",\n  parameters: z.object({{ query: z.string(), limit: z.number().default(10) }}),\n  execute: async ({{ query, limit }}) => {{\n    const notes: {{ text: string }}[] = JSON.parse(await readNotes({i}));\n    const hits = notes.filter((n) => n.text.toLowerCase().includes(query.toLowerCase()));\n    return {{ hits: hits.slice(0, limit), echo: query }};\n  }},\n}});\n\n"));
        } else {
            text.push_str(&format!("@mcp.tool()\ndef tool_{i}(query: str, limit: int = 10) -> str:\n    \"\"\"Search the notes.\"\"\"\n    notes = json.loads(open(f\"notes_{i}.json\").read())\n    hits = [n for n in notes if query.lower() in n[\"text\"].lower()]\n    reply = client.chat.completions.create(\n        model=\"gpt-4o-mini\",\n        messages=[{{\"role\": \"user\", \"content\": query}}],\n    )\n    summary = reply.choices[0].message.content\n    return json.dumps({{\"hits\": hits[:limit], \"summary\": summary}})\n\n\n"));
        }
        i += 1;
    }
    text
}

fn main() {
    let typescript = std::env::args().any(|a| a == "--typescript");
    let text = generated(typescript);
    let language = if typescript {
        Language::TypeScript
    } else {
        Language::Python
    };
    let mut document = Document::new(&text, language);
    let mut cache = FactsCache::default();
    let settings = Settings::default();
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
