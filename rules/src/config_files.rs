//! Agent configuration and environment files: `.env*`, MCP client configurations and Jupyter
//! notebooks. They are not code, so they have no syntax tree: their secrets are found in the
//! text (the same formats as in code, AL301/AL303/AL304) and in `NAME=value` / `"NAME": "value"`
//! entries whose name says the value is a secret (AL302).
//!
//! What matters in these files is whether they are committed. An `.env` that git ignores is
//! exactly where keys belong, so nothing there is reported; the same `.env` without a
//! `.gitignore` entry publishes every key in it with the next `git add .`. Whoever calls
//! [`analyse_config`] says which (`ConfigFile::committed`): the rules never read the disk.

use std::ops::Range;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::OnceLock;

use regex::Regex;

use crate::analysis::{Analysis, Failure};
use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::{Applicability, Edit, FileChange, Fix};
use crate::knowledge::Knowledge;
use crate::rules::RuleMeta;
use crate::rules::secrets::{
    CredentialsInUrl, HardcodedProviderKey, HardcodedSecret, PrivateKeyMaterial,
};
use crate::secrets::redact::{in_parentheses, shown};
use crate::secrets::{Found, SecretRule, SecretSpan, Secrets};
use crate::settings::Settings;
use crate::suppress;
use crate::syntax::{Language, LineIndex};

/// The kinds of configuration file agentlint reads for secrets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ConfigKind {
    /// `.env`, `.env.local`, `.env.production`, `.envrc`, `prod.env`: where keys belong, as long
    /// as git ignores the file.
    Env,
    /// `.env.example`, `.env.sample`, `.env.template`, `.env.dist`: committed for others to copy,
    /// so its values stay empty.
    EnvTemplate,
    /// MCP client configuration: `mcp.json` (`.cursor/`, `.vscode/`), `.mcp.json`,
    /// `claude_desktop_config.json`; keys end up in the `env` blocks of its servers.
    Mcp,
    /// A Jupyter notebook: its cells and outputs are committed and shared as they are.
    Notebook,
}

/// Name parts that make an environment file a template.
const TEMPLATE_PARTS: &[&str] = &[
    "example", "examples", "sample", "template", "dist", "defaults", "tpl", "skel",
];

impl ConfigKind {
    /// The kind of a file by its name; `None` for code (analysed as code) and other files.
    pub fn from_path(path: &Path) -> Option<Self> {
        if Language::from_path(path).is_some() {
            return None;
        }
        let name = path.file_name()?.to_str()?.to_ascii_lowercase();
        if name.ends_with(".ipynb") {
            return Some(ConfigKind::Notebook);
        }
        if matches!(
            name.as_str(),
            "mcp.json" | ".mcp.json" | "mcp_config.json" | "claude_desktop_config.json"
        ) {
            return Some(ConfigKind::Mcp);
        }
        let is_env = name == ".env"
            || name == ".envrc"
            || name.starts_with(".env.")
            || (name.ends_with(".env") && name.len() > 4);
        if !is_env {
            return None;
        }
        let template = name.split('.').any(|part| TEMPLATE_PARTS.contains(&part));
        Some(if template {
            ConfigKind::EnvTemplate
        } else {
            ConfigKind::Env
        })
    }

    /// The LSP language identifiers editors give these files.
    pub fn from_language_id(id: &str, path: Option<&Path>) -> Option<Self> {
        let by_path = path.and_then(Self::from_path);
        match id {
            "dotenv" | "properties" | "shellscript" | "json" | "jsonc" | "plaintext" | "ini"
            | "jupyter" => by_path,
            _ => None,
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            ConfigKind::Env => "environment file",
            ConfigKind::EnvTemplate => "environment template",
            ConfigKind::Mcp => "MCP configuration",
            ConfigKind::Notebook => "notebook",
        }
    }
}

/// A configuration file to analyse.
#[derive(Clone, Copy, Debug)]
pub struct ConfigFile<'a> {
    pub path: &'a Path,
    pub source: &'a str,
    pub kind: ConfigKind,
    /// Whether git would commit the file: `false` when a `.gitignore` excludes it. Nothing in an
    /// ignored file is reported (that is where secrets belong).
    pub committed: bool,
}

/// A secret found in a configuration file, before it becomes a diagnostic.
struct Secret {
    rule: &'static RuleMeta,
    /// The key (for AL303, the PEM header).
    range: Range<usize>,
    /// What the message says it is: "An OpenAI API key (`sk-proj-…AbCd`)" / "`DB_PASSWORD`, a
    /// secret (`…wxyz`),".
    what: String,
    /// The secret value itself.
    span: SecretSpan,
    /// The variable the value would be read from.
    env: Option<String>,
    /// For an entry `NAME=value` whose value is exactly the secret: the value's range.
    value: Option<Range<usize>>,
    /// A value known by its name only, given beside the address of this machine or of an
    /// example domain (a notebook's `{"url": "bolt://localhost:7687", "password": "..."}`).
    local: bool,
}

