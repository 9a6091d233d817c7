package pyproject

import (
	"testing"
	"testing/fstest"
)

func TestClassifySetupPy(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want SetupPyKind
	}{
		{"from import", "from setuptools import setup\nsetup()\n", SetupPyTrivial},
		{"module import", "import setuptools\nsetuptools.setup()\n", SetupPyTrivial},
		{"module alias", "import setuptools as st\nst.setup()\n", SetupPyTrivial},
		{"setup alias", "from setuptools import setup as s\ns()\n", SetupPyTrivial},
		{"extra names imported", "from setuptools import find_packages, setup\nsetup()\n", SetupPyTrivial},
		{"parenthesized import", "from setuptools import (\n    setup,\n)\nsetup()\n", SetupPyTrivial},
		{"comments shebang docstring", "#!/usr/bin/env python\n# -*- coding: utf-8 -*-\n\"\"\"Shim.\"\"\"\n\nfrom setuptools import setup  # the shim\n\n\nsetup()  # go\n", SetupPyTrivial},
		{"future import", "from __future__ import annotations\nimport setuptools\nsetuptools.setup()\n", SetupPyTrivial},
		{"main guard block", "from setuptools import setup\n\nif __name__ == \"__main__\":\n    # build\n    setup()\n", SetupPyTrivial},
		{"main guard reversed quotes", "import setuptools\nif '__main__' == __name__:\n    setuptools.setup()\n", SetupPyTrivial},
		{"main guard one line", "from setuptools import setup\nif __name__ == '__main__': setup()\n", SetupPyTrivial},
		{"semicolons", "import setuptools; setuptools.setup()\n", SetupPyTrivial},
		{"crlf", "from setuptools import setup\r\nsetup()\r\n", SetupPyTrivial},
		{"call with arguments", "from setuptools import setup\nsetup(name='x')\n", SetupPyCustom},
		{"call with kwargs splat", "from setuptools import setup\nsetup(**cfg)\n", SetupPyCustom},
		{"no call", "from setuptools import setup\n", SetupPyCustom},
		{"two calls", "from setuptools import setup\nsetup()\nsetup()\n", SetupPyCustom},
		{"other import", "import os\nfrom setuptools import setup\nsetup()\n", SetupPyCustom},
		{"distutils", "from distutils.core import setup\nsetup()\n", SetupPyCustom},
		{"unbound setup", "setup()\n", SetupPyCustom},
		{"other code", "from setuptools import setup\nprint('hi')\nsetup()\n", SetupPyCustom},
		{"other code in guard", "from setuptools import setup\nif __name__ == '__main__':\n    print(1)\n    setup()\n", SetupPyCustom},
		{"else branch", "from setuptools import setup\nif __name__ == '__main__':\n    setup()\nelse:\n    pass\n", SetupPyCustom},
		{"different guard", "from setuptools import setup\nif x == '__main__':\n    setup()\n", SetupPyCustom},
		{"indented without guard", "from setuptools import setup\n  setup()\n", SetupPyCustom},
		{"cmdclass", "from setuptools import setup\nfrom mybuild import build\nsetup(cmdclass={'build': build})\n", SetupPyCustom},
		{"syntax error", "from setuptools import setup\nsetup(\n", SetupPyCustom},
		{"empty", "", SetupPyCustom},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := ClassifySetupPy([]byte(tc.src)); got != tc.want {
				t.Errorf("ClassifySetupPy = %v, want %v\n%s", got, tc.want, tc.src)
			}
		})
	}
	if got := ClassifySetupPy(nil); got != SetupPyAbsent {
		t.Errorf("ClassifySetupPy(nil) = %v, want absent", got)
	}
}

func TestSetupPyIn(t *testing.T) {
	got, err := SetupPyIn(fstest.MapFS{})
	if err != nil || got != SetupPyAbsent {
		t.Errorf("no setup.py: %v, %v", got, err)
	}
	got, err = SetupPyIn(fstest.MapFS{"setup.py": {Data: []byte("import setuptools\nsetuptools.setup()\n")}})
	if err != nil || got != SetupPyTrivial {
		t.Errorf("trivial setup.py: %v, %v", got, err)
	}
}
