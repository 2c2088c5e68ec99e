"""python -m srs, and the ``srs`` script: the command line (srs/cli)."""

import gc
import sys

#: young objects allocated between two collections of the cyclic garbage collector: Python's
#: 700 makes it run about 120 times while a command imports its libraries (a tenth of `srs
#: stats`' CPU, measured with gc.callbacks), every run finding almost nothing to free;
#: cycles are still collected, a few times per start instead
GC_YOUNG = 10_000


def main() -> None:
    gc.set_threshold(GC_YOUNG, *gc.get_threshold()[1:])
    if sys.argv[1:] == ["--version"]:  # the whole command line: answered without loading Typer
        from srs import __version__

        print(f"srs {__version__}")
        return
    if "serve" not in sys.argv[1:]:  # the web server runs on asyncio: it gets it at once
        from srs.lazy_stdlib import defer

        defer()  # asyncio, importlib.metadata: loaded when used, not when SQLAlchemy is imported
    from srs.cli import main as run

    run()


if __name__ == "__main__":
    main()
