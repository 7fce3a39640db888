//! The agent model: the tools a file declares, what the model is told about them, and what their
//! code does.

pub mod capabilities;
pub mod card;
pub mod command;
pub mod external;
pub mod text;
pub mod tools;

pub use external::{ExternalRead, external_read};
pub use text::DecodedText;
pub use tools::{Description, DescriptionSource, Tool, ToolKind, ToolParameter, tools};

/// The tools of a file with their effects: what [`tools`] finds, and what each tool's code does.
pub fn tools_with_effects(
    source: &str,
    tree: &tree_sitter::Tree,
    language: crate::Language,
    facts: &crate::facts::FileFacts,
    knowledge: &crate::knowledge::Knowledge,
) -> Vec<Tool> {
    std::sync::Arc::unwrap_or_clone(model(source, tree, language, facts, knowledge, None).tools)
}

/// A file's part of the agent model.
#[derive(Clone, Debug, Default)]
pub struct Model {
    /// The tools the file declares, with their effects (shared with the document's cache, which
    /// moves them to the next version).
    pub tools: std::sync::Arc<Vec<Tool>>,
}

/// The tools of a file with their effects. With a workspace, calls to functions of other files
/// bring those functions' effects.
pub fn model(
    source: &str,
    tree: &tree_sitter::Tree,
    language: crate::Language,
    facts: &crate::facts::FileFacts,
    knowledge: &crate::knowledge::Knowledge,
    workspace: Option<crate::summary::Imports<'_>>,
) -> Model {
    let locator = crate::syntax::Locator::new(tree);
    let found = tools::found(source, &locator, language, facts, knowledge, None);
    with_effects(
        source,
        &locator,
        language,
        facts,
        knowledge,
        workspace,
        found.into_iter().map(|f| f.tool).collect(),
        &[],
        None,
        &mut Vec::new(),
        None,
    )
    .0
}

/// [`model`] for a new version of a document, reusing what the last version's found (see
/// `crate::cache`). The same result.
#[allow(clippy::too_many_arguments)]
pub(crate) fn model_cached(
    file: &crate::analysis::SourceFile<'_>,
    facts: &crate::facts::FactsCache,
    current: &crate::facts::FileFacts,
    splice: Option<&crate::facts::Splice>,
    knowledge: &crate::knowledge::Knowledge,
    cache: &mut crate::cache::ModelCache,
    locator: &crate::syntax::Locator<'_>,
    change: Option<crate::syntax::change::TextMove>,
) -> Model {
    let key = knowledge
        .identity()
        .map(|knowledge| crate::cache::ModelKey {
            knowledge,
            language: file.language,
        });
    // Only when the tables are the same, this cache holds the version just before (or this
    // very version), and every name an unchanged statement mentions resolves as it did, can
    // anything be kept. The generation is put back only when this version's entries are
    // complete: after a panic (caught by the analysis), nothing is kept.
    let previous = cache.generation.take();
    let splice = splice.filter(|s| {
        key.is_some()
            && cache.key == key
            && facts.kept_resolution()
            && previous.is_some_and(|g| {
                g + 1 == facts.generation() || (g == facts.generation() && s.is_identity())
            })
    });
    // The last version's tools are moved to this one, not copied, when nothing else holds them
    // (the language server lets go of a version's tools when a newer version's analysis starts).
    let last_tools = std::mem::take(&mut cache.tools);
    let found = tools::found(
        file.source,
        locator,
        file.language,
        current,
        knowledge,
        splice.map(|s| {
            (
                cache.declared.as_slice(),
                std::sync::Arc::unwrap_or_clone(last_tools),
                s,
                facts.revalued(),
            )
        }),
    );
    let declared: Vec<tools::Declared> = found.iter().map(tools::Declared::from).collect();
    let moved_tools: Vec<bool> = found.iter().map(|f| f.moved).collect();
    let tools: Vec<Tool> = found.into_iter().map(|f| f.tool).collect();
    let previous_effects =
        splice.map(|s| (std::mem::take(&mut cache.own_effects), s, facts.revalued()));
    let imports = file.workspace.map(|summaries| crate::summary::Imports {
        summaries,
        importer: file.path,
    });
    let mut own = Vec::new();
    // The previous version's capabilities may be moved when the change only moved the facts.
    let change = change.and_then(|c| Some((c, facts.moved_only(splice?, &c)?)));
    let kept = KeptCapabilities {
        slot: &mut cache.capabilities,
        imports: &mut cache.imports,
        change,
    };
    let (model, moved) = with_effects(
        file.source,
        locator,
        file.language,
        current,
        knowledge,
        imports,
        tools,
        &moved_tools,
        previous_effects
            .as_ref()
            .map(|(e, s, revalued)| (e.as_slice(), *s, *revalued)),
        &mut own,
        Some(kept),
    );
    cache.key = key;
    // Moved capabilities come with the previous version's own effects, the same.
    cache.own_effects = match (moved, previous_effects) {
        (true, Some((previous, _, _))) => previous,
        _ => own,
    };
    cache.generation = Some(facts.generation());
    // The model's tools are the next version's previous tools (`with_effects` keeps their order;
    // with none, neither).
    cache.declared = if model.tools.is_empty() {
        Vec::new()
    } else {
        declared
    };
    cache.tools = model.tools.clone();
    model
}

