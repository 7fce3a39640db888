//! The agent model: the tools a file declares, what the model is told about them, and what their
//! code does.

pub mod capabilities;
pub mod card;
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
    let mut found = tools(source, tree, language, facts, knowledge);
    if found.is_empty() {
        return found;
    }
    let locator = crate::syntax::Locator::new(tree);
    let capabilities =
        capabilities::Capabilities::compute(source, &locator, language, facts, knowledge);
    for tool in &mut found {
        tool.effects = match (tool.function, &tool.handler) {
            (Some(function), _) => capabilities.of_function(function).clone(),
            (None, Some(handler)) => capabilities.of_range(handler, facts, source),
            (None, None) => Default::default(),
        };
    }
    found
}
