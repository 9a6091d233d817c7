# ferry zipapp bootstrap: the __main__.py of every executable zip that
# `ferry bundle --format zipapp` writes. Standard library only, Python 3.8+.
#
# Layout of the zip (see internal/zipapp in ferry's source):
#   __main__.py            this file
#   .ferry/bundle.json     the manifest (entry point, options, content hash)
#   site-packages/         distributions imported straight from the zip
#   extract/               distributions that must live on disk (native code,
#                          not zip-safe); extracted once per content hash
#
# Environment:
#   FERRY_ZIPAPP_ROOT          where extract/ is unpacked
#                              (default $XDG_CACHE_HOME/ferry/zipapps or
#                              ~/.cache/ferry/zipapps), one directory per hash
#   FERRY_ZIPAPP_INHERIT_PATH  1/true/yes keeps the host's site-packages on
#                              sys.path, 0/false/no removes them, whatever the
#                              manifest says
#   FERRY_ZIPAPP_DEBUG         1 prints what the bootstrap does to stderr
#   PYTHONPATH                 honoured: its entries stay on sys.path, after
#                              the bundle's own directories

import sys

PREFIX = "ferry bundle: "
SITE = "site-packages"
EXTRACT = "extract/"
MANIFEST = ".ferry/bundle.json"


def _fail(message):
    sys.stderr.write(PREFIX + message + "\n")
    sys.stderr.flush()
    sys.exit(1)


def _debug(message):
    import os

    if os.environ.get("FERRY_ZIPAPP_DEBUG", "") not in ("", "0"):
        sys.stderr.write("ferry zipapp: " + message + "\n")


def _flag(value):
    value = value.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    return None


def _python_ok(spec):
    """Check sys.version_info against a Requires-Python string. Clauses of
    numeric versions with the operators of PEP 440 are checked; any other
    clause is ignored rather than guessed at."""
    import re

    current = tuple(sys.version_info[:3])
    for clause in spec.split(","):
        clause = clause.strip()
        if not clause:
            continue
        m = re.match(r"^(~=|===|==|!=|<=|>=|<|>)\s*v?([0-9]+(?:\.[0-9]+)*)(\.\*)?$", clause)
        if not m:
            continue
        op, text, star = m.group(1), m.group(2), m.group(3)
        want = tuple(int(x) for x in text.split("."))
        width = max(len(want), len(current))
        a = current + (0,) * (width - len(current))
        b = want + (0,) * (width - len(want))
        if star:
            prefix = (current + (0,) * len(want))[: len(want)]
            ok = prefix == want
            if op == "!=":
                ok = not ok
            elif op != "==":
                continue
        elif op in ("==", "==="):
            ok = a == b
        elif op == "!=":
            ok = a != b
        elif op == "<=":
            ok = a <= b
        elif op == ">=":
            ok = a >= b
        elif op == "<":
            ok = a < b
        elif op == ">":
            ok = a > b
        else:  # ~=
            ok = a >= b and len(want) >= 2 and current[: len(want) - 1] == want[:-1]
        if not ok:
            return False
    return True


def _norm(path):
    import os

    return os.path.normcase(os.path.abspath(path))


def _under(path, dirs):
    import os

    for d in dirs:
        if path == d or path.startswith(d.rstrip(os.sep) + os.sep):
            return True
    return False


