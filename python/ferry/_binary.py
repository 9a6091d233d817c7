"""Finding the ferry program."""
import os
import shutil


def find():
    """Return the path of the ferry program: $FERRY_BINARY, else the copy
    inside this package (ferry/bin/ferry), else the first on PATH."""
    name = "ferry.exe" if os.name == "nt" else "ferry"
    explicit = os.environ.get("FERRY_BINARY")
    if explicit:
        return explicit
    bundled = os.path.join(os.path.dirname(os.path.abspath(__file__)), "bin", name)
    if os.path.isfile(bundled) and os.access(bundled, os.X_OK):
        return bundled
    found = shutil.which(name)
    if found:
        return found
    raise RuntimeError(
        "the ferry program was not found: not in %s, not on PATH (set FERRY_BINARY)" % bundled
    )
