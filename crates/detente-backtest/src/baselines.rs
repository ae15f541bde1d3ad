//! Reference forecasts scored on the same cases as the models, so a model's score can be read
//! against something: for the class, uniform, base rate and status quo; for issues, the
//! status quo and the midpoint of the parties' positions.

use detente_core::{Role, Scenario};

/// Every class equally likely: ¼ each.
pub fn uniform() -> [f64; 4] {
    [0.25; 4]
}

/// Class frequencies of the other cases, with add-one (Laplace) smoothing so that no class gets
/// probability 0: pₖ = (cₖ + 1) / (m + 4), where cₖ counts the cases other than `leave_out`
/// whose class is k and m is the number of those cases.
///
/// `actuals` holds each case's class index (0..4, see [`crate::Class4::index`]). A `leave_out`
/// that is not a case index (e.g. `usize::MAX`) leaves no case out. With no other case the
/// forecast is uniform.
///
/// # Panics
/// If a class index is 4 or more.
pub fn base_rate(actuals: &[usize], leave_out: usize) -> [f64; 4] {
    let mut counts = [1.0; 4];
    let mut m = 0.0;
    for (i, &a) in actuals.iter().enumerate() {
        if i != leave_out {
            assert!(a < 4, "class index {a} is not below 4");
            counts[a] += 1.0;
            m += 1.0;
        }
    }
    counts.map(|c| c / (m + 4.0))
}

/// Nothing changes: all mass on stalemate.
pub fn status_quo() -> [f64; 4] {
    [0.0, 0.0, 1.0, 0.0]
}

/// The two reference forecasts for `issue` (an index into `scenario.issues`): its status quo
/// (point value) and the midpoint of the parties' positions, the mean of the point positions of
/// the actors with role party that take a stance on it. Both are scale values, or option
/// indices for a discrete issue (the midpoint is not rounded to an option). When no party takes
/// a stance the midpoint is the status quo.
///
/// # Panics
/// If `issue` is not an index into `scenario.issues`.
pub fn issue_baselines(scenario: &Scenario, issue: usize) -> (f64, f64) {
    let sq = scenario.issues[issue].status_quo.value;
    let positions: Vec<f64> = scenario
        .stances
        .iter()
        .filter(|s| s.issue == issue && scenario.actors[s.actor].role == Role::Party)
        .map(|s| s.position.value)
        .collect();
    let midpoint = if positions.is_empty() {
        sq
    } else {
        positions.iter().sum::<f64>() / positions.len() as f64
    };
    (sq, midpoint)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::tests::scenario;

    #[test]
    fn fixed_baselines() {
        assert_eq!(uniform(), [0.25; 4]);
        assert_eq!(status_quo(), [0.0, 0.0, 1.0, 0.0]);
        assert_eq!(uniform().iter().sum::<f64>(), 1.0);
    }

    #[test]
    fn base_rate_leaves_the_case_out_and_smooths() {
        let actuals = [0, 0, 2, 3];
        // Others of case 0: classes 0, 2, 3 → counts 1, 0, 1, 1, plus one each, over 3 + 4.
        assert_eq!(
            base_rate(&actuals, 0),
            [2.0 / 7.0, 1.0 / 7.0, 2.0 / 7.0, 2.0 / 7.0]
        );
        // Others of case 2: classes 0, 0, 3 → 3/7, 1/7, 1/7, 2/7.
        assert_eq!(
            base_rate(&actuals, 2),
            [3.0 / 7.0, 1.0 / 7.0, 1.0 / 7.0, 2.0 / 7.0]
        );
        // Nothing left out: all four cases, 3/8, 1/8, 2/8, 2/8.
        assert_eq!(
            base_rate(&actuals, usize::MAX),
            [3.0 / 8.0, 1.0 / 8.0, 2.0 / 8.0, 2.0 / 8.0]
        );
        assert_eq!(base_rate(&[1], 0), [0.25; 4]);
        assert_eq!(base_rate(&[], 0), [0.25; 4]);
        let p = base_rate(&[1, 1, 1, 1, 1], 4);
        assert!(p.iter().all(|&x| x > 0.0));
        assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn issue_baselines_average_party_positions_only() {
        let s = scenario();
        // Issue 0: parties at 3.67 and 20; the mediator's 10 is ignored.
        let (sq, mid) = issue_baselines(&s, 0);
        assert_eq!(sq, 20.0);
        assert!((mid - 11.835).abs() < 1e-12, "{mid}");
        // Issue 1: only the US (option index 2) takes a stance.
        assert_eq!(issue_baselines(&s, 1), (2.0, 2.0));
        let mut s = s;
        s.stances.retain(|st| st.issue != 1);
        s.issues[1].status_quo.value = 1.0;
        assert_eq!(issue_baselines(&s, 1), (1.0, 1.0));
    }
}
