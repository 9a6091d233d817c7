# Generates supported_golden.json: the tag lists packaging.tags (the
# standalone packaging >= 26.3, for abi3t and armv8l) yields for hypothetical
# interpreters. Run by `go test -run TestSupportedGolden -update`.
# The ABIs of each CPython case are written out here by hand from the
# interpreter's flags; the Go side derives them itself where the case gives
# only flags.
import json
import sys

from packaging import _manylinux, _musllinux, tags

ALLOWED = _manylinux._ALLOWED_ARCHS | {"armv7l", "i686"}


def linux(arch, glibc=None, musl=None, native_first=False):
    archs = {"armv8l": ["armv8l", "armv7l"]}.get(arch, [arch])
    _manylinux._get_glibc_version = lambda: _manylinux._GLibCVersion(*(glibc or (-1, -1)))
    _manylinux._have_compatible_abi = lambda exe, a: any(x in ALLOWED for x in a)
    _musllinux._get_musl_version = lambda exe: _musllinux._MuslVersion(*musl) if musl else None
    many = list(_manylinux.platform_tags(archs)) if glibc else []
    ml = list(_musllinux.platform_tags(archs))
    native = [f"linux_{a}" for a in archs]
    return native + many + ml if native_first else many + ml + native


def sys_tags(impl, pyver, abis, platforms, nodot=None):
    nodot = nodot or "".join(map(str, pyver))
    if impl == "cp":
        out = list(tags.cpython_tags(pyver, abis, platforms))
        compat = "cp" + nodot
    else:
        out = list(tags.generic_tags(impl + nodot, abis, platforms))
        compat = "pp3" if impl == "pp" else None
    out += list(tags.compatible_tags(pyver, compat, platforms))
    return [str(t) for t in out]


def mm(v):
    return {"Major": v[0], "Minor": v[1]} if v else {"Major": 0, "Minor": 0}


cases = []


def case(name, impl, pyver, abis, platform, platforms, go_abis=True, **flags):
    interp = {"Implementation": impl, "Python": mm(pyver), "Platform": platform}
    if go_abis:
        interp["ABIs"] = abis
    interp.update(flags)
    cases.append({"name": name, "interpreter": interp,
                  "tags": sys_tags(impl, pyver, list(abis), platforms)})


def lin(arch, glibc=None, musl=None, native_first=False):
    return ({"OS": "linux", "Arch": arch, "Glibc": mm(glibc), "Musl": mm(musl),
             "NativeLinuxFirst": native_first},
            linux(arch, glibc, musl, native_first))


case("cp311-manylinux-x86_64", "cp", (3, 11), ["cp311"], *lin("x86_64", (2, 28)), go_abis=False)
case("cp312-manylinux-aarch64-native-first", "cp", (3, 12), ["cp312"], *lin("aarch64", (2, 31), native_first=True))
case("cp312-musllinux-x86_64", "cp", (3, 12), ["cp312"], *lin("x86_64", musl=(1, 2)))
case("cp313t-free-threaded", "cp", (3, 13), ["cp313t"], *lin("x86_64", (2, 39)), go_abis=False, FreeThreaded=True)
case("cp313td-free-threaded-debug", "cp", (3, 13), ["cp313td", "cp313t"], *lin("x86_64", (2, 39)), go_abis=False, FreeThreaded=True, Debug=True)
case("cp310-armv8l-32bit", "cp", (3, 10), ["cp310"], *lin("armv8l", (2, 31)))
case("cp27mu-i686", "cp", (2, 7), ["cp27mu"], *lin("i686", (2, 17)), go_abis=False, Pymalloc=True, WideUnicode=True)
case("cp38-glibc3", "cp", (3, 8), ["cp38"], *lin("x86_64", (3, 1)))
case("cp312-linux-mips-no-manylinux", "cp", (3, 12), ["cp312"], *lin("mips", (2, 31)))
case("pp310-manylinux-x86_64", "pp", (3, 10), ["pypy310_pp73"], *lin("x86_64", (2, 35)))
case("cp313-debug-windows-amd64", "cp", (3, 13), ["cp313d", "cp313"],
     {"OS": "windows", "Arch": "amd64"}, ["win_amd64"], go_abis=False, Debug=True)
case("cp311-win32", "cp", (3, 11), ["cp311"], {"OS": "windows", "Arch": "win32"}, ["win32"])
case("cp312-win-arm64", "cp", (3, 12), ["cp312"], {"OS": "windows", "Arch": "arm64"}, ["win_arm64"])
for ver, arch in [((14, 2), "arm64"), ((11, 0), "x86_64"), ((10, 15), "x86_64"), ((10, 9), "i386"), ((10, 5), "ppc"), ((10, 5), "ppc64")]:
    py, abis = ((3, 7), ["cp37m"]) if arch in ("i386", "ppc", "ppc64") else ((3, 12), ["cp312"])
    if arch == "x86_64":
        py, abis = (3, 8), ["cp38"]
    case(f"cp{py[0]}{py[1]}-macos-{ver[0]}.{ver[1]}-{arch}", "cp", py, abis,
         {"OS": "darwin", "Arch": arch, "OSVersion": mm(ver)}, list(tags.mac_platforms(ver, arch)))
case("cp313-ios-13.2", "cp", (3, 13), ["cp313"],
     {"OS": "ios", "Arch": "arm64_iphoneos", "OSVersion": mm((13, 2))},
     list(tags.ios_platforms((13, 2), "arm64_iphoneos")))
case("cp313-android-24", "cp", (3, 13), ["cp313"],
     {"OS": "android", "Arch": "arm64_v8a", "OSVersion": mm((24, 0))},
     list(tags.android_platforms(24, "arm64_v8a")))
case("graalpy-freebsd", "graalpy", (3, 11), ["graalpy242_311_native"],
     {"OS": "freebsd", "Generic": "freebsd_14_0_release_amd64"}, ["freebsd_14_0_release_amd64"])

json.dump(cases, sys.stdout, indent=1)
print()
