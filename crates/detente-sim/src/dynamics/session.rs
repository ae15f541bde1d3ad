//! One simulated future, round by round (docs/dynamics.md has the equations).
//!
//! Each round: events act; stakeholders pull positions; power and walk-away values are
//! recomputed; the talks' focal package is found; due threats, walk-outs and spoilers may end
//! the talks; one proposer (recognised in proportion to power, or the mediator) proposes; the
//! others accept or not; everyone concedes at its own pace.

use detente_core::{Role, Scenario};
use detente_negotiate::scenario::ProtocolKind;
use rand::Rng;
use rand_pcg::Pcg64;

use super::params::Params;
use super::power;
use super::pressure;
use super::ratify;
use super::space::{Package, Space};
use crate::classify::Class;
use crate::run::{apply_effects, RunRecord};

/// How a run ended, before it is written into a record.
struct End {
    class: Class,
    round: u32,
    cause: Option<String>,
    package: Option<Package>,
    utilities: Vec<f64>,
}

impl End {
    /// The talks broke down in round `round` for `cause`.
    fn breakdown(round: u32, cause: String) -> End {
        End {
            class: Class::Breakdown,
            round,
            cause: Some(cause),
            package: None,
            utilities: Vec::new(),
        }
    }
}

/// Plays one future of the drawn scenario `s` (every number concrete; `fired[k]`: event k
/// happens). `public` is the undrawn scenario: what every actor believes about the others'
/// private numbers (their costs of fighting).
pub fn play(
    public: &Scenario,
    s: Scenario,
    fired: Vec<bool>,
    protocol: Option<ProtocolKind>,
    params: &Params,
    rng: &mut Pcg64,
) -> RunRecord {
    let mut talks = Talks::open(public, s, protocol, params, rng);
    let mut end = None;
    for t in 1..=talks.total {
        // Per-round random numbers, a fixed count whatever happens (common random numbers).
        let draws = Draws {
            proposer: rng.gen(),
            actor: (0..talks.s.actors.len()).map(|_| rng.gen()).collect(),
            threat: (0..talks.s.threats.len()).map(|_| rng.gen()).collect(),
        };
        end = talks.round(t, &fired, &draws);
        if end.is_some() {
            break;
        }
    }
    talks.record(end, fired)
}

/// One round's random numbers.
struct Draws {
    /// Who proposes.
    proposer: f64,
    /// Per actor: walk-out, escalation or spoiling.
    actor: Vec<f64>,
    /// Per threat: whether it is carried out when due.
    threat: Vec<f64>,
}

/// The state of the talks between rounds.
struct Talks<'a> {
    /// The undrawn scenario: what everyone believes about the others' private numbers.
    public: &'a Scenario,
    /// This future's scenario (events and stakeholders change it as the rounds go).
    s: Scenario,
    params: &'a Params,
    total: u32,
    /// Actor indices of the parties; per-party vectors below follow this order.
    parties: Vec<usize>,
    mediator: Option<usize>,
    kind: ProtocolKind,
    /// Per actor: the stakeholders pulling it (`pressure::pressurers`).
    by: Vec<Vec<usize>>,
    min_settled: usize,
    deadline_known: bool,
    discount: Vec<f64>,
    space: Space,
    /// The package deferring every issue (the status quo).
    sq: Package,
    /// Per party: its current and its opening aspiration (utility it holds out for).
    aspiration: Vec<f64>,
    opening: Vec<f64>,
    /// Per party: private resolve, a shock to its walk-away value the others do not see.
    resolve: Vec<f64>,
    /// Per party: how much it conceded last round.
    conceded: Vec<f64>,
    threat_done: Vec<bool>,
    /// Rounds in a row without progress.
    stalled: u32,
}

/// What one round's assessment gives: power, walk-away values and the focal package.
struct Stakes {
    strength: Vec<f64>,
    shares: Vec<f64>,
    ideals: Vec<Package>,
    /// Per party: the true value of fighting (`None`: it has no war option).
    war_true: Vec<Option<f64>>,
    /// Per party: its own (true) walk-away value, and the better of it and fighting.
    batna: Vec<f64>,
    reservation: Vec<f64>,
    /// Direct talks this round (everything but indirect shuttle talks).
    direct: bool,
    focal: Option<Package>,
    /// Per party: its utility of the focal package.
    focal_u: Option<Vec<f64>>,
}

