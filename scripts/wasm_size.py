#!/usr/bin/env python3
"""What a wasm file holds, by section and by Rust module, raw and gzipped.

    scripts/wasm_size.py target/wasm32-unknown-unknown/release/optiviz.wasm [--depth 3] [--top 25]

Give it the wasm as rustc leaves it (before wasm-bindgen, which drops the function names):
each function's code is attributed to the module path of its name (`optiviz::core::explain`,
`core::slice::sort`, `serde_json::de` ...; an impl's to its type's path), `--depth` parts deep.
"gz" is zlib level 9 of that group's code bytes alone, a guide to its share of the gzipped
wasm (the groups' sum is a little above the whole's, which compresses across groups).
No dependencies beyond Python 3; twiggy (`cargo install twiggy`) gives the same raw sizes.
"""

import argparse
import collections
import re
import sys
import zlib

SECTIONS = {0: "custom", 1: "type", 2: "import", 3: "function", 4: "table", 5: "memory",
            6: "global", 7: "export", 8: "start", 9: "element", 10: "code", 11: "data", 12: "datacount"}


def leb(b, i):
    """An unsigned LEB128 at `i`: the value and the index after it."""
    r = s = 0
    while True:
        x = b[i]
        i += 1
        r |= (x & 0x7F) << s
        s += 7
        if x < 0x80:
            return r, i


def read(data):
    """Sections as (name, bytes), the imported functions' count, code bodies, function names."""
    if data[:4] != b"\0asm":
        sys.exit("wasm_size: not a wasm file (no \\0asm header)")
    i, sections, imports, bodies, names = 8, [], 0, [], {}
    while i < len(data):
        sid = data[i]
        size, i = leb(data, i + 1)
        end = i + size
        name = SECTIONS.get(sid, str(sid))
        if sid == 0:
            n, j = leb(data, i)
            custom = data[j:j + n].decode("utf-8", "replace")
            name = f"custom {custom}"
            j += n
            if custom == "name":
                while j < end:
                    sub = data[j]
                    ss, j = leb(data, j + 1)
                    subend = j + ss
                    if sub == 1:
                        count, j = leb(data, j)
                        for _ in range(count):
                            idx, j = leb(data, j)
                            n, j = leb(data, j)
                            names[idx] = data[j:j + n].decode("utf-8", "replace")
                            j += n
                    j = subend
        elif sid == 2:
            count, j = leb(data, i)
            for _ in range(count):
                for _ in range(2):
                    n, j = leb(data, j)
                    j += n
                kind = data[j]
                j += 1
                if kind == 0:
                    _, j = leb(data, j)
                    imports += 1
                elif kind in (1, 2):
                    j += 1 if kind == 1 else 0
                    flags, j = leb(data, j)
                    _, j = leb(data, j)
                    if flags & 1:
                        _, j = leb(data, j)
                elif kind == 3:
                    j += 2
                else:
                    _, j = leb(data, j)
        elif sid == 10:
            count, j = leb(data, i)
            for _ in range(count):
                n, k = leb(data, j)
                bodies.append(data[k:k + n])
                j = k + n
        sections.append((name, data[i:end]))
        i = end
    return sections, imports, bodies, names


ESCAPES = {"$LT$": "<", "$GT$": ">", "$u20$": " ", "$u7b$": "{", "$u7d$": "}", "$C$": ",", "$RF$": "&",
           "$BP$": "*", "$u27$": "'", "$u5b$": "[", "$u5d$": "]", "$u3b$": ";", "..": "::"}


def unescape(part):
    """A legacy-mangled path part as Rust writes it."""
    for k, v in ESCAPES.items():
        part = part.replace(k, v)
    return part[1:] if part.startswith(("_<", "_{")) else part


def parts_of(name):
    """The path parts of a legacy-mangled (`_ZN…E`) Rust symbol, unescaped, without its hash."""
    rest, parts = name[3:], []
    while rest and rest[0].isdigit():
        m = re.match(r"\d+", rest)
        n = int(m.group())
        rest = rest[m.end():]
        parts.append(unescape(rest[:n]))
        rest = rest[n:]
    if parts and re.fullmatch(r"h[0-9a-f]{16}", parts[-1]):
        parts.pop()
    return parts


def pretty(name):
    """A symbol as a Rust path where it is legacy-mangled, else as it is."""
    return "::".join(parts_of(name)) if name.startswith("_ZN") else name


def module_of(name, depth):
    """The module path of a (legacy-mangled) Rust symbol, `depth` parts deep."""
    if name.startswith("_ZN"):
        parts = parts_of(name)
        first = parts[0]
        if first.startswith("<"):
            return "::".join(first.lstrip("<").split(" as ")[0].split("::")[:depth])
        return "::".join(parts[:depth])
    if name.startswith("_R"):
        # v0 mangling: the crate root `Cs<hash>_<len><name>`, then the nested names' `<len><name>`.
        m = re.search(r"Cs[0-9A-Za-z]*_", name)
        parts, rest = [], name[m.end():] if m else ""
        while rest[:1].isdigit() and len(parts) < depth:
            n = re.match(r"\d+", rest)
            k = int(n.group())
            parts.append(rest[n.end():n.end() + k])
            rest = rest[n.end() + k:]
        return "::".join(parts) if parts else "(v0 symbol)"
    return "(exports and glue)"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("wasm")
    parser.add_argument("--depth", type=int, default=3, help="module path parts, 1 to 6 (default 3)")
    parser.add_argument("--top", type=int, default=25, help="rows of each table, 1 to 500 (default 25)")
    args = parser.parse_args()
    if not 1 <= args.depth <= 6:
        parser.error(f"--depth {args.depth}: allowed values are 1 to 6")
    if not 1 <= args.top <= 500:
        parser.error(f"--top {args.top}: allowed values are 1 to 500")
    try:
        data = open(args.wasm, "rb").read()
    except OSError as e:
        sys.exit(f"wasm_size: cannot read {args.wasm}: {e.strerror}")
    sections, imports, bodies, names = read(data)
    gz = lambda b: len(zlib.compress(b, 9))
    print(f"{args.wasm}: {len(data)} bytes, {gz(data)} gzipped; {len(bodies)} functions,"
          f" {'with' if names else 'without'} names")
    print("\n| section | bytes | gz |\n|---|---|---|")
    for name, body in sorted(sections, key=lambda s: -len(s[1])):
        print(f"| {name} | {len(body)} | {gz(body)} |")
    print("\n| function | bytes |\n|---|---|")
    funcs = sorted(((len(b), names.get(imports + k, f"function[{imports + k}]")) for k, b in enumerate(bodies)),
                   reverse=True)
    for size, name in funcs[:args.top]:
        print(f"| `{pretty(name)[:140]}` | {size} |")
    groups = collections.defaultdict(list)
    for k, body in enumerate(bodies):
        name = names.get(imports + k, "")
        if name.startswith("__wbindgen_describe"):
            continue  # wasm-bindgen's build-time descriptors, removed by wasm-bindgen
        groups[module_of(name, args.depth)].append(body)
    rows = sorted(((gz(b"".join(v)), sum(map(len, v)), len(v), k) for k, v in groups.items()), reverse=True)
    print(f"\n| module (depth {args.depth}) | functions | bytes | gz |\n|---|---|---|---|")
    for g, raw, n, key in rows[:args.top]:
        print(f"| {key} | {n} | {raw} | {g} |")


if __name__ == "__main__":
    main()
