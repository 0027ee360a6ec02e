"""One command tree: python -m bot <group> <command>, each group's commands in a module of its own.

A group's module is imported only when it runs, so `--help` and the light commands stay quick.
"""

from __future__ import annotations

from importlib import import_module

from bot.cli.arguments import parser
from bot.config import load_settings

# The module that runs each group; `run`, `web`, `actions` and `train` start processes.
MODULES = {
    **{group: group for group in ("knowledge", "privacy", "advisors", "review", "model", "insights", "db")},
    **{group: "processes" for group in ("run", "web", "actions", "train")},
    "cluster": "cluster",
}


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    settings = load_settings()
    return import_module(f"bot.cli.{MODULES[args.group]}").run(args, settings)
