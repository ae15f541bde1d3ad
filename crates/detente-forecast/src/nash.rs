//! The asymmetric Nash bargaining solution on one issue, with the status quo as disagreement point.

use crate::model::{Forecast, ForecastError, ForecastInput, IssueInput, Model};

/// Maximises Π (u_i(x) − u_i(sq))^(c_i·s_i) with u_i(x) = −|x − x_i|, over outcomes no actor
/// with positive weight finds worse than the status quo.
#[derive(Debug, Clone, Copy, Default)]
pub struct Nash;

/// Solves one issue; returns the outcome and the number of actors in the bargain.
fn solve(is: &IssueInput, capability: &[f64]) -> (f64, usize) {
    let sq = is.status_quo;
    let mut lo = is.min;
    let mut hi = is.max;
    let mut players = Vec::new();
    for ((x, s), c) in is.position.iter().zip(&is.salience).zip(capability) {
        let w = c * s;
        if w <= 0.0 {
            continue;
        }
        let g = (sq - x).abs();
        // u_i(x) − u_i(sq) ≥ 0  ⇔  |x − x_i| ≤ |sq − x_i|.
        lo = lo.max(x - g);
        hi = hi.min(x + g);
        players.push((*x, g, w));
    }
    if players.is_empty() || hi - lo <= 1e-12 {
        return (sq, players.len());
    }
    // Σ w ln(gain) is concave on [lo, hi] (concave gains, increasing concave log).
    let objective = |x: f64| -> f64 {
        let mut v = 0.0;
        for &(xi, g, w) in &players {
            let gain = g - (x - xi).abs();
            if gain <= 0.0 {
                return f64::NEG_INFINITY;
            }
            v += w * gain.ln();
        }
        v
    };
    if let Some(opts) = &is.options {
        let mut best = (sq, objective(sq));
        for k in 0..opts.len() {
            let x = k as f64;
            if x >= lo - 1e-12 && x <= hi + 1e-12 {
                let v = objective(x);
                if v > best.1 {
                    best = (x, v);
                }
            }
        }
        return (best.0, players.len());
    }
    let (mut a, mut b) = (lo, hi);
    for _ in 0..200 {
        let m1 = a + (b - a) / 3.0;
        let m2 = b - (b - a) / 3.0;
        if objective(m1) < objective(m2) {
            a = m1;
        } else {
            b = m2;
        }
        if b - a < 1e-12 * (1.0 + hi.abs().max(lo.abs())) {
            break;
        }
    }
    let x = 0.5 * (a + b);
    if objective(x).is_finite() {
        (x, players.len())
    } else {
        (sq, players.len())
    }
}

impl Model for Nash {
    fn id(&self) -> &'static str {
        "nash"
    }

    fn forecast(&self, input: &ForecastInput) -> Result<Forecast, ForecastError> {
        input.check()?;
        let mut outcomes = Vec::with_capacity(input.issues.len());
        let mut moved = 0.0;
        for is in &input.issues {
            let (x, _) = solve(is, &input.capability);
            if (x - is.status_quo).abs() > 1e-9 {
                moved += 1.0;
            }
            outcomes.push(x);
        }
        Ok(Forecast {
            model: "nash",
            outcomes,
            start: Vec::new(),
            rounds: Vec::new(),
            diagnostics: vec![("issues_moved_from_status_quo".into(), moved)],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn issue(pos: &[f64], sal: &[f64], sq: f64) -> IssueInput {
        IssueInput {
            id: "x".into(),
            min: 0.0,
            max: 10.0,
            options: None,
            status_quo: sq,
            position: pos.to_vec(),
            salience: sal.to_vec(),
        }
    }

    #[test]
    fn two_actors_on_one_side_split_by_weight() {
        // sq = 10, actors at 0 and 4: feasible [0..10] ∩ [−2, 10]... gains 10−|x|, 6−|x−4|.
        // On [0, 4]: maximise ln(10−x) + ln(2+x) → x = 4.
        let (x, n) = solve(&issue(&[0.0, 4.0], &[1.0, 1.0], 10.0), &[1.0, 1.0]);
        assert_eq!(n, 2);
        assert!((x - 4.0).abs() < 1e-6, "{x}");
        // Heavier weight on the actor at 0 pulls the solution below 4: maximise 3 ln(10−x) + ln(2+x)
        // on [0, 4] → derivative −3/(10−x) + 1/(2+x) = 0 → x = 1.
        let (x, _) = solve(&issue(&[0.0, 4.0], &[1.0, 1.0], 10.0), &[3.0, 1.0]);
        assert!((x - 1.0).abs() < 1e-6, "{x}");
    }

    #[test]
    fn actors_on_both_sides_of_the_status_quo_keep_it() {
        let (x, _) = solve(&issue(&[0.0, 10.0], &[1.0, 1.0], 5.0), &[1.0, 1.0]);
        assert_eq!(x, 5.0);
    }
}
