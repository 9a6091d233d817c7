# ferry's bytecode compiler. ferry runs this as `python -I -c <this file>
# WORKERS` in the target interpreter with the source files on stdin,
# separated by NUL bytes. Each file is compiled to the path
# importlib.util.cache_from_source gives it; a file that does not compile
# (a Python 2 leftover in a package, say) is skipped, as pip does.
import importlib.util
import os
import py_compile
import sys


def compile_one(path):
    try:
        py_compile.compile(path, cfile=importlib.util.cache_from_source(path), doraise=True)
        return True
    except Exception:
        return False


def main():
    data = sys.stdin.buffer.read()
    paths = [os.fsdecode(p) for p in data.split(b"\0") if p]
    workers = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    if workers > 1 and len(paths) >= 64:
        import multiprocessing

        try:
            ctx = multiprocessing.get_context("fork")
        except ValueError:
            ctx = None
        if ctx is not None:
            from concurrent.futures import ProcessPoolExecutor

            with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as ex:
                list(ex.map(compile_one, paths, chunksize=16))
            return
    for p in paths:
        compile_one(p)


main()
