//! What code really does: the effects of each function (network, files, processes, credentials,
//! databases), from the sinks in `rules/data/sinks.toml`, propagated through the calls a file
//! makes to its own functions and methods, to a fixpoint, with the chain of calls as evidence.

use crate::syntax::Fields as _;
use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;

use tree_sitter::Node;

use crate::diagnostic::Place;
use crate::facts::{Argument, Binding, Call, FileFacts};
use crate::knowledge::{ArgumentSpec, Condition, Effect, Knowledge, Sink};
use crate::syntax::{Family, Language, Locator, node_text, preorder};

/// One step of the evidence for an effect.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hop {
    /// The call.
    pub range: Range<usize>,
    /// What is called, as written.
    pub callee: Arc<str>,
    /// Where the call is when it is in another file of the workspace (then `range` is an offset
    /// into that file's text, not this one's).
    pub place: Option<Arc<Place>>,
}

impl Hop {
    fn local(call: &Call, source: &str) -> Hop {
        Hop {
            range: call.range.clone(),
            callee: label(call, source).into(),
            place: None,
        }
    }
}

/// How a function comes to have an effect: `hops[0]` is the call that has it (`httpx.post`), each
/// next hop the call that reaches the previous one's function, the last one made by the function
/// itself.
pub type Evidence = Vec<Hop>;

/// Effects with their evidence.
pub type EffectMap = BTreeMap<Effect, Evidence>;

/// The constant text inside an expression: every string literal's content, joined by `/`.
fn constant_text(node: Node<'_>, source: &str) -> String {
    let mut parts = Vec::new();
    for n in preorder(node).take(256) {
        if matches!(n.kind(), "string_content" | "string_fragment") {
            parts.push(node_text(n, source));
        }
    }
    parts.join("/")
}

/// The content of the argument a condition looks at, when it is a plain string literal (`"w"`,
/// `'a'`): no prefix, escape, interpolation or concatenation.
fn plain_string_argument<'s>(
    call: &Call,
    condition: &Condition,
    source: &'s str,
) -> Option<&'s str> {
    let text = argument_text(call, condition, source)?;
    let quote = text.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let inner = text.strip_prefix(quote)?.strip_suffix(quote)?;
    (!inner.contains(['"', '\'', '\\', '\n', '{', '$', '`'])).then_some(inner)
}

/// The argument a condition looks at: by keyword when the call has it, else by position; and
/// whether it was found by keyword.
fn selected_argument<'c>(call: &'c Call, condition: &Condition) -> Option<(&'c Argument, bool)> {
    let by_keyword = condition.keyword.as_deref().and_then(|k| {
        call.arguments
            .iter()
            .find(|a| a.keyword.as_deref() == Some(k))
    });
    if let Some(argument) = by_keyword {
        return Some((argument, true));
    }
    let (n, _) = condition.argument.as_ref()?;
    call.arguments
        .iter()
        .filter(|a| a.keyword.is_none())
        .nth(*n)
        .map(|a| (a, false))
}

/// The text of the argument a condition looks at (for a keyword argument, its value).
fn argument_text<'s>(call: &Call, condition: &Condition, source: &'s str) -> Option<&'s str> {
    let (argument, _) = selected_argument(call, condition)?;
    let text = source.get(argument.range.clone())?;
    // A keyword argument's range may cover `mode="w"`.
    let text = match argument.keyword.as_deref() {
        Some(keyword) => text
            .strip_prefix(keyword)
            .map(|rest| {
                rest.trim_start()
                    .trim_start_matches(['=', ':'])
                    .trim_start()
            })
            .unwrap_or(text),
        None => text,
    };
    Some(text.trim())
}

/// Whether a text is a name or a chain of attribute accesses (`os.environ`, `env`): the only
/// expressions a `resolves` condition can match.
fn is_name_chain(text: &str) -> bool {
    !text.is_empty()
        && text.split('.').all(|part| {
            let part = part.trim();
            part.chars()
                .next()
                .is_some_and(|c| c.is_alphabetic() || c == '_' || c == '$')
                && part
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '$')
        })
}

