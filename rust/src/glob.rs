//! Glob patterns for `include=` / `exclude=` on relative paths.
//!
//! - A pattern without `/` matches an entry's name at any depth
//!   (`*.csv`, `__pycache__`); a pattern with `/` matches the whole
//!   relative path (`data/*.csv`, `out/**`); a leading `/` is ignored.
//! - A trailing `/` matches directories only (`cache/`).
//! - `*` matches within one path component, `?` one character except `/`,
//!   `**` any run of characters including `/`, `**/` zero or more folders,
//!   `[abc]`, `[a-z]`, `[!a-z]` character classes, `\x` a literal `x`.

use crate::error::{CoreError, CoreResult};

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Literal(u8),
    AnyOne,
    Star,
    DoubleStar,
    DoubleStarSlash,
    Class {
        negated: bool,
        ranges: Vec<(u8, u8)>,
    },
}

/// One compiled pattern.
#[derive(Debug, Clone)]
pub struct Glob {
    tokens: Vec<Token>,
    whole_path: bool,
    dirs_only: bool,
}

impl Glob {
    /// Compile a pattern.
    ///
    /// ```
    /// let g = _core::glob::Glob::new("*.csv").unwrap();
    /// assert!(g.matches("a/b/x.csv", false));
    /// assert!(!g.matches("a/x.csv.gz", false));
    /// ```
    pub fn new(pattern: &str) -> CoreResult<Self> {
        let invalid = |reason: &str| CoreError::InvalidArgument {
            reason: format!("invalid glob pattern {pattern:?}: {reason}"),
        };
        let mut text = pattern.strip_prefix('/').unwrap_or(pattern);
        let dirs_only = text.len() > 1 && text.ends_with('/');
        if dirs_only {
            text = &text[..text.len() - 1];
        }
        if text.is_empty() {
            return Err(invalid("empty pattern"));
        }
        let whole_path = text.contains('/');
        let bytes = text.as_bytes();
        let mut tokens = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'*' if bytes.get(i + 1) == Some(&b'*') => {
                    if bytes.get(i + 2) == Some(&b'/') {
                        tokens.push(Token::DoubleStarSlash);
                        i += 3;
                    } else {
                        tokens.push(Token::DoubleStar);
                        i += 2;
                    }
                    continue;
                }
                b'*' => tokens.push(Token::Star),
                b'?' => tokens.push(Token::AnyOne),
                b'\\' => {
                    i += 1;
                    let escaped = *bytes.get(i).ok_or_else(|| invalid("trailing backslash"))?;
                    tokens.push(Token::Literal(escaped));
                }
                b'[' => {
                    let (token, next) =
                        parse_class(bytes, i + 1).ok_or_else(|| invalid("unclosed '['"))?;
                    tokens.push(token);
                    i = next;
                    continue;
                }
                other => tokens.push(Token::Literal(other)),
            }
            i += 1;
        }
        Ok(Glob {
            tokens,
            whole_path,
            dirs_only,
        })
    }

    /// Does the pattern match this relative path (`/`-separated)?
    pub fn matches(&self, rel_path: &str, is_dir: bool) -> bool {
        if self.dirs_only && !is_dir {
            return false;
        }
        let subject = if self.whole_path {
            rel_path
        } else {
            rel_path.rsplit('/').next().unwrap_or(rel_path)
        };
        match_tokens(&self.tokens, subject.as_bytes())
    }
}

/// Does any pattern in `globs` match?
pub fn any_matches(globs: &[Glob], rel_path: &str, is_dir: bool) -> bool {
    globs.iter().any(|g| g.matches(rel_path, is_dir))
}

fn parse_class(bytes: &[u8], mut i: usize) -> Option<(Token, usize)> {
    let negated = matches!(bytes.get(i), Some(b'!') | Some(b'^'));
    if negated {
        i += 1;
    }
    let mut ranges = Vec::new();
    let start = i;
    loop {
        let c = *bytes.get(i)?;
        if c == b']' && i > start {
            return Some((Token::Class { negated, ranges }, i + 1));
        }
        if bytes.get(i + 1) == Some(&b'-') && bytes.get(i + 2).is_some_and(|&e| e != b']') {
            ranges.push((c, bytes[i + 2]));
            i += 3;
        } else {
            ranges.push((c, c));
            i += 1;
        }
    }
}

fn match_tokens(tokens: &[Token], s: &[u8]) -> bool {
    let Some((first, rest)) = tokens.split_first() else {
        return s.is_empty();
    };
    match first {
        Token::Literal(c) => s.first() == Some(c) && match_tokens(rest, &s[1..]),
        Token::AnyOne => s.first().is_some_and(|&c| c != b'/') && match_tokens(rest, &s[1..]),
        Token::Class { negated, ranges } => match s.first() {
            Some(&c) if c != b'/' => {
                let inside = ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi);
                inside != *negated && match_tokens(rest, &s[1..])
            }
            _ => false,
        },
        Token::Star => {
            let limit = s.iter().position(|&c| c == b'/').unwrap_or(s.len());
            (0..=limit).any(|i| match_tokens(rest, &s[i..]))
        }
        Token::DoubleStar => (0..=s.len()).any(|i| match_tokens(rest, &s[i..])),
        Token::DoubleStarSlash => {
            match_tokens(rest, s)
                || (1..=s.len()).any(|i| s[i - 1] == b'/' && match_tokens(rest, &s[i..]))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(p: &str, s: &str) -> bool {
        Glob::new(p).unwrap().matches(s, false)
    }

    #[test]
    fn names_match_at_any_depth() {
        assert!(m("*.csv", "x.csv") && m("*.csv", "a/b/x.csv"));
        assert!(!m("*.csv", "x.csvx"));
        assert!(m("__pycache__", "a/__pycache__"));
    }

    #[test]
    fn paths_with_slash_match_whole_path() {
        assert!(m("data/*.csv", "data/x.csv"));
        assert!(!m("data/*.csv", "data/sub/x.csv"));
        assert!(m("data/**", "data/sub/x.csv"));
        assert!(m("**/x.csv", "x.csv") && m("**/x.csv", "a/b/x.csv"));
        assert!(m("/top/*", "top/a"));
        assert!(m("a/**/z", "a/z") && m("a/**/z", "a/b/c/z"));
    }

    #[test]
    fn classes_and_escapes() {
        assert!(m("f[0-9].txt", "f7.txt") && !m("f[!0-9].txt", "f7.txt"));
        assert!(m("a\\*", "a*") && !m("a\\*", "ab"));
        assert!(m("?.txt", "a.txt") && !m("a?b", "a/b"));
    }

    #[test]
    fn trailing_slash_is_directories_only() {
        let g = Glob::new("cache/").unwrap();
        assert!(g.matches("x/cache", true) && !g.matches("x/cache", false));
    }

    #[test]
    fn bad_patterns_are_rejected() {
        assert!(Glob::new("").is_err() && Glob::new("[abc").is_err() && Glob::new("a\\").is_err());
    }
}
