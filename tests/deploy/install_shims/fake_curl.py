"""Install test stand-in for `curl -fsS [--retry N --retry-connrefused] URL`: GET the URL (port 8480 -> the
test's port), print the body, exit 22 on an HTTP error as curl -f does; retry a refused connection N times,
waiting 1 s, then twice as long each time (as curl does)."""

from __future__ import annotations

import os
import sys
import time
import urllib.error
import urllib.request


def main(argv: list[str]) -> int:
    url = next(arg for arg in argv if arg.startswith("http"))
    url = url.replace("127.0.0.1:8480", f"127.0.0.1:{os.environ['PS_INSTALL_TEST_PORT']}")
    retries = int(argv[argv.index("--retry") + 1]) if "--retry" in argv else 0
    for attempt in range(retries + 1):
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                sys.stdout.write(response.read().decode() + "\n")
                return 0
        except urllib.error.HTTPError as error:
            print(f"curl: (22) The requested URL returned error: {error.code}", file=sys.stderr)
            return 22
        except OSError as error:
            if attempt == retries or "--retry-connrefused" not in argv:
                print(f"curl: (7) {error}", file=sys.stderr)
                return 7
            time.sleep(2**attempt)
    return 7


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