/// The argument a condition looks at.
fn condition_argument<'t>(
    call: &Call,
    condition: &Condition,
    locator: &Locator<'t>,
    source: &str,
) -> Option<Node<'t>> {
    let (argument, by_keyword) = selected_argument(call, condition)?;
    let node = locator.node_at(&argument.range)?;
    match condition
        .argument
        .as_ref()
        .and_then(|(_, property)| property.as_deref())
    {
        Some(key) if !by_keyword => {
            if node.kind() != "object" {
                return None;
            }
            let mut cursor = node.walk();
            node.named_children(&mut cursor).find_map(|pair| {
                let k = pair.field("key")?;
                (node_text(k, source).trim_matches(|c| c == '"' || c == '\'') == key)
                    .then(|| pair.field("value"))
                    .flatten()
            })
        }
        _ => Some(node),
    }
}

/// Whether a sink's condition holds for a call.
pub fn condition_holds(
    call: &Call,
    condition: &Condition,
    source: &str,
    locator: &Locator<'_>,
    facts: &FileFacts,
    family: Family,
) -> bool {
    // A plain string literal argument (`open(p, "w")`, `mode="a"`) is read from the text: no
    // syntax lookup for the most common condition.
    if let Some(pattern) = &condition.pattern
        && condition
            .argument
            .as_ref()
            .is_none_or(|(_, property)| property.is_none())
        && let Some(text) = plain_string_argument(call, condition, source)
    {
        return pattern.is_match(text);
    }
    // `json.dumps({...})` cannot be `json.dumps(os.environ)`: only a name can resolve.
    if condition.pattern.is_none()
        && condition
            .argument
            .as_ref()
            .is_none_or(|(_, property)| property.is_none())
        && argument_text(call, condition, source).is_some_and(|text| !is_name_chain(text))
    {
        return false;
    }
    condition_argument(call, condition, locator, source).is_some_and(|node| {
        match &condition.pattern {
            Some(pattern) => pattern.is_match(&constant_text(node, source)),
            None => facts
                .resolve_in(node, source, family)
                .is_some_and(|name| condition.resolves.contains(&name)),
        }
    })
}

/// The effects a call has by itself, conditions evaluated.
pub fn call_effects(
    call: &Call,
    source: &str,
    locator: &Locator<'_>,
    facts: &FileFacts,
    family: Family,
    knowledge: &Knowledge,
) -> Vec<Effect> {
    let Some(resolved) = call.resolved.as_deref() else {
        return Vec::new();
    };
    let mut effects = Vec::new();
    for sink in knowledge.sinks_for(family, resolved) {
        let holds = |condition: &Condition| {
            condition_holds(call, condition, source, locator, facts, family)
        };
        if !sink.capability || sink.unless.as_ref().is_some_and(holds) {
            continue;
        }
        let effect = match &sink.when {
            None => Some(sink.effect),
            Some(condition) if holds(condition) => Some(sink.effect),
            Some(_) => sink.otherwise,
        };
        let scratch = || {
            knowledge.scratch.get(&family).is_some_and(|scratch| {
                Scratch {
                    scratch,
                    facts,
                    locator,
                    source,
                    assignments: std::cell::OnceCell::new(),
                }
                .call(call, sink)
            })
        };
        // A process confined by a sandbox (`bwrap ...`, `docker run ...`) is not this machine's.
        let sandboxed = || {
            super::command::Command::of(call, sink, source, locator, facts, family, knowledge)
                .sandbox(source, facts, locator, family, knowledge)
                .is_some()
        };
        if let Some(effect) = effect
            && !effects.contains(&effect)
            && !(matches!(effect, Effect::FsWrite | Effect::FsDelete) && scratch())
            && !(effect == Effect::Process && sandboxed())
        {
            effects.push(effect);
        }
    }
    effects
}

/// How many assignments deep a temporary path is followed (`p = f.name` after
/// `with tempfile.NamedTemporaryFile() as f`).
const SCRATCH_DEPTH: usize = 3;

/// Whether a file write or delete works on a temporary path the code made itself.
struct Scratch<'a, 't> {
    scratch: &'a crate::knowledge::Scratch,
    facts: &'a FileFacts,
    locator: &'a Locator<'t>,
    source: &'a str,
    /// The enclosing function's assignments, listed once for every level of the search.
    assignments: std::cell::OnceCell<Vec<(Node<'t>, Node<'t>)>>,
}

