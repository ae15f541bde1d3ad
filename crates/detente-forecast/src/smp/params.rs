//! The SMP's model parameters, KTAB's names for them, and reading them from a scenario's
//! `[models.smp]` table.

use std::fmt;

macro_rules! ktab_enum {
    ($(#[$doc:meta])* $name:ident, $key:literal { $($(#[$vdoc:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $name {
            $($(#[$vdoc])* $variant),+
        }

        impl $name {
            /// Every value, in KTAB's order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The parameter's name in KTAB's XML `<ModelParameters>`.
            pub const KEY: &'static str = $key;

            /// KTAB's name for this value.
            pub fn name(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            /// The value KTAB calls `s`, if any.
            pub fn from_name(s: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.name() == s)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.name())
            }
        }
    };
}

ktab_enum!(
    /// How coalition strengths turn into a probability of victory.
    VictoryProb, "VictoryProbModel" {
        /// p = s₁ / (s₁ + s₂).
        Linear = "Linear",
        /// Strengths squared first.
        Square = "Square",
        /// Strengths to the 4th power.
        Quartic = "Quartic",
        /// Strengths to the 8th power.
        Octic = "Octic",
        /// A 10 % advantage decides; linear inside that band.
        Binary = "Binary",
    }
);

ktab_enum!(
    /// How a difference in utility becomes a vote.
    VotingRule, "VotingRule" {
        /// Sign of the difference (with a 1e-8 ramp).
        Binary = "Binary",
        /// 0.8 · proportional + 0.2 · binary.
        PropBin = "PropBin",
        /// The difference itself.
        Prop = "Prop",
        /// 0.5 · Δ + 0.5 · Δ³.
        PropCbc = "PropCbc",
        /// Δ³.
        Cubic = "Cubic",
        /// Losses count fully, gains two thirds.
        ASymProsp = "ASymProsp",
    }
);

ktab_enum!(
    /// How pairwise victory probabilities become each option's chance of winning overall.
    PceModel, "PCEModel" {
        /// Proportional to the chance of beating every other option.
        Conditional = "Conditional",
        /// Markov challenge process, challenges weighted by strength × victory probability.
        MarkovIncentive = "MarkovIncentive",
        /// Markov challenge process, every challenger equally likely.
        MarkovUniform = "MarkovUniform",
    }
);

ktab_enum!(
    /// Whether each actor takes the most probable bargain or draws one.
    Transitions, "StateTransitions" {
        /// The most probable bargain (first on ties).
        Deterministic = "Deterministic",
        /// A bargain drawn with its probability.
        Stochastic = "Stochastic",
    }
);

ktab_enum!(
    /// The range win probabilities are mapped onto for risk attitudes.
    BigRRange, "BigRRange" {
        /// [0, 1].
        Min = "Min",
        /// [−0.5, 1].
        Mid = "Mid",
        /// [−1, 1].
        Max = "Max",
    }
);

ktab_enum!(
    /// How an actor estimates another's risk attitude from its own.
    BigRAdjust, "BigRAdjust" {
        /// Its own attitude.
        None = "None",
        /// (2·own + other) / 3.
        OneThird = "OneThird",
        /// (own + other) / 2.
        Half = "Half",
        /// (own + 2·other) / 3.
        TwoThirds = "TwoThirds",
        /// The other's true attitude.
        Full = "Full",
    }
);

ktab_enum!(
    /// What a third party that joins a contest commits to.
    ThirdParty, "ThirdPartyCommit" {
        /// Keeps its own position whoever wins.
        NoCommit = "NoCommit",
        /// Keeps its position if its side wins, adopts the winner's if it loses.
        SemiCommit = "SemiCommit",
        /// Ends at the winner's position.
        FullCommit = "FullCommit",
    }
);

ktab_enum!(
    /// How a bargain interpolates between two positions, dimension by dimension.
    InterVecBrgn, "InterVecBrgn" {
        /// Weights salience × win probability.
        S1P1 = "S1P1",
        /// Weights salience² × win probability².
        S2P2 = "S2P2",
        /// Moves by the probability gap, weighted by salience².
        S2PMax = "S2PMax",
    }
);

ktab_enum!(
    /// Whose view forms the bargain a challenger proposes.
    BargainModel, "BargnModel" {
        /// The initiator's view only; both sides get the same bargain.
        InitOnlyInterp = "InitOnlyInterp",
        /// The initiator's and the receiver's views, both offered.
        InitRcvrInterp = "InitRcvrInterp",
        /// A power-weighted compromise of the two views.
        PWCompInterp = "PWCompInterp",
    }
);

/// Every setting of the SMP; `Default` is KTAB's default configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct SmpParams {
    /// Victory-probability law.
    pub victory: VictoryProb,
    /// Voting rule.
    pub voting: VotingRule,
    /// Probability-of-winning model.
    pub pce: PceModel,
    /// Deterministic or stochastic bargain choice.
    pub transitions: Transitions,
    /// Risk-attitude range.
    pub big_r_range: BigRRange,
    /// Risk-attitude estimation.
    pub big_r_adjust: BigRAdjust,
    /// Third-party commitment.
    pub third_party: ThirdParty,
    /// Bargain interpolation.
    pub interp: InterVecBrgn,
    /// Bargain formation.
    pub bargain: BargainModel,
    /// Seed for stochastic transitions (KTAB's default seed unless the scenario gives one).
    pub seed: u64,
    /// Most turns to run (KTAB: 100).
    pub max_turns: usize,
    /// Ideal-accommodation matrix `a[i][j]`; `None` is the identity (ideal = own position).
    pub accommodation: Option<Vec<Vec<f64>>>,
}