impl<'a> Talks<'a> {
    fn open(
        public: &'a Scenario,
        s: Scenario,
        protocol: Option<ProtocolKind>,
        params: &'a Params,
        rng: &mut Pcg64,
    ) -> Self {
        let parties: Vec<usize> = s.parties().collect();
        let n = s.actors.len();
        let mediator = s.mediator().filter(|&m| s.actors[m].role != Role::Party);
        let kind = protocol.unwrap_or(match mediator {
            Some(_) if s.protocol.indirect => ProtocolKind::Shuttle,
            Some(_) => ProtocolKind::Mediated,
            None => ProtocolKind::Sao,
        });
        let discount = parties
            .iter()
            .map(|&i| s.actors[i].discount.unwrap_or(params.discount))
            .collect();
        let space = Space::new(&s);
        let sq = space.all_deferred();
        // Opening aspirations: each party's best package inside everyone's red lines.
        let aspiration: Vec<f64> = parties
            .iter()
            .map(|&i| {
                let mut w = vec![0.0; n];
                w[i] = 1.0;
                let mut p = Vec::new();
                space.argmax(&w, true, &mut p);
                space.utility(i, &p)
            })
            .collect();
        // Private resolve: normal with sd `params.resolve` (Box–Muller), Fearon's private
        // information.
        let resolve = (0..parties.len())
            .map(|_| {
                let (u1, u2): (f64, f64) = (rng.gen(), rng.gen());
                params.resolve
                    * (-2.0 * (1.0 - u1).ln()).sqrt()
                    * (2.0 * std::f64::consts::PI * u2).cos()
            })
            .collect();
        Talks {
            public,
            total: s.protocol.rounds.max(1),
            by: pressure::pressurers(&s),
            min_settled: s.outcomes.interim_min_issues.unwrap_or(1).max(1) as usize,
            deadline_known: s.protocol.deadline.is_some(),
            conceded: vec![0.0; parties.len()],
            threat_done: vec![false; s.threats.len()],
            opening: aspiration.clone(),
            aspiration,
            resolve,
            discount,
            space,
            sq,
            parties,
            mediator,
            kind,
            params,
            stalled: 0,
            s,
        }
    }

    /// Round `t`: an end of the talks, or `None` if they go on.
    fn round(&mut self, t: u32, fired: &[bool], u: &Draws) -> Option<End> {
        let changed = match self.events(t, fired) {
            Ok(changed) => changed,
            Err(end) => return Some(end),
        };
        // 2. Stakeholders pull the parties' positions.
        let pulled = pressure::pull_positions(&mut self.s, &self.by, self.params.pull);
        if changed || pulled || t == 1 {
            self.space = Space::new(&self.s);
        }
        let st = self.assess(t);
        if let Some(end) = self
            .threats_due(t, &st, &u.threat)
            .or_else(|| self.walkouts(t, &st, &u.actor))
            .or_else(|| self.spoilers(t, &st, &u.actor))
        {
            return Some(end);
        }
        if let Some(end) = self
            .propose(&st, u.proposer)
            .and_then(|p| self.accept(t, &st, p))
        {
            return Some(end);
        }
        self.concede(t, &st);
        None
    }

    /// 1. Events placed at round `t` (date-only events act from round 1): the end when an
    ///    escalation event fires, else whether a position or salience changed.
    fn events(&mut self, t: u32, fired: &[bool]) -> Result<bool, End> {
        let mut changed = false;
        for (k, &happens) in fired.iter().enumerate() {
            let when = self.s.events[k].round.unwrap_or(1).max(1);
            if !happens || when != t {
                continue;
            }
            if self.s.events[k].escalation {
                return Err(End::breakdown(t, format!("event:{}", self.s.events[k].id)));
            }
            let effects = self.s.events[k].effects.clone();
            for eff in &effects {
                changed |= apply_effects(&mut self.s, eff.target, eff.amount.value);
            }
        }
        Ok(changed)
    }

