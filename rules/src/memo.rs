//! Results of pure functions of a text, kept across analyses: the descriptions of a file's tools
//! rarely change between keystrokes, and what rules read in them (sentences, the names a
//! description asks for) is the same for the same text and tables.

use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use crate::knowledge::Knowledge;

/// Entries and bytes of text kept at most; past either the memo starts again (a bound on
/// memory, not a policy).
const CAPACITY: usize = 8192;
const TEXT_BYTES: usize = 16 << 20;

type Key = ((usize, u64), &'static str, String);

#[derive(Default)]
struct Memo {
    entries: HashMap<Key, Arc<dyn Any + Send + Sync>>,
    bytes: usize,
}

fn memo() -> &'static Mutex<Memo> {
    static MEMO: OnceLock<Mutex<Memo>> = OnceLock::new();
    MEMO.get_or_init(|| Mutex::new(Memo::default()))
}

/// `compute()` for `text` (what `what` names; with `knowledge`'s tables), computed once.
pub(crate) fn by_text<T: Any + Send + Sync>(
    knowledge: &Knowledge,
    what: &'static str,
    text: &str,
    compute: impl FnOnce() -> T,
) -> Arc<T> {
    let Some(identity) = knowledge.identity() else {
        return Arc::new(compute());
    };
    let key = (identity, what, text.to_string());
    if let Some(found) = memo()
        .lock()
        .ok()
        .and_then(|m| m.entries.get(&key).cloned())
        .and_then(|v| v.downcast::<T>().ok())
    {
        return found;
    }
    let value = Arc::new(compute());
    if let Ok(mut m) = memo().lock() {
        if m.entries.len() >= CAPACITY || m.bytes + key.2.len() > TEXT_BYTES {
            m.entries.clear();
            m.bytes = 0;
        }
        m.bytes += key.2.len();
        m.entries.insert(key, value.clone());
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_result_is_computed_once_per_text_and_tables() {
        let knowledge = Knowledge::builtin();
        let mut calls = 0;
        let text = "a text only this test uses: 5f0c1e";
        let first = by_text(knowledge, "memo-test", text, || {
            calls += 1;
            text.len()
        });
        let again = by_text(knowledge, "memo-test", text, || {
            calls += 1;
            0
        });
        assert_eq!((*first, *again, calls), (text.len(), text.len(), 1));
        // Tables made field by field have no identity: nothing is remembered for them.
        let plain = Knowledge::default();
        let fresh = by_text(&plain, "memo-test", text, || 7usize);
        assert_eq!(*fresh, 7);
    }
}
