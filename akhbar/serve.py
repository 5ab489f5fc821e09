"""`build.py serve`: preview the site on 127.0.0.1, rebuilt on every save and reloaded in the browser.

Standard library only. One thread per request answers from the output folder, which is looked up
afresh for every request (each build swaps in a new folder); the main thread polls the site's
files and rebuilds; pages hear of each build through Server-Sent Events from /__akhbar/events,
which the script /__akhbar/live.js (added to HTML responses, never to the built files) listens to.
"""

from __future__ import annotations

import argparse
import errno
import inspect
import ipaddress
import json
import os
import queue
import re
import secrets
import shutil
import signal
import socket
import socketserver
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from . import incremental
from . import site as pipeline
from .i18n import N_, _, is_arabic
from .messages import articles, count, pages, unresolved, warnings
from .output import OutputError, resolve_out
from .problems import Level, Problem, Problems, SiteError, shown

RESERVED = "__akhbar"  # the first path segment the server keeps for itself (/__akhbar/live.js, /__akhbar/events)
WATCHED = ("site.yaml", "content", "templates", "static")
POLL_SECONDS = 0.3  # how often the site's files are looked at
SETTLE_SECONDS = 0.1  # a change is built once the files have stopped changing for this long
SEARCH_AFTER_SECONDS = 1.0  # the search index is rebuilt once no file has changed for this long
KEEPALIVE_SECONDS = 15.0
SHOWN_PROBLEMS = 30  # problems listed in the browser; the terminal has them all
BUILT = N_("Built {articles}, {pages} into {out} in {seconds} s; {unresolved}, {warnings}.")

LIVE_TAG = '<script src="/__akhbar/live.js" data-build="{build}" defer></script>'

TYPES = {
    ".html": "text/html; charset=utf-8", ".htm": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8", ".json": "application/json",
    ".xml": "application/xml", ".txt": "text/plain; charset=utf-8",
    ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
    ".webp": "image/webp", ".svg": "image/svg+xml", ".ico": "image/x-icon",
    ".woff2": "font/woff2", ".woff": "font/woff", ".ttf": "font/ttf", ".otf": "font/otf",
    ".wasm": "application/wasm", ".webmanifest": "application/manifest+json", ".pdf": "application/pdf",
    ".zip": "application/zip",
    # Pagefind's index, fragments, filters, metadata and WebAssembly (named *.pagefind) are read as bytes
    ".pf_meta": "application/octet-stream", ".pf_index": "application/octet-stream",
    ".pf_fragment": "application/octet-stream", ".pf_filter": "application/octet-stream",
    ".pagefind": "application/octet-stream",
}
DEFAULT_TYPE = "application/octet-stream"

# When the output folder has no 404.html yet (the very first build failed), missing pages get this.
FALLBACK_404 = ("<!DOCTYPE html>\n<html lang=\"ar\" dir=\"rtl\"><head><meta charset=\"utf-8\">"
                "<title>لا توجد صفحة هنا</title></head><body><h1>لا توجد صفحة هنا</h1>"
                "<p>لم يُبنَ الموقع بعد: أصلح الأخطاء المعروضة واحفظ الملف، فتُحدَّث الصفحة وحدها.</p>"
                "</body></html>\n").encode()

