#!/usr/bin/env python3
"""Opens the built DocC site (output/docs) in headless Chromium, offline, and checks every page the catalogs define.

The pages come from the sources, not from the site: each module's landing page (`# ``Module``` in
Sources/<Module>/<Module>.docc/) and each article beside it. Each must render in the browser (DocC renders with
JavaScript, so a page that fails to load its data shows no title) with its title as the heading, and with at least as
many code listings as its source has code blocks and @Snippet directives, so a snippet that did not resolve is caught.
Swift in a catalog comes from Snippets/ (`@Snippet`), which `swift build` compiles; a fenced ```swift block is refused
unless it is a fragment of Package.swift (`.package(`, `.target(`, `.testTarget(`), which no snippet can be.
Every module's landing page must also curate all its symbols into topics of its own: DocC files what a landing page
leaves out under generated groups ("Structures", "Functions"), which the check refuses (only "Extended Modules", for
extensions of other modules' types, may be generated).
The site is served from 127.0.0.1 by Python's http.server; Chromium runs with no proxy and no network beyond it.

Usage: scripts/check-docs-site.py [SITE_DIR] [--screenshot FILE]   (SITE_DIR defaults to output/docs)
"""

import functools
import json
import glob
import html
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def pages():
    """(path, title, expected code listings, source) for every landing page and article of every catalog."""
    found = []
    for source in sorted(glob.glob(os.path.join(ROOT, "Sources", "*", "*.docc", "*.md"))):
        module = os.path.basename(os.path.dirname(source))[: -len(".docc")]
        text = open(source, encoding="utf-8").read()
        heading = text.split("\n", 1)[0]
        listings = text.count("\n```") // 2 + len(re.findall(r"^@Snippet\(", text, re.M))
        landing = re.fullmatch(r"# ``(\w+)``", heading)
        if landing:
            found.append((f"/documentation/{module.lower()}", landing.group(1), listings, source))
        else:
            stem = os.path.splitext(os.path.basename(source))[0].lower()
            found.append((f"/documentation/{module.lower()}/{stem}", heading[2:].strip(), listings, source))
    return found


def uncompiled_swift(text):
    """The first lines of fenced Swift blocks that are not Package.swift fragments."""
    blocks = re.findall(r"^```swift\n(.*?)^```", text, re.S | re.M)
    return [b.split("\n", 1)[0] for b in blocks if not re.match(r"\.(package|target|testTarget)\(", b)]


def main():
    arguments = sys.argv[1:]
    screenshot = None
    if "--screenshot" in arguments:
        index = arguments.index("--screenshot")
        screenshot = arguments[index + 1]
        del arguments[index : index + 2]
    site = os.path.abspath(arguments[0] if arguments else os.path.join(ROOT, "output", "docs"))
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        sys.exit("check-docs-site: no Chromium: run ZIMAGE_BROWSER_TESTS=1 bash scripts/bootstrap.sh")
    if not os.path.isfile(os.path.join(site, "index.html")):
        sys.exit(f"check-docs-site: no site at {site}: run make docs")

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=site))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    home = tempfile.mkdtemp(prefix="docs-chromium-")
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-proxy-server",
             "--disable-background-networking", "--virtual-time-budget=15000"]
    failures = []
    checked = pages()
    try:
        for path, title, listings, source in checked:
            result = subprocess.run([chromium, *flags, "--dump-dom", base + path], capture_output=True, text=True,
                                    timeout=120, env={**os.environ, "HOME": home})
            dom = result.stdout
            heading = re.search(r'<h1[^>]*class="title"[^>]*>(.*?)</h1>', dom, re.S)
            shown = html.unescape(re.sub(r"<[^>]+>", "", heading.group(1))).strip() if heading else None
            seen = dom.count('class="code-listing')
            problems = []
            if shown != title:
                problems.append(f"heading {shown!r}, expected {title!r}")
            if seen < max(listings, 1):
                problems.append(f"{seen} code listings, expected at least {max(listings, 1)}")
            for first in uncompiled_swift(open(source, encoding="utf-8").read()):
                problems.append(f"a ```swift block not from Snippets/ (starts {first!r}): use @Snippet")
            if path.count("/") == 2:
                data = os.path.join(site, "data", path.lstrip("/") + ".json")
                sections = json.load(open(data, encoding="utf-8")).get("topicSections", [])
                uncurated = [s["title"] for s in sections if s.get("generated") and s["title"] != "Extended Modules"]
                if uncurated:
                    problems.append("symbols left out of the landing page's topics, filed by DocC under "
                                    + ", ".join(uncurated))
            relative = os.path.relpath(source, ROOT)
            print(f"{'ok  ' if not problems else 'FAIL'} {path}: {title!r}, {seen} code listings ({relative})")
            if problems:
                failures.append(f"{path}: " + "; ".join(problems))
        if screenshot:
            subprocess.run([chromium, *flags, "--window-size=1280,1600", f"--screenshot={os.path.abspath(screenshot)}",
                            base + "/documentation/zimage/gettingstarted"], capture_output=True, timeout=120,
                           env={**os.environ, "HOME": home})
    finally:
        server.shutdown()
        shutil.rmtree(home, ignore_errors=True)
    if failures:
        print("check-docs-site: " + str(len(failures)) + " of " + str(len(checked)) + " pages failed:", file=sys.stderr)
        for failure in failures:
            print("  " + failure, file=sys.stderr)
        sys.exit(1)
    print(f"check-docs-site: {len(checked)} pages rendered with their titles and code listings")


if __name__ == "__main__":
    main()
