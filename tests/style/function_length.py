#!/usr/bin/env python3
"""No function in src/ or include/ is longer than 100 lines (issue 16).

.clang-format puts a function's opening brace on a line of its own (BraceWrapping AfterFunction),
so a body is a line holding only "{" after a line that ends a signature, up to the "}" at the same
indentation. Lambdas and control blocks keep their brace on the line that opens them and are
counted inside their function. Usage: function_length.py ROOT [MAX_LINES]
"""
import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1])
limit = int(sys.argv[2]) if len(sys.argv) > 2 else 100
signature_end = re.compile(r"\)( const)?( noexcept)?( override)?( -> .*)?$")
too_long = []
count = 0
for path in sorted([*root.glob("src/**/*.cpp"), *root.glob("src/**/*.hpp"), *root.glob("include/**/*.hpp")]):
    lines = path.read_text(encoding="utf-8").split("\n")
    for i, line in enumerate(lines):
        opening = re.fullmatch(r"( *)\{", line)
        if not opening or i == 0 or not signature_end.search(lines[i - 1]):
            continue
        indent = opening.group(1)
        for j in range(i + 1, len(lines)):
            if lines[j].startswith(indent + "}"):
                count += 1
                length = j - i + 2  # the signature line, the braces and the body
                if length > limit:
                    too_long.append(f"{path.relative_to(root)}:{i}: {lines[i - 1].strip()[:70]} ({length} lines)")
                break
if count < 500:
    sys.exit(f"function_length.py: found only {count} functions under {root}; the scan no longer matches the code's layout")
for item in too_long:
    print(item)
print(f"{count} functions, {len(too_long)} longer than {limit} lines")
sys.exit(1 if too_long else 0)
