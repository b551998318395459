//! Known sales and acquisition channels, stored as short codes.

/// (code, 中文, English) for the channels the product knows by name.
pub const CHANNELS: [(&str, &str, &str); 6] = [
    ("tmall", "天猫", "Tmall"),
    ("jd", "京东", "JD"),
    ("douyin", "抖音", "Douyin"),
    ("wechat", "微信小程序", "WeChat mini-program"),
    ("app", "自营App", "Own app"),
    ("store", "线下门店", "Offline store"),
];

/// (code, 中文, English) for member levels, lowest first.
pub const MEMBER_LEVELS: [(&str, &str, &str); 4] = [
    ("normal", "普通会员", "Member"),
    ("silver", "银卡会员", "Silver"),
    ("gold", "金卡会员", "Gold"),
    ("diamond", "钻石会员", "Diamond"),
];

/// The display name of a code in one of the tables above; unknown codes show as they are.
pub fn display<'a>(
    table: &'a [(&'a str, &'a str, &'a str)],
    code: &'a str,
    chinese: bool,
) -> &'a str {
    table
        .iter()
        .find(|(c, _, _)| *c == code)
        .map(|(_, zh, en)| if chinese { *zh } else { *en })
        .unwrap_or(code)
}
