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
    model(source, tree, language, facts, knowledge, None).tools
}

/// A file's part of the agent model.
#[derive(Clone, Debug, Default)]
pub struct Model {
    /// The tools the file declares, with their effects.
    pub tools: Vec<Tool>,
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
    let mut found = tools(source, tree, language, facts, knowledge);
    if found.is_empty() {
        return Model::default();
    }
    let locator = crate::syntax::Locator::new(tree);
    let mut capabilities =
        capabilities::Capabilities::compute(source, &locator, language, facts, knowledge);
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
    Model { tools: found }
}
