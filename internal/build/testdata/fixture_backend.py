"""A small PEP 517 / PEP 660 build backend for ferry's tests.

It builds pure-Python projects laid out as pyproject.toml [project]
(name, version, dependencies, requires-python) plus one package directory
named like the project, using only the standard library. [tool.fixture]
steers it:

    wheel-requires = [...]   returned by get_requires_for_build_wheel
    sdist-requires = [...]   returned by get_requires_for_build_sdist
    fail = true              every build hook fails (as config setting "fail")

When FIXTURE_BACKEND_LOG names a file, every build hook appends a line
"<hook> <project>" to it (tests count builds with it).

Config settings: "fail" makes every build hook print a line and raise;
"summary" becomes the Summary field; every setting is recorded in the
wheel's .dist-info/config_settings.json.

The object `no_prepare` is the same backend without
prepare_metadata_for_build_wheel and without build_editable.
"""
import base64
import hashlib
import io
import json
import os
import sys
import tarfile
import zipfile

try:
    import tomllib
except ImportError:  # Python < 3.11
    tomllib = None


def _project():
    with open("pyproject.toml", "rb") as f:
        data = tomllib.load(f)
    return data.get("project", {}), data.get("tool", {}).get("fixture", {})


def _names():
    proj, _ = _project()
    name = proj["name"]
    return name, proj["version"], name.replace("-", "_").lower()


def _metadata(config_settings):
    proj, _ = _project()
    lines = ["Metadata-Version: 2.1", "Name: " + proj["name"], "Version: " + proj["version"]]
    summary = (config_settings or {}).get("summary")
    if summary is not None:
        lines.append("Summary: " + json.dumps(summary))
    if "requires-python" in proj:
        lines.append("Requires-Python: " + proj["requires-python"])
    for dep in proj.get("dependencies", []):
        lines.append("Requires-Dist: " + dep)
    return "\n".join(lines) + "\n"


def _check(config_settings, hook):
    log = os.environ.get("FIXTURE_BACKEND_LOG")
    if log:
        with open(log, "a") as f:
            f.write(hook + " " + _names()[0] + "\n")
    if (config_settings and "fail" in config_settings) or _project()[1].get("fail"):
        print("fixture backend: about to fail in " + hook)
        raise RuntimeError("asked to fail (" + hook + ")")


def _distinfo(config_settings):
    name, version, mod = _names()
    di = mod + "-" + version + ".dist-info"
    return di, {
        di + "/METADATA": _metadata(config_settings),
        di + "/WHEEL": "Wheel-Version: 1.0\nGenerator: fixture-backend\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
        di + "/config_settings.json": json.dumps(config_settings or {}, sort_keys=True),
    }


def _write_wheel(directory, files, di):
    name, version, mod = _names()
    filename = mod + "-" + version + "-py3-none-any.whl"
    records = []
    with zipfile.ZipFile(os.path.join(directory, filename), "w") as z:
        for path in sorted(files):
            data = files[path].encode() if isinstance(files[path], str) else files[path]
            z.writestr(zipfile.ZipInfo(path, (1980, 1, 1, 0, 0, 0)), data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            records.append("%s,sha256=%s,%d" % (path, digest, len(data)))
        records.append(di + "/RECORD,,")
        z.writestr(zipfile.ZipInfo(di + "/RECORD", (1980, 1, 1, 0, 0, 0)), "\n".join(records) + "\n")
    return filename


def get_requires_for_build_wheel(config_settings=None):
    return list(_project()[1].get("wheel-requires", []))


def get_requires_for_build_sdist(config_settings=None):
    return list(_project()[1].get("sdist-requires", []))


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    di, files = _distinfo(config_settings)
    os.makedirs(os.path.join(metadata_directory, di))
    with open(os.path.join(metadata_directory, di, "METADATA"), "w") as f:
        f.write(files[di + "/METADATA"])
    return di


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    _check(config_settings, "build_wheel")
    print("fixture backend: building a wheel")
    name, version, mod = _names()
    di, files = _distinfo(config_settings)
    for root, _, names in os.walk(mod):
        for n in names:
            if n.endswith(".py"):
                p = os.path.join(root, n)
                with open(p, "rb") as f:
                    files[p.replace(os.sep, "/")] = f.read()
    return _write_wheel(wheel_directory, files, di)


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    _check(config_settings, "build_editable")
    name, version, mod = _names()
    di, files = _distinfo(config_settings)
    files["_" + mod + "_editable.pth"] = os.path.abspath(".") + "\n"
    return _write_wheel(wheel_directory, files, di)


def build_sdist(sdist_directory, config_settings=None):
    _check(config_settings, "build_sdist")
    name, version, mod = _names()
    base = mod + "-" + version
    filename = base + ".tar.gz"
    with tarfile.open(os.path.join(sdist_directory, filename), "w:gz") as t:
        pkg_info = _metadata(config_settings).encode()
        ti = tarfile.TarInfo(base + "/PKG-INFO")
        ti.size = len(pkg_info)
        t.addfile(ti, io.BytesIO(pkg_info))
        for root, dirs, names in os.walk("."):
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in ("dist", "__pycache__"))
            for n in sorted(names):
                if n == "PKG-INFO":
                    continue
                p = os.path.normpath(os.path.join(root, n))
                t.add(p, arcname=base + "/" + p.replace(os.sep, "/"))
    return filename


class _NoPrepare:
    get_requires_for_build_wheel = staticmethod(get_requires_for_build_wheel)
    build_wheel = staticmethod(build_wheel)
    build_sdist = staticmethod(build_sdist)


no_prepare = _NoPrepare()


class UnsupportedOperation(Exception):
    pass


class _NoSdist:
    build_wheel = staticmethod(build_wheel)

    @staticmethod
    def build_sdist(sdist_directory, config_settings=None):
        raise UnsupportedOperation("this backend makes no sdists")


no_sdist = _NoSdist()
