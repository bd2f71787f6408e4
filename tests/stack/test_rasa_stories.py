"""Rasa's own end-to-end test stories (tests/stories/), including unhappy paths, must all pass."""
import subprocess

from bot.paths import MODEL, RASA, ROOT, rasa_env


def test_rasa_test_stories_pass(tmp_path):
    stories = ROOT / "tests" / "stories"
    cmd = [str(RASA), "test", "core", "--stories", str(stories), "--model", str(MODEL), "--out", str(tmp_path),
           "--fail-on-prediction-errors", "--no-plot"]
    result = subprocess.run(cmd, cwd=ROOT, env=rasa_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    failed = tmp_path / "failed_test_stories.yml"
    detail = failed.read_text(encoding="utf-8") if failed.exists() else result.stdout[-4000:]
    assert result.returncode == 0, detail
