"""Command line: argument parsing, printing and exit codes live here and nowhere else."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from . import __version__
from .i18n import LANGUAGES, N_, _, from_environment, set_language
from .messages import Nn_, articles, count, pages, unresolved, warnings
from .output import Output, OutputError, build_lock, resolve_out
from .problems import Problem, Problems, SiteError, reason, write_hint

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
SHOWN_BY_DEFAULT = 20
COMMANDS = ("build", "check", "import", "bundle", "serve", "init")
CHECKED = N_("OK: {articles} checked, {unresolved}, {warnings}.")
LANG_HELP = "language of the messages: ar or en (default: from LC_ALL, LC_MESSAGES or LANG; English unless ar…)"


def _parser(default_site: Path) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="build.py",
        description="Build a static, searchable Arabic news archive from a folder of articles.",
        epilog=f"With no command, builds the site in {default_site} into its public/ folder.",
    )
    parser.add_argument("--version", action="version", version=f"akhbar {__version__}")
    parser.add_argument("--lang", choices=LANGUAGES, default=argparse.SUPPRESS, help=LANG_HELP)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def site_options(p: argparse.ArgumentParser) -> None:
        language_option(p)
        p.add_argument("--site", type=Path, default=default_site,
                       help="site folder holding site.yaml and content/ (default: %(default)s)")
        p.add_argument("--base-url", help="absolute address the site is served from; overrides site.yaml")
        p.add_argument("--strict", action="store_true", help="treat warnings as errors")
        p.add_argument("-v", "--verbose", action="store_true",
                       help=f"list every warning and unresolved entry, not only the first {SHOWN_BY_DEFAULT}")

    def language_option(p: argparse.ArgumentParser) -> None:
        p.add_argument("--lang", choices=LANGUAGES, default=argparse.SUPPRESS, help=LANG_HELP)

    def build_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--no-search", dest="search", action="store_false", default=None,
                       help="leave out the search index and search page (as 'search: false' in site.yaml)")
        p.add_argument("--clean", action="store_true",
                       help="ignore what earlier builds left in the cache: parse and render everything")
        p.add_argument("--jobs", type=_positive, metavar="N",
                       help="worker processes for parsing and rendering (default: every core)")
        p.add_argument("--timings", action="store_true",
                       help="print when each step of the build started and how long it took")

    build = commands.add_parser("build", help="build the site into an output folder",
                                description="Check the whole site, then write it to --out in one step.")
    site_options(build)
    build.add_argument("--out", type=Path, help="output folder (default: public/ inside the site folder)")
    build.add_argument("--quiet", action="store_true",
                       help="no progress bar, and no lines on how to open the site after the summary")
    build_options(build)
    sharded = build.add_mutually_exclusive_group()
    sharded.add_argument("--shard", metavar="NAME",
                         help="with shards: in site.yaml, build only this shard into --out (the whole archive is "
                              "read and checked; links to other shards' articles go to their base_url)")
    sharded.add_argument("--all-shards", action="store_true",
                         help="with shards: in site.yaml, build every shard, each into its own folder of --out "
                              "(--out/NAME/), the same files as building each with --shard")

    bundle = commands.add_parser(
        "bundle", help="build the site, then zip it for reading offline",
        description="Build the site into --out, then write a zip of it that a reader unpacks and opens "
                    "from disk (index.html), search included.")
    site_options(bundle)
    bundle.add_argument("--out", type=Path, help="output folder (default: public/ inside the site folder)")
    bundle.add_argument("--zip", type=Path, help="the zip to write (default: the output folder's name + .zip "
                                                 "beside it); its files sit in a folder named like the zip")
    bundle.add_argument("--quiet", action="store_true", help="no progress bar")
    build_options(bundle)

    serve = commands.add_parser(
        "serve", help="build the site, serve it on 127.0.0.1 and rebuild it on every change",
        description="Build the site into --out and serve that folder over HTTP for previewing. "
                    "site.yaml, content/, templates/ and static/ are watched: every saved change is "
                    "rebuilt and open pages reload by themselves; build errors show in the terminal "
                    "and in the browser, over the last good build.")
    site_options(serve)
    serve.add_argument("--out", type=Path, help="output folder (default: public/ inside the site folder)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    serve.add_argument("--port", type=int, default=8000,
                       help="port to listen on; 0 picks a free one (default: %(default)s)")
    serve.add_argument("--quiet", action="store_true", help="print only the address and errors")
    serve.add_argument("--no-search", dest="search", action="store_false", default=None,
                       help="leave out the search index and search page (as 'search: false' in site.yaml)")
    serve.add_argument("--jobs", type=_positive, metavar="N",
                       help="worker processes for parsing and rendering (default: every core)")

    check = commands.add_parser("check", help="report problems without writing anything",
                                description="Read and check the site; write nothing.")
    site_options(check)

    imp = commands.add_parser(
        "import", help="bring articles into content/: scraped .txt with a CMS export, or a WordPress export",
        description="Copy scraped plain-text articles into content/, adding date, source, section "
                    "and source URL from a CMS export (JSON Lines or CSV) keyed by file name; article "
                    "bodies are copied byte for byte. Or, with --wordpress, turn a WordPress export "
                    "(WXR) into Markdown articles. Everything is checked before anything is written.")
    language_option(imp)
    imp.add_argument("sources", nargs="*", type=Path, metavar="SRC", help=".txt files or folders of them")
    imp.add_argument("--metadata", type=Path, metavar="FILE",
                     help="a .jsonl or .csv export with one row per article (with SRC)")
    imp.add_argument("--wordpress", type=Path, metavar="EXPORT.xml",
                     help="a WordPress export (Tools → Export): its published posts become articles")
    imp.add_argument("--pages", action="store_true", help="with --wordpress: import published pages too")
    imp.add_argument("--uploads", type=Path, metavar="DIR",
                     help="with --wordpress: the site's wp-content/uploads folder; images found there are "
                          "copied, the others linked")
    imp.add_argument("--site", type=Path, default=default_site, help="site folder (default: %(default)s)")
    imp.add_argument("--into", default="", help="sub-folder of content/ to copy into")
    imp.add_argument("--force", action="store_true", help="replace files that already exist in content/")

    init = commands.add_parser(
        "init", help="start a new archive in a new or empty folder",
        description="Write a new archive into DIR: a commented site.yaml, an example article of each "
                    "form (Markdown and scraped text, linked by \"see also\"), a GitHub Pages workflow, "
                    "a .gitignore and requirements.txt. DIR must be new or empty.")
    language_option(init)
    init.add_argument("folder", type=Path, metavar="DIR", help="the folder to create")
    init.add_argument("--shards", action="store_true",
                      help="an archive split by date into shards, each its own GitHub Pages site, and a "
                           "workflow building them in parallel and publishing each")
    init.add_argument("--title", default=None, help="the archive's name (default: أرشيف الأخبار)")
    init.add_argument("--base-url", default=None,
                      help="the address it will be published at (default: https://example.github.io/archive/; "
                           "the GitHub Pages workflow passes the repository's own)")
    return parser


MAX_JOBS = 256  # more worker processes than that only exhaust memory and process slots


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= MAX_JOBS:
        raise argparse.ArgumentTypeError(
            _("expected a whole number from 1 to {most}, not {text}").format(most=MAX_JOBS, text=repr(text)))
    return value


def main(argv: Sequence[str] | None = None, default_site: Path | None = None) -> int:
    """Run the command line; return the exit code. `default_site` is given by build.py (its folder);
    the `akhbar` command's default site is the current folder."""
    prog = f"python {_shown(default_site / 'build.py')}" if default_site is not None else "akhbar"
    default_site = default_site or Path.cwd()
    parser = _parser(default_site)
    words = list(sys.argv[1:] if argv is None else argv)
    set_language(_language(words))
    if words and not words[0].startswith("-") and words[0] not in COMMANDS:
        parser.error(_("unknown command '{command}' (choose from {commands})").format(
            command=words[0], commands=", ".join(COMMANDS)))
    if not words or (words[0] not in COMMANDS and words[0] not in ("-h", "--help", "--version")):
        words.insert(0, "build")  # no command: build, with whatever options were given
    args = parser.parse_args(words)
    args.prog, args.default_site = prog, default_site
    command = args.command
    if command == "import":
        if args.wordpress is not None:
            if args.sources or args.metadata:
                parser.error(_("import: give either --wordpress EXPORT.xml, or SRC... with --metadata, not both"))
            return _import_wordpress(args)
        if not args.sources or args.metadata is None:
            parser.error(_("import: give SRC... with --metadata FILE, or --wordpress EXPORT.xml"))
        if args.pages or args.uploads:
            parser.error(_("import: --pages and --uploads go with --wordpress"))
        return _import(args)
    if command == "init":
        return _init(args)
    if command == "serve":
        from .serve import main as serve

        return serve(args)
    return _build(args, write=command in ("build", "bundle"))