/// Analyses a configuration file with the secret rules the settings enable.
pub fn analyse_config(
    file: ConfigFile<'_>,
    settings: &Settings,
    knowledge: &Knowledge,
) -> Analysis {
    let mut analysis = Analysis::default();
    if !file.committed {
        return analysis;
    }
    let secrets = &knowledge.secrets;
    // What is read: all of the file but a notebook's image data.
    let segments = match file.kind {
        ConfigKind::Notebook => {
            let mut holes = image_payloads(file.source);
            holes.extend(data_uri_payloads(file.source));
            holes.sort_by_key(|h| h.start);
            between(file.source.len(), &holes)
        }
        _ => std::iter::once(0..file.source.len()).collect(),
    };
    // The secrets, and where a name may bind one (a name that names a secret ends with one of
    // the words found), in one pass over each segment.
    let scan = || {
        let mut found = Vec::new();
        let mut name_spans = Vec::new();
        for segment in &segments {
            let text = &file.source[segment.clone()];
            let shift = |r: &Range<usize>| r.start + segment.start..r.end + segment.start;
            let (secrets_found, name_hits) = secrets.scan_with_names(text);
            found.extend(secrets_found.into_iter().map(|f| Found {
                range: shift(&f.range),
                matched: shift(&f.matched),
                ..f
            }));
            let spans = match file.kind {
                ConfigKind::Notebook => binding_spans(text, &name_hits),
                _ => hit_lines(text, &name_hits),
            };
            name_spans.extend(spans.iter().map(shift));
        }
        (found, name_spans)
    };
    let (found, name_spans) = match catch_unwind(AssertUnwindSafe(scan)) {
        Ok(found) => found,
        Err(_) => {
            analysis.failures.push(Failure {
                stage: "secrets",
                message: "the secret scan panicked".to_string(),
            });
            return analysis;
        }
    };
    let mut found_secrets: Vec<Secret> = Vec::new();
    for f in &found {
        let Some(format) = secrets.formats.get(f.format) else {
            continue;
        };
        let span = secrets.span(f, file.source);
        found_secrets.push(match format.rule {
            SecretRule::ProviderKey => Secret {
                rule: &HardcodedProviderKey::META,
                range: f.range.clone(),
                what: format!(
                    "{}{}",
                    crate::rules::description::capitalised(&format.provider),
                    in_parentheses(&file.source[f.range.clone()], span.public)
                ),
                env: Some(entry_name(file.source, f).unwrap_or_else(|| format.env.clone())),
                value: entry_value(file.source, &f.range),
                span,
                local: false,
            },
            SecretRule::PrivateKey => {
                // The header, the key's public prefix (also when the key is on one line).
                let header = &file.source[f.range.start..f.range.start + span.public];
                Secret {
                    rule: &PrivateKeyMaterial::META,
                    range: f.range.start..f.range.start + header.len(),
                    what: format!("A private key ({})", crate::rules::code_span(header)),
                    env: None,
                    value: None,
                    span,
                    local: false,
                }
            }
            SecretRule::UrlPassword => {
                let url = &file.source[f.matched.clone()];
                let password = &file.source[f.range.clone()];
                let start = f.range.start - f.matched.start;
                let url_shown = format!(
                    "{}{}{}",
                    &url[..start],
                    shown(password, span.public),
                    &url[start + password.len()..]
                );
                Secret {
                    rule: &CredentialsInUrl::META,
                    range: f.range.clone(),
                    what: format!(
                        "A URL with a password ({})",
                        crate::rules::code_span(&crate::rules::excerpt(&url_shown, 50))
                    ),
                    env: Some(format.env.clone()),
                    value: None,
                    span,
                    local: false,
                }
            }
        });
    }
    if !secrets.names.last.is_empty() {
        for entry in entries(file.source, file.kind, &name_spans) {
            let value_text = &file.source[entry.value.clone()];
            let overlaps = found
                .iter()
                .any(|f| f.range.start < entry.value.end && entry.value.start < f.range.end);
            if overlaps
                || !secrets.names.matches(&file.source[entry.name.clone()])
                || !secrets.names.value_looks_secret(value_text, secrets)
            {
                continue;
            }
            let name = &file.source[entry.name.clone()];
            found_secrets.push(Secret {
                rule: &HardcodedSecret::META,
                range: entry.value.clone(),
                what: format!(
                    "The secret {}{}",
                    crate::rules::code_span(&crate::rules::excerpt(name, 40)),
                    in_parentheses(value_text, 0)
                ),
                env: Some(crate::rules::secrets::environment_name(name)),
                value: entry.whole.then(|| entry.value.clone()),
                span: SecretSpan::new(entry.value.clone(), 0),
                local: file.kind == ConfigKind::Notebook
                    && beside_a_local_address(file.source, &entry.value, secrets),
            });
        }
    }
    // Every secret is masked in what shows the file, whether its rule is enabled or not.
    let spans: Vec<SecretSpan> = found_secrets.iter().map(|s| s.span.clone()).collect();
    for secret in found_secrets {
        if !settings.is_enabled(secret.rule) {
            continue;
        }
        let mut diagnostic = explain(&file, &secret);
        if secret.local {
            diagnostic.severity = Severity::Hint;
            diagnostic = diagnostic.with_note(
                "It is given beside the address of this machine or of an example domain: a local \
                 service's development default or documentation, unless the same value is used \
                 anywhere else.",
            );
        }
        diagnostic.severity = settings.severity_of(diagnostic.rule, diagnostic.severity);
        analysis.diagnostics.push(diagnostic);
    }
    if matches!(file.kind, ConfigKind::Env | ConfigKind::EnvTemplate) {
        let suppressions = suppress::collect_in_lines(file.source, '#');
        let index = LineIndex::new(file.source);
        suppress::filter_lines(&mut analysis.diagnostics, &suppressions, &index);
    }
    if file.kind == ConfigKind::Notebook {
        notebook_code(&file, settings, knowledge, &mut analysis);
    }
    analysis.diagnostics.sort_by(|a, b| {
        (a.range.start, a.range.end, a.rule.code).cmp(&(b.range.start, b.range.end, b.rule.code))
    });
    crate::analysis::keep_secrets_out(&mut analysis, file.source, spans);
    analysis
}

