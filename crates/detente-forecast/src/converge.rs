//! Whether a round-based model's forecast settled: converged, cycling, or still moving.
//!
//! BDM can oscillate (on Muscat, a two-round cycle on inspections, a three-round one on the
//! agenda, a five-round one on enrichment's location), so its last round depends on the round
//! count; it can also rest on a value for a few rounds before jumping again. [`convergence`]
//! reads one issue's per-round forecasts and says which case it is, and
//! what the forecast is then: the last value when converged, the mean over the cycle when
//! cycling, the mean of the second half of the rounds (with its range) otherwise.

/// How one issue's per-round forecast ended.
#[derive(Debug, Clone, PartialEq)]
pub struct Convergence {
    /// The last rounds agree (within the tolerance), for longer than the series ever rested
    /// on a value before moving again.
    pub converged: bool,
    /// The shortest period `p` (2 or more) such that the last `p` rounds repeat the `p`
    /// before them, when not converged.
    pub cycle: Option<usize>,
    /// The forecast to read: the last value when converged, the mean over the cycle when
    /// cycling, the mean of the second half of the rounds otherwise.
    pub settled: f64,
    /// Lowest and highest value over the rounds `settled` averages.
    pub range: [f64; 2],
}

/// Longest cycle looked for.
pub const MAX_CYCLE: usize = 12;

/// Reads the per-round forecasts `series` (round 1 first) of one issue whose scale spans
/// `span` (max − min; option count − 1 on a discrete issue). Values closer than 0.1 % of the
/// span count as equal. `None` when there are fewer than two rounds.
pub fn convergence(series: &[f64], span: f64) -> Option<Convergence> {
    let t = series.len();
    if t < 2 {
        return None;
    }
    let tol = 1e-3 * span.abs().max(1e-9);
    let same = |a: f64, b: f64| (a - b).abs() <= tol;
    let stats = |xs: &[f64]| {
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        let lo = xs.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        (mean, [lo, hi])
    };
    // Plateaus: runs of rounds that agree with the round before. BDM can rest on a value for
    // a few rounds and then jump, so the last rounds agreeing is not enough: the final
    // plateau must be at least two rounds long and outlast every earlier one (each of which
    // ended in a jump).
    let mut plateaus = vec![1usize];
    for k in 1..t {
        if same(series[k], series[k - 1]) {
            *plateaus.last_mut().expect("one plateau") += 1;
        } else {
            plateaus.push(1);
        }
    }
    let last = *plateaus.last().expect("one plateau");
    let earlier = plateaus[..plateaus.len() - 1]
        .iter()
        .copied()
        .max()
        .unwrap_or(0);
    if last >= 2 && last > earlier {
        return Some(Convergence {
            converged: true,
            cycle: None,
            settled: series[t - 1],
            range: [series[t - 1]; 2],
        });
    }
    for p in 2..=MAX_CYCLE.min(t / 2) {
        if (t - p..t).all(|k| same(series[k], series[k - p])) {
            let (mean, range) = stats(&series[t - p..]);
            return Some(Convergence {
                converged: false,
                cycle: Some(p),
                settled: mean,
                range,
            });
        }
    }
    let (mean, range) = stats(&series[t / 2..]);
    Some(Convergence {
        converged: false,
        cycle: None,
        settled: mean,
        range,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_settled_series_converges() {
        let c = convergence(&[3.0, 1.0, 0.0005, 0.0001], 3.0).expect("two rounds");
        assert!(c.converged);
        assert_eq!(c.cycle, None);
        assert_eq!(c.settled, 0.0001);
    }

    #[test]
    fn a_two_round_cycle_is_found_and_averaged() {
        // Muscat's inspections under BDM.
        let s = [1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0];
        let c = convergence(&s, 3.0).expect("rounds");
        assert!(!c.converged);
        assert_eq!(c.cycle, Some(2));
        assert_eq!(c.settled, 0.5);
        assert_eq!(c.range, [0.0, 1.0]);
    }

    #[test]
    fn a_three_round_cycle_is_found() {
        let s = [1.0, 2.0, 1.0, 2.0, 1.09, 1.0, 2.0, 1.17, 1.0, 2.0, 1.17];
        let c = convergence(&s, 2.0).expect("rounds");
        assert_eq!(c.cycle, Some(3));
        assert!((c.settled - (1.0 + 2.0 + 1.17) / 3.0).abs() < 1e-12);
    }

    #[test]
    fn a_series_still_moving_is_neither_converged_nor_cyclic() {
        let s = [0.0, 1.0, 3.0, 0.5, 2.0, 2.5];
        let c = convergence(&s, 3.0).expect("rounds");
        assert!(!c.converged);
        assert_eq!(c.cycle, None);
        assert_eq!(c.range, [0.5, 2.5]);
    }

    #[test]
    fn a_rest_that_earlier_rests_outlasted_is_not_convergence() {
        // eu_emissions_1994 under BDM: rests of 3 rounds, then a jump.
        let s = [
            8.4, 9.6, 9.96, 9.96, 9.96, 7.47, 8.8, 9.67, 9.67, 7.0, 7.0, 7.0,
        ];
        let c = convergence(&s, 10.0).expect("rounds");
        assert!(!c.converged, "{c:?}");
        let mut longer = s.to_vec();
        longer.push(7.0);
        assert!(convergence(&longer, 10.0).expect("rounds").converged);
    }

    #[test]
    fn one_round_says_nothing() {
        assert_eq!(convergence(&[1.0], 1.0), None);
    }
}
