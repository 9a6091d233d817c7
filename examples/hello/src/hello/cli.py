import sys

from hello import __version__


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    name = argv[0] if argv else "world"
    print("hello, %s (hello-ferry %s on Python %d.%d)" % (name, __version__, *sys.version_info[:2]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
