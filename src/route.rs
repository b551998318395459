//! Hash-based routes: `#/customers?q=张&id=…`. Everything after `#` stays in the browser,
//! so the built app works from any static server, under any sub-path, with no rewrite rules,
//! and a reload of a deep link never asks the server for a page it does not have. Each page
//! reads and writes its parameters through a typed [`PageQuery`] of its own.

use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    Dashboard,
    /// The account manager's day (`#/today`).
    Today,
    Customers,
    Segments,
    Funnels,
    Cohorts,
    Import,
    Settings,
    Requests,
    Team,
    // The account manager's desk (issue 16): recommendations and care campaigns.
    Recommendations,
    Campaigns,
    /// A saved or typed segment against the rest (`#/segments/compare?seg=…`), issue 17.
    SegmentCompare,
}

impl View {
    pub const ALL: [View; 13] = [
        View::Dashboard,
        View::Today,
        View::Customers,
        View::Segments,
        View::Funnels,
        View::Cohorts,
        View::Import,
        View::Settings,
        View::Requests,
        View::Team,
        View::Recommendations,
        View::Campaigns,
        View::SegmentCompare,
    ];
    pub fn slug(self) -> &'static str {
        match self {
            View::Dashboard => "dashboard",
            View::Today => "today",
            View::Customers => "customers",
            View::Segments => "segments",
            View::Funnels => "funnels",
            View::Cohorts => "cohorts",
            View::Import => "import",
            View::Settings => "settings",
            View::Requests => "requests",
            View::Team => "team",
            View::Recommendations => "recommendations",
            View::Campaigns => "campaigns",
            View::SegmentCompare => "segments/compare",
        }
    }
    /// The view of a path: a whole slug (`segments/compare`), else its first part (so an
    /// unknown sub-path still opens its page).
    fn from_path(path: &str) -> View {
        let path = path.trim_end_matches('/');
        let first = path.split('/').next().unwrap_or("");
        let find = |slug: &str| View::ALL.into_iter().find(|v| v.slug() == slug);
        find(path)
            .or_else(|| find(first))
            .unwrap_or(View::Dashboard)
    }
    /// The view whose navigation link is marked current: a sub-view's parent.
    pub fn section(self) -> View {
        match self {
            View::SegmentCompare => View::Segments,
            v => v,
        }
    }
}

/// The view and its state (search text, filters, selection) as query parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Route {
    pub view: View,
    pub params: BTreeMap<String, String>,
}

impl Route {
    pub fn new(view: View) -> Route {
        Route {
            view,
            params: BTreeMap::new(),
        }
    }

    /// Parses the part after `#` (with or without the leading `#`).
    pub fn parse(hash: &str) -> Route {
        let hash = hash.trim_start_matches('#').trim_start_matches('/');
        let (path, query) = hash.split_once('?').unwrap_or((hash, ""));
        let params = query
            .split('&')
            .filter(|p| !p.is_empty())
            .filter_map(|pair| {
                let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                Some((decode(k)?, decode(v)?))
            })
            .filter(|(_, v)| !v.is_empty())
            .collect();
        Route {
            view: View::from_path(path),
            params,
        }
    }

    pub fn to_hash(&self) -> String {
        let mut out = format!("#/{}", self.view.slug());
        let mut first = true;
        for (k, v) in &self.params {
            if v.is_empty() {
                continue;
            }
            out.push(if first { '?' } else { '&' });
            first = false;
            out.push_str(&encode(k));
            out.push('=');
            out.push_str(&encode(v));
        }
        out
    }

    pub fn param(&self, key: &str) -> Option<&str> {
        self.params.get(key).map(String::as_str)
    }

    pub fn with(mut self, key: &str, value: Option<String>) -> Self {
        match value.filter(|v| !v.is_empty()) {
            Some(v) => self.params.insert(key.to_string(), v),
            None => self.params.remove(key),
        };
        self
    }

    /// This route with its page's state edited through the page's typed query: only the
    /// parameters whose value the edit changed are written, so parameters the query does not
    /// know, or holds no typed value for (a stage code this version does not have), stay as
    /// they were.
    pub fn update<Q: PageQuery>(self, edit: impl FnOnce(&mut Q)) -> Route {
        let before = Q::from_route(&self);
        let mut after = before.clone();
        edit(&mut after);
        let (before, after) = (before.to_route(), after.to_route());
        let keys: std::collections::BTreeSet<&String> =
            before.params.keys().chain(after.params.keys()).collect();
        let mut out = self.clone();
        for key in keys {
            let value = after.param(key);
            if before.param(key) != value {
                out = out.with(key, value.map(str::to_string));
            }
        }
        out
    }
}

/// A page's state as its URL holds it, typed: the one place that page's parameter names are
/// spelled. `to_route(from_route(r))` gives back every parameter of `r` the page writes, byte
/// for byte (bookmarks and the end-to-end tests use them).
pub trait PageQuery: Clone {
    fn from_route(route: &Route) -> Self;
    /// The page's route with this state (parameters at their defaults left out).
    fn to_route(&self) -> Route;
}

/// `encodeURIComponent`: every UTF-8 byte but `A–Z a–z 0–9 - _ . ! ~ * ' ( )` as `%XX`
/// (upper-case hex). In Rust so that routes are tested natively.
fn encode(s: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        if b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
    }
    out
}

