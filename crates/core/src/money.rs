//! Money is integer cents everywhere; the one rounding of a quotient (averages, a price from
//! micro-units), so every figure of the product rounds alike.

/// `n / d` rounded half away from zero; 0 when `d` is 0. Never overflows (the remainder is
/// compared as `r ≥ |d| − r`, not `2r ≥ |d|`).
pub fn div_round(n: i128, d: i128) -> i128 {
    if d == 0 {
        return 0;
    }
    let q = n / d;
    let r = (n % d).unsigned_abs();
    if r != 0 && r >= d.unsigned_abs() - r {
        q + if (n < 0) == (d < 0) { 1 } else { -1 }
    } else {
        q
    }
}

/// [`div_round`] for cents and counts.
pub fn div_round_i64(n: i64, d: i64) -> i64 {
    // Only i64::MIN / -1 leaves the range: it saturates rather than wraps.
    let q = div_round(i128::from(n), i128::from(d));
    q.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn halves_round_away_from_zero_whatever_the_signs() {
        let cases = [
            (7, 2, 4),
            (-7, 2, -4),
            (7, -2, -4),
            (-7, -2, 4),
            (5, 3, 2),
            (4, 3, 1),
            (-4, 3, -1),
            (6, 3, 2),
            (0, 5, 0),
            (1, 0, 0),
            (29_999, 10_000, 3),
            (25_000, 10_000, 3),
            (24_999, 10_000, 2),
        ];
        for (n, d, want) in cases {
            assert_eq!(div_round(n, d), want, "{n}/{d}");
            assert_eq!(div_round_i64(n as i64, d as i64), want as i64, "{n}/{d}");
        }
        let big = i128::MAX - 1;
        assert_eq!(div_round(big, big - 1), 1);
        assert_eq!(div_round(i128::MAX, 2), i128::MAX / 2 + 1);
        assert_eq!(div_round_i64(i64::MIN, 1), i64::MIN);
        assert_eq!(div_round_i64(i64::MAX, -1), -i64::MAX);
        assert_eq!(div_round_i64(i64::MIN, -1), i64::MAX);
    }
}