def _language(words: list[str]) -> str:
    """--lang (checked again by the parser), else the POSIX locale variables: read before parsing, so
    that the parser's own errors are in that language too."""
    for number, word in enumerate(words):
        if word == "--":
            break
        if word == "--lang" and number + 1 < len(words) and words[number + 1] in LANGUAGES:
            return words[number + 1]
        if word.startswith("--lang=") and word[len("--lang="):] in LANGUAGES:
            return word[len("--lang="):]
    return from_environment()


def _print_problems(problems: Problems, verbose: bool, stream: TextIO) -> None:
    errors = sorted(problems.errors)
    warned = sorted(problems.warnings)
    if errors:
        print(count(len(errors), "{n} error:", "{n} errors:"), file=stream)
        _numbered(errors, stream)
    if warned:
        shown = warned if verbose else warned[:SHOWN_BY_DEFAULT]
        print(count(len(warned), "{n} warning:", "{n} warnings:"), file=stream)
        _numbered(shown, stream)
        if len(shown) < len(warned):
            print(_more(len(warned) - len(shown)), file=stream)


def _more(hidden: int) -> str:
    return "   " + count(hidden, "… and {n} more (use --verbose to list it)",
                       "… and {n} more (use --verbose to list them all)")


def _numbered(items: list[Problem], stream: TextIO) -> None:
    for number, problem in enumerate(items, 1):
        print(f"{number:>4}. {problem.format()}", file=stream)


