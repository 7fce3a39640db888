//! Finding AL305's environment reads without searching the whole text once per expression.
//!
//! Every match of an expression starts with one of the literals its prefixes can be (`\b(?:os\.)?
//! environ\s*\[` starts with `os.environ` or `environ`), as the `regex-syntax` extractor
//! reports them. The places those literals occur are found with one substring search per
//! literal that no other contains (`environ`, `getenv`, `process.env`: three searches for the
//! four built-in expressions, where each expression's own search scanned the text again), and
//! the expression is matched there, anchored. That finds exactly what iterating the expression's
//! matches over the text finds: the leftmost match after a place starts at one of those
//! candidates, and anchored there it is the same match. An expression whose prefixes cannot be
//! listed (an empty one, or too many) is searched as before.

use std::ops::Range;

use regex_automata::{Anchored, Input, meta};
use regex_syntax::hir::literal::{ExtractKind, Extractor};

/// A read: the whole match and the variable's name (group `name`).
pub(crate) type Read = (Range<usize>, Range<usize>);

/// How one expression's matches are found.
#[derive(Debug)]
enum Finder {
    /// At the places its prefix literals occur: for each, the literal, which of the searched
    /// literals it contains, and where.
    Anchored {
        prefixes: Vec<(Vec<u8>, usize, usize)>,
        regex: meta::Regex,
    },
    /// Over the whole text.
    Whole,
}

/// The finders of a list of expressions, and the literals searched for.
#[derive(Debug, Default)]
pub(crate) struct ReadFinder {
    finders: Vec<Finder>,
    searched: Vec<Vec<u8>>,
}

impl ReadFinder {
    /// Finders for `patterns` (each with a group `name`).
    pub(crate) fn new(patterns: &[crate::pattern::Pattern]) -> ReadFinder {
        let mut all: Vec<(usize, Vec<u8>)> = Vec::new();
        let mut regexes = Vec::new();
        for (index, pattern) in patterns.iter().enumerate() {
            let prefixes = prefixes(pattern.as_str());
            let regex = prefixes
                .as_ref()
                .and_then(|_| meta::Regex::new(pattern.as_str()).ok());
            match (prefixes, regex) {
                (Some(prefixes), Some(regex)) => {
                    all.extend(prefixes.into_iter().map(|p| (index, p)));
                    regexes.push(Some(regex));
                }
                _ => regexes.push(None),
            }
        }
        // The literals no other literal contains: finding those finds every literal.
        let mut searched: Vec<Vec<u8>> = Vec::new();
        for (_, literal) in &all {
            let contains_another = all
                .iter()
                .any(|(_, other)| other.len() < literal.len() && contains(literal, other));
            if !contains_another && !searched.contains(literal) {
                searched.push(literal.clone());
            }
        }
        let finders = regexes
            .into_iter()
            .enumerate()
            .map(|(index, regex)| match regex {
                Some(regex) => Finder::Anchored {
                    prefixes: all
                        .iter()
                        .filter(|(i, _)| *i == index)
                        .filter_map(|(_, literal)| {
                            searched.iter().enumerate().find_map(|(s, searched)| {
                                find(literal, searched).map(|at| (literal.clone(), s, at))
                            })
                        })
                        .collect(),
                    regex,
                },
                None => Finder::Whole,
            })
            .collect();
        ReadFinder { finders, searched }
    }

    /// The literals whose occurrences [`ReadFinder::find_at`] takes, in its order.
    pub(crate) fn searched(&self) -> impl Iterator<Item = &[u8]> {
        self.searched.iter().map(Vec::as_slice)
    }

    /// The matches of each expression in `text`, as iterating them over the text finds them.
    #[cfg(test)]
    pub(crate) fn find(&self, patterns: &[crate::pattern::Pattern], text: &str) -> Vec<Vec<Read>> {
        let occurrences: Vec<Vec<usize>> = self
            .searched
            .iter()
            .map(|literal| crate::syntax::change::occurrences(literal, text.as_bytes()))
            .collect();
        self.find_at(patterns, text, &occurrences)
    }

