"""`build.py serve`: the preview server, run as a user runs it (a subprocess on a free port).

It serves the output folder and nothing else, adds only its live-reload script to HTML, rebuilds
when an article is saved (pages first, the search index shortly after), keeps serving the last
good site when a save breaks it, and tells open pages about both through Server-Sent Events.
"""

from __future__ import annotations

import http.client
import json
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from akhbar import serve
from tests import tools

BUILD_PY = tools.REPO_ROOT / "build.py"
URL = re.compile(r"http://127\.0\.0\.1:\d+/")
LIVE_TAG = re.compile(rb'<script src="/__akhbar/live\.js" data-build="[0-9a-f]+-\d+" defer></script>')
START_SECONDS = 90  # the first build (share cards, Pagefind) on a slow machine

SITE_YAML = "title: أرشيف المعاينة\nbase_url: https://example.org/archive/\n"
FIRST = "---\ntitle: {title}\ndate: 2017-09-17\n---\nنص الخبر الأول.\n"
SECOND = "---\ntitle: قمة في موسكو\ndate: 2017-09-18\nsee_also:\n  - خبر أول\n---\nنص الخبر الثاني.\n"
BROKEN = "---\ntitle: [خبر لم يغلق قوسه\ndate: 2017-09-17\n---\nنص.\n"
SECRET = "secret-beside-the-output-folder"


def write_site(root: Path) -> Path:
    (root / "content").mkdir(parents=True)
    (root / "site.yaml").write_text(SITE_YAML, encoding="utf-8")
    (root / "content" / "first.md").write_text(FIRST.format(title="خبر أول"), encoding="utf-8")
    (root / "content" / "second.md").write_text(SECOND, encoding="utf-8")
    (root / "secret.txt").write_text(SECRET, encoding="utf-8")
    return root


def edit(path: Path, text: str) -> None:
    """Save a file as an editor does; its time always moves on, even on a coarse-grained clock."""
    before = path.stat().st_mtime_ns if path.exists() else 0
    path.write_text(text, encoding="utf-8")
    if path.stat().st_mtime_ns == before:
        os.utime(path, ns=(before + 1_000_000, before + 1_000_000))


class Events:
    """The server's event stream, read by a thread into a queue of (name, data, arrival time)."""

    def __init__(self, url: str):
        parts = urlsplit(url)
        self.conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        self.conn.request("GET", "/__akhbar/events")
        self.response = self.conn.getresponse()
        assert self.response.status == 200
        assert self.response.getheader("Content-Type") == "text/event-stream; charset=utf-8"
        self.queue: queue.Queue[tuple[str, dict[str, Any], float]] = queue.Queue()
        self.seen: list[tuple[str, dict[str, Any]]] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        name, data = "message", ""
        try:
            while line := self.response.readline():
                text = line.decode().rstrip("\n")
                if text == "":
                    if data:
                        self.queue.put((name, json.loads(data), time.monotonic()))
                    name, data = "message", ""
                elif text.startswith("event: "):
                    name = text[len("event: "):]
                elif text.startswith("data: "):
                    data += text[len("data: "):]
        except OSError:
            pass

    def wait(self, name: str, timeout: float = 20.0) -> tuple[dict[str, Any], float]:
        """The next event called `name` (others are kept in `seen`) and when it arrived."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                got, data, at = self.queue.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"no '{name}' event within {timeout} s; saw {self.seen}") from None
            self.seen.append((got, data))
            if got == name:
                return data, at

    def close(self) -> None:
        self.conn.close()


class Served:
    """`python build.py serve --site SITE --port 0 --quiet` in a subprocess."""

    def __init__(self, site: Path, cache: Path, *extra: str):
        self.site, self.out = site, site / "public"
        env = {**os.environ, "XDG_CACHE_HOME": str(cache), "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen(
            [sys.executable, str(BUILD_PY), "serve", "--site", str(site), "--port", "0", "--quiet", *extra],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        self.stdout: list[str] = []
        self.stderr: list[str] = []
        lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._pump, args=(self.proc.stdout, self.stdout, lines), daemon=True).start()
        threading.Thread(target=self._pump, args=(self.proc.stderr, self.stderr, None), daemon=True).start()
        deadline = time.monotonic() + START_SECONDS
        while True:
            try:
                line = lines.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"the server printed no address: {self.stdout} {self.stderr}") from None
            if found := URL.search(line):
                self.url = found.group()
                break
        parts = urlsplit(self.url)
        self.host, self.port = str(parts.hostname), int(parts.port or 0)

    @staticmethod
    def _pump(stream: Any, into: list[str], lines: queue.Queue[str] | None) -> None:
        for line in stream:
            into.append(line)
            if lines is not None:
                lines.put(line)

    def get(self, path: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
        """One request with the path sent exactly as given (no normalisation by a client library)."""
        conn = http.client.HTTPConnection(self.host, self.port, timeout=20)
        try:
            conn.request(method, path)
            response = conn.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            conn.close()

    def raw(self, request: bytes) -> bytes:
        """Send bytes as they are (a NUL in the path) and return the whole answer."""
        with socket.create_connection((self.host, self.port), timeout=20) as sock:
            sock.sendall(request)
            chunks = []
            while chunk := sock.recv(65536):
                chunks.append(chunk)
            return b"".join(chunks)

    def events(self) -> Events:
        return Events(self.url)

    def stop(self, timeout: float = 20.0, how: int = signal.SIGINT) -> int:
        """Ctrl-C (or SIGTERM), as a user or a process manager stops it; the exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(how)
        return self.proc.wait(timeout=timeout)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=20)


