//! Per-file summaries for the workspace index, and the cross-file part of the capability model:
//! what each function of a file does (through that file's own functions), and which functions of
//! other modules it calls. A tool in one file that calls a helper in another gets the helper's
//! effects, followed through further imports, from these summaries.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use crate::agent::capabilities::{Capabilities, EffectMap, Evidence, Hop};
use crate::diagnostic::Place;
use crate::facts::FileFacts;
use crate::knowledge::Knowledge;
use crate::syntax::{Family, Language, LineIndex, Locator, PositionEncoding};

impl Place {
    /// The columns in a position encoding.
    pub fn columns(&self, encoding: PositionEncoding) -> Range<u32> {
        match encoding {
            PositionEncoding::Utf8 => self.utf8.clone(),
            PositionEncoding::Utf16 => self.utf16.clone(),
            PositionEncoding::Utf32 => self.utf32.clone(),
        }
    }

    /// The file's name for messages (`helpers.py`).
    pub fn file_name(&self) -> String {
        self.path.file_name().map_or_else(
            || self.path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        )
    }
}

/// A function and what it does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FunctionSummary {
    pub name: String,
    /// The class it is a method of.
    pub class: Option<String>,
    /// Its effects through its own calls and this file's functions, with evidence placed in this
    /// file.
    pub effects: EffectMap,
    /// Names of other modules' functions it calls (as resolved in this file), with the chain.
    pub imports: BTreeMap<String, Evidence>,
}

/// What the workspace index keeps for a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileSummary {
    pub path: PathBuf,
    pub language: Language,
    pub functions: Vec<FunctionSummary>,
    /// Where the file sends data to third parties (AL401–AL403), for the project's view.
    pub flows: Vec<SummaryFlow>,
    /// The file serves other people (a web route, a chat UI, a bot: [`crate::privacy::serves`]).
    pub serves: bool,
    /// The file asks the person who runs it for text at a terminal
    /// ([`crate::privacy::asks_at_a_terminal`]).
    pub terminal: bool,
}

/// A flow of a file: its recipient, 1-based line and callee.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SummaryFlow {
    pub recipient: crate::privacy::Recipient,
    pub line: u32,
    pub callee: String,
    pub configured: bool,
    pub adapter: bool,
    pub evident: bool,
    /// The recipient is one the program's authors receive from wherever it runs
    /// ([`crate::privacy::authors_receive`]).
    pub authors: bool,
}

/// Gives every hop of a chain made in `source` its place in `path`. `made` keeps the places
/// made for the file, by call: a call reached by many functions' chains is placed once, and its
/// place shared (a summary's chains hold the same calls many times over).
fn placed(
    chain: &Evidence,
    path: &Path,
    source: &str,
    index: &LineIndex,
    made: &mut HashMap<Range<usize>, Arc<Place>>,
) -> Evidence {
    chain
        .iter()
        .map(|hop| {
            if hop.place.is_some() {
                return hop.clone();
            }
            if let Some(place) = made.get(&hop.range) {
                return Hop {
                    range: hop.range.clone(),
                    callee: hop.callee.clone(),
                    place: Some(place.clone()),
                };
            }
            let line = index.line_of(hop.range.start);
            let line_range = index.line_range(source, line).unwrap_or(0..0);
            let start = hop.range.start.clamp(line_range.start, line_range.end);
            let end = hop.range.end.clamp(start, line_range.end);
            let before = source.get(line_range.start..start).unwrap_or_default();
            let inside = source.get(start..end).unwrap_or_default();
            let column = |s: &str, e: PositionEncoding| u32::try_from(e.len(s)).unwrap_or(u32::MAX);
            let columns = |e: PositionEncoding| {
                let start = column(before, e);
                start..start.saturating_add(column(inside, e))
            };
            let place = Arc::new(Place {
                path: path.to_path_buf(),
                line: u32::try_from(line).unwrap_or(u32::MAX),
                utf8: columns(PositionEncoding::Utf8),
                utf16: columns(PositionEncoding::Utf16),
                utf32: columns(PositionEncoding::Utf32),
                host: source
                    .get(hop.range.clone())
                    .and_then(crate::syntax::url_host),
            });
            made.insert(hop.range.clone(), place.clone());
            Hop {
                range: hop.range.clone(),
                callee: hop.callee.clone(),
                place: Some(place),
            }
        })
        .collect()
}