def _progress(label: str, enabled: bool):  # type: ignore[no-untyped-def]
    """A progress bar on a terminal for long runs; silent otherwise."""
    if not enabled or not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    state: dict[str, tqdm] = {}

    def update(done: int, total: int) -> None:
        if total < 200:
            return
        bar = state.get("bar")
        if bar is None:
            bar = state["bar"] = tqdm(total=total, desc=label, unit=" " + _("art"), leave=False)
        bar.n = done
        bar.refresh()
        if done >= total:
            bar.close()
            state.pop("bar")

    return update


def _build(args: argparse.Namespace, write: bool) -> int:
    """`check`, `build` and `bundle`; a build holds its output folder from the no-op check to the zip."""
    out = resolve_out(getattr(args, "out", None) or args.site.resolve() / "public")
    if not write:
        return _run(args, out, write)
    if (getattr(args, "shard", None) or getattr(args, "all_shards", False)) and args.base_url:
        print(_("error: --base-url cannot be given with --shard or --all-shards: each shard's base_url is "
                "in site.yaml's shards:"), file=sys.stderr)
        return EXIT_USAGE
    if getattr(args, "all_shards", False):
        return _run(args, out, write)  # each shard's folder is checked and locked as it is built
    try:
        Output(out, args.site.resolve()).check()  # a wrong --out (or --zip) is refused before anything is read
        if args.command == "bundle":
            from .bundle import check_target

            check_target(_zip_target(args, out), out, args.site.resolve())
    except OutputError as exc:
        return _failed(Problems([exc.problem(out)]), args.verbose)
    with build_lock(out, lambda message: print(message, file=sys.stderr, flush=True)):
        return _run(args, out, write)


