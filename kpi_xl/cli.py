"""The ``kpi-xl`` command: one entry point, one module per subcommand.

Start-up is kept short: ``kpi-xl --help`` imports no command module (the
summaries come from :data:`kpi_xl.commands.SUMMARIES`), and any other line
imports only the module of the command it names, whose heavy imports
(pandas, the workbook code) happen inside its ``run``.

Each module of :mod:`kpi_xl.commands` defines ``register(subparsers)``, which
adds its parser and sets ``func`` to a ``run(args) -> int``.  The global
options ``--debug`` and ``--lang`` are accepted before or after the command.
Errors kpi_xl raises on purpose (bad files, bad arguments) and system errors
(a missing or read-only file) are printed as one clear message, exit 2; an
unexpected error is reported as an internal error, exit 3.  A traceback only
shows with ``--debug``.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Iterator, Sequence

from kpi_xl import __version__
from kpi_xl.commands import LANGS, SUMMARIES

COMMANDS = tuple(SUMMARIES)

DESCRIPTION = """\
kpi-xl: the handful of KPIs that matter to a small business, inside Excel.

It reads the exports an accountant already has (FEC, e-commerce orders,
web analytics, ad spend, NPS surveys), works out the KPIs of the two source
articles month by month (conversion rate, CAC, CLV, retention, net margin,
NPS...) and fills a KPI workbook whose formulas are native Excel, so the
numbers show even where kpi_xl is not installed.
"""

EPILOG = """\
first steps:
  kpi-xl demo --out demo            a filled sample report and its exports
  kpi-xl kpis --lang fr             the KPI catalog: formulas, targets, advice
  kpi-xl compute --from exports/    monthly inputs and KPIs from your exports
  kpi-xl fill --from exports/ --out report.xlsx
  kpi-xl refresh report.xlsx --from exports/
  kpi-xl batch clients/ --out reports/

Run 'kpi-xl COMMAND --help' for the details of a command.  --lang and
--debug go anywhere on the line.  The language is --lang, else the
'language' of the kpi_xl.toml in use, else the system's (LANG, LC_ALL).
"""

LANG_HELP = "fr or en (default: the kpi_xl.toml's 'language', else the system's)"
DEBUG_HELP = "show the full traceback when something fails"


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of the command line; only ``command``'s module is imported.

    The other commands are listed by name and summary only: a placeholder
    parser that is never used to parse their options.
    """
    parser = argparse.ArgumentParser(
        prog="kpi-xl",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,  # '--la fr' must not hide the command from chosen_command
    )
    parser.add_argument("--version", action="version", version=f"kpi-xl {__version__}")
    parser.add_argument("--debug", action="store_true", help=DEBUG_HELP)
    lang = parser.add_argument("--lang", choices=LANGS, help=LANG_HELP)
    sub = parser.add_subparsers(title="commands", metavar="COMMAND", dest="command")
    for name, summary in SUMMARIES.items():
        if name == command:
            importlib.import_module(f"kpi_xl.commands.{name}").register(sub)
            own_defaults = [_add_global_options(child) for child in _parsers(sub.choices[name])]
            if any(d is not None for d in own_defaults):
                # The command wants a language, never None: give it the system's
                # rather than the one it hard-codes, like every other command.
                from kpi_xl.language import system_language

                lang.default = system_language()
        else:
            sub.add_parser(name, help=summary, add_help=False)
    return parser


def chosen_command(argv: Sequence[str]) -> str | None:
    """The command a command line names (argparse decides, as for the real parse).

    ``--help`` and ``--version`` before any command are answered here, with
    no command module imported.
    """
    known, _ = build_parser().parse_known_args(argv)
    command: str | None = known.command
    return command


def _parsers(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    """A parser and every sub-parser below it (``templates build``, ``excel classic``...).

    argparse has no public way to list sub-parsers: its ``_actions`` it is.
    """
    yield parser
    seen: set[int] = set()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action._name_parser_map.values():
                if id(child) not in seen:  # an alias maps to the same parser
                    seen.add(id(child))
                    yield from _parsers(child)


def _add_global_options(parser: argparse.ArgumentParser) -> object:
    """``--debug`` and ``--lang`` after the command too, without hiding one given before it.

    SUPPRESS defaults leave the attribute unset when the option is not given
    here, so the value given before the command (or the top default) stays.
    A command that declares its own ``--lang`` keeps it, with the same rule;
    its former default is returned (None when it has none).
    """
    existing = parser._option_string_actions
    own_default = None
    if "--lang" in existing:
        own_default = existing["--lang"].default
        existing["--lang"].default = argparse.SUPPRESS
    if "--debug" in existing and "--lang" in existing:
        return own_default
    group = parser.add_argument_group("global options (also accepted before the command)")
    if "--debug" not in existing:
        group.add_argument(
            "--debug", action="store_true", default=argparse.SUPPRESS, help=DEBUG_HELP
        )
    if "--lang" not in existing:
        group.add_argument("--lang", choices=LANGS, default=argparse.SUPPRESS, help=LANG_HELP)
    return own_default


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(chosen_command(argv))
    args = parser.parse_args(argv)
    if not hasattr(args, "func"):
        parser.print_help()
        return 0
    try:
        code: int = args.func(args)
    except KeyboardInterrupt:
        print("kpi-xl: interrupted; no output was left half-written.", file=sys.stderr)
        return 130
    except BrokenPipeError:  # 'kpi-xl kpis --format csv | head': the reader has all it wants
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no error at exit
        return 141
    except Exception as exc:
        if args.debug:
            raise
        return _report(exc)
    return code


def _report(exc: Exception) -> int:
    """One clear message for an error, and the exit code it deserves."""
    from kpi_xl.errors import KpiXlError  # here: errors imports dataclasses, slow to start

    if isinstance(exc, KpiXlError):
        print(f"kpi-xl: error: {exc}", file=sys.stderr)
        return 2
    if isinstance(exc, OSError):
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"kpi-xl: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 2
    # a bug of ours: say so plainly, details on demand
    print(
        f"kpi-xl: internal error ({type(exc).__name__}: {exc}).\n"
        "  Nothing was left half-written. Run the same command with --debug for the "
        "details and report them to the kpi_xl team.",
        file=sys.stderr,
    )
    return 3


if __name__ == "__main__":
    sys.exit(main())
