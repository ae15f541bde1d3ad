//! Semantic checks of a scenario model: ranges, options, red lines, references.
//!
//! Problems name fields by dotted path with model indices (`positions[3].salience`);
//! the TOML reader maps those paths back to file locations.

use crate::diag::{Problem, Problems};
use crate::model::*;

/// Checks a scenario and returns every error and warning found (no file or location set).
pub fn validate(s: &Scenario) -> Problems {
    let mut v = Problems::new();
    let mut err = |field: String, msg: String| v.push(Problem::error("", field, msg));
    if s.actors.is_empty() {
        err(
            "actors".into(),
            "the actor list is empty; expected at least one actor".into(),
        );
    }
    if s.issues.is_empty() {
        err(
            "issues".into(),
            "the issue list is empty; expected at least one issue".into(),
        );
    }
    if let Some(m) = crate::limits::too_many_actors(s.actors.len()) {
        err("actors".into(), m);
    }
    if let Some(m) = crate::limits::too_many_issues(s.issues.len()) {
        err("issues".into(), m);
    }
    for (i, a) in s.actors.iter().enumerate() {
        let f = |k: &str| format!("actors[{i}].{k}");
        check_param(
            &mut err,
            f("capability"),
            &a.capability,
            "capability",
            |x| x > 0.0 && x <= crate::limits::MAX_MAGNITUDE,
            "> 0 and at most 1e12 (capabilities are relative: rescale them)",
        );
        if let Some(r) = &a.risk {
            check_param(
                &mut err,
                f("risk"),
                r,
                "risk attitude",
                |x| (-1.0..=1.0).contains(&x),
                "in [-1, 1]",
            );
        }
        if let Some(b) = &a.batna {
            check_param(
                &mut err,
                f("batna"),
                b,
                "BATNA",
                |x| (0.0..=1.0).contains(&x),
                "a utility in [0, 1]",
            );
        }
        if let Some(d) = a.discount {
            if !(d > 0.0 && d <= 1.0) {
                err(
                    f("discount"),
                    format!(
                        "discount factor of `{}` is {}; expected a number in (0, 1]",
                        a.id,
                        shown(d, |x| !(x > 0.0 && x <= 1.0))
                    ),
                );
            }
        }
        if let Some(w) = &a.war_cost {
            check_param(
                &mut err,
                f("war_cost"),
                w,
                "cost of fighting",
                |x| (0.0..=1.0).contains(&x),
                "a utility cost in [0, 1]",
            );
        }
        if let Some(sp) = &a.spoiler {
            check_param(
                &mut err,
                f("spoiler"),
                sp,
                "spoiler capacity",
                |x| (0.0..=1.0).contains(&x),
                "in [0, 1]",
            );
        }
        if let Some(r) = &a.ratify {
            if !(r.threshold > 0.0 && r.threshold <= 1.0) {
                err(
                    f("ratify.threshold"),
                    format!(
                        "ratification threshold of `{}` is {}; expected a share in (0, 1]",
                        a.id,
                        shown(r.threshold, |x| !(x > 0.0 && x <= 1.0))
                    ),
                );
            }
            for (k, d) in r.by.iter().enumerate() {
                match s.actor_index(d) {
                    None => err(
                        format!("actors[{i}].ratify.by[{k}]"),
                        format!("unknown actor `{d}` in the ratification of `{}`", a.id),
                    ),
                    Some(j) if j == i => err(
                        format!("actors[{i}].ratify.by[{k}]"),
                        format!(
                            "`{}` always votes on its own packages; list only its domestic actors",
                            a.id
                        ),
                    ),
                    Some(j) if s.actors[j].role == Role::Party => err(
                        format!("actors[{i}].ratify.by[{k}]"),
                        format!(
                            "`{d}` is a party at the table, not a domestic constituency of `{}`",
                            a.id
                        ),
                    ),
                    _ => {}
                }
            }
        }
        for (k, p) in a.pressures.iter().enumerate() {
            match s.actor_index(p) {
                None => err(
                    format!("actors[{i}].pressures[{k}]"),
                    format!("unknown actor `{p}` in the pressures of `{}`", a.id),
                ),
                Some(j) if j == i => err(
                    format!("actors[{i}].pressures[{k}]"),
                    format!("`{}` cannot pressure itself", a.id),
                ),
                _ => {}
            }
        }
    }
    for (i, is) in s.issues.iter().enumerate() {
        let (lo, hi) = is.range();
        if let IssueKind::Continuous { min, max, .. } = &is.kind {
            let huge = [("min", min), ("max", max)]
                .into_iter()
                .find(|(_, x)| x.abs() > crate::limits::MAX_MAGNITUDE);
            if let Some((k, x)) = huge {
                err(
                    format!("issues[{i}].{k}"),
                    format!(
                        "issue `{}` has {k} {}; bounds must lie within ±1e12 so that distances and their squares stay finite: rescale the issue (e.g. millions instead of units)",
                        is.id,
                        shown(*x, |v| v.abs() > crate::limits::MAX_MAGNITUDE)
                    ),
                );
                continue;
            }
            if min >= max {
                let (mx, mn) = shown_pair(*max, *min, |mx, mn| mx <= mn);
                err(
                    format!("issues[{i}].max"),
                    format!(
                        "issue `{}` has max {mx} ≤ min {mn}; expected max > min",
                        is.id
                    ),
                );
                continue;
            }
        }
        if let IssueKind::Discrete { options } = &is.kind {
            for (k, o) in options.iter().enumerate() {
                if options[..k].contains(o) {
                    err(
                        format!("issues[{i}].options[{k}]"),
                        format!("duplicate option `{o}` in issue `{}`", is.id),
                    );
                }
            }
        }
        check_scale(
            &mut err,
            format!("issues[{i}].status_quo"),
            &is.status_quo,
            is,
            lo,
            hi,
            "status quo",
        );
    }
    for (k, st) in s.stances.iter().enumerate() {
        let (Some(a), Some(is)) = (s.actors.get(st.actor), s.issues.get(st.issue)) else {
            err(
                format!("positions[{k}]"),
                "refers to an actor or issue index that does not exist".into(),
            );
            continue;
        };
        let (lo, hi) = is.range();
        check_scale(
            &mut err,
            format!("positions[{k}].position"),
            &st.position,
            is,
            lo,
            hi,
            &format!("position of `{}`", a.id),
        );
        check_param(
            &mut err,
            format!("positions[{k}].salience"),
            &st.salience,
            &format!("salience of `{}` on `{}`", a.id, is.id),
            |x| (0.0..=1.0).contains(&x),
            "in [0, 1]",
        );
        if let Shape::Table(points) = &st.shape {
            for &(x, u) in points {
                if x < lo - 1e-9 || x > hi + 1e-9 {
                    err(
                        format!("positions[{k}].table"),
                        format!(
                            "table point {} lies outside issue `{}`'s range [{}, {}]",
                            shown(x, |v| v < lo - 1e-9 || v > hi + 1e-9),
                            is.id,
                            format_input(lo),
                            format_input(hi)
                        ),
                    );
                }
                if !(u.is_finite()) {
                    err(
                        format!("positions[{k}].table"),
                        "table utilities must be finite numbers".into(),
                    );
                }
            }
        }
        if let Some(r) = &st.red_line {
            let rl = format!("positions[{k}].red_line");
            match (r.min, r.max) {
                (Some(mn), Some(mx)) if mn > mx => {
                    let (mn, mx) = shown_pair(mn, mx, |a, b| a > b);
                    err(rl.clone(), format!("red line of `{}` on `{}` has min {mn} above max {mx}: nothing is acceptable", a.id, is.id))
                }
                _ => {}
            }
            let excludes_all = match &is.kind {
                IssueKind::Discrete { options } => !(0..options.len()).any(|o| r.accepts(o as f64)),
                IssueKind::Continuous { .. } => {
                    r.min.is_some_and(|m| m > hi) || r.max.is_some_and(|m| m < lo)
                }
            };
            if excludes_all {
                err(
                    rl,
                    format!(
                        "red line of `{}` on `{}` excludes every {}",
                        a.id,
                        is.id,
                        if is.is_discrete() {
                            "option"
                        } else {
                            "value in the issue's range"
                        }
                    ),
                );
            }
        }
    }
    for (i, e) in s.events.iter().enumerate() {
        check_param(
            &mut err,
            format!("events[{i}].probability"),
            &e.probability,
            &format!("probability of event `{}`", e.id),
            |x| (0.0..=1.0).contains(&x),
            "in [0, 1]",
        );
        if e.round.is_none() && e.date.is_none() {
            err(
                format!("events[{i}]"),
                format!(
                    "event `{}` needs a `round` or a `date` to place it on the timeline",
                    e.id
                ),
            );
        }
        if let Some(r) = e.round {
            if r > s.protocol.rounds.max(1) + 1 {
                // Events after the deadline can never act; this is allowed but flagged below.
            }
        }
        for (j, eff) in e.effects.iter().enumerate() {
            let f = format!("events[{i}].effects[{j}]");
            let ok = match eff.target {
                Target::Position { actor, issue } | Target::Salience { actor, issue } => {
                    actor < s.actors.len() && issue < s.issues.len()
                }
                Target::Capability { actor } | Target::Batna { actor } => actor < s.actors.len(),
            };
            if !ok {
                err(
                    f,
                    "refers to an actor or issue index that does not exist".into(),
                );
            }
        }
    }
    for (k, t) in s.threats.iter().enumerate() {
        check_param(
            &mut err,
            format!("threats[{k}].credibility"),
            &t.credibility,
            &format!("credibility of threat `{}`", t.id),
            |x| (0.0..=1.0).contains(&x),
            "a probability in [0, 1]",
        );
        if t.round.is_none() && t.stalled.is_none() {
            err(
                format!("threats[{k}]"),
                format!(
                    "threat `{}` needs `round` (an ultimatum) or `stalled` (rounds without progress) to fall due",
                    t.id
                ),
            );
        }
        if t.by == t.against {
            err(
                format!("threats[{k}].against"),
                format!(
                    "threat `{}` is made by `{}` against itself",
                    t.id, s.actors[t.by].id
                ),
            );
        }
        for (who, key) in [(t.by, "by"), (t.against, "against")] {
            if s.actors.get(who).is_some_and(|a| a.role != Role::Party) {
                err(
                    format!("threats[{k}].{key}"),
                    format!(
                        "`{}` is a {}; threats are made by and against parties (a stakeholder acts through `spoiler`)",
                        s.actors[who].id, s.actors[who].role
                    ),
                );
            }
        }
    }
    if s.protocol.rounds > crate::limits::MAX_ROUNDS {
        v.push(Problem::error(
            "",
            "protocol.rounds",
            format!(
                "{} rounds is above the limit of {}: every simulated future plays up to this many rounds, so cost grows with runs × rounds (see docs/limits.md)",
                s.protocol.rounds,
                crate::limits::MAX_ROUNDS
            ),
        ));
    }
    if let Some(m) = &s.protocol.mediator {
        if let Some(i) = s.actor_index(m) {
            if s.actors[i].role != Role::Mediator {
                v.push(Problem::warning(
                    "",
                    "protocol.mediator",
                    format!(
                        "`{m}` is the mediator but its role is `{}`",
                        s.actors[i].role
                    ),
                ));
            }
        } else {
            v.push(Problem::error(
                "",
                "protocol.mediator",
                format!("unknown actor `{m}` as mediator"),
            ));
        }
    }
    if let Some(r) = s.protocol.direct_from_round {
        if r > s.protocol.rounds {
            v.push(Problem::warning(
                "",
                "protocol.direct_from_round",
                format!(
                    "direct talks start in round {r}, after the last round {}",
                    s.protocol.rounds
                ),
            ));
        }
    }
    // Warnings.
    unread_fields(s, &mut v);
    if let Some(d) = &s.meta.as_of {
        if crate::model::parse_iso_date(d).is_none() {
            v.push(Problem::error(
                "",
                "meta.as_of",
                format!("`{d}` is not a date; expected YYYY-MM-DD"),
            ));
        }
    }
    for (i, a) in s.actors.iter().enumerate() {
        if a.role == Role::Mediator {
            continue;
        }
        let any = s
            .stances
            .iter()
            .any(|st| st.actor == i && st.salience.value > 0.0);
        if !any {
            v.push(Problem::warning(
                "",
                format!("actors[{i}]"),
                format!(
                    "actor `{}` has zero salience on every issue, so no model will move it",
                    a.id
                ),
            ));
        }
    }
    for (i, e) in s.events.iter().enumerate() {
        if let Some(r) = e.round {
            if r > s.protocol.rounds {
                v.push(Problem::warning(
                    "",
                    format!("events[{i}].round"),
                    format!(
                        "event `{}` is placed in round {r}, after the last round {}; it never acts",
                        e.id, s.protocol.rounds
                    ),
                ));
            }
        }
        if e.effects.is_empty() && !e.escalation {
            v.push(Problem::warning(
                "",
                format!("events[{i}]"),
                format!("event `{}` has no effects and is not an escalation", e.id),
            ));
        }
    }
    v
}

