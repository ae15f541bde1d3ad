"""Times the public BDM replication (dmasad/bdm-scholz-expected-utility-model) on one CSV.

Usage: python bdm_peer.py <dir holding bdm_scholz_model.py> <csv> <rounds>
Prints: seconds for run_model(rounds), model construction excluded.
Our CSVs use lower-case headers; the peer expects Actor,Capability,Position,Salience.
"""
import csv
import sys
import time

sys.path.insert(0, sys.argv[1])
import bdm_scholz_model as peer  # noqa: E402

rows = []
with open(sys.argv[2], newline="") as f:
    for r in csv.DictReader(f):
        rows.append({"Actor": r["actor"], "Capability": r["capability"],
                     "Position": r["position"], "Salience": r["salience"]})
model = peer.BDMScholzModel(rows, verbose=False)
t = time.perf_counter()
model.run_model(int(sys.argv[3]))
print(f"{time.perf_counter() - t:.6f}")