def _isolate(zip_path):
    """Drop the host's site-packages (and whatever .pth files added) from
    sys.path, keeping the standard library, the zip and PYTHONPATH."""
    import os
    import sysconfig

    paths = sysconfig.get_paths()
    stdlib = [_norm(paths[k]) for k in ("stdlib", "platstdlib") if paths.get(k)]
    stdlib.append(_norm(os.path.join(sys.base_prefix, "DLLs")))
    stdzip = "python%d%d.zip" % sys.version_info[:2]
    keep_env = set()
    if not sys.flags.ignore_environment:
        for p in os.environ.get("PYTHONPATH", "").split(os.pathsep):
            if p:
                keep_env.add(_norm(p))

    def is_site(p):
        parts = p.replace("\\", "/").lower().split("/")
        return "site-packages" in parts or "dist-packages" in parts

    kept, removed = [], []
    for entry in sys.path:
        p = _norm(entry) if entry else _norm(".")
        if (
            p == zip_path
            or p in keep_env
            or os.path.basename(p) == stdzip
            or (_under(p, stdlib) and not is_site(p))
        ):
            kept.append(entry)
        else:
            removed.append(p)
    sys.path[:] = kept
    if not removed:
        return
    _debug("removed from sys.path: " + os.pathsep.join(removed))
    # Modules the site module or .pth files imported from those directories,
    # and the import hooks they installed, go too.
    gone = set()
    for name, mod in list(sys.modules.items()):
        f = getattr(mod, "__file__", None)
        if f and _under(_norm(f), removed) and name != "__main__":
            del sys.modules[name]
            gone.add(name)
    if gone:
        sys.meta_path[:] = [f for f in sys.meta_path if getattr(f, "__module__", None) not in gone]
        sys.path_hooks[:] = [h for h in sys.path_hooks if getattr(h, "__module__", None) not in gone]
        sys.path_importer_cache.clear()


def _lock(path):
    """Take an exclusive lock on path; returns a release function."""
    import os

    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX)
    except ImportError:
        try:
            import msvcrt

            while True:
                try:
                    msvcrt.locking(fd, msvcrt.LK_LOCK, 1)
                    break
                except OSError:
                    pass
        except ImportError:
            pass

    def release():
        os.close(fd)

    return release


def _extract(zf, digest):
    """Unpack extract/ into <root>/<digest> once, atomically: into a
    temporary directory beside it, then renamed. A lock makes concurrent
    first runs wait for one extraction; the rename alone keeps them safe
    where no lock is available."""
    import os
    import shutil
    import tempfile

    root = os.environ.get("FERRY_ZIPAPP_ROOT")
    if not root:
        cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        root = os.path.join(cache, "ferry", "zipapps")
    target = os.path.join(os.path.abspath(root), digest)
    if os.path.isdir(target):
        return target
    try:
        os.makedirs(root, exist_ok=True)
        release = _lock(os.path.join(root, digest + ".lock"))
    except OSError as e:
        _fail("cannot extract native code to %s: %s (set FERRY_ZIPAPP_ROOT to a writable directory)" % (root, e))
    try:
        if os.path.isdir(target):
            return target
        tmp = tempfile.mkdtemp(prefix="." + digest[:16] + "-", dir=root)
        try:
            for info in zf.infolist():
                name = info.filename
                if not name.startswith(EXTRACT) or name == EXTRACT:
                    continue
                parts = [p for p in name[len(EXTRACT):].split("/") if p]
                if not parts or any(p in (".", "..") or ":" in p or "\\" in p for p in parts):
                    _fail("refusing to extract %r" % name)
                dest = os.path.join(tmp, *parts)
                if info.is_dir():
                    os.makedirs(dest, exist_ok=True)
                    continue
                os.makedirs(os.path.dirname(dest), exist_ok=True)
                with zf.open(info) as src, open(dest, "wb") as dst:
                    shutil.copyfileobj(src, dst)
                if (info.external_attr >> 16) & 0o111:
                    os.chmod(dest, 0o755)
            try:
                os.rename(tmp, target)
            except OSError:
                if not os.path.isdir(target):
                    raise
                _debug("another process extracted " + target)
            else:
                _debug("extracted " + target)
        finally:
            if os.path.isdir(tmp):
                shutil.rmtree(tmp, ignore_errors=True)
    except OSError as e:
        _fail("cannot extract native code to %s: %s (set FERRY_ZIPAPP_ROOT to a writable directory)" % (root, e))
    finally:
        release()
    return target


def _canon(name):
    import re

    return re.sub(r"[-_.]+", "-", name).lower()


def _zip_distribution_class():
    """A Distribution whose files are read from the open zip (zipfile.Path
    over a shared ZipFile closes it on some Python versions)."""
    import importlib.metadata as metadata

    class ZipDistribution(metadata.Distribution):
        def __init__(self, finder, at):
            self._zf = finder._zf
            self._finder = finder
            self._at = at

        def read_text(self, filename):
            try:
                return self._zf.read(self._at + filename).decode("utf-8")
            except KeyError:
                return None

        def locate_file(self, path):
            return self._finder._root().joinpath(SITE + "/" + str(path))

    return ZipDistribution