/// Warns about every field that no engine reads for this actor's role or this scenario (a
/// silently ignored input is a bug in the user's model: say so).
fn unread_fields(s: &Scenario, v: &mut Problems) {
    let mut warn = |field: String, msg: String| v.push(Problem::warning("", field, msg));
    for (i, a) in s.actors.iter().enumerate() {
        let f = |k: &str| format!("actors[{i}].{k}");
        let role = a.role;
        let only = |what: &str, roles: &str| {
            format!(
                "`{what}` of `{}` is ignored: it acts only for {roles}, and `{}` is a {role}",
                a.id, a.id
            )
        };
        if role != Role::Party {
            if a.war_cost.is_some() {
                warn(f("war_cost"), only("war_cost", "parties"));
            }
            if a.ratify.is_some() {
                warn(f("ratify"), only("ratify", "parties"));
            }
            if a.batna.is_some() {
                warn(f("batna"), only("batna", "parties"));
            }
            if a.discount.is_some() {
                warn(f("discount"), only("discount", "parties"));
            }
        }
        if role != Role::Stakeholder && a.spoiler.is_some() {
            warn(f("spoiler"), only("spoiler", "stakeholders"));
        }
        if role == Role::Party && !a.pressures.is_empty() {
            warn(
                f("pressures"),
                format!(
                    "`pressures` of `{}` is ignored: parties act at the table; only stakeholders and mediators pressure parties",
                    a.id
                ),
            );
        }
        for (k, p) in a.pressures.iter().enumerate() {
            if let Some(j) = s.actor_index(p) {
                if s.actors[j].role != Role::Party {
                    warn(
                        format!("actors[{i}].pressures[{k}]"),
                        format!(
                            "`{}` pressures `{p}`, which is not a party: the link is ignored",
                            a.id
                        ),
                    );
                }
            }
        }
        if role == Role::Stakeholder && a.risk.is_some() && a.spoiler.is_none() {
            warn(
                f("risk"),
                format!(
                    "`risk` of stakeholder `{}` is ignored: risk acts on parties' cost of fighting and on spoilers (`spoiler`)",
                    a.id
                ),
            );
        }
        if role == Role::Mediator && a.risk.is_some() {
            warn(f("risk"), only("risk", "parties and spoilers"));
        }
        if role == Role::Party && a.risk.is_some() && a.war_cost.is_none() {
            warn(
                f("risk"),
                format!(
                    "`risk` of `{}` is ignored by `simulate`: it scales the cost of fighting, and `{}` has no `war_cost`",
                    a.id, a.id
                ),
            );
        }
    }
    for (k, t) in s.threats.iter().enumerate() {
        if s.actors.get(t.by).is_some_and(|a| a.war_cost.is_none()) {
            warn(
                format!("threats[{k}].by"),
                format!(
                    "threat `{}` can never be carried out: `{}` has no `war_cost`, so fighting is not an option for it",
                    t.id, s.actors[t.by].id
                ),
            );
        }
        if let Some(r) = t.round {
            if r > s.protocol.rounds {
                warn(
                    format!("threats[{k}].round"),
                    format!(
                        "threat `{}` falls due in round {r}, after the last round {}; only its `stalled` trigger can act",
                        t.id, s.protocol.rounds
                    ),
                );
            }
        }
    }
    if s.protocol.direct_from_round.is_some() && s.mediator().is_none() {
        warn(
            "protocol.direct_from_round".into(),
            "`direct_from_round` is ignored: without a mediator the parties always talk directly"
                .into(),
        );
    }
    if s.protocol.indirect && s.mediator().is_none() {
        warn(
            "protocol.indirect".into(),
            "`indirect = true` is ignored: indirect talks need a mediator to carry messages".into(),
        );
    }
}

