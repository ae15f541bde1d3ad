//! Leave-one-out selection of a model setting over a grid, so that no case is scored with
//! parameters fitted on it.
//!
//! `scores[case][g]` is the loss (lower is better, e.g. a Brier score) of grid point `g` on
//! `case`; every row has the same length, the grid size.

/// Sum of column `g` over the rows other than `skip`; NaN losses count as +∞.
///
/// The sum is taken over the other rows directly (never as a total minus row `skip`), so the
/// result does not depend on row `skip` even in floating point.
fn column_sum(scores: &[Vec<f64>], g: usize, skip: Option<usize>) -> f64 {
    scores
        .iter()
        .enumerate()
        .filter(|(i, _)| Some(*i) != skip)
        .map(|(_, row)| {
            let x = row[g];
            if x.is_nan() {
                f64::INFINITY
            } else {
                x
            }
        })
        .sum()
}

/// The grid point with the smallest summed loss over the rows other than `skip` (ties → the
/// lowest index).
fn argmin(scores: &[Vec<f64>], skip: Option<usize>) -> usize {
    let grid = scores[0].len();
    assert!(grid > 0, "the grid is empty");
    assert!(
        scores.iter().all(|r| r.len() == grid),
        "every case needs one loss per grid point ({grid})"
    );
    let mut best = 0;
    let mut best_sum = column_sum(scores, 0, skip);
    for g in 1..grid {
        let s = column_sum(scores, g, skip);
        if s < best_sum {
            best = g;
            best_sum = s;
        }
    }
    best
}

/// For each case c, the grid point minimising the mean loss over the other cases (ties → the
/// lowest grid index). The mean over the n − 1 other cases is compared as a sum, which orders
/// the grid points the same way without rounding ties into being; NaN losses count as +∞.
/// With a single case there are no other cases and grid point 0 is chosen.
///
/// # Panics
/// If the grid is empty or the rows differ in length.
pub fn loo_select(scores: &[Vec<f64>]) -> Vec<usize> {
    if scores.is_empty() {
        return Vec::new();
    }
    (0..scores.len()).map(|c| argmin(scores, Some(c))).collect()
}

/// The grid point minimising the mean loss over all cases (ties → the lowest index; 0 when
/// there are no cases). This is the in-sample fit, to report beside the leave-one-out one.
///
/// # Panics
/// If the grid is empty or the rows differ in length.
pub fn fit_all(scores: &[Vec<f64>]) -> usize {
    if scores.is_empty() {
        return 0;
    }
    argmin(scores, None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn by_hand() {
        let scores = vec![
            vec![0.0, 1.0, 0.5],
            vec![0.9, 0.2, 0.5],
            vec![0.8, 0.3, 0.5],
        ];
        // Column sums 1.7, 1.5, 1.5: the tie goes to grid point 1.
        assert_eq!(fit_all(&scores), 1);
        // Without case 0: 1.7, 0.5, 1.0 → 1. Without case 1: 0.8, 1.3, 1.0 → 0.
        // Without case 2: 0.9, 1.2, 1.0 → 0.
        assert_eq!(loo_select(&scores), vec![1, 0, 0]);
    }

    #[test]
    fn a_case_that_would_pick_its_own_fit_does_not() {
        // Case 0 is best at g = 1 by far; the others prefer g = 0.
        let scores = vec![vec![5.0, 0.0], vec![0.1, 0.2], vec![0.1, 0.2]];
        assert_eq!(fit_all(&scores), 1);
        assert_eq!(loo_select(&scores)[0], 0);
    }

    #[test]
    fn ties_nan_and_edges() {
        assert_eq!(loo_select(&[vec![0.3, 0.3], vec![0.3, 0.3]]), vec![0, 0]);
        assert_eq!(loo_select(&[vec![0.0, 1.0, 2.0]]), vec![0]);
        assert_eq!(loo_select(&[]), Vec::<usize>::new());
        assert_eq!(fit_all(&[]), 0);
        let scores = vec![vec![f64::NAN, 0.9], vec![0.1, 0.9], vec![0.1, 0.9]];
        assert_eq!(fit_all(&scores), 1);
        assert_eq!(loo_select(&scores), vec![0, 1, 1]);
    }

    #[test]
    #[should_panic(expected = "one loss per grid point")]
    fn ragged_rows_panic() {
        loo_select(&[vec![0.0, 1.0], vec![0.0]]);
    }

    fn loss() -> impl Strategy<Value = f64> {
        // Small integers make ties common; arbitrary floats exercise rounding.
        prop_oneof![(0u8..4).prop_map(f64::from), 0.0..10.0f64, Just(f64::NAN)]
    }

    fn matrix() -> impl Strategy<Value = Vec<Vec<f64>>> {
        (1usize..7, 1usize..6)
            .prop_flat_map(|(n, g)| prop::collection::vec(prop::collection::vec(loss(), g), n))
    }

    proptest! {
        #[test]
        fn a_case_never_influences_its_own_selection(
            scores in matrix(),
            c in any::<prop::sample::Index>(),
            new_row in prop::collection::vec(loss(), 6),
            col in any::<prop::sample::Index>(),
            one in loss(),
        ) {
            let n = scores.len();
            let grid = scores[0].len();
            let c = c.index(n);
            let before = loo_select(&scores)[c];
            // Change one value of row c.
            let mut one_changed = scores.clone();
            one_changed[c][col.index(grid)] = one;
            prop_assert_eq!(loo_select(&one_changed)[c], before);
            // Replace the whole row.
            let mut row_changed = scores.clone();
            row_changed[c] = new_row[..grid].to_vec();
            prop_assert_eq!(loo_select(&row_changed)[c], before);
        }

        #[test]
        fn selection_minimises_the_others_loss(scores in matrix()) {
            let sel = loo_select(&scores);
            for (c, &g) in sel.iter().enumerate() {
                // The others' total loss at grid point h, NaN as +∞ (same order as the mean).
                let others = |h: usize| -> f64 {
                    let mut t = 0.0;
                    for (i, row) in scores.iter().enumerate() {
                        if i != c {
                            t += if row[h].is_nan() { f64::INFINITY } else { row[h] };
                        }
                    }
                    t
                };
                for h in 0..scores[0].len() {
                    prop_assert!(others(g) <= others(h));
                    if h < g {
                        prop_assert!(others(h) > others(g));
                    }
                }
            }
        }
    }
}
