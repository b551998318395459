//! Customer CSV export with the UI contract's columns:
//! `id,name,phone,email,city,tags,owner,lifecycle,orders,total_spent,last_order_at,r,f,m,rfm_group`
//! followed by `external_id,tier,aov,ltv_predicted` (money in yuan). UTF-8 with a byte-order mark, so Excel shows Chinese correctly.
//! Text cells that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`) are neutralised
//! with a leading `'`.

use crate::dataset::Dataset;
use crate::metrics::Analytics;
use crate::sym::Sym;
use chrono::FixedOffset;

pub const CUSTOMER_COLUMNS: [&str; 19] = [
    "id",
    "name",
    "phone",
    "email",
    "city",
    "tags",
    "owner",
    "lifecycle",
    "orders",
    "total_spent",
    "last_order_at",
    "r",
    "f",
    "m",
    "rfm_group",
    "external_id",
    "tier",
    "aov",
    "ltv_predicted",
];

#[derive(Clone, Copy, Debug)]
pub struct ExportOptions {
    /// `138****5678` and `l***@example.com` instead of the full values.
    pub mask: bool,
    /// Names of stages and RFM groups in Chinese (else English).
    pub chinese: bool,
    /// The time zone dates are written in.
    pub offset: FixedOffset,
}

/// Neutralises a cell a spreadsheet would evaluate as a formula.
pub fn safe_text(s: &str) -> String {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}"),
        _ => s.to_string(),
    }
}

/// `138****5678`.
pub fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    if chars.len() < 7 {
        return "*".repeat(chars.len());
    }
    let mut out: String = chars[..3].iter().collect();
    out.push_str(&"*".repeat(chars.len() - 7));
    out.extend(&chars[chars.len() - 4..]);
    out
}

/// `l***@example.com`.
pub fn mask_email(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "***".to_string(),
    }
}

/// Yuan with two decimals from cents: `1234.50`, `-0.05`.
pub fn yuan(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

/// The CSV of the customers at `rows` (indices into `data.customers`, in that order).
pub fn customers_csv(
    data: &Dataset,
    analytics: &Analytics,
    rows: &[usize],
    options: &ExportOptions,
) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    // Writing to a Vec cannot fail; a failed row is skipped rather than aborting the file.
    let _ = writer.write_record(CUSTOMER_COLUMNS);
    for &i in rows {
        let (Some(c), Some(m)) = (data.customers.get(i), analytics.customers.get(i)) else {
            continue;
        };
        let opt = |v: Option<u8>| v.map(|v| v.to_string()).unwrap_or_default();
        let phone = c.phone.as_deref().map(|p| {
            if options.mask {
                mask_phone(p)
            } else {
                p.to_string()
            }
        });
        let email = c.email.as_deref().map(|e| {
            if options.mask {
                mask_email(e)
            } else {
                e.to_string()
            }
        });
        let record = [
            c.id.to_string(),
            safe_text(&c.name),
            safe_text(&phone.unwrap_or_default()),
            safe_text(&email.unwrap_or_default()),
            safe_text(c.city.map(Sym::as_str).unwrap_or("")),
            safe_text(&c.tags.join(",")),
            safe_text(c.owner.map(Sym::as_str).unwrap_or("")),
            m.stage
                .map(|s| s.name(options.chinese))
                .unwrap_or("")
                .to_string(),
            m.orders.to_string(),
            yuan(m.total_spent),
            m.last_order
                .map(|t| t.format_date(options.offset))
                .unwrap_or_default(),
            opt(m.r),
            opt(m.f),
            opt(m.m),
            m.group
                .map(|g| g.name(options.chinese))
                .unwrap_or("")
                .to_string(),
            safe_text(c.external_id.as_deref().unwrap_or("")),
            safe_text(
                m.tier
                    .map(|t| analytics.tier_name(t, options.chinese))
                    .unwrap_or(""),
            ),
            m.aov.map(yuan).unwrap_or_default(),
            m.ltv.map(yuan).unwrap_or_default(),
        ];
        let _ = writer.write_record(&record);
    }
    let bytes = writer.into_inner().unwrap_or_default();
    let mut out = String::from('\u{feff}');
    out.push_str(&String::from_utf8_lossy(&bytes));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_safe_masked_and_money_is_yuan() {
        assert_eq!(safe_text("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(safe_text("@cmd"), "'@cmd");
        assert_eq!(safe_text("张三"), "张三");
        assert_eq!(mask_phone("13812345678"), "138****5678");
        assert_eq!(mask_email("lisi@example.com"), "l***@example.com");
        assert_eq!(yuan(123_450), "1234.50");
        assert_eq!(yuan(-5), "-0.05");
        assert_eq!(yuan(0), "0.00");
    }
}
