package pep508

import "testing"

func FuzzParseRequirement(f *testing.F) {
	for _, s := range []string{
		"name",
		"Name_With.Dots[Extra_1, b] (>=1.0, <2) ; python_version < '3.8'",
		"name @ https://example.com/a.zip ; extra == 'x'",
		"name @ https://example.com/a;b",
		"name===x,y",
		"name == 1.2.3.post4.*",
		`demo; 'a" == os_name or python_version >= "0" or "b' == os_name`,
		"name[]",
		"name()",
		"name>=1,",
		"name; os_name == \"C:\\\"",
		"name; os_name == '\\x41\\\\n'",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := Parse(s)
		if err != nil {
			_ = err.Error()
			return
		}
		out := r.String()
		back, err := Parse(out)
		if err != nil {
			t.Fatalf("Parse(%q).String() = %q does not parse: %v", s, out, err)
		}
		if !back.Equal(r) {
			t.Fatalf("Parse(%q) = %q, reparsed %q is not Equal", s, out, back)
		}
		if again := back.String(); again != out {
			t.Fatalf("String not idempotent for %q: %q then %q", s, out, again)
		}
	})
}

func FuzzParseMarker(f *testing.F) {
	for _, s := range []string{
		`python_version >= "3.8" and sys_platform == "linux" or extra == "test"`,
		`(os.name == 'nt' or (platform.machine == "x86_64")) and "3." not in python_version`,
		`"Foo_Bar" in extras and "dev" not in dependency_groups`,
		`python_implementation == 'CPython' and python_full_version ~= '3.11.1+'`,
		`os_name == "a\"b"`,
		`os_name == '\x22\x27\\d\\n\u00e9'`,
		`extra == os_name`,
		`"a" == "os_name"`,
	} {
		f.Add(s)
	}
	env := NewEnv(testValues).WithExtra("test").WithExtras("a").WithDependencyGroups("dev")
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMarker(s)
		if err != nil {
			_ = err.Error()
			return
		}
		out := m.String()
		back, err := ParseMarker(out)
		if err != nil {
			t.Fatalf("ParseMarker(%q).String() = %q does not parse: %v", s, out, err)
		}
		if !back.Equal(m) || !m.Equal(back) {
			t.Fatalf("ParseMarker(%q) = %q, reparsed %q is not Equal", s, out, back)
		}
		if again := back.String(); again != out {
			t.Fatalf("String not idempotent for %q: %q then %q", s, out, again)
		}
		got := m.Evaluate(env)
		strict, err := m.EvaluateStrict(env)
		if err == nil && strict != got {
			t.Fatalf("%q: Evaluate %v, EvaluateStrict %v", s, got, strict)
		}
		if back.Evaluate(env) != got {
			t.Fatalf("%q: reparsed marker evaluates differently", s)
		}
		_ = m.Extras()
	})
}
