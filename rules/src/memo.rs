//! Results of pure functions of a text, kept across analyses: the descriptions of a file's tools
//! rarely change between keystrokes, and what rules read in them (sentences, the names a
//! description asks for) is the same for the same text and tables.

use std::any::Any;
use std::sync::{Arc, Mutex, OnceLock};

use crate::knowledge::Knowledge;

type HashMap<K, V> = rustc_hash::FxHashMap<K, V>;

/// Entries and bytes of text kept at most; past either the memo starts again (a bound on
/// memory, not a policy).
const CAPACITY: usize = 8192;
const TEXT_BYTES: usize = 16 << 20;

/// The tables' identity, what is computed, and a hash of the text (the text itself is kept with
/// the value and compared on a hit: a lookup allocates nothing).
type Key = ((usize, u64), &'static str, u64);

#[derive(Default)]
struct Memo {
    /// FxHash here too: the default hasher (SipHash) of the key was 5% of a keystroke's
    /// analysis (a lookup per description, rule and effect).
    entries: HashMap<Key, (Box<str>, Arc<dyn Any + Send + Sync>)>,
    bytes: usize,
}

fn memo() -> &'static Mutex<Memo> {
    static MEMO: OnceLock<Mutex<Memo>> = OnceLock::new();
    MEMO.get_or_init(|| Mutex::new(Memo::default()))
}

/// A fast hash (FxHash): a collision costs only a recomputation, as the text is compared on a
/// hit.
fn hash(text: &str) -> u64 {
    use std::hash::Hasher;
    let mut hasher = rustc_hash::FxHasher::default();
    hasher.write(text.as_bytes());
    hasher.finish()
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
    let key = (identity, what, hash(text));
    if let Some(found) = memo()
        .lock()
        .ok()
        .and_then(|m| {
            m.entries
                .get(&key)
                .filter(|(kept, _)| **kept == *text)
                .map(|(_, value)| value.clone())
        })
        .and_then(|v| v.downcast::<T>().ok())
    {
        return found;
    }
    let value = Arc::new(compute());
    if let Ok(mut m) = memo().lock() {
        if m.entries.len() >= CAPACITY || m.bytes + text.len() > TEXT_BYTES {
            m.entries.clear();
            m.bytes = 0;
        }
        m.bytes += text.len();
        // Another text with the same hash is replaced (and computed again when it comes back).
        m.entries.insert(key, (text.into(), value.clone()));
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

    #[test]
    fn a_hit_needs_the_same_text_not_only_the_same_hash() {
        let knowledge = Knowledge::builtin();
        let identity = knowledge.identity().unwrap();
        let (text, other) = ("the memo's own text: 9a41", "another text: 9a41");
        // Plant a value under `other`'s key but with `text`: a lookup of `other` must not take it.
        memo().lock().unwrap().entries.insert(
            (identity, "memo-collision-test", hash(other)),
            (text.into(), Arc::new(1usize)),
        );
        let got = by_text(knowledge, "memo-collision-test", other, || 2usize);
        assert_eq!(*got, 2);
        let again = by_text(knowledge, "memo-collision-test", other, || 3usize);
        assert_eq!(*again, 2);
    }
}
