//! Exact Pareto frontiers: a bucket prefilter plus one sort and sweep for two parties, and a
//! sorted skyline for any number of parties.

use std::cmp::Ordering;

use crate::outcome::OutcomeId;

/// One point of a frontier: a distinct utility vector and every outcome that has it.
#[derive(Debug, Clone, PartialEq)]
pub struct FrontierPoint {
    /// Utility of each party.
    pub utilities: Vec<f64>,
    /// The outcomes with exactly these utilities, in increasing index order.
    pub outcomes: Vec<OutcomeId>,
}

/// The exact frontier of `cols[party][outcome]`, sorted by the first party's utility ascending
/// (then the next parties'). With `min`, only outcomes with `u_i ≥ min_i` for all i are candidates.
/// Non-finite utilities (vetoed outcomes) are never candidates.
pub fn pareto_frontier(cols: &[Vec<f64>], min: Option<&[f64]>) -> Vec<FrontierPoint> {
    match cols.len() {
        0 => Vec::new(),
        2 => pareto_two(&cols[0], &cols[1], min.map(|m| (m[0], m[1]))),
        _ => pareto_general(cols, min),
    }
}

fn cmp_f(a: f64, b: f64) -> Ordering {
    a.partial_cmp(&b).unwrap_or(Ordering::Equal)
}

/// Two-party frontier in O(n) prefiltering plus a sort of the survivors.
///
/// Prefilter: outcomes are bucketed by u1; a point whose u2 is at most the largest u2 in any
/// higher bucket (all of which have strictly larger u1) is dominated and dropped.
pub fn pareto_two(u1: &[f64], u2: &[f64], min: Option<(f64, f64)>) -> Vec<FrontierPoint> {
    let (r1, r2) = min.unwrap_or((f64::NEG_INFINITY, f64::NEG_INFINITY));
    let ok = |a: f64, b: f64| a.is_finite() && b.is_finite() && a >= r1 && b >= r2;
    let n = u1.len().min(u2.len());
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    let mut count = 0usize;
    for o in 0..n {
        let (a, b) = (u1[o], u2[o]);
        if ok(a, b) {
            lo = lo.min(a);
            hi = hi.max(a);
            count += 1;
        }
    }
    if count == 0 {
        return Vec::new();
    }
    let buckets = (count / 8).clamp(1, 1 << 16);
    let width = hi - lo;
    let scale = if width > 0.0 {
        buckets as f64 / width
    } else {
        0.0
    };
    let bucket = |a: f64| (((a - lo) * scale) as usize).min(buckets - 1);
    let mut bmax = vec![f64::NEG_INFINITY; buckets];
    for o in 0..n {
        let (a, b) = (u1[o], u2[o]);
        if ok(a, b) {
            let k = bucket(a);
            if b > bmax[k] {
                bmax[k] = b;
            }
        }
    }
    // above[k] = max u2 over buckets strictly above k
    let mut above = vec![f64::NEG_INFINITY; buckets];
    let mut run = f64::NEG_INFINITY;
    for k in (0..buckets).rev() {
        above[k] = run;
        run = run.max(bmax[k]);
    }
    let mut cand: Vec<(f64, f64, OutcomeId)> = Vec::with_capacity(buckets.min(count));
    for o in 0..n {
        let (a, b) = (u1[o], u2[o]);
        if ok(a, b) && b > above[bucket(a)] {
            cand.push((a, b, o as OutcomeId));
        }
    }
    cand.sort_unstable_by(|x, y| cmp_f(y.0, x.0).then(cmp_f(y.1, x.1)).then(x.2.cmp(&y.2)));
    let mut out: Vec<FrontierPoint> = Vec::new();
    let mut best2 = f64::NEG_INFINITY;
    for (a, b, o) in cand {
        if let Some(last) = out.last_mut() {
            if last.utilities[0] == a && last.utilities[1] == b {
                last.outcomes.push(o);
                continue;
            }
        }
        if b > best2 {
            best2 = b;
            out.push(FrontierPoint {
                utilities: vec![a, b],
                outcomes: vec![o],
            });
        }
    }
    out.reverse();
    out
}