@contextmanager
def serving(site: Path, cache: Path, *extra: str) -> Iterator[Served]:
    server = Served(site, cache, *extra)
    try:
        yield server
    finally:
        server.kill()


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return write_site(tmp_path / "site")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """One server for the tests that only read (nothing is edited while it runs)."""
    root = tmp_path_factory.mktemp("served")
    with serving(write_site(root / "site"), root / "cache") as server:
        yield server


def built_files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes()
            for p in sorted(out.rglob("*")) if p.is_file() and not p.is_symlink()}


# ---------------------------------------------------------------- finding files, in-process


@pytest.mark.parametrize("target, parts", [
    ("/", []),
    ("/articles/first/", ["articles", "first"]),
    ("/articles/first/index.html?x=1#top", ["articles", "first", "index.html"]),
    ("/sections/%D8%B3%D9%8A%D8%A7%D8%B3%D8%A9/", ["sections", "سياسة"]),
    ("/./a//b/", ["a", "b"]),
])
def test_request_paths_are_decoded_into_segments(target: str, parts: list[str]) -> None:
    assert serve.request_parts(target) == parts


@pytest.mark.parametrize("target", [
    "/../site.yaml", "/%2e%2e/site.yaml", "/%2E%2E/site.yaml", "/..%2fsite.yaml", "/%2e%2e%2fsite.yaml",
    "/articles/../../site.yaml", "/a/%2e%2e/%2e%2e/site.yaml", "//etc/passwd", "/%2fetc/passwd",
    "/..\\site.yaml", "/%5c..%5csite.yaml", "/index.html%00.png", "/a\x00b", "/%ff%fe",
    "site.yaml", "http://127.0.0.1/../site.yaml", "",
])
def test_request_paths_that_could_leave_the_folder_are_refused(target: str) -> None:
    with pytest.raises(serve.BadRequest):
        serve.request_parts(target)


def test_locate_refuses_links_leading_out_of_the_folder(tmp_path: Path) -> None:
    out = tmp_path / "public"
    (out / "a").mkdir(parents=True)
    (out / "a" / "page.html").write_text("in")
    (tmp_path / "secret.txt").write_text("out")
    (out / "leak.txt").symlink_to(tmp_path / "secret.txt")
    (out / "up").symlink_to(tmp_path)
    (out / "inside.html").symlink_to(out / "a" / "page.html")
    assert serve.locate(out, ["a", "page.html"]) == (out / "a" / "page.html").resolve()
    assert serve.locate(out, ["inside.html"]) == (out / "a" / "page.html").resolve()
    assert serve.locate(out, ["leak.txt"]) is None
    assert serve.locate(out, ["up", "secret.txt"]) is None
    assert serve.locate(out, ["missing"]) is None
    assert serve.locate(tmp_path / "no-such-folder", ["a"]) is None


def test_the_script_goes_before_the_last_body_end() -> None:
    page = b"<html><body><p>&lt;/body&gt;</p></BODY></html>"
    assert serve.inject(page, "ab-1") == (b'<html><body><p>&lt;/body&gt;</p><script src="/__akhbar/live.js" '
                                          b'data-build="ab-1" defer></script></BODY></html>')
    assert serve.inject(b"<p>x", "ab-1").endswith(b"defer></script>")