/// smpc's built-in seed, used when a CSV run gives none.
pub const KTAB_DEFAULT_SEED: u64 = 15_455_440_707_583_219_804;

impl Default for SmpParams {
    fn default() -> Self {
        SmpParams {
            victory: VictoryProb::Linear,
            voting: VotingRule::Prop,
            pce: PceModel::Conditional,
            transitions: Transitions::Deterministic,
            big_r_range: BigRRange::Mid,
            big_r_adjust: BigRAdjust::OneThird,
            third_party: ThirdParty::SemiCommit,
            interp: InterVecBrgn::S2P2,
            bargain: BargainModel::InitOnlyInterp,
            seed: KTAB_DEFAULT_SEED,
            max_turns: 100,
            accommodation: None,
        }
    }
}

/// A `[models.smp]` setting that cannot be used, with the dotted field it sits at.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct SettingError {
    /// Dotted path of the field, e.g. `models.smp.parameters.VotingRule`.
    pub field: String,
    /// What is wrong and what was expected.
    pub message: String,
}

fn err(field: impl Into<String>, message: impl Into<String>) -> SettingError {
    SettingError {
        field: field.into(),
        message: message.into(),
    }
}

fn pick<T: Copy + fmt::Display>(
    params: &toml::Table,
    key: &str,
    all: &[T],
    from: impl Fn(&str) -> Option<T>,
    into: &mut T,
) -> Result<(), SettingError> {
    let field = format!("models.smp.parameters.{key}");
    let Some(v) = params.get(key) else {
        return Ok(());
    };
    let names: Vec<String> = all.iter().map(|v| format!("`{v}`")).collect();
    let expected = format!("expected one of {}", names.join(", "));
    match v.as_str() {
        Some(s) => {
            *into = from(s.trim())
                .ok_or_else(|| err(&field, format!("unknown value `{s}`; {expected}")))?;
            Ok(())
        }
        None => Err(err(
            &field,
            format!("expected a string, found {}; {expected}", v.type_str()),
        )),
    }
}

