//! Where a file stores conversations (AL403).

use std::ops::Range;
use std::sync::OnceLock;

use super::providers::under;
use crate::facts::FileFacts;

/// A place where the code stores conversations.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Store {
    /// Where a diagnostic points: the call, or the name of the function that writes.
    pub range: Range<usize>,
    /// The call or function as written.
    pub callee: String,
    /// What is stored, for messages.
    pub what: String,
}

/// Words that say data is a conversation.
fn conversation_words() -> &'static regex::Regex {
    static PATTERN: OnceLock<regex::Regex> = OnceLock::new();
    PATTERN.get_or_init(|| {
        #[allow(clippy::expect_used)]
        regex::Regex::new(
            r"(?i)(?:^|[^a-z])(?:messages?|history|histories|conversations?|chats?|transcripts?|dialog(?:ue)?s?|threads?)(?:$|[^a-z])",
        )
        .expect("valid pattern")
    })
}

/// The longest match of [`conversation_words`] in bytes, and more: a word of at most 13 letters
/// (`ſ` is two bytes) between two characters of at most four.
const CONVERSATION_MATCH: usize = 64;

/// The last version's match (or none), its length, and the lengths of the common prefix of it and
/// the new version and of the common suffix after that.
pub(crate) type LastMatch = (Option<Range<usize>>, usize, (usize, usize));

/// A match of [`conversation_words`] in `text`, or `None` if there is none, given what the last
/// version of the text had (`last`: its match, its length, and the lengths of the two versions'
/// common prefix and of the common suffix after it). A match outside the change is still one; a
/// text that had none can only have one across the change: only that is searched (a whole
/// TypeScript file without one was read byte by byte on every keystroke: 13% of its analysis).
pub(crate) fn conversation_match(text: &str, last: Option<LastMatch>) -> Option<Range<usize>> {
    let words = conversation_words();
    let everywhere = || words.find(text).map(|m| m.range());
    let Some((found, old_len, (prefix, suffix))) = last else {
        return everywhere();
    };
    let new_len = text.len();
    if prefix + suffix > old_len.min(new_len) {
        return everywhere();
    }
    match found {
        // Before the change (not at the end, where `$` matched).
        Some(r) if r.end <= prefix && r.end < old_len => Some(r),
        // After it (not at the start, where `^` matched).
        Some(r) if r.start > 0 && r.start >= old_len - suffix => {
            Some(r.start + new_len - old_len..r.end + new_len - old_len)
        }
        Some(_) => everywhere(),
        None => {
            // Across the change: from a match's length before it to the first line break a
            // match's length after it (a match ending there by `$` ends on that line break in
            // the whole text, a character that is not a letter).
            let mut start = prefix.saturating_sub(CONVERSATION_MATCH);
            while !text.is_char_boundary(start) {
                start -= 1;
            }
            let after = (new_len - suffix + CONVERSATION_MATCH).min(new_len);
            let end = text.as_bytes()[after..]
                .iter()
                .position(|&b| b == b'\n')
                .map_or(new_len, |i| after + i);
            words.find_at(&text[..end], start).map(|m| m.range())
        }
    }
}

/// SQL that inserts into a conversation table.
fn insert_into_conversation() -> &'static regex::Regex {
    static PATTERN: OnceLock<regex::Regex> = OnceLock::new();
    PATTERN.get_or_init(|| {
        #[allow(clippy::expect_used)]
        regex::Regex::new(
            r"(?i)\b(?:insert\s+(?:or\s+\w+\s+)?into|upsert\s+into)\s+[`\x22\[]?\w*(?:message|history|conversation|chat|transcript|dialog)",
        )
        .expect("valid pattern")
    })
}

/// Where `text` says `into` in any case, as AL403's SQL expression would find it (with the same
/// engine and case rules, so no call that matches is skipped); given the places in a `previous`
/// text, searched again only in the lines that changed (the word spans no line), with the texts'
/// common ends if known. The same as searching the whole text.
pub(crate) fn into_places(
    text: &str,
    previous: Option<(&str, &[Range<usize>])>,
    ends: Option<(usize, usize)>,
) -> Vec<Range<usize>> {
    static INTO: OnceLock<regex::Regex> = OnceLock::new();
    #[allow(clippy::expect_used)]
    let into = INTO.get_or_init(|| regex::Regex::new(r"(?i)into").expect("valid pattern"));
    let search = |from: usize, to: usize| {
        into.find_iter(&text[from..to])
            .map(move |m| m.start() + from..m.end() + from)
    };
    let Some((old, old_places)) = previous else {
        return search(0, text.len()).collect();
    };
    let lines = crate::syntax::change::changed_lines_at(old, text, ends);
    let (before, after) = lines.around(old_places, |p| p.start);
    let mut places = before.to_vec();
    places.extend(search(lines.new.start, lines.new.end));
    places.extend(
        after
            .iter()
            .map(|p| lines.moved(p.start)..lines.moved(p.end)),
    );
    places
}

