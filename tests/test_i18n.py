"""Messages in the reader's language: the catalogs are complete, the code's messages are all in them,
and the command line speaks Arabic with --lang ar or an Arabic locale (real subprocess runs)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from akhbar import i18n
from akhbar.i18n import catalog_path, from_environment, set_language
from akhbar.messages import articles, count, warnings
from tests.tools import REPO_ROOT

TEMPLATE = REPO_ROOT / "akhbar" / "locale" / "akhbar.pot"
FIELD = re.compile(r"\{(\w+)(?:![rsa])?(?::[^{}]*)?\}")
# CLDR's Arabic categories in the order of the catalog's Plural-Forms (n==0, 1, 2, 3..10, 11..99, other)
ARABIC_FORMS = ("zero", "one", "two", "few", "many", "other")


def _catalog(path: Path):  # type: ignore[no-untyped-def]
    with open(path, "rb") as handle:
        return read_po(handle, locale="ar" if "/ar/" in path.as_posix() else None)


def _fields(text: str) -> list[str]:
    return sorted(FIELD.findall(text))


def test_the_code_s_messages_are_exactly_the_template_s() -> None:
    """Extracting the messages from the code again (pybabel extract, as `make messages` does) gives the
    committed template: no message is missing from the catalogs, none is left over."""
    done = subprocess.run([sys.executable, str(REPO_ROOT / "scripts" / "messages.py"), "--check"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_message_id_is_in_both_catalogs_and_translated_into_arabic() -> None:
    template = {m.id for m in _catalog(TEMPLATE) if m.id}
    arabic = {m.id: m for m in _catalog(catalog_path("ar")) if m.id}
    assert len(template) > 100
    assert set(arabic) == template
    for msgid, message in arabic.items():
        if isinstance(msgid, tuple):  # a counted phrase: six Arabic forms, none empty
            forms = message.string
            assert len(forms) == len(ARABIC_FORMS) and all(forms), msgid
            for category, form in zip(ARABIC_FORMS, forms, strict=True):
                wanted = _fields(msgid[1])
                if category in ("zero", "one", "two") and "{n}" not in form:  # said in the word: خطآن
                    wanted = [f for f in wanted if f != "n"]
                assert _fields(form) == wanted, (msgid, category, form)
        else:
            assert message.string, msgid
            assert _fields(message.string) == _fields(msgid), (msgid, message.string)
        assert not message.fuzzy, msgid


def test_the_arabic_catalog_has_the_six_cldr_plural_forms() -> None:
    catalog = _catalog(catalog_path("ar"))
    assert catalog.num_plurals == 6
    rule = i18n.translations("ar")
    for n, index in [(0, 0), (1, 1), (2, 2), (3, 3), (10, 3), (11, 4), (99, 4), (100, 5), (102, 5), (103, 3), (111, 4)]:
        assert rule.ngettext("{n} article", "{n} articles", n) == catalog.get(("{n} article", "{n} articles")).string[index]


def test_english_counts_say_one_thing_and_many_things() -> None:
    assert articles(1) == "1 article"
    assert articles(2) == "2 articles"
    assert articles(0) == "0 articles"
    assert warnings(1) == "1 warning"
    assert count(21, "{n} file", "{n} files") == "21 files"


@pytest.mark.parametrize("n, said", [(0, "0 مقالة"), (1, "مقالة واحدة"), (2, "مقالتان"), (3, "3 مقالات"),
                                     (11, "11 مقالةً"), (100, "100 مقالة")])
def test_arabic_counts_follow_the_six_plural_categories(n: int, said: str) -> None:
    set_language("ar")
    assert articles(n) == said


@pytest.mark.parametrize("n, said", [(0, "لا تحذيرات"), (1, "تحذير واحد"), (2, "تحذيران"), (3, "3 تحذيرات"),
                                     (11, "11 تحذيرًا"), (100, "100 تحذير")])
def test_arabic_warnings_are_counted_in_arabic(n: int, said: str) -> None:
    set_language("ar")
    assert warnings(n) == said


@pytest.mark.parametrize("env, lang", [
    ({}, "en"), ({"LANG": "ar_SY.UTF-8"}, "ar"), ({"LANG": "ar"}, "ar"), ({"LANG": "en_US.UTF-8"}, "en"),
    ({"LANG": "C.UTF-8"}, "en"), ({"LANG": "fr_FR.UTF-8"}, "en"),
    ({"LC_ALL": "C", "LANG": "ar_EG.UTF-8"}, "en"),  # LC_ALL wins over everything
    ({"LC_MESSAGES": "ar_EG.UTF-8", "LANG": "en_GB.UTF-8"}, "ar"),  # LC_MESSAGES wins over LANG
    ({"LC_ALL": "", "LC_MESSAGES": "", "LANG": "ar_JO.UTF-8"}, "ar"),  # empty is unset
])
def test_the_locale_variables_choose_the_language_in_posix_order(env: dict[str, str], lang: str) -> None:
    assert from_environment(env) == lang


# ---------------------------------------------------------------- the command line, run as a user runs it

BROKEN = """\
---
title: خبر
titel: خبر
date: 2017-09-17
---
نص.
"""


def _run(site: Path, *words: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k not in ("LC_ALL", "LC_MESSAGES", "LANG")}
    environ.update(env)
    return subprocess.run([sys.executable, str(REPO_ROOT / "build.py"), *words, "--site", str(site)],
                          capture_output=True, text=True, env=environ, timeout=300)


@pytest.fixture
def new_site(tmp_path: Path) -> Path:
    made = subprocess.run([sys.executable, str(REPO_ROOT / "build.py"), "init", str(tmp_path / "news")],
                          capture_output=True, text=True, timeout=300)
    assert made.returncode == 0, made.stderr
    return tmp_path / "news"


@pytest.mark.parametrize("how", [("--lang", "ar"), ("LANG", "ar_SY.UTF-8"), ("LC_ALL", "ar_EG.UTF-8")])
def test_a_build_in_arabic_prints_an_arabic_summary(new_site: Path, tmp_path: Path, how: tuple[str, str]) -> None:
    words, env = (["--lang", "ar"], {"LANG": "C.UTF-8"}) if how[0] == "--lang" else ([], {how[0]: how[1]})
    built = _run(new_site, "build", "--out", str(tmp_path / "out"), *words, **env)
    assert built.returncode == 0, built.stderr
    summary, opened, served = built.stdout.strip().splitlines()
    assert summary.startswith("بُني الموقع: مقالتان و"), summary
    assert "إحالة من «انظر أيضاً» بلا مقالة، لا تحذيرات." in summary
    assert "of GitHub" not in summary and "articles" not in summary
    assert opened.startswith("افتحه من القرص: file://")
    assert served.startswith("أو عاينه: ")
    checked = _run(new_site, "check", *words, **env)
    assert checked.stdout.strip() == "سليم: فُحص مقالتان؛ 0 إحالة من «انظر أيضاً» بلا مقالة، لا تحذيرات.", checked


def test_an_english_locale_or_lang_en_keeps_english(new_site: Path) -> None:
    checked = _run(new_site, "check", LANG="en_US.UTF-8")
    assert checked.stdout.strip() == 'OK: 2 articles checked, 0 unresolved "see also" entries, 0 warnings.'
    overruled = _run(new_site, "check", "--lang", "en", LANG="ar_SY.UTF-8")
    assert overruled.stdout == checked.stdout


@pytest.mark.parametrize("how", [("--lang", "ar"), ("LANG", "ar_SY.UTF-8")])
def test_problems_in_arabic_keep_their_location_plain_at_the_start(new_site: Path, how: tuple[str, str]) -> None:
    (new_site / "content" / "broken.md").write_text(BROKEN, encoding="utf-8")
    words, env = (["--lang", "ar"], {}) if how[0] == "--lang" else ([], {how[0]: how[1]})
    failed = _run(new_site, "build", *words, **env)
    assert failed.returncode == 1
    lines = failed.stderr.strip().splitlines()
    assert lines[0] == "خطأ واحد:"
    assert lines[-1] == "لم يُكتب شيء."
    problem = lines[1]
    # grep-able: `path:line:` in plain ASCII where the line starts, no invisible direction marks
    assert re.match(r"^   1\. content/broken\.md:\d+: خطأ: ", problem), problem
    # the message and its hint in Arabic too, the key named as written
    assert problem.endswith("content/broken.md:3: خطأ: مفتاح غير معروف في الترويسة 'titel' (هل تقصد 'title'؟)"), problem
    assert problem.isprintable() and not re.search("[\u200e\u200f\u2066-\u2069]", problem)


def test_argument_errors_and_unknown_languages(new_site: Path) -> None:
    wrong = _run(new_site, "check", "--lang", "fr")
    assert wrong.returncode == 2 and "--lang" in wrong.stderr and "'fr'" in wrong.stderr
    unknown = subprocess.run([sys.executable, str(REPO_ROOT / "build.py"), "frobnicate", "--lang", "ar"],
                             capture_output=True, text=True, timeout=60)
    assert unknown.returncode == 2 and "أمر غير معروف 'frobnicate'" in unknown.stderr, unknown.stderr


def test_what_earlier_builds_kept_is_said_again_in_the_language_asked_for(new_site: Path, tmp_path: Path) -> None:
    """The parse cache, the image cache and the last build's summary keep messages: each language
    has its own, so a build in Arabic after one in English (and back) says everything in its language."""
    (new_site / "content" / "broken.md").write_text(BROKEN, encoding="utf-8")
    (new_site / "content" / "photo.md").write_text("---\ntitle: صورة\ndate: 2017-09-17\nimage: pic.jpg\n---\nنص.\n",
                                                   encoding="utf-8")
    (new_site / "content" / "pic.jpg").write_bytes(b"not a picture")
    cache = {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    english = _run(new_site, "check", "--lang", "en", **cache)
    assert "content/broken.md:3: error: unknown front-matter key 'titel'" in english.stderr
    assert "content/photo.md:4: error: the file is not an image that can be read: content/pic.jpg" in english.stderr
    arabic = _run(new_site, "check", "--lang", "ar", **cache)
    assert "content/broken.md:3: خطأ: مفتاح غير معروف في الترويسة 'titel'" in arabic.stderr, arabic.stderr
    assert "content/photo.md:4: خطأ: الملف ليس صورة يمكن قراءتها: content/pic.jpg" in arabic.stderr, arabic.stderr
    again = _run(new_site, "check", "--lang", "en", **cache)
    assert again.stderr == english.stderr