impl FileSummary {
    /// Summarises a file from its capabilities before imports were added.
    pub fn new(
        path: &Path,
        source: &str,
        facts: &FileFacts,
        language: Language,
        capabilities: &Capabilities,
    ) -> FileSummary {
        let index = LineIndex::new(source);
        let path = normalize(path);
        let mut imports = capabilities.imports(facts, source, language.family());
        let mut made = HashMap::new();
        let mut functions = Vec::with_capacity(facts.functions.len());
        for (i, f) in facts.functions.iter().enumerate() {
            let effects = capabilities
                .of_function(i)
                .iter()
                .map(|(effect, chain)| (*effect, placed(chain, &path, source, &index, &mut made)))
                .collect();
            let imports = std::mem::take(&mut imports[i])
                .into_iter()
                .map(|(name, chain)| (name, placed(&chain, &path, source, &index, &mut made)))
                .collect();
            functions.push(FunctionSummary {
                name: f.name.clone(),
                class: f
                    .class
                    .and_then(|c| facts.classes.get(c))
                    .map(|c| c.name.clone()),
                effects,
                imports,
            });
        }
        FileSummary {
            path,
            language,
            functions,
            flows: Vec::new(),
            serves: false,
            terminal: false,
        }
    }

    /// Summarises a source text.
    pub fn of_source(
        path: &Path,
        source: &str,
        language: Language,
        knowledge: &Knowledge,
    ) -> FileSummary {
        let tree = crate::syntax::parse(source, language);
        let facts = FileFacts::extract(source, &tree, language);
        FileSummary::of_parsed(path, source, &tree, &facts, language, knowledge)
    }

    /// Summarises a parsed file whose facts are known.
    pub fn of_parsed(
        path: &Path,
        source: &str,
        tree: &tree_sitter::Tree,
        facts: &FileFacts,
        language: Language,
        knowledge: &Knowledge,
    ) -> FileSummary {
        let locator = Locator::new(tree);
        let capabilities = Capabilities::compute(source, &locator, language, facts, knowledge);
        let mut summary = FileSummary::new(path, source, facts, language, &capabilities);
        // A library's minified build sends what the library does: not the project's flows.
        let bundled = language.family() == crate::syntax::Family::JavaScript
            && crate::syntax::bundled(path, source);
        let flows = if bundled {
            Vec::new()
        } else {
            crate::privacy::flows(source, &locator, facts, language, knowledge)
        };
        if !flows.is_empty() {
            summary.serves = crate::privacy::serves(path, source, facts, &knowledge.providers);
            summary.terminal = crate::privacy::asks_at_a_terminal(facts, &knowledge.providers);
            let index = LineIndex::new(source);
            summary.flows = flows
                .into_iter()
                .map(|f| SummaryFlow {
                    authors: crate::privacy::authors_receive(&f.recipient, &knowledge.providers),
                    recipient: f.recipient,
                    line: u32::try_from(index.line_of(f.range.start) + 1).unwrap_or(u32::MAX),
                    callee: f.callee,
                    configured: f.configured,
                    adapter: f.adapter,
                    evident: f.evident,
                })
                .collect();
        }
        summary
    }

    /// A top-level function (not a method) by name: the first defined.
    fn function(&self, name: &str) -> Option<&FunctionSummary> {
        self.functions
            .iter()
            .find(|f| f.name == name && f.class.is_none())
    }
}

/// The summaries of the workspace's files, by normalized path (see [`normalize`]).
pub trait Summaries: Sync {
    fn summary(&self, path: &Path) -> Option<Arc<FileSummary>>;

    /// The privacy view of the project `importer` belongs to (its notice and every file's
    /// flows), when the caller knows the project. `None`: unknown, and the privacy rules stay
    /// silent rather than guess.
    fn privacy(&self, importer: &Path) -> Option<Arc<crate::privacy::ProjectPrivacy>> {
        let _ = importer;
        None
    }

