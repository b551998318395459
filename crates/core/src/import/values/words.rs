//! Ids, plain text, channel names and behaviour words.
//!
//! Ids ([`normalize_id`]): trimmed, `12923.0` → `12923`, Excel's `="00123"` → `00123`.
//! Channel names and behaviour words in Chinese and English become the stored codes
//! ([`channel_code`], [`event_kind`]): these tables are the importer's vocabulary.

use super::{strip_zero_fraction, unescape_text};
use crate::import::reason::Reason;

/// An id as the source system meant it, `None` for an empty cell.
pub fn normalize_id(s: &str) -> Result<Option<String>, Reason> {
    id_slice(s).map(|id| id.map(str::to_string))
}

/// [`normalize_id`] without the copy: the id is always a part of the cell, and the importer
/// only needs a copy the first time it meets an id.
pub fn id_slice(s: &str) -> Result<Option<&str>, Reason> {
    let mut t = unescape_text(s);
    // Excel's "keep as text" trick: ="00123".
    if let Some(inner) = t.strip_prefix("=\"").and_then(|r| r.strip_suffix('"')) {
        t = inner.trim();
    }
    t = t.trim_start_matches('\'').trim();
    if t.is_empty() {
        return Ok(None);
    }
    if is_scientific(t) {
        return Err(Reason::ScientificId);
    }
    let whole = strip_zero_fraction(t);
    let numeric = |d: &str| {
        let d = d.strip_prefix('-').unwrap_or(d);
        !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit())
    };
    Ok(Some(if numeric(whole) { whole } else { t }))
}

/// `1.23457E+17`: what Excel shows for a long numeric id.
fn is_scientific(t: &str) -> bool {
    let Some((mantissa, exp)) = t.split_once(['E', 'e']) else {
        return false;
    };
    let exp = exp.strip_prefix('+').unwrap_or(exp);
    let digits_dot = |d: &str| {
        !d.is_empty()
            && d.bytes().all(|b| b.is_ascii_digit() || b == b'.')
            && d.matches('.').count() <= 1
    };
    digits_dot(mantissa) && !exp.is_empty() && exp.bytes().all(|b| b.is_ascii_digit())
}

/// Text as it will be stored: trimmed, formula escape removed; `None` when empty.
pub fn text(s: &str) -> Option<&str> {
    Some(unescape_text(s)).filter(|t| !t.is_empty())
}

/// The channel code (see [`crate::channel::CHANNELS`]) of a platform name in Chinese or
/// English; other names are kept as written.
pub fn channel_code(s: &str) -> String {
    let t = unescape_text(s);
    let key: String = t
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-' && *c != '_')
        .flat_map(char::to_lowercase)
        .collect();
    let code = match key.as_str() {
        "tmall" | "天猫" | "天猫商城" | "天猫旗舰店" | "淘宝" | "taobao" | "淘宝网" | "tb" => {
            "tmall"
        }
        "jd" | "京东" | "jingdong" | "京东商城" | "jd.com" => "jd",
        "douyin" | "抖音" | "抖店" | "抖音小店" | "tiktok" => "douyin",
        "wechat" | "微信" | "微信小程序" | "小程序" | "weixin" | "wechatminiprogram" => {
            "wechat"
        }
        "app" | "自营app" | "ownapp" | "官方app" => "app",
        "store" | "门店" | "线下门店" | "线下" | "offline" | "offlinestore" => "store",
        _ => return t.to_string(),
    };
    code.to_string()
}

/// The stored event type of a behaviour word: the funnel's names for the words shops and data
/// sets use (`pv` → `view`, `cart` → `add_to_cart`, `buy` → `pay`, `fav` → `fav`, 浏览, 加购,
/// 购买, 收藏…); other words are kept, lower-cased.
pub fn event_kind(s: &str) -> String {
    let key = event_key(s);
    known_event_kind(&key).map_or(key, str::to_string)
}

/// Whether a value is a behaviour word the importer knows (for guessing the columns of
/// headerless files).
pub fn is_behaviour_word(s: &str) -> bool {
    known_event_kind(&event_key(s)).is_some()
}

fn event_key(s: &str) -> String {
    unescape_text(s)
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

fn known_event_kind(key: &str) -> Option<&'static str> {
    use crate::model::event_type as et;
    Some(match key {
        "visit" | "访问" | "进店" | "访问店铺" | "session" => et::VISIT,
        "pv" | "view" | "浏览" | "查看" | "浏览商品" | "click" | "点击" | "pageview" => {
            et::VIEW
        }
        "cart" | "addtocart" | "add_to_cart" | "加购" | "加入购物车" | "加购物车" => {
            et::ADD_TO_CART
        }
        "checkout" | "下单" | "结算" | "提交订单" => et::CHECKOUT,
        "buy" | "pay" | "purchase" | "购买" | "支付" | "付款" | "成交" => et::PAY,
        "fav" | "favorite" | "favourite" | "collect" | "收藏" => "fav",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_words() {
        let id = |s: &str| normalize_id(s);
        assert_eq!(id("12923.0"), Ok(Some("12923".into())));
        assert_eq!(id(" C536379 "), Ok(Some("C536379".into())));
        assert_eq!(id("=\"00123\""), Ok(Some("00123".into())));
        assert_eq!(id("1.0.0"), Ok(Some("1.0.0".into())));
        assert_eq!(id("12.5"), Ok(Some("12.5".into())));
        assert_eq!(id("1.23457E+17"), Err(Reason::ScientificId));
        assert_eq!(id(""), Ok(None));
        assert_eq!(channel_code("天猫"), "tmall");
        assert_eq!(channel_code(" 京东 "), "jd");
        assert_eq!(channel_code("Shopify"), "Shopify");
        assert_eq!(event_kind("pv"), "view");
        assert_eq!(event_kind("cart"), "add_to_cart");
        assert_eq!(event_kind("buy"), "pay");
        assert_eq!(event_kind("收藏"), "fav");
        assert_eq!(event_kind("Share"), "share");
        assert!(is_behaviour_word("pv") && is_behaviour_word("fav") && !is_behaviour_word("12"));
    }
}