/// The numbers a user wrote for a parameter, each named as in the file (`""` for a plain
/// number), in the order they are checked; a uniform's midpoint last, as it is never written.
fn written(p: &Param) -> Vec<(&'static str, f64)> {
    match p.dist {
        None => vec![("", p.value)],
        Some(Dist::Uniform { low, high }) => {
            vec![("low", low), ("high", high), ("midpoint", p.value)]
        }
        Some(Dist::Triangular { low, mode, high }) => {
            vec![("mode", mode), ("low", low), ("high", high)]
        }
        // Two standard deviations out may leave a range: a normal is checked at its mean.
        Some(Dist::Normal { mean, .. }) => vec![("mean", mean)],
    }
}

/// `is 1.2` for a plain number, `has high 1.2` for one end of a distribution.
fn is_or_has(name: &str, x: &str) -> String {
    if name.is_empty() {
        format!("is {x}")
    } else {
        format!("has {name} {x}")
    }
}

fn check_param(
    err: &mut impl FnMut(String, String),
    field: String,
    p: &Param,
    what: &str,
    ok: impl Fn(f64) -> bool,
    expected: &str,
) {
    if let Some(&(name, x)) = written(p).iter().find(|(_, x)| !ok(*x)) {
        let x = shown(x, |v| !ok(v));
        err(
            field,
            format!("{what} {}; expected {expected}", is_or_has(name, &x)),
        );
    }
}