    /// A number that changes whenever a summary (or anything else read through this trait)
    /// changes, if the implementation keeps one: then what a document's analysis resolved
    /// through the summaries is kept for its next version while the number stays the same.
    /// `None`: nothing is kept.
    fn generation(&self) -> Option<u64> {
        None
    }
}

impl<S: std::hash::BuildHasher + Sync> Summaries
    for std::collections::HashMap<PathBuf, Arc<FileSummary>, S>
{
    fn summary(&self, path: &Path) -> Option<Arc<FileSummary>> {
        self.get(path).cloned()
    }
}

/// A path without `.` and with `..` applied, lexically (no file system access): the form index
/// keys and lookups share.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if matches!(out.components().next_back(), Some(Component::Normal(_))) {
                    out.pop();
                } else {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// How many files deep imports are followed.
const IMPORT_DEPTH: usize = 4;
/// How many directories up a Python absolute import is looked for.
const PYTHON_ANCESTORS: usize = 8;

/// The files an imported module may be, most likely first.
fn module_candidates(importer: &Path, family: Family, module: &str) -> Vec<PathBuf> {
    let dir = importer.parent().unwrap_or(Path::new(""));
    let mut candidates = Vec::new();
    match family {
        Family::Python => {
            let dots = module.chars().take_while(|c| *c == '.').count();
            let rest: PathBuf = module[dots..]
                .split('.')
                .filter(|p| !p.is_empty())
                .collect();
            let mut push = |base: &Path| {
                if rest.as_os_str().is_empty() {
                    candidates.push(normalize(&base.join("__init__.py")));
                } else {
                    candidates.push(normalize(&base.join(&rest).with_extension("py")));
                    candidates.push(normalize(&base.join(&rest).join("__init__.py")));
                }
            };
            if dots > 0 {
                let mut base = dir.to_path_buf();
                for _ in 1..dots {
                    base.push("..");
                }
                push(&base);
            } else {
                for base in dir.ancestors().take(PYTHON_ANCESTORS) {
                    push(base);
                }
            }
        }
        Family::JavaScript => {
            let base = normalize(&dir.join(module));
            let text = base.to_string_lossy().into_owned();
            let stem = [".js", ".mjs", ".cjs", ".jsx"]
                .into_iter()
                .find_map(|e| text.strip_suffix(e));
            if let Some(stem) = stem {
                // TypeScript's ESM convention: `./helpers.js` is `helpers.ts` before compiling.
                for ext in ["ts", "tsx", "mts", "cts"] {
                    candidates.push(PathBuf::from(format!("{stem}.{ext}")));
                }
            }
            candidates.push(base.clone());
            for ext in ["ts", "tsx", "js", "mjs", "cjs", "jsx", "mts", "cts"] {
                candidates.push(PathBuf::from(format!("{text}.{ext}")));
            }
            for index in ["index.ts", "index.tsx", "index.js"] {
                candidates.push(base.join(index));
            }
        }
    }
    candidates
}

/// The file and function an imported name (`.helpers.upload`, `./helpers.upload`) refers to.
fn resolve_function(
    summaries: &dyn Summaries,
    importer: &Path,
    family: Family,
    resolved: &str,
) -> Option<(Arc<FileSummary>, usize)> {
    let (module, name) = resolved.rsplit_once('.')?;
    let module = if module.is_empty() { "." } else { module };
    for candidate in module_candidates(importer, family, module) {
        if candidate == importer {
            continue;
        }
        if let Some(summary) = summaries.summary(&candidate)
            && summary.language.family() == family
            && let Some(function) = summary.function(name)
        {
            let index = summary
                .functions
                .iter()
                .position(|f| std::ptr::eq(f, function))?;
            return Some((summary, index));
        }
    }
    None
}

/// The effects of the function of another workspace file that `resolved` names, as imported in
/// `importer`, following that file's own imports (a few files deep, each function once).
pub fn imported_effects(
    summaries: &dyn Summaries,
    importer: &Path,
    family: Family,
    resolved: &str,
) -> EffectMap {
    let mut visited = HashSet::new();
    effects_of(
        summaries,
        &normalize(importer),
        family,
        resolved,
        IMPORT_DEPTH,
        &mut visited,
    )
}

fn effects_of(
    summaries: &dyn Summaries,
    importer: &Path,
    family: Family,
    resolved: &str,
    depth: usize,
    visited: &mut HashSet<(PathBuf, usize)>,
) -> EffectMap {
    let mut effects = EffectMap::new();
    if depth == 0 {
        return effects;
    }
    let Some((summary, index)) = resolve_function(summaries, importer, family, resolved) else {
        return effects;
    };
    if !visited.insert((summary.path.clone(), index)) {
        return effects;
    }
    let function = &summary.functions[index];
    effects.extend(function.effects.iter().map(|(e, c)| (*e, c.clone())));
    for (name, chain) in &function.imports {
        for (effect, evidence) in
            effects_of(summaries, &summary.path, family, name, depth - 1, visited)
        {
            effects.entry(effect).or_insert_with(|| {
                let mut full = evidence;
                full.extend(chain.iter().cloned());
                full
            });
        }
    }
    effects
}

/// Resolves imported names for one file, remembering each answer.
pub struct Imports<'a> {
    pub summaries: &'a dyn Summaries,
    pub importer: &'a Path,
}

