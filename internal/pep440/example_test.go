package pep440_test

import (
	"fmt"

	"ferry/internal/pep440"
)

func ExampleParse() {
	v, err := pep440.Parse(" v1.0-RC.1 ")
	if err != nil {
		panic(err)
	}
	fmt.Println(v, v.IsPrerelease(), v.Compare(pep440.MustParse("1.0")))
	// Output: 1.0rc1 true -1
}

func ExampleSpecifiers_Contains() {
	s := pep440.MustParseSpecifiers(">=1.0, !=1.3.*, <2")
	for _, v := range []string{"1.2", "1.3.1", "2.0rc1", "1.5b2"} {
		fmt.Println(v, s.Contains(pep440.MustParse(v), pep440.PrereleasesDefault))
	}
	// Output:
	// 1.2 true
	// 1.3.1 false
	// 2.0rc1 false
	// 1.5b2 true
}

func ExampleSet() {
	a := pep440.FromSpecifiers(pep440.MustParseSpecifiers(">=1.0,<3"))
	b := pep440.FromSpecifiers(pep440.MustParseSpecifiers("~=2.1"))
	fmt.Println(a.Intersect(b))
	fmt.Println(b.IsSubset(a), a.Difference(b))
	// Output:
	// >=2.1, <3.0
	// true >=1.0, <2.1 (incl. pre-releases)
}