fn check_scale(
    err: &mut impl FnMut(String, String),
    field: String,
    p: &Param,
    is: &Issue,
    lo: f64,
    hi: f64,
    what: &str,
) {
    let outside = |v: f64| v < lo - 1e-9 || v > hi + 1e-9;
    for (name, x) in written(p) {
        if outside(x) {
            err(
                field,
                format!(
                    "{what} on `{}` {}, outside the issue's range [{}, {}]",
                    is.id,
                    is_or_has(name, &shown(x, outside)),
                    format_input(lo),
                    format_input(hi)
                ),
            );
            return;
        }
        if is.is_discrete() && (x - x.round()).abs() > 1e-9 && !p.is_uncertain() {
            err(
                field,
                format!(
                    "{what} on `{}` is {}; expected an option label or a whole option index",
                    is.id,
                    shown(x, |v| (v - v.round()).abs() > 1e-9)
                ),
            );
            return;
        }
    }
}

/// A value in a message, written as the user would write it ([`format_input`]), unless that
/// rounding would make the offending value look acceptable (`1.0000000000000002` is above 1
/// but rounds to `1`): then with every digit it has.
fn shown(x: f64, bad: impl Fn(f64) -> bool) -> String {
    let t = format_input(x);
    match t.parse::<f64>() {
        Ok(r) if bad(r) => t,
        _ => exact(x),
    }
}