/// A notebook's code cells, analysed as the Python file they make by the rules about what code
/// does (the keys in the whole notebook, outputs included, are the scan's above), as a file
/// its reader runs on their own data; the findings placed back in the notebook, without fixes
/// (an edit would have to be written into the notebook's JSON strings).
fn notebook_code(
    file: &ConfigFile<'_>,
    settings: &Settings,
    knowledge: &Knowledge,
    analysis: &mut Analysis,
) {
    let Ok(Some(cells)) = catch_unwind(|| crate::notebook::code_cells(file.source)) else {
        return;
    };
    let tree = crate::syntax::parse(&cells.text, Language::Python);
    let mut settings = settings.clone();
    settings.example_file = true;
    let code_rules: Vec<&dyn crate::rules::Rule> = crate::rules::all()
        .iter()
        .copied()
        .filter(|r| r.meta().subject == crate::diagnostic::Subject::Code)
        .collect();
    let found = crate::analysis::analyse_with_rules(
        &code_rules,
        crate::analysis::SourceFile {
            path: file.path,
            source: &cells.text,
            tree: &tree,
            language: Language::Python,
            workspace: None,
        },
        &settings,
        knowledge,
        None,
    );
    analysis.failures.extend(
        found
            .failures
            .into_iter()
            .filter(|f| f.stage != crate::analysis::PARSE_STAGE),
    );
    for mut diagnostic in found.diagnostics {
        diagnostic.range = cells.place(&diagnostic.range);
        diagnostic.fix = None;
        for related in &mut diagnostic.related {
            if related.place.is_none() {
                related.range = cells.place(&related.range);
            }
        }
        analysis.diagnostics.push(diagnostic);
    }
}

/// The file's name as a `.gitignore` pattern: `.env`; `**/.cursor/mcp.json` for a client's
/// folder (a pattern with a slash in it is anchored to its `.gitignore`'s directory: `**/` finds
/// the folder wherever it is in the project).
fn ignore_pattern(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let folder = path
        .parent()
        .and_then(Path::file_name)
        .map(|n| n.to_string_lossy().into_owned());
    match folder {
        Some(folder) if matches!(folder.as_str(), ".cursor" | ".vscode" | ".claude") => {
            format!("**/{folder}/{name}")
        }
        _ => name,
    }
}

