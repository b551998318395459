//! Autocompletion for the text editor: what may come at the caret (a field, an operator for
//! the field before it, a known value of that field, AND/OR), filtered by what is half typed.
//! It reads the text before the caret with the lexer ([`super::lex`]) and a small state machine
//! that follows the grammar of docs/segments.md just far enough to know the context.

use super::edit::operators_for;
use super::fields::{
    CALLS, CHANNEL_ORDERS, CONTACTS, Field, FieldType, IN_SEGMENT, ORDERS_BETWEEN, PLAIN, REQUESTS,
};
use super::lex::{Tok, tokenize};
use super::print::quote;
use super::resolve::{group_word, stage_word};
use crate::dataset::Dataset;
use crate::metrics::{RfmGroup, Stage};
use crate::sym::{Sym, SymCounts};
use rustc_hash::FxHashMap as HashMap;

/// Suggestions shown at most.
const LIMIT: usize = 12;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SuggestionKind {
    Field,
    Operator,
    Value,
    Keyword,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suggestion {
    /// The text that replaces `from..to`.
    pub insert: String,
    /// What the list shows (a Chinese alias shows its English name too).
    pub label: String,
    pub kind: SuggestionKind,
}

/// Suggestions for the caret, and the character range (the half-typed word) they replace.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Completion {
    pub from: usize,
    pub to: usize,
    pub items: Vec<Suggestion>,
}

/// The values the data holds for the fields autocompletion can offer, most frequent first.
/// Built once per data change; names, phones and e-mails are never offered.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Vocabulary {
    pub cities: Vec<String>,
    pub provinces: Vec<String>,
    pub channels: Vec<String>,
    pub levels: Vec<String>,
    pub owners: Vec<String>,
    pub tags: Vec<String>,
    pub event_kinds: Vec<String>,
    pub order_channels: Vec<String>,
    /// The request cards' categories (codes), most used first.
    pub request_categories: Vec<String>,
}

/// Distinct values by descending count.
fn by_frequency<'a>(values: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut counts: HashMap<&str, usize> = HashMap::default();
    for v in values {
        *counts.entry(v).or_default() += 1;
    }
    ranked(counts)
}

