# ferry's PEP 517 hook runner. ferry copies this file into a private
# control directory and runs it with the build environment's interpreter,
# in the source tree:
#
#     python ferry_hooks.py CONTROL_DIR
#
# It reads CONTROL_DIR/input.json ({"backend", "backend_path", "hook",
# "kwargs"}), imports the backend, calls the one hook and writes
# CONTROL_DIR/output.json with a "status" of
#
#     ok           "value" holds what the hook returned
#     missing      the backend does not define this (optional) hook
#     unsupported  the hook raised the backend's UnsupportedOperation
#     unavailable  the backend could not be imported
#     invalid      backend-path is set but the backend came from elsewhere
#     error        the hook raised; "message" and "traceback" say what
#
# Anything the backend prints goes to this process's stdout and stderr,
# which ferry captures; the answer travels only through output.json.
import json
import os
import sys
import traceback


def _answer(control, **fields):
    tmp = os.path.join(control, "output.json.tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(fields, f)
    os.replace(tmp, os.path.join(control, "output.json"))


def _inside(path, roots):
    path = os.path.normcase(os.path.realpath(path))
    for root in roots:
        root = os.path.normcase(os.path.realpath(root))
        if path == root or path.startswith(root + os.sep):
            return True
    return False


def _load(reference, backend_path):
    module_name, _, attrs = reference.partition(":")
    module_name = module_name.strip()
    if backend_path:
        sys.path[:0] = backend_path
    __import__(module_name)
    obj = sys.modules[module_name]
    if backend_path:
        where = getattr(obj, "__file__", None) or ""
        if not _inside(where, backend_path):
            raise _Invalid(
                "backend %r was loaded from %s, not from backend-path %s"
                % (reference, where, ", ".join(backend_path))
            )
    for attr in attrs.strip().split(".") if attrs.strip() else []:
        obj = getattr(obj, attr)
    return obj


class _Invalid(Exception):
    pass


def main():
    control = sys.argv[1]
    with open(os.path.join(control, "input.json"), encoding="utf-8") as f:
        request = json.load(f)
    # The source tree is the working directory; it is not importable
    # unless backend-path says so (PEP 517).
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if p and os.path.abspath(p) != here]
    try:
        backend = _load(request["backend"], request.get("backend_path") or [])
    except _Invalid as e:
        _answer(control, status="invalid", message=str(e))
        return
    except Exception:
        text = traceback.format_exc()
        sys.stderr.write(text)
        _answer(control, status="unavailable", message=text.strip().splitlines()[-1], traceback=text)
        return
    hook = getattr(backend, request["hook"], None)
    if hook is None:
        _answer(control, status="missing")
        return
    try:
        value = hook(**request["kwargs"])
    except (Exception, SystemExit) as e:
        if type(e).__name__ == "UnsupportedOperation":
            _answer(control, status="unsupported", message=str(e))
            return
        text = traceback.format_exc()
        sys.stderr.write(text)
        _answer(control, status="error", message="%s: %s" % (type(e).__name__, e), traceback=text)
        return
    _answer(control, status="ok", value=value)


if __name__ == "__main__":
    main()