impl<'t> Scratch<'_, 't> {
    fn call(&self, call: &Call, sink: &Sink) -> bool {
        let target = if sink.call.contains('#') {
            // A method (`Path#unlink`): the path is the object.
            self.locator
                .node_at(&call.callee_range)
                .and_then(|callee| callee.field("object"))
        } else {
            let positional = match sink.argument {
                ArgumentSpec::Position(n) => {
                    call.arguments.iter().filter(|a| a.keyword.is_none()).nth(n)
                }
                ArgumentSpec::Any(_) => None,
            };
            positional
                .or_else(|| {
                    let keyword = sink.keyword.as_deref()?;
                    call.arguments
                        .iter()
                        .find(|a| a.keyword.as_deref() == Some(keyword))
                })
                .and_then(|a| self.locator.node_at(&a.range))
        };
        let Some(target) = target else {
            return false;
        };
        // The enclosing function (arrow functions included), whose assignments are followed.
        let function = self.locator.enclosing_function(target);
        self.value(target, function, SCRATCH_DEPTH)
    }

    /// Whether an expression is a temporary path: a constant one, one made by a scratch call, or
    /// a name the enclosing function assigns one to.
    fn value(&self, node: Node<'t>, function: Option<Node<'t>>, depth: usize) -> bool {
        let text = constant_text(node, self.source);
        if self.scratch.paths.iter().any(|p| p.is_match(&text)) {
            return true;
        }
        let range = node.start_byte()..node.end_byte();
        let first = self
            .facts
            .calls
            .partition_point(|c| c.range.start < range.start);
        let made = self.facts.calls[first..]
            .iter()
            .take_while(|c| c.range.start < range.end)
            .any(|c| {
                c.resolved
                    .as_deref()
                    .is_some_and(|r| self.scratch.calls.contains(r))
            });
        if made {
            return true;
        }
        let Some(function) = function.filter(|_| depth > 0) else {
            return false;
        };
        let names: Vec<&str> = preorder(node)
            .take(64)
            .filter(|n| n.kind() == "identifier")
            .map(|n| node_text(n, self.source))
            .collect();
        if names.is_empty() {
            return false;
        }
        // (Every level of the search is in the same function.)
        let assignments = self
            .assignments
            .get_or_init(|| crate::syntax::assignments(function, 8192).collect());
        for &(target, value) in assignments {
            let assigns = preorder(target)
                .take(32)
                .any(|t| t.kind() == "identifier" && names.contains(&node_text(t, self.source)));
            if assigns && self.value(value, Some(function), depth - 1) {
                return true;
            }
        }
        false
    }
}

/// What a call calls, as written, its arguments left out (`helper`, `Git().log`,
/// `OpenAI(…).chat.completions.create`): labels travel into other files' findings, where a
/// literal among the arguments (a key, a URL with a password) is not that file's to mask.
fn label(call: &Call, source: &str) -> String {
    call.callee.clone().unwrap_or_else(|| {
        crate::syntax::excerpt(
            &without_arguments(source.get(call.callee_range.clone()).unwrap_or_default()),
            40,
        )
    })
}

/// `text` with what is between brackets replaced by `…` (`f(x)[0]` → `f(…)[…]`; `f()` stays).
fn without_arguments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut depth = 0usize;
    let mut skipped = false;
    for c in text.chars() {
        match c {
            '(' | '[' | '{' => {
                if depth == 0 {
                    out.push(c);
                    skipped = false;
                }
                depth += 1;
            }
            ')' | ']' | '}' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    if skipped {
                        out.push('…');
                    }
                    out.push(c);
                }
            }
            _ if depth > 0 => skipped |= !c.is_whitespace(),
            _ => out.push(c),
        }
    }
    out
}

/// The previous version's calls' own effects, how the file changed since, and the names the
/// change bound to other values (see `Capabilities::compute_reusing`).
pub(crate) type PreviousEffects<'a> = (&'a [Vec<Effect>], &'a crate::facts::Splice, &'a [String]);

/// The effects of every function of a file.
pub struct Capabilities {
    /// The file's calls are in source order (they are: a preorder walk), so a range's calls are
    /// found by binary search.
    calls_sorted: bool,
    functions: Vec<EffectMap>,
    /// For each call: the function of this file it calls, if any.
    targets: Vec<Option<usize>>,
    /// For each call: the innermost function containing it.
    owners: Vec<Option<usize>>,
    /// For each call: its own effects.
    direct: Vec<Vec<Effect>>,
    /// For each call: the effects of the function of another file it calls (see
    /// [`Capabilities::add_imports`]).
    imported: Vec<EffectMap>,
    /// For each function: the calls it makes itself.
    calls_of: Vec<Vec<usize>>,
    /// Whether the spread reached its fixpoint (it stops after 64 rounds): then a function's
    /// effects are exactly those of the calls it reaches.
    complete: bool,
}

