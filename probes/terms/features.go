package terms

import (
	"unicode"
	"unicode/utf8"
)

// FeatureSpec says which character n-grams of a sentence are features.
// With Script, one more feature names the script of the sentence ("#han"
// when it holds a Han character, "#latin" otherwise), so each head has a
// bias per language: Chinese and English training data differ in how
// many positives they hold.
// The text is lower-cased and every run of characters that are neither
// letters nor digits becomes one space, so punctuation and layout do not
// matter; n-grams may span words ("t any t" in "at any time"), which is
// how phrases are seen without a tokenizer. An n-gram holding a Han
// character is kept when it is at most HanMax characters long; any other
// when it is LatinMin to LatinMax long. Chinese needs no word
// segmentation this way: its words are one to three characters.
//
// With Words, the words of text outside Han script (runs between spaces
// holding no Han character) and pairs of adjacent words are features too,
// written "#word" and "#word word": legal English carries much of its
// meaning in two-word phrases ("sole discretion", "without notice") longer
// than the character n-grams.
type FeatureSpec struct {
	HanMax   int  `json:"han_max"`
	LatinMin int  `json:"latin_min"`
	LatinMax int  `json:"latin_max"`
	Words    bool `json:"words"`
	Script   bool `json:"script"`
}

func (s FeatureSpec) maxLen() int { return max(s.HanMax, s.LatinMax) }

// normalize writes the feature text of s into buf: lower case, and one
// space for every run of other characters. starts receives the byte
// offset of each rune, plus the end.
func normalize(s string, buf []byte, starts []int32) ([]byte, []int32) {
	buf, starts = buf[:0], starts[:0]
	space := true // no leading space
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			starts = append(starts, int32(len(buf)))
			buf = utf8.AppendRune(buf, unicode.ToLower(r))
			space = false
			continue
		}
		if !space {
			starts = append(starts, int32(len(buf)))
			buf = append(buf, ' ')
			space = true
		}
	}
	if len(starts) > 0 && space {
		// Drop the trailing space.
		buf = buf[:starts[len(starts)-1]]
		starts = starts[:len(starts)-1]
	}
	starts = append(starts, int32(len(buf)))
	return buf, starts
}

func isHan(b []byte) bool {
	if b[0] < utf8.RuneSelf {
		return false
	}
	r, _ := utf8.DecodeRune(b)
	return unicode.Is(unicode.Han, r)
}

// eachGram calls f with every feature n-gram of s (its bytes in buf, only
// valid during the call) and its FNV-1a hash. Hashing as the n-gram grows
// means each is hashed in one pass, without building strings.
func (spec FeatureSpec) eachGram(s string, sc *scratch, f func(gram []byte, h uint64)) {
	sc.buf, sc.starts = normalize(s, sc.buf, sc.starts)
	buf, starts := sc.buf, sc.starts
	n := len(starts) - 1
	maxLen := spec.maxLen()
	if cap(sc.han) < n {
		sc.han = make([]bool, n)
	}
	han := sc.han[:n]
	for i := range n {
		han[i] = isHan(buf[starts[i]:])
	}
	for i := range n {
		h := uint64(fnvOffset)
		hasHan := false
		for l := 1; l <= maxLen && i+l <= n; l++ {
			j := i + l - 1
			for _, b := range buf[starts[j]:starts[j+1]] {
				h ^= uint64(b)
				h *= fnvPrime
			}
			hasHan = hasHan || han[j]
			if l == 1 && buf[starts[i]] == ' ' {
				continue
			}
			if hasHan {
				if l > spec.HanMax {
					break
				}
			} else if l < spec.LatinMin || l > spec.LatinMax {
				continue
			}
			f(buf[starts[i]:starts[i+l]], h)
		}
	}
	if spec.Words {
		spec.eachWord(sc, f)
	}
	if spec.Script {
		g := scriptLatin
		for _, h := range han {
			if h {
				g = scriptHan
				break
			}
		}
		sc.word = append(sc.word[:0], g...)
		f(sc.word, gramHash(g))
	}
}

const (
	scriptHan   = "#han"
	scriptLatin = "#latin"
)

// eachWord calls f with the word and word-pair features of the text
// eachGram has normalised into sc.
func (spec FeatureSpec) eachWord(sc *scratch, f func(gram []byte, h uint64)) {
	buf, starts, han := sc.buf, sc.starts, sc.han
	n := len(starts) - 1
	prev := [2]int{-1, -1} // byte range of the previous Latin word
	for i := 0; i < n; {
		if buf[starts[i]] == ' ' {
			i++
			continue
		}
		j, hasHan := i, false
		for j < n && buf[starts[j]] != ' ' {
			hasHan = hasHan || han[j]
			j++
		}
		if hasHan {
			prev = [2]int{-1, -1}
			i = j
			continue
		}
		a, z := int(starts[i]), int(starts[j])
		sc.word = append(append(sc.word[:0], '#'), buf[a:z]...)
		f(sc.word, hashBytes(sc.word))
		if prev[0] >= 0 && a == prev[1]+1 {
			sc.word = append(append(append(append(sc.word[:0], '#'), buf[prev[0]:prev[1]]...), ' '), buf[a:z]...)
			f(sc.word, hashBytes(sc.word))
		}
		prev = [2]int{a, z}
		i = j
	}
}

func hashBytes(b []byte) uint64 {
	h := uint64(fnvOffset)
	for _, c := range b {
		h ^= uint64(c)
		h *= fnvPrime
	}
	return h
}

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// gramHash is the hash eachGram gives a gram.
func gramHash(g string) uint64 {
	h := uint64(fnvOffset)
	for i := range len(g) {
		h ^= uint64(g[i])
		h *= fnvPrime
	}
	return h
}

// Grams returns the feature n-grams of s, in order, with repeats: the
// vocabulary a model is trained on is built from these.
func (spec FeatureSpec) Grams(s string) []string {
	var sc scratch
	var out []string
	spec.eachGram(s, &sc, func(g []byte, _ uint64) { out = append(out, string(g)) })
	return out
}

// scratch holds buffers reused from one sentence to the next.
type scratch struct {
	buf    []byte
	starts []int32
	han    []bool
	// seen[f] is the sentence number in which feature f was last seen,
	// at[f] its index in feats then.
	word  []byte
	seen  []uint32
	at    []int32
	feats []feat
	ids   []int32
	xs    []float32
	stamp uint32
}

type feat struct {
	id    int32
	count float32
}