# ---------------------------------------------------------------- serving


@pytest.mark.parametrize("path, kind", [
    ("/", "text/html; charset=utf-8"),
    ("/index.html", "text/html; charset=utf-8"),
    ("/articles/first/", "text/html; charset=utf-8"),
    ("/search/index.html", "text/html; charset=utf-8"),
    ("/assets/css/site.css", "text/css; charset=utf-8"),
    ("/assets/js/search.js", "text/javascript; charset=utf-8"),
    ("/assets/favicon.svg", "image/svg+xml"),
    ("/articles/first/card.png", "image/png"),
    ("/assets/fonts/noto-naskh-arabic-arabic-400.woff2", "font/woff2"),
    ("/feed.xml", "application/xml"),
    ("/sitemap.xml", "application/xml"),
    ("/robots.txt", "text/plain; charset=utf-8"),
    ("/pagefind/pagefind-entry.json", "application/json"),
    ("/pagefind/pagefind.js", "text/javascript; charset=utf-8"),
    ("/__akhbar/live.js", "text/javascript; charset=utf-8"),
])
def test_files_are_served_with_their_types(served: Served, path: str, kind: str) -> None:
    status, headers, body = served.get(path)
    assert status == 200, (path, status, body[:200])
    assert headers["content-type"] == kind
    assert headers["cache-control"] == "no-store"
    assert int(headers["content-length"]) == len(body) > 0


def test_pagefind_files_are_bytes(served: Served) -> None:
    names = [p.relative_to(served.out).as_posix() for p in (served.out / "pagefind").rglob("*")
             if p.suffix in (".pf_meta", ".pf_index", ".pf_fragment", ".pf_filter", ".pagefind")]
    assert {Path(n).suffix for n in names} >= {".pf_meta", ".pf_index", ".pf_fragment", ".pagefind"}, names
    for name in names:
        status, headers, body = served.get("/" + name)
        assert status == 200 and headers["content-type"] == "application/octet-stream", name
        assert body == (served.out / name).read_bytes()
    assert serve.content_type(Path("x.wasm")) == "application/wasm"


def test_no_search_serves_the_site_without_its_index(site: Path, tmp_path: Path) -> None:
    served = Served(site, tmp_path / "cache", "--no-search", "--jobs", "1")
    try:
        status, _headers, body = served.get("/")
        assert status == 200 and b"site-search" not in body
        assert served.get("/search/")[0] == 404 and served.get("/pagefind/pagefind.js")[0] == 404
        assert not (served.out / "pagefind").exists()
    finally:
        served.stop()


def test_head_answers_like_get_without_a_body(served: Served) -> None:
    _, get_headers, body = served.get("/articles/first/")
    status, headers, nothing = served.get("/articles/first/", method="HEAD")
    assert status == 200 and nothing == b""
    assert headers["content-length"] == get_headers["content-length"] == str(len(body))


def test_a_folder_without_its_slash_redirects_to_it(served: Served) -> None:
    status, headers, _ = served.get("/articles/first?x=1")
    assert status == 301 and headers["location"] == "/articles/first/?x=1"


def test_html_is_the_built_file_plus_the_live_script_only(served: Served) -> None:
    pages = sorted(p.relative_to(served.out).as_posix() for p in served.out.rglob("*.html"))
    assert "articles/first/index.html" in pages and "search/index.html" in pages
    for rel in pages:
        status, _, body = served.get("/" + rel)
        assert status == 200
        assert len(LIVE_TAG.findall(body)) == 1, rel
        assert LIVE_TAG.sub(b"", body) == (served.out / rel).read_bytes(), rel
        assert re.search(rb"defer></script></body>\s*</html>\s*$", body), rel


def test_the_output_is_what_build_writes(served: Served, tmp_path: Path) -> None:
    """Serving changes no built byte: a plain `build` of the same site writes the same files."""
    other = tmp_path / "built"
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    subprocess.run([sys.executable, str(BUILD_PY), "build", "--site", str(served.site), "--out", str(other),
                    "--quiet"], check=True, capture_output=True, env=env)
    assert built_files(served.out).keys() == built_files(other).keys()
    assert built_files(served.out) == built_files(other)