LIVE_JS = r"""/* akhbar preview (build.py serve): reload the page after every rebuild and show build errors.
 * Served by the preview server only; never part of the built site. No inline script or style (CSP),
 * and problem texts are only ever set as textContent. */
(function () {
  "use strict";
  var me = document.currentScript;
  var build = me ? me.getAttribute("data-build") : null;
  var usesSearch = !!document.querySelector('script[src$="search.js"]');
  var source = null;
  var box = null;

  function data(event) {
    try { return JSON.parse(event.data); } catch (e) { return {}; }
  }

  function hide() {
    if (box) { box.remove(); box = null; }
  }

  function add(parent, tag, text, style) {
    var el = document.createElement(tag);
    if (text) el.textContent = text;
    if (style) Object.assign(el.style, style);
    parent.appendChild(el);
    return el;
  }

  function show(error) {
    hide();
    box = document.createElement("div");
    box.id = "akhbar-build-errors";
    // In the language of the messages (build.py serve --lang, or the locale): Arabic right to left.
    box.dir = error.dir || "rtl";
    box.lang = error.lang || "ar";
    box.setAttribute("role", "alert");
    Object.assign(box.style, {
      position: "fixed", top: "0", left: "0", right: "0", zIndex: "2147483647", maxHeight: "75vh",
      overflow: "auto", boxSizing: "border-box", padding: "1rem 1.25rem", background: "#fff5f5",
      color: "#4a0000", borderBottom: "4px solid #b00020", boxShadow: "0 4px 16px rgba(0,0,0,.25)",
      font: "16px/1.6 system-ui, sans-serif", textAlign: "start"
    });
    var close = add(box, "button", error.close || "×", {cssFloat: "inline-end", font: "inherit", cursor: "pointer",
                                                       marginInlineStart: "1rem"});
    close.type = "button";
    close.addEventListener("click", hide);
    add(box, "strong", error.title, {display: "block", fontSize: "1.2em"});
    if (error.note) add(box, "p", error.note, {margin: ".25rem 0"});
    // Each problem is `path:line: …`: the location in an isolated left-to-right run of its own (a path
    // may hold Arabic and Latin), the message after it in the box's direction; numbers inside the box.
    var list = add(box, "ol", "", {margin: ".5rem 0 0", paddingInlineStart: "2.5em"});
    // Monospace suits Latin paths and messages; Arabic set in it falls apart, so Arabic messages keep
    // the box's font and only the location is monospace.
    var mono = "14px/1.5 ui-monospace, monospace";
    var where = error.where || [];
    (error.problems || []).forEach(function (text, i) {
      var item = add(list, "li", "", {font: box.lang === "ar" ? "15px/1.6 system-ui, sans-serif" : mono,
                                      whiteSpace: "pre-wrap", overflowWrap: "anywhere", margin: ".25rem 0"});
      var at = where[i] && text.indexOf(where[i]) === 0 ? where[i].length : 0;
      if (at) add(item, "span", text.slice(0, at), {font: mono}).dir = "ltr";
      item.appendChild(document.createTextNode(text.slice(at)));
    });
    if (error.more) add(box, "p", error.more, {margin: ".5rem 0 0"});
    (document.body || document.documentElement).appendChild(box);
  }

  function connect() {
    if (source) return;
    source = new EventSource("/__akhbar/events");
    source.addEventListener("hello", function (e) {
      var d = data(e);
      if (d.build && build && d.build !== build) { location.reload(); return; }
      if (d.error) show(d.error); else hide();
    });
    source.addEventListener("reload", function (e) {
      if (data(e).build !== build) location.reload();
    });
    source.addEventListener("search", function (e) {
      if (usesSearch || data(e).build !== build) location.reload();
    });
    source.addEventListener("failed", function (e) { show(data(e)); });
  }

  // Only visible tabs keep a connection open (browsers allow few per server); a tab coming back
  // asks again and reloads if the site changed meanwhile.
  document.addEventListener("visibilitychange", function () {
    if (document.hidden) {
      if (source) { source.close(); source = null; }
    } else {
      connect();
    }
  });
  if (!document.hidden) connect();
})();
"""


# ---------------------------------------------------------------- finding the file a request names


class BadRequest(Exception):
    """The request path could name something outside the output folder (or is not a path at all)."""


def request_parts(target: str) -> list[str]:
    """The decoded segments of a request path ('/a/b%20c/?q' → ['a', 'b c']).

    Refused (BadRequest): anything but an absolute path, '..' segments (however encoded), NUL,
    backslashes, a path starting '//' and percent-encoding that is not UTF-8.
    """
    if not target.startswith("/"):
        raise BadRequest("the request must name a path starting with '/'")
    path = target.split("#", 1)[0].split("?", 1)[0]
    try:
        decoded = unquote(path, errors="strict")
    except UnicodeDecodeError as exc:
        raise BadRequest("the path is not UTF-8") from exc
    if "\0" in decoded or "\\" in decoded:
        raise BadRequest("the path contains NUL or a backslash")
    if decoded.startswith("//"):
        raise BadRequest("the path is absolute")
    parts = [part for part in decoded.split("/") if part not in ("", ".")]
    if ".." in parts:
        raise BadRequest("the path leaves its folder")
    return parts