/// Two values compared in a message (`min 2 above max 1`): both as a user writes them, unless
/// the rounded pair no longer shows the problem or reads equal when the values are not; then
/// both with every digit.
fn shown_pair(a: f64, b: f64, bad: impl Fn(f64, f64) -> bool) -> (String, String) {
    let (ta, tb) = (format_input(a), format_input(b));
    match (ta.parse::<f64>(), tb.parse::<f64>()) {
        (Ok(ra), Ok(rb)) if bad(ra, rb) && (ta != tb || a == b) => (ta, tb),
        _ => (exact(a), exact(b)),
    }
}

/// Every digit of `x` (the shortest text that reads back as `x`), in exponent notation where
/// [`format_input`] uses it.
fn exact(x: f64) -> String {
    if x.is_finite() && x != 0.0 && (x.abs() >= 1e9 || x.abs() < 1e-4) {
        format!("{x:e}")
    } else if x.is_finite() && x != 0.0 {
        x.to_string()
    } else {
        format_input(x)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The messages of every error `validate` finds in `s`.
    fn errors(s: &Scenario) -> Vec<String> {
        validate(s).errors().map(|p| p.message.clone()).collect()
    }

    fn one(s: &Scenario, needle: &str) -> String {
        let e = errors(s);
        let found: Vec<&String> = e.iter().filter(|m| m.contains(needle)).collect();
        assert_eq!(found.len(), 1, "{needle} in {e:#?}");
        found[0].clone()
    }

    /// Stance index of actor `a` on issue `i` in the Muscat scenario.
    fn stance(s: &Scenario, a: &str, i: &str) -> usize {
        let (a, i) = (
            s.actor_index(a).expect("actor"),
            s.issue_index(i).expect("issue"),
        );
        s.stances
            .iter()
            .position(|st| st.actor == a && st.issue == i)
            .expect("stance")
    }

    #[test]
    fn the_muscat_scenario_is_valid() {
        assert_eq!(errors(&crate::builtin::muscat()), Vec::<String>::new());
    }

    #[test]
    fn numbers_read_as_written_not_as_float_noise() {
        let mut s = crate::builtin::muscat();
        // 0.2 + 0.1 + 0.9 = 1.2000000000000002, as a what-if `--set` sum would give.
        s.actors[0].batna = Some(Param::fixed(0.2 + 0.1 + 0.9));
        s.actors[1].capability = Param::fixed(-1e-9);
        s.actors[0].discount = Some(0.3 - (0.1 + 0.2));
        let k = stance(&s, "iran", "enrichment_level");
        s.stances[k].position = Param::fixed(60.0 + 0.1 + 0.2);
        let k = stance(&s, "usa", "stockpile");
        s.stances[k].position = Param::fixed(1.0 + 0.1 + 0.2);
        assert_eq!(
            one(&s, "BATNA"),
            "BATNA is 1.2; expected a utility in [0, 1]"
        );
        assert_eq!(
            one(&s, "capability is"),
            "capability is -1e-9; expected > 0 and at most 1e12 (capabilities are relative: rescale them)"
        );
        assert_eq!(
            one(&s, "discount"),
            "discount factor of `iran` is -5.55111512313e-17; expected a number in (0, 1]",
            "a tiny number in exponent notation, not rounded to 0"
        );
        assert_eq!(
            one(&s, "position of `iran`"),
            "position of `iran` on `enrichment_level` is 60.3, outside the issue's range [0, 60]"
        );
        assert_eq!(
            one(&s, "position of `usa`"),
            "position of `usa` on `stockpile` is 1.3; expected an option label or a whole option index"
        );
        for m in errors(&s) {
            assert!(!m.contains("0000000") && !m.contains("9999999"), "{m}");
        }
    }

    #[test]
    fn rounding_never_makes_a_bad_number_look_good() {
        let mut s = crate::builtin::muscat();
        let k = stance(&s, "iran", "agenda_scope");
        s.stances[k].salience = Param::fixed(1.0 + f64::EPSILON);
        s.actors[1].discount = Some(1.000_000_000_001);
        assert_eq!(
            one(&s, "salience"),
            "salience of `iran` on `agenda_scope` is 1.0000000000000002; expected in [0, 1]"
        );
        assert_eq!(
            one(&s, "discount"),
            "discount factor of `usa` is 1.000000000001; expected a number in (0, 1]"
        );
        // Two values compared: written in full when rounding would make them equal.
        let mut s = crate::builtin::muscat();
        let k = stance(&s, "iran", "enrichment_level");
        s.stances[k].red_line = Some(RedLine {
            min: Some(20.0 + 1e-12),
            max: Some(20.0),
        });
        assert_eq!(
            one(&s, "nothing is acceptable"),
            "red line of `iran` on `enrichment_level` has min 20.000000000001 above max 20: nothing is acceptable"
        );
        let mut s = crate::builtin::muscat();
        if let IssueKind::Continuous { min, max, .. } = &mut s.issues[0].kind {
            *min = 60.0 + 1e-13;
            *max = 60.0;
        }
        assert_eq!(
            one(&s, "≤ min"),
            "issue `enrichment_level` has max 60 ≤ min 60.0000000000001; expected max > min"
        );
    }

    #[test]
    fn a_distribution_is_named_by_the_end_the_user_wrote() {
        let mut s = crate::builtin::muscat();
        let k = stance(&s, "iran", "enrichment_level");
        // The midpoint, 61.5, is written nowhere: the message names the high end.
        s.stances[k].position = Param {
            value: 61.5,
            dist: Some(Dist::Uniform {
                low: 59.0,
                high: 64.0,
            }),
        };
        s.actors[1].capability = Param {
            value: 0.5,
            dist: Some(Dist::Triangular {
                low: -0.1,
                mode: 0.5,
                high: 0.9,
            }),
        };
        assert_eq!(
            one(&s, "position of `iran`"),
            "position of `iran` on `enrichment_level` has high 64, outside the issue's range [0, 60]"
        );
        assert!(one(&s, "capability").starts_with("capability has low -0.1; expected > 0"));
    }

    #[test]
    fn large_bounds_are_written_with_an_exponent() {
        let mut s = crate::builtin::muscat();
        if let IssueKind::Continuous { max, .. } = &mut s.issues[0].kind {
            *max = 2.5e13;
        }
        assert!(one(&s, "bounds must lie").contains("has max 2.5e13;"));
    }

    #[test]
    fn format_input_writes_numbers_as_a_user_would() {
        for (x, t) in [
            (0.1 + 0.2, "0.3"),
            (1e-9, "1e-9"),
            (-1e-9, "-1e-9"),
            (2.5e12, "2.5e12"),
            (123_456_789.0, "123456789"),
            (0.0001, "0.0001"),
            (0.000_05, "5e-5"),
            (-0.0, "0"),
            (60.0, "60"),
            (1.0 / 3.0, "0.333333333333"),
            (f64::INFINITY, "inf"),
            (f64::NEG_INFINITY, "-inf"),
            (f64::NAN, "nan"),
        ] {
            assert_eq!(format_input(x), t, "{x:?}");
        }
    }
}
