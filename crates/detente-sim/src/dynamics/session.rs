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
    fn breakdown(round: u32, cause: String) -> Option<End> {
        Some(End {
            class: Class::Breakdown,
            round,
            cause: Some(cause),
            package: None,
            utilities: Vec::new(),
        })
    }
}

/// Plays one future of the drawn scenario `s` (every number concrete; `fired[k]`: event k
/// happens). `public` is the undrawn scenario: what every actor believes about the others'
/// private numbers (their costs of fighting).
pub fn play(
    public: &Scenario,
    mut s: Scenario,
    fired: Vec<bool>,
    protocol: Option<ProtocolKind>,
    params: &Params,
    rng: &mut Pcg64,
) -> RunRecord {
    let total = s.protocol.rounds.max(1);
    let parties: Vec<usize> = s.parties().collect();
    let np = parties.len();
    let n = s.actors.len();
    let mediator = s.mediator().filter(|&m| s.actors[m].role != Role::Party);
    let kind = protocol.unwrap_or(match mediator {
        Some(_) if s.protocol.indirect => ProtocolKind::Shuttle,
        Some(_) => ProtocolKind::Mediated,
        None => ProtocolKind::Sao,
    });
    let by = pressure::pressurers(&s);
    let min_settled = s.outcomes.interim_min_issues.unwrap_or(1).max(1) as usize;
    let deadline_known = s.protocol.deadline.is_some();
    let discount: Vec<f64> = parties
        .iter()
        .map(|&i| s.actors[i].discount.unwrap_or(params.discount))
        .collect();
    let mut space = Space::new(&s);
    let sq = space.all_deferred();
    // Opening aspirations: each party's best package inside everyone's red lines.
    let mut aspiration: Vec<f64> = parties
        .iter()
        .map(|&i| {
            let mut w = vec![0.0; n];
            w[i] = 1.0;
            let mut p = Vec::new();
            space.argmax(&w, true, &mut p);
            space.utility(i, &p)
        })
        .collect();
    let opening = aspiration.clone();
    // Private resolve: a shock to each party's walk-away value that the others do not see
    // (Fearon's private information), normal with sd `params.resolve` (Box–Muller).
    let resolve: Vec<f64> = (0..np)
        .map(|_| {
            let (u1, u2): (f64, f64) = (rng.gen(), rng.gen());
            params.resolve
                * (-2.0 * (1.0 - u1).ln()).sqrt()
                * (2.0 * std::f64::consts::PI * u2).cos()
        })
        .collect();
    let mut conceded = vec![0.0; np];
    let mut threat_done = vec![false; s.threats.len()];
    let mut stalled = 0u32;
    let mut end: Option<End> = None;

    for t in 1..=total {
        // Per-round random numbers, a fixed count whatever happens (common random numbers).
        let u_proposer: f64 = rng.gen();
        let u_actor: Vec<f64> = (0..n).map(|_| rng.gen()).collect();
        let u_threat: Vec<f64> = (0..s.threats.len()).map(|_| rng.gen()).collect();

        // 1. Events placed at this round (date-only events act from round 1).
        let mut changed = false;
        for (k, &happens) in fired.iter().enumerate() {
            let when = s.events[k].round.unwrap_or(1).max(1);
            if !happens || when != t {
                continue;
            }
            if s.events[k].escalation {
                end = End::breakdown(t, format!("event:{}", s.events[k].id));
                break;
            }
            let effects = s.events[k].effects.clone();
            for eff in &effects {
                changed |= apply_effects(&mut s, eff.target, eff.amount.value);
            }
        }
        if end.is_some() {
            break;
        }
        // 2. Stakeholders pull the parties' positions.
        changed |= pressure::pull_positions(&mut s, &by, params.pull);
        if changed || t == 1 {
            space = Space::new(&s);
        }
        // 3. Power and walk-away values.
        let ideals = power::ideals(&space, &parties);
        let strength = power::strength(&s, &space, &parties, &ideals);
        let shares = power::shares(&strength, params.gamma);
        let war = |i: usize, cost: Option<f64>| -> Option<f64> {
            let risk = s.actors[parties[i]].risk.map(|r| r.value).unwrap_or(0.0);
            cost.map(|c| power::war_value(&space, &parties, &shares, &ideals, i, c, risk))
        };
        let war_true: Vec<Option<f64>> = (0..np)
            .map(|i| war(i, s.actors[parties[i]].war_cost.map(|c| c.value)))
            .collect();
        let war_public: Vec<Option<f64>> = (0..np)
            .map(|i| {
                war(
                    i,
                    public
                        .actor_index(&s.actors[parties[i]].id)
                        .and_then(|a| public.actors[a].war_cost.map(|c| c.value)),
                )
            })
            .collect();
        let batna0: Vec<f64> = parties
            .iter()
            .map(|&i| s.actors[i].batna.map(|b| b.value).unwrap_or(0.0))
            .collect();
        // The focal package with walk-away values before stakeholder sway (first pass), then
        // the sway those stakeholders exert on it (second pass).
        let direct = mediator.is_none()
            || kind == ProtocolKind::Sao
            || s.protocol.direct_from_round.is_some_and(|d| t >= d);
        let reveal = if direct { params.reveal } else { 0.0 };
        // What the others believe a party's walk-away value is: the public part (its stated
        // BATNA, its war value at the point cost), plus the share of the private part
        // (resolve shock, true cost of fighting) that direct talks reveal.
        let believed = |batna: &[f64]| -> Vec<f64> {
            (0..np)
                .map(|i| {
                    let public = war_public[i].map_or(batna[i], |w| batna[i].max(w));
                    let b_true = (batna[i] + resolve[i]).clamp(0.0, 1.0);
                    let truth = war_true[i].map_or(b_true, |w| b_true.max(w));
                    public + reveal * (truth - public)
                })
                .collect()
        };
        let focal0 = focal(
            &s,
            &space,
            &parties,
            &strength,
            &believed(&batna0),
            mediator,
            &sq,
        );
        let batna: Vec<f64> = (0..np)
            .map(|i| {
                let shift = focal0.as_ref().map_or(0.0, |f| {
                    pressure::reservation_shift(&s, &space, &by, parties[i], f, &sq, params.sway)
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
                    if threat_done[k] || th.against != parties[i] {
                        continue;
                    }
                    let own_cost = s.actors[parties[i]].war_cost.map_or(0.0, |c| c.value);
                    let contest =
                        power::war_value(&space, &parties, &shares, &ideals, i, own_cost, 0.0);
                    let c = th.credibility.value;
                    b = (1.0 - c) * b + c * b.min(contest);
                }
                b
            })
            .collect();
        let r_public = believed(&batna);
        // From here on, `batna` is each party's own (true) walk-away value.
        let batna: Vec<f64> = (0..np)
            .map(|i| (batna[i] + resolve[i]).clamp(0.0, 1.0))
            .collect();
        let reservation: Vec<f64> = (0..np)
            .map(|i| war_true[i].map_or(batna[i], |w| batna[i].max(w)))
            .collect();
        let focal = focal(&s, &space, &parties, &strength, &r_public, mediator, &sq);
        let focal_u: Option<Vec<f64>> = focal
            .as_ref()
            .map(|f| parties.iter().map(|&i| space.utility(i, f)).collect());

        // 4. Threats falling due: carried out if fighting beats continuing, with their credibility.
        for (k, th) in s.threats.iter().enumerate() {
            let due = th.round == Some(t) || th.stalled.is_some_and(|m| stalled >= m);
            if threat_done[k] || !due {
                continue;
            }
            threat_done[k] = true;
            let Some(i) = parties.iter().position(|&p| p == th.by) else {
                continue;
            };
            let Some(w) = war_true[i] else { continue };
            let cont = focal_u.as_ref().map_or(batna[i], |u| u[i].max(batna[i]));
            if w > cont && u_threat[k] < th.credibility.value {
                end = End::breakdown(t, format!("threat:{}", th.id));
                break;
            }
        }
        if end.is_some() {
            break;
        }
        // 5. Walk-outs and escalation: the private gap between the outside option and what
        //    the talks are converging on (Fearon: private costs make fighting happen).
        for i in 0..np {
            let outside = war_true[i].map_or(batna[i], |w| w.max(batna[i]));
            let expect = focal_u.as_ref().map_or(batna[i], |u| u[i]);
            let gap = outside - expect;
            if gap <= 0.0 {
                continue;
            }
            let h = 1.0 - (-params.hazard * gap).exp();
            if u_actor[parties[i]] < h {
                let fight = war_true[i].is_some_and(|w| w > batna[i]);
                let who = &s.actors[parties[i]].id;
                end = End::breakdown(
                    t,
                    if fight {
                        format!("escalation:{who}")
                    } else {
                        format!("walkout:{who}")
                    },
                );
                break;
            }
        }
        if end.is_some() {
            break;
        }
        // 6. Spoilers act when a package they dislike comes near.
        if let (Some(f), Some(fu)) = (&focal, &focal_u) {
            let proximity: f64 = (0..np)
                .map(|i| {
                    let span = (opening[i] - fu[i]).max(1e-9);
                    (1.0 - (aspiration[i] - fu[i]).max(0.0) / span).clamp(0.0, 1.0)
                })
                .product();
            let mean_c = parties
                .iter()
                .map(|&i| s.actors[i].capability.value)
                .sum::<f64>()
                / np.max(1) as f64;
            for (k, a) in s.actors.iter().enumerate() {
                let Some(sp) = a.spoiler.filter(|_| a.role == Role::Stakeholder) else {
                    continue;
                };
                // What breaking the talks brings the spoiler: the contest between the
                // parties' imposed packages, at their contest shares.
                let contest: f64 = shares
                    .iter()
                    .zip(&ideals)
                    .map(|(p, x)| p * space.utility(k, x))
                    .sum();
                let loss = (contest - space.utility(k, f)).max(0.0);
                let c = a.capability.value;
                let risk = a.risk.map(|r| r.value).unwrap_or(0.0);
                let x = params.spoil
                    * sp.value
                    * (c / (c + mean_c))
                    * power::mean_salience(&s, k)
                    * loss
                    * proximity
                    * (1.0 + 0.5 * risk);
                if x > 0.0 && u_actor[k] < 1.0 - (-x).exp() {
                    end = End::breakdown(t, format!("spoiler:{}", a.id));
                    break;
                }
            }
            if end.is_some() {
                break;
            }
        }

        // 7. One proposal: the mediator's focal package, or a party's "best for you at my
        //    aspiration" (recognition in proportion to coalition strength).
        let power_total: f64 = strength.iter().sum::<f64>().max(1e-12);
        let med_weight = match (kind, mediator, &focal) {
            (ProtocolKind::Sao, _, _) | (_, None, _) | (_, _, None) => 0.0,
            (ProtocolKind::Mediated, _, _) => f64::INFINITY,
            (ProtocolKind::Shuttle, _, _) if direct => 0.5 * power_total,
            (ProtocolKind::Shuttle, _, _) => power_total,
        };
        let proposal: Option<(Option<usize>, Package)> =
            if med_weight.is_infinite() || u_proposer * (power_total + med_weight) >= power_total {
                focal.clone().map(|f| (None, f))
            } else {
                let mut acc = 0.0;
                let mut who = np - 1;
                for (i, c) in strength.iter().enumerate() {
                    acc += c;
                    if u_proposer * (power_total + med_weight) < acc {
                        who = i;
                        break;
                    }
                }
                offer(&s, &space, &parties, who, aspiration[who], &sq).map(|p| (Some(who), p))
            };
        // 8. Acceptance: red lines (built into the space), aspiration (plus the mediator's
        //    credibility for its own proposals), the true walk-away value, ratification.
        if let Some((proposer, p)) = proposal {
            let bonus = match (proposer, mediator) {
                (None, Some(m)) => {
                    let cm = s.actors[m].capability.value;
                    let mean_c = parties
                        .iter()
                        .map(|&i| s.actors[i].capability.value)
                        .sum::<f64>()
                        / np.max(1) as f64;
                    params.credit * cm / (cm + mean_c)
                }
                _ => 0.0,
            };
            let enough = space.settled(&p) >= min_settled;
            let all = enough
                && (0..np).all(|i| {
                    let a = parties[i];
                    let u = space.utility(a, &p);
                    let wants = Some(i) == proposer || u + bonus >= aspiration[i] - 1e-12;
                    wants
                        && u >= reservation[i] - 1e-12
                        && ratify::ratifies(&s, &space, a, &p, reservation[i], &sq)
                });
            if all {
                let class = if space.comprehensive(&p) {
                    Class::Deal
                } else {
                    Class::Interim
                };
                let utilities = parties.iter().map(|&i| space.utility(i, &p)).collect();
                end = Some(End {
                    class,
                    round: t,
                    cause: None,
                    package: Some(p),
                    utilities,
                });
                break;
            }
        }
        // 9. Concessions: own discount factor and power, the other side's last concessions,
        //    and known deadlines or ultimatums.
        let before: f64 = aspiration.iter().sum();
        let last_aspiration = aspiration.clone();
        let last = conceded.clone();
        for i in 0..np {
            let mut eta = (1.0 - discount[i].powf(params.pace)) * 2.0 * (1.0 - shares[i]);
            let others: f64 = (0..np).filter(|&j| j != i).map(|j| last[j]).sum();
            if t > 1 && others + last[i] > 0.0 {
                eta *= (0.5 + others / (others + last[i])).clamp(0.5, 1.5);
            }
            if deadline_known {
                eta = eta.max(1.0 / f64::from(total - t + 1));
            }
            for th in &s.threats {
                if th.against == parties[i] {
                    if let Some(r) = th.round.filter(|&r| r > t) {
                        eta = eta.max(1.0 / f64::from(r - t));
                    }
                }
            }
            let floor = reservation[i].min(aspiration[i]);
            let next = floor + (aspiration[i] - floor) * (1.0 - eta.clamp(0.0, 1.0));
            conceded[i] = aspiration[i] - next;
            aspiration[i] = next;
        }
        // A stalled round: nothing anyone could accept exists (no focal package), or the
        // concessions made are under 5 % of the gap still open, or the gap is closed
        // without agreement (deadlock).
        let gap: f64 = (0..np)
            .map(|i| (last_aspiration[i] - reservation[i]).max(0.0))
            .sum();
        let progress = before - aspiration.iter().sum::<f64>();
        let stall = focal.is_none() || gap < 0.01 || progress < 0.05 * gap;
        stalled = if stall { stalled + 1 } else { 0 };
    }

    let end = end.unwrap_or(End {
        class: Class::Stalemate,
        round: total,
        cause: None,
        package: None,
        utilities: Vec::new(),
    });
    let values = match &end.package {
        Some(p) => {
            let mut v = vec![None; s.issues.len()];
            for (j, is) in space.issues.iter().enumerate() {
                v[is.issue] = space.value(p, j);
            }
            v
        }
        None => vec![None; s.issues.len()],
    };
    let utilities = if end.utilities.is_empty() {
        parties
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
