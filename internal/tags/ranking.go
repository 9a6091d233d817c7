package tags

// Ranking answers "how much does this interpreter like tag t" in constant
// time. Rank 0 is the most preferred tag. A Ranking is immutable once built
// and safe for concurrent use.
type Ranking struct {
	rank map[Tag]int
}

// NewRanking builds a Ranking from supported tags, most preferred first (the
// result of Supported). A tag listed twice keeps its first, better rank.
func NewRanking(supported []Tag) Ranking {
	m := make(map[Tag]int, len(supported))
	for i, t := range supported {
		if _, ok := m[t]; !ok {
			m[t] = i
		}
	}
	return Ranking{rank: m}
}

// Len is the number of distinct supported tags.
func (r Ranking) Len() int { return len(r.rank) }

// Rank returns t's rank and whether t is supported at all.
func (r Ranking) Rank(t Tag) (int, bool) {
	i, ok := r.rank[t]
	return i, ok
}

// Best returns the best (lowest) rank among tags, for example the tags of
// one wheel file, and false when none of them is supported.
func (r Ranking) Best(tags []Tag) (int, bool) {
	best, found := 0, false
	for _, t := range tags {
		if i, ok := r.rank[t]; ok && (!found || i < best) {
			best, found = i, true
		}
	}
	return best, found
}