/// How many imported names one function keeps (a bound on summaries of huge functions).
const IMPORTS_PER_FUNCTION: usize = 64;

/// Whether a resolved name may be a function of another file of the workspace: a relative
/// module in TypeScript/JavaScript, any dotted name in Python.
fn may_be_workspace_function(family: Family, resolved: &str) -> bool {
    match family {
        Family::Python => resolved.contains('.'),
        Family::JavaScript => {
            (resolved.starts_with("./") || resolved.starts_with("../"))
                && resolved
                    .rsplit_once('.')
                    .is_some_and(|(_, name)| !name.contains('/'))
        }
    }
}

/// Whether a function's decorators make it run in a sandbox somewhere else.
fn runs_remotely(
    function: &crate::facts::FunctionDef,
    family: Family,
    knowledge: &Knowledge,
) -> bool {
    function.decorators.iter().any(|d| {
        d.resolved.as_deref().is_some_and(|r| {
            knowledge.sandboxes.iter().any(|s| {
                s.family.is_none_or(|f| f == family) && s.decorators.iter().any(|x| x == r)
            })
        })
    })
}

/// A process a tool's code starts: the call, and how the tool reaches the function it is in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProcessUse {
    /// Index in the file's calls of the call that starts it, or that reaches a function of
    /// another file that does.
    pub call: usize,
    /// The calls from the tool's code down to the function the call is in (empty when the call
    /// is in the tool's own code), outermost first.
    pub via: Vec<Hop>,
    /// When the process is started in another file: the evidence there.
    pub imported: Option<Evidence>,
}

/// For each function, its calls (given each call's function), each list allocated once at its
/// size (pushed one by one, they grew a thousand times per keystroke on 5,000 lines).
fn calls_of(owners: &[Option<usize>], functions: usize) -> Vec<Vec<usize>> {
    let mut counts = vec![0usize; functions];
    for owner in owners.iter().flatten() {
        counts[*owner] += 1;
    }
    let mut calls_of: Vec<Vec<usize>> = counts.into_iter().map(Vec::with_capacity).collect();
    for (i, owner) in owners.iter().enumerate() {
        if let Some(owner) = owner {
            calls_of[*owner].push(i);
        }
    }
    calls_of
}

/// For each call, the innermost function containing it.
fn owners(facts: &FileFacts) -> Vec<Option<usize>> {
    let mut order: Vec<usize> = (0..facts.functions.len()).collect();
    order.sort_by_key(|&i| {
        (
            facts.functions[i].range.start,
            std::cmp::Reverse(facts.functions[i].range.end),
        )
    });
    let mut calls: Vec<usize> = (0..facts.calls.len()).collect();
    calls.sort_by_key(|&i| facts.calls[i].range.start);
    let mut owners = vec![None; facts.calls.len()];
    let mut open: Vec<usize> = Vec::new();
    let mut next = 0;
    for call in calls {
        let at = facts.calls[call].range.start;
        while next < order.len() && facts.functions[order[next]].range.start <= at {
            let f = order[next];
            while open
                .last()
                .is_some_and(|&o| facts.functions[o].range.end <= facts.functions[f].range.start)
            {
                open.pop();
            }
            open.push(f);
            next += 1;
        }
        while open
            .last()
            .is_some_and(|&o| facts.functions[o].range.end <= at)
        {
            open.pop();
        }
        owners[call] = open.last().copied();
    }
    owners
}

impl Capabilities {
    pub fn compute(
        source: &str,
        locator: &Locator<'_>,
        language: Language,
        facts: &FileFacts,
        knowledge: &Knowledge,
    ) -> Capabilities {
        Self::compute_reusing(
            source,
            locator,
            language,
            facts,
            knowledge,
            None,
            &mut Vec::new(),
        )
    }