def locate(out: Path, parts: list[str]) -> Path | None:
    """The existing file or folder under `out` that `parts` name, or None (missing, or a link leading out).

    `out` is resolved on every call: a build swaps in a new folder under the same name.
    """
    try:
        base = out.resolve(strict=True)
        real = base.joinpath(*parts).resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    return real if real.is_relative_to(base) else None


def content_type(path: Path) -> str:
    return TYPES.get(path.suffix.lower(), DEFAULT_TYPE)


def inject(html: bytes, build: str) -> bytes:
    """The page with the live-reload script added before its last </body> (at the end if it has none)."""
    tag = LIVE_TAG.format(build=build).encode()
    at = html.lower().rfind(b"</body>")
    return html + tag if at < 0 else html[:at] + tag + html[at:]


# ---------------------------------------------------------------- telling pages about builds


def _event(name: str, data: dict[str, Any]) -> bytes:
    return f"event: {name}\ndata: {json.dumps(data)}\n\n".encode()


class Hub:
    """The builds' news for every open page: which build is current, and the last build's errors."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._feeds: list[queue.Queue[bytes | None]] = []
        self._run = secrets.token_hex(4)  # a restarted server gives every page a new build id
        self._count = 0
        self.build = f"{self._run}-0"
        self.error: dict[str, Any] | None = None
        self.closed = False
        self.base_url = ""  # the current build's base_url: the 404 page's links are made local (Handler._not_found)

    def subscribe(self) -> tuple[queue.Queue[bytes | None], bytes]:
        """A new page's feed, and its first message (the current build and error), with nothing missed between."""
        feed: queue.Queue[bytes | None] = queue.Queue()
        with self._lock:
            self._feeds.append(feed)
            hello = b"retry: 1000\n" + _event("hello", {"build": self.build, "error": self.error})
        return feed, hello

    def unsubscribe(self, feed: queue.Queue[bytes | None]) -> None:
        with self._lock:
            if feed in self._feeds:
                self._feeds.remove(feed)

    def built(self) -> None:
        """New pages are in place: every page reloads."""
        with self._lock:
            self._count += 1
            self.build = f"{self._run}-{self._count}"
            self.error = None
            self._send(_event("reload", {"build": self.build}))

    def searched(self) -> None:
        """Only the search index changed: pages that search reload."""
        with self._lock:
            self.error = None
            self._send(_event("search", {"build": self.build}))

    def failed(self, error: dict[str, Any]) -> None:
        with self._lock:
            self.error = {**error, "build": self.build}
            self._send(_event("failed", self.error))

    def close(self) -> None:
        with self._lock:
            self.closed = True
            self._send(None)

    def _send(self, message: bytes | None) -> None:
        for feed in self._feeds:
            feed.put(message)


# ---------------------------------------------------------------- the HTTP server


LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "[::1]"})
MAX_CONNECTIONS = 64  # open at once; a browser keeps about six per server, plus one per tab for live reload
BACKLOG = 128  # connections waiting to be accepted: a page's burst of requests, many tabs reloading at once
BUSY = (b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nRetry-After: 1\r\n"
        b"Connection: close\r\nContent-Length: 64\r\n\r\n"
        b"503: the preview server has too many connections open; try again\n")


def host_allowed(header: str | None, bound: str) -> bool:
    """Does a request's Host header name this server? Its own names only: localhost, 127.0.0.1, [::1],
    the --host it was given, and, when it listens on every address (0.0.0.0, ::), any IP address.

    A page on another site that gets its name to resolve to 127.0.0.1 (DNS rebinding) sends its
    own name as Host, and is refused: it cannot read drafts or error messages through the browser.
    Any port is accepted (a forwarded port keeps the name).
    """
    if not header:
        return False
    host = header.strip().lower()
    if host.startswith("["):
        host = host[: host.find("]") + 1]
    elif host.count(":") == 1:
        host = host.partition(":")[0]
    host = host.rstrip(".")
    given = bound.lower()
    if host in LOOPBACK_NAMES or host == given or host == f"[{given}]":
        return True
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return given in ("0.0.0.0", "::", "")  # every address of the machine is its own


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = BACKLOG

    def __init__(self, address: tuple[str, int], out: Path, hub: Hub, verbose: bool):
        host = address[0]
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.out, self.hub, self.verbose = out, hub, verbose
        self.host = host
        self.slots = threading.BoundedSemaphore(MAX_CONNECTIONS)
        super().__init__(address, Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        """Answer in a thread of its own, at most MAX_CONNECTIONS at once; beyond, 503 at once."""
        if not self.slots.acquire(blocking=False):
            try:
                request.sendall(BUSY)
            except OSError:
                pass
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self.slots.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.slots.release()

    def server_bind(self) -> None:
        # HTTPServer.server_bind looks the host's name up (getfqdn), which may wait on DNS
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = str(self.server_address[0]), int(self.server_address[1])

    def handle_error(self, request: Any, client_address: Any) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, (ConnectionError, TimeoutError)):
            return  # the browser went away
        super().handle_error(request, client_address)