    /// [`ReadFinder::find`], given every place each searched literal occurs in `text`
    /// (overlapping ones too: `crate::syntax::change::occurrences`).
    pub(crate) fn find_at(
        &self,
        patterns: &[crate::pattern::Pattern],
        text: &str,
        occurrences: &[Vec<usize>],
    ) -> Vec<Vec<Read>> {
        let bytes = text.as_bytes();
        self.finders
            .iter()
            .zip(patterns)
            .map(|(finder, pattern)| match finder {
                Finder::Whole => pattern
                    .captures_iter(text)
                    .filter_map(|c| Some((c.get(0)?.range(), c.name("name")?.range())))
                    .collect(),
                Finder::Anchored { prefixes, regex } => {
                    let mut starts: Vec<usize> = prefixes
                        .iter()
                        .flat_map(|(literal, searched, offset)| {
                            occurrences.get(*searched).into_iter().flatten().filter_map(
                                move |&at| {
                                    let start = at.checked_sub(*offset)?;
                                    bytes[start..].starts_with(literal).then_some(start)
                                },
                            )
                        })
                        .collect();
                    starts.sort_unstable();
                    starts.dedup();
                    let mut found = Vec::new();
                    let mut captures = regex.create_captures();
                    let mut after = 0;
                    for start in starts {
                        if start < after {
                            continue;
                        }
                        let input = Input::new(text).range(start..).anchored(Anchored::Yes);
                        regex.search_captures(&input, &mut captures);
                        let (Some(whole), Some(name)) =
                            (captures.get_match(), captures.get_group_by_name("name"))
                        else {
                            continue;
                        };
                        // The expressions never match nothing (their prefixes are not empty).
                        after = whole.end().max(start + 1);
                        found.push((whole.range(), name.range()));
                    }
                    found
                }
            })
            .collect()
    }
}

/// The literals every match of `pattern` starts with one of; `None` when they cannot be listed
/// or one is empty (a match could start anywhere).
fn prefixes(pattern: &str) -> Option<Vec<Vec<u8>>> {
    let hir = regex_syntax::ParserBuilder::new()
        .build()
        .parse(pattern)
        .ok()?;
    let seq = Extractor::new().kind(ExtractKind::Prefix).extract(&hir);
    let literals = seq.literals()?;
    if literals.iter().any(|l| l.as_bytes().is_empty()) {
        return None;
    }
    let mut out: Vec<Vec<u8>> = literals.iter().map(|l| l.as_bytes().to_vec()).collect();
    out.sort();
    out.dedup();
    Some(out)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(haystack, needle)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    find(haystack, needle).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pattern::Pattern;

    fn naive(patterns: &[Pattern], text: &str) -> Vec<Vec<Read>> {
        patterns
            .iter()
            .map(|p| {
                p.captures_iter(text)
                    .filter_map(|c| Some((c.get(0)?.range(), c.name("name")?.range())))
                    .collect()
            })
            .collect()
    }

    #[test]
    fn the_built_in_reads_have_prefix_literals_and_few_searches() {
        let reads = &crate::knowledge::Knowledge::builtin().secrets.flow.reads;
        let finder = ReadFinder::new(reads);
        assert!(
            finder
                .finders
                .iter()
                .all(|f| matches!(f, Finder::Anchored { .. })),
            "{finder:#?}"
        );
        assert!(finder.searched.len() <= 4, "{:?}", finder.searched);
    }

    #[test]
    fn finds_what_iterating_the_expressions_finds() {
        let reads = &crate::knowledge::Knowledge::builtin().secrets.flow.reads;
        let mut patterns = reads.clone();
        // An expression without listable prefixes, and overlapping literals.
        patterns.push(Pattern::new(r"(?P<name>[A-Z_]+)_KEY\b").unwrap());
        patterns.push(Pattern::new(r"(?:aa|a)(?P<name>a+)b").unwrap());
        let finder = ReadFinder::new(&patterns);
        let texts = [
            "key = os.environ[\"OPENAI_API_KEY\"]\nx = os.environ.get('TOKEN')",
            "os.getenviron[ 'A_KEY' ] getenv(\n  \"B_SECRET\")",
            "process.env.API_KEY process.env[`X_TOKEN`] process.env.\nprocess.envX",
            "environ['A'] environ ['B']\nsystem.environ[\"C\"]",
            "aaab aab aaaab caaab",
            "é environ[\"É\"] environ[\"OK\"] ✓",
            "",
        ];
        for text in texts {
            assert_eq!(
                finder.find(&patterns, text),
                naive(&patterns, text),
                "{text}"
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn agrees_with_the_expressions_on_any_text(
            text in "([ \n\"'`\\[\\](.]|os|\\.|environ|getenv|get|process|env|[A-Z_]{1,4}|a|b|é){0,40}"
        ) {
            let mut patterns = crate::knowledge::Knowledge::builtin().secrets.flow.reads.clone();
            patterns.push(Pattern::new(r"(?:aa|a)(?P<name>a+)b").unwrap());
            let finder = ReadFinder::new(&patterns);
            proptest::prop_assert_eq!(finder.find(&patterns, &text), naive(&patterns, &text));
        }
    }
}
