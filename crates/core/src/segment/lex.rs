//! Stage 1 of the query language: text → tokens, each with its character offset. Shared by the
//! parser and by autocompletion (which reads the text before the caret with it). Full-width
//! punctuation (（）“”，、) and the comparison signs ≠ ≥ ≤ are read like their ASCII forms.

use super::error::{ErrorKind, ParseError};
use super::span::Span;
use chrono::NaiveDate;
use std::fmt;

#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    /// A name or keyword, as typed (keywords compare case-insensitively).
    Word(String),
    /// Quoted text, quotes removed and escapes resolved.
    Str(String),
    /// A number as typed (`12`, `1.5`, `1.2万`), read by whoever knows what it measures.
    Num(String),
    Date(NaiveDate),
    Span(Span),
    LParen,
    RParen,
    Comma,
    /// A comparison, in its canonical spelling (`=`, `!=`, `>`, `>=`, `<`, `<=`).
    Cmp(&'static str),
}

/// The token as the language writes it (errors quote it).
impl fmt::Display for Tok {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Tok::Word(w) | Tok::Num(w) => f.write_str(w),
            Tok::Str(s) => write!(f, "\"{s}\""),
            Tok::Date(d) => write!(f, "{d}"),
            Tok::Span(s) => write!(f, "{s}"),
            Tok::LParen => f.write_str("("),
            Tok::RParen => f.write_str(")"),
            Tok::Comma => f.write_str(","),
            Tok::Cmp(c) => f.write_str(c),
        }
    }
}

impl Tok {
    /// Whether this is the keyword `kw` (any case).
    pub fn is_keyword(&self, kw: &str) -> bool {
        matches!(self, Tok::Word(w) if w.eq_ignore_ascii_case(kw))
    }
}

pub fn tokenize(text: &str) -> Result<Vec<(usize, Tok)>, ParseError> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        let start = i;
        let err = |kind| ParseError::new(start, kind);
        match c {
            c if c.is_whitespace() => i += 1,
            '(' | '（' => {
                out.push((start, Tok::LParen));
                i += 1;
            }
            ')' | '）' => {
                out.push((start, Tok::RParen));
                i += 1;
            }
            ',' | '，' | '、' => {
                out.push((start, Tok::Comma));
                i += 1;
            }
            '"' | '“' | '”' | '\'' => {
                let close = match c {
                    '“' => '”',
                    other => other,
                };
                let mut s = String::new();
                i += 1;
                loop {
                    match chars.get(i) {
                        None => return Err(err(ErrorKind::UnclosedString)),
                        Some('\\') => {
                            if let Some(&n) = chars.get(i + 1) {
                                s.push(n);
                            }
                            i += 2;
                        }
                        Some(&ch) if ch == close || (close == '”' && ch == '"') => {
                            i += 1;
                            break;
                        }
                        Some(&ch) => {
                            s.push(ch);
                            i += 1;
                        }
                    }
                }
                out.push((start, Tok::Str(s)));
            }
            '=' | '!' | '<' | '>' | '≠' | '≥' | '≤' => {
                let next = chars.get(i + 1).copied();
                let (op, len) = match (c, next) {
                    ('=', Some('=')) => ("=", 2),
                    ('=', _) => ("=", 1),
                    ('!', Some('=')) | ('<', Some('>')) => ("!=", 2),
                    ('≠', _) => ("!=", 1),
                    ('>', Some('=')) => (">=", 2),
                    ('<', Some('=')) => ("<=", 2),
                    ('≥', _) => (">=", 1),
                    ('≤', _) => ("<=", 1),
                    ('>', _) => (">", 1),
                    ('<', _) => ("<", 1),
                    _ => return Err(err(ErrorKind::Unexpected(c.to_string()))),
                };
                out.push((start, Tok::Cmp(op)));
                i += len;
            }
            c if c.is_ascii_digit()
                || (c == '-' && chars.get(i + 1).is_some_and(char::is_ascii_digit)) =>
            {
                let mut s = String::from(c);
                i += 1;
                while let Some(&d) = chars.get(i) {
                    if d.is_ascii_alphanumeric() || d == '.' || d == '-' || d == '万' {
                        s.push(d);
                        i += 1;
                    } else {
                        break;
                    }
                }
                out.push((
                    start,
                    number_token(&s).ok_or_else(|| err(ErrorKind::BadNumber(s.clone())))?,
                ));
            }
            c if c.is_alphanumeric() || c == '_' => {
                let mut s = String::new();
                while let Some(&d) = chars.get(i) {
                    if d.is_alphanumeric() || d == '_' {
                        s.push(d);
                        i += 1;
                    } else {
                        break;
                    }
                }
                out.push((start, Tok::Word(s)));
            }
            other => return Err(err(ErrorKind::Unexpected(other.to_string()))),
        }
    }
    Ok(out)
}

/// `2024-01-31` is a date, `30d` a span, anything else a number (checked when used).
fn number_token(s: &str) -> Option<Tok> {
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Some(Tok::Date(d));
    }
    if let Some(unit) = s.chars().last().filter(|c| c.is_ascii_alphabetic()) {
        let n: u32 = s[..s.len() - 1].parse().ok()?;
        let span = match unit.to_ascii_lowercase() {
            'd' => Span::Days(n),
            'w' => Span::Weeks(n),
            'm' => Span::Months(n),
            'y' => Span::Years(n),
            _ => return None,
        };
        return Some(Tok::Span(span));
    }
    let plain = s.trim_end_matches('万');
    let ok = !plain.is_empty()
        && plain
            .chars()
            .enumerate()
            .all(|(k, c)| c.is_ascii_digit() || c == '.' || (k == 0 && c == '-'))
        && plain.matches('.').count() <= 1
        && s.matches('万').count() <= 1;
    ok.then(|| Tok::Num(s.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(text: &str) -> Vec<(usize, Tok)> {
        tokenize(text).expect("tokenizes")
    }

    #[test]
    fn full_width_punctuation_reads_like_ascii() {
        assert_eq!(
            toks("城市（“上海”，'x'）≥"),
            [
                (0, Tok::Word("城市".into())),
                (2, Tok::LParen),
                (3, Tok::Str("上海".into())),
                (7, Tok::Comma),
                (8, Tok::Str("x".into())),
                (11, Tok::RParen),
                (12, Tok::Cmp(">=")),
            ]
        );
    }

    #[test]
    fn numbers_dates_and_spans() {
        assert_eq!(
            toks("1.2万 2024-01-31 30D -5 <>"),
            [
                (0, Tok::Num("1.2万".into())),
                (
                    5,
                    Tok::Date(NaiveDate::from_ymd_opt(2024, 1, 31).expect("date"))
                ),
                (16, Tok::Span(Span::Days(30))),
                (20, Tok::Num("-5".into())),
                (23, Tok::Cmp("!=")),
            ]
        );
        assert_eq!(
            tokenize("x = 1x"),
            Err(ParseError::new(4, ErrorKind::BadNumber("1x".into())))
        );
        assert_eq!(
            tokenize("a ~"),
            Err(ParseError::new(2, ErrorKind::Unexpected("~".into())))
        );
    }

    #[test]
    fn tokens_print_as_written_in_the_language() {
        let shown: Vec<String> = toks(r#"events("a\"b", 3m) == 2024-01-31"#)
            .iter()
            .map(|(_, t)| t.to_string())
            .collect();
        assert_eq!(
            shown,
            ["events", "(", r#""a"b""#, ",", "3m", ")", "=", "2024-01-31"]
        );
    }
}