def test_a_missing_page_is_the_sites_404_page_with_links_to_the_preview(served: Served) -> None:
    built = (served.out / "404.html").read_bytes()
    assert b'href="https://example.org/archive/assets/css/site.css"' in built
    for path in ("/no/such/page/", "/articles/missing/index.html", "/pagefind/nothing.pf_meta"):
        status, headers, body = served.get(path)
        assert status == 404, path
        assert headers["content-type"] == "text/html; charset=utf-8"
        # the published page links under base_url; here those addresses are the preview's root
        assert LIVE_TAG.sub(b"", body) == built.replace(b"https://example.org/archive/", b"/")
        assert b'href="/assets/css/site.css"' in body and b'href="/archive/index.html"' in body


TRAVERSALS = [
    "/../site.yaml", "/%2e%2e/site.yaml", "/..%2fsite.yaml", "/%2e%2e%2fsecret.txt", "/../secret.txt",
    "//etc/passwd", "/%2f%2fetc/passwd", "/..\\secret.txt", "/%5c..%5csecret.txt", "/articles/../../secret.txt",
    "/%252e%252e/secret.txt", "/index.html%00.png", "/etc/passwd", "/__akhbar/../../secret.txt",
    "/__akhbar/%2e%2e/secret.txt", "/out-link/secret.txt", "/out-file.txt", "/out-passwd",
]


def test_no_request_reaches_a_file_outside_the_output_folder(served: Served) -> None:
    links = {"out-link": served.site, "out-file.txt": served.site / "secret.txt", "out-passwd": Path("/etc/passwd")}
    for name, target in links.items():
        (served.out / name).symlink_to(target)
    try:
        _no_traversal(served)
    finally:
        for name in links:
            (served.out / name).unlink()


def _no_traversal(served: Served) -> None:
    site_yaml = (served.site / "site.yaml").read_bytes()
    for path in TRAVERSALS:
        status, _, body = served.get(path)
        assert status in (400, 404), (path, status)
        assert SECRET.encode() not in body and site_yaml not in body and b"root:" not in body, path
    for request in (b"GET /../secret.txt HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
                    b"GET /a\x00/../../secret.txt HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
                    b"GET secret.txt HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
                    b"GET http://x/../secret.txt HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"):
        answer = served.raw(request)
        assert answer.startswith((b"HTTP/1.1 400", b"HTTP/1.1 404")), (request, answer[:100])
        assert SECRET.encode() not in answer, request


def test_the_reserved_prefix_serves_only_the_preview_files(served: Served) -> None:
    assert served.get("/__akhbar/other.js")[0] == 404
    assert served.get("/__akhbar/")[0] == 404
    status, _, body = served.get("/__akhbar/live.js")
    assert status == 200 and b"EventSource" in body and b"innerHTML" not in body


def test_the_event_stream_starts_with_the_current_build(served: Served) -> None:
    events = served.events()
    try:
        hello, _ = events.wait("hello", timeout=5)
    finally:
        events.close()
    assert hello["error"] is None
    _, _, page = served.get("/articles/first/")
    assert f'data-build="{hello["build"]}"'.encode() in page


def test_the_event_stream_keeps_alive_and_carries_each_builds_news(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(serve, "KEEPALIVE_SECONDS", 0.2)
    out = tmp_path / "public"
    out.mkdir()
    hub = serve.Hub()
    server = serve.PreviewServer(("127.0.0.1", 0), out, hub, False)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=10)
        conn.request("GET", "/__akhbar/events")
        response = conn.getresponse()

        def until(wanted: bytes) -> list[bytes]:
            lines: list[bytes] = []
            while wanted not in lines:
                line = response.readline()
                assert line, f"the stream ended before {wanted!r}: {lines}"
                lines.append(line)
            return lines

        assert b"event: hello\n" in until(b": keep-alive\n")
        hub.failed({"title": "t", "problems": ["content/a.md:3: error: <b>x</b>"], "more": 0})
        failed = until(b"event: failed\n") + [response.readline()]
        assert json.loads(failed[-1].removeprefix(b"data: "))["problems"] == ["content/a.md:3: error: <b>x</b>"]
        hub.built()
        until(b"event: reload\n")
        hub.close()
        while response.readline():
            pass  # the stream ends when the server stops
        # with no build yet, a missing page is a stand-in that reloads once the site is built
        other = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=10)
        other.request("GET", "/")
        missing = other.getresponse()
        assert missing.status == 404 and b"/__akhbar/live.js" in missing.read()
        other.close()
    finally:
        server.shutdown()
        server.server_close()


