"""What akhbar does to a Pagefind bundle after the CLI wrote it; everything here knows Pagefind's files.

All of it depends on the file layout of the pinned Pagefind version (PAGEFIND_VERSION) and
fails loudly, with SearchError, when that layout is not what it expects:

* reproducible(): Pagefind writes its filter chunks from hash maps, so their order (and with it
  the file names and the metadata file naming them) changes from run to run (Pagefind issue
  #638). The chunks are rewritten with their values sorted, so a build is byte-identical.
* without_text(): a fragment's `content` is the text Pagefind indexed, which for akhbar is the
  normalised keys of akhbar.search.index_source; search.js shows the original words kept in the
  fragment's metadata and never reads `content`, so it is emptied (half of every fragment).
* file_twins() and classic_loader(): the `.js` twins and the rewritten loader that let a page
  opened from disk (file://) search, where browsers block import(), fetch() and workers.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import re
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .output import OutputError

PAGEFIND_VERSION = "1.5.2"
FILE_LOADER = "pagefind-file.js"
SIGNATURE = b"pagefind_dcd"
DATA_SUFFIXES = (".pf_meta", ".pf_index", ".pf_filter", ".pf_fragment", ".pagefind")


class SearchError(OutputError):
    """The search index could not be built; the message is for the editor."""


def layout_error(what: str) -> SearchError:
    return SearchError(f"{what}: this is not the file layout of Pagefind {PAGEFIND_VERSION}; "
                       f"install pagefind[bin]=={PAGEFIND_VERSION} or update akhbar/pagefind_bundle.py")


# ---------------------------------------------------------------- a little CBOR (Pagefind's encoding)


@dataclass
class CborMap:
    items: list[tuple[Any, Any]]


def _head(major: int, value: int) -> bytes:
    if value < 24:
        return bytes([major << 5 | value])
    for info, fmt in ((24, ">B"), (25, ">H"), (26, ">I"), (27, ">Q")):
        if value < 1 << (8 * struct.calcsize(fmt)):
            return bytes([major << 5 | info]) + struct.pack(fmt, value)
    raise ValueError(value)


def cbor_encode(value: Any) -> bytes:
    """Encode the subset of CBOR Pagefind writes, in its shortest form."""
    if value is False or value is True or value is None:
        return bytes([0xF4 if value is False else 0xF5 if value is True else 0xF6])
    if isinstance(value, int):
        return _head(0, value) if value >= 0 else _head(1, -1 - value)
    if isinstance(value, bytes):
        return _head(2, len(value)) + value
    if isinstance(value, str):
        data = value.encode("utf-8")
        return _head(3, len(data)) + data
    if isinstance(value, list):
        return _head(4, len(value)) + b"".join(map(cbor_encode, value))
    if isinstance(value, CborMap):
        return _head(5, len(value.items)) + b"".join(cbor_encode(k) + cbor_encode(v) for k, v in value.items)
    raise TypeError(type(value))


def cbor_decode(data: bytes, at: int = 0) -> tuple[Any, int]:
    """Decode one CBOR item (definite lengths only); return it and the offset after it."""
    major, info = data[at] >> 5, data[at] & 31
    at += 1
    if major == 7 and info in (20, 21, 22):
        return {20: False, 21: True, 22: None}[info], at
    if info < 24:
        size = info
    elif info <= 27:
        width = 1 << (info - 24)
        size = int.from_bytes(data[at:at + width], "big")
        at += width
    else:
        raise ValueError(f"unsupported CBOR item at {at - 1}")
    if major in (0, 1):
        return (size if major == 0 else -1 - size), at
    if major in (2, 3):
        chunk = data[at:at + size]
        return (bytes(chunk) if major == 2 else chunk.decode("utf-8")), at + size
    items = []
    for _ in range(size if major == 4 else 2 * size):
        item, at = cbor_decode(data, at)
        items.append(item)
    if major == 4:
        return items, at
    if major == 5:
        return CborMap(list(zip(items[::2], items[1::2], strict=True))), at
    raise ValueError(f"unsupported CBOR major type {major}")


def read_data(path: Path) -> Any:
    """A Pagefind data file (gzip, signature, CBOR) as Python values."""
    raw = gzip.decompress(path.read_bytes())
    if not raw.startswith(SIGNATURE):
        raise layout_error(path.name)
    value, end = cbor_decode(raw, len(SIGNATURE))
    if end != len(raw) or SIGNATURE + cbor_encode(value) != raw:
        raise layout_error(path.name)
    return value


def data_bytes(value: Any) -> bytes:
    return gzip.compress(SIGNATURE + cbor_encode(value), compresslevel=9, mtime=0)


# ---------------------------------------------------------------- reproducible bundles


def _name(prefix: str, data: bytes, digits: int) -> str:
    return f"{prefix}_{hashlib.sha256(data).hexdigest()[:digits]}"


def reproducible(bundle: Path) -> None:
    """Rewrite the filter chunks with sorted values, and the files naming them, in place."""
    entry_path = bundle / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    for language, info in entry["languages"].items():
        meta_path = bundle / f"pagefind.{info['hash']}.pf_meta"
        meta = read_data(meta_path)
        if not (isinstance(meta, list) and len(meta) > 3 and isinstance(meta[3], list)):
            raise layout_error(meta_path.name)
        chunks = []
        for name, chunk in sorted(meta[3]):
            chunks.append([name, _sorted_filter(bundle / "filter" / f"{chunk}.pf_filter", language)])
        meta[3] = chunks
        data = data_bytes(meta)
        meta_path.unlink()
        info["hash"] = _name(language, data, 11)
        (bundle / f"pagefind.{info['hash']}.pf_meta").write_bytes(data)
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def without_text(bundle: Path) -> None:
    """Empty the `content` of every fragment in place (the file keeps its name: the index's page id).

    Pagefind's JS builds its own excerpt from `content` (an empty one gives an empty excerpt, no
    error); akhbar's results take their excerpt from the `text` metadata and the word locations,
    which come from the index, so ranking, excerpts and everything a result shows are unchanged.
    """
    for path in sorted((bundle / "fragment").glob("*.pf_fragment")):
        raw = gzip.decompress(path.read_bytes())
        if not raw.startswith(SIGNATURE):
            raise layout_error(path.name)
        fragment = json.loads(raw[len(SIGNATURE):])
        if not (isinstance(fragment, dict) and isinstance(fragment.get("content"), str) and "meta" in fragment):
            raise layout_error(path.name)
        fragment["content"] = ""
        text = json.dumps(fragment, ensure_ascii=False, separators=(",", ":"))
        path.write_bytes(gzip.compress(SIGNATURE + text.encode("utf-8"), compresslevel=FRAGMENT_LEVEL, mtime=0))


def _sorted_filter(path: Path, language: str) -> str:
    """Sort one filter chunk's values; return the chunk's new name."""
    chunk = read_data(path)
    if not (isinstance(chunk, list) and len(chunk) == 2 and isinstance(chunk[1], list)):
        raise layout_error(path.name)
    chunk[1].sort(key=lambda value: value[0])
    data = data_bytes(chunk)
    path.unlink()
    name = _name(language, data, 7)
    (path.parent / f"{name}.pf_filter").write_bytes(data)
    return name


# ---------------------------------------------------------------- file:// support


def file_twins(rel: str, data: bytes) -> Iterator[tuple[str, str]]:
    """The classic scripts that stand in for one bundle file when the site is opened from disk.

    Fragments are not twinned one by one: see pack_of().
    """
    if rel == "pagefind.js":
        yield FILE_LOADER, classic_loader(data.decode("utf-8"))
    elif pack_of(rel) is None and (rel == "pagefind-entry.json" or rel.endswith(DATA_SUFFIXES)):
        yield rel + ".js", f'__akhbarPagefindData("{base64.b64encode(data).decode("ascii")}");\n'


# gzip level of rewritten fragments and of fragment packs. On sample-2k, level 9 took 4.4 s of CPU
# (on the index's critical path) for 0.3% smaller fragments and 3% smaller packs than level 6's 2.0 s.
FRAGMENT_LEVEL = 6
PACK_DIGITS = 2  # fragments per pack script: those whose hash starts with the same two characters


def pack_of(rel: str) -> str | None:
    """The script that carries fragment `rel` to pages opened from disk, shared with its neighbours.

    A bundle has one fragment per page, so one twin per fragment would double the site's file
    count (and a new file costs more to write than its bytes). Fragments whose hash starts with
    the same two characters share one `fragment/pack-<xx>.js` instead: at most 256 scripts, of
    about 40 fragments each for the largest bundle. search.js derives the same name.
    """
    folder, _, name = rel.rpartition("/")
    if folder != "fragment" or not name.endswith(".pf_fragment"):
        return None
    code = name[:-len(".pf_fragment")].rpartition("_")[2]
    return f"fragment/pack-{code[:PACK_DIGITS]}.js"


def pack_script(files: list[tuple[str, bytes]]) -> str:
    """One fragment pack for __akhbarPagefindPack: the fragments' data (each gunzipped, so still
    starting with Pagefind's signature, which Pagefind reads as already decompressed) one after
    another, gzipped together and in base64, then each file's name (relative to the pack) and length.

    Compressed together, the fragments share one dictionary: the pack is about 40% smaller than
    each fragment's own gzip in base64. search.js gunzips it with the browser's DecompressionStream.
    """
    raws = [(name.rpartition("/")[2], gzip.decompress(data)) for name, data in sorted(files)]
    packed = base64.b64encode(gzip.compress(b"".join(raw for _, raw in raws), compresslevel=FRAGMENT_LEVEL, mtime=0))
    index = json.dumps([[name, len(raw)] for name, raw in raws], separators=(",", ":"))
    return f'__akhbarPagefindPack("{packed.decode("ascii")}",\n{index});\n'


_EXPORT = re.compile(r"export\s*\{([\w\s,$]*)\};?\s*$")


def classic_loader(module: str) -> str:
    """Rewrite Pagefind's ES module as a classic script for file:// pages.

    The module's own code runs unchanged inside a function where `fetch` reads the bundle's
    `.js` twins (search.js provides it), `Worker` is absent (so Pagefind searches on the main
    thread) and `import.meta.url` is undefined (search.js always passes basePath). The API
    lands on `window.akhbarPagefind`.
    """
    export = _EXPORT.search(module)
    if export is None or "import.meta.url" not in module or re.search(r"^\s*import[\s{*]", module, re.M):
        raise layout_error("pagefind.js")
    names = [name.strip() for name in export.group(1).split(",") if name.strip()]
    body = module[:export.start()].replace("import.meta.url", "__akhbarImportMetaUrl")
    return (f"/* Pagefind {PAGEFIND_VERSION} (MIT licence), rewritten by akhbar as a classic script "
            "for pages opened from disk. */\n(function () {\n\"use strict\";\n"
            "const fetch = window.__akhbarFileFetch;\nconst Worker = undefined;\n"
            "const __akhbarImportMetaUrl = undefined;\n"
            f"{body}\nwindow.akhbarPagefind = {{ {', '.join(names)} }};\n}})();\n")
