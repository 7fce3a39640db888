//! What the rules' tests share.

use agentlint_rules::Knowledge;

/// The runs of `key` a message may not show: five characters in a row past its provider's public
/// prefix (`sk-proj-`), four of a key shorter than 20 characters.
pub fn revealing_runs(key: &str) -> Vec<String> {
    let public = Knowledge::builtin()
        .secrets
        .formats
        .iter()
        .filter_map(|f| f.prefix.as_ref()?.find(key).map(|m| m.end()))
        .max()
        .unwrap_or(0);
    let width = if key.chars().count() < 20 { 4 } else { 5 };
    let chars: Vec<char> = key[public..].chars().collect();
    chars
        .windows(width)
        .map(|w| w.iter().collect::<String>())
        .filter(|run| !key[..public].contains(run.as_str()))
        .collect()
}