/// `decodeURIComponent` after `+` → space (forms write spaces as `+`): `None` where the browser
/// throws (a `%` without two hex digits, bytes that are not UTF-8).
fn decode(s: &str) -> Option<String> {
    let s = s.replace('+', " ");
    let mut bytes = Vec::with_capacity(s.len());
    let mut rest = s.as_bytes();
    while let Some((&b, tail)) = rest.split_first() {
        if b == b'%' {
            let hex = tail
                .get(..2)
                .filter(|h| h.iter().all(u8::is_ascii_hexdigit))?;
            bytes.push(u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?);
            rest = &tail[2..];
        } else {
            bytes.push(b);
            rest = tail;
        }
    }
    String::from_utf8(bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_are_encoded_as_encode_uri_component_does() {
        assert_eq!(encode("abcXYZ019-_.!~*'()"), "abcXYZ019-_.!~*'()");
        assert_eq!(
            encode("a b&c=d/e?f#g+h%"),
            "a%20b%26c%3Dd%2Fe%3Ff%23g%2Bh%25"
        );
        assert_eq!(encode("王"), "%E7%8E%8B");
        assert_eq!(
            encode("city IN (\"上海\")"),
            "city%20IN%20(%22%E4%B8%8A%E6%B5%B7%22)"
        );
        assert_eq!(encode("😀,:;@$[]"), "%F0%9F%98%80%2C%3A%3B%40%24%5B%5D");
    }

    #[test]
    fn parameters_are_decoded_as_decode_uri_component_does() {
        assert_eq!(decode("%E7%8E%8B").as_deref(), Some("王"));
        assert_eq!(decode("%e7%8e%8b").as_deref(), Some("王"));
        assert_eq!(decode("a+b%20c").as_deref(), Some("a b c"));
        assert_eq!(decode("王").as_deref(), Some("王"));
        assert_eq!(decode("%2B%25").as_deref(), Some("+%"));
        // Where the browser throws a URIError.
        assert_eq!(decode("%"), None);
        assert_eq!(decode("%4"), None);
        assert_eq!(decode("%zz"), None);
        assert_eq!(decode("%E7%8E"), None);
        assert_eq!(decode("%C0%AF"), None);
        assert_eq!(decode("%ED%A0%80"), None);
    }

    #[test]
    fn a_route_reads_and_writes_its_hash() {
        let r = Route::parse("#/customers?q=%E7%8E%8B&sort=spent&dir=desc");
        assert_eq!(r.view, View::Customers);
        assert_eq!(r.param("q"), Some("王"));
        assert_eq!(r.to_hash(), "#/customers?dir=desc&q=%E7%8E%8B&sort=spent");
        // Empty values, undecodable pairs and unknown views.
        let r = Route::parse("/segments?q=&x=%zz&a=1");
        assert_eq!(r.to_hash(), "#/segments?a=1");
        assert_eq!(Route::parse("").to_hash(), "#/dashboard");
        assert_eq!(Route::parse("#/nowhere?x=1").to_hash(), "#/dashboard?x=1");
        assert_eq!(Route::parse("#/today").view, View::Today);
        assert_eq!(Route::new(View::Today).to_hash(), "#/today");
        // A sub-view by its whole path; an unknown sub-path opens its first part's page.
        let r = Route::parse("#/segments/compare?seg=a1b2c3");
        assert_eq!(
            (r.view, r.param("seg")),
            (View::SegmentCompare, Some("a1b2c3"))
        );
        assert_eq!(r.to_hash(), "#/segments/compare?seg=a1b2c3");
        assert_eq!(r.view.section(), View::Segments);
        assert_eq!(Route::parse("#/segments/nowhere").view, View::Segments);
        assert_eq!(
            Route::parse("#/segments/compare/").view,
            View::SegmentCompare
        );
    }

    /// A page query of two parameters, one typed (`n`, a number).
    #[derive(Clone, Default)]
    struct Probe {
        n: Option<u32>,
        s: Option<String>,
    }

    impl PageQuery for Probe {
        fn from_route(r: &Route) -> Self {
            Probe {
                n: r.param("n").and_then(|n| n.parse().ok()),
                s: r.param("s").map(str::to_string),
            }
        }
        fn to_route(&self) -> Route {
            Route::new(View::Dashboard)
                .with("n", self.n.map(|n| n.to_string()))
                .with("s", self.s.clone())
        }
    }

    #[test]
    fn an_update_writes_only_what_it_changed() {
        let r = Route::parse("#/dashboard?n=x&other=1&s=a");
        let edited = r.clone().update(|p: &mut Probe| p.s = Some("b c".into()));
        // The unreadable `n` and the unknown `other` stay as they were.
        assert_eq!(edited.to_hash(), "#/dashboard?n=x&other=1&s=b%20c");
        let edited = r.clone().update(|p: &mut Probe| p.n = Some(3));
        assert_eq!(edited.to_hash(), "#/dashboard?n=3&other=1&s=a");
        let edited = r.update(|p: &mut Probe| p.s = None);
        assert_eq!(edited.to_hash(), "#/dashboard?n=x&other=1");
    }
}
