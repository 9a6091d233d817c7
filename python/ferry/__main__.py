"""python -m ferry ARGS: run the ferry program with ARGS."""
import os
import subprocess
import sys

from ferry._binary import find


def main():
    exe = find()
    if os.name == "nt":
        sys.exit(subprocess.call([exe] + sys.argv[1:]))
    os.execv(exe, [exe] + sys.argv[1:])


if __name__ == "__main__":
    main()