/// Values by descending count (ties by value, so the order is stable); blank ones dropped.
fn ranked(counts: HashMap<&str, usize>) -> Vec<String> {
    let mut list: Vec<(&str, usize)> = counts
        .into_iter()
        .filter(|(v, _)| !v.trim().is_empty())
        .collect();
    crate::sorting::sort_by(&mut list, |a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    list.into_iter().map(|(v, _)| v.to_string()).collect()
}

/// Interned values by descending count.
fn by_symbol(values: impl Iterator<Item = Sym>) -> Vec<String> {
    let mut counts = SymCounts::default();
    values.for_each(|v| counts.add(v));
    ranked(counts.counted().collect())
}

/// The event types by how many events have them, the most frequent first: counted by shape
/// (a few thousand) rather than by event (10 M at 500,000 customers), then summed by type.
/// Also on its own for the funnel editor, which needs no other part of the [`Vocabulary`].
pub fn event_kinds(events: &crate::EventLog) -> Vec<String> {
    let log = events.normalized();
    let mut per_shape = vec![0usize; log.shapes().len()];
    for n in log.shape_numbers().iter() {
        if let Some(count) = per_shape.get_mut(n as usize) {
            *count += 1;
        }
    }
    let mut counts = SymCounts::default();
    for (shape, n) in log.shapes().iter().zip(per_shape) {
        if n > 0 {
            counts.add_n(shape.kind, n);
        }
    }
    ranked(counts.counted().collect())
}

impl Vocabulary {
    pub fn new(data: &Dataset) -> Self {
        // One pass over the customers for all their fields (five passes over 500,000
        // customers' records were five trips through a few hundred megabytes).
        let mut fields: [SymCounts; 5] = Default::default();
        let mut tags = SymCounts::default();
        for c in &data.customers {
            let values = [c.city, c.province, c.channel, c.member_level, c.owner];
            for (counts, v) in fields.iter_mut().zip(values) {
                if let Some(v) = v {
                    counts.add(v);
                }
            }
            c.tags.iter().for_each(|&t| tags.add(t));
        }
        let [cities, provinces, channels, levels, owners] =
            fields.map(|counts| ranked(counts.counted().collect()));
        Vocabulary {
            cities,
            provinces,
            channels,
            levels,
            owners,
            tags: ranked(tags.counted().collect()),
            event_kinds: event_kinds(&data.events),
            order_channels: by_symbol(data.orders.iter().map(|o| o.channel)),
            request_categories: by_frequency(
                (data.desk.requests.iter().map(|r| r.category.as_str()))
                    .chain(crate::model::desk::category::BUILT_IN),
            ),
        }
    }

    /// What a field's values may be: the data's values, the label names in the user's
    /// language, tier names, saved segment names.
    pub fn values(
        &self,
        field: &Field,
        chinese: bool,
        tiers: &[String],
        segments: &[String],
    ) -> Vec<String> {
        let names = |it: &mut dyn Iterator<Item = &'static str>| it.map(String::from).collect();
        match field {
            Field::City => self.cities.clone(),
            Field::Province => self.provinces.clone(),
            Field::Channel => self.channels.clone(),
            Field::Level => self.levels.clone(),
            Field::Owner => self.owners.clone(),
            Field::Tags => self.tags.clone(),
            Field::Events { .. } => self.event_kinds.clone(),
            Field::ChannelOrders { .. } => self.order_channels.clone(),
            Field::Requests { .. } => self.request_categories.clone(),
            Field::Lifecycle => names(&mut Stage::ALL.iter().map(|&s| stage_word(s, chinese))),
            Field::RfmGroup => names(&mut RfmGroup::ALL.iter().map(|&g| group_word(g, chinese))),
            Field::Tier => tiers.to_vec(),
            Field::InSegment { .. } => segments.to_vec(),
            _ => Vec::new(),
        }
    }
}

/// Where in the grammar the caret stands.
#[derive(Clone, Debug, PartialEq)]
enum At {
    Field,
    /// After a field: its operators.
    Operator(Field),
    /// After a word that starts a two-word operator (`IS`, `NOT`, `HAS`, `STARTS`, `OLDER`).
    OperatorRest(Field, String),
    /// A single value of the field.
    Value(Field),
    /// `BETWEEN a` typed: `AND` comes next, then the second value.
    BetweenAnd(Field),
    /// A list is due: `(` then values.
    ListStart(Field),
    InList(Field),
    /// The first argument of a call (`events(`, `channel_orders(`, `in_segment(`, `contacts(`).
    CallArgument(&'static str),
    /// Other call arguments, or a value the language cannot suggest (numbers, dates).
    Nothing,
    /// After a whole condition: AND / OR, or `)` inside parentheses.
    Joiner {
        depth: usize,
    },
}

/// Completes at `caret` (a character offset). `known` lists the values a field has in the
/// data (cities, tags, stage names, event types, saved segment names…), most useful first.
pub fn complete(text: &str, caret: usize, known: &dyn Fn(&Field) -> Vec<String>) -> Completion {
    let chars: Vec<char> = text.chars().take(caret).collect();
    let caret = chars.len();
    // The half-typed token: an open quoted text, or a word.
    let (from, partial, quoted) = match open_quote(&chars) {
        Some(q) => (q, chars[q + 1..].iter().collect::<String>(), true),
        None => {
            let start = chars
                .iter()
                .rposition(|c| !(c.is_alphanumeric() || *c == '_'))
                .map_or(0, |p| p + 1);
            (start, chars[start..].iter().collect::<String>(), false)
        }
    };
    let before: String = chars[..from].iter().collect();
    let Ok(tokens) = tokenize(&before) else {
        return Completion::default();
    };
    let at = context(tokens.into_iter().map(|(_, t)| t).collect());
    let items = suggestions(&at, known);
    let needle = partial.to_lowercase();
    let score = |s: &Suggestion| {
        let insert = s.insert.trim_start_matches(['(', '"']).to_lowercase();
        let label = s.label.to_lowercase();
        if needle.is_empty() || insert.starts_with(&needle) || label.starts_with(&needle) {
            Some(0)
        } else if at_word_start(&insert, &needle) || at_word_start(&label, &needle) {
            Some(1)
        } else {
            None
        }
    };
    let mut ranked: Vec<(u8, Suggestion)> = items
        .into_iter()
        // A quoted partial only completes values; a word partial anything.
        .filter(|s| !quoted || s.kind == SuggestionKind::Value)
        .filter_map(|s| score(&s).map(|k| (k, s)))
        .collect();
    crate::sorting::sort_by_key(&mut ranked, |(k, _)| *k);
    let mut seen = std::collections::HashSet::new();
    let items: Vec<Suggestion> = ranked
        .into_iter()
        .map(|(_, s)| s)
        .filter(|s| seen.insert(s.insert.clone()))
        // Nothing to offer when the word is already complete.
        .filter(|s| partial.is_empty() || !s.insert.eq_ignore_ascii_case(&partial))
        .take(LIMIT)
        .collect();
    Completion {
        from,
        to: caret,
        items,
    }
}

/// Whether `needle` starts a word inside `hay` (`la` in `days_since_last_order`, not in
/// `complaint`); Chinese text has no word boundaries, so there anywhere.
fn at_word_start(hay: &str, needle: &str) -> bool {
    if needle.is_empty() {
        return true;
    }
    if !needle.is_ascii() {
        return hay.contains(needle);
    }
    hay.match_indices(needle).any(|(p, _)| {
        hay[..p]
            .chars()
            .next_back()
            .is_none_or(|c| matches!(c, '_' | ' ' | '(' | '·') || !c.is_ascii())
    })
}

/// The position of an unclosed opening quote, if the text ends inside quoted text.
fn open_quote(chars: &[char]) -> Option<usize> {
    let mut open: Option<(usize, char)> = None;
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        match open {
            // An escaped character never closes the text.
            Some(_) if c == '\\' => i += 1,
            Some((_, close)) if c == close || (close == '”' && c == '"') => open = None,
            Some(_) => {}
            None if matches!(c, '"' | '“' | '\'') => {
                open = Some((i, if c == '“' { '”' } else { c }));
            }
            None => {}
        }
        i += 1;
    }
    open.map(|(p, _)| p)
}

fn word(t: &Tok) -> Option<String> {
    match t {
        Tok::Word(w) => Some(w.to_ascii_uppercase()),
        _ => None,
    }
}

fn call_named(w: &str) -> Option<&'static str> {
    CALLS
        .into_iter()
        .find(|(name, aliases)| name.eq_ignore_ascii_case(w) || aliases.contains(&w))
        .map(|(name, _)| name)
}

