"""Long computations release the GIL and stop on Ctrl-C."""

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time

import pytest

import detente

CHILD = textwrap.dedent(
    """
    import signal, sys, time
    import detente
    # Python raises KeyboardInterrupt on SIGINT only if SIGINT was not ignored when it
    # started (it is, for a command started in the background by a shell without job
    # control): install the usual handler, as an interactive session has it.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    sc = detente.load("muscat-2026")
    print("ready", flush=True)
    t0 = time.monotonic()
    try:
        detente.simulate(sc, runs=1_000_000, seed=1)
    except KeyboardInterrupt:
        print(f"interrupted after {time.monotonic() - t0:.2f}s", flush=True)
        sys.exit(0)
    print("finished", flush=True)
    sys.exit(3)
    """
)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT")
def test_ctrl_c_interrupts_simulate():
    p = subprocess.Popen(
        [sys.executable, "-c", CHILD], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert p.stdout.readline().strip() == "ready"
        time.sleep(1.5)  # well inside the simulation (it would take many minutes)
        t0 = time.monotonic()
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=30)
        stopped_in = time.monotonic() - t0
    finally:
        if p.poll() is None:
            p.kill()
    assert p.returncode == 0, (out, err)
    assert out.startswith("interrupted"), (out, err)
    assert "panicked" not in err and "Traceback" not in err, err
    assert stopped_in < 5, stopped_in


def test_interrupt_in_process_leaves_the_module_usable(muscat):
    """A KeyboardInterrupt raised by a signal handler stops simulate; the next call works."""
    if threading.current_thread() is not threading.main_thread():
        pytest.skip("signals reach the main thread only")
    # The usual handler, even when the test run was started with SIGINT ignored.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    timer = threading.Timer(0.5, lambda: os.kill(os.getpid(), signal.SIGINT))
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            detente.simulate(muscat, runs=1_000_000, seed=1)
    finally:
        timer.cancel()
        signal.signal(signal.SIGINT, previous)
    assert detente.simulate(muscat, runs=100, seed=1).runs == 100


def test_gil_released_during_simulate(muscat):
    counter = [0]
    stop = threading.Event()

    def spin():
        while not stop.is_set():
            counter[0] += 1

    t = threading.Thread(target=spin)
    t.start()
    try:
        time.sleep(0.05)
        before = counter[0]
        t0 = time.monotonic()
        detente.simulate(muscat, runs=3000, seed=1, threads=1)
        elapsed = time.monotonic() - t0
        during = counter[0] - before
    finally:
        stop.set()
        t.join()
    # A pure-Python loop runs ~10^6-10^7 increments a second when it has the GIL; with the GIL
    # held by simulate it would barely move.
    assert elapsed > 0.1, "simulate too quick to tell"
    assert during > 20_000 * elapsed, (during, elapsed)


def test_gil_released_during_backtest(root):
    counter = [0]
    stop = threading.Event()

    def spin():
        while not stop.is_set():
            counter[0] += 1

    t = threading.Thread(target=spin)
    t.start()
    try:
        t0 = time.monotonic()
        detente.backtest(root / "cases", runs=40, seed=1, threads=1)
        elapsed = time.monotonic() - t0
    finally:
        stop.set()
        t.join()
    assert counter[0] > 20_000 * elapsed
