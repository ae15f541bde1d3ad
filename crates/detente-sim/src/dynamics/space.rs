//! Packages issue by issue: exact candidate values, a "deferred" state per issue, additive
//! utilities, and the searches every actor uses ("the best package for me that gives you at
//! least v") without ever enumerating the outcome space.
//!
//! A package picks, for every issue, one candidate value or *deferred* (index `len`). With
//! additive utilities, maximising a weighted sum of utilities splits into one choice per issue,
//! so a Lagrangian search over multipliers costs O(issues × values × actors) per step.

use detente_core::{IssueKind, Scenario, Shape};

/// How many evenly spaced values a continuous issue gets besides its exact points.
pub const GRID: usize = 13;

/// One issue as the dynamics see it.
#[derive(Debug, Clone)]
pub struct IssueSpace {
    /// Index into `Scenario::issues`.
    pub issue: usize,
    /// Candidate values (scale values, or option indices), sorted.
    pub values: Vec<f64>,
    /// Per candidate value: inside every party's red line.
    pub allowed: Vec<bool>,
    /// True if the issue cannot be settled at all (off a party's agenda, or no party cares).
    pub forced: bool,
    /// True if a comprehensive deal must settle it.
    pub core: bool,
}

impl IssueSpace {
    /// Index of the deferred state.
    pub fn deferred(&self) -> usize {
        self.values.len()
    }
}

/// The package space of one scenario state, with every actor's utility contributions.
#[derive(Debug, Clone)]
pub struct Space {
    /// The issues, in scenario order.
    pub issues: Vec<IssueSpace>,
    offsets: Vec<usize>,
    width: usize,
    /// contrib[a * width + offsets[j] + v]: actor a's weighted utility of value v on issue j.
    contrib: Vec<f64>,
    n_actors: usize,
}

/// A package: per issue, a candidate index or `deferred()`.
pub type Package = Vec<usize>;

fn push_unique(v: &mut Vec<f64>, x: f64, lo: f64, hi: f64) {
    if x.is_finite() && x >= lo - 1e-12 && x <= hi + 1e-12 {
        v.push(x.clamp(lo, hi));
    }
}

impl Space {
    /// Builds the space of the scenario's current state (positions, saliences, red lines).
    pub fn new(s: &Scenario) -> Space {
        let parties: Vec<usize> = s.parties().collect();
        let core_of = |id: &str| {
            s.outcomes.core_issues.is_empty() || s.outcomes.core_issues.iter().any(|c| c == id)
        };
        let mut issues = Vec::with_capacity(s.issues.len());
        for (j, is) in s.issues.iter().enumerate() {
            let values = match &is.kind {
                IssueKind::Discrete { options } => (0..options.len()).map(|k| k as f64).collect(),
                IssueKind::Continuous { min, max, .. } => {
                    let (lo, hi) = (*min, *max);
                    let mut v: Vec<f64> = (0..GRID)
                        .map(|k| lo + (hi - lo) * k as f64 / (GRID - 1) as f64)
                        .collect();
                    push_unique(&mut v, is.status_quo.value, lo, hi);
                    for st in s.stances.iter().filter(|st| st.issue == j) {
                        push_unique(&mut v, st.position.value, lo, hi);
                        if let Some(r) = st.red_line {
                            for b in [r.min, r.max].into_iter().flatten() {
                                push_unique(&mut v, b, lo, hi);
                            }
                        }
                        if let Shape::Table(points) = &st.shape {
                            for &(x, _) in points {
                                push_unique(&mut v, x, lo, hi);
                            }
                        }
                    }
                    v.sort_by(f64::total_cmp);
                    let tol = (hi - lo) * 1e-12;
                    v.dedup_by(|a, b| (*a - *b).abs() <= tol);
                    v
                }
            };
            let allowed = values
                .iter()
                .map(|&x| {
                    parties
                        .iter()
                        .all(|&p| s.stance(p, j).is_none_or(|st| st.accepts(x)))
                })
                .collect();
            let forced = parties.iter().any(|&p| !s.on_agenda(p, j))
                || !parties.iter().any(|&p| s.stance(p, j).is_some());
            issues.push(IssueSpace {
                issue: j,
                values,
                allowed,
                forced,
                core: core_of(&is.id),
            });
        }
        let mut offsets = Vec::with_capacity(issues.len());
        let mut width = 0;
        for is in &issues {
            offsets.push(width);
            width += is.values.len() + 1;
        }
        let n_actors = s.actors.len();
        let mut contrib = vec![0.0; n_actors * width];
        for (a, _) in s.actors.iter().enumerate() {
            // Salience weights over every issue the actor takes a stance on: an issue off a
            // party's agenda cannot be negotiated, but the party still cares where it ends up
            // (kept at the status quo in talks; imposed by force in a contest).
            let total: f64 = s
                .stances
                .iter()
                .filter(|st| st.actor == a)
                .map(|st| st.salience.value.max(0.0))
                .sum();
            if total <= 0.0 {
                continue;
            }
            for st in s.stances.iter().filter(|st| st.actor == a) {
                let j = st.issue;
                let w = st.salience.value.max(0.0) / total;
                let is = &s.issues[j];
                let base = a * width + offsets[j];
                for (v, &x) in issues[j].values.iter().enumerate() {
                    contrib[base + v] = w * st.utility(is, x);
                }
                contrib[base + issues[j].values.len()] = w * st.utility(is, is.status_quo.value);
            }
        }
        Space {
            issues,
            offsets,
            width,
            contrib,
            n_actors,
        }
    }

