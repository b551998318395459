//! The architecture's invariants (ARCHITECTURE.md, "Invariants"), checked mechanically so that
//! breaking one fails the build's tests instead of waiting for a reviewer to notice:
//!
//! 1. The core never depends on the web: no web or UI crate in kezhi-core's dependency tree.
//! 2. The core never formats a UI sentence: no CJK string literal in `crates/core/src` outside
//!    the syntax, alias, vocabulary and demo tables (and tests).
//! 3. Only the store writes data: in `src/`, only `src/store/` holds or calls the data's writer.
//! 4. Pages render core results: no page turns cents into yuan or back by itself.
//!
//! Each check names the files (and lines) that break it.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every `.rs` file under `dir`, as paths relative to the workspace, sorted.
fn rust_files(dir: &str) -> Vec<String> {
    fn walk(root: &Path, at: &Path, out: &mut Vec<String>) {
        let Ok(entries) = std::fs::read_dir(at) else {
            return;
        };
        for e in entries.flatten() {
            let path = e.path();
            if path.is_dir() {
                walk(root, &path, out);
            } else if path.extension().is_some_and(|x| x == "rs") {
                let rel = path.strip_prefix(root).unwrap_or(&path);
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let root = workspace();
    let mut out = Vec::new();
    walk(&root, &root.join(dir), &mut out);
    out.sort();
    assert!(!out.is_empty(), "no Rust files under {dir}");
    out
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(workspace().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

// ---------------------------------------------------------------------------------------------
// 1. The core never depends on the web

/// Crates that mean the browser or the UI. `kezhi` and `kezhi-storage-web` are the app and its
/// browser adapters: the core must never need them either.
const WEB_CRATES: &[&str] = &[
    "web-sys",
    "js-sys",
    "wasm-bindgen",
    "wasm-bindgen-futures",
    "leptos",
    "gloo-storage",
    "gloo-timers",
    "gloo-utils",
    "idb",
    "kezhi",
    "kezhi-storage-web",
];

/// Third-party crates that reach js-sys / wasm-bindgen only as their own platform shim on
/// wasm32 (how `zip` gets randomness and `chrono` the local time zone there): the core does
/// not call the web through them, and the search does not look inside them.
const PLATFORM_SHIMS: &[&str] = &["getrandom", "iana-time-zone"];

/// The names of every package kezhi-core pulls: normal and build dependencies, every target,
/// its default features (`files`, a superset of what the app links), as `cargo tree` resolves
/// them for the core alone — not the features the app's own dependencies switch on.
fn core_dependency_tree() -> BTreeSet<String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let mut args = vec![
        "tree",
        "-p",
        "kezhi-core",
        "-e",
        "normal,build",
        "--target",
        "all",
        "--prefix",
        "none",
        "-f",
        "{p}",
        "--offline",
    ];
    for shim in PLATFORM_SHIMS {
        args.extend(["--prune", shim]);
    }
    let out = Command::new(cargo)
        .args(&args)
        .current_dir(workspace())
        .output()
        .expect("cargo tree runs");
    assert!(
        out.status.success(),
        "cargo tree failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .map(str::to_string)
        .collect()
}

#[test]
fn the_core_never_depends_on_the_web() {
    let tree = core_dependency_tree();
    assert!(
        tree.contains("kezhi-core") && tree.contains("serde"),
        "the tree was read: {tree:?}"
    );
    let web: Vec<&String> = tree
        .iter()
        .filter(|name| WEB_CRATES.contains(&name.as_str()) || name.starts_with("leptos"))
        .collect();
    assert!(
        web.is_empty(),
        "kezhi-core depends on web or UI crates {web:?}: the core must build and test natively \
         (move browser code to src/ or crates/storage-web)"
    );
}

// ---------------------------------------------------------------------------------------------
// Reading Rust source: comments dropped, literals found, test code skipped

/// A string or char literal and the line it starts on.
struct Literal {
    line: usize,
    text: String,
}

/// The code with comments blanked (newlines kept, so lines still count) and its string and
/// char literals, outside `#[cfg(test)]` / `#[cfg(all(test, …))]` items.
fn scan(source: &str) -> (String, Vec<Literal>) {
    let chars: Vec<char> = source.chars().collect();
    let mut code = String::with_capacity(source.len());
    let mut literals = Vec::new();
    let mut line = 1;
    let mut i = 0;
    let at = |i: usize, s: &str| {
        s.chars()
            .enumerate()
            .all(|(k, c)| chars.get(i + k) == Some(&c))
    };
    while i < chars.len() {
        let c = chars[i];
        if at(i, "//") {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if at(i, "/*") {
            let mut depth = 0;
            while i < chars.len() {
                if at(i, "/*") {
                    depth += 1;
                    i += 2;
                } else if at(i, "*/") {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    if chars[i] == '\n' {
                        line += 1;
                        code.push('\n');
                    }
                    i += 1;
                }
            }
        } else if string_starts(&chars, i) {
            // A string: plain (escapes) or raw (r#"…"#).
            let start_line = line;
            let mut j = i;
            while chars[j] != '"' && chars[j] != '#' {
                j += 1;
            }
            let raw = chars[i..j].contains(&'r');
            let mut hashes = 0;
            while chars[j] == '#' {
                hashes += 1;
                j += 1;
            }
            j += 1; // the opening quote
            let mut text = String::new();
            while j < chars.len() {
                let ch = chars[j];
                if ch == '\n' {
                    line += 1;
                }
                if !raw && ch == '\\' {
                    text.push(ch);
                    if let Some(&next) = chars.get(j + 1) {
                        text.push(next);
                        if next == '\n' {
                            line += 1;
                        }
                    }
                    j += 2;
                    continue;
                }
                if ch == '"' && (0..hashes).all(|k| chars.get(j + 1 + k) == Some(&'#')) {
                    j += 1 + hashes;
                    break;
                }
                text.push(ch);
                j += 1;
            }
            literals.push(Literal {
                line: start_line,
                text,
            });
            code.push_str("\"\"");
            for _ in start_line..line {
                code.push('\n');
            }
            i = j;
        } else if c == '\'' {
            // A char literal ('x', '\n', '\u{4e00}') or a lifetime ('a).
            let close = if chars.get(i + 1) == Some(&'\\') {
                (i + 2..chars.len().min(i + 12)).find(|&k| chars[k] == '\'')
            } else {
                (chars.get(i + 2) == Some(&'\'')).then_some(i + 2)
            };
            match close {
                Some(end) => {
                    literals.push(Literal {
                        line,
                        text: chars[i + 1..end].iter().collect(),
                    });
                    code.push_str("' '");
                    i = end + 1;
                }
                None => {
                    code.push(c);
                    i += 1;
                }
            }
        } else {
            if c == '\n' {
                line += 1;
            }
            code.push(c);
            i += 1;
        }
    }
    let skipped = test_line_ranges(&code);
    literals.retain(|l| !skipped.iter().any(|r| r.contains(&l.line)));
    (code, literals)
}

/// Whether a string literal starts at `i`: `"`, `r"`, `r#"`, `b"`, `br#"`… (not a raw
/// identifier such as `r#type`, not the end of an identifier).
fn string_starts(chars: &[char], i: usize) -> bool {
    if i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_') {
        return false;
    }
    let mut j = i;
    if chars.get(j) == Some(&'b') {
        j += 1;
    }
    if chars.get(j) == Some(&'r') {
        j += 1;
        while chars.get(j) == Some(&'#') {
            j += 1;
        }
    }
    chars.get(j) == Some(&'"')
}

/// The lines of items under `#[cfg(test)]` or `#[cfg(all(test, …))]`: from the attribute to
/// the end of the item's braces (or its `;`).
fn test_line_ranges(code: &str) -> Vec<std::ops::RangeInclusive<usize>> {
    let mut ranges = Vec::new();
    for pattern in ["#[cfg(test)]", "#[cfg(all(test"] {
        let mut from = 0;
        while let Some(found) = code[from..].find(pattern) {
            let start = from + found;
            let rest = &code[start..];
            let end = match (rest.find('{'), rest.find(';')) {
                (Some(open), semi) if semi.is_none_or(|s| open < s) => {
                    let mut depth = 0;
                    let mut end = rest.len();
                    for (k, ch) in rest[open..].char_indices() {
                        match ch {
                            '{' => depth += 1,
                            '}' => {
                                depth -= 1;
                                if depth == 0 {
                                    end = open + k;
                                    break;
                                }
                            }
                            _ => {}
                        }
                    }
                    end
                }
                (_, Some(semi)) => semi,
                _ => rest.len(),
            };
            let line_of = |byte: usize| code[..byte].matches('\n').count() + 1;
            ranges.push(line_of(start)..=line_of(start + end));
            from = start + pattern.len();
        }
    }
    ranges
}

// ---------------------------------------------------------------------------------------------
// 2. The core never formats a UI sentence

fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}' | '\u{f900}'..='\u{faff}'
        | '\u{20000}'..='\u{2ffff}')
}

/// Files whose Chinese literals are data the core needs, not sentences: the words it reads
/// (query syntax, header aliases, dates, amounts, channel and behaviour words), the reference
/// tables of the demo and the codes' names.
const CJK_SYNTAX_AND_TABLES: &[&str] = &[
    // The query language's Chinese field names, keywords, amounts (`1.2万`) and its words for
    // stages and RFM groups (`stage_word`, `group_word`): syntax, docs/segments.md.
    "crates/core/src/segment/fields.rs",
    "crates/core/src/segment/lex.rs",
    "crates/core/src/segment/resolve.rs",
    // Import: header aliases, dates (年月日), behaviour and channel words.
    "crates/core/src/import/mapping/aliases.rs",
    "crates/core/src/import/values/time.rs",
    "crates/core/src/import/values/words.rs",
    // Amounts: 元, 万, 亿.
    "crates/core/src/money.rs",
    // The demo generator and its reference tables (names, cities, products, tags).
    "crates/core/src/demo/customers.rs",
    "crates/core/src/demo/tables.rs",
    "crates/core/src/demo/requests.rs",
    "crates/core/src/demo/desk.rs",
    // Channel and member-level codes with their two names.
    "crates/core/src/channel.rs",
    // Search by pinyin of Chinese names (the readings' table).
    "crates/core/src/customer_query/pinyin.rs",
    // The ready-made segments' queries, written in the query language (`lifecycle = "流失预警"`).
    "crates/core/src/segment/templates.rs",
    // The default tiers' names: data the user edits in both languages and the settings store,
    // not wording (the file says why).
    "crates/core/src/metrics/default_tiers.rs",
];

/// Files that still word things in Chinese for the UI, each to move behind the app's
/// translation boundary (issue 15, "one translation boundary"). Temporary: remove a line
/// when its file is clean (the test says so); a file on neither list fails the test.
const CJK_PENDING: &[&str] = &[];

fn cjk_literals(rel: &str) -> Vec<String> {
    let (_, literals) = scan(&read(rel));
    literals
        .into_iter()
        .filter(|l| l.text.chars().any(is_cjk))
        .map(|l| format!("{rel}:{}: {:?}", l.line, l.text))
        .collect()
}

#[test]
fn the_core_never_formats_a_ui_sentence() {
    let mut offenders = Vec::new();
    let mut clean_but_listed = Vec::new();
    for rel in rust_files("crates/core/src") {
        let found = cjk_literals(&rel);
        let allowed =
            CJK_SYNTAX_AND_TABLES.contains(&rel.as_str()) || CJK_PENDING.contains(&rel.as_str());
        if !allowed {
            offenders.extend(found);
        } else if found.is_empty() && CJK_PENDING.contains(&rel.as_str()) {
            clean_but_listed.push(rel);
        }
    }
    assert!(
        offenders.is_empty(),
        "Chinese text in the core (return a code or a typed error; the app's i18n words it):\n{}",
        offenders.join("\n")
    );
    assert!(
        clean_but_listed.is_empty(),
        "no longer formats Chinese, take it off CJK_PENDING: {clean_but_listed:?}"
    );
}

#[test]
fn the_scanner_finds_literals_and_skips_comments_and_tests() {
    let source = "// 注释 \"不算\"\nlet a = \"客户\"; /* 块 */ let b = 'x';\nlet c = r#\"原 \"样\"#;\n\
                  fn f<'a>(x: &'a str) {}\n#[cfg(test)]\nmod tests {\n    const T: &str = \"测试\";\n}\n\
                  let d = '万';\n";
    let (_, literals) = scan(source);
    let found: Vec<(usize, &str)> = literals.iter().map(|l| (l.line, l.text.as_str())).collect();
    assert_eq!(
        found,
        vec![(2, "客户"), (2, "x"), (3, "原 \"样"), (9, "万")]
    );
}

// ---------------------------------------------------------------------------------------------
// 3. Only the store writes data

/// Ways to write the data outside the store: its writer (`Store::write`), a second writable
/// signal of a `Dataset`, the store's full writes.
const DATA_WRITES: &[&str] = &[
    ".write.set(",
    ".write.update(",
    ".write.try_update(",
    ".write.try_set(",
    ".write.write(",
    ".write.maybe_update(",
    "WriteSignal<Dataset>",
    "RwSignal<Dataset>",
    "signal(Dataset",
    "RwSignal::new(Dataset",
    ".data_merged(",
    "store.set_data(",
    "Store::set_data(",
];

#[test]
fn only_the_store_writes_data() {
    let mut offenders = Vec::new();
    for rel in rust_files("src") {
        if rel.starts_with("src/store/") {
            continue;
        }
        let (code, _) = scan(&read(&rel));
        let compact: String = code.chars().filter(|c| !c.is_whitespace()).collect();
        for pattern in DATA_WRITES {
            let p: String = pattern.chars().filter(|c| !c.is_whitespace()).collect();
            if compact.contains(&p) {
                offenders.push(format!("{rel}: {pattern}"));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "the data is written outside src/store/ (use Store::change):\n{}",
        offenders.join("\n")
    );
}

// ---------------------------------------------------------------------------------------------
// 4. Pages render core results

/// Pages still doing money arithmetic. Temporary, like `CJK_PENDING`.
const MONEY_PENDING: &[&str] = &[];

/// Integer arithmetic by 100 (cents ↔ yuan); percentages are floats (`* 100.0`) and pass.
fn money_arithmetic(code: &str) -> Vec<usize> {
    let mut lines = Vec::new();
    for (n, line) in code.lines().enumerate() {
        let compact: String = line.chars().filter(|c| !c.is_whitespace()).collect();
        let hit = ["/100", "%100", "*100", "mul(100)", "div(100)"]
            .iter()
            .any(|p| {
                compact.match_indices(p).any(|(k, m)| {
                    let next = compact[k + m.len()..].chars().next();
                    !matches!(next, Some(c) if c.is_ascii_digit() || c == '.' || c == '_')
                })
            });
        if hit {
            lines.push(n + 1);
        }
    }
    lines
}

#[test]
fn pages_never_turn_cents_into_yuan() {
    let mut offenders = Vec::new();
    for dir in ["src/pages", "src/components"] {
        for rel in rust_files(dir) {
            if MONEY_PENDING.contains(&rel.as_str()) {
                continue;
            }
            let (code, _) = scan(&read(&rel));
            for line in money_arithmetic(&code) {
                offenders.push(format!("{rel}:{line}"));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "cents ↔ yuan in a page (use kezhi_core::money: yuan_display, yuan_compact, parse_yuan):\n{}",
        offenders.join("\n")
    );
}
