"""Read and check `site.yaml` into a frozen settings object."""

from __future__ import annotations

import difflib
import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

from .i18n import N_, _
from .problems import Problems, read_hint, reason
from .yamltext import Entry, load_mapping

CONFIG_NAME = "site.yaml"
_LANG_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
_LOCALE = re.compile(r"^[a-z]{2,3}(_[A-Z]{2})?$")


@dataclass(frozen=True)
class Shard:
    """One of the sites an archive too large for one site is split into, by date (site.yaml shards:)."""

    name: str
    base_url: str
    until: date | None = None  # the last date it holds (inclusive); None: the newest shard, undated too


@dataclass(frozen=True)
class Settings:
    """Every site.yaml key, with its default. Documented key by key in the README."""

    title: str
    base_url: str
    description: str = ""
    language: str = "ar"
    locale: str = "ar"
    digits: str = "latin"
    permalink: str = "articles/{slug}/"
    index_links: bool = True
    home_size: int = 20
    page_size: int = 30
    publisher: str = ""
    copyright: str = ""
    feed_size: int = 50
    cname: str = ""
    search: bool = True
    search_synonyms: tuple[tuple[str, ...], ...] = ()  # site.yaml search: {synonyms: [[spelling, …], …]}
    day_pages_from: int = 60
    hijri: bool = True
    cards: bool = True
    minify: bool = False
    labels: Mapping[str, Mapping[str, str]] = field(default_factory=lambda: MappingProxyType({}))
    shards: tuple[Shard, ...] = ()  # oldest first; empty: the archive is one site
    shard: str = ""  # the shard being built (its base_url is base_url); "" for an archive of one site

    def label(self, kind: str, value: str) -> str:
        """The display name chosen in `labels` for a raw section, source, place or tag."""
        return self.labels.get(kind, {}).get(value, value)

    @property
    def direction(self) -> str:
        from .arabic import language_direction

        return language_direction(self.language)


_TEXT_KEYS = ("title", "description", "publisher", "copyright", "cname")
_INT_KEYS = {"home_size": (1, 1000), "page_size": (1, 1000), "feed_size": (1, 1000),
             "day_pages_from": (1, 100_000)}
_BOOL_KEYS = ("index_links", "hijri", "cards", "minify")
_LABEL_KINDS = ("section", "source", "place", "tags")
_PERMALINK_FIELDS = ("{slug}", "{year}", "{month}", "{day}", "{section}")
KNOWN_KEYS = tuple(f.name for f in fields(Settings) if f.name not in ("search_synonyms", "shard"))
_SEARCH_KEYS = ("synonyms",)


def load_settings(site_dir: Path, problems: Problems, base_url: str | None = None) -> Settings | None:
    """Read `site.yaml` from `site_dir`; report every problem; None when it cannot be used."""
    path = site_dir / CONFIG_NAME
    try:
        data = path.read_bytes()
    except (FileNotFoundError, IsADirectoryError):
        problems.error(CONFIG_NAME, 0, _("site.yaml is missing"),
                       _("create it with at least 'title:' and 'base_url:'"))
        return None
    except OSError as exc:
        problems.error(CONFIG_NAME, 0, _("site.yaml could not be read: {reason}").format(reason=reason(exc)),
                       read_hint(exc))
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        problems.error(CONFIG_NAME, 1, _("site.yaml is not UTF-8 text"), _("save it as UTF-8"))
        return None
    entries = load_mapping(text, CONFIG_NAME, 1, problems, "site.yaml")
    if entries is None:
        return None
    before = len(problems.errors)
    values = _check(entries, problems)
    if base_url is not None:
        values["base_url"] = _check_base_url(Entry(base_url, 0), problems, "--base-url")
    for key in ("title", "base_url"):
        if not values.get(key) and key not in entries and not (key == "base_url" and base_url):
            problems.error(CONFIG_NAME, 1, _("'{key}' is required").format(key=key),
                           _("for example base_url: https://user.github.io/archive/") if key == "base_url"
                           else _("for example title: أرشيف الأخبار"))
    if len(problems.errors) > before:
        return None
    _check_domain(values, entries, problems)
    if values.get("shards") and base_url is None and values["base_url"] != values["shards"][-1].base_url:
        problems.error(CONFIG_NAME, entries["base_url"].line if "base_url" in entries else 1,
                       _("base_url is {base}, but the last shard's is {last}; the newest shard holds the home page, "
                         "so they must be the same").format(base=values["base_url"],
                                                             last=values["shards"][-1].base_url),
                       _("set base_url: {last}").format(last=values["shards"][-1].base_url))
        return None
    values.setdefault("publisher", values["title"])
    if not values["publisher"]:
        values["publisher"] = values["title"]
    return Settings(**values)