/// Frontier for any number of parties: candidates sorted lexicographically (descending), each
/// kept unless an already-kept point dominates it. No dominator can come later in that order,
/// so the cost is O(n log n + n·k·m) for k frontier points and m parties.
fn pareto_general(cols: &[Vec<f64>], min: Option<&[f64]>) -> Vec<FrontierPoint> {
    let m = cols.len();
    let n = cols.iter().map(Vec::len).min().unwrap_or(0);
    let mut cand: Vec<OutcomeId> = (0..n)
        .filter(|&o| {
            cols.iter()
                .enumerate()
                .all(|(i, c)| c[o].is_finite() && min.map(|r| c[o] >= r[i]).unwrap_or(true))
        })
        .map(|o| o as OutcomeId)
        .collect();
    let key = |o: OutcomeId, i: usize| cols[i][o as usize];
    cand.sort_unstable_by(|&x, &y| {
        for i in 0..m {
            let c = cmp_f(key(y, i), key(x, i));
            if c != Ordering::Equal {
                return c;
            }
        }
        x.cmp(&y)
    });
    // frontier utilities stored flat (row-major) for cache-friendly dominance checks
    let mut flat: Vec<f64> = Vec::new();
    let mut ids: Vec<Vec<OutcomeId>> = Vec::new();
    // Per-party ranges: each candidate is first tested on the coordinate where it is
    // relatively strongest, where a random earlier point most likely falls short.
    let ranges: Vec<(f64, f64)> = (0..m)
        .map(|i| {
            cand.iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &o| {
                    (lo.min(key(o, i)), hi.max(key(o, i)))
                })
        })
        .collect();
    let mut u = vec![0.0; m];
    for o in cand {
        let mut first = 0;
        let mut best = f64::NEG_INFINITY;
        for (i, x) in u.iter_mut().enumerate() {
            *x = key(o, i);
            let (lo, hi) = ranges[i];
            let rel = if hi > lo { (*x - lo) / (hi - lo) } else { 0.0 };
            if rel > best {
                best = rel;
                first = i;
            }
        }
        if let Some(last) = flat.rchunks_exact(m).next() {
            if last == u.as_slice() {
                if let Some(l) = ids.last_mut() {
                    l.push(o);
                }
                continue;
            }
        }
        let dominated = flat
            .chunks_exact(m)
            .any(|q| q[first] >= u[first] && q.iter().zip(&u).all(|(q, x)| q >= x));
        if !dominated {
            flat.extend_from_slice(&u);
            ids.push(vec![o]);
        }
    }
    let mut front: Vec<FrontierPoint> = flat
        .chunks_exact(m)
        .zip(ids)
        .map(|(u, outcomes)| FrontierPoint {
            utilities: u.to_vec(),
            outcomes,
        })
        .collect();
    front.reverse();
    front
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_party_hand_case() {
        // points: (1,0) (0,1) (0.5,0.5) (0.4,0.4) dominated, (0.5,0.5) duplicate
        let u1 = vec![1.0, 0.0, 0.5, 0.4, 0.5];
        let u2 = vec![0.0, 1.0, 0.5, 0.4, 0.5];
        let f = pareto_two(&u1, &u2, None);
        let us: Vec<Vec<f64>> = f.iter().map(|p| p.utilities.clone()).collect();
        assert_eq!(us, vec![vec![0.0, 1.0], vec![0.5, 0.5], vec![1.0, 0.0]]);
        assert_eq!(f[1].outcomes, vec![2, 4]);
        let g = pareto_frontier(&[u1.clone(), u2.clone(), vec![0.0; 5]], None);
        assert_eq!(g.len(), 3);
        let r = pareto_two(&u1, &u2, Some((0.2, 0.2)));
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].utilities, vec![0.5, 0.5]);
    }

    #[test]
    fn equal_first_utility_keeps_only_best_second() {
        let u1 = vec![1.0, 1.0, 0.0];
        let u2 = vec![0.2, 0.3, 0.3];
        let f = pareto_two(&u1, &u2, None);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].outcomes, vec![1]);
    }
}
