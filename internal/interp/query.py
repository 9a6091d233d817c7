# ferry's interpreter query. ferry runs this once per interpreter as
# `python -E -c <this file>` and caches the JSON object it prints on its last
# line of output. It must stay valid Python 2.7 syntax (no f-strings, no
# keyword-only arguments) so that an interpreter ferry does not support can
# still report its version; everything past the basics needs Python 3.6+.
import sys

# Import nothing from the working directory.
sys.path[:] = [p for p in sys.path if p not in ("", ".")]

import json
import os
import platform

SCHEMA = 1


def version_dict(v):
    return {
        "major": v[0],
        "minor": v[1],
        "micro": v[2],
        "releaselevel": v[3],
        "serial": v[4],
    }


def implementation():
    impl = getattr(sys, "implementation", None)
    if impl is not None:
        return impl.name, impl.version
    return platform.python_implementation().lower(), sys.version_info


def full_version(v):
    # PEP 508's implementation_version: X.Y.Z plus a/b/rc and the serial
    # for anything but a final release.
    s = "%d.%d.%d" % (v[0], v[1], v[2])
    if v[3] != "final":
        s += {"alpha": "a", "beta": "b", "candidate": "rc"}.get(v[3], v[3]) + str(v[4])
    return s


def basics():
    name, impl_version = implementation()
    prefix = sys.prefix
    base_prefix = getattr(sys, "base_prefix", getattr(sys, "real_prefix", prefix))
    return {
        "schema": SCHEMA,
        "executable": sys.executable,
        "real_path": os.path.realpath(sys.executable) if sys.executable else "",
        "prefix": prefix,
        "base_prefix": base_prefix,
        "exec_prefix": sys.exec_prefix,
        "base_exec_prefix": getattr(sys, "base_exec_prefix", sys.exec_prefix),
        "is_venv": prefix != base_prefix,
        "version": version_dict(sys.version_info),
        "implementation": {"name": name, "version": version_dict(impl_version)},
    }


def base_executable(info):
    exe = getattr(sys, "_base_executable", None)
    if exe and (not info["is_venv"] or not exe.startswith(sys.prefix + os.sep)):
        return exe
    if not info["is_venv"]:
        return sys.executable
    # An interpreter in a venv without sys._base_executable (or one that
    # points back into the venv): the venv's home plus the executable's name.
    cfg = os.path.join(sys.prefix, "pyvenv.cfg")
    try:
        with open(cfg) as f:
            for line in f:
                key, sep, value = line.partition("=")
                if sep and key.strip().lower() == "home":
                    return os.path.join(value.strip(), os.path.basename(sys.executable))
    except (IOError, OSError):
        pass
    return sys.executable


def markers():
    name, impl_version = implementation()
    return {
        "implementation_name": name,
        "implementation_version": full_version(impl_version),
        "os_name": os.name,
        "platform_machine": platform.machine(),
        "platform_python_implementation": platform.python_implementation(),
        "platform_release": platform.release(),
        "platform_system": platform.system(),
        "platform_version": platform.version(),
        "python_full_version": platform.python_version(),
        "python_version": ".".join(platform.python_version_tuple()[:2]),
        "sys_platform": sys.platform,
    }


SCHEME_KEYS = ("purelib", "platlib", "scripts", "include", "data")


def relative_scheme(scheme):
    # A scheme's paths relative to its base: expand it with a placeholder
    # base and strip the placeholder again. A path that does not depend on
    # the base stays absolute.
    import sysconfig

    base = os.path.abspath(os.sep + "ferry-placeholder-base")
    names = ("base", "platbase", "installed_base", "installed_platbase", "userbase")
    paths = sysconfig.get_paths(scheme, vars=dict((n, base) for n in names), expand=True)
    out = {}
    for key in SCHEME_KEYS:
        p = os.path.normpath(paths[key])
        if p == base:
            out[key] = "."
        elif p.startswith(base + os.sep):
            out[key] = os.path.relpath(p, base).replace(os.sep, "/")
        else:
            out[key] = p
    return out