class Handler(BaseHTTPRequestHandler):
    server: PreviewServer
    protocol_version = "HTTP/1.1"
    server_version = "akhbar-preview"
    sys_version = ""
    timeout = 120  # an idle kept-alive connection is closed after this

    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        if self.server.verbose:
            sys.stderr.write(f"{self.address_string()} {format % args}\n")

    def do_GET(self) -> None:
        self._answer(body=True)

    def do_HEAD(self) -> None:
        self._answer(body=False)

    def _answer(self, body: bool) -> None:
        if not host_allowed(self.headers.get("Host"), self.server.host):
            self._misdirected(body)
            return
        try:
            parts = request_parts(self.path)
        except BadRequest as exc:
            self._send(HTTPStatus.BAD_REQUEST, f"400 bad request: {exc}\n".encode(),
                       "text/plain; charset=utf-8", body)
            return
        if parts and parts[0] == RESERVED:
            self._reserved(parts[1:], body)
            return
        out = self.server.out
        found = locate(out, parts)
        if found is not None and found.is_dir():
            if not self.path.split("?", 1)[0].endswith("/"):
                # relative links on the page only work from the folder's own address
                path, _, query = self.path.partition("?")
                self._redirect(path + "/" + ("?" + query if query else ""), body)
                return
            found = locate(out, [*parts, "index.html"])
        if found is None or not found.is_file():
            self._not_found(body)
            return
        self._file(HTTPStatus.OK, found, body)

    def _file(self, status: HTTPStatus, path: Path, body: bool) -> None:
        kind = content_type(path)
        build = self.server.hub.build  # read before the file: a page is never newer than its build id
        try:
            handle = path.open("rb")
        except OSError:
            self._not_found(body)
            return
        with handle:
            if kind.startswith("text/html"):
                self._send(status, inject(handle.read(), build), kind, body)
                return
            size = os.fstat(handle.fileno()).st_size
            self._head(status, kind, size)
            if body:
                shutil.copyfileobj(handle, self.wfile)

    def _not_found(self, body: bool) -> None:
        page = locate(self.server.out, ["404.html"])
        base = self.server.hub.base_url
        if page is not None and page.is_file() and base:
            # The published 404 page links under base_url, as it is served at any depth; in the preview
            # those addresses are this server's root, so the page is styled and its links stay here.
            try:
                html = page.read_bytes()
            except OSError:
                html = FALLBACK_404
            html = html.replace(base.encode(), b"/")
            self._send(HTTPStatus.NOT_FOUND, inject(html, self.server.hub.build), "text/html; charset=utf-8", body)
        elif page is not None and page.is_file():
            self._file(HTTPStatus.NOT_FOUND, page, body)
        else:
            self._send(HTTPStatus.NOT_FOUND, inject(FALLBACK_404, self.server.hub.build),
                       "text/html; charset=utf-8", body)

    def _misdirected(self, body: bool) -> None:
        """421: the request was meant for another name (DNS rebinding, or a mistyped address)."""
        port = self.server.server_port
        named = shown(self.headers.get("Host") or "")
        text = (f"421 Misdirected Request: this preview server answers only to its own names (localhost, 127.0.0.1, "
                f"[::1] or its --host {self.server.host}), not to '{named}'. Open {url_of(self.server.host, port)} "
                "instead.\n")
        self.close_connection = True
        self._send(HTTPStatus.MISDIRECTED_REQUEST, text.encode(), "text/plain; charset=utf-8", body)

    def _reserved(self, rest: list[str], body: bool) -> None:
        if rest == ["live.js"]:
            self._send(HTTPStatus.OK, LIVE_JS.encode(), "text/javascript; charset=utf-8", body)
        elif rest == ["events"] and body:
            self._events()
        else:
            self._send(HTTPStatus.NOT_FOUND, b"404 not found\n", "text/plain; charset=utf-8", body)

    def _events(self) -> None:
        """Server-Sent Events: a hello, then each build's news, with a comment every 15 s to keep it open."""
        hub = self.server.hub
        feed, hello = hub.subscribe()  # before the headers: once a page sees them, it misses no build
        self.close_connection = True
        try:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/event-stream; charset=utf-8")
            self.send_header("Cache-Control", "no-store")
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(hello)
            while not hub.closed:
                try:
                    message = feed.get(timeout=KEEPALIVE_SECONDS)
                except queue.Empty:
                    message = b": keep-alive\n\n"
                if message is None:
                    break
                self.wfile.write(message)
                self.wfile.flush()
        except OSError:
            pass  # the page went away
        finally:
            hub.unsubscribe(feed)

    def _redirect(self, location: str, body: bool) -> None:
        self.send_response(HTTPStatus.MOVED_PERMANENTLY)
        self.send_header("Location", location)
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _head(self, status: HTTPStatus, kind: str, length: int) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(length))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()

    def _send(self, status: HTTPStatus, payload: bytes, kind: str, body: bool) -> None:
        self._head(status, kind, len(payload))
        if body:
            self.wfile.write(payload)


