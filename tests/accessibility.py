"""The W3C Nu HTML checker and axe-core, run over the pages the browser journeys visit.

Both come from the npm registry, pinned, into a cache folder outside the project (installed on
first use); the Nu checker needs Java. A journey calls ``audit.check(page)`` on each page it
reaches: axe-core runs at once in the page (WCAG 2.1 A and AA rules), and the page's markup
is kept for the Nu checker, which reads every page of the journey in one run at the end.
"""

import json
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Page

CHECKERS = {"vnu-jar": "26.9.27", "axe-core": "4.14.1"}
DEFAULT_CACHE = Path.home() / ".cache" / "portal-cookies" / "checkers"
CACHE = Path(os.environ.get("PORTAL_COOKIES_CHECKERS", DEFAULT_CACHE))
VNU_JAR = CACHE / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_SCRIPT = CACHE / "node_modules" / "axe-core" / "axe.min.js"
AXE_RULES = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    # Only the violations are read: detailing what passed would double axe's time per page.
    "resultTypes": ["violations"],
}


def install_checkers() -> str | None:
    """Install the checkers if needed; the reason they cannot run, or None."""
    if shutil.which("java") is None:
        return "Java is needed for the W3C Nu checker: apt-get install default-jre-headless"
    installed = CACHE / "installed.json"
    if installed.exists() and json.loads(installed.read_text()) == CHECKERS:
        return None
    if shutil.which("npm") is None:
        return "npm is needed to install the accessibility checkers (vnu-jar, axe-core)"
    CACHE.mkdir(parents=True, exist_ok=True)
    packages = [f"{name}@{version}" for name, version in CHECKERS.items()]
    npm_install = ["npm", "install", "--no-audit", "--no-fund", "--silent", "--prefix", str(CACHE)]
    result = subprocess.run(
        [*npm_install, *packages],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode != 0 or not (VNU_JAR.exists() and AXE_SCRIPT.exists()):
        return f"could not install {', '.join(packages)} from the npm registry: {result.stderr}"
    installed.write_text(json.dumps(CHECKERS))
    return None


@dataclass
class PageAudit:
    """What the checkers found on the pages of one journey."""

    folder: Path
    pages: dict[Path, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def check(self, page: Page) -> None:
        """Run axe-core in ``page`` and keep its markup for the Nu checker."""
        url = page.url
        path = self.folder / f"page-{len(self.pages) + 1}.html"
        path.write_text(page.content(), encoding="utf-8")
        self.pages[path] = url
        # The pages' Content-Security-Policy forbids injected scripts: the browser context
        # is opened with bypass_csp for this.
        page.add_script_tag(content=AXE_SCRIPT.read_text(encoding="utf-8"))
        violations = page.evaluate("rules => axe.run(document, rules)", AXE_RULES)["violations"]
        for violation in violations:
            targets = "; ".join(" ".join(node["target"]) for node in violation["nodes"][:3])
            self.problems.append(f"axe {violation['id']} on {url}: {violation['help']} ({targets})")

    def validate_markup(self) -> None:
        """Run the Nu checker once over every page kept; its errors join the problems."""
        if not self.pages:
            return
        result = subprocess.run(
            ["java", "-jar", str(VNU_JAR), "--format", "json", *map(str, self.pages)],
            capture_output=True,
            text=True,
            timeout=300,
        )
        for message in json.loads(result.stderr or '{"messages": []}')["messages"]:
            if message["type"] == "error":
                url = self.pages.get(Path(message["url"].removeprefix("file:")), message["url"])
                line = message.get("lastLine", "?")
                self.problems.append(f"Nu checker on {url}, line {line}: {message['message']}")