/// What a document's analysis resolved through the summaries, kept for its next version (see
/// [`Summaries::generation`]).
#[derive(Default)]
pub(crate) struct ImportMemo {
    /// The summaries (their address), their generation, the importer and the language family.
    key: Option<(usize, u64, PathBuf, Family)>,
    /// FxHash: every call of the file with a dotted name is looked up here on every keystroke
    /// (SipHash was 5% of a keystroke's analysis in a workspace).
    answers: rustc_hash::FxHashMap<String, EffectMap>,
}

impl Imports<'_> {
    /// A resolver for [`Capabilities::add_imports`]: [`imported_effects`] for this file,
    /// remembering each answer.
    pub fn resolver(&self, family: Family) -> impl Fn(&str) -> EffectMap + '_ {
        let resolver = self.resolver_keeping(family, ImportMemo::default());
        move |resolved: &str| resolver.resolve(resolved)
    }

    /// A resolver that starts from `memo`'s answers when they were made for the same summaries
    /// at the same generation, for the same file and family.
    pub(crate) fn resolver_keeping(&self, family: Family, memo: ImportMemo) -> Resolver<'_> {
        let key = self.summaries.generation().map(|generation| {
            (
                std::ptr::from_ref(self.summaries).cast::<()>() as usize,
                generation,
                self.importer.to_path_buf(),
                family,
            )
        });
        let answers = if key.is_some() && memo.key == key {
            memo.answers
        } else {
            Default::default()
        };
        Resolver {
            imports: self,
            family,
            key,
            answers: std::sync::Mutex::new(answers),
        }
    }
}

/// See [`Imports::resolver_keeping`].
pub(crate) struct Resolver<'a> {
    imports: &'a Imports<'a>,
    family: Family,
    key: Option<(usize, u64, PathBuf, Family)>,
    answers: std::sync::Mutex<rustc_hash::FxHashMap<String, EffectMap>>,
}