def schemes():
    import site
    import sysconfig

    names = sysconfig.get_scheme_names()
    prefix_scheme = "nt" if os.name == "nt" else "posix_prefix"
    if "venv" in names:
        venv = relative_scheme("venv")
    else:
        # Before 3.11 venv put headers in <env>/include (Include on Windows).
        venv = relative_scheme(prefix_scheme)
        venv["include"] = "Include" if os.name == "nt" else "include"
    get_preferred = getattr(sysconfig, "get_preferred_scheme", None)
    if get_preferred is not None:
        user_scheme = get_preferred("user")
    elif os.name == "nt":
        user_scheme = "nt_user"
    elif sys.platform == "darwin" and sys._framework:
        user_scheme = "osx_framework_user"
    else:
        user_scheme = "posix_user"
    own = sysconfig.get_paths()
    return {
        "paths": dict((k, own[k]) for k in SCHEME_KEYS),
        "stdlib": own.get("stdlib", ""),
        "prefix_scheme": relative_scheme(prefix_scheme),
        "venv_scheme": venv,
        "user": {
            "base": site.getuserbase() if hasattr(site, "getuserbase") else "",
            "site": site.getusersitepackages() if hasattr(site, "getusersitepackages") else "",
            "enabled": bool(site.ENABLE_USER_SITE),
            "scheme_name": user_scheme,
            "scheme": relative_scheme(user_scheme),
        },
    }


def elf_interpreter(path):
    # The PT_INTERP entry of an ELF executable: the dynamic loader's path.
    import struct

    try:
        with open(path, "rb") as f:
            ident = f.read(16)
            if len(ident) < 16 or ident[:4] != b"\x7fELF":
                return None
            wide = ident[4:5] == b"\x02"
            endian = "<" if ident[5:6] == b"\x01" else ">"
            if wide:
                f.seek(32)
                (phoff,) = struct.unpack(endian + "Q", f.read(8))
                f.seek(54)
            else:
                f.seek(28)
                (phoff,) = struct.unpack(endian + "I", f.read(4))
                f.seek(42)
            phentsize, phnum = struct.unpack(endian + "HH", f.read(4))
            for i in range(phnum):
                f.seek(phoff + i * phentsize)
                if wide:
                    p_type, _, p_offset, _, _, p_filesz = struct.unpack(endian + "IIQQQQ", f.read(40))
                else:
                    p_type, p_offset, _, _, p_filesz = struct.unpack(endian + "IIIII", f.read(20))
                if p_type == 3:
                    f.seek(p_offset)
                    return f.read(p_filesz).rstrip(b"\x00").decode("ascii", "replace")
    except (IOError, OSError, struct.error):
        pass
    return None


