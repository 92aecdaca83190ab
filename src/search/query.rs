//! The query language, shared by the CLI and the HTTP API.
//!
//! - Terms separated by white space are all required: `招商引资 华勤`.
//! - `"…"` is an exact phrase; white space inside it is ignored, as in the index.
//! - `-term` or `-"…"` excludes passages that contain it.
//! - `A OR B` and `A | B` accept either.
//!
//! Every term is normalised like the index (full width, case, traditional characters). A term made
//! only of punctuation, an unbalanced quote, a dangling `OR` or `-`, a query of only exclusions or a
//! query over [`MAX_QUERY_CHARS`] is refused with a message that says which.

use serde::Serialize;

use crate::analysis::normalize::{is_word_char, normalize_str};
use crate::error::{Error, Result};

/// Longest accepted query, in characters.
pub const MAX_QUERY_CHARS: usize = 256;
/// Most terms a query may hold.
pub const MAX_TERMS: usize = 32;

/// One term or phrase of a query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QueryTerm {
    /// The term after normalisation: what must occur verbatim in normalised text.
    pub text: String,
    /// Quoted by the user: never replaced by its words.
    pub phrase: bool,
}

/// A required clause: any one of its alternatives must occur.
pub type Alternatives = Vec<QueryTerm>;

/// A parsed query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedQuery {
    pub required: Vec<Alternatives>,
    pub excluded: Vec<QueryTerm>,
}

impl ParsedQuery {
    /// The single bare term of a query such as `招商引资基金`: the only kind that may fall back to
    /// its words when it occurs nowhere verbatim.
    pub fn single_bare_term(&self) -> Option<&QueryTerm> {
        match self.required.as_slice() {
            [alternatives]
                if alternatives.len() == 1
                    && !alternatives[0].phrase
                    && self.excluded.is_empty() =>
            {
                Some(&alternatives[0])
            }
            _ => None,
        }
    }

    /// Every term that must or may match (not the excluded ones), for highlighting.
    pub fn matching_terms(&self) -> impl Iterator<Item = &QueryTerm> {
        self.required.iter().flatten()
    }
}

/// The query in the query language, as [`parse_query`] reads it back to the same terms:
/// alternatives joined by `|`, phrases quoted, exclusions after `-`.
impl std::fmt::Display for ParsedQuery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let term = |term: &QueryTerm| {
            if term.phrase {
                format!("\"{}\"", term.text)
            } else {
                term.text.clone()
            }
        };
        let mut clauses: Vec<String> = self
            .required
            .iter()
            .map(|alternatives| {
                alternatives
                    .iter()
                    .map(term)
                    .collect::<Vec<_>>()
                    .join(" | ")
            })
            .collect();
        clauses.extend(self.excluded.iter().map(|t| format!("-{}", term(t))));
        f.write_str(&clauses.join(" "))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Term {
        text: String,
        phrase: bool,
        negated: bool,
    },
    Or,
}

/// Parses `query` into required alternatives and exclusions.
pub fn parse_query(query: &str) -> Result<ParsedQuery> {
    let bad = |reason: &str| Error::BadQuery {
        query: query.to_string(),
        reason: reason.to_string(),
    };
    if query.chars().count() > MAX_QUERY_CHARS {
        return Err(bad(&format!(
            "it is longer than {MAX_QUERY_CHARS} characters"
        )));
    }
    if let Some(control) = query.chars().find(|c| c.is_control() && !c.is_whitespace()) {
        return Err(bad(&format!(
            "it holds the control character U+{:04X}",
            control as u32
        )));
    }
    let tokens = tokenize(query).map_err(|reason| bad(&reason))?;
    if tokens.is_empty() {
        return Err(bad("it is empty"));
    }
    if tokens
        .iter()
        .filter(|t| matches!(t, Token::Term { .. }))
        .count()
        > MAX_TERMS
    {
        return Err(bad(&format!("it has more than {MAX_TERMS} terms")));
    }

    let mut parsed = ParsedQuery {
        required: Vec::new(),
        excluded: Vec::new(),
    };
    let mut joining = false;
    let mut last_was_excluded = false;
    for (index, token) in tokens.iter().enumerate() {
        match token {
            Token::Or => {
                let follows_term = index > 0 && matches!(tokens[index - 1], Token::Term { .. });
                let precedes_term = matches!(tokens.get(index + 1), Some(Token::Term { .. }));
                if !follows_term || !precedes_term {
                    return Err(bad("OR (or |) needs a term on each side"));
                }
                if last_was_excluded {
                    return Err(bad("an excluded term cannot be part of an OR"));
                }
                joining = true;
            }
            Token::Term {
                text,
                phrase,
                negated,
            } => {
                let term = normalized_term(text, *phrase).map_err(|reason| bad(&reason))?;
                if *negated {
                    if joining {
                        return Err(bad("an excluded term cannot be part of an OR"));
                    }
                    parsed.excluded.push(term);
                } else if joining {
                    if let Some(last) = parsed.required.last_mut() {
                        last.push(term);
                    }
                } else {
                    parsed.required.push(vec![term]);
                }
                joining = false;
                last_was_excluded = *negated;
            }
        }
    }
    if parsed.required.is_empty() {
        return Err(bad("it only excludes terms; add a term to search for"));
    }
    Ok(parsed)
}

