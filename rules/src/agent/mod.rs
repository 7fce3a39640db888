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
        None,
        &mut Vec::new(),
    )
}

/// [`model`] for a new version of a document, reusing what the last version's found (see
/// `crate::cache`). The same result.
pub(crate) fn model_cached(
    file: &crate::analysis::SourceFile<'_>,
    facts: &crate::facts::FactsCache,
    current: &crate::facts::FileFacts,
    splice: Option<&crate::facts::Splice>,
    knowledge: &crate::knowledge::Knowledge,
    cache: &mut crate::cache::ModelCache,
    locator: &crate::syntax::Locator<'_>,
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
    let found = tools::found(
        file.source,
        locator,
        file.language,
        current,
        knowledge,
        splice.map(|s| {
            (
                cache.declared.as_slice(),
                cache.tools.as_slice(),
                s,
                facts.revalued(),
            )
        }),
    );
    let declared: Vec<tools::Declared> = found.iter().map(tools::Declared::from).collect();
    let tools: Vec<Tool> = found.into_iter().map(|f| f.tool).collect();
    let previous_effects =
        splice.map(|s| (std::mem::take(&mut cache.own_effects), s, facts.revalued()));
    let imports = file.workspace.map(|summaries| crate::summary::Imports {
        summaries,
        importer: file.path,
    });
    let mut own = Vec::new();
    let model = with_effects(
        file.source,
        locator,
        file.language,
        current,
        knowledge,
        imports,
        tools,
        previous_effects
            .as_ref()
            .map(|(e, s, revalued)| (e.as_slice(), *s, *revalued)),
        &mut own,
    );
    cache.key = key;
    cache.own_effects = own;
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

/// The tools with what their code does.
#[allow(clippy::too_many_arguments)]
fn with_effects(
    source: &str,
    locator: &crate::syntax::Locator<'_>,
    language: crate::Language,
    facts: &crate::facts::FileFacts,
    knowledge: &crate::knowledge::Knowledge,
    workspace: Option<crate::summary::Imports<'_>>,
    mut found: Vec<Tool>,
    previous: Option<capabilities::PreviousEffects<'_>>,
    own: &mut Vec<Vec<crate::knowledge::Effect>>,
) -> Model {
    if found.is_empty() {
        // No tool needs effects; the own effects of the calls are not kept either.
        own.clear();
        return Model::default();
    }
    let mut capabilities = capabilities::Capabilities::compute_reusing(
        source, locator, language, facts, knowledge, previous, own,
    );
    if let Some(workspace) = &workspace {
        let resolver = workspace.resolver(language.family());
        capabilities.add_imports(facts, source, language.family(), &resolver);
    }
    for tool in &mut found {
        tool.effects = match (tool.function, &tool.handler) {
            (Some(function), _) => capabilities.of_function(function).clone(),
            (None, Some(handler)) => capabilities.of_range(handler, facts, source),
            (None, None) => Default::default(),
        };
        tool.processes =
            capabilities.processes(tool.function, tool.handler.as_ref(), facts, source);
    }
    Model {
        tools: std::sync::Arc::new(found),
    }
}