def _run(args: argparse.Namespace, out: Path, write: bool) -> int:
    from . import incremental, timings
    from . import site as pipeline

    timings.reset()

    root = args.site.resolve()
    show_progress = write and not getattr(args, "quiet", False)
    search, jobs, clean = getattr(args, "search", None), getattr(args, "jobs", None), getattr(args, "clean", False)
    digest = signature = ""
    if write:
        digest, signature = incremental.input_digest(root, {"base_url": args.base_url, "search": search,
                                                            "shard": getattr(args, "shard", None)})
        saved = None if clean or getattr(args, "all_shards", False) else incremental.unchanged(root, out, digest)
        if saved is not None:
            return _unchanged(args, out, saved)
    try:
        loaded = pipeline.load(root, args.base_url, _progress(_("reading"), show_progress),
                               search=search, jobs=jobs, cached=not clean)
    except SiteError as exc:
        _print_problems(exc.problems, args.verbose, sys.stderr)
        print(_("Nothing was written.") if write else _("The site has errors."), file=sys.stderr)
        return EXIT_PROBLEMS
    _print_problems(loaded.problems, args.verbose, sys.stderr)
    _print_unresolved(loaded, args.verbose)
    if args.strict and (loaded.problems.warnings or loaded.unresolved):
        _strict_failed(write)
        return EXIT_PROBLEMS
    if not write:
        print(_(CHECKED).format(
            articles=articles(len(loaded.articles)),
            unresolved=unresolved(len(loaded.unresolved)),
            warnings=warnings(len(loaded.problems.warnings))))
        return EXIT_OK
    shard, every = getattr(args, "shard", None), getattr(args, "all_shards", False)
    if shard or every:
        return _build_shards(args, loaded, out, [shard] if shard else [s.name for s in loaded.settings.shards],
                             digest, signature)
    try:
        result = pipeline.build(loaded, out, _progress(_("writing"), show_progress), jobs=jobs,
                                incremental_build=not clean, stamp=True)
    except OutputError as exc:
        return _failed(Problems([exc.problem(out)]), args.verbose)
    except SiteError as exc:
        return _failed(exc.problems, args.verbose)
    _print_published(result, args.verbose)
    print(_summary(loaded, result, out))
    if loaded.settings.shards:
        print(_("site.yaml has shards: this built the whole archive as one site (to preview or bundle it); "
                "publish each shard with --shard NAME, or all with --all-shards."), file=sys.stderr)
    if result.reused:
        print(_reuse_note(result), file=sys.stderr)
    if getattr(args, "timings", False):
        print(timings.report(), file=sys.stderr)
    if incremental.input_signature(root) == signature:  # else a file changed while it was read: check next time
        incremental.remember(root, out, digest, {
            "problems": loaded.problems, "unresolved": [u.format() for u in loaded.unresolved],
            "published": result.published.problems if result.published else None,
            "articles": len(loaded.articles), "pages": result.pages,
            "index_links": loaded.settings.index_links}, result.stamp)
    if args.command == "bundle":
        return _bundle(args, out)
    if not args.quiet:
        _print_where(args, out, loaded.settings.index_links)
    return EXIT_OK


