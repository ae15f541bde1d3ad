#!/usr/bin/env python3
"""Writes a synthetic scenario for simulation scaling: two parties, a mediator and three
stakeholders, K discrete issues of O options (O^K outcomes, never enumerated by the
simulation), uncertain saliences, a salience event, a BATNA event, a small escalation risk, a
coercive threat, a domestic ratification rule and a spoiler, 8 rounds of indirect talks.

usage: sim_scenario.py K [O=5] > scenario.toml
"""
import random
import sys

k = int(sys.argv[1])
o = int(sys.argv[2]) if len(sys.argv) > 2 else 5
rng = random.Random(k)
out = ['format = 1', '[meta]', f'title = "Synthetic, {k} issues x {o} options"',
       'date = "2026-01-01"', '']
actors = [("a", "party", 1.0), ("b", "party", 0.7), ("m", "mediator", 0.2),
          ("hawks", "stakeholder", 0.3), ("ally", "stakeholder", 0.4), ("broker", "stakeholder", 0.3)]
for a, role, cap in actors:
    out += ['[[actors]]', f'id = "{a}"', f'name = "Actor {a}"', f'role = "{role}"',
            f'capability = {cap}']
    if role == "party":
        out += ['batna = 0.25', 'war_cost = { low = 0.2, mode = 0.35, high = 0.5 }']
    if a == "a":
        out.append('ratify = { by = ["hawks"], threshold = 0.6 }')
    if a == "hawks":
        out.append('pressures = ["a"]')
    if a == "ally":
        out += ['pressures = ["a"]', 'spoiler = 0.3']
    if a == "broker":
        out.append('pressures = ["a", "b"]')
    out.append('')
labels = [f"o{j}" for j in range(o)]
opts = "[" + ", ".join(f'"{x}"' for x in labels) + "]"
for i in range(k):
    out += ['[[issues]]', f'id = "i{i}"', f'name = "Issue {i}"', f'options = {opts}',
            'status_quo = "o0"', '']
for i in range(k):
    stances = [("a", labels[-1]), ("b", labels[0]), ("hawks", labels[-1]),
               ("ally", labels[-2]), ("broker", labels[o // 2])]
    for a, pos in stances:
        if a in ("hawks", "ally", "broker") and rng.random() < 0.5:
            continue
        s = round(rng.uniform(0.2, 0.9), 2)
        out += ['[[positions]]', f'actor = "{a}"', f'issue = "i{i}"', f'position = "{pos}"',
                f'salience = {{ low = {max(0.0, s - 0.1):.2f}, mode = {s}, high = {min(1.0, s + 0.1):.2f} }}',
                '']
out += ['[[events]]', 'id = "visit"', 'description = "A visit raises A\'s salience on issue 0"',
        'round = 2', 'probability = 0.8', '[[events.effects]]', 'target = "salience"',
        'actor = "a"', 'issue = "i0"', 'amount = 0.1', '',
        '[[events]]', 'id = "sanctions"', 'description = "Sanctions lower B\'s alternative"',
        'round = 3', 'probability = 0.7', '[[events.effects]]', 'target = "batna"',
        'actor = "b"', 'amount = { low = -0.1, mode = -0.05, high = 0.0 }', '',
        '[[events]]', 'id = "strike"', 'description = "An escalation ends the talks"',
        'round = 6', 'probability = 0.05', 'escalation = true', '',
        '[[threats]]', 'id = "ultimatum"', 'by = "a"', 'against = "b"', 'stalled = 2',
        'credibility = 0.5', '',
        '[protocol]', 'mediator = "m"', 'indirect = true', 'rounds = 8', 'direct_from_round = 5']
print("\n".join(out))