    /// Number of actors with utilities (every scenario actor).
    pub fn n_actors(&self) -> usize {
        self.n_actors
    }

    /// Actor `a`'s utility of package `p`.
    pub fn utility(&self, a: usize, p: &[usize]) -> f64 {
        let row = &self.contrib[a * self.width..(a + 1) * self.width];
        p.iter()
            .zip(&self.offsets)
            .map(|(&v, &off)| row[off + v])
            .sum()
    }

    /// The package that defers every issue (the status quo continues).
    pub fn all_deferred(&self) -> Package {
        self.issues.iter().map(|i| i.deferred()).collect()
    }

    /// The scale value of a package's choice on issue `j` (`None` when deferred).
    pub fn value(&self, p: &[usize], j: usize) -> Option<f64> {
        self.issues[j].values.get(p[j]).copied()
    }

    /// Number of issues a package settles.
    pub fn settled(&self, p: &[usize]) -> usize {
        p.iter()
            .zip(&self.issues)
            .filter(|(&v, is)| v < is.deferred())
            .count()
    }

    /// True if a package settles every negotiable core issue.
    pub fn comprehensive(&self, p: &[usize]) -> bool {
        p.iter()
            .zip(&self.issues)
            .all(|(&v, is)| is.forced || !is.core || v < is.deferred())
    }

    /// The package maximising Σ_a weights[a] · U_a, issue by issue. With `red_lines`, only values
    /// inside every party's red line (or deferral) are chosen and issues that cannot be
    /// negotiated stay deferred; without, any value on any issue (what a party would impose by
    /// force). Ties keep the lowest value, and prefer settling over deferring.
    pub fn argmax(&self, weights: &[f64], red_lines: bool, out: &mut Package) {
        out.clear();
        let active: Vec<(usize, f64)> = weights
            .iter()
            .enumerate()
            .filter(|(_, w)| **w != 0.0)
            .map(|(a, w)| (a, *w))
            .collect();
        for (j, is) in self.issues.iter().enumerate() {
            let d = is.deferred();
            if is.forced && red_lines {
                out.push(d);
                continue;
            }
            let score = |v: usize| -> f64 {
                active
                    .iter()
                    .map(|&(a, w)| w * self.contrib[a * self.width + self.offsets[j] + v])
                    .sum()
            };
            // Imposing by force, a value nobody prefers to the status quo leaves it in place.
            let mut best = if red_lines {
                (d, f64::NEG_INFINITY)
            } else {
                (d, score(d))
            };
            for v in 0..d {
                if red_lines && !is.allowed[v] {
                    continue;
                }
                let sc = score(v);
                if sc > best.1 + 1e-12 {
                    best = (v, sc);
                }
            }
            if red_lines {
                let sc = score(d);
                if sc > best.1 + 1e-12 {
                    best = (d, sc);
                }
            }
            out.push(best.0);
        }
    }

    /// The package maximising Σ_a base[a] · U_a subject to U_f ≥ v_f for every floor (f, v_f),
    /// inside the red lines, by Lagrange multipliers on the floors (bisection, cycled over the
    /// floors); `None` if no multiplier meets every floor.
    pub fn search(&self, base: &[f64], floors: &[(usize, f64)]) -> Option<Package> {
        let mut w = base.to_vec();
        let mut p = Vec::with_capacity(self.issues.len());
        self.argmax(&w, true, &mut p);
        let ok = |p: &Package| floors.iter().all(|&(f, v)| self.utility(f, p) >= v - 1e-9);
        if ok(&p) {
            return Some(p);
        }
        let cycles = if floors.len() <= 1 { 1 } else { 4 };
        for _ in 0..cycles {
            for &(f, v) in floors {
                if self.utility(f, &p) >= v - 1e-9 {
                    continue;
                }
                // Grow the multiplier until the floor holds, then bisect to the smallest one.
                let start = w[f];
                let mut lo = 0.0;
                let mut hi = 1.0;
                loop {
                    w[f] = start + hi;
                    self.argmax(&w, true, &mut p);
                    if self.utility(f, &p) >= v - 1e-9 {
                        break;
                    }
                    lo = hi;
                    hi *= 4.0;
                    if hi > 1e7 {
                        return None;
                    }
                }
                for _ in 0..24 {
                    let mid = 0.5 * (lo + hi);
                    w[f] = start + mid;
                    self.argmax(&w, true, &mut p);
                    if self.utility(f, &p) >= v - 1e-9 {
                        hi = mid;
                    } else {
                        lo = mid;
                    }
                }
                w[f] = start + lo;
                let mut below = Vec::with_capacity(p.len());
                self.argmax(&w, true, &mut below);
                w[f] = start + hi;
                self.argmax(&w, true, &mut p);
                // The multiplier jumps between vertices of the frontier's convex hull; on the
                // issues where the two sides of the jump differ, an intermediate value may meet
                // the floor at less cost (one issue at a time, best first).
                p = self.refine(base, floors, p, &below);
            }
            if ok(&p) {
                return Some(p);
            }
        }
        ok(&p).then_some(p)
    }