def _check(entries: dict[str, Entry], problems: Problems) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key, entry in entries.items():
        if key not in KNOWN_KEYS:
            close = difflib.get_close_matches(key, KNOWN_KEYS, n=1)
            problems.error(CONFIG_NAME, entry.line, _("unknown key '{key}'").format(key=key),
                           _("did you mean '{close}'?").format(close=close[0]) if close
                           else _("known keys: {names}").format(names=", ".join(KNOWN_KEYS)))
        elif key == "base_url":
            values[key] = _check_base_url(entry, problems, "base_url")
        elif key == "cname":
            values[key] = _check_cname(entry, problems)
        elif key in _TEXT_KEYS:
            values[key] = _text(key, entry, problems)
        elif key in _INT_KEYS:
            values[key] = _integer(key, entry, problems)
        elif key == "search":
            values["search"], values["search_synonyms"] = _check_search(entry, problems)
        elif key == "shards":
            values[key] = _check_shards(entry, problems)
        elif key in _BOOL_KEYS:
            if not isinstance(entry.value, bool):
                problems.error(CONFIG_NAME, entry.line, _("'{key}' must be true or false").format(key=key))
            values[key] = bool(entry.value)
        else:
            values[key] = _special(key, entry, problems)
    return values


def _text(key: str, entry: Entry, problems: Problems) -> str:
    if entry.value is None:
        return ""
    if not isinstance(entry.value, (str, int, float)) or isinstance(entry.value, bool):
        problems.error(CONFIG_NAME, entry.line, _("'{key}' must be text").format(key=key))
        return ""
    return str(entry.value).strip()


def _integer(key: str, entry: Entry, problems: Problems) -> int:
    low, high = _INT_KEYS[key]
    value = entry.value
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        problems.error(CONFIG_NAME, entry.line,
                       _("'{key}' must be a whole number from {low} to {high}").format(key=key, low=low, high=high))
        return low
    return value


_HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_URL_PATH = re.compile(r"^[^\s\"'<>\\`{}|^\x00-\x1f\x7f]*$")


def host_name(text: str) -> str | None:
    """`text` as an ASCII host name (a Unicode domain in its xn-- form), or None when it is not one:
    letters, digits and '-' in dot-separated labels, nothing else (no '*', quotes, port or path)."""
    try:
        ascii_name = text.lower() if text.isascii() else text.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return None
    labels = ascii_name.split(".")
    if len(ascii_name) > 253 or not all(_HOST_LABEL.match(label) for label in labels):
        return None
    return ascii_name


def _unicode_host(name: str, host: str) -> str:
    """The complaint about a Unicode domain that is otherwise fine: give its xn-- form."""
    return _("{name} must give a Unicode domain in its xn-- form, here {host}").format(name=name, host=host_name(host))


def _host_of_url(netloc: str) -> bool:
    """A URL's host and port: a host name or IP address, then an optional port; no user name."""
    host, _, port = netloc.rpartition(":") if not netloc.endswith("]") else (netloc, "", "")
    if not host or (port and not (port.isdigit() and int(port) <= 65535)):
        host, port = netloc, ""
    if host.startswith("[") and host.endswith("]"):
        try:
            return ipaddress.IPv6Address(host[1:-1]) is not None
        except ValueError:
            return False
    return host_name(host) is not None