    /// [`Capabilities::compute`], taking the own effects of calls in unchanged statements from
    /// the previous version (`previous`: its calls' own effects and how the file changed since;
    /// only when names resolve and constants read as they did). `own` receives this version's,
    /// for the next.
    pub(crate) fn compute_reusing(
        source: &str,
        locator: &Locator<'_>,
        language: Language,
        facts: &FileFacts,
        knowledge: &Knowledge,
        previous: Option<PreviousEffects<'_>>,
        own: &mut Vec<Vec<Effect>>,
    ) -> Capabilities {
        let family = language.family();
        let owners = owners(facts);
        *own = facts
            .calls
            .iter()
            .enumerate()
            .map(|(i, call)| {
                // A call that mentions a name bound to another value may read it (a command
                // built from a constant).
                if let Some((old, splice, revalued)) = previous
                    && let Some(effects) = splice.calls.back(i).and_then(|j| old.get(j))
                    && (revalued.is_empty()
                        || !crate::facts::mentions_any(
                            source.get(call.range.clone()).unwrap_or_default(),
                            revalued,
                        ))
                {
                    return effects.clone();
                }
                call_effects(call, source, locator, facts, family, knowledge)
            })
            .collect();
        let mut direct = own.clone();
        // Processes started by a function that runs in a sandbox (a Modal function).
        for (i, owner) in owners.iter().enumerate() {
            if let Some(owner) = owner
                && direct[i].contains(&Effect::Process)
                && runs_remotely(&facts.functions[*owner], family, knowledge)
            {
                direct[i].retain(|e| *e != Effect::Process);
            }
        }
        let index = FunctionIndex::new(facts);
        let targets: Vec<Option<usize>> = facts
            .calls
            .iter()
            .zip(&owners)
            .map(|(call, owner)| local_target(call, *owner, facts, &index, locator, source))
            .collect();
        let mut functions: Vec<EffectMap> = vec![EffectMap::new(); facts.functions.len()];
        for (i, call) in facts.calls.iter().enumerate() {
            let Some(owner) = owners[i] else {
                continue;
            };
            for effect in &direct[i] {
                functions[owner]
                    .entry(*effect)
                    .or_insert_with(|| vec![Hop::local(call, source)]);
            }
        }
        let calls_of = calls_of(&owners, facts.functions.len());
        let mut capabilities = Capabilities {
            calls_sorted: facts.calls.is_sorted_by_key(|c| c.range.start),
            functions,
            targets,
            owners,
            direct,
            imported: vec![EffectMap::new(); facts.calls.len()],
            calls_of,
            complete: false,
        };
        capabilities.propagate(facts, source);
        capabilities
    }

    /// Spreads effects from called functions to their callers until nothing changes.
    fn propagate(&mut self, facts: &FileFacts, source: &str) {
        self.complete = false;
        for _ in 0..=facts.functions.len().min(64) {
            let mut changed = false;
            for (i, call) in facts.calls.iter().enumerate() {
                let (Some(owner), Some(target)) = (self.owners[i], self.targets[i]) else {
                    continue;
                };
                if owner == target {
                    continue;
                }
                let chain = |evidence: &Evidence| {
                    let mut chain = evidence.clone();
                    chain.push(Hop::local(call, source));
                    chain
                };
                let inherited: Vec<(Effect, Evidence)> = self.functions[target]
                    .iter()
                    .filter(|(effect, _)| !self.functions[owner].contains_key(effect))
                    .map(|(effect, evidence)| (*effect, chain(evidence)))
                    .collect();
                for (effect, evidence) in inherited {
                    self.functions[owner].insert(effect, evidence);
                    changed = true;
                }
            }
            if !changed {
                self.complete = true;
                break;
            }
        }
    }

    /// Adds what the functions of other files that this file's calls reach do: `resolve` gives
    /// the effects of an imported name (with evidence in the other files), and they spread to
    /// every caller.
    pub fn add_imports(
        &mut self,
        facts: &FileFacts,
        source: &str,
        family: Family,
        resolve: &dyn Fn(&str) -> EffectMap,
    ) -> bool {
        let mut any = false;
        for (i, call) in facts.calls.iter().enumerate() {
            let Some(resolved) = call.resolved.as_deref() else {
                continue;
            };
            if self.targets[i].is_some()
                || !self.direct[i].is_empty()
                || !may_be_workspace_function(family, resolved)
            {
                continue;
            }
            let effects = resolve(resolved);
            if effects.is_empty() {
                continue;
            }
            any = true;
            if let Some(owner) = self.owners[i] {
                for (effect, evidence) in &effects {
                    self.functions[owner].entry(*effect).or_insert_with(|| {
                        let mut chain = evidence.clone();
                        chain.push(Hop::local(call, source));
                        chain
                    });
                }
            }
            self.imported[i] = effects;
        }
        if any {
            self.propagate(facts, source);
        }
        any
    }

