//! When to try again after a failed sync: exponential backoff with jitter, so that a team's
//! devices do not all hammer a server that just came back at the same moment.

/// The wait before attempt `attempt` (1 = the first retry), in milliseconds: 1 s doubling up
/// to 5 minutes, each scaled by `jitter` in [0, 1) to between half and all of it.
pub fn delay_ms(attempt: u32, jitter: f64) -> u32 {
    const BASE: u64 = 1_000;
    const CAP: u64 = 300_000;
    let full = BASE
        .saturating_mul(1u64 << attempt.saturating_sub(1).min(20))
        .min(CAP);
    let j = jitter.clamp(0.0, 1.0);
    ((full as f64) * (0.5 + 0.5 * j)) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_from_one_second_to_five_minutes_with_jitter_in_the_upper_half() {
        assert_eq!(delay_ms(1, 1.0), 1_000);
        assert_eq!(delay_ms(1, 0.0), 500);
        assert_eq!(delay_ms(2, 1.0), 2_000);
        assert_eq!(delay_ms(4, 0.5), 6_000);
        assert_eq!(delay_ms(9, 1.0), 256_000);
        assert_eq!(delay_ms(10, 1.0), 300_000);
        assert_eq!(delay_ms(60, 1.0), 300_000);
        assert_eq!(delay_ms(0, 1.0), 1_000);
    }
}