def _check_base_url(entry: Entry, problems: Problems, name: str) -> str:
    value = entry.value
    where = "command line" if name == "--base-url" else CONFIG_NAME
    hint = _("for example https://user.github.io/archive/")
    if not isinstance(value, str) or not re.match(r"^https?://[^\s/?#]+(/[^\s?#]*)?$", value):
        problems.error(where, entry.line, _("{name} must be an absolute web address").format(name=name), hint)
        return "https://example.invalid/"
    netloc, path = urlsplit(value).netloc, urlsplit(value).path
    why = ""
    if "@" in netloc:
        why = _("{name} must not hold a user name or password (the part before '@')").format(name=name)
    elif not _host_of_url(netloc):
        why = _("{name} must name its host with letters, digits, '-' and '.' only, not '{host}' (no '*', quotes "
                "or other signs: it is written into every page's Content-Security-Policy)").format(name=name,
                                                                                                     host=netloc)
    elif not _URL_PATH.match(path):
        why = _("{name}'s path must not hold spaces, quotes, '<', '>' or backslashes").format(name=name)
    elif not netloc.isascii():
        why = _unicode_host(name, netloc)
    if why:
        problems.error(where, entry.line, why, hint)
        return "https://example.invalid/"
    return value if value.endswith("/") else value + "/"


def _check_search(entry: Entry, problems: Problems) -> tuple[bool, tuple[tuple[str, ...], ...]]:
    """search: true, false, or {synonyms: [[spelling, spelling, …], …]} (search on, with synonyms)."""
    value = entry.value
    if isinstance(value, bool):
        return value, ()
    if not isinstance(value, dict):
        problems.error(CONFIG_NAME, entry.line, _("'search' must be true, false or a mapping with 'synonyms'"),
                       _("for example search: {synonyms: [[بلاد الشام, سوريا]]}"))
        return True, ()
    for key in value:
        if key not in _SEARCH_KEYS:
            problems.error(CONFIG_NAME, entry.line, _("search has an unknown key '{key}'").format(key=key),
                           _("known keys: synonyms"))
    groups = value.get("synonyms") or []
    if not isinstance(groups, list):
        problems.error(CONFIG_NAME, entry.line, _("search.synonyms must be a list of lists of spellings"),
                       _("for example synonyms: [[بلاد الشام, سوريا], [واتساب, واتس آب]]"))
        return True, ()
    out = []
    for number, group in enumerate(groups, 1):
        spellings = [str(s).strip() for s in group] if isinstance(group, list) else []
        if len(spellings) < 2 or not all(_has_letters(s) for s in spellings):
            problems.error(CONFIG_NAME, entry.line,
                           _("search.synonyms entry {number} must list two or more spellings, each with "
                             "letters").format(number=number),
                           _("for example [بلاد الشام, سوريا]"))
            continue
        out.append(tuple(spellings))
    return True, tuple(out)


