#!/usr/bin/env python3
"""The parity table of docs/check.md (AWS Security Hub controls and AWS Config rules) is true:
every row that maps to rules names files, and one of the row's rules fires on each of them. Files
are fixtures (tests/data/proposals) or real proposals (../shared/corpus/real, checked only where it
exists). Usage: parity.py MLSCALE_BINARY SOURCE_DIR"""
import json
import os
import re
import subprocess
import sys

binary, root = sys.argv[1], sys.argv[2]
doc = open(os.path.join(root, 'docs', 'check.md'), encoding='utf-8').read()
section = doc[doc.index('## Parity with AWS Security Hub and AWS Config'):]
section = section[:section.index('\n## ', 3)]
rows = [line for line in section.splitlines() if line.startswith('| ') and not line.startswith('| Control') and '---' not in line]
places = [os.path.join(root, 'tests', 'data', 'proposals'), os.path.join(root, '..', 'shared', 'corpus', 'real')]
fired_cache = {}


def fired(path):
    if path not in fired_cache:
        run = subprocess.run([binary, 'check', '--quiet', '--fail-on', 'none', '--format', 'json', path], capture_output=True, text=True)
        result = json.loads(run.stdout)
        fired_cache[path] = {f['rule'] for file in result['files'] for f in file['findings']}
    return fired_cache[path]


failures = checked = skipped = 0
for row in rows:
    cells = [c.strip() for c in row.strip('|').split('|')]
    if len(cells) != 4:
        sys.exit(f'parity table row has {len(cells)} cells, expected 4: {row}')
    control, _, mapping, files = cells
    rules = [] if mapping.startswith('—') else re.findall(r'MLS-[A-Z]+-\d{3}', mapping)
    names = re.findall(r'`([^`]+)`', files)
    if not rules:
        if names or not mapping.startswith('—'):
            sys.exit(f'unmapped row must start with "—" and say why, without files: {row}')
        continue
    if not names:
        sys.exit(f'mapped row names no file the rule fires on: {row}')
    for name in names:
        path = next((os.path.join(p, name) for p in places if os.path.exists(os.path.join(p, name))), None)
        if path is None and os.path.isdir(places[1]):
            print(f'FAIL {control}: {name} is neither a fixture nor a corpus file')
            failures += 1
            continue
        if path is None:
            skipped += 1  # a corpus file, and the corpus is not here
            continue
        checked += 1
        if not set(rules) & fired(path):
            print(f'FAIL {control}: none of {rules} fires on {name} (fired: {sorted(fired(path))})')
            failures += 1
print(f'parity: {len(rows)} rows, {checked} file checks, {skipped} skipped (no corpus), {failures} failure(s)')
sys.exit(1 if failures else 0)
