"""The Dockerfile and compose stack refer to files and commands that exist (no engine here to build them)."""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.deploy.components import DEPLOY, REPO, load_yaml

DOCKER = DEPLOY / "docker"


def _derive_module() -> object:
    spec = importlib.util.spec_from_file_location("ps_derive_configs", DOCKER / "derive_configs.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_container_copies_of_the_configs_are_current() -> None:
    derive = _derive_module()
    for source, copy, header, replacements in derive.DERIVED:  # type: ignore[attr-defined]
        assert copy.read_text(encoding="utf-8") == derive.derive(source, header, replacements), (  # type: ignore[attr-defined]
            f"{copy.name} is stale: run python deploy/docker/derive_configs.py"
        )


def test_dockerfile_copies_existing_paths_and_defines_the_targets() -> None:
    text = (DOCKER / "Dockerfile").read_text(encoding="utf-8")
    for line in re.findall(r"^COPY (.+)$", text, re.MULTILINE):
        *sources, _target = line.split()
        for source in sources:
            assert (REPO / source).exists(), f"Dockerfile copies {source}, which does not exist"
    targets = set(re.findall(r"^FROM \S+ AS (\S+)$", text, re.MULTILINE))
    compose = load_yaml(DOCKER / "compose.yaml")
    wanted = {s["build"]["target"] for s in compose["services"].values() if "build" in s}
    assert wanted <= targets


def test_compose_mounts_existing_files() -> None:
    compose = load_yaml(DOCKER / "compose.yaml")
    optional = {"./smtp-password", "./webhook-token"}  # secrets each installation creates
    for name, service in compose["services"].items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith(".") and source not in optional:
                assert (DOCKER / source).exists(), f"service {name} mounts {source}, which does not exist"


def _commands() -> list[list[str]]:
    compose = load_yaml(DOCKER / "compose.yaml")
    commands = [
        s["command"] for s in compose["services"].values() if s.get("image", "").startswith("prioritysupport")
    ]
    dockerfile = (DOCKER / "Dockerfile").read_text(encoding="utf-8")
    commands += [json.loads(match) for match in re.findall(r"^CMD (\[.+\])$", dockerfile, re.MULTILINE)]
    return commands


@pytest.mark.parametrize("command", _commands(), ids=lambda command: " ".join(command[:2]))
def test_container_commands_exist(command: list[str]) -> None:
    words = [word for word in command if not word.startswith("-") and not word.startswith("/")]
    result = subprocess.run(
        [str(Path(sys.executable).with_name("prioritysupport")), *words, "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "--config" in result.stdout