def _build_shards(args: argparse.Namespace, loaded, out: Path, names: list[str],  # type: ignore[no-untyped-def]
                  digest: str, signature: str) -> int:
    """`build --shard NAME` into --out, or `build --all-shards`: each shard into --out/NAME/."""
    from . import incremental
    from . import site as pipeline

    if not names:
        return _failed(Problems([pipeline.shard_problem(loaded, "")]), args.verbose,  # type: ignore[list-item]
                       N_("Nothing was written."))
    for name in names:
        problem = pipeline.shard_problem(loaded, name)
        if problem is not None:
            return _failed(Problems([problem]), args.verbose, N_("Nothing was written."))
    every = getattr(args, "all_shards", False)
    root = args.site.resolve()
    for name in names:
        target = resolve_out(out / name) if every else out
        try:
            part = pipeline.for_shard(loaded, name)
            if every:
                Output(target, root).check()
            with build_lock(target, lambda message: print(message, file=sys.stderr, flush=True)) \
                    if every else _no_lock():
                result = pipeline.build(part, target, _progress("writing", not args.quiet), jobs=args.jobs,
                                        incremental_build=not args.clean, stamp=True)
        except OutputError as exc:
            return _failed(Problems([exc.problem(target)]), args.verbose)
        except SiteError as exc:
            return _failed(exc.problems, args.verbose)
        _print_published(result, args.verbose)
        print(_("Shard {name}: {summary}").format(name=name, summary=_summary(part, result, target)))
        if result.reused:
            print(_reuse_note(result), file=sys.stderr)
    if not every and incremental.input_signature(root) == signature:
        incremental.remember(root, out, digest, {
            "problems": loaded.problems, "unresolved": [u.format() for u in loaded.unresolved],
            "published": result.published.problems if result.published else None,
            "articles": len(part.articles), "pages": result.pages,
            "index_links": loaded.settings.index_links}, result.stamp)
    return EXIT_OK


def _no_lock():  # type: ignore[no-untyped-def]
    import contextlib

    return contextlib.nullcontext()


def _strict_failed(write: bool) -> None:
    print(_("--strict: warnings and unresolved \"see also\" entries count as errors.")
          + (" " + _("Nothing was written.") if write else ""), file=sys.stderr)


def _summary(loaded, result, out: Path) -> str:  # type: ignore[no-untyped-def]
    """The one line a build prints on stdout."""
    from .publishing import pages_size_note

    return _("Built {articles}, {pages} ({size} MB in {files}, {share}) into {out} in {seconds} s; "
             "{unresolved}, {warnings}.").format(
            articles=articles(len(loaded.articles)),
            pages=pages(result.pages),
            size=f"{result.bytes / 1e6:.1f}", files=count(result.files, "{n} file", "{n} files"),
            share=pages_size_note(result.bytes, len(loaded.articles)), out=_shown(out), seconds=f"{result.seconds:.1f}",
            unresolved=unresolved(len(loaded.unresolved)),
            warnings=warnings(len(loaded.problems.warnings)))


def _reuse_note(result) -> str:  # type: ignore[no-untyped-def]
    rendered = count(result.rendered, "Rendered {n} changed page", "Rendered {n} changed pages")
    reused = count(result.reused, "reused {n} unchanged one", "reused {n} unchanged ones")
    search = _("search index rebuilt") if result.search_indexed else _("search index unchanged")
    return _("{rendered}, {reused}; {search}.").format(rendered=rendered, reused=reused, search=search)


def _print_where(args: argparse.Namespace, out: Path, index_links: bool) -> None:
    """After a build: where the site is, and how to open it from disk or preview it."""
    serve = _command(args, "serve")
    if index_links:
        print(_("Open it from disk: {address}").format(address=(out / "index.html").as_uri()))
        print(_("Or preview it: {command}  (then open {address})").format(command=serve, address=PREVIEW))
    else:
        print(_("Preview it: {command}  (then open {address}; with index_links: false the site is for a "
                "web server, not for opening from disk)").format(command=serve, address=PREVIEW))


