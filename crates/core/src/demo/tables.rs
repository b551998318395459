//! Reference tables for the demo data: names, places, categories, people.

use super::generator::Archetype;

/// Common Chinese surnames with rough relative frequencies (per mille of the population).
pub const SURNAMES: [(&str, u32); 40] = [
    ("王", 72),
    ("李", 72),
    ("张", 68),
    ("刘", 54),
    ("陈", 45),
    ("杨", 31),
    ("黄", 23),
    ("赵", 22),
    ("吴", 20),
    ("周", 19),
    ("徐", 14),
    ("孙", 13),
    ("马", 12),
    ("朱", 12),
    ("胡", 11),
    ("郭", 11),
    ("何", 10),
    ("林", 9),
    ("高", 9),
    ("罗", 9),
    ("郑", 8),
    ("梁", 7),
    ("谢", 6),
    ("宋", 6),
    ("唐", 6),
    ("许", 5),
    ("韩", 5),
    ("冯", 5),
    ("邓", 5),
    ("曹", 5),
    ("彭", 4),
    ("曾", 4),
    ("肖", 4),
    ("田", 4),
    ("董", 4),
    ("袁", 4),
    ("潘", 3),
    ("于", 3),
    ("蒋", 3),
    ("欧阳", 1),
];

pub const GIVEN_MALE: [&str; 40] = [
    "伟", "强", "磊", "军", "勇", "杰", "涛", "明", "超", "刚", "平", "辉", "鹏", "华", "飞", "鑫",
    "波", "斌", "宇", "浩", "凯", "健", "俊", "帆", "帅", "旭", "宁", "龙", "林", "阳", "建国",
    "志强", "子轩", "浩然", "宇航", "晨阳", "文博", "嘉豪", "俊杰", "天佑",
];

pub const GIVEN_FEMALE: [&str; 40] = [
    "芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "燕", "玲", "婷", "雪", "慧", "莹", "倩", "洁",
    "琳", "颖", "晶", "欣", "悦", "璐", "萍", "红", "梅", "佳", "月", "蕾", "薇", "瑶", "雨桐",
    "欣怡", "梓涵", "诗琪", "紫萱", "思雨", "佳怡", "可馨", "晓燕", "美玲",
];

/// Latin syllables for e-mail user names (as people write their names in pinyin).
pub const SYLLABLES: [&str; 24] = [
    "wang", "li", "zhang", "liu", "chen", "yang", "huang", "zhao", "wu", "zhou", "xu", "sun",
    "ming", "hua", "jun", "fang", "lei", "xiao", "yu", "ting", "hao", "jing", "lin", "yan",
];

pub const MAIL_DOMAINS: [(&str, u32); 5] = [
    ("qq.com", 45),
    ("163.com", 25),
    ("126.com", 10),
    ("gmail.com", 5),
    ("sina.com", 5),
];

/// Provinces with population in millions (2020 census, rounded) and their larger cities.
pub const PROVINCES: [(&str, u32, &[&str]); 31] = [
    ("广东", 126, &["广州", "深圳", "东莞", "佛山"]),
    ("山东", 101, &["济南", "青岛", "烟台"]),
    ("河南", 99, &["郑州", "洛阳"]),
    ("江苏", 85, &["南京", "苏州", "无锡"]),
    ("四川", 84, &["成都", "绵阳"]),
    ("河北", 74, &["石家庄", "唐山"]),
    ("湖南", 66, &["长沙", "株洲"]),
    ("浙江", 65, &["杭州", "宁波", "温州"]),
    ("安徽", 61, &["合肥", "芜湖"]),
    ("湖北", 58, &["武汉", "宜昌"]),
    ("广西", 50, &["南宁", "柳州"]),
    ("云南", 47, &["昆明", "大理"]),
    ("江西", 45, &["南昌", "赣州"]),
    ("辽宁", 42, &["沈阳", "大连"]),
    ("福建", 42, &["福州", "厦门", "泉州"]),
    ("陕西", 40, &["西安", "宝鸡"]),
    ("贵州", 39, &["贵阳", "遵义"]),
    ("山西", 35, &["太原", "大同"]),
    ("重庆", 32, &["重庆"]),
    ("黑龙江", 31, &["哈尔滨", "大庆"]),
    ("新疆", 26, &["乌鲁木齐"]),
    ("上海", 25, &["上海"]),
    ("甘肃", 25, &["兰州"]),
    ("内蒙古", 24, &["呼和浩特", "包头"]),
    ("吉林", 24, &["长春", "吉林"]),
    ("北京", 22, &["北京"]),
    ("天津", 14, &["天津"]),
    ("海南", 10, &["海口", "三亚"]),
    ("宁夏", 7, &["银川"]),
    ("青海", 6, &["西宁"]),
    ("西藏", 4, &["拉萨"]),
];

