package pep440

import "testing"

var benchVersions = []string{
	"1.0", "2.31.0", "1!2.0.0rc1", "1.0.post1.dev3", "3.12.0a7", "2024.1.15", "1.0+ubuntu1.2", " v1.0-DEV ",
}

func BenchmarkParse(b *testing.B) {
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := Parse(benchVersions[i%len(benchVersions)]); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCompare(b *testing.B) {
	vs := make([]Version, len(benchVersions))
	for i, s := range benchVersions {
		vs[i] = MustParse(s)
	}
	b.ReportAllocs()
	n := 0
	for i := 0; b.Loop(); i++ {
		n += vs[i%len(vs)].Compare(vs[(i+3)%len(vs)])
	}
	_ = n
}

func BenchmarkSpecifiersContains(b *testing.B) {
	s := MustParseSpecifiers(">=1.0,!=1.3.*,<3.0,~=2.1")
	vs := make([]Version, len(benchVersions))
	for i, v := range benchVersions {
		vs[i] = MustParse(v)
	}
	b.ReportAllocs()
	n := 0
	for i := 0; b.Loop(); i++ {
		if s.Contains(vs[i%len(vs)], PrereleasesDefault) {
			n++
		}
	}
	_ = n
}

func BenchmarkSetContains(b *testing.B) {
	set := FromSpecifiers(MustParseSpecifiers(">=1.0,!=1.3.*,!=1.5,!=1.7,<3.0"))
	vs := make([]Version, len(benchVersions))
	for i, v := range benchVersions {
		vs[i] = MustParse(v)
	}
	b.ReportAllocs()
	n := 0
	for i := 0; b.Loop(); i++ {
		if set.Contains(vs[i%len(vs)]) {
			n++
		}
	}
	_ = n
}

func BenchmarkParseSpecifiers(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseSpecifiers(">=1.0, !=1.3.*, <3.0"); err != nil {
			b.Fatal(err)
		}
	}
}
