"""Every relative link in the repository's Markdown pages (README, CONTRIBUTING, SECURITY, docs/, the examples and the
cassettes' README) names a file or folder that exists, and a #fragment names a heading of that page, as GitHub spells
heading anchors. Run by `make lint`; exits 1 naming each broken link."""

import re
import sys
from pathlib import Path

LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
FENCE = re.compile(r"^```.*?^```", re.S | re.M)


def anchors(page):
    text = FENCE.sub("", page.read_text())
    found = set()
    for heading in re.findall(r"^#+ (.+)$", text, re.M):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower().replace("`", "")).replace(" ", "-")
        found.add(slug)
    return found


def main(root):
    pages = [p for p in [*root.glob("*.md"), *root.glob("docs/*.md"), *root.glob("Examples/**/*.md"),
                         root / "cassettes/README.md"] if p.exists() and ".build" not in p.parts]
    problems = []
    for page in pages:
        text = FENCE.sub("", page.read_text())
        for target in LINK.findall(text):
            if re.match(r"[a-z]+:", target):
                continue
            path, _, fragment = target.partition("#")
            resolved = (page.parent / path).resolve() if path else page
            if not resolved.exists():
                problems.append(f"{page.relative_to(root)}: {target}: no such file")
            elif fragment and resolved.suffix == ".md" and fragment not in anchors(resolved):
                problems.append(f"{page.relative_to(root)}: {target}: no heading #{fragment} there")
    for problem in problems:
        print(f"markdown-links: {problem}", file=sys.stderr)
    print(f"markdown-links: {len(pages)} pages, {len(problems)} broken links")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(Path(__file__).resolve().parent.parent))