    /// 3. Power, walk-away values (public and true) and the focal package of round `t`.
    fn assess(&self, t: u32) -> Stakes {
        let (s, space, parties, params) = (&self.s, &self.space, &self.parties, self.params);
        let np = parties.len();
        let ideals = power::ideals(space, parties);
        let strength = power::strength(s, space, parties, &ideals);
        let shares = power::shares(&strength, params.gamma);
        let war = |i: usize, cost: Option<f64>| -> Option<f64> {
            let risk = s.actors[parties[i]].risk.map(|r| r.value).unwrap_or(0.0);
            cost.map(|c| power::war_value(space, parties, &shares, &ideals, i, c, risk))
        };
        let war_true: Vec<Option<f64>> = (0..np)
            .map(|i| war(i, s.actors[parties[i]].war_cost.map(|c| c.value)))
            .collect();
        let war_public: Vec<Option<f64>> = (0..np)
            .map(|i| {
                war(
                    i,
                    self.public
                        .actor_index(&s.actors[parties[i]].id)
                        .and_then(|a| self.public.actors[a].war_cost.map(|c| c.value)),
                )
            })
            .collect();
        let batna0: Vec<f64> = parties
            .iter()
            .map(|&i| s.actors[i].batna.map(|b| b.value).unwrap_or(0.0))
            .collect();
        // The focal package with walk-away values before stakeholder sway (first pass), then
        // the sway those stakeholders exert on it (second pass).
        let direct = self.mediator.is_none()
            || self.kind == ProtocolKind::Sao
            || s.protocol.direct_from_round.is_some_and(|d| t >= d);
        let reveal = if direct { params.reveal } else { 0.0 };
        // What the others believe a party's walk-away value is: the public part (its stated
        // BATNA, its war value at the point cost), plus the share of the private part
        // (resolve shock, true cost of fighting) that direct talks reveal.
        let believed = |batna: &[f64]| -> Vec<f64> {
            (0..np)
                .map(|i| {
                    let public = war_public[i].map_or(batna[i], |w| batna[i].max(w));
                    let b_true = (batna[i] + self.resolve[i]).clamp(0.0, 1.0);
                    let truth = war_true[i].map_or(b_true, |w| b_true.max(w));
                    public + reveal * (truth - public)
                })
                .collect()
        };
        let focal0 = self.focal(&strength, &believed(&batna0));
        let batna: Vec<f64> = (0..np)
            .map(|i| {
                let shift = focal0.as_ref().map_or(0.0, |f| {
                    pressure::reservation_shift(
                        s,
                        space,
                        &self.by,
                        parties[i],
                        f,
                        &self.sq,
                        params.sway,
                    )
                });
                (batna0[i] + shift).clamp(0.0, 1.0)
            })
            .collect();
        // Compellence (Schelling): a pending threat against a party makes its no-agreement
        // outcome a lottery: with the threat's credibility, the contest it would bring.
        let batna: Vec<f64> = (0..np)
            .map(|i| {
                let mut b = batna[i];
                for (k, th) in s.threats.iter().enumerate() {
                    if self.threat_done[k] || th.against != parties[i] {
                        continue;
                    }
                    let own_cost = s.actors[parties[i]].war_cost.map_or(0.0, |c| c.value);
                    let contest =
                        power::war_value(space, parties, &shares, &ideals, i, own_cost, 0.0);
                    let c = th.credibility.value;
                    b = (1.0 - c) * b + c * b.min(contest);
                }
                b
            })
            .collect();
        let r_public = believed(&batna);
        // From here on, `batna` is each party's own (true) walk-away value.
        let batna: Vec<f64> = (0..np)
            .map(|i| (batna[i] + self.resolve[i]).clamp(0.0, 1.0))
            .collect();
        let reservation: Vec<f64> = (0..np)
            .map(|i| war_true[i].map_or(batna[i], |w| batna[i].max(w)))
            .collect();
        let focal = self.focal(&strength, &r_public);
        let focal_u: Option<Vec<f64>> = focal
            .as_ref()
            .map(|f| parties.iter().map(|&i| space.utility(i, f)).collect());
        Stakes {
            strength,
            shares,
            ideals,
            war_true,
            batna,
            reservation,
            direct,
            focal,
            focal_u,
        }
    }

    /// The focal package for these strengths and believed walk-away values.
    fn focal(&self, strength: &[f64], walk_away: &[f64]) -> Option<Package> {
        focal(
            &self.s,
            &self.space,
            &self.parties,
            strength,
            walk_away,
            self.mediator,
            &self.sq,
        )
    }

