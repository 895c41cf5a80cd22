"""Benchmark the JavaScript reader on a synthetic ~1.5 MB obfuscated bundle.

Usage: ``.venv/bin/python scripts/bench_js.py [--size-mb 1.5] [--repeat 3]``

The bundle is generated here (nothing is downloaded): minified-looking filler code, a
lazy-import table for device menus and i18n packs, a Vite dependency-name array, a
hex-keyed units table, a language config and a builder-call table of PARAM_/STATUS_
entries, in the obfuscated spellings of PROTOCOL.md §4.9. It prints the time to parse and
to run the queries the asset catalogue needs.
"""

from __future__ import annotations

import argparse
from pathlib import Path
import random
import sys
import time

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from custom_components.bragerone.api.assets import (
    ObjectLiteral,
    parse,
    transform_from_value,
)

_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"


def _hash(rng: random.Random) -> str:
    """Return a Vite-like 8-character hash (may contain ``-`` and ``_``)."""
    return "".join(rng.choice(_ALPHABET) for _ in range(8))


def _ident(rng: random.Random) -> str:
    """Return an obfuscated identifier like ``_0x3e8c51``."""
    return f"_0x{rng.randrange(0x100000, 0xFFFFFF):x}"


def _filler(rng: random.Random, index: int) -> str:
    """Return one minified-looking top-level statement."""
    a, b, c = _ident(rng), _ident(rng), _ident(rng)
    n = rng.randrange(1, 0xFFFF)
    return (
        f"function {a}{index}({b},{c}){{const {a}=[0x{n:x},'str\\x20{index}',{b}];"
        f"if({b}==={c})return {a}['map']({b}=>{b}+0x1);for(let i=0;i<{c};i++){{{b}+=i}}"
        f"return{{'k{index}':{b},v:{c}??void 0x0,w:!0,x:![],y:`t${{{b}}}`}}}}"
        f"const {c}{index}={{name:'n{index}',list:[0x{n:x},0o17,0b101,1_000,.5],"
        f"nested:{{a:{{b:{{c:'deep'}}}}}},fn:{b}=>{b}*0x2}};"
    )


def build_bundle(size: int, seed: int = 1) -> str:
    """Return a synthetic index bundle of about ``size`` bytes."""
    rng = random.Random(seed)  # noqa: S311  (reproducible filler, not security)
    parts: list[str] = []
    deps = [f'"assets/chunk{i}-{_hash(rng)}.js"' for i in range(600)]
    parts.append(
        f"const __vite__mapDeps=(i,m=__vite__mapDeps,d=(m.f||(m.f=[{','.join(deps)}])))=>i.map(i=>d[i]);"
    )
    menus = [
        f'"../config/router/deviceMenu/{n}/module.menu.ts":()=>d(()=>import("./module.menu-{_hash(rng)}.js"),__vite__mapDeps([0,1]))'
        for n in range(0, 400, 3)
    ]
    parts.append(f"const _0xmenus={{{','.join(menus)}}};")
    langs = [
        f'"../../resources/languages/{lang}/{ns}.json":()=>d(()=>import("./{ns}-{_hash(rng)}.js"),[]).then(e=>e.default)'
        for lang in ("pl", "en", "de", "cs", "ru", "uk")
        for ns in (
            "app",
            "parameters",
            "units",
            "routes",
            "menu",
            "module",
            "diodeState",
            "MAINMENU_MENU_TERMOSTATU",
        )
    ]
    parts.append(f"const _0xlangs={{{','.join(langs)}}};")
    units = [
        f"0x{code:x}:{{'text':'units.{code}','value':_0x1=>Number(_0x1*0.1)['toFixed'](0x1),'options':{{0x0:'units.{code}.0',0x1:'units.{code}.1'}}}}"
        for code in range(200)
    ]
    parts.append(f"const _0xunits={{{','.join(units)}}};")
    parts.append(
        "const _0xlang={'translations':[{'id':'PL','flag':'pl','variants':{'153':{'1201':'PL_5_RTP_TIS'}}},"
        "{'id':'EN','flag':'en'}],'defaultTranslation':'pl'};"
    )
    parts.append(
        "const _0xb=({id:_0xa,number:_0xn,name:_0xm=void 0x0,icon:_0xi=_0xI['INFO'],...r}={})=>({id:_0xa,icon:_0xi,"
        "name:_0xm??'parameters.PARAM_P11_'+_0xn,value:[{group:'P11',number:_0xn,use:'v'}],"
        "status:{[_0x4d['INVISIBLE']]:[{group:'P11',number:_0xn,use:'s',bit:0x7}]},...r});"
    )
    entries = [
        f"PARAM_P11_{n}:_0xb({{id:0x{20240408105000 + n:x},number:0x{n:x}}})"
        for n in range(300)
    ]
    parts.append(f"const _0xparams={{{','.join(entries)}}};")
    body = "".join(parts)
    index = 0
    filler: list[str] = []
    total = len(body)
    while total < size:
        statement = _filler(rng, index)
        filler.append(statement)
        total += len(statement)
        index += 1
    half = len(filler) // 2
    return "".join(filler[:half]) + body + "".join(filler[half:])


def _looks_like_units(obj: ObjectLiteral) -> bool:
    """Return True for an object whose keys are all numeric unit codes."""
    keys = obj.keys()
    return len(keys) > 10 and all(k.isdigit() for k in keys)


def main() -> None:
    """Generate the bundle, parse and query it, and print timings."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size-mb", type=float, default=1.5)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    source = build_bundle(int(args.size_mb * 1024 * 1024)).encode()
    print(f"bundle: {len(source) / 1024 / 1024:.2f} MB")
    for attempt in range(1, args.repeat + 1):
        t0 = time.perf_counter()
        program = parse(source)
        t1 = time.perf_counter()
        files = program.js_file_names()
        t2 = time.perf_counter()
        table = program.import_table()
        t3 = time.perf_counter()
        pairs = program.upper_snake_pairs()
        params = {p.key: p.value for p in pairs if p.key.startswith("PARAM_")}
        t4 = time.perf_counter()
        units = program.largest_object(_looks_like_units, top_level=True)
        unit_49 = units.get("49") if units is not None else None
        transform = (
            transform_from_value(unit_49.get("value"))
            if isinstance(unit_49, dict)
            else None
        )
        language = program.largest_object(with_key="translations")
        t5 = time.perf_counter()
        print(
            f"run {attempt}: parse {1000 * (t1 - t0):.0f} ms, strings/files {1000 * (t2 - t1):.0f} ms "
            f"({len(files)}), import table {1000 * (t3 - t2):.0f} ms ({len(table)}), "
            f"UPPER_SNAKE pairs {1000 * (t4 - t3):.0f} ms ({len(pairs)} pairs, {len(params)} evaluated), "
            f"units+language {1000 * (t5 - t4):.0f} ms "
            f"(transform {transform.describe() if transform else None}, language {language is not None}); "
            f"total {1000 * (t5 - t0):.0f} ms"
        )


if __name__ == "__main__":
    main()
