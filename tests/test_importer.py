"""The import command: scraped .txt files plus a CMS export become articles with front matter."""

from __future__ import annotations

import json
from pathlib import Path

from akhbar import site as pipeline
from akhbar.arabic import clean_text
from akhbar.cli import main
from tests.tools import require_shared


def test_import_against_the_shared_manifest_keeps_bodies_byte_identical(make_site, tmp_path: Path) -> None:
    corpus = require_shared("the sample-2k corpus") / "corpus"
    root = make_site({})
    manifest = corpus / "sample-2k.manifest.jsonl"
    assert main(["import", str(corpus / "sample-2k"), "--metadata", str(manifest), "--site", str(root)]) == 0
    rows = [json.loads(line) for line in manifest.read_text(encoding="utf-8").splitlines()]
    imported = sorted((root / "content").glob("*.txt"))
    assert len(imported) == len(rows) == 2000
    for row in rows[:200]:
        original = (corpus / row["file"]).read_bytes()
        written = (root / "content" / f"{row['id']}.txt").read_bytes()
        assert written.endswith(original) and written.startswith(b"---\n")
    site = pipeline.load(root)
    by_slug = {a.slug: a for a in site.articles}
    for row in rows:
        article = by_slug[row["id"]]
        assert article.date is not None and article.date.isoformat() == row["date"]
        assert article.source == row["source"] and article.section == row["category"]
        assert article.source_url == row["url"]
        assert article.title == clean_text(row["title"]).strip()  # bidi controls dropped


def test_import_from_csv_by_file_name(make_site, tmp_path: Path) -> None:
    src = tmp_path / "scraped"
    src.mkdir()
    (src / "a1.txt").write_text("عنوان\n\nفقرة.\n", encoding="utf-8")
    export = tmp_path / "export.csv"
    export.write_text("file,date,source,category,url\nscraped/a1.txt,2018-05-01,سانا,سياسة,https://sana.sy/1\n",
                      encoding="utf-8")
    root = make_site({})
    assert main(["import", str(src), "--metadata", str(export), "--site", str(root)]) == 0
    text = (root / "content" / "a1.txt").read_text(encoding="utf-8")
    assert text == ("---\ndate: '2018-05-01'\nsource: سانا\nsection: سياسة\nsource_url: https://sana.sy/1\n"
                    "---\nعنوان\n\nفقرة.\n")


def test_import_checks_everything_before_copying(make_site, tmp_path: Path, capsys) -> None:
    src = tmp_path / "scraped"
    src.mkdir()
    (src / "a1.txt").write_text("عنوان\n", encoding="utf-8")
    (src / "a2.txt").write_text("عنوان\n", encoding="utf-8")
    export = tmp_path / "export.jsonl"
    export.write_text('{"id": "a1", "date": "2018-13-01"}\n{"id": "a2", "date": "2018-01-01"}\nnot json\n',
                      encoding="utf-8")
    root = make_site({})
    assert main(["import", str(src), "--metadata", str(export), "--site", str(root)]) == 1
    err = capsys.readouterr().err
    assert "export.jsonl:1: error: 2018-13-01 is not a real date" in err
    assert "export.jsonl:3: error: this line is not valid JSON" in err
    assert not list((root / "content").glob("*.txt"))


def test_import_does_not_overwrite_without_force(make_site, tmp_path: Path, capsys) -> None:
    src = tmp_path / "scraped"
    src.mkdir()
    (src / "a1.txt").write_text("عنوان جديد\n", encoding="utf-8")
    export = tmp_path / "e.jsonl"
    export.write_text('{"id": "a1", "date": "2018-01-01"}\n', encoding="utf-8")
    root = make_site({"content/a1.txt": "قديم\n"})
    assert main(["import", str(src), "--metadata", str(export), "--site", str(root)]) == 1
    assert "use --force to replace it" in capsys.readouterr().err
    assert (root / "content" / "a1.txt").read_text(encoding="utf-8") == "قديم\n"
    assert main(["import", str(src), "--metadata", str(export), "--site", str(root), "--force"]) == 0
    assert (root / "content" / "a1.txt").read_text(encoding="utf-8").endswith("عنوان جديد\n")
