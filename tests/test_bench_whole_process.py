"""bench/whole_process.py: the CPU time of a command counts the processes it leaves behind (as
`nq72 ingest` leaves its reading workers' fork server), which the command's own rusage misses."""
import json
import subprocess
import sys
from pathlib import Path

WHOLE_PROCESS = Path(__file__).resolve().parent.parent / "bench" / "whole_process.py"

# The command forks a child that outlives it and burns CPU, then exits at once without waiting for it.
ORPHAN = """
import os, time
if os.fork() == 0:
    end = time.process_time() + 0.3
    while time.process_time() < end:
        pass
    os._exit(0)
print("parent done")
"""


def test_a_process_the_command_left_behind_is_waited_for_and_its_cpu_counted(tmp_path):
    out = tmp_path / "m.json"
    proc = subprocess.run([sys.executable, str(WHOLE_PROCESS), str(out), sys.executable, "-c", ORPHAN],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "parent done"  # the command's output passes through
    figures = json.loads(out.read_text())
    assert figures["returncode"] == 0
    assert figures["cpu"] < 0.25  # the command alone: an interpreter's start
    assert figures["cpu_all"] >= figures["cpu"] + 0.28  # and the orphan's 0.3 s


def test_the_command_s_exit_status_is_passed_on(tmp_path):
    out = tmp_path / "m.json"
    proc = subprocess.run([sys.executable, str(WHOLE_PROCESS), str(out), sys.executable, "-c", "raise SystemExit(3)"],
                          timeout=60)
    assert proc.returncode == 3
    assert json.loads(out.read_text())["returncode"] == 3
