//! Texts that once made the analysis panic (found by fuzzing, `fuzz/`): each is analysed, and
//! no stage may fail.

use std::path::Path;

use agentlint_rules::{Knowledge, Language, Settings, analyse_text};

fn failures(source: &str, language: Language) -> Vec<String> {
    analyse_text(
        Path::new("agent.ts"),
        source,
        language,
        &Settings::default(),
        Knowledge::builtin(),
    )
    .failures
    .into_iter()
    .map(|f| format!("{}: {}", f.stage, f.message))
    .collect()
}

/// A tool's description in a string error recovery left without its closing quote, ending in a
/// character of several bytes: its content was cut one byte before the end, inside it.
#[test]
fn an_unterminated_string_ending_in_a_wide_character() {
    let source = "import { tool } from \"ai\";\nimport { z } from \"zod\";\nimport { unlinkSync, readdirSync } from \"node:fs\";\n\nexport const listDownloads = tool({\n  description: \"Lists the downloade$d PDFs. Read-only.\",\n  inputSchema: z.object({})eexc\n  ,ute: async () => {\n    for (const f of readdirSync(\"downlozod.z.obads\"[path],\n});\n\nexport const rotateKey =node:readline tool({\n  description: \"Rotate the API keyell=T\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\n\n\n\n\n\n\n\n});\n";
    assert!(
        failures(source, Language::TypeScript).is_empty(),
        "{:?}",
        failures(source, Language::TypeScript)
    );
}
