"""Run a Python module or code and write this process's peak resident memory (VmHWM, KiB)
to the file named by BENCH_PEAK_FILE. VmHWM belongs to the process's own address space, so
unlike ru_maxrss it does not inherit the parent's size across fork and exec.

    python benchmarks/peak.py -m srs decks
    python benchmarks/peak.py -c "print(1)"
"""

import atexit
import os
import runpy
import sys


def _report() -> None:
    target = os.environ.get("BENCH_PEAK_FILE")
    if not target:
        return
    with open("/proc/self/status") as status:
        peak = next(line.split()[1] for line in status if line.startswith("VmHWM"))
    with open(target, "w") as out:
        out.write(peak)


atexit.register(_report)
if sys.argv[1] == "-m":
    module = sys.argv[2]
    sys.argv = [module, *sys.argv[3:]]
    runpy.run_module(module, run_name="__main__", alter_sys=True)
elif sys.argv[1] == "-c":
    code = sys.argv[2]
    sys.argv = ["-c", *sys.argv[3:]]
    exec(compile(code, "<string>", "exec"), {"__name__": "__main__"})
else:
    raise SystemExit("usage: peak.py -m MODULE ARGS... | -c CODE")