def _has_letters(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def _check_domain(values: dict[str, Any], entries: dict[str, Entry], problems: Problems) -> None:
    """With a custom domain (cname), GitHub Pages serves the site at its root: base_url should say so."""
    cname, base = values.get("cname"), values.get("base_url", "")
    if cname and urlsplit(base).hostname != cname.lower():
        problems.warning(CONFIG_NAME, entries["cname"].line,
                         _("cname is {cname}, but base_url is {base}; with a custom domain GitHub Pages serves "
                           "the site from https://{cname}/").format(cname=cname, base=base),
                         _("set base_url: https://{cname}/ (or pass it with --base-url)").format(cname=cname))


_SHARD_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
_SHARD_KEYS = ("name", "base_url", "until")
SHARDS_EXAMPLE = N_("for example shards: [{name: early, base_url: 'https://org.github.io/archive-early/', "
                     "until: 2018-03-31}, {name: late, base_url: 'https://org.github.io/archive/'}]")


def _check_shards(entry: Entry, problems: Problems) -> tuple[Shard, ...]:
    """shards: a list, oldest first, of {name, base_url, until}; the last has no until (it takes the rest)."""
    value = entry.value
    if not isinstance(value, list) or not value:
        problems.error(CONFIG_NAME, entry.line, _("'shards' must be a list of {name, base_url, until}"),
                       _(SHARDS_EXAMPLE))
        return ()
    before = len(problems.errors)
    shards: list[Shard] = []
    names: dict[str, int] = {}
    urls: dict[str, int] = {}
    for index, item in enumerate(value):
        line = entry.item_line(index)
        number = _("shard {number}").format(number=index + 1)
        if not isinstance(item, dict):
            problems.error(CONFIG_NAME, line, _("{shard} must be a mapping {{name, base_url, until}}").format(
                shard=number), _(SHARDS_EXAMPLE))
            continue
        for key in item:
            if key not in _SHARD_KEYS:
                close = difflib.get_close_matches(str(key), _SHARD_KEYS, n=1)
                problems.error(CONFIG_NAME, line, _("{shard} has an unknown key '{key}'").format(shard=number, key=key),
                               _("did you mean '{close}'?").format(close=close[0]) if close
                               else _("known keys: name, base_url, until"))
        name = item.get("name")
        if not isinstance(name, str) or not _SHARD_NAME.match(name):
            problems.error(CONFIG_NAME, line, _("{shard}: name must be lower-case letters, digits, '-' or '_' (it "
                                                "names the shard on the command line and in the workflow)").format(
                               shard=number), _("for example name: early"))
            name = f"shard-{index + 1}"
        elif name in names:
            problems.error(CONFIG_NAME, line, _("two shards are named '{name}'").format(name=name),
                           _("the other is on line {line}").format(line=names[name]))
        names.setdefault(name, line)
        if "base_url" not in item:
            problems.error(CONFIG_NAME, line, _("{shard} ('{name}') needs a base_url").format(shard=number, name=name),
                           _("for example base_url: https://org.github.io/archive-early/"))
            url = "https://example.invalid/"
        else:
            url = _check_base_url(Entry(item["base_url"], line), problems,
                                  _("shard '{name}': base_url").format(name=name))
            if url in urls:
                problems.error(CONFIG_NAME, line, _("shard '{name}' has the same base_url as the shard on line "
                                                    "{line} ({url})").format(name=name, line=urls[url], url=url),
                               _("give each shard its own site"))
            urls.setdefault(url, line)
        until = item.get("until")
        if isinstance(until, str):
            try:
                until = date.fromisoformat(until.strip())
            except ValueError:
                pass
        last = index == len(value) - 1
        if last and until is not None:
            problems.error(CONFIG_NAME, line, _("the last shard ('{name}') must have no 'until': it holds every "
                                                "later article, and the undated ones").format(name=name),
                           _("remove its until:, or add a shard after it"))
            until = None
        elif not last and until is None:
            problems.error(CONFIG_NAME, line,
                           _("shard '{name}' needs 'until', the last date it holds").format(name=name),
                           _("for example until: 2018-03-31 (only the last shard has none)"))
        elif until is not None and (not isinstance(until, date) or hasattr(until, "hour")):
            problems.error(CONFIG_NAME, line, _("shard '{name}': until must be a date such as 2018-03-31, "
                                                "not {value}").format(name=name, value=repr(until)),
                           _("write it as YYYY-MM-DD"))
            until = None
        elif until is not None and shards and shards[-1].until is not None and until <= shards[-1].until:
            problems.error(CONFIG_NAME, line, _("shard '{name}': until ({until}) must be later than the shard "
                                                "before it ({before}): shards are listed oldest first").format(
                               name=name, until=until, before=shards[-1].until),
                           _("list the shards in date order"))
        shards.append(Shard(name, url, until))
    return tuple(shards) if len(problems.errors) == before else ()


def _check_cname(entry: Entry, problems: Problems) -> str:
    """cname: one host name, as GitHub Pages reads it from the CNAME file."""
    value = _text("cname", entry, problems)
    if value and host_name(value) is None:
        problems.error(CONFIG_NAME, entry.line,
                       _("cname must be one host name such as news.example.org, not '{value}'").format(value=value),
                       _("write the domain alone: no https://, path, port, spaces or '*'"))
        return ""
    if not value.isascii():
        problems.error(CONFIG_NAME, entry.line, _unicode_host("cname", value), _("GitHub Pages reads CNAME as ASCII"))
        return ""
    return value


def _special(key: str, entry: Entry, problems: Problems) -> Any:
    value = entry.value
    line = entry.line
    if key == "language":
        if not isinstance(value, str) or not _LANG_TAG.match(value):
            problems.error(CONFIG_NAME, line, _("language must be a language tag such as ar or en"))
            return "ar"
        return value
    if key == "locale":
        if not isinstance(value, str) or not _LOCALE.match(value):
            problems.error(CONFIG_NAME, line, _("locale must look like ar, ar_SY or ar_EG"))
            return "ar"
        if not _known_locale(value):
            close = difflib.get_close_matches(value, _locales(), n=3)
            problems.error(CONFIG_NAME, line, _("locale '{value}' is not a locale Babel knows").format(value=value),
                           _("did you mean {names}?").format(names=_(" or ").join(repr(c) for c in close)) if close
                           else _("choose one such as ar, ar_SY or ar_EG"))
            return "ar"
        return value
    if key == "digits":
        if value not in ("latin", "arabic"):
            problems.error(CONFIG_NAME, line, _("digits must be 'latin' (0123) or 'arabic' (٠١٢٣)"))
            return "latin"
        return value
    if key == "permalink":
        return _check_permalink(value, line, problems)
    if key == "labels":
        return _check_labels(value, line, problems)
    raise AssertionError(key)  # every known key is handled above


def _known_locale(name: str) -> bool:
    from babel import Locale, UnknownLocaleError

    try:
        Locale.parse(name)
    except (UnknownLocaleError, ValueError):
        return False
    return True


def _locales() -> list[str]:
    from babel.localedata import locale_identifiers

    return sorted(locale_identifiers())


def _check_permalink(value: Any, line: int, problems: Problems) -> str:
    default = Settings.permalink
    if not isinstance(value, str):
        problems.error(CONFIG_NAME, line, _("permalink must be text such as articles/{slug}/"))
        return default
    stripped = value.strip("/") + ("/" if value.endswith("/") else "")
    unknown = [f for f in re.findall(r"\{[^}]*\}", value) if f not in _PERMALINK_FIELDS]
    if unknown:
        problems.error(CONFIG_NAME, line, _("permalink has unknown field {unknown}").format(unknown=unknown[0]),
                       _("use {names}").format(names=", ".join(_PERMALINK_FIELDS)))
    elif not (stripped.endswith("{slug}/") or stripped.endswith("{slug}.html")):
        problems.error(CONFIG_NAME, line, _("permalink must end in {slug}/ or {slug}.html"),
                       _("so that every article's address ends in its slug"))
    elif ".." in value.split("/") or "\\" in value:
        problems.error(CONFIG_NAME, line, _("permalink must stay inside the site"))
    return stripped


def _check_labels(value: Any, line: int, problems: Problems) -> Mapping[str, Mapping[str, str]]:
    """labels: {section: {culture: ثقافة}, source: {...}} — display names for raw CMS values."""
    out: dict[str, Mapping[str, str]] = {}
    if not isinstance(value, dict):
        problems.error(CONFIG_NAME, line, _("labels must map section, source, place or tags to names"),
                       _("for example labels: {section: {culture: ثقافة}}"))
        return MappingProxyType(out)
    for kind, names in value.items():
        if kind not in _LABEL_KINDS:
            close = difflib.get_close_matches(str(kind), _LABEL_KINDS, n=1)
            problems.error(CONFIG_NAME, line, _("labels has an unknown kind '{kind}'").format(kind=kind),
                           _("did you mean '{close}'?").format(close=close[0]) if close
                           else _("use {names}").format(names=", ".join(_LABEL_KINDS)))
        elif not isinstance(names, dict) or not all(
                isinstance(k, str | int) and isinstance(v, str | int) for k, v in names.items()):
            problems.error(CONFIG_NAME, line, _("labels.{kind} must map raw values to display names").format(kind=kind))
        else:
            out[kind] = MappingProxyType({str(k): str(v).strip() for k, v in names.items()})
    return MappingProxyType(out)