# ---------------------------------------------------------------- watching and rebuilding


Snapshot = dict[str, tuple[int, int]]


def snapshot(root: Path) -> Snapshot:
    """(size, mtime) of every file a build reads: site.yaml, content/, templates/, static/.

    They are found as the build finds them (hidden files and editors' backups ending in '~' are
    left out); a file or folder that cannot be read counts too, so that the build reports it.
    """
    found, problems = incremental.inputs(root)
    seen: Snapshot = {source.rel: (source.size, source.mtime_ns) for source in found}
    for problem in problems.items:
        seen[f"!{problem.path}: {problem.message}"] = (-1, -1)
    return seen


@dataclass
class Options:
    root: Path
    out: Path
    base_url: str | None
    strict: bool
    verbose: bool
    quiet: bool
    search: bool | None = None  # False: --no-search
    jobs: int | None = None


class Preview:
    """Builds the site into the output folder, on start and after every change, and tells the pages."""

    def __init__(self, options: Options, hub: Hub, say: Callable[[str], None]):
        self.options, self.hub, self.say = options, hub, say
        self.can_defer = "defer_search" in inspect.signature(pipeline.build).parameters

    def rebuild(self, *, defer_search: bool = False, first: bool = False, search_step: bool = False) -> Any:
        """Build once; on success tell the pages and return the result, else show the problems and return None.

        This is the only place the server builds. With `defer_search`, the pages come first and the
        previous search index is kept (the result says `search_stale`); a later full build, the
        `search_step`, refreshes it and reloads only the pages that search when no page changed.
        """
        o = self.options
        started = time.perf_counter()
        try:
            loaded = pipeline.load(o.root, o.base_url, search=o.search, jobs=o.jobs)
            if o.strict and (loaded.problems.warnings or loaded.unresolved):
                raise SiteError(_strict(loaded.problems, loaded.unresolved))
            extra: dict[str, Any] = {"defer_search": True} if defer_search and self.can_defer else {}
            result = pipeline.build(loaded, o.out, jobs=o.jobs, **extra)
        except SiteError as exc:
            self._failed(exc.problems, first)
            return None
        except OutputError as exc:
            if first:
                raise
            self._crashed(exc.problem(o.out).format(), _("the output folder could not be written"), first)
            return None
        except Exception as exc:  # a broken template, a failing tool or a bug must not stop the server
            self._crashed(_described(exc, o.root), _("the build stopped with an unexpected error"), first)
            return None
        self._succeeded(loaded, result, time.perf_counter() - started, first, search_step)
        return result

    def _succeeded(self, loaded: Any, result: Any, seconds: float, first: bool, search_step: bool) -> None:
        from .cli import _print_problems

        o = self.options
        stale = bool(getattr(result, "search_stale", False))
        rendered = getattr(result, "rendered", None)
        if first:
            if not o.quiet:
                _print_problems(loaded.problems, o.verbose, sys.stderr)
                self.say(_(BUILT).format(
                    articles=articles(len(loaded.articles)),
                    pages=pages(result.pages), out=o.out, seconds=f"{seconds:.1f}",
                    unresolved=unresolved(len(loaded.unresolved)),
                    warnings=warnings(len(loaded.problems.warnings))))
        elif not o.quiet:
            what = pages(result.pages) if rendered is None else _("{rendered}, {reused}").format(
                rendered=count(rendered, "{n} page rendered", "{n} pages rendered"),
                reused=count(result.pages - rendered, "{n} reused", "{n} reused"))
            search = _("; search index refreshing…") if stale else (
                _("; search index rebuilt") if getattr(result, "search_indexed", False) else "")
            self.say(_("{time} rebuilt in {seconds} s ({what}; {warnings}){search}").format(
                time=time.strftime('%H:%M:%S'), seconds=f"{seconds:.1f}", what=what, search=search,
                warnings=warnings(len(loaded.problems.warnings))))
        if (o.out / RESERVED).exists():
            print(_("warning: {path} is not served: the preview server keeps /{reserved}/ for itself (the "
                    "published site is unaffected)").format(path=o.out / RESERVED, reserved=RESERVED), file=sys.stderr)
        self.hub.base_url = loaded.settings.base_url
        if search_step and rendered == 0:
            self.hub.searched()
        else:
            self.hub.built()

    def _failed(self, problems: Problems, first: bool) -> None:
        from .cli import _print_problems

        _print_problems(problems, True, sys.stderr)
        print(_("The site has errors; fix them and save: the site is built on the next change.") if first
              else _("The site has errors; still serving the last good build."), file=sys.stderr)
        self.hub.failed(overlay(sorted(problems.errors)))

    def _crashed(self, message: str, title: str, first: bool) -> None:
        print(message + "\n" + (_("The site is built on the next change.") if first
                                else _("Still serving the last good build.")), file=sys.stderr)
        self.hub.failed({**_frame(), "title": _("The site could not be built: {why}").format(why=title),
                         "problems": [message], "where": [_location(message)]})

    def watch(self) -> None:
        """Poll the site's files for ever; rebuild after each change, then refresh the search index."""
        o = self.options
        seen = snapshot(o.root)
        search_due: float | None = None
        while True:
            time.sleep(POLL_SECONDS)
            now = snapshot(o.root)
            if now != seen:
                seen = self._settled(now)
                result = self.rebuild(defer_search=True)
                stale = result is not None and getattr(result, "search_stale", False)
                search_due = time.monotonic() + SEARCH_AFTER_SECONDS if stale else None
            elif search_due is not None and time.monotonic() >= search_due:
                search_due = None
                self.rebuild(search_step=True)

    def _settled(self, now: Snapshot) -> Snapshot:
        """Wait until the files stop changing (an editor writing several), at most 2 s."""
        deadline = time.monotonic() + 2.0
        while time.monotonic() < deadline:
            time.sleep(SETTLE_SECONDS)
            again = snapshot(self.options.root)
            if again == now:
                break
            now = again
        return now