impl SmpParams {
    /// Reads a scenario's `[models.smp]` table (KTAB's parameter names and values, `seed`,
    /// `max_turns`, `ideal_adjustment`); `actor` finds an actor's index by id or name.
    pub fn from_settings(
        table: &toml::Table,
        n_actors: usize,
        actor: impl Fn(&str) -> Option<usize>,
    ) -> Result<Self, SettingError> {
        let mut p = SmpParams::default();
        for key in table.keys() {
            if !["parameters", "seed", "max_turns", "ideal_adjustment"].contains(&key.as_str()) {
                return Err(err(
                    format!("models.smp.{key}"),
                    "unknown key; expected `parameters`, `seed`, `max_turns` or `ideal_adjustment`",
                ));
            }
        }
        if let Some(v) = table.get("parameters") {
            let params = v.as_table().ok_or_else(|| {
                err(
                    "models.smp.parameters",
                    format!("expected a table, found {}", v.type_str()),
                )
            })?;
            let known = [
                VictoryProb::KEY,
                VotingRule::KEY,
                PceModel::KEY,
                Transitions::KEY,
                BigRRange::KEY,
                BigRAdjust::KEY,
                ThirdParty::KEY,
                InterVecBrgn::KEY,
                BargainModel::KEY,
            ];
            if let Some(k) = params.keys().find(|k| !known.contains(&k.as_str())) {
                return Err(err(
                    format!("models.smp.parameters.{k}"),
                    format!("unknown parameter; expected one of {}", known.join(", ")),
                ));
            }
            pick(
                params,
                VictoryProb::KEY,
                VictoryProb::ALL,
                VictoryProb::from_name,
                &mut p.victory,
            )?;
            pick(
                params,
                VotingRule::KEY,
                VotingRule::ALL,
                VotingRule::from_name,
                &mut p.voting,
            )?;
            pick(
                params,
                PceModel::KEY,
                PceModel::ALL,
                PceModel::from_name,
                &mut p.pce,
            )?;
            pick(
                params,
                Transitions::KEY,
                Transitions::ALL,
                Transitions::from_name,
                &mut p.transitions,
            )?;
            pick(
                params,
                BigRRange::KEY,
                BigRRange::ALL,
                BigRRange::from_name,
                &mut p.big_r_range,
            )?;
            pick(
                params,
                BigRAdjust::KEY,
                BigRAdjust::ALL,
                BigRAdjust::from_name,
                &mut p.big_r_adjust,
            )?;
            pick(
                params,
                ThirdParty::KEY,
                ThirdParty::ALL,
                ThirdParty::from_name,
                &mut p.third_party,
            )?;
            pick(
                params,
                InterVecBrgn::KEY,
                InterVecBrgn::ALL,
                InterVecBrgn::from_name,
                &mut p.interp,
            )?;
            pick(
                params,
                BargainModel::KEY,
                BargainModel::ALL,
                BargainModel::from_name,
                &mut p.bargain,
            )?;
        }
        if let Some(v) = table.get("seed") {
            let expected =
                "expected an integer in 0..=18446744073709551615 (a string for values above 2^63)";
            p.seed = match v {
                toml::Value::Integer(i) if *i >= 0 => *i as u64,
                toml::Value::String(s) => s.trim().parse::<u64>().map_err(|_| {
                    err(
                        "models.smp.seed",
                        format!("`{s}` is not a seed; {expected}"),
                    )
                })?,
                other => {
                    return Err(err(
                        "models.smp.seed",
                        format!("found {}; {expected}", other.type_str()),
                    ))
                }
            };
        }
        if let Some(v) = table.get("max_turns") {
            match v.as_integer() {
                Some(t) if (1..=10_000).contains(&t) => p.max_turns = t as usize,
                _ => {
                    return Err(err(
                        "models.smp.max_turns",
                        "expected an integer in 1..=10000",
                    ))
                }
            }
        }
        if let Some(v) = table.get("ideal_adjustment") {
            let list = v.as_array().ok_or_else(|| {
                err(
                    "models.smp.ideal_adjustment",
                    format!("expected an array of tables, found {}", v.type_str()),
                )
            })?;
            let mut a: Vec<Vec<f64>> = (0..n_actors)
                .map(|i| {
                    (0..n_actors)
                        .map(|j| if i == j { 1.0 } else { 0.0 })
                        .collect()
                })
                .collect();
            for (k, e) in list.iter().enumerate() {
                let at = format!("models.smp.ideal_adjustment[{k}]");
                let t = e.as_table().ok_or_else(|| {
                    err(&at, "expected a table `{ adjusting = actor, reference = actor, adjust = number }`")
                })?;
                let who = |key: &str| -> Result<usize, SettingError> {
                    let name = t.get(key).and_then(|v| v.as_str()).ok_or_else(|| {
                        err(
                            format!("{at}.{key}"),
                            "expected an actor id or name (a string)",
                        )
                    })?;
                    actor(name).ok_or_else(|| {
                        err(format!("{at}.{key}"), format!("unknown actor `{name}`"))
                    })
                };
                let (i, j) = (who("adjusting")?, who("reference")?);
                let x = match t.get("adjust") {
                    Some(toml::Value::Float(x)) => *x,
                    Some(toml::Value::Integer(x)) => *x as f64,
                    _ => return Err(err(format!("{at}.adjust"), "expected a number in [0, 1]")),
                };
                if !(0.0..=1.0).contains(&x) {
                    return Err(err(
                        format!("{at}.adjust"),
                        format!("{x} is outside [0, 1]"),
                    ));
                }
                a[i][j] = x;
            }
            for (i, row) in a.iter().enumerate() {
                let s: f64 = row.iter().sum();
                if s > 1.0 + 1e-10 {
                    return Err(err(
                        "models.smp.ideal_adjustment",
                        format!(
                            "the adjustments of actor #{} sum to {s}, more than 1",
                            i + 1
                        ),
                    ));
                }
            }
            let identity = a.iter().enumerate().all(|(i, r)| {
                r.iter()
                    .enumerate()
                    .all(|(j, x)| *x == if i == j { 1.0 } else { 0.0 })
            });
            p.accommodation = if identity { None } else { Some(a) };
        }
        Ok(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(src: &str) -> toml::Table {
        toml::from_str(src).expect("toml")
    }

    #[test]
    fn defaults_are_ktabs() {
        let p = SmpParams::from_settings(&toml::Table::new(), 3, |_| None).expect("ok");
        assert_eq!(p, SmpParams::default());
        assert_eq!(p.voting.name(), "Prop");
        assert_eq!(p.big_r_adjust.name(), "OneThird");
    }

    #[test]
    fn reads_parameters_seed_and_adjustment() {
        let t = table(
            r#"
            seed = "03507583219545544127"
            max_turns = 20
            parameters = { VotingRule = "PropCbc", PCEModel = "MarkovIncentive", StateTransitions = "Stochastic" }
            ideal_adjustment = [ { adjusting = "a", reference = "b", adjust = 0.25 }, { adjusting = "a", reference = "a", adjust = 0.5 } ]
            "#,
        );
        let p = SmpParams::from_settings(&t, 3, |s| ["a", "b", "c"].iter().position(|x| *x == s))
            .expect("ok");
        assert_eq!(p.seed, 3_507_583_219_545_544_127);
        assert_eq!(p.max_turns, 20);
        assert_eq!(p.voting, VotingRule::PropCbc);
        assert_eq!(p.pce, PceModel::MarkovIncentive);
        assert_eq!(p.transitions, Transitions::Stochastic);
        let a = p.accommodation.expect("not identity");
        assert_eq!(a[0], vec![0.5, 0.25, 0.0]);
        assert_eq!(a[1], vec![0.0, 1.0, 0.0]);
    }

    #[test]
    fn bad_settings_name_the_field_and_the_choices() {
        let e = SmpParams::from_settings(
            &table(r#"parameters = { VotingRule = "Majority" }"#),
            3,
            |_| None,
        )
        .expect_err("bad");
        assert_eq!(e.field, "models.smp.parameters.VotingRule");
        assert!(
            e.message.contains("`Majority`") && e.message.contains("`PropCbc`"),
            "{e}"
        );
        let e = SmpParams::from_settings(&table("rounds = 3"), 3, |_| None).expect_err("bad");
        assert_eq!(e.field, "models.smp.rounds");
        let e = SmpParams::from_settings(
            &table(
                r#"ideal_adjustment = [ { adjusting = "zed", reference = "a", adjust = 0.5 } ]"#,
            ),
            3,
            |s| (s == "a").then_some(0),
        )
        .expect_err("bad");
        assert_eq!(e.field, "models.smp.ideal_adjustment[0].adjusting");
        let e = SmpParams::from_settings(&table("seed = -4"), 3, |_| None).expect_err("bad");
        assert_eq!(e.field, "models.smp.seed");
    }
}