# ---------------------------------------------------------------- rebuilding


def test_an_edit_reloads_pages_within_seconds_and_search_follows(site: Path, tmp_path: Path) -> None:
    with serving(site, tmp_path / "cache") as server:
        index_before = (server.out / "pagefind" / "pagefind-entry.json").read_bytes()
        events = server.events()
        hello, _ = events.wait("hello", timeout=5)
        saved = time.monotonic()
        edit(site / "content" / "first.md", FIRST.format(title="عنوان جديد بعد الحفظ"))
        reload, at = events.wait("reload", timeout=10)
        print(f"\nreload announced {at - saved:.2f} s after the save")
        assert reload["build"] != hello["build"]
        _, _, page = server.get("/articles/first/")
        assert "عنوان جديد بعد الحفظ".encode() in page
        assert f'data-build="{reload["build"]}"'.encode() in page
        # then the search index catches up, without reloading pages that do not search
        search, search_at = events.wait("search", timeout=60)
        print(f"search index refreshed {search_at - saved:.2f} s after the save")
        assert search["build"] == reload["build"]
        assert (server.out / "pagefind" / "pagefind-entry.json").read_bytes() != index_before
        assert [name for name, _ in events.seen] == ["hello", "reload", "search"]
        events.close()
        assert server.stop() == 0


def test_a_broken_edit_keeps_the_last_good_site_and_reports_the_error(site: Path, tmp_path: Path) -> None:
    with serving(site, tmp_path / "cache") as server:
        _, _, good = server.get("/articles/first/")
        events = server.events()
        hello, _ = events.wait("hello", timeout=5)
        edit(site / "content" / "first.md", BROKEN)
        failed, _ = events.wait("failed", timeout=10)
        assert failed["build"] == hello["build"]
        assert any(p.startswith("content/first.md:2: error: the front matter is not valid YAML")
                   for p in failed["problems"]), failed
        status, _, page = server.get("/articles/first/")
        assert status == 200 and page == good  # the last good build, still the same build id
        assert "the front matter is not valid YAML" in "".join(server.stderr)
        late = server.events()  # a page opened now hears of the error at once
        assert late.wait("hello", timeout=5)[0]["error"]["problems"] == failed["problems"]
        late.close()

        edit(site / "content" / "first.md", FIRST.format(title="عنوان مصلح"))
        events.wait("reload", timeout=10)
        assert "عنوان مصلح".encode() in server.get("/articles/first/")[2]
        fresh = server.events()
        assert fresh.wait("hello", timeout=5)[0]["error"] is None
        fresh.close()
        events.close()
        assert server.proc.poll() is None


def test_a_broken_template_at_start_is_shown_until_it_is_fixed(site: Path, tmp_path: Path) -> None:
    template = site / "templates" / "article.html"
    template.parent.mkdir()
    template.write_text('{% extends "base.html" %}{% block main %}{{ article.title {% endblock %}')
    with serving(site, tmp_path / "cache") as server:
        status, _, page = server.get("/articles/first/")
        assert status == 404 and b"/__akhbar/live.js" in page  # nothing built yet
        events = server.events()
        error = events.wait("hello", timeout=5)[0]["error"]
        assert error["problems"][0].startswith("templates/article.html:1: error: "), error
        assert "templates/article.html:1: error: " in "".join(server.stderr)
        template.unlink()
        events.wait("reload", timeout=20)
        status, _, page = server.get("/articles/first/")
        assert status == 200 and "خبر أول".encode() in page
        events.close()


