"""Install test stand-in for systemctl: `enable --now UNIT` does what systemd would do with the installed
unit file, inside $ROOT: create its StateDirectory for its User, run ExecStartPre and then ExecStart in the
background as that user (setpriv), with /etc/prioritysupport and /opt/prioritysupport under $ROOT. A unit
with DynamicUser (the agent) is only checked to be installed: it needs the customer's Odoo to do anything.
`daemon-reload` does nothing."""

from __future__ import annotations

import configparser
import os
import pwd
import subprocess
import sys
from pathlib import Path


def _unit(root: Path, name: str) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    path = root / "etc" / "systemd" / "system" / f"{name}.service"
    parser.read_string(path.read_text(encoding="utf-8"))
    return parser["Service"]


def _rooted(command: str, root: Path) -> list[str]:
    for prefix in ("/opt/prioritysupport", "/etc/prioritysupport"):
        command = command.replace(prefix, f"{root}{prefix}")
    return command.split()


def start(root: Path, name: str) -> int:
    service = _unit(root, name)
    if service.get("DynamicUser") == "yes":
        print(f"{name}: installed (DynamicUser unit: not started by the install test)")
        return 0
    user = pwd.getpwnam(service["User"])
    state = root / "var" / "lib" / service["StateDirectory"]
    state.mkdir(parents=True, exist_ok=True)
    os.chown(state, user.pw_uid, user.pw_gid)
    state.chmod(int(service.get("StateDirectoryMode", "0755"), 8))
    as_user = ["setpriv", f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--init-groups", "--"]
    umask = service.get("UMask")
    if umask:
        os.umask(int(umask, 8))
    for pre in [line for line in service.get("ExecStartPre", "").splitlines() if line]:
        done = subprocess.run(as_user + _rooted(pre, root), check=False)
        if done.returncode != 0:
            print(f"{name}: ExecStartPre failed with {done.returncode}", file=sys.stderr)
            return 1
    (root / "run").mkdir(exist_ok=True)
    log = (root / "run" / f"{name}.log").open("ab")
    process = subprocess.Popen(as_user + _rooted(service["ExecStart"], root), stdout=log, stderr=log)
    (root / "run" / f"{name}.pid").write_text(str(process.pid), encoding="utf-8")
    return 0


def main(argv: list[str]) -> int:
    root = Path(os.environ["ROOT"])
    if argv[:1] == ["daemon-reload"]:
        return 0
    if argv[:2] == ["enable", "--now"] and len(argv) == 3:
        return start(root, argv[2])
    print(f"systemctl {' '.join(argv)}: not known to the install test", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