impl Resolver<'_> {
    pub(crate) fn resolve(&self, resolved: &str) -> EffectMap {
        if let Some(known) = self
            .answers
            .lock()
            .ok()
            .and_then(|m| m.get(resolved).cloned())
        {
            return known;
        }
        let imports = self.imports;
        let effects = imported_effects(imports.summaries, imports.importer, self.family, resolved);
        if let Ok(mut m) = self.answers.lock() {
            m.insert(resolved.to_string(), effects.clone());
        }
        effects
    }

    /// The answers, to keep for the next version (only if the summaries have a generation).
    pub(crate) fn into_memo(self) -> ImportMemo {
        ImportMemo {
            answers: if self.key.is_some() {
                self.answers.into_inner().unwrap_or_default()
            } else {
                Default::default()
            },
            key: self.key,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knowledge::Effect;
    use std::collections::HashMap;

    fn summarise(path: &str, source: &str) -> (PathBuf, Arc<FileSummary>) {
        let language = Language::from_path(Path::new(path)).unwrap_or(Language::Python);
        let summary =
            FileSummary::of_source(Path::new(path), source, language, Knowledge::builtin());
        (PathBuf::from(path), Arc::new(summary))
    }

    #[test]
    fn effects_belong_to_the_innermost_function() {
        let (_, summary) = summarise(
            "a.py",
            "def outer(x):\n    def inner(y):\n        return eval(y)\n    return inner\n\nexec(z)\n",
        );
        let effects: Vec<_> = summary
            .functions
            .iter()
            .map(|f| {
                (
                    f.name.as_str(),
                    f.effects.keys().copied().collect::<Vec<_>>(),
                )
            })
            .collect();
        assert_eq!(
            effects,
            vec![("outer", vec![]), ("inner", vec![Effect::CodeEval])]
        );
    }

    #[test]
    fn python_imports_are_followed_across_files_with_places() {
        let index: HashMap<PathBuf, Arc<FileSummary>> = [
            summarise(
                "proj/pkg/net.py",
                "import httpx\n\ndef send(data):\n    httpx.post(\"https://stats.example/c\", json=data)\n",
            ),
            summarise(
                "proj/pkg/helpers.py",
                "from .net import send\n\ndef _prepare(x):\n    return send(x)\n\ndef upload(x):\n    return _prepare(x)\n",
            ),
        ]
        .into_iter()
        .collect();
        for (importer, name) in [
            ("proj/pkg/tools.py", ".helpers.upload"),
            ("proj/pkg/tools.py", "pkg.helpers.upload"),
            ("proj/main.py", "pkg.helpers.upload"),
            ("proj/pkg/sub/t.py", "..helpers.upload"),
        ] {
            let effects = imported_effects(&index, Path::new(importer), Family::Python, name);
            let chain = &effects[&Effect::NetworkSend];
            let steps: Vec<String> = chain
                .iter()
                .map(|h| {
                    let place = h.place.as_ref().unwrap();
                    format!("{}:{}:{}", place.file_name(), place.line + 1, h.callee)
                })
                .collect();
            assert_eq!(
                steps,
                [
                    "net.py:4:httpx.post",
                    "helpers.py:4:send",
                    "helpers.py:7:_prepare"
                ],
                "{importer} {name}"
            );
            let first = chain[0].place.as_ref().unwrap();
            assert_eq!(first.host.as_deref(), Some("stats.example"));
            assert_eq!(first.utf8, 4..first.utf8.end);
        }
        assert!(
            imported_effects(
                &index,
                Path::new("proj/x.py"),
                Family::Python,
                "other.upload"
            )
            .is_empty()
        );
    }

    #[test]
    fn typescript_relative_imports_resolve_with_extensions_and_cycles_end() {
        let index: HashMap<PathBuf, Arc<FileSummary>> = [
            summarise(
                "src/lib/upload.ts",
                "import { again } from \"./cycle\";\nexport async function upload(d: string) {\n  await fetch(\"https://x.example\", { method: \"POST\", body: d });\n  again();\n}\n",
            ),
            summarise(
                "src/lib/cycle.ts",
                "import { upload } from \"./upload.js\";\nexport function again() { upload(\"\"); }\n",
            ),
        ]
        .into_iter()
        .collect();
        for name in [
            "./lib/upload.upload",
            "./lib/upload.js.upload",
            "./lib/cycle.again",
        ] {
            let effects =
                imported_effects(&index, Path::new("src/tools.ts"), Family::JavaScript, name);
            assert!(effects.contains_key(&Effect::NetworkSend), "{name}");
        }
    }

    #[test]
    fn normalize_is_lexical() {
        assert_eq!(
            normalize(Path::new("./a/b/../c.py")),
            PathBuf::from("a/c.py")
        );
        assert_eq!(normalize(Path::new("../x")), PathBuf::from("../x"));
    }
}