def _frame() -> dict[str, str]:
    """The overlay's language, direction and fixed words, in the language of the messages."""
    return {"lang": "ar" if is_arabic() else "en", "dir": "rtl" if is_arabic() else "ltr",
            "close": _("Close ×"),
            "note": _("The page shows the last good build of the site. Fix what follows and save the file: "
                      "the page reloads by itself.")}


def _location(line: str) -> str:
    """The `path:line` a problem line starts with ('' when it names none)."""
    match = re.match(r"(.+?:\d+):", line)
    return match.group(1) if match else ""


def overlay(errors: list[Problem]) -> dict[str, Any]:
    """What the pages show over themselves when a build fails, in the language of the messages: a
    title that counts the errors, the first SHOWN_PROBLEMS problems (with where each one's location
    ends, for a left-to-right run of its own), and how many more the terminal has."""
    hidden = max(0, len(errors) - SHOWN_PROBLEMS)
    listed = errors[:SHOWN_PROBLEMS]
    shown: dict[str, Any] = {
        **_frame(),
        "title": count(len(errors), "The site could not be built: {n} error",
                       "The site could not be built: {n} errors"),
        "problems": [p.format() for p in listed],
        "where": [f"{p.path}:{p.line}" if p.line else "" for p in listed]}
    if hidden:
        shown["more"] = count(hidden, "… and {n} more in the terminal", "… and {n} more in the terminal")
    return shown


