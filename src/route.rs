//! Hash-based routes: `#/customers?q=张&id=…`. Everything after `#` stays in the browser,
//! so the built app works from any static server, under any sub-path, with no rewrite rules,
//! and a reload of a deep link never asks the server for a page it does not have.

use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    Dashboard,
    Customers,
    Segments,
    Funnels,
    Import,
    Settings,
}

impl View {
    pub const ALL: [View; 6] = [
        View::Dashboard,
        View::Customers,
        View::Segments,
        View::Funnels,
        View::Import,
        View::Settings,
    ];
    pub fn slug(self) -> &'static str {
        match self {
            View::Dashboard => "dashboard",
            View::Customers => "customers",
            View::Segments => "segments",
            View::Funnels => "funnels",
            View::Import => "import",
            View::Settings => "settings",
        }
    }
    fn from_slug(slug: &str) -> View {
        View::ALL
            .into_iter()
            .find(|v| v.slug() == slug)
            .unwrap_or(View::Dashboard)
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
            view: View::from_slug(path.split('/').next().unwrap_or("")),
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
}

fn encode(s: &str) -> String {
    js_sys::encode_uri_component(s).into()
}

fn decode(s: &str) -> Option<String> {
    js_sys::decode_uri_component(&s.replace('+', " "))
        .ok()
        .map(String::from)
}