/// Where a file stores conversations: a known message store or checkpointer (`[[storage]]`),
/// SQL inserting into a conversation table, or a function named for conversations that writes
/// files or a database.
///
/// `conversations`: whether the source mentions conversations ([`conversation_match`]), if known;
/// `intos`: where it says `into` ([`into_places`]), if known.
pub fn storage(
    source: &str,
    locator: &crate::syntax::Locator<'_>,
    language: crate::syntax::Language,
    facts: &FileFacts,
    knowledge: &crate::knowledge::Knowledge,
    conversations: Option<bool>,
    intos: Option<&[Range<usize>]>,
) -> Vec<Store> {
    let family = language.family();
    let mut out: Vec<Store> = Vec::new();
    if let (Some(stores), Some(roots)) = (
        knowledge.providers.stores.get(&family),
        knowledge.providers.store_roots.get(&family),
    ) {
        // Calls repeat names: each name is compared with the entry points once.
        let mut seen: rustc_hash::FxHashMap<&str, Option<&String>> = Default::default();
        for call in &facts.calls {
            let Some(resolved) = call.resolved.as_deref().filter(|r| roots.may_hold(r)) else {
                continue;
            };
            let found = *seen.entry(resolved).or_insert_with(|| {
                stores
                    .iter()
                    .filter(|(prefix, _)| under(resolved, prefix))
                    .max_by_key(|(prefix, _)| prefix.len())
                    .map(|(_, what)| what)
            });
            if let Some(what) = found {
                out.push(Store {
                    range: call.callee_range.clone(),
                    callee: call.callee.clone().unwrap_or_else(|| resolved.to_string()),
                    what: what.clone(),
                });
            }
        }
    }
    if !conversations.unwrap_or_else(|| conversation_words().is_match(source)) {
        return out;
    }
    // The SQL expression needs `into`: only the calls around one are searched (a search of every
    // call's text searched nested calls' text again, on every keystroke).
    let found;
    let intos = match intos {
        Some(intos) => intos,
        None => {
            found = into_places(source, None, None);
            &found
        }
    };
    let has_into = |range: &Range<usize>| {
        let i = intos.partition_point(|m| m.start < range.start);
        intos.get(i).is_some_and(|m| m.end <= range.end)
    };
    for call in &facts.calls {
        if !has_into(&call.range) {
            continue;
        }
        let text = source.get(call.range.clone()).unwrap_or_default();
        if insert_into_conversation().is_match(text)
            && !out
                .iter()
                .any(|s| s.range.start <= call.range.start && call.range.start < s.range.end)
        {
            out.push(Store {
                range: call.callee_range.clone(),
                callee: call.callee.clone().unwrap_or_default(),
                what: "messages in a database".to_string(),
            });
        }
    }
    let named: Vec<usize> = facts
        .functions
        .iter()
        .enumerate()
        // `_` separates words as a space would: the pattern's word edges are any non-letter.
        .filter(|(_, f)| conversation_words().is_match(&f.name))
        .map(|(i, _)| i)
        .collect();
    if !named.is_empty() {
        let capabilities = crate::agent::capabilities::Capabilities::compute(
            source, locator, language, facts, knowledge,
        );
        for i in named {
            let function = &facts.functions[i];
            let effects = capabilities.of_function(i);
            let written = effects
                .iter()
                .find(|(effect, _)| {
                    matches!(
                        effect,
                        crate::knowledge::Effect::FsWrite | crate::knowledge::Effect::DatabaseWrite
                    )
                })
                .map(|(effect, _)| *effect);
            let Some(effect) = written else {
                continue;
            };
            if out
                .iter()
                .any(|s| function.range.start <= s.range.start && s.range.end <= function.range.end)
            {
                continue;
            }
            out.push(Store {
                range: function.name_range.clone(),
                callee: function.name.clone(),
                what: match effect {
                    crate::knowledge::Effect::DatabaseWrite => "messages in a database",
                    _ => "messages in files",
                }
                .to_string(),
            });
        }
    }
    out.sort_by_key(|s| s.range.start);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    /// Text with conversation words, parts of them, line breaks, letters and non-ASCII.
    fn text() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop_oneof![
                Just("messages"),
                Just("chat"),
                Just("Thread"),
                Just("histories"),
                Just("ſ"),
                Just("me"),
                Just("ssage"),
                Just("\n"),
                Just(" "),
                Just("_"),
                Just("x"),
                Just("中"),
                Just("conversation"),
            ],
            0..30,
        )
        .prop_map(|parts| parts.concat())
    }

    proptest! {
        /// Searched across the change only, from the last version's answer, a text mentions
        /// conversations exactly when it does searched whole, and the place given is a match.
        #[test]
        fn conversations_found_across_a_change_are_those_found_whole(
            old in text(),
            insert in text(),
            at in 0usize..400,
            cut in 0usize..40,
        ) {
            let new = crate::syntax::change::edited(&old, &insert, at, cut);
            let last = conversation_match(&old, None);
            let ends = crate::syntax::change::common_ends(old.as_bytes(), new.as_bytes());
            let found = conversation_match(&new, Some((last, old.len(), ends)));
            prop_assert_eq!(found.is_some(), conversation_words().is_match(&new));
            if let Some(r) = found {
                prop_assert_eq!(
                    conversation_words().find_at(&new, r.start).map(|m| m.range()),
                    Some(r)
                );
            }
        }
    }

    proptest! {
        /// Where a text says `into`, found again only in the lines that changed, is where a
        /// search of the whole text finds it.
        #[test]
        fn intos_found_across_a_change_are_those_found_whole(
            old in proptest::collection::vec(
                proptest::sample::select(&["INTO", "in", "to", "into", "ınto", "\n", "\r\n", " ", "x", "中"][..]),
                0..30,
            ),
            edits in proptest::collection::vec(
                (0usize..200, 0usize..8, proptest::sample::select(&["in", "to", "\n", "", "Into", "o", "\r"][..])),
                1..6,
            ),
        ) {
            let mut text = old.concat();
            let mut places = into_places(&text, None, None);
            for (at, cut, insert) in edits {
                let next = crate::syntax::change::edited(&text, insert, at, cut);
                let since = into_places(&next, Some((&text, &places)), None);
                prop_assert_eq!(&since, &into_places(&next, None, None), "{:?} -> {:?}", text, next);
                text = next;
                places = since;
            }
        }
    }
}
