//! Deciding whether a file is text agentlint should analyse at all.

use std::fmt;

/// Files larger than this are skipped: they are generated or vendored, and analysing them would
/// break the latency budget.
pub const MAX_FILE_BYTES: usize = 5 * 1024 * 1024;

/// How far into a file to look for a NUL byte when deciding whether it is binary (as git does).
const BINARY_SNIFF_BYTES: usize = 8000;

/// Why a file was not analysed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SkipReason {
    TooLarge { bytes: usize },
    Binary,
    InvalidUtf8 { valid_up_to: usize },
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SkipReason::TooLarge { bytes } => write!(
                f,
                "skipped: {:.1} MB is over the {} MB limit for analysed files",
                *bytes as f64 / (1024.0 * 1024.0),
                MAX_FILE_BYTES / (1024 * 1024)
            ),
            SkipReason::Binary => write!(f, "skipped: binary file (contains NUL bytes)"),
            SkipReason::InvalidUtf8 { valid_up_to } => write!(
                f,
                "skipped: not valid UTF-8 (first invalid byte at offset {valid_up_to})"
            ),
        }
    }
}

/// Returns the text of `bytes` if it should be analysed.
pub fn check_input(bytes: &[u8]) -> Result<&str, SkipReason> {
    check_bytes(bytes)?;
    std::str::from_utf8(bytes).map_err(|e| SkipReason::InvalidUtf8 {
        valid_up_to: e.valid_up_to(),
    })
}

/// [`check_input`] for bytes read into a buffer of their own: the buffer becomes the text, not
/// copied (a file read from disk).
pub fn check_owned(bytes: Vec<u8>) -> Result<String, SkipReason> {
    check_bytes(&bytes)?;
    String::from_utf8(bytes).map_err(|e| SkipReason::InvalidUtf8 {
        valid_up_to: e.utf8_error().valid_up_to(),
    })
}

/// The checks before the text's encoding: its size, and a NUL byte near its start.
fn check_bytes(bytes: &[u8]) -> Result<(), SkipReason> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(SkipReason::TooLarge { bytes: bytes.len() });
    }
    if bytes[..bytes.len().min(BINARY_SNIFF_BYTES)].contains(&0) {
        return Err(SkipReason::Binary);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_passes_and_bad_input_is_named() {
        assert_eq!(check_input(b"eval(x)\n"), Ok("eval(x)\n"));
        assert_eq!(check_input(b"a\0b"), Err(SkipReason::Binary));
        assert_eq!(
            check_input(b"ok\xffno"),
            Err(SkipReason::InvalidUtf8 { valid_up_to: 2 })
        );
        for input in [&b"eval(x)\n"[..], b"a\0b", b"ok\xffno", b""] {
            assert_eq!(
                check_owned(input.to_vec()),
                check_input(input).map(str::to_string)
            );
        }
        let big = vec![b'a'; MAX_FILE_BYTES + 1];
        assert!(matches!(
            check_input(&big),
            Err(SkipReason::TooLarge { .. })
        ));
        assert!(
            SkipReason::TooLarge {
                bytes: 6 * 1024 * 1024
            }
            .to_string()
            .contains("6.0 MB")
        );
    }
}