/// A term to count (`baogao trend`, `kwic`), normalised as a query term is; an error names the
/// term and says what is wrong with it.
pub fn normalize_term(text: &str) -> Result<String> {
    if text.chars().any(|c| c.is_control() && !c.is_whitespace()) {
        return Err(Error::BadArgument(format!(
            "bad term {text:?}: it holds a control character"
        )));
    }
    normalized_term(text, true)
        .map(|term| term.text)
        .map_err(|reason| Error::BadArgument(format!("bad term {text:?}: {reason}")))
}

fn normalized_term(text: &str, phrase: bool) -> std::result::Result<QueryTerm, String> {
    let normalized = normalize_str(text);
    if normalized.is_empty() {
        return Err("it has an empty phrase \"\"".to_string());
    }
    if !normalized.chars().any(is_word_char) {
        return Err(format!(
            "{text:?} has no letter, digit or Chinese character to search for"
        ));
    }
    // No gram starts with a punctuation mark (see the gram tokenizer), so a term cannot be pinned
    // to the marks before its first letter, digit or character: they are left out.
    Ok(QueryTerm {
        text: normalized
            .trim_start_matches(|c: char| !is_word_char(c))
            .to_string(),
        phrase,
    })
}

/// Splits the query into terms, phrases and OR operators.
fn tokenize(query: &str) -> std::result::Result<Vec<Token>, String> {
    // What a Chinese input method types means the same as the ASCII marks: full-width quote,
    // bar and minus here, the Chinese quotation marks around a phrase below.
    let query: String = query
        .chars()
        .map(|c| match c {
            '＂' => '"',
            '｜' => '|',
            '－' => '-',
            _ => c,
        })
        .collect();
    let mut tokens = Vec::new();
    let mut chars = query.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        if c == '|' {
            chars.next();
            tokens.push(Token::Or);
            continue;
        }
        let negated = c == '-';
        if negated {
            chars.next();
            match chars.peek() {
                None => return Err("'-' must be followed by the term to exclude".to_string()),
                Some(next) if next.is_whitespace() || *next == '|' => {
                    return Err("'-' must be followed by the term to exclude".to_string())
                }
                _ => {}
            }
        }
        if let Some(close) = chars.peek().and_then(|&open| closing_quote(open)) {
            chars.next();
            let mut phrase = String::new();
            loop {
                match chars.next() {
                    Some(c) if c == close => break,
                    Some(c) => phrase.push(c),
                    None => return Err("a quote is not closed".to_string()),
                }
            }
            tokens.push(Token::Term {
                text: phrase,
                phrase: true,
                negated,
            });
            continue;
        }
        let mut word = String::new();
        while let Some(&c) = chars.peek() {
            if c.is_whitespace() || c == '|' {
                break;
            }
            if c == '"' {
                return Err(
                    "a quote stands inside a term; put quotes around the whole phrase".to_string(),
                );
            }
            word.push(c);
            chars.next();
        }
        if word == "OR" && !negated {
            tokens.push(Token::Or);
        } else {
            tokens.push(Token::Term {
                text: word,
                phrase: false,
                negated,
            });
        }
    }
    Ok(tokens)
}