def _described(exc: Exception, root: Path) -> str:
    """One line for an error that is not a content problem: `path:line: error: …` for a template's,
    the whole traceback (printed) for anything else."""
    filename, line = getattr(exc, "filename", None), getattr(exc, "lineno", None)
    message = getattr(exc, "message", None) or str(exc)
    if isinstance(filename, str) and isinstance(line, int) and type(exc).__module__.startswith("jinja2"):
        try:
            filename = Path(filename).resolve().relative_to(root).as_posix()
        except ValueError:
            pass
        return f"{filename}:{line}: {Level.ERROR.said}: {message} ({type(exc).__name__})"
    traceback.print_exc(file=sys.stderr)
    return f"{type(exc).__name__}: {message}"


def _strict(problems: Problems, unresolved: list[Any]) -> Problems:
    """--strict: the warnings and unresolved "see also" entries, shown as the errors that stop the build."""
    failing = problems.warnings + [u.problem() for u in unresolved]
    return Problems([Problem(p.path, p.line, p.message, Level.ERROR, p.hint) for p in failing])


# ---------------------------------------------------------------- the command


def url_of(host: str, port: int) -> str:
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def main(args: argparse.Namespace) -> int:
    """Run `serve` until Ctrl-C; the exit code (0 stopped, 1 could not start)."""
    root = args.site.resolve()
    out = resolve_out(args.out or root / "public")
    options = Options(root, out, args.base_url, args.strict, args.verbose, args.quiet,
                      getattr(args, "search", None), getattr(args, "jobs", None))
    hub = Hub()

    def say(text: str) -> None:
        print(text, flush=True)

    if not 0 <= args.port <= 65535:
        print(_("error: --port must be a number from 0 to 65535, not {port}").format(port=args.port), file=sys.stderr)
        return 2
    if not (root / "site.yaml").is_file():
        print(_("error: {folder} holds no site.yaml; choose the site folder with --site").format(folder=root),
              file=sys.stderr)
        return 1
    try:
        server = PreviewServer((args.host, args.port), out, hub, args.verbose)
    except OSError as exc:
        where = f"{args.host}:{args.port}"
        if exc.errno == errno.EADDRINUSE:
            print(_("error: port {port} on {host} is already in use (stop what uses it, or choose another port "
                    "with --port; --port 0 picks a free one)").format(port=args.port, host=args.host), file=sys.stderr)
        else:
            print(_("error: cannot serve on {where}: {reason}").format(where=where, reason=exc.strerror or exc),
                  file=sys.stderr)
        return 1
    on_main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _stopper(os.getpid())) if on_main else None
    thread: threading.Thread | None = None
    try:
        preview = Preview(options, hub, say)
        try:
            preview.rebuild(first=True)
        except OutputError as exc:
            print(exc.problem(out).format(), file=sys.stderr)
            return 1
        thread = threading.Thread(target=server.serve_forever, name="akhbar-preview", daemon=True)
        thread.start()
        url = url_of(args.host, server.server_port)
        if not _loopback(args.host):
            print(_("warning: serving on {host}, not only to this computer; the preview server is meant for "
                    "127.0.0.1").format(host=args.host), file=sys.stderr)
        say(_("Serving {out} at {url} (watching site.yaml, content/, templates/ and static/; Ctrl-C to stop)").format(
            out=out, url=url))
        preview.watch()
    except KeyboardInterrupt:
        if not args.quiet:
            say(_("Stopped."))
        return 0
    finally:
        if on_main:
            signal.signal(signal.SIGTERM, previous)
        hub.close()
        if thread is not None:
            server.shutdown()
        server.server_close()
    return 0  # pragma: no cover - watch() returns only by an exception


def _stopper(pid: int) -> Callable[[int, object], None]:
    """A SIGTERM handler: stop the server as Ctrl-C does. A build's worker processes (forked, so
    they inherit it) end as SIGTERM ends them."""

    def stop(signum: int, frame: object) -> None:
        if os.getpid() == pid:
            raise KeyboardInterrupt
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGTERM)

    return stop