/// A call's field with placeholder arguments: only its type and kind matter here.
fn call_field(name: &str) -> Field {
    match name {
        n if n == CHANNEL_ORDERS.0 => Field::ChannelOrders {
            channel: String::new(),
        },
        n if n == ORDERS_BETWEEN.0 => Field::OrdersBetween {
            from: chrono::NaiveDate::MIN,
            to: chrono::NaiveDate::MIN,
        },
        n if n == CONTACTS.0 => Field::Contacts {
            within: super::span::Span::Days(0),
        },
        n if n == IN_SEGMENT.0 => Field::InSegment {
            name: String::new(),
        },
        n if n == REQUESTS.0 => Field::Requests {
            category: String::new(),
            within: None,
        },
        _ => Field::Events {
            kind: String::new(),
            within: None,
        },
    }
}

fn is_value(t: &Tok) -> bool {
    matches!(t, Tok::Str(_) | Tok::Num(_) | Tok::Date(_) | Tok::Span(_))
}

/// Follows the tokens before the caret through the grammar.
fn context(tokens: Vec<Tok>) -> At {
    let mut at = At::Field;
    let mut depth = 0usize;
    let mut between_pending = false;
    let mut k = 0;
    while let Some(t) = tokens.get(k) {
        let w = word(t);
        at = match (at, t) {
            (At::Field, Tok::LParen) => {
                depth += 1;
                At::Field
            }
            (At::Field, Tok::Word(raw))
                if w.as_deref() == Some("NOT") && call_named(raw).is_none() =>
            {
                At::Field
            }
            (At::Field, Tok::Word(raw)) => {
                if let Some(name) = call_named(raw) {
                    // Skip the call's arguments; stop inside them if they are not closed.
                    if tokens.get(k + 1) != Some(&Tok::LParen) {
                        return At::Nothing;
                    }
                    let close = tokens[k + 2..].iter().position(|t| *t == Tok::RParen);
                    match close {
                        None => {
                            let args = &tokens[k + 2..];
                            return if args.is_empty() {
                                At::CallArgument(name)
                            } else {
                                At::Nothing
                            };
                        }
                        Some(c) => {
                            k += 2 + c;
                            let field = call_field(name);
                            if field.field_type() == FieldType::Flag {
                                At::Joiner { depth }
                            } else {
                                At::Operator(field)
                            }
                        }
                    }
                } else {
                    match Field::plain(raw) {
                        Some(f) if f.field_type() == FieldType::Flag => At::Joiner { depth },
                        Some(f) => At::Operator(f),
                        None => return At::Nothing,
                    }
                }
            }
            (At::Operator(f), Tok::Cmp(_)) => At::Value(f),
            (At::Operator(f), Tok::Word(_)) => match w.as_deref() {
                Some("IN") => At::ListStart(f),
                Some("BETWEEN") => {
                    between_pending = true;
                    At::Value(f)
                }
                Some("CONTAINS" | "BEFORE" | "AFTER" | "WITHIN") => At::Value(f),
                Some(rest @ ("IS" | "NOT" | "HAS" | "STARTS" | "OLDER")) => {
                    At::OperatorRest(f, rest.to_string())
                }
                _ => return At::Nothing,
            },
            (At::OperatorRest(f, first), Tok::Word(_)) => match (first.as_str(), w.as_deref()) {
                ("IS", Some("NOT")) => At::OperatorRest(f, "IS NOT".into()),
                ("IS" | "IS NOT", Some("EMPTY")) => At::Joiner { depth },
                ("NOT", Some("IN")) | ("HAS", Some("ANY" | "ALL" | "NONE")) => At::ListStart(f),
                ("STARTS", Some("WITH")) | ("OLDER", Some("THAN")) => At::Value(f),
                _ => return At::Nothing,
            },
            (At::Value(f), t) if is_value(t) => {
                if between_pending {
                    between_pending = false;
                    At::BetweenAnd(f)
                } else {
                    At::Joiner { depth }
                }
            }
            (At::BetweenAnd(f), Tok::Word(_)) if w.as_deref() == Some("AND") => At::Value(f),
            (At::ListStart(f), Tok::LParen) => At::InList(f),
            (At::InList(f), Tok::Comma) => At::InList(f),
            (At::InList(f), t) if is_value(t) => At::InList(f),
            (At::InList(_), Tok::RParen) => At::Joiner { depth },
            (At::Joiner { .. }, Tok::Word(_)) if matches!(w.as_deref(), Some("AND" | "OR")) => {
                At::Field
            }
            (At::Joiner { .. }, Tok::RParen) if depth > 0 => {
                depth -= 1;
                At::Joiner { depth }
            }
            _ => return At::Nothing,
        };
        k += 1;
    }
    at
}

