//! Why a query does not parse: a position and a typed kind. The core says *what* went wrong
//! (the token, the field, what was expected); the app words it in the user's language
//! (`src/i18n/errors.rs`), so no sentence is formatted here.

/// What the parser was looking for where the text stopped making sense.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Expected {
    /// A field name or a call (`city`, `events(…)`).
    Field,
    /// An operator after a field (`=`, `IN`, `WITHIN`…).
    Operator,
    /// A whole number (counts, scores, points, days).
    Number,
    /// An amount in yuan (money fields).
    Amount,
    /// A date written `2024-01-31`.
    Date,
    /// A span: `30d`, `12w`, `3m`, `1y`.
    Span,
    /// Text in quotes.
    QuotedText,
    /// `(`: a call's arguments or a list.
    OpeningParen,
    /// `)`: the end of a call, a list or a group.
    ClosingParen,
    /// `,` between a call's arguments.
    Comma,
    /// `AND` between the two ends of `BETWEEN`.
    And,
    /// `WITH` after `STARTS`.
    With,
    /// `EMPTY` after `IS` or `IS NOT`.
    Empty,
    /// `THAN` after `OLDER`.
    Than,
    /// `ANY`, `ALL` or `NONE` after `HAS`.
    AnyAllNone,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The text ends where more is needed.
    UnexpectedEnd,
    /// This token (as written) cannot stand here.
    Unexpected(String),
    /// No field has this name.
    UnknownField(String),
    /// The operator does not apply to the field's type: the field's English name and the
    /// operator in capitals (`"city"`, `">"`).
    NotFor {
        field: String,
        operator: String,
    },
    Expected(Expected),
    /// No lifecycle stage or RFM group has this code or name.
    UnknownLabel(String),
    UnclosedString,
    /// A number the field cannot take (`1.5` orders, `1.234` yuan).
    BadNumber(String),
    /// `()`.
    EmptyGroup,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// Character offset in the query where the problem starts.
    pub at: usize,
    pub kind: ErrorKind,
}

impl ParseError {
    pub(super) fn new(at: usize, kind: ErrorKind) -> Self {
        ParseError { at, kind }
    }
}