/// A moved tool's effects and processes, moved by `change` (a call in another file keeps its
/// place). False when a place does not survive the change (the caller computes them again).
fn move_effects(tool: &mut Tool, change: &crate::syntax::change::TextMove) -> bool {
    let mut hops = tool.effects.values_mut().flatten().chain(
        tool.processes
            .iter_mut()
            .flat_map(|p| p.via.iter_mut().chain(p.imported.iter_mut().flatten())),
    );
    hops.all(|hop| {
        hop.place.is_some()
            || change
                .range(&hop.range)
                .map(|range| hop.range = range)
                .is_some()
    })
}

/// The capabilities the model cache keeps from the last version, and how the text changed since
/// when the change only moved the facts.
struct KeptCapabilities<'a> {
    slot: &'a mut Option<capabilities::Capabilities>,
    /// What the last version resolved through the workspace.
    imports: &'a mut crate::summary::ImportMemo,
    /// With whether the changed statements bind every name as before (see
    /// `FactsCache::moved_only`).
    change: Option<(crate::syntax::change::TextMove, bool)>,
}

/// The tools with what their code does; and whether the capabilities (and with them the calls'
/// own effects, left out of `own` then) were the previous version's, moved.
#[allow(clippy::too_many_arguments)]
fn with_effects(
    source: &str,
    locator: &crate::syntax::Locator<'_>,
    language: crate::Language,
    facts: &crate::facts::FileFacts,
    knowledge: &crate::knowledge::Knowledge,
    workspace: Option<crate::summary::Imports<'_>>,
    mut found: Vec<Tool>,
    moved_tools: &[bool],
    previous: Option<capabilities::PreviousEffects<'_>>,
    own: &mut Vec<Vec<crate::knowledge::Effect>>,
    kept: Option<KeptCapabilities<'_>>,
) -> (Model, bool) {
    let earlier = kept.as_ref().and_then(|k| k.change);
    let earlier_change = earlier.map(|(change, _)| change);
    let (slot, earlier, mut memo) = match kept {
        Some(kept) => {
            let earlier = kept.slot.take().zip(earlier);
            (Some(kept.slot), earlier, Some(kept.imports))
        }
        None => (None, None, None),
    };
    if found.is_empty() {
        // No tool needs effects; the own effects of the calls are not kept either.
        own.clear();
        return (Model::default(), false);
    }
    let family = language.family();
    // The change only moved the facts: if it left the own effects of the changed statements'
    // calls as they were, everything the capabilities are made of is the same.
    let moved = match (earlier, previous) {
        (Some((earlier, (change, same_bindings))), Some((old_own, splice, _)))
            if old_own.len() == facts.calls.len()
                && splice.calls.new.clone().all(|i| {
                    let j = i - splice.calls.new.start + splice.calls.old.start;
                    old_own.get(j).is_some_and(|old| {
                        *old == capabilities::call_effects(
                            &facts.calls[i],
                            source,
                            locator,
                            facts,
                            family,
                            knowledge,
                        )
                    })
                }) =>
        {
            earlier
                .moved(&change, facts.calls.len(), facts.functions.len())
                .filter(|moved| {
                    same_bindings
                        || moved.reaches_as_before(splice.calls.new.clone(), facts, locator, source)
                })
        }
        _ => None,
    };
    let reused = moved.is_some();
    let mut capabilities = match moved {
        Some(capabilities) => capabilities,
        None => capabilities::Capabilities::compute_reusing(
            source, locator, language, facts, knowledge, previous, own,
        ),
    };
    let mut imported = false;
    if let Some(workspace) = &workspace {
        let kept = memo.as_deref_mut().map(std::mem::take).unwrap_or_default();
        let resolver = workspace.resolver_keeping(family, kept);
        imported = capabilities.add_imports(facts, source, family, &|r| resolver.resolve(r));
        if let Some(memo) = memo {
            *memo = resolver.into_memo();
        }
    }
    // With the capabilities moved and no other file's effects added, a tool moved from the last
    // version has its effects and processes of then, moved: what they would be found to be.
    let moved_change = earlier_change.filter(|_| reused && !imported);
    for (i, tool) in found.iter_mut().enumerate() {
        if let Some(change) = &moved_change
            && moved_tools.get(i) == Some(&true)
            && move_effects(tool, change)
        {
            continue;
        }
        tool.effects = match (tool.function, &tool.handler) {
            (Some(function), _) => capabilities.of_function(function).clone(),
            (None, Some(handler)) => capabilities.of_range(handler, facts, source),
            (None, None) => Default::default(),
        };
        // The handler's effects (just computed from the same capabilities) tell when it starts
        // no process.
        let handler_effects =
            (tool.function.is_none() && tool.handler.is_some()).then_some(&tool.effects);
        tool.processes = capabilities.processes(
            tool.function,
            tool.handler.as_ref(),
            facts,
            source,
            handler_effects,
        );
    }
    // Kept for the next version unless other files' effects were added to them.
    if let Some(slot) = slot {
        *slot = (!imported).then_some(capabilities);
    }
    (
        Model {
            tools: std::sync::Arc::new(found),
        },
        reused,
    )
}