fn keyword(s: &str) -> Suggestion {
    Suggestion {
        insert: s.to_string(),
        label: s.to_string(),
        kind: SuggestionKind::Keyword,
    }
}

fn value(v: &str, in_list_start: bool) -> Suggestion {
    let q = quote(v);
    Suggestion {
        insert: if in_list_start { format!("({q}") } else { q },
        label: v.to_string(),
        kind: SuggestionKind::Value,
    }
}

fn suggestions(at: &At, known: &dyn Fn(&Field) -> Vec<String>) -> Vec<Suggestion> {
    match at {
        At::Field => {
            let calls = CALLS;
            let mut out: Vec<Suggestion> = PLAIN
                .iter()
                .map(|(_, name, aliases, _)| Suggestion {
                    insert: name.to_string(),
                    label: match aliases.first() {
                        Some(a) => format!("{name} · {a}"),
                        None => name.to_string(),
                    },
                    kind: SuggestionKind::Field,
                })
                .chain(calls.iter().map(|(name, aliases)| Suggestion {
                    insert: format!("{name}("),
                    label: match aliases.first() {
                        Some(a) => format!("{name}(…) · {a}"),
                        None => format!("{name}(…)"),
                    },
                    kind: SuggestionKind::Field,
                }))
                .collect();
            // Chinese aliases complete to themselves, so a user typing 城 gets 城市.
            for (_, _, aliases, _) in PLAIN.iter() {
                for a in aliases.iter() {
                    out.push(Suggestion {
                        insert: a.to_string(),
                        label: a.to_string(),
                        kind: SuggestionKind::Field,
                    });
                }
            }
            out.push(keyword("NOT"));
            out
        }
        At::Operator(f) => operators_for(f.field_type())
            .iter()
            .map(|op| Suggestion {
                insert: op.to_string(),
                label: op.to_string(),
                kind: SuggestionKind::Operator,
            })
            .collect(),
        At::OperatorRest(_, first) => {
            let rest: &[&str] = match first.as_str() {
                "IS" => &["EMPTY", "NOT EMPTY"],
                "IS NOT" => &["EMPTY"],
                "NOT" => &["IN"],
                "HAS" => &["ANY", "ALL", "NONE"],
                "STARTS" => &["WITH"],
                "OLDER" => &["THAN"],
                _ => &[],
            };
            rest.iter().map(|s| keyword(s)).collect()
        }
        At::Value(f) | At::InList(f) => match f.field_type() {
            FieldType::Text | FieldType::Label | FieldType::Tags => {
                known(f).iter().map(|v| value(v, false)).collect()
            }
            _ => Vec::new(),
        },
        At::ListStart(f) => known(f).iter().map(|v| value(v, true)).collect(),
        At::CallArgument(name) => {
            if *name == CONTACTS.0 {
                return ["7d", "30d", "90d", "1y"]
                    .iter()
                    .map(|s| keyword(s))
                    .collect();
            }
            if *name == ORDERS_BETWEEN.0 {
                return Vec::new();
            }
            known(&call_field(name))
                .iter()
                .map(|v| value(v, false))
                .collect()
        }
        At::BetweenAnd(_) => vec![keyword("AND")],
        At::Nothing => Vec::new(),
        At::Joiner { depth } => {
            let mut out = vec![keyword("AND"), keyword("OR")];
            if *depth > 0 {
                out.push(keyword(")"));
            }
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(f: &Field) -> Vec<String> {
        let v: &[&str] = match f {
            Field::City => &["上海", "杭州", "北京"],
            Field::Tags => &["VIP", "母婴"],
            Field::Events { .. } => &["visit", "add_to_cart"],
            Field::InSegment { .. } => &["高价值客户", "Q1 名单"],
            Field::Lifecycle => &["成熟", "流失预警"],
            _ => &[],
        };
        v.iter().map(|s| s.to_string()).collect()
    }

    /// The inserts offered at the end of `text`.
    fn offered(text: &str) -> Vec<String> {
        complete(text, text.chars().count(), &known)
            .items
            .into_iter()
            .map(|s| s.insert)
            .collect()
    }

    #[test]
    fn fields_at_the_start_and_after_joiners() {
        assert_eq!(offered("tot"), ["total_spent"]);
        assert_eq!(
            offered("city = \"上海\" AND la"),
            ["last_order_at", "days_since_last_order"]
        );
        assert_eq!(offered("(NOT 城"), ["城市", "city"]);
        assert!(offered("in_s").contains(&"in_segment(".to_string()));
        // Matches inside a name come after prefix matches.
        let r = offered("order");
        assert_eq!(r.first().map(String::as_str), Some("orders"));
        assert!(r.contains(&"last_order_at".to_string()));
    }

    #[test]
    fn operators_follow_the_field_type() {
        assert_eq!(
            offered("tags "),
            ["HAS ANY", "HAS ALL", "HAS NONE", "IS EMPTY", "IS NOT EMPTY"]
        );
        assert_eq!(offered("last_order_at W"), ["WITHIN"]);
        assert_eq!(offered("city IS "), ["EMPTY", "NOT EMPTY"]);
        assert_eq!(offered("tags HAS "), ["ANY", "ALL", "NONE"]);
        assert_eq!(offered(r#"events("visit", 30d) >"#), Vec::<String>::new());
        assert!(offered(r#"events("visit", 30d) "#).contains(&">=".to_string()));
    }

    #[test]
    fn known_values_complete_quoted_or_not() {
        assert_eq!(offered("city = "), [r#""上海""#, r#""杭州""#, r#""北京""#]);
        assert_eq!(offered("city = \"杭"), [r#""杭州""#]);
        assert_eq!(
            offered("city IN "),
            [r#"("上海""#, r#"("杭州""#, r#"("北京""#]
        );
        assert_eq!(offered("city IN (\"上海\", 北"), [r#""北京""#]);
        assert_eq!(offered("tags HAS NONE (\"v"), [r#""VIP""#]);
        assert_eq!(offered("lifecycle != \"流"), [r#""流失预警""#]);
        assert_eq!(offered("events(\"add"), [r#""add_to_cart""#]);
        assert_eq!(offered("属于分群(\"q1"), [r#""Q1 名单""#]);
        // Numbers and dates have no known values.
        assert!(offered("total_spent > ").is_empty());
    }

    #[test]
    fn joiners_after_a_whole_condition() {
        assert_eq!(offered("city = \"上海\" "), ["AND", "OR"]);
        assert_eq!(offered("(city IS EMPTY "), ["AND", "OR", ")"]);
        assert_eq!(offered("has_open_complaint "), ["AND", "OR"]);
        assert_eq!(offered(r#"in_segment("A") "#), ["AND", "OR"]);
        assert_eq!(offered("orders BETWEEN 1 "), ["AND"]);
        assert_eq!(offered("orders BETWEEN 1 AND 3 O"), ["OR"]);
    }

    #[test]
    fn the_replaced_range_is_the_half_typed_word() {
        let c = complete("city = \"杭 AND x", 9, &known);
        assert_eq!((c.from, c.to), (7, 9));
        let c = complete("tot", 3, &known);
        assert_eq!((c.from, c.to), (0, 3));
        // A complete word offers nothing more for itself.
        assert!(!offered("city").contains(&"city".to_string()));
    }
}
