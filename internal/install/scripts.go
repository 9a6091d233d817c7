package install

import (
	"bytes"
	"fmt"
	"strings"

	"ferry/internal/distinfo"
)

// maxShebang is the longest "#!" line every POSIX kernel ferry targets
// runs (older Linux kernels cut at 127 bytes; macOS allows a little more).
const maxShebang = 127

// Shebang returns the lines that make a script run under python. A plain
// "#!/path/to/python" line is used when it fits maxShebang bytes and the
// path has no white space (a kernel splits the line at spaces); otherwise
// the script starts as a /bin/sh script that re-executes itself with
// python, in lines that Python in turn reads as a string expression:
//
//	#!/bin/sh
//	'''exec' '/long path/bin/python' "$0" "$@"
//	' '''
func Shebang(python string) string {
	if len("#!"+python) <= maxShebang && !strings.ContainsAny(python, " \t\r\n") {
		return "#!" + python + "\n"
	}
	return "#!/bin/sh\n'''exec' " + shQuote(python) + " \"$0\" \"$@\"\n' '''\n"
}

// shQuote quotes s for a POSIX shell.
func shQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// needsShebangRewrite reports whether a script's first line is the
// "#!python" (or "#!pythonw") placeholder of the wheel format.
func needsShebangRewrite(head []byte) bool { return bytes.HasPrefix(head, []byte("#!python")) }

// rewriteShebang replaces a script's "#!python..." first line with the
// shebang for python; other content is returned unchanged.
func rewriteShebang(content []byte, python string) []byte {
	if !needsShebangRewrite(content) {
		return content
	}
	rest := content[len(content):]
	if i := bytes.IndexByte(content, '\n'); i >= 0 {
		rest = content[i+1:]
	}
	out := make([]byte, 0, len(content)+len(python)+64)
	out = append(out, Shebang(python)...)
	return append(out, rest...)
}

// checkScriptName refuses launcher names that are not plain file names.
func checkScriptName(name string) error {
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, "/\\\x00") || strings.TrimSpace(name) != name {
		return fmt.Errorf("entry point name %q is not a valid script name", name)
	}
	return nil
}

// LauncherScript returns the content of a POSIX script that runs an entry
// point with python: it imports the object the entry point names, calls
// it and exits with what it returns. argv[0] loses a "-script.pyw" or
// ".exe" suffix, so a program sees the name it was called by on every
// platform. gui has no effect on POSIX (there is no pythonw).
func LauncherScript(python string, l Launcher) ([]byte, error) {
	if err := checkScriptName(l.Name); err != nil {
		return nil, err
	}
	ref, err := distinfo.ParseObjectRef(l.Value)
	if err != nil {
		return nil, fmt.Errorf("entry point %s: %w", l.Name, err)
	}
	if ref.Attr == "" {
		return nil, fmt.Errorf("entry point %s = %s: names a module, not a callable (want module:function)", l.Name, l.Value)
	}
	first, rest, _ := strings.Cut(ref.Attr, ".")
	call := "_ferry_entry"
	if rest != "" {
		call += "." + rest
	}
	var b strings.Builder
	b.WriteString(Shebang(python))
	b.WriteString("# -*- coding: utf-8 -*-\n")
	fmt.Fprintf(&b, "# Launcher for the entry point %s = %s, written by ferry.\n", l.Name, ref.String())
	b.WriteString("import sys\n")
	fmt.Fprintf(&b, "from %s import %s as _ferry_entry\n", ref.Module, first)
	b.WriteString("if __name__ == \"__main__\":\n")
	b.WriteString("    for _suffix in (\"-script.pyw\", \".exe\"):\n")
	b.WriteString("        if sys.argv[0].endswith(_suffix):\n")
	b.WriteString("            sys.argv[0] = sys.argv[0][: -len(_suffix)]\n")
	b.WriteString("            break\n")
	fmt.Fprintf(&b, "    sys.exit(%s())\n", call)
	return []byte(b.String()), nil
}
