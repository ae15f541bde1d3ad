#!/usr/bin/env python3
"""Writes a synthetic scenario for simulation scaling: two parties and a mediator, K discrete
issues of 4 options (4^K outcomes), uncertain saliences, a salience event, a BATNA event and a
small escalation risk, 8 rounds of indirect talks.

usage: sim_scenario.py K > scenario.toml
"""
import random
import sys

k = int(sys.argv[1])
rng = random.Random(k)
out = ['format = 1', '[meta]', f'title = "Synthetic, {k} issues"', 'date = "2026-01-01"', '']
for a, role in [("a", "party"), ("b", "party"), ("m", "mediator")]:
    out += ['[[actors]]', f'id = "{a}"', f'name = "Actor {a}"', f'role = "{role}"',
            'capability = 1.0']
    if role == "party":
        out.append('batna = 0.25')
    out.append('')
opts = '["o0", "o1", "o2", "o3"]'
for i in range(k):
    out += ['[[issues]]', f'id = "i{i}"', f'name = "Issue {i}"', f'options = {opts}',
            'status_quo = "o0"', '']
for i in range(k):
    for a, pos in [("a", "o3"), ("b", "o0")]:
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
        '[protocol]', 'mediator = "m"', 'indirect = true', 'rounds = 8', 'direct_from_round = 5']
print("\n".join(out))