class _BundleDistributions:
    """A sys.meta_path finder that lets importlib.metadata see the
    .dist-info directories inside the zip's site-packages/ (its own path
    finder reads only the root of a zip on sys.path)."""

    def __init__(self, zf, zip_path, entry):
        self._zf = zf
        self._zip_path = zip_path
        self._entry = entry
        self._dists = []
        self._cls = None
        self._zip_root = None
        prefix = SITE + "/"
        seen = set()
        for name in zf.namelist():
            if not name.startswith(prefix):
                continue
            top = name[len(prefix):].split("/", 1)[0]
            if top.endswith(".dist-info") and top not in seen:
                seen.add(top)
                self._dists.append((_canon(top[: -len(".dist-info")].split("-", 1)[0]), prefix + top + "/"))
        self._dists.sort()

    def _root(self):
        # A zipfile.Path over a ZipFile of its own: built from a shared
        # ZipFile it would close that one on Python 3.9.
        import zipfile

        if self._zip_root is None:
            self._zip_root = zipfile.Path(self._zip_path)
        return self._zip_root

    def find_spec(self, fullname, path=None, target=None):
        return None

    def find_distributions(self, context=None):
        import importlib.metadata as metadata

        if context is None:
            context = metadata.DistributionFinder.Context()
        if self._entry not in [_norm(p) for p in context.path if isinstance(p, str)]:
            return
        want = getattr(context, "name", None)
        want = _canon(want) if want else None
        if self._cls is None:
            self._cls = _zip_distribution_class()
        for key, at in self._dists:
            if want is None or key == want:
                yield self._cls(self, at)


def _run(manifest):
    import importlib

    ep = manifest.get("entry_point") or ""
    module = manifest.get("module") or ""
    if ep:
        modname, _, attrs = ep.partition(":")
        label = manifest.get("script") or ep
        try:
            obj = importlib.import_module(modname.strip())
            for attr in attrs.strip().split("."):
                if attr:
                    obj = getattr(obj, attr)
        except (ImportError, AttributeError) as e:
            _fail("entry point %r could not be imported: %s: %s" % (label, type(e).__name__, e))
        sys.exit(obj())
    if module:
        import importlib.util
        import runpy

        try:
            spec = importlib.util.find_spec(module)
        except (ImportError, ValueError) as e:
            _fail("module %r could not be imported: %s: %s" % (module, type(e).__name__, e))
        if spec is None:
            _fail("module %r could not be imported: ModuleNotFoundError: No module named %r" % (module, module))
        runpy.run_module(module, run_name="__main__", alter_sys=True)
        return
    _fail("the bundle names no entry point")


def _main():
    import json
    import os
    import zipfile

    zip_path = _norm(os.path.dirname(__file__))
    try:
        zf = zipfile.ZipFile(zip_path)
        manifest = json.loads(zf.read(MANIFEST).decode("utf-8"))
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as e:
        _fail("cannot read the bundle manifest %s in %s: %s" % (MANIFEST, zip_path, e))
    if manifest.get("format") != 1:
        _fail("unsupported bundle format %r (this bootstrap reads format 1)" % manifest.get("format"))

    requires = manifest.get("requires_python") or ""
    if requires and not _python_ok(requires):
        _fail(
            "this bundle requires Python %s; %s is Python %s"
            % (requires, sys.executable or "the interpreter", ".".join(map(str, sys.version_info[:3])))
        )

    inherit = bool(manifest.get("inherit_path"))
    override = _flag(os.environ.get("FERRY_ZIPAPP_INHERIT_PATH", ""))
    if override is not None:
        inherit = override
    if not inherit:
        _isolate(zip_path)

    front = []
    if manifest.get("extract"):
        front.append(_extract(zf, manifest.get("hash") or "unhashed"))
    site = os.path.join(zip_path, SITE)
    front.append(site)
    rest = [p for p in sys.path if _norm(p or ".") != zip_path]
    sys.path[:] = [zip_path] + front + rest
    sys.meta_path.append(_BundleDistributions(zf, zip_path, _norm(site)))
    _debug("sys.path: " + os.pathsep.join(sys.path))
    _run(manifest)


if __name__ == "__main__":
    _main()
