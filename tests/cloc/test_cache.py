"""The incremental cache: warm counts parse nothing, a changed file is counted alone, bad caches rebuilt."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from agent.cloc import count_paths
from agent.cloc import workers as workers_module
from agent.cloc.cache import FILE_NAME, default_cache_dir
from agent.cloc.parsers import LineCount, Outcome
from tests.cloc.conftest import ModuleBuilder


class CountingSpy:
    """Wraps the text counter used on file contents, to record how many contents were parsed."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.parsed: list[str] = []
        original = workers_module.count_text

        def spy(text: str, ext: str, max_line_size: int | None) -> Outcome:
            self.parsed.append(text)
            return original(text, ext, max_line_size)

        monkeypatch.setattr(workers_module, "count_text", spy)


@pytest.fixture
def module(make_module: ModuleBuilder) -> str:
    return make_module(
        "cached",
        {"a.py": "x = 1\n", "b.py": "y = 2\nz = 3\n", "v.xml": "<odoo/>\n", "s.scss": "a { }\n"},
        manifest={"name": "c"},
    )


def test_warm_count_parses_nothing_and_gives_the_same_result(
    module: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    cold = count_paths([module], cache_dir=cache, workers=1).to_json()
    spy = CountingSpy(monkeypatch)
    warm = count_paths([module], cache_dir=cache, workers=1).to_json()
    assert warm == cold
    assert spy.parsed == []


def test_a_changed_file_is_counted_alone(
    module: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    count_paths([module], cache_dir=cache, workers=1)
    Path(module, "b.py").write_text("y = 2\n")
    spy = CountingSpy(monkeypatch)
    result = count_paths([module], cache_dir=cache, workers=1)
    assert spy.parsed == ["y = 2\n"]
    assert result.modules["cached"].files[f"{module}/b.py"] == LineCount(1, 1)


def test_touched_file_reuses_the_count_of_its_content(
    module: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    count_paths([module], cache_dir=cache, workers=1)
    os.utime(os.path.join(module, "a.py"), ns=(1, 1))
    spy = CountingSpy(monkeypatch)
    count_paths([module], cache_dir=cache, workers=1)
    assert spy.parsed == []


@pytest.mark.parametrize(
    "content",
    [
        b"\x00garbage",
        b'{"format": "something-else", "version": 1}',
        b"[1, 2, 3]",
        json.dumps(
            {"format": "prioritysupport-cloc-cache", "version": 1, "python": "2.7", "files": {}, "counts": {}}
        ).encode(),
    ],
)
def test_corrupt_or_foreign_cache_is_ignored_and_rebuilt(module: str, tmp_path: Path, content: bytes) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / FILE_NAME).write_bytes(content)
    expected = count_paths([module]).to_json()
    assert count_paths([module], cache_dir=cache).to_json() == expected
    rebuilt = json.loads((cache / FILE_NAME).read_text())
    assert rebuilt["format"] == "prioritysupport-cloc-cache"
    assert len(rebuilt["files"]) == 4


def test_poisoned_entries_are_not_trusted(module: str, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    expected = count_paths([module], cache_dir=cache).to_json()
    data = json.loads((cache / FILE_NAME).read_text())
    for digest in data["counts"]:
        data["counts"][digest] = {kind: [-5, "x"] for kind in data["counts"][digest]}
    (cache / FILE_NAME).write_text(json.dumps(data))
    assert count_paths([module], cache_dir=cache).to_json() == expected


def test_cache_survives_in_one_file_written_atomically(module: str, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    count_paths([module], cache_dir=cache)
    assert sorted(os.listdir(cache)) == [FILE_NAME]


def test_default_location_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == tmp_path / "xdg" / "prioritysupport"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_cache_dir() == tmp_path / "home" / ".cache" / "prioritysupport"


def test_parallel_cold_count_equals_in_process(real_addons: list[str], tmp_path: Path) -> None:
    parallel = count_paths(real_addons, workers=2, cache_dir=tmp_path / "c").to_json()
    assert parallel == count_paths(real_addons, workers=1).to_json()
    assert parallel == count_paths(real_addons, cache_dir=tmp_path / "c").to_json()


def test_new_file_and_manifest_change_are_seen(module: str, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    count_paths([module], cache_dir=cache)
    Path(module, "models").mkdir()
    Path(module, "models", "new.py").write_text("a = 1\n")
    assert f"{module}/models/new.py" in count_paths([module], cache_dir=cache).modules["cached"].files
    Path(module, "__manifest__.py").write_text(repr({"cloc_exclude": ["models/*.py"]}))
    files = count_paths([module], cache_dir=cache).modules["cached"].files
    assert f"{module}/models/new.py" not in files
    assert files == count_paths([module]).modules["cached"].files


def test_poisoned_module_snapshot_is_not_trusted(module: str, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    expected = count_paths([module], cache_dir=cache).to_json()
    data = json.loads((cache / FILE_NAME).read_text())
    for snapshot in data["modules"].values():
        snapshot["files"].append(["/etc/hostname.py", ".py"])
        snapshot["folders"] = []
    (cache / FILE_NAME).write_text(json.dumps(data))
    assert count_paths([module], cache_dir=cache).to_json() == expected
