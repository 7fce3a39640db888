//! A regular expression of the tables, checked when the tables are read and compiled the first
//! time it is used.
//!
//! Compiling the tables' ~120 expressions took ~120 ms at every start (the Unicode classes of
//! `\w` make large automata), before the first file was read: a quarter of a command-line run
//! on a small project, and the language server's first analysis. Most expressions are used only
//! when a file holds what they look for (a provider's name, a tool description), so each is
//! compiled when first matched, on whichever thread needs it, and many never are. Its syntax is
//! still checked when the tables are read, so a table with a bad expression is still refused
//! with a clear error.

use std::fmt;
use std::ops::Deref;
use std::sync::{Arc, OnceLock};

use regex::Regex;

/// A regular expression compiled on first use; dereferences to [`Regex`]. Clones share the
/// compiled expression (a project's tables are a copy of the built-in ones).
#[derive(Clone)]
pub struct Pattern {
    source: Arc<str>,
    compiled: Arc<OnceLock<Regex>>,
}

impl Pattern {
    /// Checks `source`'s syntax (as [`Regex::new`] would) without compiling it.
    pub fn new(source: &str) -> Result<Pattern, String> {
        regex_syntax::ParserBuilder::new()
            .build()
            .parse(source)
            .map_err(|e| e.to_string())?;
        Ok(Pattern {
            source: Arc::from(source),
            compiled: Arc::new(OnceLock::new()),
        })
    }

    /// An expression known to be valid (a built-in table's: the tests compile every one), not
    /// checked again.
    pub(crate) fn trusted(source: &str) -> Pattern {
        Pattern {
            source: Arc::from(source),
            compiled: Arc::new(OnceLock::new()),
        }
    }

    /// The expression as written (compiles nothing).
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// The compiled expression. An expression whose syntax is valid but whose automaton is too
    /// large for the `regex` crate's limits (not one of the built-in tables, whose every
    /// expression a test compiles) matches nothing, with a warning on standard error: a table
    /// entry must never stop an analysis.
    pub fn regex(&self) -> &Regex {
        self.compiled.get_or_init(|| {
            Regex::new(&self.source).unwrap_or_else(|e| {
                eprintln!(
                    "agentlint: the expression `{}` cannot be used: {e}",
                    self.source
                );
                Regex::new(r"[^\s\S]").expect("the empty class is valid")
            })
        })
    }
}

impl Deref for Pattern {
    type Target = Regex;

    fn deref(&self) -> &Regex {
        self.regex()
    }
}

impl fmt::Debug for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Pattern").field(&&*self.source).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_expression_is_refused_when_read() {
        assert!(Pattern::new("(unclosed").is_err());
        assert!(Pattern::new(r"\p{NotAClass}").is_err());
    }

    #[test]
    fn compiled_on_first_use_and_matches_like_a_regex() {
        let pattern = Pattern::new(r"(?i)\bsecret\w*").unwrap();
        assert!(pattern.compiled.get().is_none());
        assert_eq!(pattern.as_str(), r"(?i)\bsecret\w*");
        assert!(pattern.compiled.get().is_none());
        assert_eq!(
            pattern.find("my Secrets").map(|m| m.as_str()),
            Some("Secrets")
        );
        assert!(pattern.compiled.get().is_some());
    }

    #[test]
    fn clones_share_the_compiled_expression() {
        let pattern = Pattern::new("abc").unwrap();
        let copy = pattern.clone();
        assert!(copy.is_match("xabc"));
        assert!(pattern.compiled.get().is_some());
    }

    #[test]
    fn too_large_to_compile_matches_nothing() {
        let pattern = Pattern::new(r"\w{1000}\w{1000}\w{1000}").unwrap();
        assert!(!pattern.is_match(&"a".repeat(3000)));
    }
}
