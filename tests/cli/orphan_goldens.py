#!/usr/bin/env python3
"""Fails when a golden file in tests/cli/golden is named by no case (cases.json) and no script here:
an orphan golden pins nothing, and its next regeneration would silently drop it."""
import pathlib
import sys

here = pathlib.Path(__file__).resolve().parent
texts = [(here / "cases.json").read_text()] + [p.read_text() for p in here.glob("*.sh")] + [p.read_text() for p in here.glob("*.cmake")]
orphans = [p.name for p in sorted((here / "golden").iterdir()) if not any(p.name in text for text in texts)]
for name in orphans:
    print(f"tests/cli/golden/{name}: no case names it (delete it, or add the case that produces it)")
sys.exit(1 if orphans else 0)
