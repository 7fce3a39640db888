//! Minified or bundled JavaScript: a library's build copied into a project (a webpack bundle, a
//! `.min.js`), whose code is the library's, not the project's.

use std::path::Path;

/// Identifiers looked at, at most: a bundle is minified throughout, so its start tells.
const SAMPLE: usize = 4_000;
/// Fewer identifiers than this decide nothing: a short file is read as written.
const ENOUGH: usize = 1_000;

/// Words of the language, which are short in any code (`if`, `in`, `do`, `of`).
const KEYWORDS: &[&str] = &[
    "as",
    "async",
    "await",
    "break",
    "case",
    "catch",
    "class",
    "const",
    "continue",
    "debugger",
    "default",
    "delete",
    "do",
    "else",
    "export",
    "extends",
    "false",
    "finally",
    "for",
    "from",
    "function",
    "if",
    "import",
    "in",
    "instanceof",
    "let",
    "new",
    "null",
    "of",
    "return",
    "static",
    "super",
    "switch",
    "this",
    "throw",
    "true",
    "try",
    "typeof",
    "undefined",
    "var",
    "void",
    "while",
    "with",
    "yield",
];

/// Whether a JavaScript or TypeScript file is minified or bundled code: named so (`*.min.js`,
/// `*.bundle.js`), or most of its identifiers one or two characters long (a minifier's names:
/// `function r(e){if(n[e])return n[e].exports`), which written code never has (at most a
/// sixth in agent repositories' code, three quarters in a webpack bundle, reformatted or not).
pub fn bundled(path: &Path, source: &str) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if [
        ".min.js",
        ".min.mjs",
        ".min.cjs",
        ".bundle.js",
        "-bundle.js",
    ]
    .iter()
    .any(|suffix| name.ends_with(suffix))
    {
        return true;
    }
    if source.len() < 16 * 1024 {
        return false;
    }
    let (mut all, mut short) = (0usize, 0usize);
    let bytes = source.as_bytes();
    let mut i = 0;
    while i < bytes.len() && all < SAMPLE {
        let b = bytes[i];
        if b.is_ascii_alphabetic() || b == b'_' || b == b'$' {
            let start = i;
            while i < bytes.len()
                && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] == b'$')
            {
                i += 1;
            }
            let word = &source[start..i];
            if !KEYWORDS.contains(&word) {
                all += 1;
                short += usize::from(word.len() <= 2);
            }
        } else if b.is_ascii_digit() {
            // A number's letters (`0x1f`, `1e3`) are not a name.
            while i < bytes.len() && bytes[i].is_ascii_alphanumeric() {
                i += 1;
            }
        } else {
            i += 1;
        }
    }
    all >= ENOUGH && short * 2 >= all
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A webpack runtime in a minifier's names, reformatted (as a project's formatter leaves it).
    fn minified() -> String {
        let mut out = String::from(
            "// Original source: dist/lib-min.js\nexport const Lib = (function (t) {\n  var n = {};\n",
        );
        for k in 0..400 {
            out.push_str(&format!(
                "  function r{k}(e) {{\n    if (n[e]) return n[e].exports;\n    var o = (n[e] = {{ i: e, l: !1, exports: {{}} }});\n    return t[e].call(o.exports, o, o.exports, r{k}), (o.l = !0), o.exports;\n  }}\n"
            ));
        }
        out.push_str("})([]);\n");
        out
    }

    /// Written code: the same size, descriptive names.
    fn written() -> String {
        let mut out = String::from("import { readFile } from \"node:fs/promises\";\n\n");
        for k in 0..300 {
            out.push_str(&format!(
                "export async function searchNotes{k}(query: string, limit = 10) {{\n  const notes = JSON.parse(await readFile(`notes_{k}.json`, \"utf8\"));\n  const hits = notes.filter((n) => n.text.toLowerCase().includes(query.toLowerCase()));\n  for (const hit of hits) {{ if (hit.score > 0.5) {{ console.log(hit.id); }} }}\n  return hits.slice(0, limit);\n}}\n\n"
            ));
        }
        out
    }

    #[test]
    fn minified_code_is_bundled_and_written_code_is_not() {
        let (minified, written) = (minified(), written());
        assert!(minified.len() > 16 * 1024 && written.len() > 16 * 1024);
        assert!(bundled(Path::new("src/utils/lib.js"), &minified));
        assert!(!bundled(Path::new("src/notes.ts"), &written));
        // Too short to tell: read as written.
        assert!(!bundled(Path::new("src/small.js"), &minified[..4_000]));
        assert!(bundled(Path::new("public/pdf.worker.min.js"), "x"));
    }
}