    /// 4. Threats falling due: carried out if fighting beats continuing, with their
    ///    credibility.
    fn threats_due(&mut self, t: u32, st: &Stakes, u_threat: &[f64]) -> Option<End> {
        for (k, th) in self.s.threats.iter().enumerate() {
            let due = th.round == Some(t) || th.stalled.is_some_and(|m| self.stalled >= m);
            if self.threat_done[k] || !due {
                continue;
            }
            self.threat_done[k] = true;
            let Some(i) = self.parties.iter().position(|&p| p == th.by) else {
                continue;
            };
            let Some(w) = st.war_true[i] else { continue };
            let cont = st
                .focal_u
                .as_ref()
                .map_or(st.batna[i], |u| u[i].max(st.batna[i]));
            if w > cont && u_threat[k] < th.credibility.value {
                return Some(End::breakdown(t, format!("threat:{}", th.id)));
            }
        }
        None
    }

    /// 5. Walk-outs and escalation: the private gap between the outside option and what the
    ///    talks are converging on (Fearon: private costs make fighting happen).
    fn walkouts(&self, t: u32, st: &Stakes, u_actor: &[f64]) -> Option<End> {
        for (i, &a) in self.parties.iter().enumerate() {
            let outside = st.war_true[i].map_or(st.batna[i], |w| w.max(st.batna[i]));
            let expect = st.focal_u.as_ref().map_or(st.batna[i], |u| u[i]);
            let gap = outside - expect;
            if gap <= 0.0 {
                continue;
            }
            let h = 1.0 - (-self.params.hazard * gap).exp();
            if u_actor[a] < h {
                let fight = st.war_true[i].is_some_and(|w| w > st.batna[i]);
                let who = &self.s.actors[a].id;
                let cause = if fight {
                    format!("escalation:{who}")
                } else {
                    format!("walkout:{who}")
                };
                return Some(End::breakdown(t, cause));
            }
        }
        None
    }

    /// 6. Spoilers act when a package they dislike comes near.
    fn spoilers(&self, t: u32, st: &Stakes, u_actor: &[f64]) -> Option<End> {
        let (Some(f), Some(fu)) = (&st.focal, &st.focal_u) else {
            return None;
        };
        let (s, space) = (&self.s, &self.space);
        let np = self.parties.len();
        let proximity: f64 = (0..np)
            .map(|i| {
                let span = (self.opening[i] - fu[i]).max(1e-9);
                (1.0 - (self.aspiration[i] - fu[i]).max(0.0) / span).clamp(0.0, 1.0)
            })
            .product();
        let mean_c = self.mean_party_capability();
        for (k, a) in s.actors.iter().enumerate() {
            let Some(sp) = a.spoiler.filter(|_| a.role == Role::Stakeholder) else {
                continue;
            };
            // What breaking the talks brings the spoiler: the contest between the parties'
            // imposed packages, at their contest shares.
            let contest: f64 = st
                .shares
                .iter()
                .zip(&st.ideals)
                .map(|(p, x)| p * space.utility(k, x))
                .sum();
            let loss = (contest - space.utility(k, f)).max(0.0);
            let c = a.capability.value;
            let risk = a.risk.map(|r| r.value).unwrap_or(0.0);
            let x = self.params.spoil
                * sp.value
                * (c / (c + mean_c))
                * power::mean_salience(s, k)
                * loss
                * proximity
                * (1.0 + 0.5 * risk);
            if x > 0.0 && u_actor[k] < 1.0 - (-x).exp() {
                return Some(End::breakdown(t, format!("spoiler:{}", a.id)));
            }
        }
        None
    }

    fn mean_party_capability(&self) -> f64 {
        self.parties
            .iter()
            .map(|&i| self.s.actors[i].capability.value)
            .sum::<f64>()
            / self.parties.len().max(1) as f64
    }