    /// For each function, the functions of other modules it calls itself or through this
    /// file's functions (the names they resolve to), with the chain that reaches each call: what
    /// a summary needs to follow imports across files.
    pub fn imports(
        &self,
        facts: &FileFacts,
        source: &str,
        family: Family,
    ) -> Vec<BTreeMap<String, Evidence>> {
        let calls_of = calls_of(&self.owners, facts.functions.len());
        let imported = |i: usize| {
            let resolved = facts.calls[i].resolved.as_deref()?;
            (self.targets[i].is_none()
                && self.direct[i].is_empty()
                && may_be_workspace_function(family, resolved))
            .then_some(resolved)
        };
        // Only functions that import something, or call one that does, have any.
        let mut any: Vec<bool> = calls_of
            .iter()
            .map(|calls| calls.iter().any(|&i| imported(i).is_some()))
            .collect();
        for _ in 0..=facts.functions.len().min(64) {
            let mut changed = false;
            for (i, target) in self.targets.iter().enumerate() {
                if let (Some(owner), Some(target)) = (self.owners[i], target)
                    && any[*target]
                    && !any[owner]
                {
                    any[owner] = true;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        (0..facts.functions.len())
            .map(|start| {
                let mut names: BTreeMap<String, Evidence> = BTreeMap::new();
                if !any[start] {
                    return names;
                }
                // Breadth first, so each name keeps its shortest chain.
                let mut visited = vec![false; facts.functions.len()];
                visited[start] = true;
                let mut queue = std::collections::VecDeque::from([(start, Vec::<Hop>::new())]);
                while let Some((function, path)) = queue.pop_front() {
                    for &i in &calls_of[function] {
                        let step = || {
                            // `path` runs from `start` down; evidence runs from the call up.
                            let mut chain = vec![Hop::local(&facts.calls[i], source)];
                            chain.extend(path.iter().rev().cloned());
                            chain
                        };
                        if let Some(name) = imported(i) {
                            if names.len() < IMPORTS_PER_FUNCTION && !names.contains_key(name) {
                                names.insert(name.to_string(), step());
                            }
                        } else if let Some(target) = self.targets[i]
                            && any[target]
                            && !visited[target]
                        {
                            visited[target] = true;
                            let mut next = path.clone();
                            next.push(Hop::local(&facts.calls[i], source));
                            queue.push_back((target, next));
                        }
                    }
                }
                names
            })
            .collect()
    }

    /// The processes code starts: the calls of `function` (or, for an inline handler, the calls
    /// in `range`), and of every function of this file they reach, that start one (themselves or
    /// in another file).
    pub fn processes(
        &self,
        function: Option<usize>,
        range: Option<&Range<usize>>,
        facts: &FileFacts,
        source: &str,
        handler_effects: Option<&EffectMap>,
    ) -> Vec<ProcessUse> {
        // Code whose effects (complete) hold no process reaches no call that starts one: most
        // tools, found without the walk. A function's effects are its map; an inline handler's,
        // those of the calls inside it ([`Capabilities::of_range`], the same calls when they are
        // in source order).
        let effects = match (function, range) {
            (Some(f), _) if f < facts.functions.len() => self.functions.get(f),
            (_, Some(_)) => handler_effects.filter(|_| self.calls_sorted),
            _ => None,
        };
        if self.complete && effects.is_some_and(|e| !e.contains_key(&Effect::Process)) {
            return Vec::new();
        }
        let calls_of = &self.calls_of;
        let mut visited = vec![false; facts.functions.len()];
        let mut queue: std::collections::VecDeque<(Vec<usize>, Vec<Hop>)> = Default::default();
        match (function, range) {
            (Some(f), _) if f < visited.len() => {
                visited[f] = true;
                queue.push_back((calls_of[f].clone(), Vec::new()));
            }
            (_, Some(range)) => {
                // Calls are in source order.
                let first = facts.calls.partition_point(|c| c.range.start < range.start);
                let inside = (first..facts.calls.len())
                    .take_while(|&i| facts.calls[i].range.start < range.end)
                    .filter(|&i| facts.calls[i].range.end <= range.end)
                    .collect();
                queue.push_back((inside, Vec::new()));
            }
            _ => {}
        }
        let mut found = Vec::new();
        while let Some((calls, via)) = queue.pop_front() {
            for i in calls {
                if self.direct[i].contains(&Effect::Process) {
                    found.push(ProcessUse {
                        call: i,
                        via: via.clone(),
                        imported: None,
                    });
                } else if let Some(evidence) = self.imported[i].get(&Effect::Process) {
                    found.push(ProcessUse {
                        call: i,
                        via: via.clone(),
                        imported: Some(evidence.clone()),
                    });
                }
                if let Some(target) = self.targets[i]
                    && !visited[target]
                {
                    visited[target] = true;
                    let mut next = via.clone();
                    next.push(Hop::local(&facts.calls[i], source));
                    queue.push_back((calls_of[target].clone(), next));
                }
            }
        }
        found.sort_by_key(|p| p.call);
        found.dedup_by_key(|p| p.call);
        found
    }

    /// The previous version's capabilities for this version, when the change only moved the
    /// facts (`FactsCache::moved_only`) and left every call's own effects as they were: the
    /// same calls reach the same functions with the same effects, so only the places in the
    /// evidence move. `None` when a place cannot be moved. Only capabilities without effects
    /// of other files are kept (those are added again: see [`Capabilities::add_imports`]).
    pub(crate) fn moved(
        mut self,
        change: &crate::syntax::change::TextMove,
        calls: usize,
        functions: usize,
    ) -> Option<Capabilities> {
        if self.direct.len() != calls
            || self.functions.len() != functions
            || self.imported.iter().any(|m| !m.is_empty())
        {
            return None;
        }
        for map in &mut self.functions {
            for evidence in map.values_mut() {
                for hop in evidence {
                    // A hop in another file keeps its place.
                    if hop.place.is_none() {
                        hop.range = change.range(&hop.range)?;
                    }
                }
            }
        }
        Some(self)
    }

    /// Whether the calls `calls` (of a changed statement whose names may be bound to other
    /// values) reach the functions of this file they reached.
    pub(crate) fn reaches_as_before(
        &self,
        calls: Range<usize>,
        facts: &FileFacts,
        locator: &Locator<'_>,
        source: &str,
    ) -> bool {
        let index = FunctionIndex::new(facts);
        calls.into_iter().all(|i| {
            facts.calls.get(i).is_some_and(|call| {
                local_target(call, self.owners[i], facts, &index, locator, source)
                    == self.targets[i]
            })
        })
    }

    pub fn of_function(&self, function: usize) -> &EffectMap {
        static EMPTY: EffectMap = EffectMap::new();
        self.functions.get(function).unwrap_or(&EMPTY)
    }

    /// The effects of code in `range` (an inline handler): its calls and what they reach.
    pub fn of_range(&self, range: &Range<usize>, facts: &FileFacts, source: &str) -> EffectMap {
        let mut effects = EffectMap::new();
        // Calls are in source order (a preorder walk): start at the first one in the range.
        let sorted = self.calls_sorted;
        let first = if sorted {
            facts.calls.partition_point(|c| c.range.start < range.start)
        } else {
            0
        };
        for (i, call) in facts.calls.iter().enumerate().skip(first) {
            if sorted && call.range.start >= range.end {
                break;
            }
            if !(range.start <= call.range.start && call.range.end <= range.end) {
                continue;
            }
            let hop = || Hop::local(call, source);
            for effect in &self.direct[i] {
                effects.entry(*effect).or_insert_with(|| vec![hop()]);
            }
            let reached = self.targets[i]
                .map(|target| &self.functions[target])
                .into_iter()
                .chain([&self.imported[i]]);
            for map in reached {
                for (effect, evidence) in map {
                    effects.entry(*effect).or_insert_with(|| {
                        let mut chain = evidence.clone();
                        chain.push(hop());
                        chain
                    });
                }
            }
        }
        effects
    }
}

/// The functions of a file by name, so that finding what a call reaches does not scan them all
/// for every call.
struct FunctionIndex<'f> {
    /// Functions that are not methods, by name, in source order.
    plain: rustc_hash::FxHashMap<&'f str, Vec<usize>>,
    /// Methods by (class, name), the first defined.
    methods: rustc_hash::FxHashMap<(usize, &'f str), usize>,
}

impl<'f> FunctionIndex<'f> {
    fn new(facts: &'f FileFacts) -> Self {
        let mut plain: rustc_hash::FxHashMap<&str, Vec<usize>> = Default::default();
        let mut methods: rustc_hash::FxHashMap<(usize, &str), usize> = Default::default();
        for (i, f) in facts.functions.iter().enumerate() {
            match f.class {
                None => plain.entry(f.name.as_str()).or_default().push(i),
                Some(class) => {
                    methods.entry((class, f.name.as_str())).or_insert(i);
                }
            }
        }
        Self { plain, methods }
    }

    fn plain(&self, name: &str) -> &[usize] {
        self.plain.get(name).map_or(&[], Vec::as_slice)
    }

    fn method(&self, class: usize, name: &str) -> Option<usize> {
        self.methods.get(&(class, name)).copied()
    }
}

/// The function of this file a call reaches: a function by name, `self.method()` /
/// `this.method()` in a method, `Class.method()`, or `obj.method()` on an object of a class of
/// this file.
fn local_target(
    call: &Call,
    owner: Option<usize>,
    facts: &FileFacts,
    index: &FunctionIndex<'_>,
    locator: &Locator<'_>,
    source: &str,
) -> Option<usize> {
    let Some(callee) = call.callee.as_deref() else {
        // Only `Helper(...).method(...)` can reach one: no parenthesis, no lookup.
        let written = source.get(call.callee_range.clone())?;
        if !written.contains('(') || facts.classes.is_empty() {
            return None;
        }
        return constructed_method(call, facts, locator, source);
    };
    // `name` or `object.method` (no allocation: this runs for every call on every keystroke).
    let (root, method) = match callee.split_once('.') {
        None => (callee, None),
        Some((root, method)) if !method.contains('.') => (root, Some(method)),
        Some(_) => return None,
    };
    let functions = &facts.functions;
    match method {
        None => {
            // Imported or builtin names are not this file's functions.
            if call.resolved.is_some()
                && facts
                    .bindings
                    .of(root)
                    .iter()
                    .all(|b| !matches!(b, Binding::Local))
            {
                return None;
            }
            // The nearest definition: nested in the caller first, then at the top level.
            let candidates = index.plain(root).iter().map(|&i| (i, &functions[i]));
            let containing = owner.map(|o| functions[o].range.clone());
            candidates
                .clone()
                .filter(|(_, f)| {
                    containing
                        .as_ref()
                        .is_some_and(|c| c.contains(&f.range.start))
                })
                .min_by_key(|(_, f)| f.range.len())
                .or_else(|| candidates.min_by_key(|(_, f)| f.range.start))
                .map(|(i, _)| i)
        }
        Some(method) => {
            let class = if matches!(root, "self" | "cls" | "this") {
                owner.and_then(|o| functions[o].class)
            } else if let Some(index) = facts.classes.iter().position(|c| c.name == root) {
                Some(index)
            } else {
                // `obj = Helper(...)` / `new Helper()`: the class of this file it was made from,
                // read from the text (a tree lookup per call is slow in large files).
                let value = facts.bindings.single_value(root)?;
                // `const helpers = { track(d) {...} }`: a method of an object literal.
                if let Some(&inside) = index.plain(method).iter().find(|&&i| {
                    let f = &functions[i];
                    value.start <= f.range.start && f.range.end <= value.end
                }) {
                    return Some(inside);
                }
                let text = source.get(value)?.trim_start();
                let text = text.strip_prefix("new ").unwrap_or(text).trim_start();
                let name = text.split('(').next()?.trim();
                if name.is_empty() || name.len() == text.len() {
                    return None;
                }
                facts.classes.iter().position(|c| c.name == name)
            }?;
            index.method(class, method)
        }
    }
}

/// `Helper(...).method(...)` / `new Helper().method()`: a method of a class of this file.
fn constructed_method(
    call: &Call,
    facts: &FileFacts,
    locator: &Locator<'_>,
    source: &str,
) -> Option<usize> {
    let callee = locator.node_at(&call.callee_range)?;
    let (object, method) = match callee.kind() {
        "attribute" => (callee.field("object")?, callee.field("attribute")?),
        "member_expression" => (callee.field("object")?, callee.field("property")?),
        _ => return None,
    };
    let constructor = match object.kind() {
        "call" | "call_expression" => object.field("function")?,
        "new_expression" => object.field("constructor")?,
        "parenthesized_expression" => {
            let inner = object.named_child(0)?;
            (inner.kind() == "new_expression").then(|| inner.field("constructor"))??
        }
        _ => return None,
    };
    let class = facts
        .classes
        .iter()
        .position(|c| c.name == node_text(constructor, source))?;
    let method = node_text(method, source);
    facts
        .functions
        .iter()
        .position(|f| f.class == Some(class) && f.name == method)
}

#[cfg(test)]
mod tests {
    #[test]
    fn labels_leave_arguments_out() {
        assert_eq!(super::without_arguments("Git().log"), "Git().log");
        assert_eq!(
            super::without_arguments("OpenAI(api_key=\"k\").chat.create"),
            "OpenAI(…).chat.create"
        );
        assert_eq!(
            super::without_arguments("clients[\"a\"](x)"),
            "clients[…](…)"
        );
    }
}