PREVIEW = "http://127.0.0.1:8000/"


def _command(args: argparse.Namespace, command: str) -> str:
    """The command line that runs `command` on the same site and output folder as this one."""
    words = [getattr(args, "prog", "akhbar"), command]
    site = args.site.resolve()
    if site != args.default_site.resolve():
        words += ["--site", _quoted(_shown(site))]
    if getattr(args, "out", None) is not None:
        words += ["--out", _quoted(_shown(args.out.absolute()))]
    return " ".join(words)


def _quoted(text: str) -> str:
    import shlex

    return shlex.quote(text)


def _failed(problems: Problems, verbose: bool,
            outcome: str = N_("Nothing was written; the previous site is unchanged.")) -> int:
    """The build stopped while writing (a full disk, a broken template): the previous site stays."""
    _print_problems(problems, verbose, sys.stderr)
    print(_(outcome), file=sys.stderr)
    return EXIT_PROBLEMS


def _unchanged(args: argparse.Namespace, out: Path, saved: dict) -> int:  # type: ignore[type-arg]
    """Nothing changed since the last build into `out`: say what that build said, write nothing."""
    problems = saved["problems"]
    _print_problems(problems, args.verbose, sys.stderr)
    _print_unresolved_lines(saved["unresolved"], args.verbose)
    if saved.get("published") is not None:
        _print_problems(saved["published"], args.verbose, sys.stderr)
    if args.strict and (problems.warnings or saved["unresolved"]):
        _strict_failed(False)
        return EXIT_PROBLEMS
    print(_("Nothing changed since the last build: {articles}, {pages} in {out} are up to date; "
            "{unresolved}, {warnings}. (Use --clean to build everything again.)").format(
              articles=articles(saved["articles"]),
              pages=pages(saved["pages"]), out=_shown(out),
              unresolved=unresolved(len(saved["unresolved"])),
              warnings=warnings(len(problems.warnings))))
    if args.command == "bundle":
        return _bundle(args, out)
    if not args.quiet:
        _print_where(args, out, saved.get("index_links", True))
    return EXIT_OK


def _print_published(result, verbose: bool) -> None:  # type: ignore[no-untyped-def]
    """The publishing stage's warnings and what it did (stdout keeps the summary)."""
    report = result.published
    if report is None:
        return
    _print_problems(report.problems, verbose, sys.stderr)
    print(_("Share cards: {drawn}, {reused} ({seconds} s); {feeds}, {sitemaps}, {redirects}.").format(
        drawn=count(report.cards_drawn, "{n} drawn", "{n} drawn"),
        reused=count(report.cards_reused, "{n} reused", "{n} reused"), seconds=f"{report.card_seconds:.1f}",
        feeds=count(report.feeds, "{n} Atom feed", "{n} Atom feeds"),
        sitemaps=count(report.sitemap_files, "{n} sitemap file", "{n} sitemap files"),
        redirects=count(report.redirects, "{n} redirect page", "{n} redirect pages")), file=sys.stderr)
    images = report.images
    if images.resized + images.cached + images.reused + images.copied:
        print(_("Image files: {resized}, {cached}, {copied}, {reused}.").format(
            resized=count(images.resized, "{n} resized", "{n} resized"),
            cached=count(images.cached, "{n} from the cache", "{n} from the cache"),
            copied=count(images.copied, "{n} copied", "{n} copied"),
            reused=count(images.reused, "{n} unchanged", "{n} unchanged")), file=sys.stderr)