    /// Improves a package meeting the floors by trying every value on the issues where it
    /// differs from `other` (one issue at a time), keeping the floors.
    fn refine(
        &self,
        base: &[f64],
        floors: &[(usize, f64)],
        p: Package,
        other: &[usize],
    ) -> Package {
        let objective = |q: &[usize]| -> f64 {
            base.iter()
                .enumerate()
                .filter(|(_, w)| **w != 0.0)
                .map(|(a, w)| w * self.utility(a, q))
                .sum()
        };
        let ok = |q: &[usize]| floors.iter().all(|&(f, v)| self.utility(f, q) >= v - 1e-9);
        if !ok(&p) {
            return p;
        }
        let mut best_score = objective(&p);
        let mut best = p;
        for j in 0..best.len() {
            if best[j] == other[j] {
                continue;
            }
            let is = &self.issues[j];
            let mut q = best.clone();
            for v in 0..=is.deferred() {
                if v < is.deferred() && !is.allowed[v] {
                    continue;
                }
                q[j] = v;
                let sc = objective(&q);
                if sc > best_score + 1e-12 && ok(&q) {
                    best_score = sc;
                    best[j] = v;
                }
            }
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use detente_core::{Actor, Issue, Param, RedLine, Role, Stance};

    fn two_party(us_max: f64, iran_min: f64) -> Scenario {
        let mut s = Scenario::default();
        s.actors.push(Actor::new("a", "A", Role::Party, 1.0));
        s.actors.push(Actor::new("b", "B", Role::Party, 1.0));
        s.issues.push(Issue::continuous("level", 0.0, 60.0, 60.0));
        let st = |actor, pos: f64, red_line| Stance {
            actor,
            issue: 0,
            position: Param::fixed(pos),
            salience: Param::fixed(1.0),
            shape: Shape::Linear,
            red_line,
        };
        s.stances.push(st(
            0,
            0.0,
            Some(RedLine {
                min: None,
                max: Some(us_max),
            }),
        ));
        s.stances.push(st(
            1,
            20.0,
            Some(RedLine {
                min: Some(iran_min),
                max: None,
            }),
        ));
        s
    }

    #[test]
    fn a_red_line_overlap_narrower_than_the_grid_is_representable() {
        // Grid step is 5 on [0, 60]; the overlap [3.2, 3.9] holds no grid point.
        let s = two_party(3.9, 3.2);
        let sp = Space::new(&s);
        let allowed: Vec<f64> = sp.issues[0]
            .values
            .iter()
            .zip(&sp.issues[0].allowed)
            .filter(|(_, a)| **a)
            .map(|(v, _)| *v)
            .collect();
        assert!(!allowed.is_empty(), "the overlap must be found");
        assert!(allowed.iter().all(|&v| (3.2..=3.9).contains(&v)));
        // A's best package inside the red lines settles at 3.2; B's at 3.9.
        let mut p = Vec::new();
        sp.argmax(&[1.0, 0.0], true, &mut p);
        assert_eq!(sp.value(&p, 0), Some(3.2));
        sp.argmax(&[0.0, 1.0], true, &mut p);
        assert_eq!(sp.value(&p, 0), Some(3.9));
    }

    #[test]
    fn incompatible_red_lines_leave_only_deferral() {
        let s = two_party(3.0, 5.0);
        let sp = Space::new(&s);
        assert!(sp.issues[0].allowed.iter().all(|a| !a));
        let mut p = Vec::new();
        sp.argmax(&[1.0, 1.0], true, &mut p);
        assert_eq!(p[0], sp.issues[0].deferred());
        assert_eq!(sp.settled(&p), 0);
    }

    #[test]
    fn search_meets_a_floor_at_least_cost() {
        let s = two_party(60.0, 0.0);
        let sp = Space::new(&s);
        // Best for A (ideal 0) that gives B (ideal 20) at least 0.9: 20 − 0.1 · 60 = 14.
        let p = sp.search(&[1.0, 0.0], &[(1, 0.9)]).expect("feasible");
        assert!(sp.utility(1, &p) >= 0.9 - 1e-9);
        let x = sp.value(&p, 0).expect("settled");
        assert!(x <= 15.0 + 1e-9, "{x}");
        assert!(sp.search(&[1.0, 0.0], &[(1, 1.01)]).is_none());
    }
}
