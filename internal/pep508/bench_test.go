package pep508

import "testing"

func BenchmarkMarkerEvaluate(b *testing.B) {
	m := MustParseMarker(`python_version >= "3.8" and sys_platform == "linux" or extra == "test"`)
	env := NewEnv(testValues).WithExtra("test")
	b.ReportAllocs()
	for b.Loop() {
		if !m.Evaluate(env) {
			b.Fatal("false")
		}
	}
}

func BenchmarkMarkerEvaluateFalse(b *testing.B) {
	// Every comparison runs: the first group fails on its second term and
	// the extra does not match.
	m := MustParseMarker(`python_version >= "3.8" and sys_platform == "win32" or extra == "test"`)
	env := NewEnv(testValues)
	b.ReportAllocs()
	for b.Loop() {
		if m.Evaluate(env) {
			b.Fatal("true")
		}
	}
}

func BenchmarkParseMarker(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseMarker(`python_version >= "3.8" and sys_platform == "linux" or extra == "test"`); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseRequirement(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(`requests[security,socks]>=2.8.1,==2.8.*; python_version < "3.8"`); err != nil {
			b.Fatal(err)
		}
	}
}