def _bundle(args: argparse.Namespace, out: Path) -> int:
    from .bundle import write_zip

    target = _zip_target(args, out)
    try:
        made = write_zip(out, target)
    except OutputError as exc:
        return _failed(Problems([exc.problem(target)]), True, N_("The zip was not written."))
    except OSError as exc:
        problem = Problem(str(target), 0, _("the zip could not be written: {reason}").format(reason=reason(exc)),
                          hint=write_hint(exc))
        return _failed(Problems([problem]), True, N_("The zip was not written."))
    except ValueError as exc:
        print(_("error: the zip could not be written: {reason}").format(reason=exc), file=sys.stderr)
        return EXIT_PROBLEMS
    print(_("Bundled {files} ({size} MB) into {zip}: unpack it and open {folder}/index.html in a browser.").format(
        files=count(made.files, "{n} file", "{n} files"), size=f"{made.bytes / 1e6:.1f}", zip=_shown(target),
        folder=made.folder))
    return EXIT_OK


def _zip_target(args: argparse.Namespace, out: Path) -> Path:
    return Path(os.path.abspath(args.zip or out.with_name(out.name + ".zip")))


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _print_unresolved(loaded, verbose: bool) -> None:  # type: ignore[no-untyped-def]
    _print_unresolved_lines([item.format() for item in loaded.unresolved], verbose)


def _print_unresolved_lines(items: list[str], verbose: bool) -> None:
    if not items:
        return
    shown = items if verbose else items[:SHOWN_BY_DEFAULT]
    print(count(len(items), '{n} "see also" entry names no article in the site (shown as plain text):',
                '{n} "see also" entries name no article in the site (shown as plain text):'), file=sys.stderr)
    for number, item in enumerate(shown, 1):
        print(f"{number:>4}. {item}", file=sys.stderr)
    if len(shown) < len(items):
        print(_more(len(items) - len(shown)), file=sys.stderr)


INIT_FILES = {
    "site.yaml": N_("the settings, each explained in a comment"),
    "content/welcome.md": N_("an article in Markdown, with front matter"),
    "content/scraped-article.txt": N_("an article as scraped from a news site, with a \"see also\" block"),
    ".github/workflows/pages.yml": N_("publishes the archive on GitHub Pages (see the comments in it)"),
    ".gitignore": N_("keeps built sites out of git"),
    "requirements.txt": N_("which akhbar GitHub installs to build it"),
}


def _init(args: argparse.Namespace) -> int:
    from .newsite import DEFAULT_BASE_URL, DEFAULT_TITLE, create

    problems = Problems()
    made = create(args.folder, problems, args.title or DEFAULT_TITLE, args.base_url or DEFAULT_BASE_URL,
                  shards=args.shards)
    if made is None:
        _print_problems(problems, True, sys.stderr)
        print(_("Nothing was written."), file=sys.stderr)
        return EXIT_PROBLEMS
    folder = _shown(made.folder.absolute())
    print(_("Created a new archive in {folder}:").format(folder=folder))
    width = max(map(len, made.files))
    for rel in sorted(made.files, key=lambda f: list(INIT_FILES).index(f) if f in INIT_FILES else len(INIT_FILES)):
        said = _(INIT_FILES[rel]) if rel in INIT_FILES else ""
        print(f"  {rel:<{width}}  {said}".rstrip())
    site = ["--site", _quoted(folder)] if args.prog != "akhbar" else []
    prefix = "" if site else f"cd {_quoted(folder)} && "
    build = [args.prog, "build", *site] + (["--all-shards"] if args.shards else [])
    print(_("Build it: {command}").format(command=prefix + " ".join(build)))
    print(_("Preview it while you edit: {command}").format(command=prefix + " ".join([args.prog, "serve", *site])))
    if not made.source_known:
        print(_("Before publishing: requirements.txt asks for {requirement}, but this akhbar was installed from "
                "a copy GitHub cannot reach; put its git address there (see the comment in the file).").format(
                    requirement=made.requirement))
    return EXIT_OK


