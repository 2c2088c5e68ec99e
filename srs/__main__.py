"""python -m srs, and the ``srs`` script: the command line (srs/cli)."""

import sys


def main() -> None:
    if sys.argv[1:] == ["--version"]:  # the whole command line: answered without loading Typer
        from srs import __version__

        print(f"srs {__version__}")
        return
    from srs.cli import main as run

    run()


if __name__ == "__main__":
    main()
