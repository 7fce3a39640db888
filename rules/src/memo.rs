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

/// The tables' identity, what is computed (the address of its name: two names with the same
/// text at two addresses only keep two entries), and a hash of the text (the text itself is kept
/// with the value and compared on a hit: a lookup allocates nothing). Numbers only: hashing and
/// comparing the name's text was a fifth of a lookup.
type Key = ((usize, u64), usize, u64);

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
    let key = (identity, what.as_ptr() as usize, hash(text));
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

/// Results of [`by_text`] kept with a text itself (a tool's description, moved with its tool from
/// one version to the next): found again there without hashing the text, locking the shared memo
/// or comparing the text (a lookup in the shared memo was most of what each description rule
/// costs per keystroke). A cache, not content: a clone keeps it, comparisons ignore it. Whoever
/// holds one keeps it with the same text (a text that changes gets a new one).
#[derive(Default)]
pub struct Kept(Mutex<Vec<(KeptKey, Arc<dyn Any + Send + Sync>)>>);

/// The address of what is computed (first: it tells entries apart), the text's length (a
/// guard), and the tables' identity.
type KeptKey = (usize, usize, (usize, u64));

/// Results kept per text at most (a few rules ask about each description).
const KEPT_PER_TEXT: usize = 16;

impl Clone for Kept {
    fn clone(&self) -> Self {
        Kept(Mutex::new(
            self.0.lock().map(|kept| kept.clone()).unwrap_or_default(),
        ))
    }
}

impl PartialEq for Kept {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for Kept {}

impl std::fmt::Debug for Kept {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Kept")
    }
}

/// [`by_text`] of `text`, whose results `kept` keeps (kept with that very text).
pub(crate) fn by_kept_text<T: Any + Send + Sync>(
    knowledge: &Knowledge,
    what: &'static str,
    text: &str,
    kept: &Kept,
    compute: impl FnOnce() -> T,
) -> Arc<T> {
    let Some(key) = kept_key(knowledge, what, text) else {
        return Arc::new(compute());
    };
    if let Some(found) = kept.0.lock().ok().and_then(|entries| {
        entries
            .iter()
            .find(|(k, _)| *k == key)
            .and_then(|(_, value)| value.clone().downcast::<T>().ok())
    }) {
        return found;
    }
    keep(kept, key, by_text(knowledge, what, text, compute))
}

/// `read` of [`by_kept_text`]'s result, read where it is kept (no reference to it is taken on a
/// hit: most questions are answered by a flag).
pub(crate) fn read_kept<T: Any + Send + Sync, R>(
    knowledge: &Knowledge,
    what: &'static str,
    text: &str,
    kept: &Kept,
    compute: impl FnOnce() -> T,
    read: impl Fn(&T) -> R,
) -> R {
    let Some(key) = kept_key(knowledge, what, text) else {
        return read(&compute());
    };
    if let Ok(entries) = kept.0.lock()
        && let Some(value) = entries
            .iter()
            .find(|(k, _)| *k == key)
            .and_then(|(_, value)| value.downcast_ref::<T>())
    {
        return read(value);
    }
    read(&keep(kept, key, by_text(knowledge, what, text, compute)))
}

fn kept_key(knowledge: &Knowledge, what: &'static str, text: &str) -> Option<KeptKey> {
    Some((what.as_ptr() as usize, text.len(), knowledge.identity()?))
}

/// Keeps `value` with the text, if there is room.
fn keep<T: Any + Send + Sync>(kept: &Kept, key: KeptKey, value: Arc<T>) -> Arc<T> {
    if let Ok(mut entries) = kept.0.lock()
        && entries.len() < KEPT_PER_TEXT
    {
        entries.push((key, value.clone()));
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
    fn results_kept_with_a_text_are_those_of_the_shared_memo() {
        let knowledge = Knowledge::builtin();
        let kept = Kept::default();
        let text = "a kept text only this test uses: 77d2";
        let mut calls = 0;
        let first = by_kept_text(knowledge, "kept-test", text, &kept, || {
            calls += 1;
            text.len()
        });
        // Found with the text (the shared memo is not asked: its entry is gone).
        memo().lock().unwrap().entries.clear();
        let again = by_kept_text(knowledge, "kept-test", text, &kept, || {
            calls += 1;
            0
        });
        assert_eq!((*first, *again, calls), (text.len(), text.len(), 1));
        let read = read_kept(knowledge, "kept-test", text, &kept, || 0usize, |n| *n + 1);
        assert_eq!(read, text.len() + 1);
        // A clone keeps the results; another computation of the same text is its own.
        let cloned = kept.clone();
        assert_eq!(
            *by_kept_text(knowledge, "kept-test", text, &cloned, || 0usize),
            text.len()
        );
        assert_eq!(
            *by_kept_text(knowledge, "kept-other", text, &cloned, || 5usize),
            5
        );
        // Tables without identity keep nothing.
        let plain = Knowledge::default();
        assert_eq!(
            *by_kept_text(&plain, "kept-test", text, &kept, || 9usize),
            9
        );
    }

    #[test]
    fn a_hit_needs_the_same_text_not_only_the_same_hash() {
        // One address for the name (the key holds its address).
        static WHAT: &str = "memo-collision-test";
        let knowledge = Knowledge::builtin();
        let identity = knowledge.identity().unwrap();
        let (text, other) = ("the memo's own text: 9a41", "another text: 9a41");
        // Plant a value under `other`'s key but with `text`: a lookup of `other` must not take it.
        memo().lock().unwrap().entries.insert(
            (identity, WHAT.as_ptr() as usize, hash(other)),
            (text.into(), Arc::new(1usize)),
        );
        let got = by_text(knowledge, WHAT, other, || 2usize);
        assert_eq!(*got, 2);
        let again = by_text(knowledge, WHAT, other, || 3usize);
        assert_eq!(*again, 2);
    }
}