def _import_wordpress(args: argparse.Namespace) -> int:
    from .importer import import_wordpress

    problems = Problems()
    try:
        report = import_wordpress(args.wordpress, args.site.resolve(), args.into, args.force, problems,
                                  pages=args.pages, uploads=args.uploads)
    except SiteError as exc:
        _print_problems(exc.problems, True, sys.stderr)
        print(_("Nothing was imported."), file=sys.stderr)
        return EXIT_PROBLEMS
    if problems.warnings:
        print(count(len(problems.warnings), "{n} thing to check in the imported articles (each kept as text, "
                    "made a link or left out, as it says):", "{n} things to check in the imported articles "
                    "(each kept as text, made a link or left out, as it says):"), file=sys.stderr)
        _numbered(sorted(problems.warnings), sys.stderr)
    for line in _wordpress_summary(report, args):
        print(line)
    return EXIT_OK


SKIPPED_WORDS = {"draft": Nn_("{n} draft", "{n} drafts"), "scheduled": Nn_("{n} scheduled", "{n} scheduled"),
                 "private": Nn_("{n} private", "{n} private"), "trashed": Nn_("{n} trashed", "{n} trashed"),
                 "password-protected": Nn_("{n} password-protected", "{n} password-protected")}
ITEM_WORDS = {"attachment": Nn_("{n} attachment (images are taken from it)",
                                "{n} attachments (images are taken from them)"),
              "nav_menu_item": Nn_("{n} menu item", "{n} menu items"),
              "revision": Nn_("{n} revision", "{n} revisions")}


def _wordpress_summary(report, args: argparse.Namespace) -> list[str]:  # type: ignore[no-untyped-def]
    """What the WordPress import did, line by line: imported, images, skipped, not imported."""
    lines = [_("Imported {posts} and {pages} into {folder}; {aliases}.").format(
        posts=count(report.posts, "{n} post", "{n} posts"), pages=pages(report.pages),
        folder=_shown(report.folder),
        aliases=count(report.aliases, "{n} old address kept as an alias", "{n} old addresses kept as aliases"))]
    lines.append(_("Images: {copied} from --uploads, {remote}, {linked}.").format(
        copied=count(report.copied, "{n} copied", "{n} copied"),
        remote=count(report.remote, "{n} shown from its https:// address", "{n} shown from their https:// address"),
        linked=count(report.linked, "{n} only linked (http://)", "{n} only linked (http://)")))
    skipped = sum(report.skipped.values())
    if skipped:
        reasons = _(", ").join(count(n, *SKIPPED_WORDS.get(why, ("{n} " + why, "{n} " + why)))
                            for why, n in sorted(report.skipped.items()))
        lines.append(count(skipped, "Skipped {n} post that is not published: {reasons}.",
                           "Skipped {n} posts that are not published: {reasons}.", reasons=reasons))
    ignored = dict(report.ignored)
    left_out = ignored.pop("page", 0)
    if left_out:
        lines.append(count(left_out, "Not imported: {n} page (use --pages to import it).",
                           "Not imported: {n} pages (use --pages to import them)."))
    if ignored or report.comments:
        kinds = _(", ").join(count(n, *ITEM_WORDS.get(kind, ("{n} " + kind, "{n} " + kind)))
                          for kind, n in sorted(ignored.items()))
        lines.append(_("Not articles, not imported: {kinds}{comments}.").format(
            kinds=kinds or _("nothing else"),
            comments=count(report.comments, "; {n} comment", "; {n} comments") if report.comments else ""))
    return lines


def _import(args: argparse.Namespace) -> int:
    from .importer import import_articles

    problems = Problems()
    try:
        written = import_articles(args.sources, args.metadata, args.site.resolve(), args.into,
                                  args.force, problems)
    except SiteError as exc:
        _print_problems(exc.problems, True, sys.stderr)
        print(_("Nothing was imported."), file=sys.stderr)
        return EXIT_PROBLEMS
    _print_problems(problems, True, sys.stderr)
    print(count(written, "Imported {n} article into {folder}.", "Imported {n} articles into {folder}.",
                folder=_shown(args.site.resolve() / "content" / args.into)))
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