/// The mark that closes a phrase opened by `open`: the ASCII quote, or a Chinese quotation
/// mark (“…”, 「…」, 『…』). Inside a phrase every other mark is a character of it.
fn closing_quote(open: char) -> Option<char> {
    match open {
        '"' => Some('"'),
        '“' => Some('”'),
        '「' => Some('」'),
        '『' => Some('』'),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn term(text: &str) -> QueryTerm {
        QueryTerm {
            text: text.to_string(),
            phrase: false,
        }
    }

    fn phrase(text: &str) -> QueryTerm {
        QueryTerm {
            text: text.to_string(),
            phrase: true,
        }
    }

    #[test]
    fn white_space_separates_required_terms() {
        let parsed = parse_query("招商引资  华勤").unwrap();
        assert_eq!(
            parsed.required,
            vec![vec![term("招商引资")], vec![term("华勤")]]
        );
        assert!(parsed.excluded.is_empty());
    }

    #[test]
    fn terms_are_normalised() {
        let parsed = parse_query("招商引資 １４．２％ AA+").unwrap();
        assert_eq!(
            parsed.required,
            vec![
                vec![term("招商引资")],
                vec![term("14.2%")],
                vec![term("aa+")]
            ]
        );
    }

    #[test]
    fn phrases_exclusions_and_alternatives() {
        let parsed = parse_query("\"产业 集群\" -华勤 水饮料 OR 模具 | 食品").unwrap();
        assert_eq!(
            parsed.required,
            vec![
                vec![phrase("产业集群")],
                vec![term("水饮料"), term("模具"), term("食品")]
            ]
        );
        assert_eq!(parsed.excluded, vec![term("华勤")]);
        assert_eq!(
            parse_query("-\"华勤 技术\" 园区").unwrap().excluded,
            vec![phrase("华勤技术")]
        );
    }

    #[test]
    fn marks_typed_with_a_chinese_input_method_work_as_the_ascii_ones() {
        let typed = parse_query("“产业 集群” 「十四五」 －华勤 模具 ｜ 食品").unwrap();
        let ascii = parse_query("\"产业 集群\" \"十四五\" -华勤 模具 | 食品").unwrap();
        assert_eq!(typed, ascii);
        assert_eq!(
            typed.required,
            vec![
                vec![phrase("产业集群")],
                vec![phrase("十四五")],
                vec![term("模具"), term("食品")]
            ]
        );
        assert_eq!(typed.excluded, vec![term("华勤")]);
        // Inside a term, a full-width minus is a character of it, as NFKC makes it; inside a
        // phrase, so are the other quotation marks.
        assert_eq!(
            parse_query("２０２３－２０２４").unwrap().required,
            vec![vec![term("2023-2024")]]
        );
        assert_eq!(
            parse_query("\"”,聚\" “「十四五」”").unwrap(),
            parse_query("\"”,聚\" \"「十四五」\"").unwrap()
        );
        assert_eq!(parse_query("\"”,聚\"").unwrap().required.len(), 1);
    }

    #[test]
    fn a_single_bare_term_may_fall_back() {
        assert!(parse_query("招商引资基金")
            .unwrap()
            .single_bare_term()
            .is_some());
        assert!(parse_query("\"招商引资基金\"")
            .unwrap()
            .single_bare_term()
            .is_none());
        assert!(parse_query("招商 基金")
            .unwrap()
            .single_bare_term()
            .is_none());
        assert!(parse_query("招商 OR 基金")
            .unwrap()
            .single_bare_term()
            .is_none());
    }

    #[test]
    fn bad_queries_say_what_is_wrong() {
        let reason = |q: &str| match parse_query(q) {
            Err(Error::BadQuery { reason, .. }) => reason,
            other => panic!("{q:?} gave {other:?}"),
        };
        assert!(reason("").contains("empty"));
        assert!(reason("   ").contains("empty"));
        assert!(reason("，。！").contains("no letter"));
        assert!(reason("\"华勤").contains("not closed"));
        assert!(reason("华勤 -").contains("'-'"));
        assert!(reason("OR 华勤").contains("OR"));
        assert!(reason("华勤 |").contains("OR"));
        assert!(reason("-华勤").contains("only excludes"));
        assert!(reason("华勤 OR -水").contains("OR"));
        assert!(reason(&"水".repeat(MAX_QUERY_CHARS + 1)).contains("longer"));
        assert!(reason("\"\" 水").contains("empty phrase"));
        assert!(reason("华\"勤").contains("quote"));
    }

    #[test]
    fn lower_case_or_is_a_term() {
        assert_eq!(parse_query("a or b").unwrap().required.len(), 3);
    }
}