@pytest.mark.parametrize(("where", "message"), [
    ("precious", "the output folder is not empty and was not made by a build"),
    ("site", "the output folder holds the site itself"),
])
def test_an_output_folder_not_made_by_a_build_is_refused(site: Path, tmp_path: Path, where: str, message: str) -> None:
    (tmp_path / "precious").mkdir()
    (tmp_path / "precious" / "thesis.txt").write_text("years of work", encoding="utf-8")
    done = subprocess.run([sys.executable, str(BUILD_PY), "serve", "--site", str(site), "--out", str(tmp_path / where),
                           "--port", "0"], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")})
    assert done.returncode == 1 and done.stderr.startswith(f"{tmp_path / where}: error: {message}"), done.stderr
    assert "Serving" not in done.stdout
    assert (tmp_path / "precious" / "thesis.txt").read_text(encoding="utf-8") == "years of work"


@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_ctrl_c_stops_with_exit_0_and_removes_nothing(site: Path, tmp_path: Path, how: int) -> None:
    with serving(site, tmp_path / "cache") as server:
        before = built_files(server.out)
        assert server.stop(how=how) == 0
        assert "Traceback" not in "".join(server.stderr)
    assert built_files(site / "public") == before
    assert not [p for p in site.iterdir() if ".staging-" in p.name or ".old-" in p.name]


def test_a_port_in_use_is_a_clear_error(site: Path, tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([sys.executable, str(BUILD_PY), "serve", "--site", str(site), "--port", str(port)],
                              capture_output=True, text=True, timeout=60,
                              env={**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")})
    assert done.returncode == 1
    assert f"port {port} on 127.0.0.1 is already in use" in done.stderr
    assert not (site / "public").exists()


def test_a_folder_without_site_yaml_is_refused(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, str(BUILD_PY), "serve", "--site", str(tmp_path), "--port", "0"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and "no site.yaml" in done.stderr


# ---------------------------------------------------------------- in a real browser


@pytest.mark.browser
def test_an_open_page_shows_a_saved_edit_and_build_errors_by_itself(browser: Any, site: Path,
                                                                    tmp_path: Path) -> None:
    from playwright.sync_api import expect

    with serving(site, tmp_path / "cache", "--lang", "ar") as server:
        context = browser.new_context(locale="ar")
        try:
            page = context.new_page()
            problems: list[str] = []
            page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}")
                    if m.type in ("error", "warning") else None)
            page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
            article = server.url + "articles/first/index.html"
            with page.expect_response(lambda r: r.url.endswith("/__akhbar/events")):
                page.goto(article, wait_until="load")
            expect(page.locator("h1")).to_have_text("خبر أول")

            saved = time.monotonic()
            edit(site / "content" / "first.md", FIRST.format(title="عنوان ظهر وحده"))
            expect(page.locator("h1")).to_have_text("عنوان ظهر وحده", timeout=10_000)
            print(f"\nthe open page showed the new headline {time.monotonic() - saved:.2f} s after the save")

            edit(site / "content" / "first.md", BROKEN)
            overlay = page.locator("#akhbar-build-errors")
            expect(overlay).to_be_visible(timeout=10_000)
            # served with --lang ar: the overlay is Arabic, right to left, counted in Arabic
            expect(overlay).to_contain_text("content/first.md:2: خطأ: ")
            assert overlay.evaluate("e => getComputedStyle(e).direction") == "rtl"
            assert overlay.evaluate("e => e.lang") == "ar"
            assert overlay.evaluate("e => getComputedStyle(e).position") == "fixed"
            expect(overlay).to_contain_text("تعذّر بناء الموقع: خطأ واحد")
            expect(overlay).to_contain_text("تعرض الصفحة آخر نسخة سليمة من الموقع")
            assert "(s)" not in overlay.inner_text() and "error" not in overlay.inner_text()
            # the location is a left-to-right run of its own at the start of the item, whose number is
            # inside the box, not cut off
            item = overlay.locator("li").first
            assert item.evaluate("e => getComputedStyle(e).direction") == "rtl"
            where = item.locator("span").first
            assert where.inner_text() == "content/first.md:2"
            assert where.evaluate("e => getComputedStyle(e).direction") == "ltr"
            assert item.evaluate("e => e.closest('ol').getBoundingClientRect().right - e.getBoundingClientRect().right") >= 20
            assert overlay.evaluate("e => e.scrollWidth <= e.clientWidth")
            expect(page.locator("h1")).to_have_text("عنوان ظهر وحده")  # the last good page stays

            edit(site / "content" / "first.md", FIRST.format(title="عنوان بعد الإصلاح"))
            expect(page.locator("h1")).to_have_text("عنوان بعد الإصلاح", timeout=10_000)
            expect(overlay).to_have_count(0)
            assert page.url == article
            page.wait_for_timeout(300)
            assert not problems, "\n".join(problems)
        finally:
            context.close()
        assert server.stop() == 0
