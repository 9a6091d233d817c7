"""ferry's native build backend as a PEP 517 / PEP 660 backend.

A project opts in with

    [build-system]
    requires = ["ferry"]
    build-backend = "ferry.backend"

and any frontend (pip, python -m build, ferry itself) builds it. Every
hook runs ``ferry build --backend native`` in the source tree and reads
the file it wrote from ``--json`` on stdout; ferry's diagnostics go to
stderr, where the frontend shows them. Config settings become ``-C
key=value`` arguments (a list gives one argument per item).
"""
import json
import os
import subprocess

from ferry._binary import find

__all__ = [
    "build_sdist",
    "build_wheel",
    "build_editable",
    "get_requires_for_build_sdist",
    "get_requires_for_build_wheel",
    "get_requires_for_build_editable",
]


def _settings(config_settings):
    args = []
    for key in sorted(config_settings or {}):
        value = config_settings[key]
        for item in value if isinstance(value, (list, tuple)) else [value]:
            args += ["-C", "%s=%s" % (key, item)]
    return args


def _build(mode, directory, config_settings):
    cmd = [find(), "build", mode, "--backend", "native", "--json",
           "-o", os.path.abspath(directory)] + _settings(config_settings) + ["."]
    proc = subprocess.run(cmd, stdout=subprocess.PIPE)
    if proc.returncode != 0:
        raise RuntimeError("ferry build %s failed (exit status %d); its error is above" % (mode, proc.returncode))
    files = json.loads(proc.stdout.decode("utf-8"))["files"]
    if len(files) != 1:
        raise RuntimeError("ferry build %s wrote %d files, expected one" % (mode, len(files)))
    return files[0]["filename"]


def get_requires_for_build_sdist(config_settings=None):
    return []


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_editable(config_settings=None):
    return []


def build_sdist(sdist_directory, config_settings=None):
    return _build("--sdist", sdist_directory, config_settings)


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    return _build("--wheel", wheel_directory, config_settings)


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    return _build("--editable", wheel_directory, config_settings)