/// The finding for a secret in a file of this kind, with its fix.
fn explain(file: &ConfigFile<'_>, secret: &Secret) -> Diagnostic {
    let name = file
        .path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let what = &secret.what;
    let env = secret.env.as_deref().unwrap_or("…");
    let (message, note, help, fix) = match file.kind {
        ConfigKind::Env => {
            let pattern = ignore_pattern(file.path);
            (
                format!("{what} is in `{name}`, which no `.gitignore` excludes"),
                "The next `git add .` commits it for anyone who can read the repository."
                    .to_string(),
                format!(
                    "Add `{pattern}` to `.gitignore` (if the file was ever committed, also revoke \
                     the key and `git rm --cached {name}`)."
                ),
                Some(
                    Fix::new(
                        format!("Add `{pattern}` to .gitignore"),
                        Applicability::Safe,
                        Vec::new(),
                    )
                    .with_file_change(FileChange::ignore(&pattern)),
                ),
            )
        }
        ConfigKind::EnvTemplate => (
            format!("{what} is in `{name}`, a template committed for others to copy"),
            "Anyone who can read the repository can use it.".to_string(),
            format!(
                "Leave the value empty (`{env}=`), keep the real one in `.env` (which git \
                 ignores), and revoke this one."
            ),
            secret.value.clone().map(|value| {
                Fix::new(
                    "Leave the value empty",
                    Applicability::Unsafe,
                    vec![Edit::replace(value, "")],
                )
                .with_file_change(FileChange::ignore(".env"))
            }),
        ),
        ConfigKind::Mcp => {
            let pattern = ignore_pattern(file.path);
            (
                format!(
                    "{what} is in the MCP configuration `{name}`, which no `.gitignore` excludes"
                ),
                "Committed, it is readable by anyone who can read the repository.".to_string(),
                "Let the MCP client take it from your environment or prompt for it (see its \
                 documentation for variable references), or keep this file out of git."
                    .to_string(),
                Some(
                    Fix::new(
                        format!("Add `{pattern}` to .gitignore"),
                        Applicability::Unsafe,
                        Vec::new(),
                    )
                    .with_file_change(FileChange::ignore(&pattern)),
                ),
            )
        }
        ConfigKind::Notebook => (
            format!("{what} is in the notebook `{name}`"),
            "A notebook's cells and outputs are committed and shared as they are.".to_string(),
            format!(
                "Clear it from the cell and its outputs, read it from the environment \
                 (`os.environ[\"{env}\"]`), and revoke this one."
            ),
            None,
        ),
    };
    Diagnostic::new(secret.rule, secret.range.clone(), message)
        .with_note(note)
        .with_help(help)
        .with_fix(fix)
        .with_secret(secret.span.clone())
}

/// An entry binding a name to a value.
struct Entry {
    name: Range<usize>,
    value: Range<usize>,
    /// The value is the whole right-hand side (so emptying it leaves `NAME=`).
    whole: bool,
}

fn regex(cell: &'static OnceLock<Regex>, pattern: &str) -> &'static Regex {
    cell.get_or_init(|| {
        #[allow(clippy::expect_used)]
        Regex::new(pattern).expect("built-in pattern is valid")
    })
}

/// `NAME=value` lines of an environment file (`export` allowed, values quoted or not).
fn env_line() -> &'static Regex {
    static CELL: OnceLock<Regex> = OnceLock::new();
    regex(
        &CELL,
        r#"(?m)^[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_.\-]*)[ \t]*=[ \t]*("[^"\n]*"|'[^'\n]*'|[^ \t\r\n#][^\r\n]*?)?[ \t]*(?:[ \t]#[^\n]*)?\r?$"#,
    )
}

/// `"NAME": "value"` in JSON (values without escapes).
fn json_pair() -> &'static Regex {
    static CELL: OnceLock<Regex> = OnceLock::new();
    regex(
        &CELL,
        r#""([A-Za-z_][A-Za-z0-9_.\-]*)"[ \t]*:[ \t]*"([^"\\\n]*)""#,
    )
}

/// `name = "value"`, `name="value"`, `"name": "value"` in a notebook's code, where every line is
/// itself a JSON string (so its quotes are escaped).
fn notebook_binding() -> &'static Regex {
    static CELL: OnceLock<Regex> = OnceLock::new();
    regex(
        &CELL,
        r#"(?:\\"|')?([A-Za-z_][A-Za-z0-9_]*)(?:\\"|')?[ \t]*[:=][ \t]*(?:\\"([^"\\\n]*)\\"|'([^'\\\n]*)')"#,
    )
}