    /// 7. One proposal: the mediator's focal package, or a party's "best for you at my
    ///    aspiration" (recognition in proportion to coalition strength). The proposer is
    ///    `None` for the mediator.
    fn propose(&self, st: &Stakes, u_proposer: f64) -> Option<(Option<usize>, Package)> {
        let power_total: f64 = st.strength.iter().sum::<f64>().max(1e-12);
        let med_weight = match (self.kind, self.mediator, &st.focal) {
            (ProtocolKind::Sao, _, _) | (_, None, _) | (_, _, None) => 0.0,
            (ProtocolKind::Mediated, _, _) => f64::INFINITY,
            (ProtocolKind::Shuttle, _, _) if st.direct => 0.5 * power_total,
            (ProtocolKind::Shuttle, _, _) => power_total,
        };
        if med_weight.is_infinite() || u_proposer * (power_total + med_weight) >= power_total {
            return st.focal.clone().map(|f| (None, f));
        }
        let mut acc = 0.0;
        let mut who = self.parties.len() - 1;
        for (i, c) in st.strength.iter().enumerate() {
            acc += c;
            if u_proposer * (power_total + med_weight) < acc {
                who = i;
                break;
            }
        }
        offer(
            &self.s,
            &self.space,
            &self.parties,
            who,
            self.aspiration[who],
            &self.sq,
        )
        .map(|p| (Some(who), p))
    }

    /// 8. Acceptance: red lines (built into the space), aspiration (plus the mediator's
    ///    credibility for its own proposals), the true walk-away value, ratification.
    fn accept(&self, t: u32, st: &Stakes, proposal: (Option<usize>, Package)) -> Option<End> {
        let (proposer, p) = proposal;
        let (s, space) = (&self.s, &self.space);
        let bonus = match (proposer, self.mediator) {
            (None, Some(m)) => {
                let cm = s.actors[m].capability.value;
                self.params.credit * cm / (cm + self.mean_party_capability())
            }
            _ => 0.0,
        };
        let enough = space.settled(&p) >= self.min_settled;
        let all = enough
            && self.parties.iter().enumerate().all(|(i, &a)| {
                let u = space.utility(a, &p);
                let wants = Some(i) == proposer || u + bonus >= self.aspiration[i] - 1e-12;
                wants
                    && u >= st.reservation[i] - 1e-12
                    && ratify::ratifies(s, space, a, &p, st.reservation[i], &self.sq)
            });
        if !all {
            return None;
        }
        let class = if space.comprehensive(&p) {
            Class::Deal
        } else {
            Class::Interim
        };
        let utilities = self.parties.iter().map(|&i| space.utility(i, &p)).collect();
        Some(End {
            class,
            round: t,
            cause: None,
            package: Some(p),
            utilities,
        })
    }

    /// 9. Concessions: own discount factor and power, the other side's last concessions, and
    ///    known deadlines or ultimatums; then whether the round stalled.
    fn concede(&mut self, t: u32, st: &Stakes) {
        let np = self.parties.len();
        let before: f64 = self.aspiration.iter().sum();
        let last_aspiration = self.aspiration.clone();
        let last = self.conceded.clone();
        for i in 0..np {
            let mut eta =
                (1.0 - self.discount[i].powf(self.params.pace)) * 2.0 * (1.0 - st.shares[i]);
            let others: f64 = (0..np).filter(|&j| j != i).map(|j| last[j]).sum();
            if t > 1 && others + last[i] > 0.0 {
                eta *= (0.5 + others / (others + last[i])).clamp(0.5, 1.5);
            }
            if self.deadline_known {
                eta = eta.max(1.0 / f64::from(self.total - t + 1));
            }
            for th in &self.s.threats {
                if th.against == self.parties[i] {
                    if let Some(r) = th.round.filter(|&r| r > t) {
                        eta = eta.max(1.0 / f64::from(r - t));
                    }
                }
            }
            let floor = st.reservation[i].min(self.aspiration[i]);
            let next = floor + (self.aspiration[i] - floor) * (1.0 - eta.clamp(0.0, 1.0));
            self.conceded[i] = self.aspiration[i] - next;
            self.aspiration[i] = next;
        }
        // A stalled round: nothing anyone could accept exists (no focal package), or the
        // concessions made are under 5 % of the gap still open, or the gap is closed without
        // agreement (deadlock).
        let gap: f64 = (0..np)
            .map(|i| (last_aspiration[i] - st.reservation[i]).max(0.0))
            .sum();
        let progress = before - self.aspiration.iter().sum::<f64>();
        let stall = st.focal.is_none() || gap < 0.01 || progress < 0.05 * gap;
        self.stalled = if stall { self.stalled + 1 } else { 0 };
    }