def musl_version():
    import re
    import subprocess

    loader = elf_interpreter(os.path.realpath(sys.executable))
    if not loader or "musl" not in os.path.basename(loader):
        return ""
    try:
        proc = subprocess.Popen([loader], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        _, err = proc.communicate()
    except OSError:
        return ""
    m = re.search(r"Version\s+(\d+)\.(\d+)(?:\.(\d+))?", err.decode("utf-8", "replace"))
    if not m:
        return ""
    return ".".join(g for g in m.groups() if g is not None)


CONFIG_VARS = (
    "BINDIR",
    "EXE",
    "EXT_SUFFIX",
    "HOST_GNU_TYPE",
    "LDVERSION",
    "LIBDIR",
    "MACOSX_DEPLOYMENT_TARGET",
    "MULTIARCH",
    "Py_DEBUG",
    "Py_ENABLE_SHARED",
    "Py_GIL_DISABLED",
    "Py_TRACE_REFS",
    "SIZEOF_VOID_P",
    "SOABI",
    "VERSION",
    "WITH_PYMALLOC",
    "platlibdir",
    "py_version_nodot",
)


def platform_facts():
    import struct
    import sysconfig

    cv = {}
    for name in CONFIG_VARS:
        v = sysconfig.get_config_var(name)
        if v is not None:
            cv[name] = str(v)
    glibc = ""
    try:
        s = os.confstr("CS_GNU_LIBC_VERSION") or ""
        if s.startswith("glibc "):
            glibc = s.split(" ", 1)[1]
    except (AttributeError, ValueError, OSError):
        pass
    musl = ""
    if not glibc and sys.platform.startswith("linux"):
        musl = musl_version()
    macos = ""
    if sys.platform == "darwin":
        macos = platform.mac_ver()[0]
    return {
        "platform": sysconfig.get_platform(),
        "soabi": sysconfig.get_config_var("SOABI") or "",
        "ext_suffix": sysconfig.get_config_var("EXT_SUFFIX") or "",
        "abiflags": getattr(sys, "abiflags", ""),
        "py_debug": bool(sysconfig.get_config_var("Py_DEBUG")) or hasattr(sys, "gettotalrefcount"),
        "gil_disabled": bool(sysconfig.get_config_var("Py_GIL_DISABLED")),
        "pointer_size": struct.calcsize("P"),
        "byteorder": sys.byteorder,
        "glibc": glibc,
        "musl": musl,
        "macos": macos,
        "multiarch": sysconfig.get_config_var("MULTIARCH") or "",
        "framework": bool(getattr(sys, "_framework", "")),
        "config_vars": cv,
    }


def tag_facts(musl):
    """The facts internal/tags derives the accepted wheel tags from."""
    import importlib.machinery
    import struct
    import sysconfig

    def var(name):
        v = sysconfig.get_config_var(name)
        try:
            return None if v is None else int(v)
        except (TypeError, ValueError):
            return None

    try:
        glibc = os.confstr("CS_GNU_LIBC_VERSION") or ""
    except (AttributeError, OSError, ValueError):
        glibc = ""
    system = platform.system()
    return {
        "implementation_name": sys.implementation.name,
        "version": list(sys.version_info[:2]),
        "py_version_nodot": sysconfig.get_config_var("py_version_nodot") or "",
        "system": system,
        "platform": sysconfig.get_platform(),
        "machine": platform.mac_ver()[2] if system == "Darwin" else platform.machine(),
        "pointer_size": struct.calcsize("P"),
        "ext_suffix": sysconfig.get_config_var("EXT_SUFFIX") or "",
        "soabi": sysconfig.get_config_var("SOABI") or "",
        "py_debug": var("Py_DEBUG"),
        "py_gil_disabled": var("Py_GIL_DISABLED"),
        "with_pymalloc": var("WITH_PYMALLOC"),
        "unicode_size": var("Py_UNICODE_SIZE"),
        "maxunicode": sys.maxunicode,
        "has_totalrefcount": hasattr(sys, "gettotalrefcount"),
        "extension_suffixes": list(importlib.machinery.EXTENSION_SUFFIXES),
        "glibc_version": glibc,
        "musl_version": musl,
        "mac_version": platform.mac_ver()[0] if system == "Darwin" else "",
        "multiarch": getattr(sys.implementation, "_multiarch", "") or "",
    }


def bytecode():
    import importlib.util

    magic = importlib.util.MAGIC_NUMBER
    return {
        "magic_number": "".join("%02x" % b for b in bytearray(magic)),
        "cache_tag": sys.implementation.cache_tag or "",
    }


def flags():
    f = sys.flags
    return {
        "no_site": bool(f.no_site),
        "no_user_site": bool(f.no_user_site),
        "isolated": bool(getattr(f, "isolated", 0)),
        "dont_write_bytecode": bool(f.dont_write_bytecode),
        "optimize": f.optimize,
        "utf8_mode": bool(getattr(f, "utf8_mode", 0)),
        "safe_path": bool(getattr(f, "safe_path", False)),
    }


def main():
    info = basics()
    if sys.version_info < (3, 6):
        return info
    import site

    info["base_executable"] = base_executable(info)
    info["markers"] = markers()
    info.update(schemes())
    info["platform"] = platform_facts()
    info["tag_facts"] = tag_facts(info["platform"]["musl"])
    info.update(bytecode())
    info["flags"] = flags()
    info["sys_path"] = list(sys.path)
    info["site_packages"] = site.getsitepackages() if hasattr(site, "getsitepackages") else []
    info["filesystem_encoding"] = sys.getfilesystemencoding()
    return info


sys.stdout.write("\n" + json.dumps(main(), sort_keys=True) + "\n")
sys.stdout.flush()
