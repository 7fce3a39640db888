//! Results of pure functions of a text, kept across analyses: the descriptions of a file's tools
//! rarely change between keystrokes, and what rules read in them (sentences, the names a
//! description asks for) is the same for the same text and tables.

use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use crate::knowledge::Knowledge;

/// Entries kept at most; past it the memo starts again (a bound on memory, not a policy).
const CAPACITY: usize = 8192;

type Key = ((usize, u64), &'static str, String);
type Memo = HashMap<Key, Arc<dyn Any + Send + Sync>>;

fn memo() -> &'static Mutex<Memo> {
    static MEMO: OnceLock<Mutex<Memo>> = OnceLock::new();
    MEMO.get_or_init(|| Mutex::new(HashMap::new()))
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
        .and_then(|m| m.get(&key).cloned())
        .and_then(|v| v.downcast::<T>().ok())
    {
        return found;
    }
    let value = Arc::new(compute());
    if let Ok(mut m) = memo().lock() {
        if m.len() >= CAPACITY {
            m.clear();
        }
        m.insert(key, value.clone());
    }
    value
}