    /// The run's record: the end reached (a stalemate at the last round if none).
    fn record(self, end: Option<End>, fired: Vec<bool>) -> RunRecord {
        let s = &self.s;
        let end = end.unwrap_or(End {
            class: Class::Stalemate,
            round: self.total,
            cause: None,
            package: None,
            utilities: Vec::new(),
        });
        let mut values = vec![None; s.issues.len()];
        if let Some(p) = &end.package {
            for (j, is) in self.space.issues.iter().enumerate() {
                values[is.issue] = self.space.value(p, j);
            }
        }
        let utilities = if end.utilities.is_empty() {
            self.parties
                .iter()
                .map(|&i| s.actors[i].batna.map(|b| b.value).unwrap_or(0.0))
                .collect()
        } else {
            end.utilities
        };
        RunRecord {
            class: end.class,
            rounds: end.round,
            values,
            utilities,
            fired,
            cause: end.cause,
        }
    }
}

/// The package the talks converge on: the mediator's (or, without one, the public) bridge —
/// the power-weighted Nash package over the believed walk-away values, among packages every
/// party's constituency ratifies, tilted towards the mediator's own positions in proportion to
/// its capability. `None` if no package beats every walk-away value.
fn focal(
    s: &Scenario,
    space: &Space,
    parties: &[usize],
    strength: &[f64],
    walk_away: &[f64],
    mediator: Option<usize>,
    sq: &Package,
) -> Option<Package> {
    let n = space.n_actors();
    let mut floors: Vec<(usize, f64)> = parties
        .iter()
        .zip(walk_away)
        .map(|(&i, &r)| (i, r + 1e-6))
        .collect();
    for &i in parties {
        floors.extend(ratify::floors(s, space, i, sq));
    }
    let mut w = vec![0.0; n];
    for (k, &i) in parties.iter().enumerate() {
        w[i] = strength[k];
    }
    let mediator_tilt = mediator.map(|m| {
        let mean = strength.iter().sum::<f64>() / strength.len().max(1) as f64;
        let cm = s.actors[m].capability.value;
        (m, cm / (cm + mean).max(1e-12) * power::mean_salience(s, m))
    });
    let mut best: Option<(f64, Package)> = None;
    // Fixed-point iteration towards the asymmetric Nash package: weights C_i / (U_i − r_i).
    for _ in 0..6 {
        let mut base = w.clone();
        if let Some((m, tilt)) = mediator_tilt {
            let sum: f64 = w.iter().sum();
            base[m] += tilt * sum;
        }
        let p = space.search(&base, &floors)?;
        let gains: Vec<f64> = parties
            .iter()
            .zip(walk_away)
            .map(|(&i, &r)| space.utility(i, &p) - r)
            .collect();
        let score: f64 = gains
            .iter()
            .zip(strength)
            .map(|(g, c)| c * g.max(1e-12).ln())
            .sum();
        if best.as_ref().is_none_or(|(b, _)| score > *b) {
            best = Some((score, p));
        }
        for (k, &i) in parties.iter().enumerate() {
            w[i] = strength[k] / gains[k].max(1e-3);
        }
    }
    best.map(|(_, p)| p)
}

/// Party `parties[who]`'s offer: the package best for the others (by their coalition-free
/// utilities, summed) that keeps its own utility at its aspiration and passes its own
/// ratification; below that, its own best package (a demand).
fn offer(
    s: &Scenario,
    space: &Space,
    parties: &[usize],
    who: usize,
    aspiration: f64,
    sq: &Package,
) -> Option<Package> {
    let me = parties[who];
    let mut base = vec![0.0; space.n_actors()];
    for &j in parties.iter().filter(|&&j| j != me) {
        base[j] = 1.0;
    }
    let mut floors = vec![(me, aspiration)];
    floors.extend(ratify::floors(s, space, me, sq));
    space.search(&base, &floors).or_else(|| {
        let mut w = vec![0.0; space.n_actors()];
        w[me] = 1.0;
        let mut p = Vec::new();
        space.argmax(&w, true, &mut p);
        Some(p)
    })
}
