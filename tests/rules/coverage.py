#!/usr/bin/env python3
"""Every concept of rules/concepts.json (the 78 practices of ../shared/spec/practices.md) is covered
by at least one rule, as `mlscale rules list --format json` reports them.
Usage: coverage.py MLSCALE_BINARY SOURCE_DIR"""
import json
import subprocess
import sys

binary, root = sys.argv[1], sys.argv[2]
rules = json.loads(subprocess.run([binary, 'rules', 'list', '--format', 'json'], check=True,
                                  capture_output=True, text=True).stdout)
concepts = [c['key'] for c in json.load(open(f'{root}/rules/concepts.json', encoding='utf-8'))['concepts']]
required = {'code', 'slug', 'concept', 'category', 'severity', 'title', 'source'}
for rule in rules:
    missing = required - rule.keys()
    if missing:
        sys.exit(f"rules list entry {rule.get('code')} lacks {sorted(missing)}")
covered = {rule['concept'] for rule in rules}
uncovered = [key for key in concepts if key not in covered]
if uncovered:
    print(f'{len(uncovered)} of {len(concepts)} concepts have no rule:', file=sys.stderr)
    for key in uncovered:
        print(f'  {key}', file=sys.stderr)
    sys.exit(1)
print(f'all {len(concepts)} concepts are covered by {len(rules)} rules')
