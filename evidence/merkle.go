package evidence

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
)

// The Merkle tree over a run's records follows RFC 6962 (Certificate
// Transparency) section 2.1: leaf hash = SHA-256(0x00 || leaf), interior
// hash = SHA-256(0x01 || left || right), and a tree of n leaves splits at
// the largest power of two below n. A leaf is a record id (32 bytes of
// SHA-256). The root goes into the manifest; an inclusion proof lets a
// complaint bundle carry only the records a finding needs and still show
// they belong to the signed run.

func leafHash(id []byte) []byte {
	h := sha256.New()
	h.Write([]byte{0})
	h.Write(id)
	return h.Sum(nil)
}

func nodeHash(l, r []byte) []byte {
	h := sha256.New()
	h.Write([]byte{1})
	h.Write(l)
	h.Write(r)
	return h.Sum(nil)
}

// largestPow2Below returns the largest power of two strictly less than n (n > 1).
func largestPow2Below(n int) int {
	k := 1
	for k<<1 < n {
		k <<= 1
	}
	return k
}

func decodeIDs(ids []string) ([][]byte, error) {
	out := make([][]byte, len(ids))
	for i, id := range ids {
		b, err := hex.DecodeString(id)
		if err != nil || len(b) != sha256.Size {
			return nil, fmt.Errorf("merkle: record id %q is not a hex SHA-256", id)
		}
		out[i] = b
	}
	return out, nil
}

func root(leaves [][]byte) []byte {
	switch len(leaves) {
	case 0:
		s := sha256.Sum256(nil)
		return s[:]
	case 1:
		return leafHash(leaves[0])
	}
	k := largestPow2Below(len(leaves))
	return nodeHash(root(leaves[:k]), root(leaves[k:]))
}

// MerkleRoot returns the hex root over record ids, in order.
func MerkleRoot(ids []string) (string, error) {
	leaves, err := decodeIDs(ids)
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(root(leaves)), nil
}

// Proof is an inclusion proof for one record.
type Proof struct {
	Record string   `json:"record"`
	Index  int      `json:"index"`
	Size   int      `json:"tree_size"`
	Path   []string `json:"path"` // sibling hashes, leaf to root
}

// InclusionProof proves that ids[index] is in the tree over ids.
func InclusionProof(ids []string, index int) (Proof, error) {
	leaves, err := decodeIDs(ids)
	if err != nil {
		return Proof{}, err
	}
	if index < 0 || index >= len(leaves) {
		return Proof{}, fmt.Errorf("merkle: index %d out of range", index)
	}
	var path []string
	var walk func(lv [][]byte, m int)
	walk = func(lv [][]byte, m int) {
		if len(lv) <= 1 {
			return
		}
		k := largestPow2Below(len(lv))
		if m < k {
			walk(lv[:k], m)
			path = append(path, hex.EncodeToString(root(lv[k:])))
		} else {
			walk(lv[k:], m-k)
			path = append(path, hex.EncodeToString(root(lv[:k])))
		}
	}
	walk(leaves, index)
	return Proof{Record: ids[index], Index: index, Size: len(ids), Path: path}, nil
}

// ErrBadProof is returned when a proof does not lead to the root.
var ErrBadProof = errors.New("inclusion proof does not match the Merkle root")

// VerifyInclusion checks p against the hex root (RFC 9162 section 2.1.3.2).
func VerifyInclusion(p Proof, rootHex string) error {
	leaf, err := decodeIDs([]string{p.Record})
	if err != nil {
		return err
	}
	if p.Index < 0 || p.Index >= p.Size {
		return ErrBadProof
	}
	fn, sn := p.Index, p.Size-1
	r := leafHash(leaf[0])
	for _, hx := range p.Path {
		c, err := hex.DecodeString(hx)
		if err != nil {
			return ErrBadProof
		}
		if sn == 0 {
			return ErrBadProof
		}
		if fn%2 == 1 || fn == sn {
			r = nodeHash(c, r)
			for fn%2 == 0 && fn != 0 {
				fn >>= 1
				sn >>= 1
			}
		} else {
			r = nodeHash(r, c)
		}
		fn >>= 1
		sn >>= 1
	}
	if sn != 0 || hex.EncodeToString(r) != rootHex {
		return ErrBadProof
	}
	return nil
}