/// Channel codes (see `crate::channel`) with their share of new customers.
pub const CHANNEL_WEIGHTS: [(&str, u32); 6] = [
    ("tmall", 30),
    ("jd", 20),
    ("douyin", 20),
    ("wechat", 15),
    ("app", 8),
    ("store", 7),
];

/// Order number prefixes per channel, as the platforms' exports look.
pub fn order_prefix(channel: &str) -> &'static str {
    match channel {
        "tmall" => "TM",
        "jd" => "JD",
        "douyin" => "DY",
        "wechat" => "WX",
        "app" => "AP",
        _ => "MD",
    }
}

/// Product categories with the median basket in yuan and the customer tag they suggest.
pub const CATEGORIES: [(&str, u32, &str); 8] = [
    ("美妆护肤", 220, "美妆"),
    ("母婴用品", 180, "母婴"),
    ("数码家电", 1200, "数码"),
    ("服饰鞋包", 260, "服饰"),
    ("食品生鲜", 90, "吃货"),
    ("家居日用", 150, "家居"),
    ("运动户外", 350, "运动"),
    ("酒水茶饮", 400, "酒水"),
];

/// Account managers (客户经理); a demo uses the first 5–10.
pub const OWNERS: [&str; 10] = [
    "陈晓峰",
    "王丽娜",
    "李建国",
    "赵敏",
    "孙浩然",
    "周婷",
    "吴志远",
    "郑雅文",
    "刘洋",
    "黄佳琪",
];

/// Spring Festival (春节) dates, for the pre-festival shopping peak and the holiday dip.
pub const SPRING_FESTIVALS: [(i32, u32, u32); 8] = [
    (2022, 2, 1),
    (2023, 1, 22),
    (2024, 2, 10),
    (2025, 1, 29),
    (2026, 2, 17),
    (2027, 2, 6),
    (2028, 1, 26),
    (2029, 2, 13),
];

/// Relative order volume by hour of day (local time).
pub const HOUR_WEIGHTS: [u32; 24] = [
    4, 2, 1, 1, 1, 1, 2, 3, 5, 7, 9, 10, 9, 8, 8, 8, 8, 8, 9, 11, 13, 14, 12, 8,
];

pub const ACTIVITY_TEXTS: [(&str, &[&str]); 6] = [
    (
        "call",
        &[
            "电话回访，客户对上次购买满意",
            "电话沟通新品，客户表示考虑",
            "电话未接通，稍后再联系",
            "电话确认收货地址变更",
        ],
    ),
    (
        "visit",
        &[
            "上门拜访，了解年度采购计划",
            "门店到访，试用了新品",
            "拜访客户，介绍会员权益",
        ],
    ),
    (
        "message",
        &["微信发送大促活动信息", "短信推送优惠券", "微信回复售后咨询"],
    ),
    ("care", &["生日关怀，赠送积分", "节日问候", "会员升级祝贺"]),
    (
        "complaint",
        &[
            "物流延迟投诉，已补偿优惠券",
            "商品质量问题，已安排退换",
            "客服响应慢，已致歉",
        ],
    ),
    (
        "note",
        &[
            "偏好晚间联系",
            "对价格较敏感，关注满减",
            "有团购需求，可跟进企业采购",
        ],
    ),
];

pub const TAGS_EXTRA: [&str; 5] = ["价格敏感", "大促活跃", "企业客户", "高潜力", "已投诉"];

/// The archetypes of customers with their relative frequencies (per cent).
pub const ARCHETYPES: [(Archetype, u32); 6] = [
    (Archetype::Prospect, 22),
    (Archetype::OneTime, 33),
    (Archetype::Repeat, 26),
    (Archetype::Loyal, 9),
    (Archetype::Lapsed, 8),
    (Archetype::Business, 2),
];
