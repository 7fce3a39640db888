//! Per-file summaries for the workspace index: what each function of a file does directly. The
//! capability model (cross-file propagation) is built on these.

use std::collections::BTreeSet;

use crate::facts::FileFacts;
use crate::knowledge::{Effect, Knowledge};
use crate::syntax::Language;

/// A function and the effects of the calls it makes itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FunctionSummary {
    pub name: String,
    pub effects: BTreeSet<Effect>,
}

/// What the workspace index keeps for a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileSummary {
    pub language: Language,
    pub functions: Vec<FunctionSummary>,
    /// Effects of calls outside any function (module level).
    pub module_effects: BTreeSet<Effect>,
}

impl FileSummary {
    pub fn new(facts: &FileFacts, language: Language, knowledge: &Knowledge) -> FileSummary {
        let mut functions: Vec<FunctionSummary> = facts
            .functions
            .iter()
            .map(|f| FunctionSummary {
                name: f.name.clone(),
                effects: BTreeSet::new(),
            })
            .collect();
        let mut module_effects = BTreeSet::new();
        for call in &facts.calls {
            let Some(resolved) = call.resolved.as_deref() else {
                continue;
            };
            for sink in knowledge.sinks_for(language.family(), resolved) {
                match facts.enclosing_function(call.range.start) {
                    Some(i) => {
                        functions[i].effects.insert(sink.effect);
                    }
                    None => {
                        module_effects.insert(sink.effect);
                    }
                }
            }
        }
        FileSummary {
            language,
            functions,
            module_effects,
        }
    }

    /// Summarises a source text.
    pub fn of_source(source: &str, language: Language, knowledge: &Knowledge) -> FileSummary {
        let tree = crate::syntax::parse(source, language);
        FileSummary::new(
            &FileFacts::extract(source, &tree, language),
            language,
            knowledge,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn effects_belong_to_the_innermost_function() {
        let summary = FileSummary::of_source(
            "def outer(x):\n    def inner(y):\n        return eval(y)\n    return inner\n\nexec(z)\n",
            Language::Python,
            Knowledge::builtin(),
        );
        let effects: Vec<_> = summary
            .functions
            .iter()
            .map(|f| {
                (
                    f.name.as_str(),
                    f.effects.iter().copied().collect::<Vec<_>>(),
                )
            })
            .collect();
        assert_eq!(
            effects,
            vec![("outer", vec![]), ("inner", vec![Effect::CodeEval])]
        );
        assert!(summary.module_effects.contains(&Effect::CodeEval));
    }
}