/// Whether a notebook's value sits in a dictionary or call whose other string values include the
/// address of this machine or of an example domain (the local-address pattern of the
/// `url-password` format): the lines around it, up to the braces or parentheses that open and
/// close it, as written in the cell (the notebook's JSON escapes the quotes).
fn beside_a_local_address(source: &str, value: &Range<usize>, secrets: &Secrets) -> bool {
    const REACH: usize = 8;
    let line_start = source[..value.start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = source[value.end..]
        .find('\n')
        .map_or(source.len(), |i| value.end + i);
    let mut lines: Vec<&str> = Vec::new();
    // Up to the line that opens the object, and down to the one that closes it.
    let above = source[..line_start].lines().rev().take(REACH);
    for line in above {
        lines.push(line);
        if line.contains(['{', '(']) {
            break;
        }
    }
    let below = source
        .get(line_end..)
        .unwrap_or_default()
        .lines()
        .skip(1)
        .take(REACH);
    for line in below {
        lines.push(line);
        if line.contains(['}', ')']) {
            break;
        }
    }
    lines.iter().any(|line| {
        notebook_string()
            .captures_iter(line)
            .filter_map(|c| c.get(1).or_else(|| c.get(2)))
            .any(|text| secrets.names_a_local_address(text.as_str()))
    })
}

/// A string in a notebook cell's code: `\"...\"` (escaped by the notebook's JSON) or `'...'`.
fn notebook_string() -> &'static Regex {
    static CELL: OnceLock<Regex> = OnceLock::new();
    regex(&CELL, r#"\\"([^"\\\n]*)\\"|'([^'\\\n]*)'"#)
}

/// The base64 data of a notebook's image outputs (`"image/png": "iVBOR…"`, or a list of such
/// strings): about half of a notebook's bytes, in which no key can be read. Only strings made of
/// base64 characters (and escaped line breaks) count.
fn image_payloads(source: &str) -> Vec<Range<usize>> {
    const IMAGES: [&str; 6] = ["png", "jpeg", "jpg", "gif", "webp", "bmp"];
    let bytes = source.as_bytes();
    let skip_blank = |mut at: usize| {
        while bytes.get(at).is_some_and(u8::is_ascii_whitespace) {
            at += 1;
        }
        at
    };
    // A base64 string starting at its opening quote: the range inside the quotes.
    let base64_string = |at: usize| -> Option<Range<usize>> {
        if bytes.get(at) != Some(&b'"') {
            return None;
        }
        let start = at + 1;
        let end = start + memchr::memchr(b'"', &bytes[start..])?;
        let inside = &bytes[start..end];
        // Every backslash escapes a line break (an escaped quote, `\"`, ends no string here).
        let escapes_ok =
            memchr::memchr_iter(b'\\', inside).all(|i| inside.get(i + 1) == Some(&b'n'));
        (escapes_ok && all_base64(inside)).then_some(start..end)
    };
    let mut out: Vec<Range<usize>> = Vec::new();
    for key in memchr::memmem::find_iter(bytes, b"\"image/") {
        let name_start = key + b"\"image/".len();
        let Some(name_len) = bytes[name_start..].iter().take(8).position(|&c| c == b'"') else {
            continue;
        };
        if !IMAGES.contains(&&source[name_start..name_start + name_len]) {
            continue;
        }
        let mut at = skip_blank(name_start + name_len + 1);
        if bytes.get(at) != Some(&b':') {
            continue;
        }
        at = skip_blank(at + 1);
        if bytes.get(at) == Some(&b'[') {
            at = skip_blank(at + 1);
            while let Some(string) = base64_string(at) {
                at = skip_blank(string.end + 1);
                out.push(string);
                if bytes.get(at) != Some(&b',') {
                    break;
                }
                at = skip_blank(at + 1);
            }
        } else if let Some(string) = base64_string(at) {
            out.push(string);
        }
    }
    out
}

/// The parts of `0..len` outside `holes` (sorted, disjoint).
fn between(len: usize, holes: &[Range<usize>]) -> Vec<Range<usize>> {
    let mut out = Vec::with_capacity(holes.len() + 1);
    let mut at = 0;
    for hole in holes {
        if hole.start > at {
            out.push(at..hole.start);
        }
        at = at.max(hole.end);
    }
    if at < len || out.is_empty() {
        out.push(at..len);
    }
    out
}

/// Whether every byte is one of base64's characters or the backslash of an escaped line break
/// (`\n`). Checked without a branch per byte, 64 bytes at a time (so the compiler can vectorise
/// it): a notebook's images are about half its bytes, and each is checked before it is skipped.
fn all_base64(bytes: &[u8]) -> bool {
    bytes.chunks(64).all(|chunk| {
        chunk
            .iter()
            .fold(true, |all, &b| all & (base64_char(b) | (b == b'\\')))
    })
}

/// Whether `b` is one of base64's characters (letters, digits, `+`, `/`, `=`), without a branch.
#[inline(always)]
fn base64_char(b: u8) -> bool {
    let letter = (b | 0x20).wrapping_sub(b'a') < 26;
    let digit = b.wrapping_sub(b'0') < 10;
    letter | digit | (b == b'+') | (b == b'/') | (b == b'=')
}

/// How many of the first bytes are base64's characters: whole chunks of 64 checked as in
/// [`all_base64`], then the first chunk with another byte one byte at a time.
fn base64_run(bytes: &[u8]) -> usize {
    let mut run = 0;
    for chunk in bytes.chunks(64) {
        if chunk.iter().fold(true, |all, &b| all & base64_char(b)) {
            run += chunk.len();
        } else {
            return run + chunk.iter().take_while(|&&b| base64_char(b)).count();
        }
    }
    run
}

/// The payloads of `data:…;base64,` URIs (images that markdown and HTML outputs embed, fonts,
/// audio): encoded files, in which no key can be read, and where a key's shape found by chance
/// would be a false alarm. A payload is the run of base64 characters after the comma.
fn data_uri_payloads(source: &str) -> Vec<Range<usize>> {
    const BASE64: &[u8] = b";base64,";
    let bytes = source.as_bytes();
    let is_type_char = |b: u8| b.is_ascii_alphanumeric() || b"!#$&^_.+-/=;".contains(&b);
    let mut out: Vec<Range<usize>> = Vec::new();
    for at in memchr::memmem::find_iter(bytes, b"data:") {
        let from = at + b"data:".len();
        // The media type and its parameters: a short run of their characters, ending in
        // `;base64,`.
        let window = &bytes[from..bytes.len().min(from + 128)];
        let Some(marker) = memchr::memmem::find(window, BASE64) else {
            continue;
        };
        if !window[..marker].iter().all(|&b| is_type_char(b)) {
            continue;
        }
        let start = from + marker + BASE64.len();
        let end = start + base64_run(&bytes[start..]);
        if end > start && out.last().is_none_or(|last| last.end <= start) {
            out.push(start..end);
        }
    }
    out
}

/// The lines (between line feeds) that hold a hit, merged.
fn hit_lines(source: &str, hits: &[Range<usize>]) -> Vec<Range<usize>> {
    let bytes = source.as_bytes();
    let mut lines: Vec<Range<usize>> = Vec::new();
    for hit in hits {
        if lines.last().is_some_and(|l| hit.start <= l.end) {
            if let Some(last) = lines.last_mut()
                && hit.end > last.end
            {
                last.end =
                    memchr::memchr(b'\n', &bytes[hit.end..]).map_or(bytes.len(), |i| hit.end + i);
            }
            continue;
        }
        let from = lines.last().map_or(0, |l| l.end);
        let start = memchr::memrchr(b'\n', &bytes[from..hit.start]).map_or(from, |i| from + i + 1);
        let end = memchr::memchr(b'\n', &bytes[hit.end..]).map_or(bytes.len(), |i| hit.end + i);
        lines.push(start..end);
    }
    lines
}

/// The stretches of a notebook's text around `hits` that [`notebook_binding`] searches, ordered
/// and apart: each reaches from the byte after a barrier to the next barrier, a barrier being
/// a line break or a backslash not followed by a quote. A binding contains no barrier: its only
/// backslashes are the first halves of escaped quotes (`\"`). So its matches over a line are
/// those over the line's stretches between barriers, and only the stretches with a hit can
/// hold a binding whose name ends with a word. Outputs print objects on lines of 100 kB
/// (`TextNode(id_='…', embedding=[…])`) with an escaped line break every few dozen bytes.
fn binding_spans(source: &str, hits: &[Range<usize>]) -> Vec<Range<usize>> {
    let bytes = source.as_bytes();
    let barrier =
        |i: usize| bytes[i] == b'\n' || (bytes[i] == b'\\' && bytes.get(i + 1) != Some(&b'"'));
    let mut spans: Vec<Range<usize>> = Vec::new();
    for hit in hits {
        if spans
            .last()
            .is_some_and(|s| s.start <= hit.start && hit.end <= s.end)
        {
            continue;
        }
        let mut start = hit.start.min(bytes.len());
        while start > 0 && !barrier(start - 1) {
            start -= 1;
        }
        let mut end = hit.end.min(bytes.len());
        while end < bytes.len() && !barrier(end) {
            end += 1;
        }
        spans.push(start..end);
    }
    spans.sort_by_key(|s| s.start);
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(spans.len());
    for span in spans {
        match merged.last_mut() {
            Some(last) if span.start <= last.end => last.end = last.end.max(span.end),
            _ => merged.push(span),
        }
    }
    merged
}

/// The entries of a file within `spans` (whole lines, or for a notebook [`binding_spans`], in
/// order).
fn entries(source: &str, kind: ConfigKind, spans: &[Range<usize>]) -> Vec<Entry> {
    let mut out = Vec::new();
    match kind {
        ConfigKind::Env | ConfigKind::EnvTemplate => {
            for captures in crate::secrets::captures_within(env_line(), source, spans) {
                let (Some(name), Some(value)) = (captures.get(1), captures.get(2)) else {
                    continue;
                };
                let quoted = value.as_str().starts_with(['"', '\'']) && value.as_str().len() >= 2;
                let range = if quoted {
                    value.start() + 1..value.end() - 1
                } else {
                    value.range()
                };
                out.push(Entry {
                    name: name.range(),
                    value: range,
                    whole: true,
                });
            }
        }
        ConfigKind::Mcp => {
            for captures in crate::secrets::captures_within(json_pair(), source, spans) {
                if let (Some(name), Some(value)) = (captures.get(1), captures.get(2)) {
                    out.push(Entry {
                        name: name.range(),
                        value: value.range(),
                        whole: true,
                    });
                }
            }
        }
        ConfigKind::Notebook => {
            for captures in crate::secrets::captures_within(notebook_binding(), source, spans) {
                let name = captures.get(1);
                let value = captures.get(2).or_else(|| captures.get(3));
                if let (Some(name), Some(value)) = (name, value) {
                    out.push(Entry {
                        name: name.range(),
                        value: value.range(),
                        whole: false,
                    });
                }
            }
        }
    }
    out
}

/// The name of the `NAME=` / `"NAME":` entry a key is the value of, if it is one.
fn entry_name(source: &str, found: &Found) -> Option<String> {
    let line_start = source[..found.range.start].rfind('\n').map_or(0, |i| i + 1);
    let before = source[line_start..found.range.start].trim_end_matches(['"', '\'', ' ']);
    let before = before
        .strip_suffix('=')
        .or_else(|| before.strip_suffix(':'))?;
    let name: String = before
        .trim_end_matches(['"', ' '])
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let valid = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    valid.then(|| crate::rules::secrets::environment_name(&name))
}

/// The key's range when it is the whole value of an `.env` line (`NAME=key`, `NAME="key"`).
fn entry_value(source: &str, key: &Range<usize>) -> Option<Range<usize>> {
    env_line()
        .captures_iter(source)
        .filter_map(|c| c.get(2))
        .find(|v| v.start() <= key.start && key.end <= v.end())
        .and_then(|v| {
            let text = v.as_str();
            let inner = if text.starts_with(['"', '\'']) && text.len() >= 2 {
                v.start() + 1..v.end() - 1
            } else {
                v.range()
            };
            (inner == *key).then_some(inner)
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// One pass over a text finds what the two searches find: the same secrets, and every
        /// occurrence of a name word that a letter or digit does not follow (text made of
        /// keywords, name words, fake keys and filler).
        #[test]
        fn one_pass_finds_what_two_searches_find(picks in proptest::collection::vec(0usize..1000, 0..40)) {
            let secrets = &Knowledge::builtin().secrets;
            let mut pieces: Vec<String> = secrets
                .formats
                .iter()
                .flat_map(|f| f.keywords.iter().cloned())
                .chain(secrets.names.last.iter().cloned())
                .collect();
            pieces.extend(secrets.formats.iter().filter_map(|f| secrets.fake(&f.id, 7)));
            for filler in ["\n", " ", "=", "\"", "_", "x", "KEY", "api_", "Token", ": ", "\r\n", "é"] {
                pieces.push(filler.to_string());
            }
            let text: String = picks.iter().map(|i| pieces[i % pieces.len()].as_str()).collect();
            let (found, names) = secrets.scan_with_names(&text);
            prop_assert_eq!(found, secrets.scan(&text));
            let lower = text.to_ascii_lowercase();
            let mut ending: Vec<Range<usize>> = secrets
                .names
                .last
                .iter()
                .map(String::as_str)
                .chain(["key"])
                .flat_map(|w| lower.match_indices(w).map(|(i, w)| i..i + w.len()).collect::<Vec<_>>())
                .filter(|h| text.as_bytes().get(h.end).is_none_or(|b| !b.is_ascii_alphanumeric()))
                .collect();
            ending.sort_by_key(|h| (h.end, h.start));
            ending.dedup();
            let mut names = names;
            names.sort_by_key(|h| (h.end, h.start));
            prop_assert_eq!(names, ending);
        }

        /// A notebook's bindings of secrets' names, searched for in the stretches around the
        /// words that may end a name, are those searched for on every line with a name word
        /// (text made of names, quotes escaped and not, separators, escaped and real line
        /// breaks, values).
        #[test]
        fn stretches_hold_the_bindings_lines_hold(picks in proptest::collection::vec(0usize..1000, 0..60)) {
            let secrets = &Knowledge::builtin().secrets;
            let pieces = [
                "api_key", "Token", "myPaToken", "GITHUB_PAT", "path", "tokens", "password",
                "x", "_", "9", "é", "\\\"", "'", "\"", "\\", "\\n", "\n", " = ", ": ", "=",
                ":", " ", "\t", "Zq7vN2wRtY8pLm3k", "hunter2hunter2", "abc", "(", ",",
            ];
            let text: String = picks.iter().map(|i| pieces[i % pieces.len()]).collect();
            let bindings = |spans: &[Range<usize>]| -> Vec<(Range<usize>, Range<usize>)> {
                entries(&text, ConfigKind::Notebook, spans)
                    .into_iter()
                    .filter(|e| secrets.names.matches(&text[e.name.clone()]))
                    .map(|e| (e.name, e.value))
                    .collect()
            };
            let (_, hits) = secrets.scan_with_names(&text);
            let spans = binding_spans(&text, &hits);
            prop_assert!(spans.windows(2).all(|w| w[0].end < w[1].start));
            prop_assert_eq!(
                bindings(&spans),
                bindings(&hit_lines(&text, &secrets.name_hits(&text)))
            );
        }
    }

    #[test]
    fn a_binding_is_found_between_escaped_line_breaks_and_not_inside_another_value() {
        let secrets = &Knowledge::builtin().secrets;
        let value = "Zq7vN2wRtY8pLm3k";
        let found = |text: &str| -> Vec<String> {
            let (_, hits) = secrets.scan_with_names(text);
            entries(text, ConfigKind::Notebook, &binding_spans(text, &hits))
                .into_iter()
                .filter(|e| secrets.names.matches(&text[e.name.clone()]))
                .map(|e| format!("{}={}", &text[e.name], &text[e.value]))
                .collect()
        };
        // An output line: a printed object, with escaped line breaks.
        let line = format!(
            "\"Config(path='/tmp', tokens=3)\\n Config(api_key='{value}', secret_path='x')\\n\","
        );
        assert_eq!(found(&line), [format!("api_key={value}")]);
        // A cell's line: `github_pat = "…"`, its quotes escaped.
        let cell = format!("\"github_pat = \\\"{value}\\\"\\n\",");
        assert_eq!(found(&cell), [format!("github_pat={value}")]);
        // A binding inside another binding's value is that value, not a binding.
        let nested = format!("\"note = \\\"token = '{value}'\\\"\\n\",");
        assert_eq!(found(&nested), Vec::<String>::new());
    }

    #[test]
    fn base64_bytes_are_letters_digits_plus_slash_equals_and_backslash() {
        for b in 0..=255u8 {
            let expected = b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'\\');
            assert_eq!(all_base64(&[b]), expected, "{b:#04x}");
            // In a long run too (the chunked path), anywhere in it.
            let mut run = vec![b'A'; 150];
            run[b as usize % 150] = b;
            assert_eq!(all_base64(&run), expected, "{b:#04x} in a run");
            // A run ends at the first byte that is not base64's (the backslash is not).
            let plain = expected && b != b'\\';
            let at = b as usize % 150;
            assert_eq!(base64_run(&run), if plain { 150 } else { at }, "{b:#04x}");
        }
        assert!(all_base64(b""));
        assert_eq!(base64_run(b""), 0);
    }

    #[test]
    fn data_uri_payloads_are_their_base64_runs() {
        let source = "![a](data:image/png;base64,iVBOR+/w==) <img src=\\\"data:image/svg+xml;charset=utf-8;base64,PHN2Zz4=\\\"> data:text/plain,key data:image/png;base64, data:a b;base64,QUJD data:;base64,QUJD";
        let found: Vec<&str> = data_uri_payloads(source)
            .into_iter()
            .map(|r| &source[r])
            .collect();
        assert_eq!(found, ["iVBOR+/w==", "PHN2Zz4=", "QUJD"]);
    }

    #[test]
    fn image_payloads_are_base64_strings_of_image_outputs() {
        let source = r#"{"image/png": "iVBORw0K+/=\nAAAA", "image/gif" : [ "R0lG", "ODlh" ], "image/svg+xml": "PHN2Zz4=", "image/png": "not base64!", "image/jpeg": "unterminated"#;
        let found: Vec<&str> = image_payloads(source)
            .into_iter()
            .map(|r| &source[r])
            .collect();
        assert_eq!(found, ["iVBORw0K+/=\\nAAAA", "R0lG", "ODlh"]);
        assert_eq!(between(10, &[2..4, 4..6, 8..10]), [0..2, 6..8]);
        assert_eq!(between(3, &[]).first(), Some(&(0..3)));
        assert_eq!(between(0, &[]).first(), Some(&(0..0)));
    }

    #[test]
    fn kinds_by_name() {
        let kind = |p: &str| ConfigKind::from_path(Path::new(p));
        assert_eq!(kind(".env"), Some(ConfigKind::Env));
        assert_eq!(kind("app/.env.local"), Some(ConfigKind::Env));
        assert_eq!(kind(".envrc"), Some(ConfigKind::Env));
        assert_eq!(kind("prod.env"), Some(ConfigKind::Env));
        assert_eq!(kind(".env.example"), Some(ConfigKind::EnvTemplate));
        assert_eq!(kind(".env.local.sample"), Some(ConfigKind::EnvTemplate));
        assert_eq!(kind(".cursor/mcp.json"), Some(ConfigKind::Mcp));
        assert_eq!(kind("claude_desktop_config.json"), Some(ConfigKind::Mcp));
        assert_eq!(kind("demo.ipynb"), Some(ConfigKind::Notebook));
        assert_eq!(kind("env.ts"), None);
        assert_eq!(kind(".env.ts"), None);
        assert_eq!(kind("package.json"), None);
        assert_eq!(kind("environment.yml"), None);
        assert_eq!(
            kind(".env"),
            ConfigKind::from_language_id("dotenv", Some(Path::new(".env")))
        );
    }

    #[test]
    fn env_entries_and_their_values() {
        let source = "A=1\nexport B = \"two words\"\nC='x' # note\n# D=4\nE=five#six\nF=\n";
        let found: Vec<(&str, &str)> =
            entries(source, ConfigKind::Env, &between(source.len(), &[]))
                .iter()
                .map(|e| (&source[e.name.clone()], &source[e.value.clone()]))
                .collect();
        assert_eq!(
            found,
            [
                ("A", "1"),
                ("B", "two words"),
                ("C", "x"),
                ("E", "five#six")
            ]
        );
    }

    #[test]
    fn gitignore_patterns() {
        assert_eq!(ignore_pattern(Path::new("/p/.env.local")), ".env.local");
        assert_eq!(
            ignore_pattern(Path::new("/p/.cursor/mcp.json")),
            "**/.cursor/mcp.json"
        );
    }
}
